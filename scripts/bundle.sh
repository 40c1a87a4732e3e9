#!/usr/bin/env bash
# Builds the one-folder desk bundle and runs its self-test offscreen, as a bare machine would.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf build/motcua dist/motcua
.venv/bin/pyinstaller --noconfirm --log-level WARN build.spec
QT_QPA_PLATFORM=offscreen dist/motcua/motcua self-test
du -sh dist/motcua
# The window too: a real database, the desk opened offscreen, a screenshot written, exit 0.
tmp=$(mktemp -d)
dist/motcua/motcua --db "$tmp/xa.sqlite" init --agency-id 000.17.22.H56 --commune "Xã Quảng Phú"
QT_QPA_PLATFORM=offscreen dist/motcua/motcua --db "$tmp/xa.sqlite" --screenshot "$tmp/window.png"
test -s "$tmp/window.png" && echo "ĐẠT  cửa sổ mở được từ bản đóng gói"
rm -rf "$tmp"

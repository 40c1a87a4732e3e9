#!/usr/bin/env bash
# The desk driven like a person at a real X display (issue 11 §8, optional): Xvfb with a window
# manager (openbox), the real window (xcb), and xdotool typing — the first run of a new commune, a
# reception with the chip card's QR typed at a handheld scanner's pace, finding it without accents.
# Screenshots of each stage go to $OUT (default /tmp/motcua-xdotool) to look at.
# Needs: apt-get install xvfb openbox xdotool imagemagick.   Usage: bash scripts/xdotool_day.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/motcua-xdotool}
rm -rf "$OUT" && mkdir -p "$OUT/cfg" "$OUT/logs"
export DISPLAY=:${XDISPLAY:-77} XDG_CONFIG_HOME="$OUT/cfg" MOTCUA_LOG_DIR="$OUT/logs" QT_QPA_PLATFORM=xcb
QR="038190001234|123456789|Lê Thị Hồng|12031990|Nữ|Thôn Đông, xã Quảng Phú|01072022"

Xvfb "$DISPLAY" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 & XVFB=$!
sleep 1
openbox >/dev/null 2>&1 & WM=$!
.venv/bin/python -m app --db "$OUT/xa.sqlite" >"$OUT/desk.out" 2>&1 & DESK=$!
cleanup() { kill "$DESK" "$WM" "$XVFB" 2>/dev/null || true; }
trap cleanup EXIT

shot() { sleep 0.8; import -window root "$OUT/$1.png"; echo "ảnh: $OUT/$1.png"; }
key() { xdotool key --delay 120 "$@"; sleep 0.3; }
typed() { xdotool type --delay 60 "$1"; sleep 0.3; }  # a person; xdotool drops accented letters when faster
scanned() { xdotool type --delay 25 "$1"; sleep 0.3; }  # 25 ms a key: a handheld scanner's pace

xdotool search --sync --name "Chuẩn bị máy trạm" >/dev/null
sleep 1
key Return
typed "000.17.22.H56"; key Tab; typed "Xã Quảng Phú"; shot 1-xa; key Return
key Return                                             # workstation 1
typed "lan.nt"; key Tab; typed "Nguyễn Thị Lan"; key Tab Tab
typed "mat-khau-9"; key Tab; typed "mat-khau-9"; key alt+d; shot 2-quan-tri; key Return
sleep 1.5                                              # the password's argon2 hash takes a moment
key alt+m; typed "01BLP0-001"; key Tab; typed "AA/26T"; key Tab Tab ctrl+a; typed "200"; key Tab
typed "05/TB-UBND"; shot 3-bien-lai; key Return
key Return; shot 4-xong; key Return                     # printer (PDF files), then start working

xdotool search --sync --name "^Một cửa – UBND" >/dev/null
sleep 2
typed "chung thuc ban sao"; key Return
scanned "$QR"; key Return; shot 5a-quet                  # the scanner, ending with its Enter
typed "0912345678"; shot 5-tiep-nhan; key ctrl+Return
sleep 2; shot 6-ban-xem-truoc; key Escape               # the slip's preview: not printed now
sleep 2; key Escape                                     # the receipt's preview
sleep 1; shot 7-bieu-ngu
key ctrl+2; typed "le thi hong"; key Return Return
sleep 2; shot 8-ho-so
key Return; sleep 1; shot 9-buoc-dau-tien              # Enter: the first step the status allows
key Escape; sleep 0.5; key Escape; sleep 0.5; key alt+F4; sleep 2
wait "$DESK" || true
.venv/bin/python -m app.cli --db "$OUT/xa.sqlite" search "le thi hong" --user lan.nt <<<"" || \
  .venv/bin/python -m app.cli --db "$OUT/xa.sqlite" search "le thi hong"

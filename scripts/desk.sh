#!/usr/bin/env bash
# Launch the desk on the embedded demo commune (created on first run). No server needed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] \
   && [ "${QT_QPA_PLATFORM:-}" != "offscreen" ]; then
  echo "Không có màn hình: chạy cửa sổ trong Xvfb (1366x768)."
  exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python -m app --demo "$@"
fi
exec .venv/bin/python -m app --demo "$@"

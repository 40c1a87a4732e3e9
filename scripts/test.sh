#!/usr/bin/env bash
# The whole test suite, headless, on a fresh machine: set-up, lint, tests, then the bundle built
# and checked the way a bare Windows PC would run it (self-test, window opens).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/ruff check .
.venv/bin/python -m pytest "$@"
if [ "${SKIP_BUNDLE:-0}" != "1" ]; then
  bash scripts/bundle.sh
fi

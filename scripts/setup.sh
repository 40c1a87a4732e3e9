#!/usr/bin/env bash
# Idempotent set-up for a fresh checkout: system packages (Debian/Ubuntu), then .venv with the
# pinned Python packages. Safe to run again: it skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

DEB_PACKAGES=(
  # Qt offscreen and a real window under Xvfb
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0
  xvfb xauth libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-shape0 libxkbcommon-x11-0
  # looking at output: PDF -> PNG, screenshots, QR decoding
  poppler-utils imagemagick zbar-tools
  # the desk driven at a real X display by a window manager and typed keys (scripts/xdotool_day.sh)
  openbox xdotool
  # an independent check of the e-receipts' XML signatures; a software PKCS#11 token for the signer's tests
  xmlsec1 softhsm2
  # the hub's tests also run on a private PostgreSQL cluster
  postgresql
  # a real browser for the hub's web pages (the e-receipt lookup, the province's page)
  chromium chromium-driver
)

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || return 0
  local missing=()
  for p in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "Thiếu gói hệ thống (cần quyền root): ${missing[*]}" >&2; return 0
    fi
  fi
  echo "Cài gói hệ thống: ${missing[*]}"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

install_python_packages() {
  local py="${PYTHON:-python3}"
  [ -x .venv/bin/python ] || "$py" -m venv .venv
  local stamp=.venv/.requirements.sha256
  local want
  want=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -r requirements-dev.txt
    .venv/bin/python -m pip install -q --no-deps -e .
    echo "$want" > "$stamp"
  fi
}

# Qt has no Vietnamese translation of its own strings: build ours (resources/i18n/qt_vi.ts) when it changed.
build_translations() {
  local ts=resources/i18n/qt_vi.ts qm=resources/i18n/qt_vi.qm
  if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
    .venv/bin/pyside6-lrelease -silent "$ts" -qm "$qm"
  fi
}

install_debian_packages
install_python_packages
build_translations

#!/usr/bin/env bash
# Set up a working copy: virtual environment, Python and front-end packages, Debian packages when
# missing and installable. Safe to run again; each step is skipped when already done.
#   scripts/setup.sh          what `make demo` needs
#   scripts/setup.sh test     plus the test dependencies (Chromium for the browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-run}"
PYTHON="${PYTHON:-python3}"
VENV=.venv

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

apt_install() {
  # Install Debian packages when missing, if this machine lets us (root or password-less sudo).
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      say "缺少 ${missing[*]}，且无权限安装；请管理员执行: apt-get install ${missing[*]}"; return 0
    fi
  fi
  say "安装 Debian 软件包: ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
    || { $sudo apt-get update -qq >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; } \
    || say "未能安装 ${missing[*]}"
}

if [ ! -x "$VENV/bin/python" ]; then
  say "创建虚拟环境 $VENV"
  "$PYTHON" -m venv "$VENV"
fi

extras=""
stamp="$VENV/.installed"
if [ "$MODE" = test ]; then extras="[test]"; stamp="$VENV/.installed-test"; fi
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  say "安装 Python 依赖 .$extras"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".$extras"
  touch "$stamp"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "安装前端依赖（ECharts）"
  npm ci --no-audit --no-fund --loglevel=error
fi

apt_install fonts-noto-cjk
# reportlab embeds TrueType outlines only (Noto CJK's are CFF): the Chinese font of generated PDFs
apt_install fonts-wqy-microhei
if [ "$MODE" = test ]; then
  apt_install chromium
  # LibreOffice Calc re-saves exports in the round-trip tests and writes the import fixtures
  apt_install libreoffice-calc-nogui
  # gettext's makemessages/msgattrib check that the English catalogue is complete
  apt_install gettext
  # pdftotext / pdftoppm read and render the generated PDFs (the economy review tests)
  apt_install poppler-utils
fi

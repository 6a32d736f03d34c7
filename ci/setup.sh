#!/usr/bin/env bash
# ci/setup.sh: idempotent machine set-up for rnnconf.
#  1. Debian packages (apt-get update + install, only when one is missing).
#  2. A venv with the pinned PyPI packages of ci/requirements.txt (created once
#     per requirements hash; a stamp file marks a complete install).
# A second run on the same machine takes seconds.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

missing=()
for p in "${RNNCONF_APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  rnnconf_log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  rnnconf_log "Debian packages present"
fi

stamp="$RNNCONF_VENV/.rnnconf-complete"
if [ -f "$stamp" ] && cmp -s "$stamp" "$RNNCONF_ROOT/ci/requirements.txt"; then
  rnnconf_log "venv ready: $RNNCONF_VENV"
else
  rnnconf_log "creating venv $RNNCONF_VENV (torch wheel is large: a few minutes)"
  rm -rf "$RNNCONF_VENV"
  mkdir -p "$(dirname "$RNNCONF_VENV")"
  python3 -m venv "$RNNCONF_VENV"
  "$RNNCONF_PYTHON" -m pip install -q --upgrade pip
  "$RNNCONF_PYTHON" -m pip install -q -r "$RNNCONF_ROOT/ci/requirements.txt"
  cp "$RNNCONF_ROOT/ci/requirements.txt" "$stamp"
  rnnconf_log "venv ready: $RNNCONF_VENV"
fi

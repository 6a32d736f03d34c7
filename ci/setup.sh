#!/usr/bin/env bash
# ci/setup.sh: idempotent machine set-up for rnnconf.
#  1. Debian packages (apt-get update + install, only when one is missing).
#  2. A venv with the pinned PyPI packages of ci/requirements.txt (created once
#     per requirements hash; a stamp file marks a complete install).
#  3. The checkout's own tool capture/ (rnnconf-capture), installed into that venv
#     in editable mode without dependencies and without build isolation (offline:
#     setuptools comes with torch); redone only when its stamp (checkout path +
#     hash of capture/pyproject.toml) differs. It is not a pinned requirement, so
#     it does not enter the venv's hash.
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

capture_stamp="$RNNCONF_CAPTURE_STAMP"
capture_want="$(rnnconf_capture_want)"
if [ -f "$capture_stamp" ] && [ "$(cat "$capture_stamp")" = "$capture_want" ] \
   && [ -x "$RNNCONF_VENV/bin/rnnconf-capture" ]; then
  rnnconf_log "rnnconf-capture installed (editable: $RNNCONF_ROOT/capture)"
else
  rnnconf_log "installing rnnconf-capture from $RNNCONF_ROOT/capture (editable)"
  rm -f "$capture_stamp"
  # setuptools' editable-install warnings are noise: the output is shown only on failure
  out="$("$RNNCONF_PYTHON" -m pip install -q --no-deps --no-build-isolation -e "$RNNCONF_ROOT/capture" 2>&1)" \
    || { printf '%s\n' "$out" >&2; exit 1; }
  printf '%s\n' "$capture_want" >"$capture_stamp"
fi

#!/usr/bin/env bash
# ci/main.sh: the README's main-job command. Sets the machine up, builds the
# release preset (rnnconf and the modules it loads at run time) and runs the
# conformance matrix on the committed goldens (every case of the small tier and
# the model tier of whole models) on the engines cpu
# and cpu-literal, and on every engine (`--engine all`: cuda too, or the
# reason it cannot run) when a GPU is present. Reports: build/reports/conformance.{json,xml}.
# Extra arguments go to `rnnconf run` (e.g. --filter 'gru_l2', --quiet).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RNNCONF_ROOT"
"$RNNCONF_ROOT/ci/setup.sh"
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target rnnconf
engines=cpu,cpu-literal
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  engines=all
  rnnconf_log "GPU present: running the matrix on every engine (cpu, cpu-literal, cuda)"
  build/release/tools/rnnconf engines
else
  rnnconf_log "no GPU on this machine: running the matrix on the engines cpu and cpu-literal"
fi
mkdir -p build/reports
exec build/release/tools/rnnconf run --engine "$engines" \
  --json build/reports/conformance.json --junit build/reports/conformance.xml "$@"

#!/usr/bin/env bash
# ci/main.sh: the README's main-job command. Sets the machine up, builds the
# release preset and runs the conformance matrix on the committed goldens
# (every case, fused and literal fragment modes) on the CPU executor, and on
# CUDA too when a GPU is present. Reports: build/reports/conformance.{json,xml}.
# Extra arguments go to `rnnconf run` (e.g. --filter 'gru_l2', --quiet).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RNNCONF_ROOT"
"$RNNCONF_ROOT/ci/setup.sh"
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target rnnconf
device=cpu
if command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  device=all
  rnnconf_log "GPU present: running the matrix on cpu and cuda"
else
  rnnconf_log "no GPU on this machine: running the matrix on cpu"
fi
mkdir -p build/reports
exec build/release/tools/rnnconf run --device "$device" --mode both \
  --json build/reports/conformance.json --junit build/reports/conformance.xml "$@"

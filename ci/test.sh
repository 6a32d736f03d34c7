#!/usr/bin/env bash
# ci/test.sh: the README's test command. Runs every test of the project on a
# fresh machine (set-up included):
#   1. release build (g++, -Wall -Wextra -Werror on our code, CUDA when nvcc is
#      found, LibTorch from the venv) and its CTest suite; the same suite and
#      the conformance matrix again with the CPU kernels forced to each
#      narrower ISA path (RNNCONF_CPU_ISA=avx2, =baseline); then the mutant
#      matrix table (rnnconf mutants) and a 60 s LibTorch fuzz smoke (rnnconf
#      fuzz), plus 30 s with both sides on their AVX2 paths;
#   2. sanitizer build (clang, ASan+UBSan, libFuzzer targets): the same unit
#      tests under the sanitizers, then a short smoke of every fuzz target;
#   3. pytest (Python parts and the cross-checks against torch_to_nnef, tract
#      and the Khronos nnef parser, using the release build's tools), then the
#      goldens' recomputation tests again on PyTorch's AVX2 and baseline paths.
# Ends with the runners' own summary lines. RNNCONF_FUZZ_SECONDS (default 30)
# sets each fuzz smoke's length; RNNCONF_SKIP_SANITIZERS=1 skips step 2 (local use only).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$RNNCONF_ROOT"
"$RNNCONF_ROOT/ci/setup.sh" || exit 1

# The pinned torch_to_nnef's fragment files, for the C++ tests that run them
# (reference_cpu's executor_cells_test skips without them).
RNNCONF_T2N_FRAGMENTS="$("$RNNCONF_PYTHON" -c 'import os, torch_to_nnef; print(os.path.join(os.path.dirname(torch_to_nnef.__file__), "op", "fragment"))')" || exit 1
export RNNCONF_T2N_FRAGMENTS

logdir="$RNNCONF_ROOT/build/test-logs"
mkdir -p "$logdir"
failed=()
summaries=()
count_pass=0; count_fail=0; count_skip=0

run_ctest() {  # run_ctest PRESET [TAG]: TAG names the log and summary line (default: PRESET)
  local tag="${2:-$1}"
  local log="$logdir/ctest-$tag.log"
  ctest --preset "$1" -j2 --timeout 600 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  summaries+=("ctest ($tag): $(grep -E 'tests passed|tests failed' "$log" | tail -n1)")
  local total nfail nskip
  total=$(grep -oE 'out of [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || echo 0)
  nfail=$(grep -oE '[0-9]+ tests failed' "$log" | tail -n1 | grep -oE '^[0-9]+' || echo 0)
  nskip=$(grep -cE '\(Skipped\)$' "$log" || true)
  count_pass=$((count_pass + ${total:-0} - ${nfail:-0} - ${nskip:-0}))
  count_fail=$((count_fail + ${nfail:-0})); count_skip=$((count_skip + ${nskip:-0}))
  ((rc == 0)) || failed+=("ctest $tag")
}

rnnconf_log "release build"
# LibTorch from the venv's torch wheel, for `rnnconf fuzz` (and bench); empty when torch is absent.
torch_prefix="$("$RNNCONF_PYTHON" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)"
cmake --preset release -DRNNCONF_TORCH_CMAKE_PREFIX="$torch_prefix" >"$logdir/configure-release.log" 2>&1 || { cat "$logdir/configure-release.log"; exit 1; }
cmake --build --preset release -j2 || exit 1
rnnconf="$RNNCONF_ROOT/build/release/tools/rnnconf"
"$rnnconf" --version | tee "$logdir/version.txt"
"$rnnconf" engines | tee "$logdir/engines.txt"
summaries+=("machine: $(lscpu | sed -n 's/^Model name: *//p' | head -n1); kernels: $(sed -n 's/^cpu isa: *//p' "$logdir/version.txt")")
run_ctest release

# Every ISA path of the CPU kernels, forced on this machine through our own
# dispatcher (RNNCONF_CPU_ISA): an AVX2-only CPU (most laptops, many CI
# runners) and a pre-AVX2 one run exactly these code paths. The C++ suites and
# the conformance matrix run again in each narrower path; the LibTorch fuzz
# smoke runs with LibTorch on its AVX2 path too (ATEN_CPU_CAPABILITY=avx2).
native_isa=$(sed -n 's/^cpu isa: *\([a-z0-9]*\).*/\1/p' "$logdir/version.txt")
for isa in avx2 baseline; do
  case "$native_isa/$isa" in
    avx2/avx2|baseline/*) summaries+=("isa $isa: this CPU's own path (${native_isa}), covered by the runs above"); continue ;;
  esac
  rnnconf_log "C++ tests and the matrix with RNNCONF_CPU_ISA=$isa (this CPU offers $native_isa)"
  RNNCONF_CPU_ISA=$isa run_ctest release "release-isa-$isa"
  RNNCONF_CPU_ISA=$isa "$rnnconf" run --engine cpu,cpu-literal --quiet --json "$logdir/matrix-isa-$isa.json" \
    >"$logdir/matrix-isa-$isa.log" 2>&1
  rc=$?
  tail -n 3 "$logdir/matrix-isa-$isa.log"
  summaries+=("matrix (RNNCONF_CPU_ISA=$isa): $(grep -E '^total [0-9]+:' "$logdir/matrix-isa-$isa.log" | tail -n1)")
  ((rc == 0)) || failed+=("matrix RNNCONF_CPU_ISA=$isa")
done

rnnconf_log "mutant matrix (rnnconf mutants)"
"$rnnconf" mutants --markdown "$logdir/mutants.md" 2>"$logdir/mutants.err" | tee "$logdir/mutants.log"
rc=${PIPESTATUS[0]}
summaries+=("mutants: $(tail -n1 "$logdir/mutants.log")")
((rc == 0)) || failed+=("rnnconf mutants")

rnnconf_log "LibTorch differential fuzz smoke (rnnconf fuzz --seed 1 --seconds 60)"
"$rnnconf" fuzz --seed 1 --seconds 60 --json "$logdir/fuzz-libtorch.json" 2>&1 \
  | tee "$logdir/fuzz-libtorch.log"
rc=${PIPESTATUS[0]}
summaries+=("fuzz (LibTorch): $(grep -E '^fuzz seed|built without LibTorch' "$logdir/fuzz-libtorch.log" | tail -n1)")
((rc == 0)) || failed+=("rnnconf fuzz")
if [ "$native_isa" = avx512 ]; then
  rnnconf_log "LibTorch fuzz smoke on the AVX2 paths of both sides (RNNCONF_CPU_ISA=avx2 ATEN_CPU_CAPABILITY=avx2)"
  RNNCONF_CPU_ISA=avx2 ATEN_CPU_CAPABILITY=avx2 "$rnnconf" fuzz --seed 2 --seconds 30 \
    --json "$logdir/fuzz-libtorch-avx2.json" >"$logdir/fuzz-libtorch-avx2.log" 2>&1
  rc=$?
  tail -n 3 "$logdir/fuzz-libtorch-avx2.log"
  summaries+=("fuzz (LibTorch, avx2 paths): $(grep -E '^fuzz seed|built without LibTorch' "$logdir/fuzz-libtorch-avx2.log" | tail -n1)")
  ((rc == 0)) || failed+=("rnnconf fuzz (avx2)")
fi

if [ "${RNNCONF_SKIP_SANITIZERS:-0}" != 1 ]; then
  rnnconf_log "sanitizer build (clang, ASan+UBSan, libFuzzer)"
  cmake --preset fuzz >"$logdir/configure-fuzz.log" 2>&1 || { cat "$logdir/configure-fuzz.log"; exit 1; }
  cmake --build --preset fuzz -j2 || exit 1
  run_ctest fuzz
  secs="${RNNCONF_FUZZ_SECONDS:-30}"
  for fz in "$RNNCONF_ROOT"/build/fuzz/nnef/fuzz_*; do
    [ -x "$fz" ] || continue
    name="$(basename "$fz")"; name="${name#fuzz_}"
    work="$RNNCONF_ROOT/build/fuzz/corpus-work/$name"
    mkdir -p "$work"
    rnnconf_log "fuzz smoke: $name for ${secs}s"
    if "$fz" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
         -artifact_prefix="$logdir/$name-" "$work" "$RNNCONF_ROOT/nnef/fuzz/corpus/$name" \
         >"$logdir/fuzz-$name.log" 2>&1; then
      summaries+=("fuzz $name: $(grep -E '^stat::number_of_executed_units' "$logdir/fuzz-$name.log" | awk '{print $2}') executions, no crash")
    else
      tail -n 40 "$logdir/fuzz-$name.log"
      failed+=("fuzz $name")
      summaries+=("fuzz $name: FAILED (see $logdir/fuzz-$name.log)")
    fi
  done
fi

rnnconf_log "pytest"
pydirs=()
for d in core nnef goldens conformance emitter reference_cpu tools capture; do [ -d "$d" ] && pydirs+=("$d"); done
RNNCONF_BUILD_DIR="$RNNCONF_ROOT/build/release" "$RNNCONF_PYTHON" -m pytest -q -p no:cacheprovider -rs \
  "${pydirs[@]}" 2>&1 | tee "$logdir/pytest.log"
rc=${PIPESTATUS[0]}
pyline=$(grep -E '[0-9]+ (passed|failed|error)' "$logdir/pytest.log" | tail -n1)
summaries+=("pytest: $pyline")
pynum() { echo "$pyline" | grep -oE "[0-9]+ $1" | grep -oE '^[0-9]+' || echo 0; }
count_pass=$((count_pass + $(pynum passed))); count_skip=$((count_skip + $(pynum skipped)))
count_fail=$((count_fail + $(pynum failed) + $(pynum error)))
[ -n "$pyline" ] || { failed+=("pytest (ran no test)"); }
((rc == 0)) || failed+=("pytest")

# The goldens' cross-machine bounds (conformance/POLICY.md) on PyTorch's other
# CPU paths: its AVX2 path, and its baseline one with MKL in compatible mode
# and oneDNN limited to SSE4.1 (the pattern an AMD EPYC shows against goldens
# made on an Intel Xeon): the recomputation and planted-change tests again.
for paths in "ATEN_CPU_CAPABILITY=avx2 MKL_ENABLE_INSTRUCTIONS=AVX2 ONEDNN_MAX_CPU_ISA=AVX2" \
             "ATEN_CPU_CAPABILITY=default MKL_CBWR=COMPATIBLE ONEDNN_MAX_CPU_ISA=SSE41"; do
  tag="${paths%% *}"; tag="${tag#ATEN_CPU_CAPABILITY=}"
  rnnconf_log "goldens recomputation on PyTorch's $tag paths ($paths)"
  env $paths "$RNNCONF_PYTHON" -m pytest -q -p no:cacheprovider goldens/tests/test_goldens.py \
    -k "recomputation or planted" >"$logdir/pytest-goldens-$tag.log" 2>&1
  rc=$?
  line=$(grep -E '[0-9]+ (passed|failed|error)' "$logdir/pytest-goldens-$tag.log" | tail -n1)
  tail -n 3 "$logdir/pytest-goldens-$tag.log"
  summaries+=("pytest (goldens recomputation, torch $tag paths): $line")
  l_pass=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '^[0-9]+' || echo 0)
  l_fail=0
  for n in $(echo "$line" | grep -oE '[0-9]+ (failed|errors?)' | grep -oE '^[0-9]+'); do l_fail=$((l_fail + n)); done
  count_pass=$((count_pass + ${l_pass:-0})); count_fail=$((count_fail + ${l_fail:-0}))
  [ -n "$line" ] && ((rc == 0)) || failed+=("pytest goldens ($tag paths)")
done

echo
echo "==== rnnconf test summary ===="
printf '%s\n' "${summaries[@]}"
((${#failed[@]})) && echo "FAILED: ${failed[*]}"
echo "tests: $count_pass passed, $count_fail failed, $count_skip skipped"
((${#failed[@]} == 0))

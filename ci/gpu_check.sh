#!/usr/bin/env bash
# ci/gpu_check.sh: the one command for a lent GPU machine (device tool `run`,
# carry ["build/gpu-carry/dist.tar.xz"], made here by ci/gpu_build.sh):
#   bash ci/gpu_check.sh
# From the repository root there, it unpacks the carried build, finds the
# device's cuBLAS/cuDNN (CUDA toolkit or torch's nvidia wheels), and runs
#   1. the CUDA unit tests           -> $OUT/cuda_tests.json (gtest JSON), cuda_tests.log
#   2. `rnnconf engines` (cuda must be available: its module, dist/lib, loads
#      and finds the GPU), then the whole matrix on every engine (cpu,
#      cpu-literal, cuda)            -> $OUT/engines.json, $OUT/conformance_cuda.json, conformance.log
#      and again with our emitter's models (the only source of gru_cell /
#      rnn_*_cell fragment calls)    -> $OUT/conformance_cuda_emitter.json
#   3. the cuDNN benchmark            -> $OUT/cuda_rnn_<date>_<gpu>.json (copy to bench/results/), bench.log
# then prints a short table. Budget: at most ~9 minutes (per-step timeouts
# 150 + 180 + 90 + 110 s; expected well under that), so run it with timeout_s 570.
# Every step runs even if an earlier one fails; the exit status is the worst.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${OUT:-$root/build/gpu-carry/out}"
mkdir -p "$out"
exec > >(tee "$out/gpu_check.log") 2>&1
t0=$(date +%s)
stamp() { echo "[gpu_check +$(( $(date +%s) - t0 ))s] $*"; }

work=/tmp/rnnconf-gpu
rm -rf "$work" && mkdir -p "$work"
python3 -c "import tarfile,sys; tarfile.open(sys.argv[1]).extractall(sys.argv[2])" \
  "$root/build/gpu-carry/dist.tar.xz" "$work" || { echo "cannot unpack build/gpu-carry/dist.tar.xz (carried?)"; exit 1; }
dist="$work/dist"

# cuBLAS (libcublas.so.13, libcublasLt.so.13) and cuDNN (libcudnn.so.9 and its
# sub-libraries) from the device: the toolkit first, then any Python wheel.
libdirs="$dist/lib"
for lib in libcublas.so.13 libcublasLt.so.13 libcudnn.so.9; do
  d=$(find /usr/local/cuda/lib64/ /usr/local/cuda/targets/x86_64-linux/lib/ /usr/lib/x86_64-linux-gnu/ /opt/ /usr/local/lib/ \
        -name "$lib" 2>/dev/null | head -1)
  [ -n "$d" ] && case ":$libdirs:" in *":$(dirname "$d"):"*) ;; *) libdirs="$libdirs:$(dirname "$d")" ;; esac
done
export LD_LIBRARY_PATH="$libdirs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export RNNCONF_SOURCE_DIR="$root"
stamp "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
gpu=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1 | tr -c 'A-Za-z0-9\n' '_' | tr -s '_' | sed 's/_$//')
for b in "$dist"/bin/* "$dist"/lib/librnnconf_engine_cuda.so; do ldd "$b" | grep "not found" | sed "s|^|$(basename "$b"): |"; done

rc=0
stamp "1/3 CUDA unit tests"
timeout 150 "$dist/bin/reference_cuda_tests" --gtest_output="json:$out/cuda_tests.json" >"$out/cuda_tests.log" 2>&1
r=$?; [ $r -ne 0 ] && rc=$r
grep -E "^\[  FAILED  \]|^\[  PASSED  \]|^\[  SKIPPED \] [0-9]+ test|^\[==========\]" "$out/cuda_tests.log" | tail -n 30

stamp "2/3 engines, then the conformance matrix, --engine all"
# rnnconf finds its cuda module in dist/lib (the program's ../lib); `engines` says why if it cannot run.
"$dist/bin/rnnconf" engines --json "$out/engines.json" | tee "$out/engines.txt"
if ! grep -qE '^cuda +available' "$out/engines.txt"; then
  echo "gpu_check: the cuda engine cannot run here (line above); the matrix below skips it"
  [ $rc -eq 0 ] && rc=1
fi
timeout 180 "$dist/bin/rnnconf" run --root "$root" --engine all --quiet --json "$out/conformance_cuda.json" \
  >"$out/conformance.log" 2>&1
r=$?; [ $r -ne 0 ] && [ $rc -eq 0 ] && rc=$r
echo "---- emitter models" >>"$out/conformance.log"
timeout 90 "$dist/bin/rnnconf" run --root "$root" --engine all --model-source emitter --quiet \
  --json "$out/conformance_cuda_emitter.json" >>"$out/conformance.log" 2>&1
r=$?; [ $r -ne 0 ] && [ $rc -eq 0 ] && rc=$r
grep -E "^total |skipped: |^---- " "$out/conformance.log"

stamp "3/3 benchmark against cuDNN"
bench_json="$out/cuda_rnn_$(date -u +%Y-%m-%d)_${gpu:-gpu}.json"
timeout 110 "$dist/bin/bench_rnn_cuda" --out "$bench_json" --T 100 --B 1,8,64 --H 512,1024 >"$out/bench.log" 2>&1
r=$?; [ $r -ne 0 ] && [ $rc -eq 0 ] && rc=$r

echo
echo "==================== summary ($(( $(date +%s) - t0 ))s) ===================="
python3 - "$out/cuda_tests.json" <<'PY' || true
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("cuda tests: no JSON report:", e); sys.exit()
runs = [t for s in d.get("testsuites", []) for t in s.get("testsuite", [])]
skipped = sum(1 for t in runs if t.get("result") == "SKIPPED")
failed = [t["name"] for t in runs if t.get("failures")]
print(f"cuda tests: {len(runs)} run, {len(failed)} failed, {skipped} skipped", ("FAILED: " + ", ".join(failed[:10])) if failed else "")
PY
cat "$out/engines.txt"
grep -E "^total |skipped: |^---- |unexpected" "$out/conformance.log" | grep -v "^  " | tail -n 8
cat "$out/bench.log"
echo "exit status $rc"
exit $rc

#!/usr/bin/env bash
# ci/gpu_build.sh: builds, HERE (no GPU needed), what ci/gpu_check.sh runs on a
# lent GPU machine, and packs it self-contained into one carried file:
#   build/gpu-carry/dist/{bin,lib}  the binaries (reference_cuda_tests, rnnconf,
#                                   bench_rnn_cuda), the cuda engine module that
#                                   rnnconf loads at run time (lib/, where rnnconf
#                                   looks: its ../lib), and every shared library
#                                   they load except glibc's, the driver's (libcuda)
#                                   and the CUDA math libraries (cuBLAS, cuBLASLt,
#                                   cuDNN: far over the carry limit; the device
#                                   has them in its toolkit / torch wheels and
#                                   gpu_check.sh finds them there)
#   build/gpu-carry/dist.tar.xz     the same, compressed: the one path to carry
# Binaries and the module get RUNPATH $ORIGIN/../lib (for the module in lib/:
# lib/ itself). Checks: nothing but libcuda/cuBLAS/cuDNN
# missing under `ldd` with only dist/lib added, and the archive under 48 MiB
# (the working tree itself is ~14 MiB of the device tool's 64 MiB).
#
#   ci/gpu_build.sh                    # build dir build/gpu-carry/build
#   RNNCONF_GPU_BUILD_DIR=DIR ci/gpu_build.sh   # reuse another CUDA build dir
#   JOBS=N (default 2)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${RNNCONF_GPU_BUILD_DIR:-$root/build/gpu-carry/build}"
carry="$root/build/gpu-carry"
dist="$carry/dist"
targets=(reference_cuda_tests rnnconf rnnconf_engine_cuda bench_rnn_cuda)
module=librnnconf_engine_cuda.so  # the cuda engine (reference_cuda/engine/), in <build>/lib

command -v nvcc >/dev/null || [ -x /usr/local/cuda/bin/nvcc ] || { echo "gpu_build: nvcc not found" >&2; exit 1; }
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DRNNCONF_WERROR=ON \
  -DCMAKE_CUDA_COMPILER="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)" \
  '-DCMAKE_BUILD_RPATH=$ORIGIN/../lib' >/dev/null
ninja -C "$build" -j"${JOBS:-2}" "${targets[@]}"

rm -rf "$dist" "$carry/dist.tar.xz"
mkdir -p "$dist/bin" "$dist/lib"
cp "$build/reference_cuda/reference_cuda_tests" "$build/tools/rnnconf" "$build/reference_cuda/bench_rnn_cuda" "$dist/bin/"
cp "$build/lib/$module" "$dist/lib/"

# Libraries the device provides itself (glibc, the driver, CUDA's math libraries).
skip='^(linux-vdso|ld-linux|libc\.so|libm\.so|libpthread|libdl\.so|librt\.so|libcuda\.so|libcublas|libcublasLt|libcudnn|libnvidia)'
for b in "$dist"/bin/* "$dist/lib/$module"; do
  ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}'
done | sort -u | while read -r name path; do
  if [[ ! "$name" =~ $skip ]]; then cp -L "$path" "$dist/lib/$name"; fi
done

missing=$(for b in "$dist"/bin/* "$dist/lib/$module"; do LD_LIBRARY_PATH="$dist/lib" ldd "$b"; done | awk '/not found/ {print $1}' | sort -u |
  grep -Ev "$skip" || true)
if [ -n "$missing" ]; then echo "gpu_build: libraries not carried: $missing" >&2; exit 1; fi

(cd "$carry" && XZ_OPT='-6 -T2' tar -cJf dist.tar.xz dist)
size=$(stat -c %s "$carry/dist.tar.xz")
echo "gpu_build: $(du -sh "$dist" | cut -f1) staged in $dist; carry build/gpu-carry/dist.tar.xz = $((size / 1048576)) MiB"
[ "$size" -lt $((48 * 1048576)) ] || { echo "gpu_build: archive over 48 MiB" >&2; exit 1; }

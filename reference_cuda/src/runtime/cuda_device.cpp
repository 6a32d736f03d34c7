// CudaDevice (cuda_device.hpp): each Device operation as the CUDA runtime,
// cuBLAS or kernel call it stands for, checked (cuda_check.hpp).
#include "runtime/cuda_device.hpp"

#include <memory>
#include <string>

#include "kernels/device_gather.hpp"
#include "kernels/device_gemm.hpp"
#include "rnnconf/reference_cuda/cuda_check.hpp"
#include "rnnconf/reference_cuda/cuda_graph_loop.hpp"
#include "rnnconf/reference_cuda/gate_kernels.hpp"

namespace rnnconf::cuda {
namespace {

cudaMemcpyKind memcpy_kind(CopyKind k) {
  switch (k) {
    case CopyKind::host_to_device: return cudaMemcpyHostToDevice;
    case CopyKind::device_to_host: return cudaMemcpyDeviceToHost;
    case CopyKind::device_to_device: return cudaMemcpyDeviceToDevice;
  }
  return cudaMemcpyDefault;
}

cudaEvent_t as_event(DeviceHandle h) { return static_cast<cudaEvent_t>(h); }

}  // namespace

CudaDevice::CudaDevice(const CudaContext& ctx) : lanes_count_(CudaContext::kLanes), math_(ctx.math()) {
  for (int k = 0; k < CudaContext::kLanes; ++k) lanes_[static_cast<size_t>(k)] = ctx.lane(k);
}

CudaDevice::CudaDevice(const Lane& lane, MathMode math) : lanes_count_(1), math_(math) { lanes_[0] = lane; }

const Lane& CudaDevice::lane(int k) const {
  if (k < 0 || k >= lanes_count_) throw Error("device cuda: lane " + std::to_string(k) + " does not exist");
  return lanes_[static_cast<size_t>(k)];
}

void* CudaDevice::allocate(size_t bytes) {
  void* p = nullptr;
  if (bytes > 0) RNNCONF_CUDA_CHECK(cudaMalloc(&p, bytes));
  return p;
}

void CudaDevice::release(void* p) noexcept {
  if (p != nullptr) static_cast<void>(cudaFree(p));
}

void CudaDevice::copy(int k, const CopyRows& c) {
  if (c.rows == 0 || c.row_bytes == 0) return;
  const cudaStream_t s = lane(k).stream;
  if (c.rows == 1)
    RNNCONF_CUDA_CHECK(cudaMemcpyAsync(c.dst, c.src, c.row_bytes, memcpy_kind(c.kind), s));
  else
    RNNCONF_CUDA_CHECK(cudaMemcpy2DAsync(c.dst, c.dst_pitch, c.src, c.src_pitch, c.row_bytes, c.rows,
                                         memcpy_kind(c.kind), s));
}

void CudaDevice::fill(int k, void* dst, unsigned char byte, size_t bytes) {
  if (bytes > 0) RNNCONF_CUDA_CHECK(cudaMemsetAsync(dst, byte, bytes, lane(k).stream));
}

void CudaDevice::gemm_abt(int k, const GemmAbt<float>& g) {
  detail::gemm_abt(lane(k), math_, g.M, g.N, g.K, g.A, g.lda, g.B, g.ldb, g.C, g.ldc);
}

void CudaDevice::gemm_abt(int k, const GemmAbt<double>& g) {
  detail::gemm_abt(lane(k), math_, g.M, g.N, g.K, g.A, g.lda, g.B, g.ldb, g.C, g.ldc);
}

void CudaDevice::gemm_abt_pair(int k, const GemmAbt<float>& g, int64_t stride_b, int64_t stride_c) {
  detail::gemm_abt_pair(lane(k), math_, g.M, g.N, g.K, g.A, g.lda, g.B, g.ldb, stride_b, g.C, g.ldc, stride_c);
}

void CudaDevice::gates(int k, cpu::RnnVariant variant, const cpu::GateStep<float>& step) {
  launch_gates(variant, step, lane(k).stream);
}

void CudaDevice::gates(int k, cpu::RnnVariant variant, const cpu::GateStep<double>& step) {
  launch_gates(variant, step, lane(k).stream);
}

void CudaDevice::gather(int k, const GatherCopy& copy, const float* src, float* dst) {
  launch_gather(copy, src, dst, lane(k).stream);
}

DeviceHandle CudaDevice::new_event() {
  cudaEvent_t e = nullptr;
  RNNCONF_CUDA_CHECK(cudaEventCreateWithFlags(&e, cudaEventDisableTiming));
  return e;
}

void CudaDevice::delete_event(DeviceHandle event) noexcept {
  if (event != nullptr) static_cast<void>(cudaEventDestroy(as_event(event)));
}

void CudaDevice::record(DeviceHandle event, int k) {
  RNNCONF_CUDA_CHECK(cudaEventRecord(as_event(event), lane(k).stream));
}

void CudaDevice::wait(int k, DeviceHandle event) {
  RNNCONF_CUDA_CHECK(cudaStreamWaitEvent(lane(k).stream, as_event(event), 0));
}

void CudaDevice::synchronize(int k) { RNNCONF_CUDA_CHECK(cudaStreamSynchronize(lane(k).stream)); }

DeviceHandle CudaDevice::capture(int k, const std::function<void()>& enqueue) {
  auto loop = std::make_unique<CapturedLoop>();
  loop->capture(lane(k).stream, enqueue);
  return loop.release();
}

void CudaDevice::launch(DeviceHandle graph, int k) { static_cast<const CapturedLoop*>(graph)->launch(lane(k).stream); }

void CudaDevice::delete_graph(DeviceHandle graph) noexcept { delete static_cast<CapturedLoop*>(graph); }

}  // namespace rnnconf::cuda

// rnnconf::cuda::CapturedLoop: a time loop (whatever a callback enqueues on a
// stream: input projection, per-step GEMMs and gate kernels, the other lane
// joined by events) captured once into a CUDA graph, instantiated, and then
// replayed with one cudaGraphLaunch per call. The graph bakes in every
// pointer and size, so a caller recaptures when any of them changes.
#pragma once

#include <cuda_runtime_api.h>

#include <functional>

namespace rnnconf::cuda {

class CapturedLoop {
 public:
  CapturedLoop() = default;
  CapturedLoop(const CapturedLoop&) = delete;
  CapturedLoop& operator=(const CapturedLoop&) = delete;
  CapturedLoop(CapturedLoop&& o) noexcept;
  CapturedLoop& operator=(CapturedLoop&& o) noexcept;
  ~CapturedLoop();

  // Replaces any earlier graph with the capture of `enqueue` on `stream`
  // (thread-local capture mode). If `enqueue` throws, the capture is ended and
  // discarded and the exception propagates. Run `enqueue` once eagerly before
  // the first capture, so that lazy module loading and cuBLAS's first-call
  // set-up happen outside the capture.
  void capture(cudaStream_t stream, const std::function<void()>& enqueue);
  // Launches the instantiated graph on `stream` (asynchronous).
  void launch(cudaStream_t stream) const;
  bool ready() const { return exec_ != nullptr; }
  void reset() noexcept;

 private:
  cudaGraph_t graph_ = nullptr;
  cudaGraphExec_t exec_ = nullptr;
};

}  // namespace rnnconf::cuda

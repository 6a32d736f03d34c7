// CapturedLoop (cuda_graph_loop.hpp): stream capture, instantiation, replay.
#include "rnnconf/reference_cuda/cuda_graph_loop.hpp"

#include <utility>

#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda {

CapturedLoop::CapturedLoop(CapturedLoop&& o) noexcept
    : graph_(std::exchange(o.graph_, nullptr)), exec_(std::exchange(o.exec_, nullptr)) {}

CapturedLoop& CapturedLoop::operator=(CapturedLoop&& o) noexcept {
  if (this != &o) {
    reset();
    graph_ = std::exchange(o.graph_, nullptr);
    exec_ = std::exchange(o.exec_, nullptr);
  }
  return *this;
}

CapturedLoop::~CapturedLoop() { reset(); }

void CapturedLoop::reset() noexcept {
  if (exec_ != nullptr) static_cast<void>(cudaGraphExecDestroy(exec_));
  if (graph_ != nullptr) static_cast<void>(cudaGraphDestroy(graph_));
  exec_ = nullptr;
  graph_ = nullptr;
}

void CapturedLoop::capture(cudaStream_t stream, const std::function<void()>& enqueue) {
  reset();
  RNNCONF_CUDA_CHECK(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal));
  try {
    enqueue();
  } catch (...) {
    cudaGraph_t broken = nullptr;
    static_cast<void>(cudaStreamEndCapture(stream, &broken));
    if (broken != nullptr) static_cast<void>(cudaGraphDestroy(broken));
    static_cast<void>(cudaGetLastError());
    throw;
  }
  RNNCONF_CUDA_CHECK(cudaStreamEndCapture(stream, &graph_));
  RNNCONF_CUDA_CHECK(cudaGraphInstantiate(&exec_, graph_, 0));
}

void CapturedLoop::launch(cudaStream_t stream) const {
  if (exec_ == nullptr) throw Error("CapturedLoop::launch: nothing captured");
  RNNCONF_CUDA_CHECK(cudaGraphLaunch(exec_, stream));
}

}  // namespace rnnconf::cuda

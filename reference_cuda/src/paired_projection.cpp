// Input projection pairing of CudaSequenceBackend (cuda_sequence_backend.hpp):
// the pending call, the partner test, and the pair's batched GEMM
// (gemm_abt_pair: x shared, w_ih stacked) with the lane hand-over by events.
#include "cuda_sequence_backend.hpp"
#include "device_gemm.hpp"
#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda {

bool CudaSequenceBackend::pending_output(const void* host_data) const {
  if (!pending_ || host_data == nullptr) return false;
  const cpu::SequenceArgs<float>& a = pending_->args;
  return host_data == a.y || host_data == a.h_last || host_data == a.c_last;
}

void CudaSequenceBackend::flush() {
  if (!pending_) return;
  const Pending q = *pending_;
  pending_.reset();
  execute(plans_.at(q.site), q.args, {}, nullptr);
}

bool CudaSequenceBackend::partners(const Plan& a, const cpu::SequenceArgs<float>& args_a, const Plan& b,
                                   const cpu::SequenceArgs<float>& args_b) {
  return &a != &b && args_a.x == args_b.x && a.reverse != b.reverse && a.steps == b.steps && a.batch == b.batch &&
         a.w.input_size == b.w.input_size && a.w.gates() * a.w.hidden_size == b.w.gates() * b.w.hidden_size;
}

void CudaSequenceBackend::run_pair(Plan& a, const cpu::SequenceArgs<float>& args_a, Plan& b,
                                   const cpu::SequenceArgs<float>& args_b) {
  const int64_t TB = a.steps * a.batch, GH = a.w.gates() * a.w.hidden_size, I = a.w.input_size;
  const Lane& la = ctx_.lane(a.lane);
  const Lane& lb = ctx_.lane(b.lane);
  PairPlan& pp = pairs_[{&a, &b}];
  if (pp.fingerprint_a != a.fingerprint || pp.fingerprint_b != b.fingerprint || pp.w_ih.size() != 2 * GH * I) {
    pp.w_ih.resize(2 * GH * I);
    const size_t bytes = static_cast<size_t>(GH * I) * sizeof(float);
    RNNCONF_CUDA_CHECK(cudaMemcpyAsync(pp.w_ih.data(), a.w.w_ih.data(), bytes, cudaMemcpyDeviceToDevice, la.stream));
    RNNCONF_CUDA_CHECK(cudaMemcpyAsync(pp.w_ih.data() + GH * I, b.w.w_ih.data(), bytes, cudaMemcpyDeviceToDevice, la.stream));
    pp.fingerprint_a = a.fingerprint;
    pp.fingerprint_b = b.fingerprint;
  }
  pp.gates.resize(2 * TB * GH);
  // b's loop of an earlier pair call may still read the projections: wait before overwriting them.
  if (pp.consumed_recorded) RNNCONF_CUDA_CHECK(cudaStreamWaitEvent(la.stream, pp.consumed.get(), 0));
  const float* x = store_.device_of(args_a.x, TB * I, a.lane);
  if (x == nullptr) throw Error("cuda paired projection: x is not on the device");
  detail::gemm_abt_pair(la, ctx_.math(), TB, GH, I, x, I, pp.w_ih.data(), I, GH * I, pp.gates.data(), GH, TB * GH);
  if (b.lane != a.lane) {
    RNNCONF_CUDA_CHECK(cudaEventRecord(pp.projected.get(), la.stream));
    RNNCONF_CUDA_CHECK(cudaStreamWaitEvent(lb.stream, pp.projected.get(), 0));
  }
  execute(a, args_a, {}, pp.gates.data());
  execute(b, args_b, {}, pp.gates.data() + TB * GH);
  if (b.lane != a.lane) {
    RNNCONF_CUDA_CHECK(cudaEventRecord(pp.consumed.get(), lb.stream));
    pp.consumed_recorded = true;
  }
  ++paired_;
}

}  // namespace rnnconf::cuda

// Input projection pairing of DeviceSequenceBackend
// (device_sequence_backend.hpp): the pending call, the partner test, and the
// pair's batched GEMM (x shared, w_ih stacked) with the lane hand-over by
// events: the second direction's loop waits for the GEMM (projected), and
// the next GEMM into the same projections waits for that loop (consumed).
#include "executor/device_sequence_backend.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::cuda {

bool DeviceSequenceBackend::pending_output(const void* host_data) const {
  if (!pending_ || host_data == nullptr) return false;
  const cpu::SequenceArgs<float>& a = pending_->args;
  return host_data == a.y || host_data == a.h_last || host_data == a.c_last;
}

void DeviceSequenceBackend::flush() {
  if (!pending_) return;
  const Pending q = *pending_;
  pending_.reset();
  execute(plans_.at(q.site), q.args, {}, nullptr);
}

bool DeviceSequenceBackend::partners(const Plan& a, const cpu::SequenceArgs<float>& args_a, const Plan& b,
                                     const cpu::SequenceArgs<float>& args_b) {
  return &a != &b && args_a.x == args_b.x && a.reverse != b.reverse && a.steps == b.steps && a.batch == b.batch &&
         a.w.input_size == b.w.input_size && a.w.gates() * a.w.hidden_size == b.w.gates() * b.w.hidden_size;
}

void DeviceSequenceBackend::run_pair(Plan& a, const cpu::SequenceArgs<float>& args_a, Plan& b,
                                     const cpu::SequenceArgs<float>& args_b) {
  const int64_t TB = a.steps * a.batch, GH = a.w.gates() * a.w.hidden_size, I = a.w.input_size;
  auto [it, created] = pairs_.try_emplace({&a, &b}, dev_);
  PairPlan& pp = it->second;
  if (pp.fingerprint_a != a.fingerprint || pp.fingerprint_b != b.fingerprint || pp.w_ih.size() != 2 * GH * I) {
    pp.w_ih.resize(2 * GH * I);
    CopyRows c;
    c.row_bytes = static_cast<size_t>(GH * I) * sizeof(float);
    c.dst_pitch = c.src_pitch = c.row_bytes;
    c.dst = pp.w_ih.data();
    c.src = a.w.w_ih.data();
    dev_.copy(a.lane, c);
    c.dst = pp.w_ih.data() + GH * I;
    c.src = b.w.w_ih.data();
    dev_.copy(a.lane, c);
    pp.fingerprint_a = a.fingerprint;
    pp.fingerprint_b = b.fingerprint;
  }
  pp.gates.resize(2 * TB * GH);
  // b's loop of an earlier pair call may still read the projections: wait before overwriting them.
  if (pp.consumed_recorded) dev_.wait(a.lane, pp.consumed.get());
  const float* x = store_.device_of(args_a.x, TB * I, a.lane);
  if (x == nullptr) throw Error("device " + dev_.name() + " paired projection: x is not on the device");
  dev_.gemm_abt_pair(a.lane, GemmAbt<float>{TB, GH, I, x, I, pp.w_ih.data(), I, pp.gates.data(), GH}, GH * I, TB * GH);
  if (b.lane != a.lane) {
    dev_.record(pp.projected.get(), a.lane);
    dev_.wait(b.lane, pp.projected.get());
  }
  execute(a, args_a, {}, pp.gates.data());
  execute(b, args_b, {}, pp.gates.data() + TB * GH);
  if (b.lane != a.lane) {
    dev_.record(pp.consumed.get(), b.lane);
    pp.consumed_recorded = true;
  }
  ++paired_;
}

}  // namespace rnnconf::cuda

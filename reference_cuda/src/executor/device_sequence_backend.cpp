// DeviceSequenceBackend (device_sequence_backend.hpp): plans per call site,
// device-to-device hand-over with the tensor store (host copies only for
// tensors the store does not hold, and for records), graph capture and
// replay, step records. The layout ops are in device_layout_ops.cpp, the
// pairing of input projections in paired_projection.cpp.
#include "executor/device_sequence_backend.hpp"

#include <vector>

#include "rnnconf/core/error.hpp"

namespace rnnconf::cuda {
namespace {

CopyRows rows_copy(void* dst, int64_t dst_stride, const void* src, int64_t src_stride, int64_t width, int64_t rows,
                   CopyKind kind) {
  CopyRows c;
  c.dst = dst;
  c.dst_pitch = static_cast<size_t>(dst_stride) * sizeof(float);
  c.src = src;
  c.src_pitch = static_cast<size_t>(src_stride) * sizeof(float);
  c.row_bytes = static_cast<size_t>(width) * sizeof(float);
  c.rows = static_cast<size_t>(rows);
  c.kind = kind;
  return c;
}

}  // namespace

DeviceSequenceBackend::DeviceSequenceBackend(Device& dev, bool use_graphs, int lanes, bool pair_projections)
    : dev_(dev), store_(dev), use_graphs_(use_graphs), lanes_(lanes), pair_projections_(pair_projections) {
  if (lanes < 1 || lanes > dev.lanes())
    throw Error("device " + dev.name() + ": " + std::to_string(lanes) + " lanes asked, the device has " +
                std::to_string(dev.lanes()));
}

void DeviceSequenceBackend::copy_in(DeviceArray<float>& dst, const float* host, int64_t count, int lane) {
  if (host == nullptr || count == 0) return;
  if (const float* src = store_.device_of(host, count, lane)) {
    dev_.copy(lane, rows_copy(dst.data(), count, src, count, count, 1, CopyKind::device_to_device));
  } else {
    dev_.copy(lane, rows_copy(dst.data(), count, host, count, count, 1, CopyKind::host_to_device));
    ++host_uploads_;
  }
}

bool DeviceSequenceBackend::copy_out(const DeviceArray<float>& src, float* host, int64_t rows, int64_t width,
                                     int64_t stride, int64_t offset, int lane) {
  if (host == nullptr || rows * width == 0) return false;
  if (float* dst = store_.write_target(host, rows * width, lane)) {
    if (stride != width || offset != 0)
      throw Error("device " + dev_.name() + " run_sequence: a device-held output cannot take a row stride or offset");
    dev_.copy(lane, rows_copy(dst, rows * width, src.data(), rows * width, rows * width, 1, CopyKind::device_to_device));
    store_.ready(host, lane);
    return false;
  }
  dev_.copy(lane, rows_copy(host + offset, stride, src.data(), width, width, rows, CopyKind::device_to_host));
  ++host_downloads_;
  return true;
}

void DeviceSequenceBackend::will_read(const std::vector<std::shared_ptr<const Tensor>>& tensors) {
  for (const auto& t : tensors)
    if (t && pending_output(t->bytes())) flush();
  for (const auto& t : tensors)
    if (t && t->dtype() == DType::f32) store_.hold(t, 0);  // the call waits for writers when it reads
}

void DeviceSequenceBackend::to_host(const Tensor& t) {
  if (pending_output(t.bytes())) flush();
  store_.to_host(t);
}

DeviceSequenceBackend::Plan& DeviceSequenceBackend::prepare(const void* call_site, const cpu::RnnWeights<float>& w,
                                                            const cpu::SequenceArgs<float>& a, bool record) {
  const std::string who = "device " + dev_.name() + " run_sequence: ";
  const bool is_lstm = w.variant == cpu::RnnVariant::lstm;
  const int64_t T = a.steps, B = a.batch, H = w.hidden_size, H_out = w.output_size(), I = w.input_size;
  if (T < 0 || B < 0) throw Error(who + "steps and batch must be >= 0");
  if (T * B > 0 && a.x == nullptr) throw Error(who + "x is null");
  const int64_t y_stride = a.y_row_stride == 0 ? H_out : a.y_row_stride;
  if (a.y != nullptr && (a.y_offset < 0 || y_stride < a.y_offset + H_out))
    throw Error(who + "y_row_stride/y_offset cannot hold H_out columns");

  auto [it, created] = plans_.try_emplace(call_site, dev_);
  Plan& p = it->second;
  if (created) p.lane = next_lane_++ % lanes_;
  const uint64_t fp = weights_fingerprint(w);
  if (!p.uploaded || fp != p.fingerprint) {
    upload_weights(dev_, p.lane, w, p.w);
    p.fingerprint = fp;
    p.uploaded = true;
    p.loop.reset();
    p.steps = -1;  // forces new arrays and a new capture
    ++uploads_;
  }
  const bool has_h0 = a.h0 != nullptr, has_c0 = is_lstm && a.c0 != nullptr;
  if (p.steps != T || p.batch != B || p.reverse != a.reverse || p.has_h0 != has_h0 || p.has_c0 != has_c0 ||
      p.record != record) {
    p.loop.reset();
    p.x.resize(T * B * I);
    p.h0.resize(has_h0 ? B * H_out : 0);
    p.c0.resize(has_c0 ? B * H : 0);
    p.y.resize(T * B * H_out);
    p.h_last.resize(B * H_out);
    p.c_last.resize(is_lstm ? B * H : 0);
    p.c_history.resize(is_lstm && record ? T * B * H : 0);
    p.ws.reserve(p.w, T, B);
    p.steps = T;
    p.batch = B;
    p.reverse = a.reverse;
    p.has_h0 = has_h0;
    p.has_c0 = has_c0;
    p.record = record;
  }
  return p;
}

void DeviceSequenceBackend::execute(Plan& p, const cpu::SequenceArgs<float>& a,
                                    const cpu::StepRecorder<float>& recorder, const float* gates_x) {
  const bool is_lstm = p.w.variant == cpu::RnnVariant::lstm;
  const int64_t T = p.steps, B = p.batch, H = p.w.hidden_size, H_out = p.w.output_size(), I = p.w.input_size;
  const int64_t y_stride = a.y_row_stride == 0 ? H_out : a.y_row_stride;
  const int lane = p.lane;
  const bool record = static_cast<bool>(recorder);
  if (p.gates_src != gates_x) {  // the captured loop reads its projection from a fixed place
    p.loop.reset();
    p.gates_src = gates_x;
  }
  cpu::SequenceArgs<float> d;  // the plan's own arrays: fixed pointers for the captured graph
  d.x = p.x.data();
  d.steps = T;
  d.batch = B;
  d.h0 = p.has_h0 ? p.h0.data() : nullptr;
  d.c0 = p.has_c0 ? p.c0.data() : nullptr;
  d.reverse = p.reverse;
  d.y = p.y.data();
  d.h_last = p.h_last.data();
  d.c_last = is_lstm ? p.c_last.data() : nullptr;
  d.c_history = p.c_history.empty() ? nullptr : p.c_history.data();
  d.gates_x = gates_x;

  if (gates_x == nullptr) copy_in(p.x, a.x, T * B * I, lane);
  if (p.has_h0) copy_in(p.h0, a.h0, B * H_out, lane);
  if (p.has_c0) copy_in(p.c0, a.c0, B * H, lane);
  const DeviceWeightsView<float> weights = p.w.view();
  const DeviceWorkspaceView<float> scratch = p.ws.view();
  const auto enqueue = [&] { run_device_sequence(dev_, lane, weights, d, scratch); };
  if (use_graphs_ && T * B > 0) {
    if (!p.loop.ready()) {
      enqueue();  // warm-up outside the capture (lazy loading, cuBLAS set-up); the replay recomputes everything
      p.loop.capture(lane, enqueue);
      ++captures_;
    }
    p.loop.launch(lane);
    ++replays_;
  } else {
    enqueue();
  }
  bool on_host = false;
  if (T * B > 0) on_host |= copy_out(p.y, a.y, T * B, H_out, y_stride, a.y_offset, lane);
  on_host |= copy_out(p.h_last, a.h_last, B, H_out, H_out, 0, lane);
  if (is_lstm) on_host |= copy_out(p.c_last, a.c_last, B, H, H, 0, lane);
  std::vector<float> y_host, c_host;
  if (record) {  // records read the whole history on the host: downloaded once after the loop
    y_host.resize(static_cast<size_t>(T * B * H_out));
    if (!y_host.empty())
      dev_.copy(lane, rows_copy(y_host.data(), T * B * H_out, p.y.data(), T * B * H_out, T * B * H_out, 1,
                                CopyKind::device_to_host));
    if (is_lstm) {
      c_host.resize(static_cast<size_t>(T * B * H));
      if (!c_host.empty())
        dev_.copy(lane, rows_copy(c_host.data(), T * B * H, p.c_history.data(), T * B * H, T * B * H, 1,
                                  CopyKind::device_to_host));
    }
    host_downloads_ += is_lstm ? 2 : 1;
  }
  if (on_host || record) dev_.synchronize(lane);
  if (record) {
    for (int64_t s = 0; s < T && B > 0; ++s) {
      const int64_t t = p.reverse ? T - 1 - s : s;
      cpu::StepRecord<float> r;
      r.step = s;
      r.time = t;
      r.batch = B;
      r.gate_width = p.w.gates() * H;
      r.h = y_host.data() + t * B * H_out;
      r.h_row_stride = H_out;
      r.c = is_lstm ? c_host.data() + t * B * H : nullptr;
      recorder(r);
    }
  }
}

void DeviceSequenceBackend::run_sequence(const void* call_site, const cpu::RnnWeights<float>& w,
                                         const cpu::SequenceArgs<float>& a, const cpu::StepRecorder<float>& recorder) {
  if (pending_ && pending_->site == call_site) flush();  // the plan is about to be re-prepared
  const bool record = static_cast<bool>(recorder);
  Plan& p = prepare(call_site, w, a, record);
  const int64_t x_count = a.steps * a.batch * w.input_size;
  const bool pairable = pair_projections_ && !record && x_count > 0 && store_.holds(a.x, x_count);
  if (pending_) {
    const Pending q = *pending_;
    pending_.reset();
    Plan& first = plans_.at(q.site);
    if (pairable && partners(first, q.args, p, a)) {
      run_pair(first, q.args, p, a);
      return;
    }
    execute(first, q.args, {}, nullptr);
  }
  if (pairable) {
    pending_ = Pending{call_site, a};  // waits for a partner reading the same x (or a reader of its outputs)
    return;
  }
  execute(p, a, recorder, nullptr);
}

void DeviceSequenceBackend::run_cell(const void* call_site, const cpu::RnnWeights<float>& w,
                                     const cpu::CellArgs<float>& a) {
  run_sequence(call_site, w, cpu::cell_as_sequence(w, a, "device " + dev_.name() + " run_cell: "), {});
}

}  // namespace rnnconf::cuda

// CudaSequenceBackend (cuda_sequence_backend.hpp): plans per call site,
// device-to-device hand-over with the tensor store (host copies only for
// tensors the store does not hold, and for records), graph capture and
// replay, step records. The layout ops are in device_layout_ops.cpp, the
// pairing of input projections in paired_projection.cpp.
#include "cuda_sequence_backend.hpp"

#include <algorithm>
#include <vector>

#include "rnnconf/core/error.hpp"

#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda {
namespace {

void mix(uint64_t& h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t k = 0; k < n; ++k) {
    h ^= p[k];
    h *= 1099511628211ULL;
  }
}

void mix_samples(uint64_t& h, const std::vector<float>& v) {
  const size_t n = v.size();
  mix(h, &n, sizeof n);
  const size_t stride = std::max<size_t>(1, n / 1024);
  for (size_t k = 0; k < n; k += stride) mix(h, &v[k], sizeof(float));
  if (n > 0) mix(h, &v[n - 1], sizeof(float));
}

}  // namespace

uint64_t weights_fingerprint(const cpu::RnnWeights<float>& w) {
  uint64_t h = 14695981039346656037ULL;
  const int64_t sizes[] = {static_cast<int64_t>(w.variant), w.input_size, w.hidden_size, w.proj_size};
  mix(h, sizes, sizeof sizes);
  for (const auto* v : {&w.w_ih, &w.w_hh, &w.b_x, &w.b_hn, &w.w_hr}) mix_samples(h, *v);
  return h;
}

void CudaSequenceBackend::copy_in(DeviceBuffer<float>& dst, const float* host, int64_t count, int lane) {
  if (host == nullptr || count == 0) return;
  const cudaStream_t stream = ctx_.lane(lane).stream;
  const size_t bytes = static_cast<size_t>(count) * sizeof(float);
  if (const float* src = store_.device_of(host, count, lane)) {
    RNNCONF_CUDA_CHECK(cudaMemcpyAsync(dst.data(), src, bytes, cudaMemcpyDeviceToDevice, stream));
  } else {
    RNNCONF_CUDA_CHECK(cudaMemcpyAsync(dst.data(), host, bytes, cudaMemcpyHostToDevice, stream));
    ++host_uploads_;
  }
}

bool CudaSequenceBackend::copy_out(const DeviceBuffer<float>& src, float* host, int64_t rows, int64_t width,
                                   int64_t stride, int64_t offset, int lane) {
  if (host == nullptr || rows * width == 0) return false;
  const cudaStream_t stream = ctx_.lane(lane).stream;
  if (float* dst = store_.write_target(host, rows * width, lane)) {
    if (stride != width || offset != 0)
      throw Error("cuda run_sequence: a device-held output cannot take a row stride or offset");
    RNNCONF_CUDA_CHECK(cudaMemcpyAsync(dst, src.data(), static_cast<size_t>(rows * width) * sizeof(float),
                                       cudaMemcpyDeviceToDevice, stream));
    store_.ready(host, lane);
    return false;
  }
  RNNCONF_CUDA_CHECK(cudaMemcpy2DAsync(host + offset, static_cast<size_t>(stride) * sizeof(float), src.data(),
                                       static_cast<size_t>(width) * sizeof(float), static_cast<size_t>(width) * sizeof(float),
                                       static_cast<size_t>(rows), cudaMemcpyDeviceToHost, stream));
  ++host_downloads_;
  return true;
}

void CudaSequenceBackend::will_read(const std::vector<std::shared_ptr<const Tensor>>& tensors) {
  for (const auto& t : tensors)
    if (t && pending_output(t->bytes())) flush();
  for (const auto& t : tensors)
    if (t && t->dtype() == DType::f32) store_.hold(t, 0);  // the call waits for writers when it reads
}

void CudaSequenceBackend::to_host(const Tensor& t) {
  if (pending_output(t.bytes())) flush();
  store_.to_host(t);
}

CudaSequenceBackend::Plan& CudaSequenceBackend::prepare(const void* call_site, const cpu::RnnWeights<float>& w,
                                                        const cpu::SequenceArgs<float>& a, bool record) {
  const bool is_lstm = w.variant == cpu::RnnVariant::lstm;
  const int64_t T = a.steps, B = a.batch, H = w.hidden_size, H_out = w.output_size(), I = w.input_size;
  if (T < 0 || B < 0) throw Error("cuda run_sequence: steps and batch must be >= 0");
  if (T * B > 0 && a.x == nullptr) throw Error("cuda run_sequence: x is null");
  const int64_t y_stride = a.y_row_stride == 0 ? H_out : a.y_row_stride;
  if (a.y != nullptr && (a.y_offset < 0 || y_stride < a.y_offset + H_out))
    throw Error("cuda run_sequence: y_row_stride/y_offset cannot hold H_out columns");

  auto [it, created] = plans_.try_emplace(call_site);
  Plan& p = it->second;
  if (created) p.lane = next_lane_++ % lanes_;
  const cudaStream_t stream = ctx_.lane(p.lane).stream;
  const uint64_t fp = weights_fingerprint(w);
  if (!p.uploaded || fp != p.fingerprint) {
    p.w = upload_weights(w, stream);
    p.fingerprint = fp;
    p.uploaded = true;
    p.loop.reset();
    p.steps = -1;  // forces new buffers and a new capture
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

void CudaSequenceBackend::execute(Plan& p, const cpu::SequenceArgs<float>& a, const cpu::StepRecorder<float>& recorder,
                                  const float* gates_x) {
  const bool is_lstm = p.w.variant == cpu::RnnVariant::lstm;
  const int64_t T = p.steps, B = p.batch, H = p.w.hidden_size, H_out = p.w.output_size(), I = p.w.input_size;
  const int64_t y_stride = a.y_row_stride == 0 ? H_out : a.y_row_stride;
  const int lane_index = p.lane;
  const Lane& lane = ctx_.lane(lane_index);
  const cudaStream_t stream = lane.stream;
  const bool record = static_cast<bool>(recorder);
  if (p.gates_src != gates_x) {  // the captured loop reads its projection from a fixed place
    p.loop.reset();
    p.gates_src = gates_x;
  }
  DeviceSequenceArgs<float> d;
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

  if (gates_x == nullptr) copy_in(p.x, a.x, T * B * I, lane_index);
  if (p.has_h0) copy_in(p.h0, a.h0, B * H_out, lane_index);
  if (p.has_c0) copy_in(p.c0, a.c0, B * H, lane_index);
  const auto enqueue = [&] { run_sequence_device(lane, ctx_.math(), p.w, d, p.ws); };
  if (use_graphs_ && T * B > 0) {
    if (!p.loop.ready()) {
      enqueue();  // warm-up outside the capture (lazy loading, cuBLAS set-up); the replay recomputes everything
      p.loop.capture(stream, enqueue);
      ++captures_;
    }
    p.loop.launch(stream);
    ++replays_;
  } else {
    enqueue();
  }
  bool on_host = false;
  if (T * B > 0) on_host |= copy_out(p.y, a.y, T * B, H_out, y_stride, a.y_offset, lane_index);
  on_host |= copy_out(p.h_last, a.h_last, B, H_out, H_out, 0, lane_index);
  if (is_lstm) on_host |= copy_out(p.c_last, a.c_last, B, H, H, 0, lane_index);
  std::vector<float> y_host, c_host;
  if (record) {  // records read the whole history on the host: downloaded once after the loop
    y_host.resize(static_cast<size_t>(T * B * H_out));
    if (!y_host.empty())
      RNNCONF_CUDA_CHECK(cudaMemcpyAsync(y_host.data(), p.y.data(), y_host.size() * sizeof(float), cudaMemcpyDeviceToHost, stream));
    if (is_lstm) {
      c_host.resize(static_cast<size_t>(T * B * H));
      if (!c_host.empty())
        RNNCONF_CUDA_CHECK(cudaMemcpyAsync(c_host.data(), p.c_history.data(), c_host.size() * sizeof(float),
                                           cudaMemcpyDeviceToHost, stream));
    }
    host_downloads_ += is_lstm ? 2 : 1;
  }
  if (on_host || record) RNNCONF_CUDA_CHECK(cudaStreamSynchronize(stream));
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

void CudaSequenceBackend::run_sequence(const void* call_site, const cpu::RnnWeights<float>& w,
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

void CudaSequenceBackend::run_cell(const void* call_site, const cpu::RnnWeights<float>& w,
                                   const cpu::CellArgs<float>& a) {
  run_sequence(call_site, w, cpu::cell_as_sequence(w, a, "cuda run_cell: "), {});
}

}  // namespace rnnconf::cuda

// CudaSequenceBackend (cuda_sequence_backend.hpp): plans per call site,
// host<->device transfers, graph capture and replay, step records.
#include "cuda_sequence_backend.hpp"

#include <algorithm>
#include <vector>

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

template <class T>
void to_device(DeviceBuffer<T>& dst, const T* src, int64_t count, cudaStream_t stream) {
  if (src == nullptr || count == 0) return;
  RNNCONF_CUDA_CHECK(cudaMemcpyAsync(dst.data(), src, static_cast<size_t>(count) * sizeof(T), cudaMemcpyHostToDevice, stream));
}

template <class T>
void to_host(T* dst, const DeviceBuffer<T>& src, int64_t count, cudaStream_t stream) {
  if (dst == nullptr || count == 0) return;
  RNNCONF_CUDA_CHECK(cudaMemcpyAsync(dst, src.data(), static_cast<size_t>(count) * sizeof(T), cudaMemcpyDeviceToHost, stream));
}

}  // namespace

uint64_t weights_fingerprint(const cpu::RnnWeights<float>& w) {
  uint64_t h = 14695981039346656037ULL;
  const int64_t sizes[] = {static_cast<int64_t>(w.variant), w.input_size, w.hidden_size, w.proj_size};
  mix(h, sizes, sizeof sizes);
  for (const auto* v : {&w.w_ih, &w.w_hh, &w.b_x, &w.b_hn, &w.w_hr}) mix_samples(h, *v);
  return h;
}

void CudaSequenceBackend::run_sequence(const void* call_site, const cpu::RnnWeights<float>& w,
                                       const cpu::SequenceArgs<float>& a, const cpu::StepRecorder<float>& recorder) {
  const Lane& lane = ctx_.lane(0);
  const cudaStream_t stream = lane.stream;
  const bool is_lstm = w.variant == cpu::RnnVariant::lstm;
  const int64_t T = a.steps, B = a.batch, H = w.hidden_size, H_out = w.output_size(), I = w.input_size;
  if (T < 0 || B < 0) throw Error("cuda run_sequence: steps and batch must be >= 0");
  if (T * B > 0 && a.x == nullptr) throw Error("cuda run_sequence: x is null");
  const int64_t y_stride = a.y_row_stride == 0 ? H_out : a.y_row_stride;
  if (a.y != nullptr && (a.y_offset < 0 || y_stride < a.y_offset + H_out))
    throw Error("cuda run_sequence: y_row_stride/y_offset cannot hold H_out columns");

  Plan& p = plans_[call_site];
  const uint64_t fp = weights_fingerprint(w);
  if (!p.uploaded || fp != p.fingerprint) {
    p.w = upload_weights(w, stream);
    p.fingerprint = fp;
    p.uploaded = true;
    p.loop.reset();
    p.steps = -1;  // forces new buffers and a new capture
    ++uploads_;
  }
  const bool record = static_cast<bool>(recorder);
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
  DeviceSequenceArgs<float> d;
  d.x = p.x.data();
  d.steps = T;
  d.batch = B;
  d.h0 = has_h0 ? p.h0.data() : nullptr;
  d.c0 = has_c0 ? p.c0.data() : nullptr;
  d.reverse = a.reverse;
  d.y = p.y.data();
  d.h_last = p.h_last.data();
  d.c_last = is_lstm ? p.c_last.data() : nullptr;
  d.c_history = p.c_history.empty() ? nullptr : p.c_history.data();

  to_device(p.x, a.x, T * B * I, stream);
  if (has_h0) to_device(p.h0, a.h0, B * H_out, stream);
  if (has_c0) to_device(p.c0, a.c0, B * H, stream);
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
  if (a.y != nullptr && T * B > 0)
    RNNCONF_CUDA_CHECK(cudaMemcpy2DAsync(a.y + a.y_offset, static_cast<size_t>(y_stride) * sizeof(float), p.y.data(),
                                         static_cast<size_t>(H_out) * sizeof(float), static_cast<size_t>(H_out) * sizeof(float),
                                         static_cast<size_t>(T * B), cudaMemcpyDeviceToHost, stream));
  to_host(a.h_last, p.h_last, B * H_out, stream);
  if (is_lstm) to_host(a.c_last, p.c_last, B * H, stream);
  std::vector<float> y_host, c_host;
  if (record) {
    y_host.resize(static_cast<size_t>(T * B * H_out));
    to_host(y_host.data(), p.y, T * B * H_out, stream);
    if (is_lstm) {
      c_host.resize(static_cast<size_t>(T * B * H));
      to_host(c_host.data(), p.c_history, T * B * H, stream);
    }
  }
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(stream));
  if (record) {
    for (int64_t s = 0; s < T && B > 0; ++s) {
      const int64_t t = a.reverse ? T - 1 - s : s;
      cpu::StepRecord<float> r;
      r.step = s;
      r.time = t;
      r.batch = B;
      r.gate_width = w.gates() * H;
      r.h = y_host.data() + t * B * H_out;
      r.h_row_stride = H_out;
      r.c = is_lstm ? c_host.data() + t * B * H : nullptr;
      recorder(r);
    }
  }
}

void CudaSequenceBackend::run_cell(const void* call_site, const cpu::RnnWeights<float>& w,
                                   const cpu::CellArgs<float>& a) {
  if (w.proj_size != 0) throw Error("cuda run_cell: cells have no projection");
  if (a.h_new == nullptr) throw Error("cuda run_cell: h_new is null");
  if (w.variant == cpu::RnnVariant::lstm && a.c_new == nullptr) throw Error("cuda run_cell: c_new is null (LSTM cell)");
  cpu::SequenceArgs<float> s;
  s.x = a.x;
  s.steps = 1;
  s.batch = a.batch;
  s.h0 = a.h_prev;
  s.c0 = a.c_prev;
  s.h_last = a.h_new;
  s.c_last = a.c_new;
  run_sequence(call_site, w, s, {});
}

}  // namespace rnnconf::cuda

// The device sequence runner (sequence_runner.hpp): argument checks, weight
// upload, workspace sizing, and the enqueue of the input projection, the
// per-step recurrent GEMM + gate kernel (+ projection) and the state hand-over.
#include "rnnconf/reference_cuda/sequence_runner.hpp"

#include <string>

#include "device_gemm.hpp"
#include "rnnconf/reference_cuda/cuda_check.hpp"
#include "rnnconf/reference_cuda/gate_kernels.hpp"

namespace rnnconf::cuda {
namespace {

template <class T>
std::string context(const char* fn, const DeviceRnnWeights<T>& w) {
  return std::string(fn) + "(" + std::string(cpu::variant_name(w.variant)) + " I=" + std::to_string(w.input_size) +
         " H=" + std::to_string(w.hidden_size) + " P=" + std::to_string(w.proj_size) + "): ";
}

template <class T>
void copy_rows_async(const T* src, int64_t src_stride, T* dst, int64_t dst_stride, int64_t rows, int64_t cols,
                     cudaStream_t stream) {
  if (rows == 0 || cols == 0) return;
  RNNCONF_CUDA_CHECK(cudaMemcpy2DAsync(dst, static_cast<size_t>(dst_stride) * sizeof(T), src,
                                       static_cast<size_t>(src_stride) * sizeof(T), static_cast<size_t>(cols) * sizeof(T),
                                       static_cast<size_t>(rows), cudaMemcpyDeviceToDevice, stream));
}

}  // namespace

template <class T>
DeviceRnnWeights<T> upload_weights(const cpu::RnnWeights<T>& w, cudaStream_t stream) {
  const int64_t gh = w.gates() * w.hidden_size;
  const bool ok = w.input_size >= 1 && w.hidden_size >= 1 && w.proj_size >= 0 &&
                  static_cast<int64_t>(w.w_ih.size()) == gh * w.input_size &&
                  static_cast<int64_t>(w.w_hh.size()) == gh * w.output_size() &&
                  static_cast<int64_t>(w.b_x.size()) == gh &&
                  static_cast<int64_t>(w.b_hn.size()) == (w.variant == cpu::RnnVariant::gru ? w.hidden_size : 0) &&
                  static_cast<int64_t>(w.w_hr.size()) == w.proj_size * w.hidden_size;
  if (!ok) throw Error("upload_weights: RnnWeights buffers do not match their sizes (build them with a pack_* function)");
  DeviceRnnWeights<T> d;
  d.variant = w.variant;
  d.input_size = w.input_size;
  d.hidden_size = w.hidden_size;
  d.proj_size = w.proj_size;
  d.w_ih.upload(w.w_ih, stream);
  d.w_hh.upload(w.w_hh, stream);
  d.b_x.upload(w.b_x, stream);
  d.b_hn.upload(w.b_hn, stream);
  d.w_hr.upload(w.w_hr, stream);
  return d;
}

template <class T>
void DeviceWorkspace<T>::reserve(const DeviceRnnWeights<T>& w, int64_t steps, int64_t batch) {
  const int64_t gh = w.gates() * w.hidden_size;
  gates_x.reserve(steps * batch * gh);
  gates_h.reserve(batch * gh);
  h_a.reserve(batch * w.output_size());
  h_b.reserve(batch * w.output_size());
  if (w.variant == cpu::RnnVariant::lstm) cell.reserve(batch * w.hidden_size);
  if (w.proj_size > 0) m.reserve(batch * w.hidden_size);
}

template <class T>
void run_sequence_device(const Lane& lane, MathMode math, const DeviceRnnWeights<T>& w,
                         const DeviceSequenceArgs<T>& a, DeviceWorkspace<T>& ws) {
  const std::string ctx = context("run_sequence_device", w);
  const bool is_lstm = w.variant == cpu::RnnVariant::lstm;
  const int64_t H = w.hidden_size, H_out = w.output_size(), I = w.input_size;
  const int64_t GH = w.gates() * H, B = a.batch, steps = a.steps;
  const cudaStream_t stream = lane.stream;
  if (steps < 0 || B < 0) throw Error(ctx + "steps and batch must be >= 0");
  if (!is_lstm && (a.c0 != nullptr || a.c_last != nullptr || a.c_history != nullptr))
    throw Error(ctx + "c0/c_last/c_history given, but only an LSTM has a cell state");
  if (steps * B > 0 && a.x == nullptr && a.gates_x == nullptr) throw Error(ctx + "x is null");
  const int64_t y_stride = a.y_row_stride == 0 ? H_out : a.y_row_stride;
  if (a.y != nullptr && (a.y_offset < 0 || y_stride < a.y_offset + H_out))
    throw Error(ctx + "y_row_stride=" + std::to_string(y_stride) + " y_offset=" + std::to_string(a.y_offset) +
                " cannot hold H_out=" + std::to_string(H_out) + " columns");
  const bool ws_ok = (a.gates_x != nullptr || ws.gates_x.size() >= steps * B * GH) && ws.gates_h.size() >= B * GH &&
                     ws.h_a.size() >= B * H_out && ws.h_b.size() >= B * H_out &&
                     (!is_lstm || ws.cell.size() >= B * H) && (w.proj_size == 0 || ws.m.size() >= B * H);
  if (!ws_ok) throw Error(ctx + "workspace too small (call DeviceWorkspace::reserve for this problem first)");

  T* cell = is_lstm ? ws.cell.data() : nullptr;
  if (is_lstm && B * H > 0) {
    if (a.c0 != nullptr) copy_rows_async(a.c0, H, cell, H, B, H, stream);
    else RNNCONF_CUDA_CHECK(cudaMemsetAsync(cell, 0, static_cast<size_t>(B * H) * sizeof(T), stream));
  }
  const T* h_prev = a.h0;
  int64_t h_prev_stride = H_out;
  if (h_prev == nullptr) {
    if (B * H_out > 0) RNNCONF_CUDA_CHECK(cudaMemsetAsync(ws.h_a.data(), 0, static_cast<size_t>(B * H_out) * sizeof(T), stream));
    h_prev = ws.h_a.data();
  }

  // 1. Input projection of all steps (unless the caller supplies it).
  const T* gates_x = a.gates_x != nullptr ? a.gates_x : ws.gates_x.data();
  if (steps * B > 0 && a.gates_x == nullptr)
    detail::gemm_abt(lane, math, steps * B, GH, I, a.x, I, w.w_ih.data(), I, ws.gates_x.data(), GH);

  T* gh = ws.gates_h.data();
  for (int64_t s = 0; s < steps && B > 0; ++s) {
    const int64_t t = a.reverse ? steps - 1 - s : s;
    // 2. Recurrent product.
    detail::gemm_abt(lane, math, B, GH, H_out, h_prev, h_prev_stride, w.w_hh.data(), H_out, gh, GH);
    T* h_dst = nullptr;
    int64_t h_dst_stride = H_out;
    if (a.y != nullptr) {
      h_dst = a.y + t * B * y_stride + a.y_offset;
      h_dst_stride = y_stride;
    } else {
      h_dst = h_prev == ws.h_a.data() ? ws.h_b.data() : ws.h_a.data();
    }
    // 3. Fused gates.
    DeviceGateStep<T> g;
    g.batch = B;
    g.hidden = H;
    g.gates_x = gates_x + t * B * GH;
    g.gates_h = gh;
    g.b_x = w.b_x.data();
    g.h_prev = h_prev;
    g.h_prev_stride = h_prev_stride;
    g.b_hn = w.b_hn.data();
    g.cell = cell;
    g.h_out = w.proj_size > 0 ? ws.m.data() : h_dst;
    g.h_out_stride = w.proj_size > 0 ? H : h_dst_stride;
    launch_gates(w.variant, g, stream);
    if (w.proj_size > 0)
      detail::gemm_abt(lane, math, B, w.proj_size, H, ws.m.data(), H, w.w_hr.data(), H, h_dst, h_dst_stride);
    if (a.c_history != nullptr) copy_rows_async<T>(cell, H, a.c_history + t * B * H, H, B, H, stream);
    h_prev = h_dst;
    h_prev_stride = h_dst_stride;
  }

  if (a.h_last != nullptr) copy_rows_async(h_prev, h_prev_stride, a.h_last, H_out, B, H_out, stream);
  if (a.c_last != nullptr) copy_rows_async<T>(cell, H, a.c_last, H, B, H, stream);
}

template <class T>
void run_bidirectional_device(const CudaContext& ctx, const DeviceRnnWeights<T>& wf, const DeviceSequenceArgs<T>& fwd,
                              DeviceWorkspace<T>& wsf, const DeviceRnnWeights<T>& wb,
                              const DeviceSequenceArgs<T>& bwd, DeviceWorkspace<T>& wsb) {
  if (fwd.reverse || !bwd.reverse) throw Error("run_bidirectional_device: needs a forward and a reverse direction");
  const Lane& l0 = ctx.lane(0);
  const Lane& l1 = ctx.lane(1);
  RNNCONF_CUDA_CHECK(cudaEventRecord(ctx.fork_event(), l0.stream));
  RNNCONF_CUDA_CHECK(cudaStreamWaitEvent(l1.stream, ctx.fork_event(), 0));
  run_sequence_device(l0, ctx.math(), wf, fwd, wsf);
  run_sequence_device(l1, ctx.math(), wb, bwd, wsb);
  RNNCONF_CUDA_CHECK(cudaEventRecord(ctx.join_event(), l1.stream));
  RNNCONF_CUDA_CHECK(cudaStreamWaitEvent(l0.stream, ctx.join_event(), 0));
}

template struct DeviceWorkspace<float>;
template struct DeviceWorkspace<double>;
template DeviceRnnWeights<float> upload_weights<float>(const cpu::RnnWeights<float>&, cudaStream_t);
template DeviceRnnWeights<double> upload_weights<double>(const cpu::RnnWeights<double>&, cudaStream_t);
template void run_sequence_device<float>(const Lane&, MathMode, const DeviceRnnWeights<float>&,
                                         const DeviceSequenceArgs<float>&, DeviceWorkspace<float>&);
template void run_sequence_device<double>(const Lane&, MathMode, const DeviceRnnWeights<double>&,
                                          const DeviceSequenceArgs<double>&, DeviceWorkspace<double>&);
template void run_bidirectional_device<float>(const CudaContext&, const DeviceRnnWeights<float>&,
                                              const DeviceSequenceArgs<float>&, DeviceWorkspace<float>&,
                                              const DeviceRnnWeights<float>&, const DeviceSequenceArgs<float>&,
                                              DeviceWorkspace<float>&);
template void run_bidirectional_device<double>(const CudaContext&, const DeviceRnnWeights<double>&,
                                               const DeviceSequenceArgs<double>&, DeviceWorkspace<double>&,
                                               const DeviceRnnWeights<double>&, const DeviceSequenceArgs<double>&,
                                               DeviceWorkspace<double>&);

}  // namespace rnnconf::cuda

// DeviceSteps (device_steps.hpp): each step operation as work on one lane of
// a Device, and the entry points that run the recurrence driver over it.
#include <string>

#include "executor/device_steps.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::cuda {

template <class T>
void DeviceSteps<T>::check(const cpu::SequenceArgs<T>& a, int64_t /*y_stride*/, const std::string& ctx) const {
  const bool is_lstm = w_.variant == cpu::RnnVariant::lstm;
  const int64_t H = w_.hidden_size, H_out = shape().output_size(), GH = shape().gates() * H, B = a.batch;
  const bool ok = (a.gates_x != nullptr || ws_.gates_x.size >= a.steps * B * GH) && ws_.gates_h.size >= B * GH &&
                  ws_.h_a.size >= B * H_out && ws_.h_b.size >= B * H_out && (!is_lstm || ws_.cell.size >= B * H) &&
                  (w_.proj_size == 0 || ws_.m.size >= B * H);
  if (!ok) throw Error(ctx + "workspace too small (reserve the workspace for this problem first)");
}

template <class T>
cpu::RecurrenceBuffers<T> DeviceSteps<T>::buffers(int64_t /*steps*/, int64_t /*batch*/) const {
  return {ws_.gates_h.data, ws_.h_a.data, ws_.h_b.data, ws_.cell.data, ws_.m.data};
}

template <class T>
cpu::ProjectedInputs<T> DeviceSteps<T>::project_inputs(const T* x, int64_t steps, int64_t batch) {
  const int64_t GH = shape().gates() * w_.hidden_size, I = w_.input_size;
  dev_.gemm_abt(lane_, GemmAbt<T>{steps * batch, GH, I, x, I, w_.w_ih, I, ws_.gates_x.data, GH});
  return {ws_.gates_x.data, batch * GH, true};
}

template <class T>
void DeviceSteps<T>::recurrent_product(int64_t batch, const T* h_prev, int64_t ldh, T* gates_h) {
  const int64_t GH = shape().gates() * w_.hidden_size, H_out = shape().output_size();
  dev_.gemm_abt(lane_, GemmAbt<T>{batch, GH, H_out, h_prev, ldh, w_.w_hh, H_out, gates_h, GH});
}

template <class T>
void DeviceSteps<T>::gates(const cpu::GateStep<T>& step) {
  dev_.gates(lane_, w_.variant, step);
}

template <class T>
void DeviceSteps<T>::project(int64_t batch, const T* m, T* h, int64_t ldh) {
  const int64_t H = w_.hidden_size;
  dev_.gemm_abt(lane_, GemmAbt<T>{batch, w_.proj_size, H, m, H, w_.w_hr, H, h, ldh});
}

template <class T>
void DeviceSteps<T>::copy_rows(const T* src, int64_t src_stride, T* dst, int64_t dst_stride, int64_t rows,
                               int64_t cols) {
  if (rows == 0 || cols == 0) return;
  CopyRows c;
  c.dst = dst;
  c.dst_pitch = static_cast<size_t>(dst_stride) * sizeof(T);
  c.src = src;
  c.src_pitch = static_cast<size_t>(src_stride) * sizeof(T);
  c.row_bytes = static_cast<size_t>(cols) * sizeof(T);
  c.rows = static_cast<size_t>(rows);
  c.kind = CopyKind::device_to_device;
  dev_.copy(lane_, c);
}

template <class T>
void DeviceSteps<T>::zero(T* dst, int64_t count) {
  if (count > 0) dev_.fill(lane_, dst, 0, static_cast<size_t>(count) * sizeof(T));
}

template <class T>
void run_device_sequence(Device& dev, int lane, const DeviceWeightsView<T>& w, const cpu::SequenceArgs<T>& args,
                         const DeviceWorkspaceView<T>& ws, const std::string& who) {
  DeviceSteps<T> steps(dev, lane, w, ws);
  cpu::run_recurrence(steps, args, cpu::recurrence_context(who, cpu::shape_of(w)));
}

template <class T>
void run_device_bidirectional(Device& dev, DeviceHandle fork, DeviceHandle join, const DeviceWeightsView<T>& wf,
                              const cpu::SequenceArgs<T>& fwd, const DeviceWorkspaceView<T>& wsf,
                              const DeviceWeightsView<T>& wb, const cpu::SequenceArgs<T>& bwd,
                              const DeviceWorkspaceView<T>& wsb) {
  if (fwd.reverse || !bwd.reverse) throw Error("run_bidirectional_device: needs a forward and a reverse direction");
  if (dev.lanes() < 2) throw Error("run_bidirectional_device: needs two lanes");
  dev.record(fork, 0);
  dev.wait(1, fork);
  run_device_sequence(dev, 0, wf, fwd, wsf);
  run_device_sequence(dev, 1, wb, bwd, wsb);
  dev.record(join, 1);
  dev.wait(0, join);
}

template class DeviceSteps<float>;
template class DeviceSteps<double>;
template void run_device_sequence<float>(Device&, int, const DeviceWeightsView<float>&, const cpu::SequenceArgs<float>&,
                                         const DeviceWorkspaceView<float>&, const std::string&);
template void run_device_sequence<double>(Device&, int, const DeviceWeightsView<double>&,
                                          const cpu::SequenceArgs<double>&, const DeviceWorkspaceView<double>&,
                                          const std::string&);
template void run_device_bidirectional<float>(Device&, DeviceHandle, DeviceHandle, const DeviceWeightsView<float>&,
                                              const cpu::SequenceArgs<float>&, const DeviceWorkspaceView<float>&,
                                              const DeviceWeightsView<float>&, const cpu::SequenceArgs<float>&,
                                              const DeviceWorkspaceView<float>&);
template void run_device_bidirectional<double>(Device&, DeviceHandle, DeviceHandle, const DeviceWeightsView<double>&,
                                               const cpu::SequenceArgs<double>&, const DeviceWorkspaceView<double>&,
                                               const DeviceWeightsView<double>&, const cpu::SequenceArgs<double>&,
                                               const DeviceWorkspaceView<double>&);

}  // namespace rnnconf::cuda

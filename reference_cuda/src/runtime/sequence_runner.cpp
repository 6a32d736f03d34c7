// The public device sequence runner (sequence_runner.hpp): weight upload and
// workspace sizing into DeviceBuffers, and the recurrence driver's device
// steps (executor/device_steps.hpp) on a CudaDevice over the given lane(s).
#include "rnnconf/reference_cuda/sequence_runner.hpp"

#include "executor/device_steps.hpp"
#include "rnnconf/core/error.hpp"
#include "runtime/cuda_device.hpp"

namespace rnnconf::cuda {
namespace {

template <class T>
DeviceWeightsView<T> view(const DeviceRnnWeights<T>& w) {
  return {w.variant, w.input_size, w.hidden_size, w.proj_size, w.w_ih.data(),
          w.w_hh.data(), w.b_x.data(), w.b_hn.data(), w.w_hr.data()};
}

template <class T>
DeviceWorkspaceView<T> view(DeviceWorkspace<T>& ws) {
  auto span = [](DeviceBuffer<T>& b) { return DeviceSpan<T>{b.data(), b.size()}; };
  return {span(ws.gates_x), span(ws.gates_h), span(ws.h_a), span(ws.h_b), span(ws.cell), span(ws.m)};
}

}  // namespace

template <class T>
DeviceRnnWeights<T> upload_weights(const cpu::RnnWeights<T>& w, cudaStream_t stream) {
  if (!cpu::packed_sizes_consistent(w))
    throw Error("upload_weights: RnnWeights buffers do not match their sizes (build them with a pack_* function)");
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
  CudaDevice dev(lane, math);
  run_device_sequence(dev, 0, view(w), a, view(ws));
}

template <class T>
void run_bidirectional_device(const CudaContext& ctx, const DeviceRnnWeights<T>& wf, const DeviceSequenceArgs<T>& fwd,
                              DeviceWorkspace<T>& wsf, const DeviceRnnWeights<T>& wb,
                              const DeviceSequenceArgs<T>& bwd, DeviceWorkspace<T>& wsb) {
  CudaDevice dev(ctx);
  run_device_bidirectional(dev, ctx.fork_event(), ctx.join_event(), view(wf), fwd, view(wsf), view(wb), bwd, view(wsb));
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

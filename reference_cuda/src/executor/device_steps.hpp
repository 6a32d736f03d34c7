// The device's step backend of the recurrence driver
// (rnnconf/reference_cpu/recurrence_driver.hpp): DeviceSteps<T> enqueues each
// operation of a step on one lane of a Device (device_interface.hpp), so the
// CUDA runner and the executor's plans run the same driver as the CPU, and
// the host tests run it through the emulated device.
//   input projection   one GEMM for all steps: gates_x [T·B, G·H] = x · w_ihᵀ
//   recurrent product  one GEMM per step:      gates_h [B, G·H] = h_prev · w_hhᵀ
//   gates              the variant's fused gate kernel
//   projection         one GEMM per step:      h = m · w_hrᵀ
//   state copies       2-D device-to-device copies, zero fills
// Nothing synchronizes or allocates: a whole call can be captured as a graph.
// Buffers are device pointers: the weights and the scratch come as views
// (DeviceWeightsView, DeviceWorkspaceView) of whoever owns them (the public
// DeviceRnnWeights / DeviceWorkspace of sequence_runner.hpp, or an executor
// plan's DeviceWeights / DeviceScratch).
#pragma once

#include <cstdint>
#include <string>

#include "executor/device_interface.hpp"
#include "rnnconf/reference_cpu/recurrence_driver.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"

namespace rnnconf::cuda {

template <class T>
struct DeviceWeightsView {
  cpu::RnnVariant variant = cpu::RnnVariant::lstm;
  int64_t input_size = 0, hidden_size = 0, proj_size = 0;
  const T* w_ih = nullptr;  // [G·H, I]
  const T* w_hh = nullptr;  // [G·H, H_out]
  const T* b_x = nullptr;   // [G·H]
  const T* b_hn = nullptr;  // [H] (GRU)
  const T* w_hr = nullptr;  // [P, H]
};

// A device array and its element count.
template <class T>
struct DeviceSpan {
  T* data = nullptr;
  int64_t size = 0;
};

template <class T>
struct DeviceWorkspaceView {
  DeviceSpan<T> gates_x, gates_h, h_a, h_b, cell, m;
};

template <class T>
class DeviceSteps {
 public:
  using value_type = T;
  DeviceSteps(Device& dev, int lane, const DeviceWeightsView<T>& w, const DeviceWorkspaceView<T>& ws)
      : dev_(dev), lane_(lane), w_(w), ws_(ws) {}

  cpu::RecurrenceShape shape() const { return cpu::shape_of(w_); }
  const T* b_x() const { return w_.b_x; }
  const T* b_hn() const { return w_.b_hn; }
  bool recurrent_product_in_gates() const { return false; }

  // The scratch must be reserved for this problem (nothing is allocated here).
  void check(const cpu::SequenceArgs<T>& a, int64_t y_stride, const std::string& ctx) const;
  cpu::RecurrenceBuffers<T> buffers(int64_t steps, int64_t batch) const;
  cpu::ProjectedInputs<T> project_inputs(const T* x, int64_t steps, int64_t batch);
  void recurrent_product(int64_t batch, const T* h_prev, int64_t ldh, T* gates_h);
  void gates(const cpu::GateStep<T>& step);
  void project(int64_t batch, const T* m, T* h, int64_t ldh);
  void copy_rows(const T* src, int64_t src_stride, T* dst, int64_t dst_stride, int64_t rows, int64_t cols);
  void zero(T* dst, int64_t count);

 private:
  Device& dev_;
  int lane_;
  DeviceWeightsView<T> w_;
  DeviceWorkspaceView<T> ws_;
};

// Enqueues one (layer, direction) on `lane`: the recurrence driver over
// DeviceSteps. `args` holds device pointers (SequenceArgs::gates_x: the
// projection given, e.g. by a paired GEMM; c_history: the cell state per
// step). Throws rnnconf::Error (messages prefixed "who(lstm I=.. H=.. P=..): ")
// on inconsistent arguments, before anything is enqueued.
template <class T>
void run_device_sequence(Device& dev, int lane, const DeviceWeightsView<T>& w, const cpu::SequenceArgs<T>& args,
                         const DeviceWorkspaceView<T>& ws, const std::string& who = "run_sequence_device");

// The two directions of a layer concurrently: forward on lane 0, backward on
// lane 1, lane 1 forked from lane 0 by `fork` and joined back by `join`
// (lane 0 waits for both before its later work). `fwd.reverse` must be false
// and `bwd.reverse` true.
template <class T>
void run_device_bidirectional(Device& dev, DeviceHandle fork, DeviceHandle join, const DeviceWeightsView<T>& wf,
                              const cpu::SequenceArgs<T>& fwd, const DeviceWorkspaceView<T>& wsf,
                              const DeviceWeightsView<T>& wb, const cpu::SequenceArgs<T>& bwd,
                              const DeviceWorkspaceView<T>& wsb);

}  // namespace rnnconf::cuda

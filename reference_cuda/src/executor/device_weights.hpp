// What an executor plan keeps on its Device per fragment call site: the
// packed weights (DeviceWeights, uploaded once from cpu::RnnWeights<float>;
// the CPU's panel layouts are not uploaded), the driver's scratch
// (DeviceScratch), and the fingerprint that tells a call site whose weights
// changed between runs.
#pragma once

#include <cstdint>

#include "executor/device_handles.hpp"
#include "executor/device_steps.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cuda {

struct DeviceWeights {
  explicit DeviceWeights(Device& dev) : w_ih(dev), w_hh(dev), b_x(dev), b_hn(dev), w_hr(dev) {}
  cpu::RnnVariant variant = cpu::RnnVariant::lstm;
  int64_t input_size = 0, hidden_size = 0, proj_size = 0;
  DeviceArray<float> w_ih, w_hh, b_x, b_hn, w_hr;
  int64_t gates() const { return cpu::gate_count(variant); }
  int64_t output_size() const { return proj_size > 0 ? proj_size : hidden_size; }
  DeviceWeightsView<float> view() const;
};

// Uploads `w` into `out` on `lane` and waits for the copies (the host buffers
// may go away). Throws rnnconf::Error when the buffers do not match their sizes.
void upload_weights(Device& dev, int lane, const cpu::RnnWeights<float>& w, DeviceWeights& out);

struct DeviceScratch {
  explicit DeviceScratch(Device& dev) : gates_x(dev), gates_h(dev), h_a(dev), h_b(dev), cell(dev), m(dev) {}
  DeviceArray<float> gates_x, gates_h, h_a, h_b, cell, m;
  // Grows the buffers for this problem (contents lost where they grow).
  void reserve(const DeviceWeights& w, int64_t steps, int64_t batch);
  DeviceWorkspaceView<float> view();
};

// FNV-1a over the variant, the sizes and up to 1024 evenly spaced elements of
// each weight buffer: cheap, and catches a call site whose weights change.
uint64_t weights_fingerprint(const cpu::RnnWeights<float>& w);

}  // namespace rnnconf::cuda

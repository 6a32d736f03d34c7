// One run of a model on a DeviceSequenceBackend: the CPU interpreter walks
// the graph (float32, fused mode) with the backend plugged in, the pending
// fused call is flushed, the run's device tensors are freed (also after a
// failure), and the warnings name every fragment that ran literally on the
// CPU instead of the device. CudaExecutor::run is this on a CudaDevice; the
// host tests run it on the emulated device.
#pragma once

#include <map>
#include <set>
#include <string>

#include "executor/device_sequence_backend.hpp"
#include "rnnconf/core/tensor.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::cuda {

// The data pointers of the model's variables (DeviceSequenceBackend::set_persistent).
std::set<const void*> variable_keys(const nnef::Model& model);

cpu::RunResult run_on_device(DeviceSequenceBackend& backend, const nnef::Model& model,
                             const std::map<std::string, Tensor>& inputs, bool record);

}  // namespace rnnconf::cuda

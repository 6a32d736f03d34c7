// CudaDevice: the Device (executor/device_interface.hpp) on a GPU. Lanes are
// the streams of a CudaContext (each with its cuBLAS handle), GEMMs go
// through cuBLAS in the context's math mode (kernels/device_gemm.hpp), gate
// passes and gathers are the kernels of src/kernels/, events are CUDA events
// and graphs are CapturedLoops (stream capture). A thin, stateless adapter:
// every ordering and bookkeeping decision is made above it, in code the host
// tests run on the emulated device.
#pragma once

#include <array>

#include "executor/device_interface.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"

namespace rnnconf::cuda {

class CudaDevice final : public Device {
 public:
  // The context's lanes (not owned: the context outlives the device).
  explicit CudaDevice(const CudaContext& ctx);
  // One given lane (sequence_runner.hpp's run_sequence_device).
  CudaDevice(const Lane& lane, MathMode math);

  std::string name() const override { return "cuda"; }
  int lanes() const override { return lanes_count_; }
  void* allocate(size_t bytes) override;
  void release(void* p) noexcept override;
  void copy(int lane, const CopyRows& c) override;
  void fill(int lane, void* dst, unsigned char byte, size_t bytes) override;
  void gemm_abt(int lane, const GemmAbt<float>& g) override;
  void gemm_abt(int lane, const GemmAbt<double>& g) override;
  void gemm_abt_pair(int lane, const GemmAbt<float>& g, int64_t stride_b, int64_t stride_c) override;
  void gates(int lane, cpu::RnnVariant variant, const cpu::GateStep<float>& step) override;
  void gates(int lane, cpu::RnnVariant variant, const cpu::GateStep<double>& step) override;
  void gather(int lane, const GatherCopy& copy, const float* src, float* dst) override;
  DeviceHandle new_event() override;
  void delete_event(DeviceHandle event) noexcept override;
  void record(DeviceHandle event, int lane) override;
  void wait(int lane, DeviceHandle event) override;
  void synchronize(int lane) override;
  DeviceHandle capture(int lane, const std::function<void()>& enqueue) override;
  void launch(DeviceHandle graph, int lane) override;
  void delete_graph(DeviceHandle graph) noexcept override;

 private:
  const Lane& lane(int k) const;
  std::array<Lane, CudaContext::kLanes> lanes_{};
  int lanes_count_ = 0;
  MathMode math_;
};

}  // namespace rnnconf::cuda

// rnnconf::cuda::Device: what the device executor asks of a device, as one
// small interface with two implementations: CudaDevice
// (runtime/cuda_device.*: streams, cuBLAS, the kernels of src/kernels/) and
// the host tests' EmulatedDevice (tests/emulated_device.*: host memory, the
// CPU kernels, every access checked against the order the lanes' events
// give). Everything above it in this folder (the recurrence driver's device
// steps, the tensor store, the per-call-site plans, pending and paired
// projections, lane events, capture and replay, the end of a run) is
// device-agnostic code, built in every configuration and run by the host
// tests through the emulated device: the code that ships is the code CI runs.
//
// Lanes 0 .. lanes()-1 are in-order queues (a CUDA stream with its cuBLAS
// handle). Work enqueued on a lane is asynchronous and ordered only after
//   - earlier work on the same lane,
//   - the work before an event's record on another lane, once the lane waited
//     for that event (record/wait), and
//   - whatever the host had synchronized with (synchronize) before enqueuing it.
// A copy from host memory reads it when enqueued (pageable memory); host
// memory written by a copy from the device is valid only after the host
// synchronized with that lane. Device pointers come from allocate().
// Every call throws rnnconf::Error on failure; release/delete_* never throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "rnnconf/reference_cpu/gate_step.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"
#include "rnnconf/reference_cuda/layout_plan.hpp"

namespace rnnconf::cuda {

enum class CopyKind { host_to_device, device_to_host, device_to_device };

// `rows` rows of `row_bytes`, each at its pitch (bytes); one row is a plain copy.
struct CopyRows {
  void* dst = nullptr;
  size_t dst_pitch = 0;
  const void* src = nullptr;
  size_t src_pitch = 0;
  size_t row_bytes = 0;
  size_t rows = 1;
  CopyKind kind = CopyKind::device_to_device;
};

// Row-major C [M, N] (row stride ldc) = A [M, K] (lda) · B [N, K]ᵀ (ldb).
template <class T>
struct GemmAbt {
  int64_t M = 0, N = 0, K = 0;
  const T* A = nullptr;
  int64_t lda = 0;
  const T* B = nullptr;
  int64_t ldb = 0;
  T* C = nullptr;
  int64_t ldc = 0;
};

// An event or a captured graph of a device (opaque).
using DeviceHandle = void*;

class Device {
 public:
  Device() = default;
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;
  virtual ~Device() = default;

  virtual std::string name() const = 0;  // "cuda", "emulated": the device in messages
  virtual int lanes() const = 0;

  // ---- memory (contents undefined until written) ----
  virtual void* allocate(size_t bytes) = 0;
  virtual void release(void* p) noexcept = 0;  // may wait for the device (as cudaFree does)

  // ---- work on a lane ----
  virtual void copy(int lane, const CopyRows& c) = 0;
  virtual void fill(int lane, void* dst, unsigned char byte, size_t bytes) = 0;  // every byte = `byte`
  virtual void gemm_abt(int lane, const GemmAbt<float>& g) = 0;
  virtual void gemm_abt(int lane, const GemmAbt<double>& g) = 0;
  // Two products sharing A: C + k·stride_c = A · (B + k·stride_b)ᵀ for k = 0, 1 (float only).
  virtual void gemm_abt_pair(int lane, const GemmAbt<float>& g, int64_t stride_b, int64_t stride_c) = 0;
  // One step's fused gate pass of `variant` (gate_step.hpp), device pointers.
  virtual void gates(int lane, cpu::RnnVariant variant, const cpu::GateStep<float>& step) = 0;
  virtual void gates(int lane, cpu::RnnVariant variant, const cpu::GateStep<double>& step) = 0;
  // One strided copy of a layout plan (layout_plan.hpp).
  virtual void gather(int lane, const GatherCopy& copy, const float* src, float* dst) = 0;

  // ---- ordering ----
  virtual DeviceHandle new_event() = 0;
  virtual void delete_event(DeviceHandle event) noexcept = 0;
  virtual void record(DeviceHandle event, int lane) = 0;  // marks the lane's work so far
  virtual void wait(int lane, DeviceHandle event) = 0;    // the lane's later work waits for the mark
  virtual void synchronize(int lane) = 0;                 // the host waits for the lane's work so far

  // ---- graphs: the work `enqueue` puts on `lane`, captured once, replayed by launch ----
  virtual DeviceHandle capture(int lane, const std::function<void()>& enqueue) = 0;
  virtual void launch(DeviceHandle graph, int lane) = 0;
  virtual void delete_graph(DeviceHandle graph) noexcept = 0;
};

}  // namespace rnnconf::cuda

// EmulatedDevice: the Device of the executor (src/executor/device_interface.hpp)
// on the host, so that the host tests run the device executor's own code
// (the device steps of the recurrence driver, the tensor store, the plans,
// pending and paired projections, lane events, capture and replay) without a
// GPU.
//   memory   host arrays, poisoned NaN (all bytes 0xFF) when allocated;
//            released arrays stay reserved and poisoned, so an address is
//            never reused and any later access is reported
//   work     executed immediately, in enqueue order, with the CPU kernels:
//            GEMMs on BLAS (step_kernels.hpp: the paired GEMM as its two
//            products), gate passes, the host gather of the layout plans
//   ordering every lane and the host carry a vector clock; an op on a lane
//            ticks its lane, a wait joins the event's clock, a host
//            synchronize joins the lane's clock into the host's, and each op
//            enqueued afterwards joins the host's. Every word of device
//            memory remembers its last writer (lane, tick) and its readers'
//            ticks; an op that reads a word whose write is not ordered before
//            it, or writes a word whose last write or reads are not, is a
//            race: the op throws rnnconf::Error naming both sides. So a
//            dropped event wait or a missing synchronize fails the run,
//            whatever order the work happened to execute in.
//   host     a copy to the host lands in host memory only once the host has
//            synchronized with its lane (a read before that sees stale data);
//            a copy from the host reads it at enqueue (pageable memory)
//   graphs   capture records the ops `enqueue` puts on the lane (bodies with
//            their pointers baked in, as a CUDA graph); launch runs them again.
//            During a capture, work on another lane, events, synchronize,
//            allocate/release and host copies are refused (as with
//            cudaStreamCaptureModeThreadLocal)
// Pointers a device op receives must lie in device memory (host copies: the
// host side must not), so a host pointer passed as a device one is reported.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "executor/device_interface.hpp"

namespace rnnconf::cuda::testing {

class EmulatedDevice final : public Device {
 public:
  static constexpr int kMaxLanes = 4;
  explicit EmulatedDevice(int lanes = 2);
  ~EmulatedDevice() override;

  std::string name() const override { return "emulated"; }
  int lanes() const override { return lanes_; }
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

  // How many operations of each kind ran ("gemm_abt", "gemm_abt_pair",
  // "gates", "gather", "fill", "copy h2d", "copy d2d", "copy d2h", "record",
  // "wait", "synchronize", "capture", "launch"); replayed ops count again.
  int64_t count(const std::string& kind) const;
  int64_t live_bytes() const { return live_bytes_; }
  // Misuse found where nothing may throw (release of an unknown pointer, a
  // release or delete during a capture): empty when the device was used right.
  const std::vector<std::string>& misuses() const { return misuses_; }

  struct Op;    // one recorded operation (emulated_device.cpp)
  struct Graph;
  class Access;  // an op's view of the memory checker

 private:
  using Clock = std::array<uint64_t, kMaxLanes>;
  struct Word {  // shadow of 4 bytes of device memory
    int writer = -1;            // lane of the last write; -1: none since allocation
    uint64_t write_tick = 0;    // that lane's tick at the write
    uint32_t write_op = 0;      // index into op_names_
    Clock read_ticks{};         // per lane: tick of its last read since that write
  };
  struct FreeAligned {
    void operator()(std::byte* p) const;
  };
  struct Block {
    std::unique_ptr<std::byte, FreeAligned> storage;  // 64-byte aligned
    std::vector<Word> shadow;
    size_t bytes = 0;
    bool released = false;
  };
  struct Event {
    bool recorded = false;
    Clock clock{};
  };
  struct PendingHostWrite {  // a copy to the host, delivered at a host synchronize
    int lane = 0;
    uint64_t tick = 0;
    CopyRows rows;
    std::vector<unsigned char> data;
  };

  void check_lane(int lane, const char* what) const;
  void run(int lane, std::shared_ptr<const Op> op);
  void execute(int lane, const Op& op);
  void deliver_host_writes();
  Block* block_of(const void* p, size_t bytes, bool& released);
  bool is_device(const void* p) const;
  void touch(int lane, uint32_t op, const void* p, size_t bytes, bool write);
  std::string describe(const void* p) const;

  int lanes_;
  std::array<Clock, kMaxLanes> lane_clock_{};
  Clock host_clock_{};
  std::map<uintptr_t, Block> blocks_;
  std::set<Event*> events_;
  std::set<Graph*> graphs_;
  std::vector<PendingHostWrite> host_writes_;
  std::vector<std::string> op_names_;  // "lane 0: gemm_abt" by op index
  std::map<std::string, int64_t> counts_;
  int capturing_ = -1;
  Graph* capture_target_ = nullptr;
  int64_t live_bytes_ = 0;
  std::vector<std::string> misuses_;
};

}  // namespace rnnconf::cuda::testing

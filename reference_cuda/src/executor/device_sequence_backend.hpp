// DeviceSequenceBackend: the cpu::SequenceBackend of the device executor,
// with device residency (sequence_backend.hpp), on any Device
// (device_interface.hpp): CudaExecutor runs it on the GPU, the host tests on
// the emulated device. The graph's tensors stay on the device between ops
// (DeviceTensorStore), layout ops run as device gathers (layout_plan.hpp),
// and the fused calls read x/h0/c0 from and write y/h_n/c_n to device arrays.
//
// Per fragment call site it keeps a plan: the packed weights uploaded once
// (re-uploaded only when their fingerprint changes), device arrays sized for
// the call's (T, B), the whole time loop captured once as a graph
// (recaptured when T, B, direction, the optional inputs or the projection's
// source change), and a lane: call sites get lanes 0, 1, 0, ... in the order
// they first run, so the two directions of a bidirectional layer (two calls
// with no data dependency) run concurrently; a consumer on the other lane
// waits on the producer's event. A call copies x/h0/c0 device-to-device into
// the plan's arrays, replays the graph and copies y/h_n/c_n device-to-device
// into the outputs.
// Input projection pairing (paired_projection.cpp): a call whose x is on the
// device is held back (pending) until the next fused call; when that one
// reads the same x in the other direction with the same T, B, I and G·H (the
// two directions of a bidirectional layer), both projections run as one
// batched GEMM and each time loop reads its half. A pending call is enqueued
// as soon as anything reads its outputs, another call comes, or the run ends.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "executor/device_handles.hpp"
#include "executor/device_tensor_store.hpp"
#include "executor/device_weights.hpp"
#include "rnnconf/reference_cpu/sequence_backend.hpp"

namespace rnnconf::cuda {

class DeviceSequenceBackend final : public cpu::SequenceBackend {
 public:
  // `lanes` (1 .. dev.lanes()): how many lanes the fused call sites take turns on.
  // `pair_projections`: two calls reading the same x in opposite directions
  // share one batched input-projection GEMM.
  DeviceSequenceBackend(Device& dev, bool use_graphs, int lanes, bool pair_projections);

  std::string name() const override { return dev_.name(); }
  void run_sequence(const void* call_site, const cpu::RnnWeights<float>& w, const cpu::SequenceArgs<float>& args,
                    const cpu::StepRecorder<float>& recorder) override;
  void run_cell(const void* call_site, const cpu::RnnWeights<float>& w, const cpu::CellArgs<float>& args) override;

  bool keeps_tensors() const override { return true; }
  std::shared_ptr<const Tensor> run_op(const cpu::BackendOp& op, std::string& why_not) override;
  std::shared_ptr<Tensor> new_output(const Shape& shape) override { return store_.new_placeholder(shape, 0); }
  void will_read(const std::vector<std::shared_ptr<const Tensor>>& tensors) override;
  void to_host(const Tensor& t) override;

  // Model variables: uploaded once per executor, not per run.
  void set_persistent(std::set<const void*> keys) { store_.set_persistent(std::move(keys)); }
  // Enqueues a fused call still waiting for a partner.
  void flush();
  // After every run (flush() first, unless the run failed): waits for the
  // lanes and frees the run's device tensors; a call still pending is dropped.
  void end_run() noexcept {
    pending_.reset();
    store_.end_run();
  }

  int64_t graph_captures() const { return captures_; }
  int64_t graph_replays() const { return replays_; }
  int64_t weight_uploads() const { return uploads_; }
  int64_t device_layout_ops() const { return layout_ops_; }
  int64_t paired_projections() const { return paired_; }
  // Tensor transfers: the store's plus the fused calls' own host copies
  // (outputs or inputs the store does not hold, and recording).
  int64_t host_to_device() const { return store_.counts().uploads + host_uploads_; }
  int64_t device_to_host() const { return store_.counts().downloads + host_downloads_; }
  int64_t variable_uploads() const { return store_.counts().persistent_uploads; }

 private:
  struct Plan {
    explicit Plan(Device& dev)
        : w(dev), ws(dev), x(dev), h0(dev), c0(dev), y(dev), h_last(dev), c_last(dev), c_history(dev), loop(dev) {}
    uint64_t fingerprint = 0;
    bool uploaded = false;
    int lane = 0;
    DeviceWeights w;
    DeviceScratch ws;
    DeviceArray<float> x, h0, c0, y, h_last, c_last, c_history;
    int64_t steps = -1, batch = -1;
    bool reverse = false, has_h0 = false, has_c0 = false, record = false;
    const float* gates_src = nullptr;  // the projection the captured loop reads (null: its own GEMM)
    DeviceGraph loop;
  };
  // A call whose enqueue waits for a partner sharing its x.
  struct Pending {
    const void* site = nullptr;
    cpu::SequenceArgs<float> args;
  };
  // Two plans' stacked w_ih [2, G·H, I] and their projections [2, T·B, G·H].
  struct PairPlan {
    explicit PairPlan(Device& dev) : w_ih(dev), gates(dev), projected(dev), consumed(dev) {}
    uint64_t fingerprint_a = 0, fingerprint_b = 0;
    DeviceArray<float> w_ih, gates;
    DeviceEvent projected, consumed;
    bool consumed_recorded = false;
  };
  // Upload weights, size arrays (recapture when the shape of the call changes).
  Plan& prepare(const void* call_site, const cpu::RnnWeights<float>& w, const cpu::SequenceArgs<float>& a, bool record);
  // Copies in, the (captured) loop, copies out, records; `gates_x` non-null: the projection is given.
  void execute(Plan& p, const cpu::SequenceArgs<float>& a, const cpu::StepRecorder<float>& recorder, const float* gates_x);
  bool pending_output(const void* host_data) const;
  static bool partners(const Plan& a, const cpu::SequenceArgs<float>& args_a, const Plan& b,
                       const cpu::SequenceArgs<float>& args_b);
  // One batched GEMM for both projections on a's lane, then each loop on its own lane.
  void run_pair(Plan& a, const cpu::SequenceArgs<float>& args_a, Plan& b, const cpu::SequenceArgs<float>& args_b);
  // x/h0/c0 into the plan's array: device-to-device from the store, else from the host pointer.
  void copy_in(DeviceArray<float>& dst, const float* host, int64_t count, int lane);
  // A plan array into an output: device-to-device into the store's
  // placeholder, else to the host pointer (rows of `width` at `stride`, `offset`).
  bool copy_out(const DeviceArray<float>& src, float* host, int64_t rows, int64_t width, int64_t stride,
                int64_t offset, int lane);

  Device& dev_;
  DeviceTensorStore store_;
  bool use_graphs_;
  int lanes_;
  bool pair_projections_;
  std::map<const void*, Plan> plans_;
  std::map<std::pair<const Plan*, const Plan*>, PairPlan> pairs_;
  std::optional<Pending> pending_;
  int next_lane_ = 0;
  int64_t captures_ = 0, replays_ = 0, uploads_ = 0, layout_ops_ = 0, host_uploads_ = 0, host_downloads_ = 0, paired_ = 0;
};

}  // namespace rnnconf::cuda

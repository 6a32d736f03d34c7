// The device executor's bookkeeping (src/executor/: DeviceTensorStore,
// DeviceSequenceBackend's plans, pending and paired projections, lane events)
// driven call by call on the emulated device, whose memory checker reports
// any read or overwrite that no event wait or host synchronize orders: the
// two directions of a layer share one batched projection GEMM and give the
// bits of one GEMM per direction; a pending call runs as soon as its output
// is read, another call comes or the run is flushed; calls that are not
// partners (same direction, other x, recorded) are never paired; a second
// pair on the same call sites waits for the first pair's last reader; a
// tensor written on one lane and read on the other makes the reader wait;
// uploads and downloads are counted once per tensor and run, model variables
// once per executor; weights are re-uploaded only when they change and the
// captured loop is recaptured only when the call's shape does.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "emulated_device.hpp"
#include "executor/device_sequence_backend.hpp"
#include "golden_test_support.hpp"
#include "numeric_test_support.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"

namespace rnnconf::cuda::testing {
namespace {

constexpr int64_t kI = 6, kH = 5, kT = 4, kB = 3;

std::shared_ptr<Tensor> host_tensor(const Shape& shape, uint64_t seed) {
  auto t = std::make_shared<Tensor>(DType::f32, shape);
  const auto v = random_input(t->numel(), seed);
  for (int64_t k = 0; k < t->numel(); ++k) t->data<float>()[k] = static_cast<float>(v[static_cast<size_t>(k)]);
  return t;
}

// One fused call through the backend: x read from the store, y/h/c placeholders.
struct Call {
  std::shared_ptr<Tensor> y, h, c;
  cpu::SequenceArgs<float> args;
};
Call make_call(cpu::SequenceBackend& be, const std::shared_ptr<const Tensor>& x, bool reverse, int64_t steps = kT) {
  Call k;
  k.y = be.new_output({steps, kB, kH});
  k.h = be.new_output({kB, kH});
  k.c = be.new_output({kB, kH});
  k.args.x = x->data<float>();
  k.args.steps = steps;
  k.args.batch = kB;
  k.args.reverse = reverse;
  k.args.y = k.y->data<float>();
  k.args.h_last = k.h->data<float>();
  k.args.c_last = k.c->data<float>();
  be.will_read({x});
  return k;
}

std::vector<float> host_values(cpu::SequenceBackend& be, const std::shared_ptr<Tensor>& t) {
  be.to_host(*t);
  return std::vector<float>(t->span<float>().begin(), t->span<float>().end());
}

// The CPU's y for the same call (the reference for the values).
std::vector<double> cpu_y(const cpu::RnnWeights<float>& w, const Tensor& x, bool reverse, int64_t steps = kT) {
  std::vector<float> y(static_cast<size_t>(steps * kB * kH));
  cpu::SequenceArgs<float> a;
  a.x = x.data<float>();
  a.steps = steps;
  a.batch = kB;
  a.reverse = reverse;
  a.y = y.data();
  cpu::SequenceWorkspace<float> ws;
  cpu::run_sequence(w, a, ws);
  return {y.begin(), y.end()};
}

std::vector<double> as_doubles(const std::vector<float>& v) { return {v.begin(), v.end()}; }

struct Layer {
  cpu::RnnWeights<float> fwd = RandomLayer(cpu::RnnVariant::lstm, kI, kH, 0, 41).pack<float>();
  cpu::RnnWeights<float> bwd = RandomLayer(cpu::RnnVariant::lstm, kI, kH, 0, 42).pack<float>();
  std::shared_ptr<Tensor> x = host_tensor({kT, kB, kI}, 43);
  int site_f = 0, site_b = 0;  // call-site identities
};

// Runs the layer's two directions through `be` and returns (y_fwd, y_bwd).
std::pair<std::vector<float>, std::vector<float>> run_layer(DeviceSequenceBackend& be, Layer& l) {
  Call f = make_call(be, l.x, false);
  be.run_sequence(&l.site_f, l.fwd, f.args, {});
  Call b = make_call(be, l.x, true);
  be.run_sequence(&l.site_b, l.bwd, b.args, {});
  be.flush();
  return {host_values(be, f.y), host_values(be, b.y)};
}

TEST(DevicePairing, BothDirectionsShareOneGemmAndGiveTheSameBits) {
  Layer l;
  EmulatedDevice paired_dev, single_dev;
  DeviceSequenceBackend paired(paired_dev, true, 2, true), single(single_dev, true, 2, false);
  const auto got = run_layer(paired, l);
  const auto want = run_layer(single, l);
  EXPECT_EQ(paired.paired_projections(), 1);
  EXPECT_EQ(paired_dev.count("gemm_abt_pair"), 1);
  EXPECT_EQ(single.paired_projections(), 0);
  EXPECT_EQ(single_dev.count("gemm_abt_pair"), 0);
  EXPECT_EQ(got.first, want.first) << "forward half";
  EXPECT_EQ(got.second, want.second) << "backward half";
  EXPECT_LE(max_rel_error(as_doubles(got.first), cpu_y(l.fwd, *l.x, false)), kFloatBound);
  EXPECT_LE(max_rel_error(as_doubles(got.second), cpu_y(l.bwd, *l.x, true)), kFloatBound);
  paired.end_run();
  single.end_run();
  EXPECT_TRUE(paired_dev.misuses().empty());
}

TEST(DevicePairing, PendingCallRunsWhenItsOutputIsRead) {
  Layer l;
  EmulatedDevice dev;
  DeviceSequenceBackend be(dev, true, 2, true);
  Call f = make_call(be, l.x, false);
  be.run_sequence(&l.site_f, l.fwd, f.args, {});
  EXPECT_EQ(dev.count("gates"), 0) << "the first call of a possible pair waits";
  const std::vector<float> yf = host_values(be, f.y);  // a reader: the pending call runs now
  EXPECT_GT(dev.count("gates"), 0);
  EXPECT_LE(max_rel_error(as_doubles(yf), cpu_y(l.fwd, *l.x, false)), kFloatBound);
  Call b = make_call(be, l.x, true);
  be.run_sequence(&l.site_b, l.bwd, b.args, {});
  be.flush();
  EXPECT_EQ(be.paired_projections(), 0) << "its partner came too late";
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, b.y)), cpu_y(l.bwd, *l.x, true)), kFloatBound);
  be.end_run();
}

TEST(DevicePairing, PendingCallRunsWhenAnotherCallOrALayoutOpComes) {
  Layer l;
  EmulatedDevice dev;
  DeviceSequenceBackend be(dev, true, 2, true);
  Call f = make_call(be, l.x, false);
  be.run_sequence(&l.site_f, l.fwd, f.args, {});
  std::string why;
  const auto t = be.run_op(cpu::BackendOp{"transpose", {f.y}, {{"axes", {1, 0, 2}}}}, why);  // reads the pending output
  ASSERT_TRUE(t) << why;
  EXPECT_GT(dev.count("gates"), 0);
  auto x2 = host_tensor({kT, kB, kI}, 44);  // another x: not a partner, and it flushes nothing pending now
  Call g = make_call(be, x2, true);
  be.run_sequence(&l.site_b, l.bwd, g.args, {});
  Call h = make_call(be, x2, false);  // forward on x2 at a third site... after the pending reverse call
  int site_c = 0;
  be.run_sequence(&site_c, l.fwd, h.args, {});  // partner of g: same x, other direction
  be.flush();
  EXPECT_EQ(be.paired_projections(), 1);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, g.y)), cpu_y(l.bwd, *x2, true)), kFloatBound);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, h.y)), cpu_y(l.fwd, *x2, false)), kFloatBound);
  be.end_run();
}

TEST(DevicePairing, NeverPairsCallsThatAreNotPartners) {
  Layer l;
  EmulatedDevice dev;
  DeviceSequenceBackend be(dev, true, 2, true);
  // Same direction twice.
  Call a = make_call(be, l.x, false);
  be.run_sequence(&l.site_f, l.fwd, a.args, {});
  Call b = make_call(be, l.x, false);
  be.run_sequence(&l.site_b, l.bwd, b.args, {});
  // Other x (other T) in the other direction.
  auto x3 = host_tensor({kT - 1, kB, kI}, 45);
  int site_c = 0, site_d = 0;
  Call c = make_call(be, x3, true, kT - 1);
  be.run_sequence(&site_c, l.fwd, c.args, {});
  // A recorded call is never held back.
  Call d = make_call(be, x3, false, kT - 1);
  int64_t steps_seen = 0;
  be.run_sequence(&site_d, l.bwd, d.args, [&](const cpu::StepRecord<float>&) { ++steps_seen; });
  be.flush();
  EXPECT_EQ(steps_seen, kT - 1);
  EXPECT_EQ(be.paired_projections(), 0);
  EXPECT_EQ(dev.count("gemm_abt_pair"), 0);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, a.y)), cpu_y(l.fwd, *l.x, false)), kFloatBound);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, b.y)), cpu_y(l.bwd, *l.x, false)), kFloatBound);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, c.y)), cpu_y(l.fwd, *x3, true, kT - 1)), kFloatBound);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, d.y)), cpu_y(l.bwd, *x3, false, kT - 1)), kFloatBound);
  be.end_run();
}

TEST(DevicePairing, SecondPairOnTheSameSitesWaitsForTheFirstPairsReader) {
  Layer l;
  EmulatedDevice dev;
  DeviceSequenceBackend be(dev, true, 2, true);
  // Two pairs on the same call sites within one run, nothing read back in
  // between (so the host never synchronized with lane 1): the second pair's
  // GEMM on lane 0 overwrites the projections lane 1's loop of the first pair
  // read, which only the "consumed" event orders.
  auto x2 = host_tensor({kT, kB, kI}, 46);
  std::vector<Call> calls;
  for (const auto& x : {l.x, x2}) {
    calls.push_back(make_call(be, x, false));
    be.run_sequence(&l.site_f, l.fwd, calls.back().args, {});
    calls.push_back(make_call(be, x, true));
    be.run_sequence(&l.site_b, l.bwd, calls.back().args, {});
  }
  be.flush();
  EXPECT_EQ(be.paired_projections(), 2);
  EXPECT_EQ(dev.count("synchronize"), 2) << "only the two weight uploads synchronized";
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, calls[0].y)), cpu_y(l.fwd, *l.x, false)), kFloatBound);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, calls[1].y)), cpu_y(l.bwd, *l.x, true)), kFloatBound);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, calls[2].y)), cpu_y(l.fwd, *x2, false)), kFloatBound);
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, calls[3].y)), cpu_y(l.bwd, *x2, true)), kFloatBound);
  EXPECT_EQ(be.graph_captures(), 2) << "one loop per call site, replayed";
  EXPECT_EQ(be.graph_replays(), 4);
  be.end_run();
}

// A captured loop bakes in where its projection comes from (its own GEMM of
// its x, or its half of a pair): unpaired in one run, paired in the next, and
// unpaired again, each run on a new x, every loop must be recaptured.
TEST(DevicePairing, LoopRecapturedWhenItsProjectionSourceChanges) {
  Layer l;
  EmulatedDevice dev;
  DeviceSequenceBackend be(dev, true, 2, true);
  int64_t pairs = 0;
  for (int run = 0; run < 3; ++run) {
    SCOPED_TRACE("run " + std::to_string(run));
    const bool pair = run == 1;
    auto x = host_tensor({kT, kB, kI}, 60 + static_cast<uint64_t>(run));
    Call f = make_call(be, x, false);
    be.run_sequence(&l.site_f, l.fwd, f.args, {});
    std::vector<float> yf;
    if (!pair) yf = host_values(be, f.y);  // read before the partner comes: no pair
    Call b = make_call(be, x, true);
    be.run_sequence(&l.site_b, l.bwd, b.args, {});
    be.flush();
    if (pair) yf = host_values(be, f.y);
    pairs += pair ? 1 : 0;
    EXPECT_EQ(be.paired_projections(), pairs);
    EXPECT_LE(max_rel_error(as_doubles(yf), cpu_y(l.fwd, *x, false)), kFloatBound);
    EXPECT_LE(max_rel_error(as_doubles(host_values(be, b.y)), cpu_y(l.bwd, *x, true)), kFloatBound);
    be.end_run();
  }
  EXPECT_EQ(be.graph_captures(), 6) << "both loops recaptured in every run";
}

TEST(DeviceTensorStore, ReaderOnTheOtherLaneWaitsForTheWriter) {
  EmulatedDevice dev;
  DeviceTensorStore store(dev);
  auto x = host_tensor({2, 3}, 47);
  const int64_t waits = dev.count("wait");
  const float* on0 = store.read(x, 0);  // uploaded on lane 0
  EXPECT_EQ(store.device_of(x->bytes(), 6, 1), on0);  // lane 1 reads it: waits for lane 0's upload
  EXPECT_EQ(dev.count("wait"), waits + 1);
  EXPECT_EQ(store.read(x, 0), on0);  // same lane: no wait, no second upload
  EXPECT_EQ(dev.count("wait"), waits + 1);
  EXPECT_EQ(store.counts().uploads, 1);
  // A placeholder written on lane 1, then aliased and read back on lane 0.
  auto p = store.new_placeholder({3, 2}, 1);
  float* dst = store.write_target(p->bytes(), 6, 1);
  ASSERT_NE(dst, nullptr);
  CopyRows c;
  c.dst = dst;
  c.src = store.device_of(x->bytes(), 6, 1);
  c.row_bytes = c.dst_pitch = c.src_pitch = 6 * sizeof(float);
  dev.copy(1, c);
  store.ready(p->bytes(), 1);
  auto alias = store.new_alias(*p, {6}, 0);
  store.to_host(*alias);
  store.to_host(*alias);  // once
  EXPECT_EQ(store.counts().downloads, 1);
  for (int k = 0; k < 6; ++k) EXPECT_EQ(alias->data<float>()[k], x->data<float>()[k]);
  store.end_run();
}

TEST(DeviceTensorStore, VariablesStayUploadedAcrossRuns) {
  EmulatedDevice dev;
  DeviceTensorStore store(dev);
  auto v = host_tensor({4}, 48), in = host_tensor({4}, 49);
  store.set_persistent({v->bytes()});
  for (int run = 0; run < 2; ++run) {
    store.read(v, run);  // read from lane 0, then lane 1
    store.read(in, 0);
    store.end_run();
  }
  EXPECT_EQ(store.counts().persistent_uploads, 1);
  EXPECT_EQ(store.counts().uploads, 2);
  EXPECT_EQ(dev.live_bytes(), 4 * static_cast<int64_t>(sizeof(float))) << "only the variable is kept";
}

TEST(DevicePlans, WeightsUploadOnceAndLoopsRecaptureOnlyWhenTheShapeChanges) {
  Layer l;
  EmulatedDevice dev;
  DeviceSequenceBackend be(dev, true, 2, false);
  for (int run = 0; run < 2; ++run) {
    Call f = make_call(be, l.x, false);
    be.run_sequence(&l.site_f, l.fwd, f.args, {});
    be.end_run();
  }
  EXPECT_EQ(be.weight_uploads(), 1);
  EXPECT_EQ(be.graph_captures(), 1);
  EXPECT_EQ(be.graph_replays(), 2);
  auto shorter = host_tensor({kT - 1, kB, kI}, 50);
  Call f = make_call(be, shorter, false, kT - 1);
  be.run_sequence(&l.site_f, l.fwd, f.args, {});
  EXPECT_EQ(be.graph_captures(), 2) << "T changed: recaptured";
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, f.y)), cpu_y(l.fwd, *shorter, false, kT - 1)), kFloatBound);
  be.end_run();
  cpu::RnnWeights<float> changed = l.fwd;
  changed.b_x[0] += 1.0F;
  Call g = make_call(be, shorter, false, kT - 1);
  be.run_sequence(&l.site_f, changed, g.args, {});
  EXPECT_EQ(be.weight_uploads(), 2) << "new weights at the same call site";
  EXPECT_LE(max_rel_error(as_doubles(host_values(be, g.y)), cpu_y(changed, *shorter, false, kT - 1)), kFloatBound);
  be.end_run();
  EXPECT_TRUE(dev.misuses().empty());
}

}  // namespace
}  // namespace rnnconf::cuda::testing

// CUDA graph replay and the two-lane bidirectional run: a captured time loop
// replayed (twice) gives bit-identical results to the same loop enqueued
// eagerly, and the two directions on two streams give bit-identical results to
// the directions run one after the other on one stream, written into the
// packed [T, B, 2·H] layout. GTEST_SKIP without a GPU.
#include <gtest/gtest.h>

#include <cstring>

#include "gpu_test_support.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"
#include "rnnconf/reference_cuda/cuda_graph_loop.hpp"
#include "rnnconf/reference_cuda/sequence_runner.hpp"

namespace rnnconf::cuda {
namespace {

bool bit_equal(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

struct Fixture {
  static constexpr int64_t I = 37, H = 13, T = 9, B = 5;
  CudaContext ctx;
  DeviceRnnWeights<float> wf, wb;
  DeviceBuffer<float> x, y, h_f, c_f, h_b, c_b;
  DeviceWorkspace<float> wsf, wsb;
  Fixture() {
    wf = upload_weights(testing::RandomLayer(cpu::RnnVariant::lstm, I, H, 0, 11).pack<float>());
    wb = upload_weights(testing::RandomLayer(cpu::RnnVariant::lstm, I, H, 0, 12).pack<float>());
    x.upload(testing::cast<float>(testing::random_input(T * B * I, 13)));
    y.resize(T * B * 2 * H);
    for (auto* b : {&h_f, &c_f, &h_b, &c_b}) b->resize(B * H);
    wsf.reserve(wf, T, B);
    wsb.reserve(wb, T, B);
  }
  DeviceSequenceArgs<float> args(bool reverse) {
    DeviceSequenceArgs<float> a;
    a.x = x.data();
    a.steps = T;
    a.batch = B;
    a.reverse = reverse;
    a.y = y.data();
    a.y_row_stride = 2 * H;
    a.y_offset = reverse ? H : 0;
    a.h_last = reverse ? h_b.data() : h_f.data();
    a.c_last = reverse ? c_b.data() : c_f.data();
    return a;
  }
  void poison() {
    for (auto* b : {&y, &h_f, &c_f, &h_b, &c_b}) b->fill_nan(ctx.lane(0).stream);
    RNNCONF_CUDA_CHECK(cudaStreamSynchronize(ctx.lane(0).stream));
  }
  std::vector<std::vector<float>> outputs() { return {y.download(), h_f.download(), c_f.download(), h_b.download(), c_b.download()}; }
};

TEST(CudaGraphLoop, ReplayMatchesEagerBitForBit) {
  RNNCONF_REQUIRE_GPU();
  Fixture f;
  const Lane& l0 = f.ctx.lane(0);
  f.poison();
  run_sequence_device(l0, f.ctx.math(), f.wf, f.args(false), f.wsf);
  run_sequence_device(l0, f.ctx.math(), f.wb, f.args(true), f.wsb);
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(l0.stream));
  const auto eager = f.outputs();
  for (const auto& o : eager)
    for (float v : o) ASSERT_FALSE(std::isnan(v)) << "the eager run left an output unwritten";

  CapturedLoop loop;
  loop.capture(l0.stream, [&] {
    run_sequence_device(l0, f.ctx.math(), f.wf, f.args(false), f.wsf);
    run_sequence_device(l0, f.ctx.math(), f.wb, f.args(true), f.wsb);
  });
  ASSERT_TRUE(loop.ready());
  for (int replay = 0; replay < 2; ++replay) {
    f.poison();
    loop.launch(l0.stream);
    RNNCONF_CUDA_CHECK(cudaStreamSynchronize(l0.stream));
    const auto got = f.outputs();
    for (size_t k = 0; k < got.size(); ++k) EXPECT_TRUE(bit_equal(got[k], eager[k])) << "replay " << replay << " output " << k;
  }
}

TEST(CudaGraphLoop, LaunchWithoutCaptureThrows) {
  RNNCONF_REQUIRE_GPU();
  CudaContext ctx;
  CapturedLoop loop;
  EXPECT_FALSE(loop.ready());
  EXPECT_THROW(loop.launch(ctx.lane(0).stream), Error);
}

TEST(Bidirectional, TwoLanesMatchOneStreamBitForBit) {
  RNNCONF_REQUIRE_GPU();
  Fixture f;
  const Lane& l0 = f.ctx.lane(0);
  f.poison();
  run_sequence_device(l0, f.ctx.math(), f.wf, f.args(false), f.wsf);
  run_sequence_device(l0, f.ctx.math(), f.wb, f.args(true), f.wsb);
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(l0.stream));
  const auto serial = f.outputs();

  f.poison();
  run_bidirectional_device(f.ctx, f.wf, f.args(false), f.wsf, f.wb, f.args(true), f.wsb);
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(l0.stream));
  const auto both = f.outputs();
  for (size_t k = 0; k < both.size(); ++k) EXPECT_TRUE(bit_equal(both[k], serial[k])) << "output " << k;

  // The same fork/join captured into one graph (both lanes in it).
  CapturedLoop loop;
  loop.capture(l0.stream, [&] { run_bidirectional_device(f.ctx, f.wf, f.args(false), f.wsf, f.wb, f.args(true), f.wsb); });
  f.poison();
  loop.launch(l0.stream);
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(l0.stream));
  const auto graphed = f.outputs();
  for (size_t k = 0; k < graphed.size(); ++k) EXPECT_TRUE(bit_equal(graphed[k], serial[k])) << "graphed output " << k;
}

TEST(Bidirectional, RejectsTwoForwardDirections) {
  RNNCONF_REQUIRE_GPU();
  Fixture f;
  EXPECT_THROW(run_bidirectional_device(f.ctx, f.wf, f.args(false), f.wsf, f.wb, f.args(false), f.wsb), Error);
}

}  // namespace
}  // namespace rnnconf::cuda

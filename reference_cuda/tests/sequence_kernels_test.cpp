// The device sequence runner and its fused gate kernels (lstm, gru, rnn_tanh,
// rnn_relu; LSTM projection) against the CPU fused kernel (float) and the CPU
// kernel in double (the float64 truth), per element type: odd sizes
// (H = 1, 13, 37, 1000; I = 1, 7, 37), B = 1 and 3, T = 1 and 4, both
// directions, packed and strided (bidirectional-layout) y, with and without
// h0/c0. Every device output starts NaN and sits between NaN guard bands.
// All tests GTEST_SKIP without a GPU.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "gpu_test_support.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"
#include "rnnconf/reference_cuda/sequence_runner.hpp"

namespace rnnconf::cuda {
namespace {

using testing::GuardedDevice;
using testing::RandomLayer;

struct Problem {
  cpu::RnnVariant variant;
  int64_t I, H, P, T, B;
  bool reverse, strided, with_h0;
  std::string str() const {
    return std::string(cpu::variant_name(variant)) + " I=" + std::to_string(I) + " H=" + std::to_string(H) +
           " P=" + std::to_string(P) + " T=" + std::to_string(T) + " B=" + std::to_string(B) +
           (reverse ? " reverse" : " forward") + (strided ? " strided" : " packed") + (with_h0 ? " h0" : " no-h0");
  }
};

// CPU outputs of one problem in precision T.
template <class T>
struct CpuResult {
  std::vector<T> y, h_last, c_last;
};

template <class T>
CpuResult<T> run_cpu(const RandomLayer& L, const Problem& p, const std::vector<double>& x, const std::vector<double>& h0,
                     const std::vector<double>& c0) {
  const cpu::RnnWeights<T> w = L.pack<T>();
  const bool lstm = p.variant == cpu::RnnVariant::lstm;
  const auto xt = testing::cast<T>(x), h0t = testing::cast<T>(h0), c0t = testing::cast<T>(c0);
  CpuResult<T> r;
  r.y.assign(static_cast<size_t>(p.T * p.B * w.output_size()), T(0));
  r.h_last.assign(static_cast<size_t>(p.B * w.output_size()), T(0));
  r.c_last.assign(static_cast<size_t>(p.B * p.H), T(0));
  cpu::SequenceArgs<T> a;
  a.x = xt.data();
  a.steps = p.T;
  a.batch = p.B;
  a.h0 = p.with_h0 ? h0t.data() : nullptr;
  a.c0 = p.with_h0 && lstm ? c0t.data() : nullptr;
  a.reverse = p.reverse;
  a.y = r.y.data();
  a.h_last = r.h_last.data();
  a.c_last = lstm ? r.c_last.data() : nullptr;
  cpu::SequenceWorkspace<T> ws;
  cpu::run_sequence(w, a, ws);
  if (!lstm) r.c_last.clear();
  return r;
}

template <class T>
CpuResult<T> run_gpu(const RandomLayer& L, const Problem& p, const std::vector<double>& x,
                     const std::vector<double>& h0, const std::vector<double>& c0) {
  CudaContext ctx;
  const Lane& lane = ctx.lane(0);
  const bool lstm = p.variant == cpu::RnnVariant::lstm;
  const DeviceRnnWeights<T> w = upload_weights(L.pack<T>(), lane.stream);
  const int64_t hout = w.output_size();
  DeviceBuffer<T> dx, dh0, dc0;
  dx.upload(testing::cast<T>(x));
  dh0.upload(testing::cast<T>(h0));
  dc0.upload(testing::cast<T>(c0));
  const int64_t stride = p.strided ? 2 * hout + 3 : hout, offset = p.strided ? hout + 1 : 0;
  GuardedDevice<T> y(p.T * p.B, stride), h_last(p.B, hout), c_last(p.B, p.H);
  DeviceWorkspace<T> ws;
  ws.reserve(w, p.T, p.B);
  DeviceSequenceArgs<T> a;
  a.x = dx.data();
  a.steps = p.T;
  a.batch = p.B;
  a.h0 = p.with_h0 ? dh0.data() : nullptr;
  a.c0 = p.with_h0 && lstm ? dc0.data() : nullptr;
  a.reverse = p.reverse;
  a.y = y.region();
  a.y_row_stride = stride;
  a.y_offset = offset;
  a.h_last = h_last.region();
  a.c_last = lstm ? c_last.region() : nullptr;
  run_sequence_device(lane, ctx.math(), w, a, ws);
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(lane.stream));
  CpuResult<T> r;
  r.y = testing::checked_region(y, offset, hout, p.str() + " y");
  r.h_last = testing::checked_region(h_last, 0, hout, p.str() + " h_last");
  if (lstm) r.c_last = testing::checked_region(c_last, 0, p.H, p.str() + " c_last");
  else static_cast<void>(testing::checked_region(c_last, 0, 0, p.str() + " c_last (must stay untouched)"));
  return r;
}

template <class T>
void check_problem(const Problem& p, uint64_t seed) {
  SCOPED_TRACE(p.str());
  const RandomLayer L(p.variant, p.I, p.H, p.P, seed);
  const int64_t hout = p.P > 0 ? p.P : p.H;
  const auto x = testing::random_input(p.T * p.B * p.I, seed + 1);
  const auto h0 = testing::random_input(p.B * hout, seed + 2);
  const auto c0 = testing::random_input(p.B * p.H, seed + 3);
  const CpuResult<double> truth = run_cpu<double>(L, p, x, h0, c0);
  const CpuResult<T> gpu = run_gpu<T>(L, p, x, h0, c0);
  const double bound = std::is_same_v<T, float> ? testing::kFloatBound : testing::kDoubleBound;
  EXPECT_LE(testing::max_rel_error(gpu.y, truth.y), bound) << "y vs float64 truth";
  EXPECT_LE(testing::max_rel_error(gpu.h_last, truth.h_last), bound) << "h_last vs float64 truth";
  EXPECT_LE(testing::max_rel_error(gpu.c_last, truth.c_last), bound) << "c_last vs float64 truth";
  if constexpr (std::is_same_v<T, float>) {
    const CpuResult<float> cpu = run_cpu<float>(L, p, x, h0, c0);
    EXPECT_LE(testing::max_rel_error(gpu.y, cpu.y), 2 * bound) << "y vs CPU fused float";
    EXPECT_LE(testing::max_rel_error(gpu.h_last, cpu.h_last), 2 * bound) << "h_last vs CPU fused float";
  }
}

using Param = std::tuple<cpu::RnnVariant, int64_t>;  // variant, H

class SequenceKernels : public ::testing::TestWithParam<Param> {};

template <class E>
void sweep(cpu::RnnVariant v, int64_t H) {
  uint64_t seed = 1000 + static_cast<uint64_t>(H) * 10 + static_cast<uint64_t>(v);
  int k = 0;
  for (const int64_t I : {int64_t{1}, int64_t{7}, int64_t{37}})
    for (const int64_t B : {int64_t{1}, int64_t{3}})
      for (const int64_t T : {int64_t{1}, int64_t{4}})
        for (const bool reverse : {false, true}) {
          if (H == 1000 && I != 37) continue;  // the large size once per shape of B, T, direction
          ++k;
          check_problem<E>(Problem{v, I, H, 0, T, B, reverse, k % 2 == 0, k % 3 != 0}, seed++);
        }
}

TEST_P(SequenceKernels, FloatMatchesCpuAndTruth) {
  RNNCONF_REQUIRE_GPU();
  sweep<float>(std::get<0>(GetParam()), std::get<1>(GetParam()));
}

TEST_P(SequenceKernels, DoubleMatchesTruth) {
  RNNCONF_REQUIRE_GPU();
  sweep<double>(std::get<0>(GetParam()), std::get<1>(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(AllVariants, SequenceKernels,
                         ::testing::Combine(::testing::Values(cpu::RnnVariant::lstm, cpu::RnnVariant::gru,
                                                              cpu::RnnVariant::rnn_tanh, cpu::RnnVariant::rnn_relu),
                                            ::testing::Values(int64_t{1}, int64_t{13}, int64_t{37}, int64_t{1000})),
                         [](const ::testing::TestParamInfo<Param>& i) {
                           return std::string(cpu::variant_name(std::get<0>(i.param))) + "_H" +
                                  std::to_string(std::get<1>(i.param));
                         });

TEST(SequenceKernelsProjection, FloatAndDoubleMatchTruth) {
  RNNCONF_REQUIRE_GPU();
  uint64_t seed = 77;
  for (const auto& [H, P] : {std::pair<int64_t, int64_t>{13, 5}, {37, 1}, {1000, 13}, {7, 3}})
    for (const bool reverse : {false, true}) {
      const Problem p{cpu::RnnVariant::lstm, 7, H, P, 4, 3, reverse, reverse, true};
      check_problem<float>(p, seed);
      check_problem<double>(p, seed++);
    }
}

TEST(SequenceKernelsArguments, RejectsBadCallsBeforeEnqueueing) {
  RNNCONF_REQUIRE_GPU();
  CudaContext ctx;
  const RandomLayer L(cpu::RnnVariant::gru, 3, 4, 0, 5);
  const DeviceRnnWeights<float> w = upload_weights(L.pack<float>());
  DeviceWorkspace<float> ws;
  DeviceSequenceArgs<float> a;
  a.steps = 2;
  a.batch = 1;
  EXPECT_THROW(run_sequence_device(ctx.lane(0), ctx.math(), w, a, ws), Error);  // x null, workspace empty
  DeviceBuffer<float> x(2 * 3), c(4);
  a.x = x.data();
  ws.reserve(w, 2, 1);
  a.c0 = c.data();  // GRU has no cell state
  EXPECT_THROW(run_sequence_device(ctx.lane(0), ctx.math(), w, a, ws), Error);
}

}  // namespace
}  // namespace rnnconf::cuda

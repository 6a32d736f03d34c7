// Fused recurrent kernels (run_sequence, run_cell) against the naive
// long-double reference: every variant × direction × projection × bias ×
// output layout (packed, strided with untouched gap columns, bidirectional
// packed [T, B, 2·H_out]) over awkward sizes, in float and double. Outputs are
// poisoned with NaN and guarded by sentinels; NaN never passes.
#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "rnn_test_support.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cpu/step_kernels.hpp"

namespace rnnconf::cpu {
namespace {

using testing::compare;
using testing::GuardedBuffer;
using testing::kernel_tolerance;
using testing::max_abs;
using testing::random_params;
using testing::random_values;

enum class Layout { packed, strided_gap, bidi_packed };

struct Sizes {
  int64_t I, H, B, T;
};
// Tails and degenerate extents: H = 1, 13, 37, I != H, I = 1, B = 1, T = 1, and one larger problem.
const Sizes kSizes[] = {{1, 1, 1, 1},  {13, 13, 1, 7}, {5, 37, 3, 4}, {37, 13, 2, 5},
                        {1, 13, 4, 3}, {7, 37, 1, 1},  {100, 257, 5, 20}};

struct SweepCase {
  RnnVariant variant;
  bool proj;
  bool bias;
  bool reverse;  // ignored by bidi_packed (runs both)
  Layout layout;
  Sizes size;
  bool state;    // h0 (and c0) given
  std::string name() const {
    std::string n(variant_name(variant));
    n += proj ? "_proj" : "";
    n += bias ? "_bias" : "_nobias";
    n += layout == Layout::bidi_packed ? "_bidi" : (reverse ? "_rev" : "_fwd");
    n += layout == Layout::strided_gap ? "_gap" : "";
    n += state ? "_h0" : "_zero";
    n += "_I" + std::to_string(size.I) + "H" + std::to_string(size.H) + "B" + std::to_string(size.B) + "T" +
         std::to_string(size.T);
    return n;
  }
};

std::vector<SweepCase> sweep_cases() {
  std::vector<SweepCase> out;
  const RnnVariant variants[] = {RnnVariant::lstm, RnnVariant::gru, RnnVariant::rnn_tanh, RnnVariant::rnn_relu};
  int k = 0;
  for (RnnVariant v : variants)
    for (bool proj : {false, true})
      for (bool bias : {true, false})
        for (const Sizes& s : kSizes) {
          if (proj && (v != RnnVariant::lstm || s.H < 2)) continue;  // P < H needs H >= 2
          for (Layout layout : {Layout::packed, Layout::strided_gap, Layout::bidi_packed})
            for (bool reverse : {false, true}) {
              if (layout == Layout::bidi_packed && reverse) continue;
              out.push_back({v, proj, bias, reverse, layout, s, (k++ % 2) == 0});
            }
        }
  return out;
}

template <class T>
void run_sweep_case(const SweepCase& c, uint64_t seed) {
  const Sizes& s = c.size;
  const int64_t P = c.proj ? (2 * s.H) / 3 : 0;
  const int64_t H_out = P > 0 ? P : s.H;
  const bool lstm = c.variant == RnnVariant::lstm;
  const int directions = c.layout == Layout::bidi_packed ? 2 : 1;
  const int64_t stride = c.layout == Layout::bidi_packed ? 2 * H_out : (c.layout == Layout::strided_gap ? H_out + 3 : H_out);

  const std::vector<T> x = random_values<T>(s.T * s.B * s.I, seed + 100);
  GuardedBuffer<T> y(s.T * s.B * stride);
  SequenceWorkspace<T> ws;
  for (int d = 0; d < directions; ++d) {
    SCOPED_TRACE("direction " + std::to_string(d));
    const auto params = random_params<T>(c.variant, s.I, s.H, P, c.bias, seed + static_cast<uint64_t>(d));
    const RnnWeights<T> w = testing::pack(params);
    const std::vector<T> h0 = c.state ? random_values<T>(s.B * H_out, seed + 200 + static_cast<uint64_t>(d)) : std::vector<T>{};
    const std::vector<T> c0 = c.state && lstm ? random_values<T>(s.B * s.H, seed + 300 + static_cast<uint64_t>(d)) : std::vector<T>{};
    const bool reverse = directions == 2 ? d == 1 : c.reverse;
    const int64_t offset = directions == 2 ? d * H_out : (c.layout == Layout::strided_gap ? 2 : 0);
    GuardedBuffer<T> h_last(s.B * H_out), c_last(lstm ? s.B * s.H : 0);

    SequenceArgs<T> a;
    a.x = x.data();
    a.steps = s.T;
    a.batch = s.B;
    a.h0 = h0.empty() ? nullptr : h0.data();
    a.c0 = c0.empty() ? nullptr : c0.data();
    a.reverse = reverse;
    a.y = y.data();
    a.y_row_stride = stride;
    a.y_offset = offset;
    a.h_last = h_last.data();
    a.c_last = lstm ? c_last.data() : nullptr;
    run_sequence(w, a, ws);

    const auto ref = naive_sequence(params, x, s.T, s.B, h0, c0, reverse);
    const double tol = kernel_tolerance<T>(s.I, H_out, s.T, max_abs(ref.y));
    const auto ey = compare(s.T * s.B * H_out, [&](int64_t i) { return y[(i / H_out) * stride + offset + i % H_out]; }, ref.y);
    EXPECT_EQ(ey.non_finite, 0) << "y has NaN/Inf";
    EXPECT_LE(ey.max_error, tol) << "y, worst flat index " << ey.worst_index;
    const auto eh = compare(s.B * H_out, [&](int64_t i) { return h_last[i]; }, ref.h_last);
    EXPECT_EQ(eh.non_finite, 0);
    EXPECT_LE(eh.max_error, tol) << "h_last, worst index " << eh.worst_index;
    EXPECT_TRUE(h_last.guard_intact()) << "write past the end of h_last";
    if (lstm) {
      const auto ec = compare(s.B * s.H, [&](int64_t i) { return c_last[i]; }, ref.c_last);
      EXPECT_EQ(ec.non_finite, 0);
      EXPECT_LE(ec.max_error, kernel_tolerance<T>(s.I, H_out, s.T, max_abs(ref.c_last))) << "c_last";
      EXPECT_TRUE(c_last.guard_intact()) << "write past the end of c_last";
    }
  }
  EXPECT_TRUE(y.guard_intact()) << "write past the end of y";
  if (c.layout == Layout::strided_gap) {
    int64_t touched = 0;
    for (int64_t r = 0; r < s.T * s.B; ++r)
      for (int64_t col : {int64_t{0}, int64_t{1}, H_out + 2}) touched += std::isnan(y[r * stride + col]) ? 0 : 1;
    EXPECT_EQ(touched, 0) << "columns outside [y_offset, y_offset + H_out) were written";
  }
}

class RnnSweep : public ::testing::TestWithParam<SweepCase> {};

TEST_P(RnnSweep, FloatMatchesNaiveReference) { run_sweep_case<float>(GetParam(), 1000); }
TEST_P(RnnSweep, DoubleMatchesNaiveReference) { run_sweep_case<double>(GetParam(), 2000); }
// BLAS on one thread: where the float kernels take their single-threaded
// paths at every batch (AVX-512: the panel input projection, the fused LSTM
// step with the blocked input layout; see rnn_kernels.hpp).
TEST_P(RnnSweep, FloatOneBlasThreadMatchesNaiveReference) {
  const int saved_threads = openblas_get_num_threads();
  openblas_set_num_threads(1);
  run_sweep_case<float>(GetParam(), 3000);
  openblas_set_num_threads(saved_threads);
}

INSTANTIATE_TEST_SUITE_P(AllVariants, RnnSweep, ::testing::ValuesIn(sweep_cases()),
                         [](const ::testing::TestParamInfo<SweepCase>& case_info) { return case_info.param.name(); });

// Batch 11 with BLAS on one thread (the AVX-512 panel kernel takes every
// batch) and on two threads (batches above 8 go to BLAS GEMM): both recurrent
// paths of the float kernel against the reference.
TEST(RnnSequence, FloatRecurrentPathsAtBatchElevenMatchNaiveReference) {
  const int saved_threads = openblas_get_num_threads();
  for (int threads : {1, 2}) {
    openblas_set_num_threads(threads);
    for (RnnVariant v : {RnnVariant::lstm, RnnVariant::gru, RnnVariant::rnn_tanh}) {
      SCOPED_TRACE(std::string(variant_name(v)) + " BLAS threads " + std::to_string(threads));
      run_sweep_case<float>(SweepCase{v, false, true, false, Layout::packed, Sizes{13, 37, 11, 3}, true}, 4242);
    }
  }
  openblas_set_num_threads(saved_threads);
}

// ---- cells ----------------------------------------------------------------

struct CellCase {
  RnnVariant variant;
  bool bias;
  bool state;
  int64_t I, H, B;
};

template <class T>
void run_cell_case(const CellCase& c) {
  const bool lstm = c.variant == RnnVariant::lstm;
  const auto params = random_params<T>(c.variant, c.I, c.H, 0, c.bias, 77);
  const RnnWeights<T> w = testing::pack(params);
  const std::vector<T> x = random_values<T>(c.B * c.I, 78);
  const std::vector<T> h0 = c.state ? random_values<T>(c.B * c.H, 79) : std::vector<T>{};
  const std::vector<T> c0 = c.state && lstm ? random_values<T>(c.B * c.H, 80) : std::vector<T>{};
  GuardedBuffer<T> h_new(c.B * c.H), c_new(c.B * c.H);
  SequenceWorkspace<T> ws;
  CellArgs<T> a;
  a.x = x.data();
  a.batch = c.B;
  a.h_prev = h0.empty() ? nullptr : h0.data();
  a.c_prev = c0.empty() ? nullptr : c0.data();
  a.h_new = h_new.data();
  a.c_new = lstm ? c_new.data() : nullptr;
  run_cell(w, a, ws);
  const auto ref = naive_sequence(params, x, 1, c.B, h0, c0, false);
  const double tol = kernel_tolerance<T>(c.I, c.H, 1, max_abs(ref.h_last));
  const auto eh = compare(c.B * c.H, [&](int64_t i) { return h_new[i]; }, ref.h_last);
  EXPECT_EQ(eh.non_finite, 0);
  EXPECT_LE(eh.max_error, tol);
  EXPECT_TRUE(h_new.guard_intact());
  if (lstm) {
    const auto ec = compare(c.B * c.H, [&](int64_t i) { return c_new[i]; }, ref.c_last);
    EXPECT_EQ(ec.non_finite, 0);
    EXPECT_LE(ec.max_error, tol);
    EXPECT_TRUE(c_new.guard_intact());
  }
}

TEST(RnnCell, AllVariantsMatchNaiveReference) {
  for (RnnVariant v : {RnnVariant::lstm, RnnVariant::gru, RnnVariant::rnn_tanh, RnnVariant::rnn_relu})
    for (bool bias : {true, false})
      for (bool state : {true, false})
        for (const CellCase& c : {CellCase{v, bias, state, 1, 1, 1}, CellCase{v, bias, state, 13, 37, 3},
                                  CellCase{v, bias, state, 37, 13, 1}}) {
          SCOPED_TRACE(std::string(variant_name(v)) + (bias ? " bias" : " nobias") + (state ? " h0" : " zero") +
                       " I" + std::to_string(c.I) + "H" + std::to_string(c.H) + "B" + std::to_string(c.B));
          run_cell_case<float>(c);
          run_cell_case<double>(c);
        }
}

// ---- recorder, workspace reuse, argument errors ----------------------------

TEST(RnnRecorder, SeesEveryStepInProcessingOrderWithCellState) {
  const int64_t I = 5, H = 7, B = 2, T = 4;
  const auto params = random_params<double>(RnnVariant::lstm, I, H, 0, true, 5);
  const auto w = testing::pack(params);
  const auto x = random_values<double>(T * B * I, 6);
  std::vector<double> y(static_cast<size_t>(T * B * H));
  SequenceWorkspace<double> ws;
  SequenceArgs<double> a;
  a.x = x.data();
  a.steps = T;
  a.batch = B;
  a.reverse = true;
  a.y = y.data();
  std::vector<int64_t> times;
  double worst_c = 0;
  const auto ref = naive_sequence(params, x, T, B, {}, {}, true);
  run_sequence<double>(w, a, ws, [&](const StepRecord<double>& r) {
    times.push_back(r.time);
    EXPECT_EQ(r.step, static_cast<int64_t>(times.size()) - 1);
    EXPECT_EQ(r.gate_width, 4 * H);
    ASSERT_NE(r.c, nullptr);
    for (int64_t i = 0; i < B * H; ++i)
      worst_c = std::fmax(worst_c, std::fabs(r.c[i] - ref.c_per_step[static_cast<size_t>(r.step)][static_cast<size_t>(i)]));
    for (int64_t b = 0; b < B; ++b)
      for (int64_t j = 0; j < H; ++j)
        EXPECT_EQ(r.h[b * r.h_row_stride + j], y[static_cast<size_t>((r.time * B + b) * H + j)]);
  });
  EXPECT_EQ(times, (std::vector<int64_t>{3, 2, 1, 0}));
  EXPECT_LE(worst_c, testing::kernel_tolerance<double>(I, H, T, 1.0));
}

// SequenceArgs::gates_x (the input projection given, x not read) and
// c_history (the cell state after each step, at its time row): the options a
// device runner uses (both directions' projections in one batched GEMM, the
// cell history for records), run by the same driver on the CPU.
template <class E>
void check_given_projection_and_history(bool reverse) {
  const int64_t I = 5, H = 7, B = 3, T = 4;
  const auto params = random_params<E>(RnnVariant::lstm, I, H, 0, true, 8);
  const auto w = testing::pack(params);
  const auto x = random_values<E>(T * B * I, 9);
  const auto ref = naive_sequence(params, x, T, B, {}, {}, reverse);
  std::vector<E> gx(static_cast<size_t>(T * B * 4 * H));
  blas_gemm_abt<E>(T * B, 4 * H, I, x.data(), I, w.w_ih.data(), I, gx.data(), 4 * H);
  std::vector<E> y(static_cast<size_t>(T * B * H), std::numeric_limits<E>::quiet_NaN());
  std::vector<E> history(static_cast<size_t>(T * B * H), std::numeric_limits<E>::quiet_NaN());
  std::vector<std::vector<E>> recorded(static_cast<size_t>(T));
  SequenceWorkspace<E> ws;
  SequenceArgs<E> a;
  a.gates_x = gx.data();  // x stays null: it must not be read
  a.steps = T;
  a.batch = B;
  a.reverse = reverse;
  a.y = y.data();
  a.c_history = history.data();
  run_sequence<E>(w, a, ws, [&](const StepRecord<E>& r) {
    recorded[static_cast<size_t>(r.time)].assign(r.c, r.c + B * H);
    ASSERT_NE(r.gates_x, nullptr);  // a given projection is in rows
    EXPECT_EQ(r.gates_x, gx.data() + r.time * B * 4 * H);
  });
  const double tol = testing::kernel_tolerance<E>(I, H, T, 1.0);
  const auto ey = compare(T * B * H, [&](int64_t i) { return y[static_cast<size_t>(i)]; }, ref.y);
  EXPECT_EQ(ey.non_finite, 0);
  EXPECT_LE(ey.max_error, tol);
  for (int64_t t = 0; t < T; ++t) {
    const std::vector<E> row(history.begin() + t * B * H, history.begin() + (t + 1) * B * H);
    EXPECT_EQ(row, recorded[static_cast<size_t>(t)]) << "c_history row " << t << " is not the cell state after time " << t;
  }
}

TEST(RnnSequence, GivenInputProjectionAndCellHistory) {
  for (bool reverse : {false, true}) {
    SCOPED_TRACE(reverse ? "reverse" : "forward");
    check_given_projection_and_history<float>(reverse);
    check_given_projection_and_history<double>(reverse);
  }
}

TEST(RnnSequence, CellHistoryOnlyForAnLstm) {
  const auto gru = testing::pack(random_params<float>(RnnVariant::gru, 3, 4, 0, true, 1));
  const auto x = random_values<float>(2 * 1 * 3, 2);
  std::vector<float> history(8);
  SequenceWorkspace<float> ws;
  SequenceArgs<float> a;
  a.x = x.data();
  a.steps = 2;
  a.batch = 1;
  a.c_history = history.data();
  EXPECT_THROW(run_sequence(gru, a, ws), Error);
}

TEST(RnnWorkspace, ReuseAcrossSizesGivesBitwiseSameResults) {
  auto run = [](SequenceWorkspace<float>& ws, int64_t H, int64_t T, int64_t B) {
    const auto params = random_params<float>(RnnVariant::gru, 9, H, 0, true, static_cast<uint64_t>(H));
    const auto x = random_values<float>(T * B * 9, 3);
    std::vector<float> y(static_cast<size_t>(T * B * H)), h(static_cast<size_t>(B * H));
    SequenceArgs<float> a;
    a.x = x.data();
    a.steps = T;
    a.batch = B;
    a.y = y.data();
    a.h_last = h.data();
    run_sequence(testing::pack(params), a, ws);
    y.insert(y.end(), h.begin(), h.end());
    return y;
  };
  SequenceWorkspace<float> shared;
  const auto big = run(shared, 40, 6, 3);
  const auto small = run(shared, 11, 2, 1);
  SequenceWorkspace<float> fresh1, fresh2;
  EXPECT_EQ(big, run(fresh1, 40, 6, 3));
  EXPECT_EQ(small, run(fresh2, 11, 2, 1));
}

TEST(RnnSequence, ZeroStepsHandsTheInitialStateThrough) {
  const auto params = random_params<float>(RnnVariant::lstm, 3, 4, 0, true, 1);
  const auto h0 = random_values<float>(2 * 4, 2), c0 = random_values<float>(2 * 4, 3);
  std::vector<float> h(8, -1.0F), c(8, -1.0F);
  SequenceWorkspace<float> ws;
  SequenceArgs<float> a;
  a.steps = 0;
  a.batch = 2;
  a.h0 = h0.data();
  a.c0 = c0.data();
  a.h_last = h.data();
  a.c_last = c.data();
  run_sequence(testing::pack(params), a, ws);
  EXPECT_EQ(h, h0);
  EXPECT_EQ(c, c0);
}

TEST(RnnSequence, RejectsInconsistentArguments) {
  const auto gru = testing::pack(random_params<float>(RnnVariant::gru, 3, 4, 0, true, 1));
  const auto x = random_values<float>(2 * 1 * 3, 2);
  std::vector<float> y(64), c(4);
  SequenceWorkspace<float> ws;
  SequenceArgs<float> a;
  a.x = x.data();
  a.steps = 2;
  a.batch = 1;
  a.y = y.data();
  a.y_row_stride = 5;
  a.y_offset = 2;  // 2 + 4 > 5
  EXPECT_THROW(run_sequence(gru, a, ws), Error);
  a.y_offset = 0;
  a.c_last = c.data();  // a GRU has no cell state
  EXPECT_THROW(run_sequence(gru, a, ws), Error);
  a.c_last = nullptr;
  a.x = nullptr;
  EXPECT_THROW(run_sequence(gru, a, ws), Error);
  a.x = x.data();
  a.steps = -1;
  EXPECT_THROW(run_sequence(gru, a, ws), Error);
  RnnWeights<float> broken = gru;
  broken.w_hh.pop_back();
  a.steps = 2;
  EXPECT_THROW(run_sequence(broken, a, ws), Error);
  try {
    run_sequence(broken, a, ws);
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("run_sequence(gru I=3 H=4 P=0)"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rnnconf::cpu

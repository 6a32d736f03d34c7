// Packers of RnnWeights: the torch_to_nnef per-gate fragment arguments and
// PyTorch stacked Tensors must give exactly the weights packed from stacked
// spans (GRU keeps b_hn apart); malformed arguments are refused with an Error
// naming the argument.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rnn_test_support.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/core/tensor.hpp"
#include "rnnconf/reference_cpu/rnn_weights.hpp"

namespace rnnconf::cpu {
namespace {

// Rows [row0, row0 + rows) of a row-major [*, cols] matrix as a Tensor of the given shape.
Tensor rows_of(const std::vector<float>& m, int64_t row0, int64_t rows, int64_t cols, Shape shape) {
  return Tensor::from<float>(std::move(shape), std::vector<float>(m.begin() + row0 * cols, m.begin() + (row0 + rows) * cols));
}

void expect_same(const RnnWeights<float>& a, const RnnWeights<float>& b) {
  EXPECT_EQ(a.variant, b.variant);
  EXPECT_EQ(a.input_size, b.input_size);
  EXPECT_EQ(a.hidden_size, b.hidden_size);
  EXPECT_EQ(a.proj_size, b.proj_size);
  EXPECT_EQ(a.w_ih, b.w_ih);
  EXPECT_EQ(a.w_hh, b.w_hh);
  EXPECT_EQ(a.b_x, b.b_x);
  EXPECT_EQ(a.b_hn, b.b_hn);
  EXPECT_EQ(a.w_hr, b.w_hr);
}

// The fragment arguments torch_to_nnef would pass for these stacked parameters.
struct FragmentTensors {
  std::vector<Tensor> w_input, w_hidden, bias;
  Tensor w_proj;
  FragmentWeightArgs args() const {
    FragmentWeightArgs a;
    for (const auto& t : w_input) a.w_input.push_back(&t);
    for (const auto& t : w_hidden) a.w_hidden.push_back(&t);
    for (const auto& t : bias) a.bias.push_back(&t);
    a.w_proj = w_proj.empty() ? nullptr : &w_proj;
    return a;
  }
};

FragmentTensors fragment_tensors(const NaiveRnnParams<float>& p) {
  const int64_t H = p.hidden_size, I = p.input_size, G = gate_count(p.variant), H_out = p.output_size();
  FragmentTensors f;
  for (int64_t g = 0; g < G; ++g) {
    f.w_input.push_back(rows_of(p.w_ih, g * H, H, I, {1, H, I}));
    f.w_hidden.push_back(rows_of(p.w_hh, g * H, H, H_out, {1, H, H_out}));
  }
  auto summed = [&](int64_t g) {
    std::vector<float> v(static_cast<size_t>(H));
    for (int64_t j = 0; j < H; ++j) v[static_cast<size_t>(j)] = p.b_ih[static_cast<size_t>(g * H + j)] + p.b_hh[static_cast<size_t>(g * H + j)];
    return Tensor::from<float>({1, 1, H}, v);
  };
  const bool bias = !p.b_ih.empty();
  const int64_t n_bias = p.variant == RnnVariant::gru ? 4 : G;
  for (int64_t k = 0; k < n_bias; ++k) {
    if (!bias) f.bias.push_back(Tensor::from<float>({1, 1}, {0.0F}));  // the exporter's bias=False zeros
    else if (p.variant == RnnVariant::gru && k == 2) f.bias.push_back(rows_of(p.b_ih, 2, 1, H, {1, 1, H}));
    else if (p.variant == RnnVariant::gru && k == 3) f.bias.push_back(rows_of(p.b_hh, 2, 1, H, {1, 1, H}));
    else f.bias.push_back(summed(k));
  }
  if (p.proj_size > 0) f.w_proj = Tensor::from<float>({1, p.proj_size, H}, p.w_hr);
  return f;
}

TEST(RnnWeightsPack, FragmentArgumentsEqualStackedPacking) {
  struct Case { RnnVariant v; int64_t P; bool bias; };
  for (const Case& c : {Case{RnnVariant::lstm, 0, true}, Case{RnnVariant::lstm, 3, true}, Case{RnnVariant::lstm, 0, false},
                        Case{RnnVariant::gru, 0, true}, Case{RnnVariant::gru, 0, false}, Case{RnnVariant::rnn_tanh, 0, true},
                        Case{RnnVariant::rnn_relu, 0, false}}) {
    SCOPED_TRACE(std::string(variant_name(c.v)) + " P=" + std::to_string(c.P) + (c.bias ? " bias" : " nobias"));
    const auto p = testing::random_params<float>(c.v, 5, 7, c.P, c.bias, 42);
    const auto from_spans = testing::pack(p);
    const FragmentTensors f = fragment_tensors(p);
    expect_same(pack_fragment_weights<float>(c.v, f.args()), from_spans);
    if (c.v == RnnVariant::gru && c.bias) {
      ASSERT_EQ(from_spans.b_hn.size(), 7U);
      EXPECT_EQ(from_spans.b_hn[3], p.b_hh[2 * 7 + 3]);  // b_hn stays apart, unsummed
      EXPECT_EQ(from_spans.b_x[2 * 7 + 3], p.b_ih[2 * 7 + 3]);
    }
  }
}

TEST(RnnWeightsPack, StackedTensorsEqualStackedSpansAndConvertToDouble) {
  const auto p = testing::random_params<float>(RnnVariant::lstm, 4, 6, 2, true, 9);
  const Tensor w_ih = Tensor::from<float>({24, 4}, p.w_ih), w_hh = Tensor::from<float>({24, 2}, p.w_hh);
  const Tensor b_ih = Tensor::from<float>({24}, p.b_ih), b_hh = Tensor::from<float>({24}, p.b_hh);
  const Tensor w_hr = Tensor::from<float>({2, 6}, p.w_hr);
  expect_same(pack_stacked_weights<float>(RnnVariant::lstm, w_ih, w_hh, &b_ih, &b_hh, &w_hr), testing::pack(p));
  const auto d = pack_stacked_weights<double>(RnnVariant::lstm, w_ih, w_hh, &b_ih, &b_hh, &w_hr);
  ASSERT_EQ(d.w_hh.size(), p.w_hh.size());
  EXPECT_EQ(d.w_hh[5], static_cast<double>(p.w_hh[5]));
  EXPECT_EQ(d.b_x[7], static_cast<double>(p.b_ih[7]) + static_cast<double>(p.b_hh[7]));
}

TEST(RnnWeightsPack, CellFragmentBiasConventions) {
  // lstm_cell: one summed b [1, 4H] passed as b_ih alone.
  const auto p = testing::random_params<float>(RnnVariant::lstm, 3, 2, 0, true, 4);
  std::vector<float> summed(8);
  for (size_t k = 0; k < 8; ++k) summed[k] = p.b_ih[k] + p.b_hh[k];
  const Tensor w_ih = Tensor::from<float>({8, 3}, p.w_ih), w_hh = Tensor::from<float>({8, 2}, p.w_hh);
  const Tensor b = Tensor::from<float>({1, 8}, summed);
  const auto w = pack_stacked_weights<float>(RnnVariant::lstm, w_ih, w_hh, &b, nullptr, nullptr);
  EXPECT_EQ(w.b_x, summed);
  const auto no_bias = pack_stacked_weights<float>(RnnVariant::lstm, w_ih, w_hh, nullptr, nullptr, nullptr);
  EXPECT_EQ(no_bias.b_x, std::vector<float>(8, 0.0F));
}

TEST(RnnWeightsPack, RefusesMalformedArgumentsNamingThem) {
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const Tensor w_ih = Tensor::from<float>({12, 3}, std::vector<float>(36, 0.1F));
  const Tensor w_hh_bad = Tensor::from<float>({12, 5}, std::vector<float>(60, 0.1F));
  EXPECT_NE(message([&] { pack_stacked_weights<float>(RnnVariant::gru, w_ih, w_hh_bad, nullptr, nullptr, nullptr); }).find("w_hh"),
            std::string::npos);
  const Tensor not_multiple = Tensor::from<float>({10, 3}, std::vector<float>(30, 0.1F));
  EXPECT_NE(message([&] { pack_stacked_weights<float>(RnnVariant::lstm, not_multiple, w_hh_bad, nullptr, nullptr, nullptr); })
                .find("not a multiple of 4"),
            std::string::npos);
  const Tensor ints = Tensor(DType::i64, {12, 3});
  const Tensor w_hh = Tensor::from<float>({12, 4}, std::vector<float>(48, 0.1F));
  EXPECT_NE(message([&] { pack_stacked_weights<float>(RnnVariant::gru, ints, w_hh, nullptr, nullptr, nullptr); }).find("dtype i64"),
            std::string::npos);
  const std::vector<float> short_b(5, 0.0F);
  const std::vector<float> wi(12, 0.0F), wh(48, 0.0F);
  EXPECT_NE(message([&] { pack_stacked_weights<float>(RnnVariant::gru, 1, 4, 0, StackedWeightsView<float>{wi, wh, short_b, short_b, {}}); })
                .find("b_ih has 5 elements, expected 12"),
            std::string::npos);
  EXPECT_NE(message([&] { pack_stacked_weights<float>(RnnVariant::gru, 3, 4, 2, StackedWeightsView<float>{}); }).find("LSTM only"),
            std::string::npos);
  const Tensor gate = Tensor::from<float>({1, 4, 3}, std::vector<float>(12, 0.1F));
  const Tensor gate_h = Tensor::from<float>({1, 4, 4}, std::vector<float>(16, 0.1F));
  const Tensor bad_bias = Tensor::from<float>({1, 1, 3}, std::vector<float>(3, 0.1F));
  FragmentWeightArgs args{{&gate, &gate, &gate}, {&gate_h, &gate_h, &gate_h}, {&bad_bias, &bad_bias, &bad_bias, &bad_bias}, nullptr};
  EXPECT_NE(message([&] { pack_fragment_weights<float>(RnnVariant::gru, args); }).find("bias[0]"), std::string::npos);
  args.bias.pop_back();
  EXPECT_NE(message([&] { pack_fragment_weights<float>(RnnVariant::gru, args); }).find("expected 3 input weights"), std::string::npos);
}

}  // namespace
}  // namespace rnnconf::cpu

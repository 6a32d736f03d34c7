// Fused kernels in double against PyTorch's own float64 outputs
// (data/torch_rnn_cases.json, written by gen_torch_rnn_cases.py): one case per
// variant, LSTM with projection, GRU with bias, bidirectional layers (both
// directions written into the packed [T, B, 2·H_out] output), and the cells.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rnn_test_support.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"

namespace rnnconf::cpu {
namespace {

using Json = nlohmann::json;

Json load_cases() {
  const std::string path = std::string(RNNCONF_SOURCE_DIR) + "/reference_cpu/tests/data/torch_rnn_cases.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return Json::parse(in);
}

std::vector<double> values(const Json& j, const char* key) {
  return j.contains(key) ? j.at(key).get<std::vector<double>>() : std::vector<double>{};
}

RnnVariant variant_of(const std::string& name) {
  for (RnnVariant v : {RnnVariant::lstm, RnnVariant::gru, RnnVariant::rnn_tanh, RnnVariant::rnn_relu})
    if (variant_name(v) == name) return v;
  throw std::runtime_error("unknown variant " + name);
}

// Tolerance: torch's float64 and ours differ only in summation order and libm
// ulps, so kernel_tolerance<double> (the float64 rounding bound) applies; at
// these sizes it is below 1e-12.
void expect_close(const std::vector<double>& got, const std::vector<double>& want, double tol, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  const auto c = testing::compare(static_cast<int64_t>(got.size()), [&](int64_t i) { return got[static_cast<size_t>(i)]; }, want);
  EXPECT_EQ(c.non_finite, 0) << what;
  EXPECT_LE(c.max_error, tol) << what << " worst index " << c.worst_index;
  EXPECT_LE(tol, 1e-12) << "tolerance derived above 1e-12";
}

TEST(TorchFixture, KernelsInDoubleMatchTorchFloat64) {
  const Json doc = load_cases();
  ASSERT_GE(doc.at("cases").size(), 10U);
  for (const Json& c : doc.at("cases")) {
    const std::string name = c.at("name");
    SCOPED_TRACE(name);
    const RnnVariant v = variant_of(c.at("variant"));
    const int64_t I = c.at("I"), H = c.at("H"), P = c.at("P"), B = c.at("B"), T = c.at("T");
    const int64_t H_out = P > 0 ? P : H;
    const bool lstm = v == RnnVariant::lstm;
    const int64_t D = c.at("bidirectional").get<bool>() ? 2 : 1;
    const std::vector<double> x = values(c, "x"), h0 = values(c, "h0"), c0 = values(c, "c0");
    std::vector<double> y(static_cast<size_t>(T * B * D * H_out), std::numeric_limits<double>::quiet_NaN());
    std::vector<double> h_n(static_cast<size_t>(D * B * H_out)), c_n(static_cast<size_t>(D * B * H));
    SequenceWorkspace<double> ws;
    for (int64_t d = 0; d < D; ++d) {
      const Json& p = c.at("directions").at(static_cast<size_t>(d));
      const std::vector<double> w_ih = values(p, "w_ih"), w_hh = values(p, "w_hh"), b_ih = values(p, "b_ih"),
                                b_hh = values(p, "b_hh"), w_hr = values(p, "w_hr");
      const auto w = pack_stacked_weights<double>(v, I, H, P, StackedWeightsView<double>{w_ih, w_hh, b_ih, b_hh, w_hr});
      const double* h0_d = h0.empty() ? nullptr : h0.data() + d * B * H_out;
      const double* c0_d = c0.empty() ? nullptr : c0.data() + d * B * H;
      if (c.at("kind") == "cell") {
        CellArgs<double> a;
        a.x = x.data();
        a.batch = B;
        a.h_prev = h0_d;
        a.c_prev = c0_d;
        a.h_new = h_n.data();
        a.c_new = lstm ? c_n.data() : nullptr;
        run_cell(w, a, ws);
        continue;
      }
      SequenceArgs<double> a;
      a.x = x.data();
      a.steps = T;
      a.batch = B;
      a.h0 = h0_d;
      a.c0 = c0_d;
      a.reverse = d == 1;
      a.y = y.data();
      a.y_row_stride = D * H_out;
      a.y_offset = d * H_out;
      a.h_last = h_n.data() + d * B * H_out;
      a.c_last = lstm ? c_n.data() + d * B * H : nullptr;
      run_sequence(w, a, ws);
    }
    const double tol = testing::kernel_tolerance<double>(I, H_out, T, 1.0);
    if (c.at("kind") == "sequence") expect_close(y, values(c, "y"), tol, "y");
    expect_close(h_n, values(c, "h_n"), tol, "h_n");
    if (lstm) expect_close(c_n, values(c, "c_n"), testing::kernel_tolerance<double>(I, H_out, T, testing::max_abs(values(c, "c_n"))), "c_n");
  }
}

}  // namespace
}  // namespace rnnconf::cpu

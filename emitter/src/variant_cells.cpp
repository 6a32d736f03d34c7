// Cells (lstm_cell, gru_cell, rnn_tanh_cell, rnn_relu_cell): stacked weights
// exactly as PyTorch holds them (m.weight_ih, m.weight_hh), biases as
// [1, G*H] rows (summed for LSTM and Elman cells, b_ih and b_hh apart for
// GRU; zeros without bias), and the gate-end attributes.
#include "variant_common.hpp"
#include "tensor_pieces.hpp"

namespace rnnconf::emitter::detail {

namespace {

Tensor bias_row(const RnnSpec& spec, std::initializer_list<std::optional<Tensor>> terms, int64_t width) {
  std::optional<Tensor> acc;
  for (const auto& t : terms) {
    if (!t) continue;
    acc = acc ? sum(*acc, *t) : *t;
  }
  if (!acc) return Tensor(spec.dtype, Shape{1, width});
  return with_leading_ones(*acc, 1);
}

}  // namespace

VariantCall cell_call(const RnnSpec& spec, const DirectionParams& p, const std::string& out) {
  const std::string m(kModuleLabel);
  const int64_t H = spec.H;
  const int64_t GH = spec.gates() * H;
  VariantCall call;
  call.variables.push_back({"W_ih", m + ".weight_ih", p.w_ih});
  call.variables.push_back({"W_hh", m + ".weight_hh", p.w_hh});
  if (spec.kind == RnnSpec::Kind::gru) {
    call.variables.push_back({"b_ih", out + "_bias_ih_bias_ih", bias_row(spec, {p.b_ih}, GH)});
    call.variables.push_back({"b_hh", out + "_bias_hh_bias_hh", bias_row(spec, {p.b_hh}, GH)});
    call.weight_order = {"W_ih", "W_hh", "b_ih", "b_hh"};
    call.attributes = {{"r_end", H}, {"z_end", 2 * H}, {"n_end", 3 * H}};
  } else {
    call.variables.push_back({"b", out + "_bias_bias", bias_row(spec, {p.b_ih, p.b_hh}, GH)});
    call.weight_order = {"W_ih", "W_hh", "b"};
    if (spec.kind == RnnSpec::Kind::lstm)
      call.attributes = {{"i_end", H}, {"f_end", 2 * H}, {"g_end", 3 * H}, {"o_end", 4 * H}};
  }
  return call;
}

}  // namespace rnnconf::emitter::detail

// Elman RNN (tanh or relu): whole W_ih [1, H, F] and W_hh [1, H, H], one
// summed bias b_ih_hh = b_ih + b_hh (the nonlinearity sees the whole
// preactivation). Reverse direction labels use the infix "b" (m.l0_bw_ih).
#include "variant_common.hpp"
#include "tensor_pieces.hpp"

namespace rnnconf::emitter::detail {

VariantCall rnn_sequence_call(const RnnSpec& spec, const DirectionParams& p) {
  VariantCall call;
  auto add = [&](const std::string& param, Tensor value) {
    call.variables.push_back({param, sequence_label(p, "b", param), std::move(value)});
  };
  add("W_ih", with_leading_ones(p.w_ih, 1));
  add("W_hh", with_leading_ones(p.w_hh, 1));
  add("b_ih_hh", sequence_bias(spec, {p.b_ih, p.b_hh}));
  call.weight_order = {"W_ih", "W_hh", "b_ih_hh"};
  return call;
}

}  // namespace rnnconf::emitter::detail

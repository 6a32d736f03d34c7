// LSTM / LSTM with projection: per-gate weights (i, f, g, o), biases
// b_ih + b_hh summed per gate, W_hr [1, P, H] when proj_size > 0. Reverse
// direction labels use the infix "back_" (m.l0_back_w_ii).
#include "variant_common.hpp"
#include "tensor_pieces.hpp"

namespace rnnconf::emitter::detail {

VariantCall lstm_sequence_call(const RnnSpec& spec, const DirectionParams& p) {
  const int64_t H = spec.H;
  const char* gates[] = {"i", "f", "g", "o"};
  VariantCall call;
  auto add = [&](const std::string& param, Tensor value) {
    call.variables.push_back({param, sequence_label(p, "back_", param), std::move(value)});
  };
  for (int g = 0; g < 4; ++g) add(std::string("W_i") + gates[g], gate_weight(p.w_ih, g, H));
  for (int g = 0; g < 4; ++g) add(std::string("W_h") + gates[g], gate_weight(p.w_hh, g, H));
  for (int g = 0; g < 4; ++g)
    add(std::string("b_") + gates[g], sequence_bias(spec, {gate_bias(p.b_ih, g, H), gate_bias(p.b_hh, g, H)}));
  if (spec.proj > 0) {
    if (!p.w_hr) throw Error("lstm_sequence_call: proj_size > 0 without weight_hr");
    add("W_hr", with_leading_ones(*p.w_hr, 1));
  }
  for (int g = 0; g < 4; ++g) {
    call.weight_order.push_back(std::string("W_i") + gates[g]);
    call.weight_order.push_back(std::string("W_h") + gates[g]);
  }
  for (int g = 0; g < 4; ++g) call.weight_order.push_back(std::string("b_") + gates[g]);
  if (spec.proj > 0) call.weight_order.push_back("W_hr");
  return call;
}

}  // namespace rnnconf::emitter::detail

// GRU: per-gate weights (r, z, n); b_r = b_ir + b_hr and b_z = b_iz + b_hz
// summed, b_in and b_hn kept apart (b_hn is inside the reset product).
// Reverse direction labels use the infix "b" (m.l0_bw_ir, m.l0_bb_r).
#include "variant_common.hpp"

namespace rnnconf::emitter::detail {

VariantCall gru_sequence_call(const RnnSpec& spec, const DirectionParams& p) {
  const int64_t H = spec.H;
  const char* gates[] = {"r", "z", "n"};
  VariantCall call;
  auto add = [&](const std::string& param, Tensor value) {
    call.variables.push_back({param, sequence_label(p, "b", param), std::move(value)});
  };
  for (int g = 0; g < 3; ++g) add(std::string("W_i") + gates[g], gate_weight(p.w_ih, g, H));
  for (int g = 0; g < 3; ++g) add(std::string("W_h") + gates[g], gate_weight(p.w_hh, g, H));
  add("b_r", sequence_bias(spec, {gate_bias(p.b_ih, 0, H), gate_bias(p.b_hh, 0, H)}));
  add("b_z", sequence_bias(spec, {gate_bias(p.b_ih, 1, H), gate_bias(p.b_hh, 1, H)}));
  add("b_in", sequence_bias(spec, {gate_bias(p.b_ih, 2, H)}));
  add("b_hn", sequence_bias(spec, {gate_bias(p.b_hh, 2, H)}));
  for (int g = 0; g < 3; ++g) {
    call.weight_order.push_back(std::string("W_i") + gates[g]);
    call.weight_order.push_back(std::string("W_h") + gates[g]);
  }
  call.weight_order.insert(call.weight_order.end(), {"b_r", "b_z", "b_in", "b_hn"});
  return call;
}

}  // namespace rnnconf::emitter::detail

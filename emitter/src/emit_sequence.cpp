// Orchestration of a sequence layer (nn.LSTM / nn.GRU / nn.RNN), written once
// for every variant: the variant only supplies its fragment name, its state
// names and its per-(layer, direction) variables (variant_*.cpp).
//
// Statement layout and names follow torch_to_nnef 0.24.12 (so `rnnconf diff`
// lines up), with its defects corrected:
//   * the initial state of (layer k, direction d) is h0[k * D + d] (t2n: h0[k]),
//   * rnn_bidi_pack gets shape = 2 * H_out (t2n: 2 * hidden_size with proj).
#include "emission.hpp"
#include "rnnconf/emitter/fragments.hpp"
#include "variant_params.hpp"

namespace rnnconf::emitter::detail {

namespace {

// The initial value of one state of one (layer, direction) call.
std::string state_input(const RnnSpec& spec, int layer, int direction, const std::string& linfo,
                        const std::string& state, Emission& out) {
  const bool is_c = state == "c_0";
  if (spec.state) {
    // h0/c0 are [L * D, B, H]: PyTorch's slot of (layer, direction) is layer * D + direction.
    const std::string name = linfo + "_" + state;
    out.body.assign(name, slice_first_axis(is_c ? "c0" : "h0", int64_t{layer} * spec.directions() + direction));
    return name;
  }
  // No state given: PyTorch starts from zeros; a [1, 1, width] zero variable tiled over the batch.
  const int64_t width = is_c ? spec.H : spec.H_out();
  const std::string id = out.declare(std::string(kModuleLabel) + "." + linfo + "_" + state + "_init",
                                     Tensor(spec.dtype, Shape{1, 1, width}));
  const std::string name = "y_" + linfo + "_" + state;
  out.body.assign(name, "tile(" + id + ", repeats = " + int_list({1, spec.B, 1}) + ")");
  return name;
}

}  // namespace

void emit_sequence_body(const RnnSpec& spec, const ParamView& view, Emission& out) {
  const int L = spec.layers;
  const int D = spec.directions();
  const bool lstm = spec.kind == RnnSpec::Kind::lstm;
  const bool suffixed = L > 1 || D == 2;  // per-call outputs carry "_l{k}[_backward]"
  const std::string fragment = fragment_for(spec);

  std::string layer_input = "x";
  if (spec.batch_first) {
    out.body.assign("x_transposed", "transpose(x, axes = [1, 0, 2])");
    layer_input = "x_transposed";
  }

  std::vector<std::string> final_h, final_c;  // hn / cn of every call, in PyTorch's [L * D] order
  for (int k = 0; k < L; ++k) {
    const bool last_layer = k == L - 1;
    std::vector<std::string> y_per_direction;
    for (int d = 0; d < D; ++d) {
      const std::string linfo = "l" + std::to_string(k) + (d == 1 ? "_backward" : "");
      std::vector<std::string> args{layer_input};
      for (const std::string& state : sequence_state_names(spec))
        args.push_back(state_input(spec, k, d, linfo, state, out));

      const VariantCall call = sequence_call(spec, view.at(static_cast<size_t>(k * D + d)));
      std::map<std::string, std::string> id_of;
      for (const FragmentVariable& v : call.variables) id_of[v.param] = out.declare(v.label, v.value);
      for (const std::string& p : call.weight_order) args.push_back(id_of.at(p));

      const std::string sfx = suffixed ? "_" + linfo : "";
      std::string y = "y" + sfx;
      if (last_layer && D == 1) y = spec.batch_first ? y + "_batch_first" : "y";  // this call's y is the output
      std::vector<std::string> outs{y, "hn" + sfx};
      if (lstm) outs.push_back("cn" + sfx);
      out.body.assign(join(outs), fragment + "(" + join(args) + ", scan_pace = " + (d == 1 ? "-1" : "1") + ")");

      y_per_direction.push_back(y);
      final_h.push_back(outs[1]);
      if (lstm) final_c.push_back(outs[2]);
    }
    if (D == 2) {
      std::string packed = "y_l" + std::to_string(k) + "_packed_bidi";
      if (last_layer) packed = spec.batch_first ? packed + "_batch_first" : "y";
      out.body.assign(packed, "rnn_bidi_pack(" + y_per_direction[0] + ", " + y_per_direction[1] +
                                  ", shape = " + std::to_string(2 * spec.H_out()) + ")");
      layer_input = packed;
    } else {
      layer_input = y_per_direction[0];
    }
  }
  if (spec.batch_first) out.body.assign("y", "transpose(" + layer_input + ", axes = [1, 0, 2])");
  if (final_h.size() > 1) {
    out.body.assign("hn", "concat(" + name_list(final_h) + ", axis = 0)");
    if (lstm) out.body.assign("cn", "concat(" + name_list(final_c) + ", axis = 0)");
  }
}

}  // namespace rnnconf::emitter::detail

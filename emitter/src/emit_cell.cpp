// Orchestration of a single-step cell (nn.LSTMCell / GRUCell / RNNCell and
// aten::*_cell): always one *_cell fragment call. Without a given state the
// state is a [1, H] zero variable tiled over the batch (torch_to_nnef
// instead fails for LSTMCell and expands GRU/RNN cells to primitives).
#include "emission.hpp"
#include "rnnconf/emitter/fragments.hpp"
#include "variant_params.hpp"

namespace rnnconf::emitter::detail {

void emit_cell_body(const RnnSpec& spec, const ParamView& view, Emission& out) {
  const std::string h_out = "h1";
  std::vector<std::string> args{"x"};
  for (const std::string& state : cell_state_names(spec)) {
    const std::string input = state == "c_0" ? "c0" : "h0";
    if (spec.state) {
      args.push_back(input);
      continue;
    }
    const std::string id =
        out.declare(std::string(kModuleLabel) + "." + state + "_init", Tensor(spec.dtype, Shape{1, spec.H}));
    const std::string name = h_out + "_" + state;
    out.body.assign(name, "tile(" + id + ", repeats = " + int_list({spec.B, 1}) + ")");
    args.push_back(name);
  }
  const VariantCall call = cell_call(spec, view.at(0), h_out);
  std::map<std::string, std::string> id_of;
  for (const FragmentVariable& v : call.variables) id_of[v.param] = out.declare(v.label, v.value);
  for (const std::string& p : call.weight_order) args.push_back(id_of.at(p));
  for (const auto& [name, value] : call.attributes) args.push_back(name + " = " + std::to_string(value));

  std::vector<std::string> outs{h_out};
  if (spec.kind == RnnSpec::Kind::lstm) outs.push_back("c1");
  out.body.assign(join(outs), fragment_for(spec) + "(" + join(args) + ")");
}

}  // namespace rnnconf::emitter::detail

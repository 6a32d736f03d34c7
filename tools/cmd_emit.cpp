// `rnnconf emit SPEC.json --params DIR -o MODEL [--entry module|aten]`: our
// own NNEF export of a PyTorch recurrent layer (see emitter/README.md).
#include <iostream>

#include "emit_commands.hpp"
#include "rnnconf/emitter/emit_inputs.hpp"
#include "rnnconf/emitter/emitter.hpp"

namespace rnnconf::tools {

int cmd_emit(const EmitArgs& a) {
  if (a.entry != "module" && a.entry != "aten")
    throw Error("--entry: '" + a.entry + "' is not 'module' or 'aten'");
  const RnnSpec spec = emitter::read_spec_json(a.spec);
  const auto params = emitter::read_params_dir(spec, a.params);
  const emitter::EmittedModel model = a.entry == "aten"
                                          ? emitter::emit_aten(spec, emitter::aten_flat_list(spec, params))
                                          : emitter::emit_module(spec, params);
  emitter::write_emitted(model, a.output);
  std::cout << "emitted " << to_string(spec) << " (" << a.entry << " entry, " << model.variables.size()
            << " variables) -> " << a.output.string() << "\n"
            << "repro: rnnconf emit " << a.spec.string() << " --params " << a.params.string() << " -o "
            << a.output.string() << " --entry " << a.entry << "\n";
  return 0;
}

}  // namespace rnnconf::tools

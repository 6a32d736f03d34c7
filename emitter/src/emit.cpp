// The entry points (module names, aten flat list) and the assembly of the
// document: version, extension, the fragment files used, the graph.
#include "rnnconf/emitter/emitter.hpp"

#include "emission.hpp"
#include "rnnconf/emitter/fragments.hpp"
#include "rnnconf/nnef/container.hpp"

namespace rnnconf::emitter {

namespace detail {

std::string Emission::declare(const std::string& label, Tensor value) {
  const std::string id = identifier_for_label(label);
  const Shape shape = value.shape();
  if (!variables.emplace(label, std::move(value)).second)
    throw Error("emitter: variable label '" + label + "' declared twice");
  body.assign(id, variable_call(label, shape));
  return id;
}

}  // namespace detail

EmittedModel emit_from_view(const RnnSpec& spec, const ParamView& view) {
  validate(spec);
  const std::vector<IoTensor> inputs = graph_inputs(spec);
  const std::vector<IoTensor> outputs = graph_outputs(spec);

  detail::Emission e;
  for (const IoTensor& in : inputs) e.body.assign(in.name, detail::external_call(in.shape, spec.dtype));
  if (spec.cell)
    detail::emit_cell_body(spec, view, e);
  else
    detail::emit_sequence_body(spec, view, e);

  std::string text = "version 1.0;\n\nextension tract_registry tract_core;\n\n";
  for (const std::string& stem : fragment_files_for(spec)) text += std::string(fragment_file_text(stem)) + "\n";
  std::vector<std::string> in_names, out_names;
  for (const IoTensor& t : inputs) in_names.push_back(t.name);
  for (const IoTensor& t : outputs) out_names.push_back(t.name);
  text += "graph network(" + detail::join(in_names) + ") -> (" + detail::join(out_names) + ")\n{\n";
  text += e.body.text();
  text += "}\n";
  return EmittedModel{std::move(text), std::move(e.variables)};
}

EmittedModel emit_module(const RnnSpec& spec, const std::map<std::string, Tensor>& params_by_name) {
  return emit_from_view(spec, view_from_module(spec, params_by_name));
}

EmittedModel emit_aten(const RnnSpec& spec, std::span<const Tensor> flat_params) {
  return emit_from_view(spec, view_from_aten(spec, flat_params));
}

void write_emitted(const EmittedModel& model, const std::filesystem::path& out) {
  nnef::write_model(out, model.graph_text, model.variables);
}

}  // namespace rnnconf::emitter

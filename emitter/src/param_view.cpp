// The two adapters onto ParamView: module parameter names and the aten flat
// list. They share the per-tensor check and the slotting by (layer,
// direction, role); only how a tensor is found differs.
#include "rnnconf/emitter/param_view.hpp"

#include <set>

#include "rnnconf/core/weight_names.hpp"

namespace rnnconf::emitter {

namespace {

using Role = ParamInfo::Role;

void check_tensor(const RnnSpec& spec, const ParamInfo& info, const Tensor& t, const std::string& where) {
  if (t.dtype() != spec.dtype)
    throw Error(where + ": parameter '" + info.name + "' has dtype " + std::string(dtype_name(t.dtype())) +
                ", the spec asks for " + std::string(dtype_name(spec.dtype)));
  if (t.shape() != info.shape)
    throw Error(where + ": parameter '" + info.name + "' has shape " + shape_str(t.shape()) + ", expected " +
                shape_str(info.shape) + " for " + to_string(spec));
}

ParamView empty_view(const RnnSpec& spec) {
  ParamView view;
  const int layers = spec.cell ? 1 : spec.layers;
  for (int k = 0; k < layers; ++k)
    for (int d = 0; d < spec.directions(); ++d) {
      DirectionParams p;
      p.layer = k;
      p.direction = d;
      view.push_back(std::move(p));
    }
  return view;
}

void place(const RnnSpec& spec, ParamView& view, const ParamInfo& info, Tensor t) {
  DirectionParams& p = view.at(static_cast<size_t>(info.layer * spec.directions() + info.direction));
  switch (info.role) {
    case Role::w_ih:
      p.w_ih = std::move(t);
      break;
    case Role::w_hh:
      p.w_hh = std::move(t);
      break;
    case Role::b_ih:
      p.b_ih = std::move(t);
      break;
    case Role::b_hh:
      p.b_hh = std::move(t);
      break;
    case Role::w_hr:
      p.w_hr = std::move(t);
      break;
  }
}

}  // namespace

ParamView view_from_module(const RnnSpec& spec, const std::map<std::string, Tensor>& by_name,
                           const std::string& origin) {
  validate(spec);
  const std::vector<ParamInfo> infos = module_params(spec);
  std::set<std::string> expected;
  for (const ParamInfo& info : infos) expected.insert(info.name);
  for (const auto& [name, t] : by_name)
    if (!expected.count(name)) {
      std::string list;
      for (const ParamInfo& info : infos) list += (list.empty() ? "" : ", ") + info.name;
      throw Error(origin + ": unexpected parameter '" + name + "' for " + to_string(spec) + " (expected: " + list +
                  ")");
    }
  ParamView view = empty_view(spec);
  for (const ParamInfo& info : infos) {
    auto it = by_name.find(info.name);
    if (it == by_name.end())
      throw Error(origin + ": missing parameter '" + info.name + "' " + shape_str(info.shape) + " for " +
                  to_string(spec));
    check_tensor(spec, info, it->second, origin);
    place(spec, view, info, it->second);
  }
  return view;
}

ParamView view_from_aten(const RnnSpec& spec, std::span<const Tensor> flat, const std::string& origin) {
  validate(spec);
  const std::vector<ParamInfo> infos = aten_flat_params(spec);
  if (flat.size() != infos.size())
    throw Error(origin + ": " + std::to_string(flat.size()) + " tensors, " + to_string(spec) + " takes " +
                std::to_string(infos.size()) + " (per layer and direction: w_ih, w_hh" +
                (spec.bias ? ", b_ih, b_hh" : "") + (spec.proj > 0 ? ", w_hr" : "") + ")");
  ParamView view = empty_view(spec);
  for (size_t i = 0; i < infos.size(); ++i) {
    check_tensor(spec, infos[i], flat[i], origin + " [" + std::to_string(i) + "]");
    place(spec, view, infos[i], flat[i]);
  }
  return view;
}

}  // namespace rnnconf::emitter

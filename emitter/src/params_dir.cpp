// A folder of `<pytorch parameter name>.dat` files -> named tensors, checked
// against the spec (missing, extra, shape, dtype), and the aten flat order.
#include <algorithm>
#include <set>

#include "rnnconf/core/weight_names.hpp"
#include "rnnconf/emitter/emit_inputs.hpp"
#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::emitter {

std::map<std::string, Tensor> read_params_dir(const RnnSpec& spec, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  if (!fs::is_directory(dir)) throw Error(SourceLocation::in_file(dir.string()), "not a folder of parameter .dat files");
  const std::vector<ParamInfo> infos = module_params(spec);
  std::set<std::string> expected;
  for (const ParamInfo& info : infos) expected.insert(info.name);
  std::vector<fs::path> entries;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& p : entries)
    if (p.extension() == ".dat" && !expected.count(p.stem().string()))
      throw Error(SourceLocation::in_file(p.string()),
                  "'" + p.stem().string() + "' is not a parameter of " + to_string(spec));
  std::map<std::string, Tensor> out;
  for (const ParamInfo& info : infos) {
    const fs::path file = dir / (info.name + ".dat");
    if (!fs::is_regular_file(file))
      throw Error(SourceLocation::in_file(file.string()),
                  "missing parameter '" + info.name + "' " + shape_str(info.shape) + " of " + to_string(spec));
    Tensor t = nnef::read_dat_file(file);
    if (t.shape() != info.shape)
      throw Error(SourceLocation::in_file(file.string()), "parameter '" + info.name + "' has shape " +
                                                              shape_str(t.shape()) + ", expected " + shape_str(info.shape));
    if (t.dtype() != spec.dtype)
      throw Error(SourceLocation::in_file(file.string()), "parameter '" + info.name + "' has dtype " +
                                                              std::string(dtype_name(t.dtype())) + ", expected " +
                                                              std::string(dtype_name(spec.dtype)));
    out.emplace(info.name, std::move(t));
  }
  return out;
}

std::vector<Tensor> aten_flat_list(const RnnSpec& spec, const std::map<std::string, Tensor>& by_name) {
  std::vector<Tensor> flat;
  for (const ParamInfo& info : aten_flat_params(spec)) {
    auto it = by_name.find(info.name);
    if (it == by_name.end()) throw Error("aten_flat_list: missing parameter '" + info.name + "'");
    flat.push_back(it->second);
  }
  return flat;
}

}  // namespace rnnconf::emitter

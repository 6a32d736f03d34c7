// Shared by the reference_cuda tests that run models (host code only, so the
// CPU-running residency tests use it too): where the committed goldens are,
// tensors as doubles for the error bounds, bit equality, and a small model
// whose fragment has an unknown identity (it must run literally).
#pragma once

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "rnnconf/core/tensor.hpp"
#include "rnnconf/nnef/model.hpp"

namespace rnnconf::cuda::testing {

// The repository root: $RNNCONF_SOURCE_DIR (set by ctest, and by
// ci/gpu_check.sh for a build carried to another machine), else the source
// directory this binary was built from.
inline std::filesystem::path source_root() {
  const char* env = std::getenv("RNNCONF_SOURCE_DIR");
  return env != nullptr && *env != 0 ? std::filesystem::path(env) : std::filesystem::path(RNNCONF_SOURCE_DIR);
}

inline std::filesystem::path golden_dir(const std::string& name) { return source_root() / "goldens" / "data" / name; }

inline std::vector<double> as_double(const Tensor& t) {
  std::vector<double> v;
  if (t.dtype() == DType::f32)
    for (float e : t.span<float>()) v.push_back(e);
  else
    for (double e : t.span<double>()) v.push_back(e);
  return v;
}

inline bool same_bits(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && a.dtype() == b.dtype() &&
         (a.numel() == 0 ||
          std::memcmp(a.bytes(), b.bytes(), static_cast<size_t>(a.numel()) * dtype_size(a.dtype())) == 0);
}

inline bool fallback_warning(const std::string& w) { return w.find("ran on the CPU") != std::string::npos; }

// graph g(x, y) -> (z) with z = my_pack(x, y): concat + transpose inside a
// fragment no identity table knows; x, y [2, 3, 4] f32 with distinct values.
struct UnknownFragmentCase {
  nnef::Model model;
  std::map<std::string, Tensor> inputs;
};
inline UnknownFragmentCase unknown_fragment_case() {
  nnef::ModelFiles files;
  files.display_name = "t";
  files.is_archive = true;
  files.graph_name = "t/graph.nnef";
  files.graph_text =
      "version 1.0;\nextension tract_registry tract_core;\n"
      "fragment my_pack(a: tensor<scalar>, b: tensor<scalar>) -> (c: tensor<scalar>)\n"
      "{\n  j = concat([a, b], axis = 2);\n  c = transpose(j, axes = [1, 0, 2]);\n}\n"
      "graph g(x, y) -> (z)\n{\n"
      "  x = tract_core_external(shape = [2, 3, 4], datum_type = 'f32');\n"
      "  y = tract_core_external(shape = [2, 3, 4], datum_type = 'f32');\n"
      "  z = my_pack(x, y);\n}\n";
  UnknownFragmentCase c{nnef::load_model_files(std::move(files)), {}};
  float v = 0.25F;
  for (const char* n : {"x", "y"}) {
    Tensor t(DType::f32, {2, 3, 4});
    for (float& e : t.span<float>()) e = (v += 0.5F);
    c.inputs.emplace(n, std::move(t));
  }
  return c;
}

}  // namespace rnnconf::cuda::testing

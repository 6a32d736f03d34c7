// The committed layer exports (tests/data/layers/<case>/, written by
// tests/layer_exports/gen_layer_exports.py from torch_to_nnef 0.24.12 exports
// of single torch.nn layers) run on the executor, literal mode, in float64
// and in float32 (and fused mode in float32), against PyTorch float64 on the
// same inputs.
//
// Bounds, per output, with e32 = max |PyTorch float32 - truth| on this case
// (meta.json) and scale = max(1, max |truth|):
//   float64: 16 · 2^-29 · e32 + 8 · eps64 · scale. The first term is
//            PyTorch float32's own error carried to double precision
//            (eps64 / eps32 = 2^-29; ×16 for a different summation order),
//            the second 8 ulps of the output's magnitude (libm, rounding of
//            the last operations).
//   float32: 4 · e32 + 8 · eps32 · scale: within 4× PyTorch float32's own
//            error, or 8 float32 ulps of the magnitude.
// Where torch_to_nnef rounds a constant of the layer's formula (gelu_tanh:
// sqrt(2/pi) written as 0.7978845608), meta.json's
// export_formula_vs_truth_max_abs (PyTorch float64 on the exported formula vs
// on the module) is added to both bounds, twice over.
// The output shape is PyTorch's (meta.json): goldens/generate.py's write_dat
// stores a rank-0 tensor as [1] (np.ascontiguousarray), so the truth file's
// shape is not used. Integer outputs (argmax) must be equal. A NaN or infinity where the truth
// is finite never passes. Each run must execute every op meta.json lists
// (graph statements all run; fragment bodies run when the fragment is
// called, which RunResult::calls shows), so a case cannot pass vacuously;
// data/layers/cases.json lists every case; each must have its folder and
// every folder must be a listed case.
#include <gtest/gtest.h>

#include <cstdio>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "rnnconf/nnef/dat.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::cpu {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

fs::path layers_dir() { return fs::path(RNNCONF_SOURCE_DIR) / "reference_cpu" / "tests" / "data" / "layers"; }

Json read_json(const fs::path& p) {
  std::ifstream in(p);
  if (!in) throw std::runtime_error("cannot open " + p.string());
  return Json::parse(in);
}

std::vector<std::string> listed_cases() { return read_json(layers_dir() / "cases.json").at("cases"); }

// Ops invoked anywhere in `e` (nested invocations included).
void collect_ops(const nnef::Expr& e, std::set<std::string>& ops) {
  std::visit(
      [&](const auto& n) {
        using N = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<N, nnef::Invocation>) {
          ops.insert(n.op);
          for (const auto& a : n.args) collect_ops(*a.value, ops);
        } else if constexpr (std::is_same_v<N, nnef::ArrayExpr> || std::is_same_v<N, nnef::TupleExpr>) {
          for (const auto& i : n.items) collect_ops(i, ops);
        } else if constexpr (std::is_same_v<N, nnef::UnaryExpr>) {
          collect_ops(*n.operand, ops);
        } else if constexpr (std::is_same_v<N, nnef::BinaryExpr>) {
          collect_ops(*n.lhs, ops);
          collect_ops(*n.rhs, ops);
        } else if constexpr (std::is_same_v<N, nnef::ConditionalExpr>) {
          collect_ops(*n.condition, ops);
          collect_ops(*n.then_value, ops);
          collect_ops(*n.else_value, ops);
        } else if constexpr (std::is_same_v<N, nnef::IndexExpr>) {
          collect_ops(*n.base, ops);
          collect_ops(*n.index, ops);
        }
      },
      e.node);
}

std::set<std::string> ops_of(const std::vector<nnef::Assignment>& body) {
  std::set<std::string> ops;
  for (const auto& a : body) collect_ops(a.rvalue, ops);
  return ops;
}

// The ops a successful literal run executed: every graph statement's, and
// the bodies' of the fragments it called.
std::set<std::string> executed_ops(const nnef::Model& m, const RunResult& r) {
  std::set<std::string> ops = ops_of(m.doc.graph->body);
  for (const auto& call : r.calls)
    for (const auto& f : m.doc.fragments)
      if (f.name == call.fragment && f.body) {
        const auto body = ops_of(*f.body);
        ops.insert(body.begin(), body.end());
      }
  return ops;
}

// Element k of a float tensor, as double.
double get_f64(const Tensor& t, int64_t k) {
  return t.dtype() == DType::f32 ? double(t.span<float>()[size_t(k)]) : t.span<double>()[size_t(k)];
}

double max_abs(const Tensor& t) {
  double m = 0;
  for (int64_t k = 0; k < t.numel(); ++k) m = std::max(m, std::abs(get_f64(t, k)));
  return m;
}

struct Bound {
  double f64;
  double f32;
};

Bound bound_for(double e32, double scale) {
  const double eps64 = std::numeric_limits<double>::epsilon(), eps32 = std::numeric_limits<float>::epsilon();
  return {16.0 * std::ldexp(e32, -29) + 8.0 * eps64 * scale, 4.0 * e32 + 8.0 * eps32 * scale};
}

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// Compares `got` (expected shape `shape`) with `truth`; returns "" or what is wrong.
std::string compare(const Tensor& got, const Shape& shape, const Tensor& truth, double tol) {
  if (got.dtype() != DType::f32 && got.dtype() != DType::f64 && truth.dtype() != DType::i64)
    return "dtype " + std::string(dtype_name(got.dtype())) + " for a float truth";
  if (got.shape() != shape) return "shape " + shape_str(got.shape()) + ", PyTorch's " + shape_str(shape);
  if (got.numel() != truth.numel()) return "truth file holds " + shape_str(truth.shape());
  if (truth.dtype() == DType::i64) {
    if (got.dtype() != DType::i64) return "dtype " + std::string(dtype_name(got.dtype())) + ", truth i64";
    const auto g = got.span<int64_t>(), t = truth.span<int64_t>();
    for (size_t k = 0; k < t.size(); ++k)
      if (g[k] != t[k]) return "index " + std::to_string(k) + ": " + std::to_string(g[k]) + " != " + std::to_string(t[k]);
    return "";
  }
  double worst = 0;
  int64_t at = -1;
  for (int64_t k = 0; k < truth.numel(); ++k) {
    const double g = get_f64(got, k), t = get_f64(truth, k);
    if (!std::isfinite(g) && std::isfinite(t)) return "non-finite " + num(g) + " at index " + std::to_string(k);
    const double e = std::abs(g - t);
    if (!(e <= worst)) worst = e, at = k;
  }
  if (!(worst <= tol))
    return "max error " + num(worst) + " at index " + std::to_string(at) + " over the bound " + num(tol);
  return "";
}

void run_case(const std::string& name, Precision precision, FragmentMode mode) {
  const fs::path dir = layers_dir() / name;
  const Json meta = read_json(dir / "meta.json");
  const nnef::Model model = nnef::load_model(dir / "model.nnef.tgz");
  std::map<std::string, Tensor> inputs;
  for (const Json& in : meta.at("inputs")) {
    const std::string n = in.at("name");
    inputs.emplace(n, nnef::read_dat_file(dir / "inputs" / (n + ".dat")));
  }
  const RunResult r = run_model(model, inputs, RunOptions{precision, mode, false});

  const auto executed = executed_ops(model, r);
  const std::vector<std::string> listed = meta.at("ops");
  ASSERT_FALSE(listed.empty()) << "meta.json lists no op";
  for (const auto& op : listed) EXPECT_TRUE(executed.count(op)) << "op '" << op << "' listed in meta.json did not run";
  for (const auto& [frag, body] : meta.at("fragments").items()) {
    bool called = false;
    for (const auto& c : r.calls) called = called || c.fragment == frag;
    EXPECT_TRUE(called) << "fragment '" << frag << "' was never called";
  }

  ASSERT_EQ(r.outputs.size(), meta.at("outputs").size());
  for (const Json& out : meta.at("outputs")) {
    const std::string n = out.at("name");
    SCOPED_TRACE("output " + n);
    ASSERT_TRUE(r.outputs.count(n)) << "no output " << n;
    const Tensor truth = nnef::read_dat_file(dir / "truth_f64" / (n + ".dat"));
    const double e32 = meta.at("torch_f32_vs_truth_max_abs").at(n);
    Bound b = bound_for(e32, std::max(1.0, truth.dtype() == DType::i64 ? 0.0 : max_abs(truth)));
    if (meta.contains("export_formula_vs_truth_max_abs")) {
      const double rounding = meta.at("export_formula_vs_truth_max_abs").at(n);
      b.f64 += 2 * rounding;
      b.f32 += 2 * rounding;
    }
    const Tensor& got = r.outputs.at(n);
    if (truth.dtype() != DType::i64) {
      EXPECT_EQ(got.dtype(), precision == Precision::f64 ? DType::f64 : DType::f32);
    }
    EXPECT_EQ(compare(got, out.at("shape").get<Shape>(), truth, precision == Precision::f64 ? b.f64 : b.f32), "");
  }
}

void run_all(Precision precision, FragmentMode mode = FragmentMode::literal) {
  const auto cases = listed_cases();
  for (const auto& name : cases) {
    SCOPED_TRACE(name);
    try {
      run_case(name, precision, mode);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(LayerExports, EveryListedCaseHasItsData) {
  const auto cases = listed_cases();
  ASSERT_GE(cases.size(), 50u);
  std::set<std::string> folders;
  for (const auto& entry : fs::directory_iterator(layers_dir()))
    if (entry.is_directory()) folders.insert(entry.path().filename().string());
  for (const auto& name : cases) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(folders.count(name)) << "no folder";
    for (const char* file : {"model.nnef.tgz", "meta.json"}) EXPECT_TRUE(fs::is_regular_file(layers_dir() / name / file)) << file;
  }
  const std::set<std::string> listed(cases.begin(), cases.end());
  for (const auto& f : folders) EXPECT_TRUE(listed.count(f)) << "folder " << f << " is not a case of cases.json";
  EXPECT_EQ(folders.size(), cases.size());
}

TEST(LayerExports, LiteralFloat64MatchesTorchFloat64) { run_all(Precision::f64); }

TEST(LayerExports, LiteralFloat32WithinTorchFloat32Bound) { run_all(Precision::f32); }

// Fused mode: these exports have no recurrent fragment, so the same ops run.
TEST(LayerExports, FusedFloat32WithinTorchFloat32Bound) { run_all(Precision::f32, FragmentMode::fused); }

}  // namespace
}  // namespace rnnconf::cpu

// The comparison policy: constants from POLICY.md and the per-output judgement.
#include "rnnconf/conformance/policy.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "rnnconf/core/error.hpp"

namespace rnnconf::conformance {

namespace {

double number_field(const nlohmann::json& j, const char* key, const std::string& file) {
  if (!j.contains(key) || !j[key].is_number())
    throw Error(SourceLocation::in_file(file), std::string("policy JSON block: missing number \"") + key + "\"");
  return j[key].get<double>();
}

std::vector<double> as_f64(const Tensor& t) {
  Tensor d = t.dtype() == DType::f64 ? t : t.cast(DType::f64);
  auto s = d.span<const double>();
  return {s.begin(), s.end()};
}

std::string fmt_g(double v) {
  std::ostringstream s;
  s.precision(3);
  s << v;
  return s.str();
}

}  // namespace

Policy load_policy(const std::filesystem::path& policy_md) {
  const std::string file = policy_md.string();
  std::ifstream in(policy_md, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(file), "cannot open policy file");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  const std::string open = "```json\n";
  const size_t a = text.find(open);
  if (a == std::string::npos) throw Error(SourceLocation::in_file(file), "no ```json block");
  const size_t b = text.find("```", a + open.size());
  if (b == std::string::npos) throw Error(SourceLocation::in_file(file), "unterminated ```json block");
  if (text.find(open, b + 3) != std::string::npos)
    throw Error(SourceLocation::in_file(file), "expected exactly one ```json block");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text.substr(a + open.size(), b - a - open.size()));
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(SourceLocation::in_file(file), std::string("policy JSON block: ") + e.what());
  }
  Policy p;
  p.R = number_field(j, "R", file);
  p.c = number_field(j, "c", file);
  p.eps_f32 = number_field(j, "eps_f32", file);
  p.mistrust_saturation_abs = number_field(j, "mistrust_saturation_abs", file);
  p.mistrust_fraction = number_field(j, "mistrust_fraction", file);
  p.mistrust_fraction_relu = number_field(j, "mistrust_fraction_relu", file);
  p.ulp_percentile = number_field(j, "ulp_percentile", file);
  p.check_floor_depth = number_field(j, "check_floor_depth", file);
  p.check_atol = number_field(j, "check_atol", file);
  p.check_rtol = number_field(j, "check_rtol", file);
  if (!(p.R >= 1) || !(p.c > 0) || !(p.eps_f32 > 0))
    throw Error(SourceLocation::in_file(file), "policy constants out of range (need R >= 1, c > 0, eps_f32 > 0)");
  return p;
}

double accumulation_floor(const Policy& p, const RnnSpec& spec) {
  const double acc_len = static_cast<double>(spec.I + spec.H);
  const double T = spec.cell ? 1.0 : static_cast<double>(spec.T);
  const double layers = spec.cell ? 1.0 : static_cast<double>(spec.layers);
  const double dirs = (!spec.cell && spec.bidirectional) ? 2.0 : 1.0;
  return p.c * std::ceil(std::log2(acc_len * T)) * p.eps_f32 * layers * dirs;
}

int64_t ulp_distance_f32(float a, float b) {
  auto ordinal = [](float f) -> int64_t {
    const auto i = static_cast<int64_t>(std::bit_cast<int32_t>(f));
    return i < 0 ? static_cast<int64_t>(std::numeric_limits<int32_t>::min()) - i : i;
  };
  const int64_t d = ordinal(a) - ordinal(b);
  return d < 0 ? -d : d;
}

namespace {

bool is_float(DType d) { return d == DType::f32 || d == DType::f64; }

// A judgement not yet passed, e_ours NaN; with the reason when the shapes differ.
OutputJudgement start_judgement(const std::string& name, const Tensor& ours, const Tensor& expect) {
  OutputJudgement j;
  j.output = name;
  j.e_ours = std::numeric_limits<double>::quiet_NaN();
  if (ours.shape() != expect.shape())
    j.reason = "shape " + shape_str(ours.shape()) + " != expected " + shape_str(expect.shape());
  return j;
}

// Integer and logical outputs (argmax indices, masks) have no rounding error:
// equal dtype class and every element equal, or the count of those that differ.
OutputJudgement judge_exact(const std::string& name, const Tensor& ours, const Tensor& expect) {
  OutputJudgement j = start_judgement(name, ours, expect);
  if (!j.reason.empty()) return j;
  if (ours.dtype() != expect.dtype()) {
    j.reason = "dtype " + std::string(dtype_name(ours.dtype())) + ", expected " + std::string(dtype_name(expect.dtype()));
    return j;
  }
  const std::vector<double> o = as_f64(ours);
  const std::vector<double> e = as_f64(expect);
  int64_t differ = 0;
  double worst = 0;
  for (size_t i = 0; i < o.size(); ++i) {
    if (o[i] == e[i]) continue;
    if (differ++ == 0) j.worst_index = static_cast<int64_t>(i);
    worst = std::max(worst, std::fabs(o[i] - e[i]));
  }
  j.ulp_max = 0;
  j.bound = 0;
  j.e_ours = worst;
  j.passed = differ == 0;
  if (!j.passed)
    j.reason = std::to_string(differ) + " element(s) differ in an exact (" + std::string(dtype_name(expect.dtype())) +
               ") output, the first at flat index " + std::to_string(j.worst_index);
  return j;
}

OutputJudgement judge_with_floor(const std::string& name, const Tensor& ours, const Tensor& torch_f32,
                                 const Tensor& truth, const Policy& policy, double floor) {
  if (!is_float(truth.dtype())) return judge_exact(name, ours, truth);
  OutputJudgement j;
  j.output = name;
  const std::vector<double> t = as_f64(truth);
  const std::vector<double> tf = as_f64(torch_f32);
  if (torch_f32.shape() != truth.shape())
    throw Error("golden '" + name + "': torch_f32 shape " + shape_str(torch_f32.shape()) + " != truth shape " +
                shape_str(truth.shape()));
  j.e_torch = 0;
  for (size_t i = 0; i < t.size(); ++i) j.e_torch = std::max(j.e_torch, std::fabs(tf[i] - t[i]));
  j.bound = std::max(policy.R * j.e_torch, floor);
  j.e_ours = std::numeric_limits<double>::quiet_NaN();
  if (ours.shape() != truth.shape()) {
    j.reason = "shape " + shape_str(ours.shape()) + " != expected " + shape_str(truth.shape());
    return j;
  }
  if (ours.dtype() != DType::f32 && ours.dtype() != DType::f64) {
    j.reason = "dtype " + std::string(dtype_name(ours.dtype())) + ", expected f32";
    return j;
  }
  const std::vector<double> o = as_f64(ours);
  double worst = -1;
  std::vector<int64_t> ulps(o.size());
  for (size_t i = 0; i < o.size(); ++i) {
    if (!std::isfinite(o[i]) && std::isfinite(t[i])) {
      ++j.nonfinite;
      if (j.worst_index < 0 || worst != std::numeric_limits<double>::infinity()) j.worst_index = static_cast<int64_t>(i);
      worst = std::numeric_limits<double>::infinity();
      ulps[i] = std::numeric_limits<int32_t>::max();
      continue;
    }
    const double e = std::fabs(o[i] - t[i]);
    if (e > worst) {
      worst = e;
      j.worst_index = static_cast<int64_t>(i);
    }
    ulps[i] = ulp_distance_f32(static_cast<float>(o[i]), static_cast<float>(t[i]));
  }
  if (!ulps.empty()) {
    j.ulp_max = *std::max_element(ulps.begin(), ulps.end());
    // Linear interpolation between order statistics (numpy's default percentile).
    std::vector<int64_t> sorted = ulps;
    std::sort(sorted.begin(), sorted.end());
    const double pos = policy.ulp_percentile / 100.0 * static_cast<double>(sorted.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, sorted.size() - 1);
    const double frac = pos - static_cast<double>(lo);
    j.ulp_p99 = static_cast<double>(sorted[lo]) + frac * static_cast<double>(sorted[hi] - sorted[lo]);
  } else {
    j.ulp_max = 0;
    j.ulp_p99 = 0;
  }
  if (j.nonfinite > 0) {
    j.reason = std::to_string(j.nonfinite) + " NaN/Inf element(s) where the truth is finite";
    return j;
  }
  j.e_ours = std::max(worst, 0.0);
  j.passed = j.e_ours <= j.bound;
  if (!j.passed) j.reason = "max|err| " + fmt_g(j.e_ours) + " > bound " + fmt_g(j.bound);
  return j;
}

}  // namespace

OutputJudgement judge_output(const std::string& name, const Tensor& ours, const Tensor& torch_f32,
                             const Tensor& truth, const Policy& policy, const RnnSpec& spec) {
  return judge_with_floor(name, ours, torch_f32, truth, policy, accumulation_floor(policy, spec));
}

OutputJudgement judge_output_generic(const std::string& name, const Tensor& ours, const Tensor& torch_f32,
                                     const Tensor& truth, const Policy& policy) {
  return judge_with_floor(name, ours, torch_f32, truth, policy, policy.c * policy.check_floor_depth * policy.eps_f32);
}

OutputJudgement judge_output_against_f32(const std::string& name, const Tensor& ours, const Tensor& expect,
                                         const Policy& policy) {
  if (!is_float(expect.dtype())) return judge_exact(name, ours, expect);
  OutputJudgement j = start_judgement(name, ours, expect);
  if (!j.reason.empty()) return j;
  const std::vector<double> o = as_f64(ours);
  const std::vector<double> e = as_f64(expect);
  double worst_excess = -1;
  double worst = 0;
  for (size_t i = 0; i < o.size(); ++i) {
    if (!std::isfinite(o[i]) && std::isfinite(e[i])) {
      ++j.nonfinite;
      j.worst_index = static_cast<int64_t>(i);
      continue;
    }
    const double d = std::fabs(o[i] - e[i]);
    worst = std::max(worst, d);
    const double excess = d - (policy.check_atol + policy.check_rtol * std::fabs(e[i]));
    if (excess > worst_excess) {
      worst_excess = excess;
      if (j.nonfinite == 0) j.worst_index = static_cast<int64_t>(i);
    }
    const int64_t u = ulp_distance_f32(static_cast<float>(o[i]), static_cast<float>(e[i]));
    j.ulp_max = std::max(j.ulp_max, u);
  }
  j.bound = policy.check_atol;
  if (j.nonfinite > 0) {
    j.reason = std::to_string(j.nonfinite) + " NaN/Inf element(s) where the expected value is finite";
    return j;
  }
  j.e_ours = worst;
  j.passed = worst_excess <= 0;
  if (!j.passed)
    j.reason = "max|ours - expect| " + fmt_g(worst) + " exceeds atol " + fmt_g(policy.check_atol) + " + rtol " +
               fmt_g(policy.check_rtol) + " * |expect|";
  return j;
}

double mistrust_fraction(const Policy& p, const RnnSpec& spec, const std::map<std::string, Tensor>& truth) {
  int64_t total = 0;
  int64_t bad = 0;
  for (const char* name : {"y", "hn", "h1"}) {
    auto it = truth.find(name);
    if (it == truth.end()) continue;
    for (double v : as_f64(it->second)) {
      ++total;
      if (spec.kind == RnnSpec::Kind::rnn_relu ? v == 0.0 : std::fabs(v) > p.mistrust_saturation_abs) ++bad;
    }
  }
  return total == 0 ? 1.0 : static_cast<double>(bad) / static_cast<double>(total);
}

bool is_mistrusted(const Policy& p, const RnnSpec& spec, const std::map<std::string, Tensor>& truth) {
  const double limit = spec.kind == RnnSpec::Kind::rnn_relu ? p.mistrust_fraction_relu : p.mistrust_fraction;
  return mistrust_fraction(p, spec, truth) > limit;
}

}  // namespace rnnconf::conformance

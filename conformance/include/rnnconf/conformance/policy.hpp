// The comparison policy (conformance/POLICY.md): judges one output tensor
// against the float64 truth, with PyTorch's own float32 error as yardstick:
//   pass iff e_ours <= max(R * e_torch, A),
//   A = c * ceil(log2((I + H) * T)) * eps_f32 * layers * (1 + bidi).
// NaN/Inf where the truth is finite fails; a shape mismatch fails. The
// constants are read from the one ```json block of POLICY.md, where each is
// argued; goldens/policy.py reads the same block.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/core/tensor.hpp"

namespace rnnconf::conformance {

struct Policy {
  double R = 0;
  double c = 0;
  double eps_f32 = 0;
  double mistrust_saturation_abs = 0;
  double mistrust_fraction = 0;
  double mistrust_fraction_relu = 0;
  double ulp_percentile = 0;
  // `rnnconf check` on a model whose RnnSpec is unknown: floor depth used in
  // place of ceil(log2((I + H) * T)) * layers * (1 + bidi).
  double check_floor_depth = 0;
  // `rnnconf check` without a float64 truth: |ours - expect| <= atol + rtol * |expect|.
  double check_atol = 0;
  double check_rtol = 0;
};

Policy load_policy(const std::filesystem::path& policy_md);

// The accumulation floor A for a case (cells: T = 1, one layer, one direction).
double accumulation_floor(const Policy& p, const RnnSpec& spec);

struct OutputJudgement {
  std::string output;
  bool passed = false;
  std::string reason;        // empty when passed
  double e_ours = 0;         // max |ours - truth| (NaN when not computable)
  double e_torch = 0;        // max |torch_f32 - truth|
  double bound = 0;          // max(R * e_torch, A)
  int64_t ulp_max = -1;      // float32 ULP distance of ours to round_f32(truth); -1 = not computed
  double ulp_p99 = -1;       // the policy's percentile of that distance
  int64_t worst_index = -1;  // flat index of the largest |ours - truth|
  int64_t nonfinite = 0;     // NaN/Inf elements of ours where the truth is finite
};

// `ours` may be f32 or f64; torch_f32 and truth as stored in the goldens.
OutputJudgement judge_output(const std::string& name, const Tensor& ours, const Tensor& torch_f32,
                             const Tensor& truth, const Policy& policy, const RnnSpec& spec);

// `rnnconf check` variants: with a truth but no RnnSpec (floor from
// check_floor_depth), and without a truth (PyTorch float32 as reference, with
// the documented check_atol/check_rtol).
OutputJudgement judge_output_generic(const std::string& name, const Tensor& ours, const Tensor& torch_f32,
                                     const Tensor& truth, const Policy& policy);
OutputJudgement judge_output_against_f32(const std::string& name, const Tensor& ours, const Tensor& expect,
                                         const Policy& policy);

// Fraction of uninformative elements in the h-like truth outputs (saturated
// |t| > mistrust_saturation_abs, or exactly 0 for rnn_relu), and the verdict.
double mistrust_fraction(const Policy& p, const RnnSpec& spec, const std::map<std::string, Tensor>& truth);
bool is_mistrusted(const Policy& p, const RnnSpec& spec, const std::map<std::string, Tensor>& truth);

// float32 ULP distance between a and b (ordered bit patterns), saturating.
int64_t ulp_distance_f32(float a, float b);

}  // namespace rnnconf::conformance

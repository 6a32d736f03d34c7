// Differential testing of one fuzz configuration: its data (weights under
// PyTorch names, graph inputs), an oracle (LibTorch in float32 and float64,
// or in tests our own float64 reference), the system under test (our emitter
// writes the model, an executor runs it) and the comparison policy's verdict;
// shrinking a failure to the smallest configuration that still fails; and the
// seeded run loop behind `rnnconf fuzz`.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/core/tensor.hpp"
#include "rnnconf/fuzz/fuzz_config.hpp"

namespace rnnconf::fuzz {

struct CaseData {
  std::map<std::string, Tensor> params;  // PyTorch names, f32
  std::map<std::string, Tensor> inputs;  // graph inputs (x, h0, c0), f32
};
CaseData make_case_data(const FuzzConfig& c);

// Reference outputs by graph output name (y, hn, cn / h1, c1).
struct Reference {
  std::map<std::string, Tensor> f32;   // the framework in float32
  std::map<std::string, Tensor> f64;   // the same in float64 from the same float32 values (the truth)
};
using OracleFn = std::function<Reference(const FuzzConfig&, const CaseData&)>;
// The system under test: outputs by graph output name; throws rnnconf::Error when it refuses.
using SystemFn = std::function<std::map<std::string, Tensor>(const FuzzConfig&, const CaseData&)>;

// Our emitter (module or aten entry per the spec) + reference_cpu in float32, fused or literal.
SystemFn emitter_on_reference_cpu(const std::string& mode);
// Our emitter + ENGINE (conformance/engines.hpp: cpu, cpu-literal, cuda).
// Throws Error up front with the reason (probe_engine) when the engine cannot run here.
SystemFn emitter_on_engine(const std::string& engine);
// For tests and for builds without LibTorch: our emitter + reference_cpu,
// float32 fused as "framework float32" and float64 literal as the truth.
OracleFn self_oracle();

enum class FuzzOutcome { passed, failed, mistrusted };
struct FuzzVerdict {
  FuzzOutcome outcome = FuzzOutcome::passed;
  std::string detail;  // failing outputs and their errors, or the refusal
};
FuzzVerdict judge_config(const FuzzConfig& c, const OracleFn& oracle, const SystemFn& system,
                         const conformance::Policy& policy);

struct ShrinkResult {
  FuzzConfig config;
  FuzzVerdict verdict;
  int steps = 0;        // accepted reductions
  int evaluations = 0;  // configurations judged
};
// Greedy: take the first candidate (shrink_candidates) that still fails, repeat
// until none does or `max_evaluations` is spent.
ShrinkResult shrink(const FuzzConfig& failing, const FuzzVerdict& verdict, const OracleFn& oracle,
                    const SystemFn& system, const conformance::Policy& policy, int max_evaluations = 400);

struct FuzzRunConfig {
  uint64_t seed = 1;
  double seconds = 60;  // 0: no limit
  int64_t count = 0;    // 0: no limit (one of the two limits must be set)
  bool shrink = true;
};
struct FuzzFailure {
  FuzzConfig original, shrunk;
  std::string detail;
};
struct FuzzStats {
  int64_t configurations = 0, passed = 0, failed = 0, mistrusted = 0;
  std::map<std::string, int64_t> by_kind;  // "lstm seq", "gru cell", ...
  double seconds = 0;
  std::vector<FuzzFailure> failures;
};
FuzzStats run_fuzz(const FuzzRunConfig& cfg, const OracleFn& oracle, const SystemFn& system,
                   const conformance::Policy& policy, const std::function<void(const FuzzStats&)>& progress = {});

}  // namespace rnnconf::fuzz

// The conformance runner (`rnnconf run`): for each selected matrix case and
// each engine (engines.hpp), run the committed torch_to_nnef export on it,
// judge every output with the policy against the float64 truth, and classify
// the result against conformance/expectations.json.
//
// Outcomes (benchdnn's states plus web-platform-tests' expectations):
//   passed             every output within the policy bound, no expectation
//   unexpected_pass    passed, but the expectations file says this case fails
//   expected_failure   failed as the expectations file says
//   unexpected_failure failed with no expectation (a regression: exit non-zero)
//   mistrusted         the golden cannot reveal an error (policy); not a pass
//   skipped            cannot run here (reason recorded), never counted as passed
//   unsupported        the model uses an op the engine does not implement
//                      (UnsupportedOpError: the op and its graph.nnef:L:C);
//                      neither passed nor failed, whatever the expectations say
//
// Model-tier cases (MatrixCase::is_model) are judged output by output with
// judge_output_generic (float64 truth, the check_floor_depth floor), mistrusted
// only when the generator's meta.json says so; they have no emitter model.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/expectations.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/core/deadline.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::conformance {

enum class Outcome { passed, unexpected_pass, expected_failure, unexpected_failure, mistrusted, skipped, unsupported };
// "PASS", "XPASS", "XFAIL", "FAIL", "MISTRUSTED", "SKIP", "UNSUPPORTED"
std::string_view outcome_name(Outcome o);

struct CaseResult {
  std::string case_name;
  std::string engine;  // "cpu" | "cpu-literal" | "cuda" (engines.hpp)
  std::string mode;    // the engine's: "fused" | "literal"
  std::string device;  // the engine's: "cpu" | "cuda"
  std::string model_source = "t2n";  // "t2n" (the committed torch_to_nnef export) | "emitter" (ours)
  Outcome outcome = Outcome::skipped;
  bool numerically_passed = false;           // the policy's verdict on every output
  std::vector<OutputJudgement> outputs;      // one per graph output
  std::string error;                         // load/run failure (model refused, missing export, ...)
  std::string skip_reason;
  // Outcome::unsupported: the op the engine lacks and where the model uses it.
  std::string unsupported_op;
  SourceLocation unsupported_at;
  std::string expectation;                   // the expectations file's reason, when listed
  std::string expectation_when;              // the matched entry's condition ("device=cuda"); "" = unconditional
  std::string export_path_kind;              // "fragment" / "primitives" (how the exporter emitted it)
  std::vector<std::string> warnings;         // e.g. unknown fragment body run literally
  double worst_abs_error = 0;                // max over outputs (NaN when not computable)
  int64_t max_ulp = 0;
  double seconds = 0;
  std::string repro;                         // the command that reruns this case alone
  // t2n source: how our emitter's graph compares with the export, statement by
  // statement ("identical" or "differs at statement k: ..."); empty when not computed.
  std::string emitter_diff;
  // Failing cases (expected failures included): the first divergence and its
  // likely cause (triage.hpp), filled by run_matrix; empty when not triaged.
  std::string triage;
};

struct Summary {
  int total = 0, passed = 0, failed = 0, expected_failures = 0, unexpected_failures = 0, unexpected_passes = 0,
      mistrusted = 0, skipped = 0, unsupported = 0;
  std::vector<std::pair<std::string, std::string>> skips;  // (case and engine, reason)
  std::vector<std::pair<std::string, std::string>> unsupported_ops;  // (case and engine, "op 'x' at f:L:C")
  void add(const CaseResult& r);
};

struct RunConfig {
  std::filesystem::path root;            // repository root (matrix, goldens, policy, expectations)
  std::string filter;                    // regex on case names
  std::string tier = kDefaultRunTiers;  // comma list of tiers; "" = every tier
  std::vector<std::string> engines = {"cpu", "cpu-literal"};  // names (engines.hpp), each case on each
  std::string model_source = "t2n";      // t2n | emitter
  bool diff_emitter = true;              // t2n source: record the statement diff against our emitter
  bool triage = true;                    // triage every failing case (CaseResult::triage)
  Deadline deadline = {};                // triage runs stop there too (--timeout); default none
};

// What an executor returns for one model run.
struct ExecOutput {
  std::map<std::string, Tensor> outputs;
  std::vector<std::string> warnings;
};
// Runs MODEL on INPUTS on the engine of (DEVICE, MODE) (engine_of); throws
// Error when the model is refused. The (mode, device) spelling is the one of
// the reports and of the exporter CI's callers.
using ExecuteFn = std::function<ExecOutput(const std::filesystem::path& model, const std::map<std::string, Tensor>& inputs,
                                           const std::string& mode, const std::string& device)>;

// Runs MODEL on ENGINE: reference_cpu in process (cpu, cpu-literal), or the
// cuda engine's module (loaded on first use; Error with the reason when it
// cannot load). Stops at `deadline` (reference_cpu checks it at every
// statement; the CUDA executor does not: the caller's watchdog is the backstop).
ExecOutput execute_engine(const EngineSpec& engine, const std::filesystem::path& model,
                          const std::map<std::string, Tensor>& inputs, const Deadline& deadline = {});
// The default ExecuteFn: execute_engine(engine_of(device, mode), ...).
ExecOutput execute_default(const std::filesystem::path& model, const std::map<std::string, Tensor>& inputs,
                           const std::string& mode, const std::string& device);
// The same, stopping at `deadline`.
ExecOutput execute_until(const std::filesystem::path& model, const std::map<std::string, Tensor>& inputs,
                         const std::string& mode, const std::string& device, const Deadline& deadline);

// Judges one case on one engine (also used by tests with planted errors);
// `execute` is called with the engine's mode and device.
// model_source "t2n" runs the committed torch_to_nnef export and classifies it
// against the expectations (known exporter defects); "emitter" runs our own
// emitter's model of the same weights (through the aten entry point for _aten
// cases), which must pass every case: the expectations do not apply to it.
CaseResult run_case(const MatrixCase& c, const std::filesystem::path& golden_dir, const Policy& policy,
                    const Expectations& expectations, const EngineSpec& engine, const ExecuteFn& execute,
                    const std::string& model_source = "t2n", bool diff_emitter = false);

// Our emitter's model for a golden case, written to `out` (a .tar path).
void emit_golden_model(const MatrixCase& c, const std::filesystem::path& golden_dir, const std::filesystem::path& out);

// Runs the whole selection; `on_result` sees each result as it is produced (for progress lines).
std::vector<CaseResult> run_matrix(const RunConfig& cfg, const ExecuteFn& execute,
                                   const std::function<void(const CaseResult&, size_t index, size_t total)>& on_result);

}  // namespace rnnconf::conformance

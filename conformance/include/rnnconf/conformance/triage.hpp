// Regression triage (`rnnconf triage`, and the "triage:" line of every failing
// case in `rnnconf run`): run a model with intermediates recorded, compare the
// hidden state of every (layer, direction) with the goldens' per-step float64
// states step by step, and name the first divergence and its likely cause.
//
// The cause is found by hypothesis: the first divergent (layer, direction) is
// recomputed in float64 from the golden weights and the golden input of that
// layer under each classic exporter bug (gate order, bias, direction, initial
// state, layout, nonlinearity, step, projection); the hypothesis that
// reproduces what the model computed names the class. When none does, a small
// error is called "numerics" and a large one "unknown".
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/core/deadline.hpp"
#include "rnnconf/nnef/model.hpp"

namespace rnnconf::conformance {

// Error of one (layer, direction) against the golden states, per time index.
struct TriageTrack {
  int layer = 0;
  int direction = 0;                 // 0 forward, 1 backward
  std::vector<double> error_by_time;  // max |h_model - h_truth| over batch and features, at each time index
  int first_bad_step = -1;           // in processing order (backward: step 0 is the last time index); -1 = ok
};

struct TriageReport {
  bool ok = false;           // every track and every output within the policy
  std::string cause_class;   // "" when ok; else gate order, bias, direction, initial state, layout,
                             // nonlinearity, step, projection, numerics, export, unknown
  std::string line;          // the one-line verdict ("ok" when ok)
  std::vector<TriageTrack> tracks;
  double step_threshold = 0;  // what "differs" means per step: max(A, R * e_torch)
};

// Model-tier cases (MatrixCase::is_model) have no RnnSpec to replay: both
// functions throw Error "not triaged (model tier: issue 16)".
//
// Triage of a loaded model on reference_cpu in MODE ("fused" | "literal").
// The replay stops at `deadline` (then the report says the model was refused
// with the statement where the time ran out).
TriageReport triage_model(const MatrixCase& c, const std::filesystem::path& golden_dir,
                          const nnef::Model& model, const std::string& mode, const Policy& policy,
                          const Deadline& deadline = {});

// Triage of a case's model from its source: "t2n" (the committed export) or
// "emitter" (our own emission of the golden weights).
TriageReport triage_case(const MatrixCase& c, const std::filesystem::path& golden_dir,
                         const std::string& mode, const Policy& policy,
                         const std::string& model_source = "t2n", const Deadline& deadline = {});

}  // namespace rnnconf::conformance

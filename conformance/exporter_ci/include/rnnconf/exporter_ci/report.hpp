// The report model of `rnnconf exporter-ci`: the verdict of one export on one
// engine, one entry per (case, engine) with the verdict now and with the
// baseline exporter, the change between them, and the report that holds them.
//
// Verdict of one export on one engine:
//   PASS          every output within the policy bound (conformance/POLICY.md)
//   MISTRUSTED    ran, but the golden cannot reveal an error (not a failure)
//   FAIL_NUMERIC  an output out of bounds, non-finite, missing or misshapen
//   FAIL_LOAD     our loader or executor refuses the model
//   FAIL_EXPORT   the exporter raised, crashed or timed out (its own error kept)
//   UNSUPPORTED   the export uses an op the engine does not implement (the op and
//                 its graph.nnef:L:C kept): neither a pass nor a failure
// Change, baseline -> now ("failing" = FAIL_*):
//   newly_broken      not failing -> failing   (the only change that gates: exit 1)
//   newly_unsupported not UNSUPPORTED -> UNSUPPORTED: a loss of coverage (the new
//                     export uses an op we lack), not a numeric regression (exit 3)
//   still_unsupported UNSUPPORTED -> UNSUPPORTED (exit 3)
//   fixed             failing -> not failing
//   still_failing     failing -> failing (the verdict may differ: both are shown)
//   unchanged_pass    not failing -> not failing (UNSUPPORTED -> PASS included)
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace rnnconf::exporter_ci {

struct OutputVerdict {
  std::string output;
  bool passed = false;
  std::string reason;
  double e_ours = 0, bound = 0;  // e_ours NaN when not computable
  int64_t ulp_max = -1;
};

struct Verdict {
  std::string verdict;           // PASS | MISTRUSTED | FAIL_NUMERIC | FAIL_LOAD | FAIL_EXPORT | UNSUPPORTED
  std::string error;             // the exporter's / loader's error, or the failing outputs' reasons
  std::string export_traceback;  // FAIL_EXPORT: the exporter's traceback when it has one
  std::string export_path_kind;  // fragment | primitives | "" (no export)
  double worst_abs_error = 0;    // NaN when not computable
  int64_t max_ulp = -1;
  std::vector<OutputVerdict> outputs;
  std::vector<std::string> warnings;  // e.g. an unknown fragment body run literally
  std::string triage;                 // one line for a non-pass; "" when none is available
  std::string defect_class;           // the class of a non-pass (triage.hpp); "" for PASS
  // UNSUPPORTED: the op the engine lacks and where ("file:L:C").
  std::string unsupported_op, unsupported_at;
  bool failing() const { return verdict.rfind("FAIL_", 0) == 0; }
  bool unsupported() const { return verdict == "UNSUPPORTED"; }
};

struct Entry {
  std::string case_name;
  std::string engine, device, mode;  // the engine (cpu, cpu-literal, cuda) and its (device, mode)
  Verdict now, baseline;
  std::string change;  // newly_broken | newly_unsupported | still_unsupported | fixed | still_failing | unchanged_pass
  bool export_changed = false;
  std::string export_diff;    // "identical", or the first differing statements / fragments / tensors
  double export_seconds = 0;  // the exporter's time on this case
  std::string repro;
};

struct Summary {
  int entries = 0, newly_broken = 0, fixed = 0, still_failing = 0, unchanged_pass = 0, export_changed = 0,
      export_failed = 0;
  int unsupported = 0, newly_unsupported = 0;  // entries UNSUPPORTED now; of those, not with the baseline
  void add(const Entry& e);
};

struct Report {
  std::string command_line;
  nlohmann::json exporter = nlohmann::json::object();  // what exporter_ci_export.py says it ran
  std::string release;  // the torch_to_nnef release under test (--exporter-release), "" otherwise
  std::string baseline = "torch_to_nnef 0.24.12 (goldens/data/<case>/export/model.nnef.tgz)";
  std::vector<std::string> shards;  // "K/N" of each part ("1/1" unsharded)
  int shard_cases_total = 0;        // cases selected before sharding (same in every shard)
  std::vector<std::string> engines;
  std::string triage_status;  // how the triage lines were made, or why they are empty
  double export_wall_seconds = 0, judge_wall_seconds = 0;
  std::vector<Entry> entries;
  Summary summary() const;
};

// The change from the baseline verdict to the verdict now (table above).
std::string classify_change(const Verdict& baseline, const Verdict& now);

}  // namespace rnnconf::exporter_ci

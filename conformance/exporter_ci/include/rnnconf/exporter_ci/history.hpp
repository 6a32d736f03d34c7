// The release history of the exporter: exporter-ci reports of several
// torch_to_nnef releases (one report per release, same cases and engines)
// joined into a release x case table of verdicts, one row per defect class
// (triage.hpp) with the first and last release that shows it, and the check
// that conformance/expectations.json describes every release.
//
// A verdict of release R is "as baseline" when it has the verdict and the
// defect class of the committed baseline export (the pinned release) of the
// same case: the unconditional expectations describe it. Anything else is a
// deviation of R and is recorded only by an entry conditioned on the release,
// `"when": {"exporter": [..., R, ...]}` (expectations.hpp), whose verdict it
// has. A cell the expectations do not describe is "unrecorded";
// proposed_expectations() writes the conditional entries that would record
// them, grouped per case and class, with the triage line as the reason.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "rnnconf/conformance/expectations.hpp"
#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci {

struct HistoryCell {
  std::string verdict;       // PASS | MISTRUSTED | FAIL_NUMERIC | FAIL_LOAD | FAIL_EXPORT
  std::string defect_class;  // "" for PASS
  std::string triage;        // "" for PASS
  bool as_baseline = true;   // same verdict and class as the committed baseline export
  std::string expectation;   // the entry that applies for this release ("VERDICT: reason [when ...]"), or ""
  bool recorded = false;     // the expectations describe this verdict for this release
};

struct HistoryRow {
  std::string case_name, engine, device, mode;
  HistoryCell baseline;            // the committed baseline export on this engine
  std::vector<HistoryCell> cells;  // one per History::releases
};

struct DefectClassRow {
  std::string name;                    // e.g. "export: T2NErrorNotImplemented: 'unsafe_chunk'"
  std::string verdict;
  std::vector<int> cases_per_release;  // entries showing it, per History::releases
  std::string first_release, last_release;
  int baseline_cases = 0;              // entries whose committed baseline export shows it
  std::string example_case, example_triage;
};

struct ReleaseSummary {
  std::string release, torch;
  std::map<std::string, int> verdicts;  // verdict -> entries
  int differs_from_baseline = 0, unrecorded = 0, untriaged = 0;
  double export_seconds = 0, judge_seconds = 0;
};

struct History {
  std::string baseline;                // what the baseline verdicts are (Report::baseline)
  std::vector<std::string> releases;   // ascending
  std::vector<std::string> engines;
  std::vector<ReleaseSummary> summaries;
  std::vector<HistoryRow> rows;        // the first report's entry order (matrix order)
  std::vector<DefectClassRow> classes; // by first release, then by name
  int unrecorded = 0, untriaged = 0;   // over every release
};

// Whether an expectation (nullptr: none, the case is expected to pass)
// describes VERDICT: FAIL_TRACT_RUN (tract refused the baseline export) is
// our loader's FAIL_LOAD; PASS, MISTRUSTED and the other FAIL_* are themselves.
bool expectation_describes(const conformance::Expectation* e, const std::string& verdict);

// The release a report is about: Report::release, else the torch_to_nnef
// version the export driver saw. Throws Error when neither is known.
std::string release_of(const Report& r);

// REPORTS: one per release, of the same (case, engine) entries; throws Error
// (naming the release) otherwise.
History build_history(const std::vector<Report>& reports, const conformance::Expectations& expectations);

nlohmann::json history_json(const History& h);

struct HistoryNotes {
  std::string command;  // the command that made it
  std::string date;     // when
  std::string plot;     // the PNG's file name, relative to the Markdown ("" = none)
  std::string timing;   // free text: wall times, machine
};
std::string history_markdown(const History& h, const HistoryNotes& notes);

// {"version": 1, "entries": [...]}: the conditional expectation entries that
// would record every unrecorded cell (goldens/make_expectations.py --add).
nlohmann::json proposed_expectations(const History& h);

}  // namespace rnnconf::exporter_ci

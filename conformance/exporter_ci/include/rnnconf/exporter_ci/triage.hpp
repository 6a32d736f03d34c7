// The triage of a verdict that is not PASS: one line saying what went wrong,
// and its defect class, the key under which the release history
// (history.hpp) groups the non-passes of many cases and releases.
//
//   FAIL_NUMERIC  conformance/triage.hpp on reference_cpu: first divergent
//                 (layer, direction, step) and the bug class that reproduces it;
//                 class "numeric: <bug class>" (e.g. "numeric: initial state")
//   FAIL_EXPORT   the exporter's own error; class "export: <telling line>"
//   FAIL_LOAD     our loader's or executor's error; class "load: <telling line>"
//   MISTRUSTED    the golden's mistrust fraction; class "mistrusted: saturated
//                 truth" or "mistrusted: relu zeros"
// The telling line of an error (error_class) is the innermost cause of a
// "Caused by:" chain, else its first line, without the file location, with
// paths written <path> and numbers #: so one defect met by cases of different
// sizes (or in exports written to different folders) is one class.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci {

struct Triage {
  std::string line;          // "" for PASS
  std::string defect_class;  // "" for PASS
};

// MODEL is the judged export (absent when the export failed); MODE the
// fragment mode the verdict was judged in.
Triage triage_verdict(const conformance::MatrixCase& c, const std::filesystem::path& golden_dir,
                      const conformance::Golden& g, const std::optional<std::filesystem::path>& model,
                      const Verdict& v, const conformance::Policy& policy, const std::string& mode);

// How the triage lines are made (recorded in every report).
std::string triage_status();

// The telling line of an error text, normalized as above (at most 160 characters).
std::string error_class(const std::string& error_text);

}  // namespace rnnconf::exporter_ci

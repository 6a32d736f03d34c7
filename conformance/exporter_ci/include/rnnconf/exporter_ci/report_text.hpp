// The text of an exporter-ci report: one line per entry (with details under
// the interesting ones) and the summary line.
#pragma once

#include <string>

#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci {

// "[i/N] CHANGE  engine  case  now VERDICT (err e)  baseline VERDICT  [export changed]",
// then, with DETAILS, the failure, its triage, the export diff and the repro.
std::string format_entry(const Entry& e, size_t index, size_t total, bool details);
std::string format_summary(const Report& r);

}  // namespace rnnconf::exporter_ci

// The report model (report.hpp): the summary counts and the change of an entry.
#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci {

void Summary::add(const Entry& e) {
  ++entries;
  if (e.change == "newly_broken")
    ++newly_broken;
  else if (e.change == "fixed")
    ++fixed;
  else if (e.change == "still_failing")
    ++still_failing;
  else if (e.change == "unchanged_pass")
    ++unchanged_pass;
  if (e.change == "newly_unsupported") ++newly_unsupported;
  if (e.now.unsupported()) ++unsupported;
  if (e.export_changed) ++export_changed;
  if (e.now.verdict == "FAIL_EXPORT") ++export_failed;
}

Summary Report::summary() const {
  Summary s;
  for (const auto& e : entries) s.add(e);
  return s;
}

std::string classify_change(const Verdict& baseline, const Verdict& now) {
  if (now.unsupported()) return baseline.unsupported() ? "still_unsupported" : "newly_unsupported";
  if (!baseline.failing() && now.failing()) return "newly_broken";
  if (baseline.failing() && !now.failing()) return "fixed";
  if (baseline.failing()) return "still_failing";
  return "unchanged_pass";
}

}  // namespace rnnconf::exporter_ci

// The text lines and the summary of an exporter-ci report (report_text.hpp).
#include "rnnconf/exporter_ci/report_text.hpp"

#include <fmt/format.h>

#include <cmath>

namespace rnnconf::exporter_ci {

namespace {

std::string change_label(const std::string& change) {
  if (change == "newly_broken") return "NEWLY BROKEN";
  if (change == "fixed") return "FIXED";
  if (change == "still_failing") return "still failing";
  if (change == "newly_unsupported") return "NEWLY UNSUPP.";
  if (change == "still_unsupported") return "unsupported";
  return "unchanged pass";
}

std::string verdict_text(const Verdict& v) {
  std::string s = v.verdict;
  if (!v.outputs.empty() && std::isfinite(v.worst_abs_error)) s += fmt::format(" (err {:.3g})", v.worst_abs_error);
  return s;
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out = prefix;
  for (char ch : text) {
    out += ch;
    if (ch == '\n') out += prefix;
  }
  return out;
}

// The details of an entry: the failure's error and triage, the export diff.
std::string details(const Entry& e) {
  std::string out;
  auto add = [&](const std::string& key, const std::string& value) {
    if (!value.empty()) out += "\n" + indent(key + value, "      ");
  };
  if (e.now.failing()) {
    add("now: ", e.now.error);
    // Export and load failures: the triage line restates the error shown above.
    if (e.now.verdict == "FAIL_NUMERIC") add("triage: ", e.now.triage);
  }
  if (e.now.unsupported()) add("now: ", e.now.error);
  if (e.change == "newly_unsupported")
    add("coverage: ", "the export now uses an op the engine lacks (not a numeric regression; baseline " +
                          e.baseline.verdict + ")");
  if (e.baseline.failing() && e.change != "still_failing") add("baseline: ", e.baseline.error);
  if (e.baseline.failing() && e.change == "still_failing" && e.baseline.verdict != e.now.verdict)
    add("baseline: ", e.baseline.verdict + ": " + e.baseline.error);
  if (e.export_changed) add("export vs baseline: ", e.export_diff);
  for (const auto& w : e.now.warnings) add("warning: ", w);
  if (e.change == "newly_broken" || e.change == "fixed" || e.change == "newly_unsupported") add("repro: ", e.repro);
  return out;
}

}  // namespace

std::string format_entry(const Entry& e, size_t index, size_t total, bool with_details) {
  const int width = static_cast<int>(std::to_string(total).size());
  std::string line = fmt::format("[{:>{}}/{}] {:<14} {:<11} {}  now {}  baseline {}{}", index, width, total,
                                 change_label(e.change), e.engine, e.case_name, verdict_text(e.now),
                                 verdict_text(e.baseline), e.export_changed ? "  [export changed]" : "");
  return with_details ? line + details(e) : line;
}

std::string format_summary(const Report& r) {
  const Summary s = r.summary();
  std::string shards;
  for (const auto& sh : r.shards) shards += (shards.empty() ? "" : ",") + sh;
  return fmt::format(
      "exporter-ci{}{}: {} judged: newly broken {}, fixed {}, still failing {}, unchanged pass {}, "
      "unsupported {} (newly {}); exports changed {}, exports failed {}; export {:.1f}s, judge {:.1f}s",
      r.release.empty() ? "" : " (torch_to_nnef " + r.release + ")",
      shards.empty() || shards == "1/1" ? "" : " (shards " + shards + ")", s.entries, s.newly_broken, s.fixed,
      s.still_failing, s.unchanged_pass, s.unsupported, s.newly_unsupported, s.export_changed, s.export_failed,
      r.export_wall_seconds,
      r.judge_wall_seconds);
}

}  // namespace rnnconf::exporter_ci

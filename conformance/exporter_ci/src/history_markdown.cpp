// The release history as Markdown (history.hpp): the releases, one row per
// defect class with its first and last release, and the release x case table
// of the cases that do not pass in every release.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "rnnconf/exporter_ci/history.hpp"

namespace rnnconf::exporter_ci {

namespace {

// Markdown table cells: no pipes, no line breaks.
std::string md(std::string s) {
  std::string out;
  for (char ch : s) {
    if (ch == '|') out += "\\|";
    else if (ch == '\n') out += ' ';
    else out += ch;
  }
  return out;
}

std::string short_verdict(const std::string& v) {
  if (v == "PASS") return "pass";
  if (v == "MISTRUSTED") return "mistrusted";
  if (v == "FAIL_NUMERIC") return "numeric";
  if (v == "FAIL_LOAD") return "load";
  if (v == "FAIL_EXPORT") return "export";
  if (v == "UNSUPPORTED") return "unsupported";
  return v;
}

std::string header(const std::vector<std::string>& columns) {
  std::string h = "|", rule = "|";
  for (const auto& c : columns) {
    h += " " + c + " |";
    rule += "---|";
  }
  return h + "\n" + rule + "\n";
}

}  // namespace

std::string history_markdown(const History& h, const HistoryNotes& notes) {
  std::map<std::string, size_t> class_index;
  for (size_t i = 0; i < h.classes.size(); ++i) class_index[h.classes[i].name] = i + 1;
  auto cell_text = [&](const HistoryCell& c) {
    std::string s = short_verdict(c.verdict);
    if (c.verdict != "PASS") s += fmt::format(" C{}", class_index[c.defect_class]);
    if (!c.recorded) s += " **unrecorded**";
    return s;
  };
  std::string engines;
  for (const auto& e : h.engines) engines += (engines.empty() ? "" : ", ") + e;
  std::string torch = h.summaries.empty() ? "" : h.summaries.front().torch;

  std::string out = "# torch_to_nnef release history\n\n";
  out += fmt::format(
      "Every case of the matrix exported with each torch_to_nnef release (installed with `pip install --no-deps "
      "--target` next to torch {}) and judged on rnnconf's engine{} {} against the goldens; made by `rnnconf "
      "exporter-ci --exporter-release` (conformance/exporter_ci/README.md).\n\n",
      torch, h.engines.size() > 1 ? "s" : "", engines);
  if (!notes.command.empty()) out += "```\n" + notes.command + "\n```\n\n";
  if (!notes.date.empty()) out += "Made " + notes.date + ". ";
  out += fmt::format("{} releases, {} cases x {} engine(s); baseline: {}.\n\n", h.releases.size(),
                     h.rows.size() / std::max<size_t>(1, h.engines.size()), h.engines.size(), h.baseline);
  out += fmt::format(
      "Every non-pass is triaged (a defect class and a triage line): {} untriaged. Every verdict is described by "
      "conformance/expectations.json for its release (the unconditional entries for the baseline's own defects, "
      "entries conditioned on `exporter` for the others): {} unrecorded.\n\n",
      h.untriaged, h.unrecorded);
  if (!notes.timing.empty()) out += notes.timing + "\n\n";
  if (!notes.plot.empty()) out += "![release x defect class and release x case verdicts](" + notes.plot + ")\n\n";

  out += "## Releases\n\n";
  out += header({"release", "pass", "mistrusted", "numeric", "load", "export", "differs from baseline",
                 "unrecorded", "export s", "judge s"});
  for (const auto& s : h.summaries) {
    auto n = [&](const std::string& v) {
      const auto it = s.verdicts.find(v);
      return it == s.verdicts.end() ? 0 : it->second;
    };
    out += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {:.1f} | {:.1f} |\n", s.release, n("PASS"),
                       n("MISTRUSTED"), n("FAIL_NUMERIC"), n("FAIL_LOAD"), n("FAIL_EXPORT"), s.differs_from_baseline,
                       s.unrecorded, s.export_seconds, s.judge_seconds);
  }

  out += "\n## Defect classes\n\n";
  out += "One row per class: the entries showing it in each release, the first and last release that shows it, "
         "and how many committed baseline exports show it. The class is the triage's bug class (numeric) or the "
         "telling line of the exporter's or loader's error, numbers written #.\n\n";
  std::vector<std::string> cols = {"class", "defect", "verdict", "first", "last", "baseline"};
  for (const auto& r : h.releases) cols.push_back(r);
  cols.push_back("example");
  out += header(cols);
  for (size_t i = 0; i < h.classes.size(); ++i) {
    const auto& d = h.classes[i];
    out += fmt::format("| C{} | {} | {} | {} | {} | {} |", i + 1, md(d.name), short_verdict(d.verdict),
                       d.first_release.empty() ? "-" : d.first_release, d.last_release.empty() ? "-" : d.last_release,
                       d.baseline_cases);
    for (int n : d.cases_per_release) out += fmt::format(" {} |", n);
    out += " `" + d.example_case + "`: " + md(d.example_triage) + " |\n";
  }

  out += "\n## Release x case\n\n";
  size_t all_pass = 0;
  std::string rows;
  for (const auto& r : h.rows) {
    const bool passes_everywhere = std::all_of(r.cells.begin(), r.cells.end(), [](const HistoryCell& c) {
      return c.verdict == "PASS" && c.recorded;
    });
    if (passes_everywhere) {
      ++all_pass;
      continue;
    }
    rows += "| `" + r.case_name + "`" + (h.engines.size() > 1 ? " " + r.engine : "") + " | " +
            (r.baseline.verdict == "PASS" ? "pass" : short_verdict(r.baseline.verdict) +
                                                         fmt::format(" C{}", class_index[r.baseline.defect_class])) +
            " |";
    for (const auto& c : r.cells) rows += " " + cell_text(c) + " |";
    rows += "\n";
  }
  out += fmt::format(
      "{} of {} entries pass with every release and are not listed; the others, with the class of each "
      "non-pass (`--json` writes every cell with its triage line and the expectation that applies):\n\n",
      all_pass, h.rows.size());
  std::vector<std::string> case_cols = {"case", "baseline"};
  for (const auto& r : h.releases) case_cols.push_back(r);
  out += header(case_cols) + rows;
  return out;
}

}  // namespace rnnconf::exporter_ci

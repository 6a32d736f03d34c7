// The exporter's release history (history.hpp): aggregation, the check
// against the expectations, and the proposed conditional entries.
#include "rnnconf/exporter_ci/history.hpp"

#include <algorithm>
#include <set>

#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/releases.hpp"

namespace rnnconf::exporter_ci {

namespace {

std::string expectation_text(const conformance::Expectation* e) {
  if (!e) return "";
  std::string s = e->verdict + ": " + e->reason;
  if (!e->when.empty()) s += " [when " + e->condition_text() + "]";
  return s;
}

HistoryCell cell_of(const Verdict& v) {
  HistoryCell c;
  c.verdict = v.verdict;
  c.defect_class = v.defect_class;
  c.triage = v.triage;
  return c;
}

// Whether the expectations describe CELL of release RELEASE (sets its expectation).
void check_recorded(HistoryCell& cell, const Entry& e, const std::string& release,
                    const conformance::Expectations& ex) {
  const auto* x = ex.find(e.case_name, conformance::ExpectationContext{e.engine, e.device, e.mode, release});
  cell.expectation = expectation_text(x);
  const bool conditioned_on_release = x && x->when.count("exporter");
  // A deviation from the baseline is described only by an entry of its release.
  cell.recorded = expectation_describes(x, cell.verdict) && (cell.as_baseline || conditioned_on_release);
}

std::string entry_key(const Entry& e) { return e.case_name + " " + e.engine; }

}  // namespace

bool expectation_describes(const conformance::Expectation* e, const std::string& verdict) {
  if (!e) return verdict == "PASS";
  if (e->verdict == "FAIL_TRACT_RUN") return verdict == "FAIL_LOAD";
  return e->verdict == verdict;
}

std::string release_of(const Report& r) {
  if (!r.release.empty()) return r.release;
  if (r.exporter.contains("torch_to_nnef_version") && r.exporter["torch_to_nnef_version"].is_string())
    return r.exporter["torch_to_nnef_version"].get<std::string>();
  throw Error("an exporter-ci report without a release (neither --exporter-release nor the exporter's version)");
}

History build_history(const std::vector<Report>& reports, const conformance::Expectations& ex) {
  if (reports.empty()) throw Error("release history: no report");
  // Reports in release order.
  std::vector<std::pair<std::string, const Report*>> by_release;
  for (const auto& r : reports) by_release.emplace_back(release_of(r), &r);
  std::sort(by_release.begin(), by_release.end(),
            [](const auto& a, const auto& b) { return version_less(a.first, b.first); });
  for (size_t i = 1; i < by_release.size(); ++i)
    if (parse_version(by_release[i].first) == parse_version(by_release[i - 1].first))
      throw Error("release history: two reports of torch_to_nnef " + by_release[i].first);

  History h;
  const Report& first = *by_release.front().second;
  h.baseline = first.baseline;
  h.engines = first.engines;
  std::map<std::string, size_t> row_of;
  for (const auto& e : first.entries) {
    row_of[entry_key(e)] = h.rows.size();
    HistoryRow row{e.case_name, e.engine, e.device, e.mode, cell_of(e.baseline), {}};
    h.rows.push_back(std::move(row));
  }
  for (const auto& [release, report] : by_release) {
    h.releases.push_back(release);
    if (report->entries.size() != h.rows.size())
      throw Error("release history: the report of " + release + " has " + std::to_string(report->entries.size()) +
                  " entries, that of " + by_release.front().first + " " + std::to_string(h.rows.size()) +
                  " (give reports of the same cases and engines)");
    ReleaseSummary s;
    s.release = release;
    if (report->exporter.contains("torch") && report->exporter["torch"].is_string())
      s.torch = report->exporter["torch"].get<std::string>();
    s.export_seconds = report->export_wall_seconds;
    s.judge_seconds = report->judge_wall_seconds;
    for (const auto& e : report->entries) {
      const auto it = row_of.find(entry_key(e));
      if (it == row_of.end())
        throw Error("release history: " + e.case_name + " (" + e.engine + ") is in the report of " + release +
                    " only (give reports of the same cases and engines)");
      HistoryRow& row = h.rows[it->second];
      HistoryCell c = cell_of(e.now);
      c.as_baseline = c.verdict == row.baseline.verdict && c.defect_class == row.baseline.defect_class;
      check_recorded(c, e, release, ex);
      ++s.verdicts[c.verdict];
      if (!c.as_baseline) ++s.differs_from_baseline;
      if (!c.recorded) ++s.unrecorded;
      if (c.verdict != "PASS" && (c.defect_class.empty() || c.triage.empty())) ++s.untriaged;
      row.cells.push_back(std::move(c));
    }
    h.unrecorded += s.unrecorded;
    h.untriaged += s.untriaged;
    h.summaries.push_back(std::move(s));
  }

  // One row per defect class.
  std::map<std::string, DefectClassRow> classes;
  for (const auto& row : h.rows) {
    for (size_t i = 0; i < row.cells.size(); ++i) {
      const HistoryCell& c = row.cells[i];
      if (c.verdict == "PASS") continue;
      DefectClassRow& d = classes[c.defect_class];
      if (d.name.empty()) {
        d.name = c.defect_class;
        d.verdict = c.verdict;
        d.cases_per_release.assign(h.releases.size(), 0);
      }
      ++d.cases_per_release[i];
    }
    if (row.baseline.verdict != "PASS") {
      DefectClassRow& d = classes[row.baseline.defect_class];
      if (d.name.empty()) {
        d.name = row.baseline.defect_class;
        d.verdict = row.baseline.verdict;
        d.cases_per_release.assign(h.releases.size(), 0);
      }
      ++d.baseline_cases;
    }
  }
  for (auto& [name, d] : classes) {
    for (size_t i = 0; i < h.releases.size(); ++i)
      if (d.cases_per_release[i] > 0) {
        if (d.first_release.empty()) d.first_release = h.releases[i];
        d.last_release = h.releases[i];
      }
    // The example: the first case (matrix order) in the first release showing it.
    for (size_t i = 0; i < h.releases.size() && d.example_case.empty(); ++i)
      for (const auto& row : h.rows)
        if (row.cells[i].verdict != "PASS" && row.cells[i].defect_class == name) {
          d.example_case = row.case_name;
          d.example_triage = row.cells[i].triage;
          break;
        }
    if (d.example_case.empty())
      for (const auto& row : h.rows)
        if (row.baseline.verdict != "PASS" && row.baseline.defect_class == name) {
          d.example_case = row.case_name;
          d.example_triage = row.baseline.triage;
          break;
        }
    h.classes.push_back(d);
  }
  auto release_rank = [&](const std::string& r) {
    const auto it = std::find(h.releases.begin(), h.releases.end(), r);
    return it == h.releases.end() ? h.releases.size() : static_cast<size_t>(it - h.releases.begin());
  };
  std::stable_sort(h.classes.begin(), h.classes.end(), [&](const DefectClassRow& a, const DefectClassRow& b) {
    return std::make_pair(release_rank(a.first_release), a.name) < std::make_pair(release_rank(b.first_release), b.name);
  });
  return h;
}

nlohmann::json proposed_expectations(const History& h) {
  // Per (case, engine, verdict, class): the releases where it is unrecorded.
  struct Group {
    const HistoryRow* row;
    const HistoryCell* first;
    std::vector<std::string> releases;
  };
  std::vector<std::pair<std::string, Group>> groups;
  for (const auto& row : h.rows)
    for (size_t i = 0; i < row.cells.size(); ++i) {
      const HistoryCell& c = row.cells[i];
      if (c.recorded) continue;
      const std::string key = row.case_name + "\n" + row.engine + "\n" + c.verdict + "\n" + c.defect_class;
      auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == key; });
      if (it == groups.end()) {
        groups.push_back({key, Group{&row, &c, {}}});
        it = groups.end() - 1;
      }
      it->second.releases.push_back(h.releases[i]);
    }
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& [key, g] : groups) {
    std::string torch;
    for (const auto& s : h.summaries)
      if (s.release == g.releases.front()) torch = s.torch;
    nlohmann::json when = {{"exporter", g.releases}};
    if (h.engines.size() > 1) when["engine"] = g.row->engine;
    std::string reason = g.first->verdict == "PASS"
                             ? "passes with these releases (the pinned release: " + g.row->baseline.triage + ")"
                             : g.first->triage;
    if (reason.size() > 300) reason = reason.substr(0, 297) + "...";
    entries.push_back({{"case", g.row->case_name},
                       {"verdict", g.first->verdict},
                       {"reason", reason},
                       {"first_seen", "torch_to_nnef " + g.releases.front() + (torch.empty() ? "" : ", torch " + torch)},
                       {"when", when}});
  }
  return {{"version", 1}, {"entries", entries}};
}

nlohmann::json history_json(const History& h) {
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& d : h.classes)
    classes.push_back({{"class", d.name},
                       {"verdict", d.verdict},
                       {"first_release", d.first_release},
                       {"last_release", d.last_release},
                       {"cases_per_release", d.cases_per_release},
                       {"baseline_cases", d.baseline_cases},
                       {"example_case", d.example_case},
                       {"example_triage", d.example_triage}});
  auto cell_json = [](const HistoryCell& c) {
    return nlohmann::json{{"verdict", c.verdict},      {"defect_class", c.defect_class}, {"triage", c.triage},
                          {"as_baseline", c.as_baseline}, {"expectation", c.expectation},   {"recorded", c.recorded}};
  };
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : h.rows) {
    nlohmann::json cells = nlohmann::json::array();
    for (const auto& c : r.cells) cells.push_back(cell_json(c));
    rows.push_back({{"case", r.case_name},
                    {"engine", r.engine},
                    {"device", r.device},
                    {"mode", r.mode},
                    {"baseline", cell_json(r.baseline)},
                    {"cells", cells}});
  }
  nlohmann::json summaries = nlohmann::json::array();
  for (const auto& s : h.summaries)
    summaries.push_back({{"release", s.release},
                         {"torch", s.torch},
                         {"verdicts", s.verdicts},
                         {"differs_from_baseline", s.differs_from_baseline},
                         {"unrecorded", s.unrecorded},
                         {"untriaged", s.untriaged},
                         {"export_wall_s", s.export_seconds},
                         {"judge_wall_s", s.judge_seconds}});
  return {{"tool", "rnnconf exporter-ci history"},
          {"format_version", 1},
          {"baseline", h.baseline},
          {"releases", h.releases},
          {"engines", h.engines},
          {"unrecorded", h.unrecorded},
          {"untriaged", h.untriaged},
          {"summaries", summaries},
          {"classes", classes},
          {"rows", rows}};
}

}  // namespace rnnconf::exporter_ci

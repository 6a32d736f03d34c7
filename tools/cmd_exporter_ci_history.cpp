// `rnnconf exporter-ci history REPORT.json...`: joins exporter-ci reports of
// several torch_to_nnef releases into the release history
// (rnnconf::exporter_ci::build_history) and writes it: Markdown, JSON, the PNG
// plot (conformance/exporter_ci/history_plot.py, matplotlib) and the
// conditional expectations that would record its unrecorded verdicts.
// Exit 1 when a verdict is untriaged or unrecorded.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>

#include "exporter_ci_commands.hpp"
#include "rnnconf/conformance/expectations.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/history.hpp"
#include "rnnconf/exporter_ci/process.hpp"
#include "rnnconf/exporter_ci/report_files.hpp"

namespace rnnconf::tools {

namespace fs = std::filesystem;
namespace xci = rnnconf::exporter_ci;

namespace {

void write_text(const fs::path& file, const std::string& text) {
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  out << text;
  if (!out) throw Error(SourceLocation::in_file(file.string()), "cannot write");
}

std::string today() {
  const auto now = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  const std::chrono::year_month_day ymd{now};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

void draw_plot(const ExporterCiHistoryArgs& a, const fs::path& history_json) {
  const std::string python = a.python.empty() ? project_python(a.root) : a.python;
  if (fs::path(a.plot).has_parent_path()) fs::create_directories(fs::path(a.plot).parent_path());
  const std::vector<std::string> argv = {python, (a.root / "conformance" / "exporter_ci" / "history_plot.py").string(),
                                         history_json.string(), a.plot};
  const xci::ProcessResult r = xci::run_process(argv);
  if (r.status != 0)
    throw Error("the plot failed (exit " + std::to_string(r.status) + "): " + xci::command_text(argv) + "\n" +
                r.output + "(it needs matplotlib: the project's venv has it)");
}

}  // namespace

int cmd_exporter_ci_history(const ExporterCiHistoryArgs& a) {
  if (a.inputs.empty()) throw Error("exporter-ci history: give one exporter-ci --json report per release");
  std::vector<xci::Report> reports;
  for (const auto& f : a.inputs) reports.push_back(xci::read_report(f));
  const auto expectations = conformance::Expectations::load(a.root / "conformance" / "expectations.json");
  const xci::History h = xci::build_history(reports, expectations);

  std::cout << "release history: " << h.releases.size() << " releases, " << h.rows.size() << " entries, "
            << h.classes.size() << " defect classes\n";
  for (size_t i = 0; i < h.classes.size(); ++i) {
    const auto& d = h.classes[i];
    std::cout << fmt::format("  C{:<3} {:<13} {:>8} .. {:<8} {}\n", i + 1, d.verdict,
                             d.first_release.empty() ? "-" : d.first_release,
                             d.last_release.empty() ? "-" : d.last_release, d.name);
  }
  for (const auto& s : h.summaries)
    std::cout << fmt::format("  {:<8} differs from baseline {:>3}, unrecorded {:>3}, untriaged {}\n", s.release,
                             s.differs_from_baseline, s.unrecorded, s.untriaged);

  if (!a.markdown.empty()) {
    xci::HistoryNotes notes;
    notes.command = a.command_line;
    notes.date = today();
    notes.timing = a.timing;
    if (!a.plot.empty())
      notes.plot = fs::path(a.plot).lexically_proximate(fs::path(a.markdown).parent_path().empty()
                                                            ? fs::path(".")
                                                            : fs::path(a.markdown).parent_path())
                       .string();
    write_text(a.markdown, xci::history_markdown(h, notes));
    std::cout << "markdown: " << a.markdown << "\n";
  }
  if (!a.propose_expectations.empty()) {
    const nlohmann::json p = xci::proposed_expectations(h);
    std::string text = "{\"version\": 1, \"entries\": [\n";
    for (size_t i = 0; i < p["entries"].size(); ++i) text += (i ? ",\n" : "") + p["entries"][i].dump();
    write_text(a.propose_expectations, text + "\n]}\n");
    std::cout << "proposed expectations: " << p["entries"].size() << " entries in " << a.propose_expectations
              << " (add them: goldens/make_expectations.py --add " << a.propose_expectations << ")\n";
  }
  const nlohmann::json hj = xci::history_json(h);
  fs::path json_file = a.json;
  const bool temporary_json = json_file.empty() && !a.plot.empty();
  if (temporary_json) json_file = fs::temp_directory_path() / ("rnnconf-history-" + std::to_string(getpid()) + ".json");
  if (!json_file.empty()) write_text(json_file, hj.dump(1) + "\n");
  if (!a.plot.empty()) {
    draw_plot(a, json_file);
    std::cout << "plot: " << a.plot << "\n";
  }
  if (temporary_json) fs::remove(json_file);
  if (h.untriaged > 0 || h.unrecorded > 0) {
    std::cout << "release history: " << h.untriaged << " untriaged, " << h.unrecorded
              << " unrecorded verdict(s): triage them and record them in conformance/expectations.json\n";
    return 1;
  }
  std::cout << "release history: every non-pass triaged and recorded\n";
  return 0;
}

}  // namespace rnnconf::tools

// Text lines, summary, JSON and JUnit reports of a conformance run.
#include "rnnconf/conformance/report.hpp"

#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "rnnconf/core/error.hpp"

namespace rnnconf::conformance {

namespace {

std::string failure_detail(const CaseResult& r) {
  if (!r.error.empty()) return r.error;
  std::string d;
  for (const auto& o : r.outputs)
    if (!o.passed) d += (d.empty() ? "" : "; ") + o.output + ": " + o.reason;
  return d;
}

bool is_failure(Outcome o) { return o == Outcome::unexpected_failure || o == Outcome::expected_failure; }

// {op, file, line, column} of an UNSUPPORTED result; null otherwise.
nlohmann::json unsupported_json(const CaseResult& r) {
  if (r.outcome != Outcome::unsupported) return nullptr;
  return {{"op", r.unsupported_op},
          {"file", r.unsupported_at.file},
          {"line", r.unsupported_at.line},
          {"column", r.unsupported_at.column}};
}

nlohmann::json finite_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }


std::ofstream open_out(const std::filesystem::path& file) {
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  if (!out) throw Error(SourceLocation::in_file(file.string()), "cannot write report");
  return out;
}

}  // namespace

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(ch) < 0x20 && ch != '\n' && ch != '\t') out += ' ';
        else out += ch;
    }
  }
  return out;
}

std::string format_result_line(const CaseResult& r, size_t index, size_t total) {
  const int width = static_cast<int>(std::to_string(total).size());
  std::string line = fmt::format("[{:>{}}/{}] {:<10} {:<11} {}", index, width, total, outcome_name(r.outcome),
                                 r.engine, r.case_name);
  if (r.model_source != "t2n") line += " [" + r.model_source + "]";
  if (r.outcome == Outcome::skipped) return line + "  (" + r.skip_reason + ")";
  if (r.outcome == Outcome::unsupported) {
    line += "  op '" + r.unsupported_op + "' at " + r.unsupported_at.str() + "\n      why: " + r.error;
    if (!r.expectation.empty()) line += "\n      expected: " + r.expectation;
    return line + "\n      repro: " + r.repro;
  }
  if (!r.outputs.empty() && r.error.empty())
    line += fmt::format("  err {:.3g}  ulp {}", r.worst_abs_error, r.max_ulp);
  line += fmt::format("  {:.1f} ms", r.seconds * 1e3);
  if (is_failure(r.outcome) || r.outcome == Outcome::unexpected_pass || r.outcome == Outcome::mistrusted) {
    const std::string detail = failure_detail(r);
    if (!detail.empty()) line += "\n      why: " + detail;
    if (!r.expectation.empty()) line += "\n      expected: " + r.expectation;
    if (!r.triage.empty()) line += "\n      triage: " + r.triage;
    line += "\n      repro: " + r.repro;
  }
  for (const auto& w : r.warnings) line += "\n      warning: " + w;
  return line;
}

std::string format_summary(const Summary& s) {
  std::string out = fmt::format(
      "total {}: passed {}, failed {} (expected {}, unexpected {}), unexpected passes {}, mistrusted {}, skipped {}, "
      "unsupported {}",
      s.total, s.passed, s.failed, s.expected_failures, s.unexpected_failures, s.unexpected_passes, s.mistrusted,
      s.skipped, s.unsupported);
  for (const auto& [what, why] : s.skips) out += "\n  skipped " + what + ": " + why;
  for (const auto& [what, op] : s.unsupported_ops) out += "\n  unsupported " + what + ": " + op;
  return out;
}

void write_json_report(const std::filesystem::path& file, const std::vector<CaseResult>& results,
                       const Summary& summary, const std::string& command_line) {
  nlohmann::json j;
  j["tool"] = "rnnconf run";
  j["command"] = command_line;
  nlohmann::json skips = nlohmann::json::array();
  for (const auto& [what, why] : summary.skips) skips.push_back({{"case", what}, {"reason", why}});
  j["summary"] = {{"total", summary.total},
                  {"passed", summary.passed},
                  {"failed", summary.failed},
                  {"expected_failures", summary.expected_failures},
                  {"unexpected_failures", summary.unexpected_failures},
                  {"unexpected_passes", summary.unexpected_passes},
                  {"mistrusted", summary.mistrusted},
                  {"skipped", summary.skipped},
                  {"unsupported", summary.unsupported},
                  {"skips", skips}};
  nlohmann::json cases = nlohmann::json::array();
  for (const auto& r : results) {
    nlohmann::json outs = nlohmann::json::array();
    for (const auto& o : r.outputs)
      outs.push_back({{"output", o.output},
                      {"passed", o.passed},
                      {"reason", o.reason},
                      {"e_ours", finite_or_null(o.e_ours)},
                      {"e_torch", o.e_torch},
                      {"bound", o.bound},
                      {"ulp_max", o.ulp_max},
                      {"ulp_p99", o.ulp_p99},
                      {"worst_index", o.worst_index},
                      {"nonfinite", o.nonfinite}});
    cases.push_back({{"case", r.case_name},
                     {"engine", r.engine},
                     {"mode", r.mode},
                     {"device", r.device},
                     {"outcome", std::string(outcome_name(r.outcome))},
                     {"numerically_passed", r.numerically_passed},
                     {"worst_abs_error", finite_or_null(r.worst_abs_error)},
                     {"max_ulp", r.max_ulp},
                     {"seconds", r.seconds},
                     {"error", r.error},
                     {"skip_reason", r.skip_reason},
                     {"expectation", r.expectation},
                     {"expectation_when", r.expectation_when},
                     {"model_source", r.model_source},
                     {"export_path", r.export_path_kind},
                     {"emitter_diff", r.emitter_diff},
                     {"triage", r.triage},
                     {"warnings", r.warnings},
                     {"outputs", outs},
                     {"unsupported_op", unsupported_json(r)},
                     {"repro", r.repro}});
  }
  j["cases"] = cases;
  auto out = open_out(file);
  out << j.dump(1) << "\n";
}

void write_junit_report(const std::filesystem::path& file, const std::vector<CaseResult>& results,
                        const Summary& summary) {
  auto out = open_out(file);
  double total_time = 0;
  for (const auto& r : results) total_time += r.seconds;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << fmt::format("<testsuites name=\"rnnconf\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
                     summary.total, summary.unexpected_failures + summary.unexpected_passes,
                     summary.skipped + summary.expected_failures + summary.mistrusted + summary.unsupported,
                     total_time);
  out << fmt::format("<testsuite name=\"conformance\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3f}\">\n",
                     summary.total, summary.unexpected_failures + summary.unexpected_passes,
                     summary.skipped + summary.expected_failures + summary.mistrusted + summary.unsupported,
                     total_time);
  for (const auto& r : results) {
    // classname keeps device.mode (what CI dashboards group by); the engine is a property.
    out << fmt::format("  <testcase classname=\"rnnconf.{}.{}\" name=\"{}\" time=\"{:.6f}\">\n", r.device, r.mode,
                       xml_escape(r.case_name), r.seconds);
    out << fmt::format("    <properties><property name=\"engine\" value=\"{}\"/></properties>\n",
                       xml_escape(r.engine));
    const std::string detail = xml_escape(failure_detail(r));
    switch (r.outcome) {
      case Outcome::passed: break;
      case Outcome::unexpected_failure:
        out << fmt::format("    <failure message=\"{}\">repro: {}</failure>\n", detail, xml_escape(r.repro));
        break;
      case Outcome::unexpected_pass:
        out << fmt::format("    <failure message=\"unexpected pass (listed as {})\">repro: {}</failure>\n",
                           xml_escape(r.expectation), xml_escape(r.repro));
        break;
      case Outcome::expected_failure:
        out << fmt::format("    <skipped message=\"expected failure: {}\"/>\n", xml_escape(r.expectation));
        break;
      case Outcome::mistrusted:
        out << "    <skipped message=\"mistrusted golden (cannot reveal an error)\"/>\n";
        break;
      case Outcome::skipped:
        out << fmt::format("    <skipped message=\"{}\"/>\n", xml_escape(r.skip_reason));
        break;
      case Outcome::unsupported:
        out << fmt::format("    <skipped message=\"UNSUPPORTED: op '{}' at {}\"/>\n", xml_escape(r.unsupported_op),
                           xml_escape(r.unsupported_at.str()));
        break;
    }
    out << "  </testcase>\n";
  }
  out << "</testsuite>\n</testsuites>\n";
}

}  // namespace rnnconf::conformance

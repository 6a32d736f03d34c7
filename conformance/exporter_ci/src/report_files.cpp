// The JSON and JUnit files of an exporter-ci report (report_files.hpp).
#include "rnnconf/exporter_ci/report_files.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "rnnconf/conformance/report.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/report_text.hpp"

namespace rnnconf::exporter_ci {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

using conformance::xml_escape;

// 2: engines (entries keep device and mode and add engine), release, defect_class.
constexpr int kFormatVersion = 2;

json finite_or_null(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }
double number_or_nan(const json& j) {
  return j.is_number() ? j.get<double>() : std::numeric_limits<double>::quiet_NaN();
}

json verdict_json(const Verdict& v) {
  json outs = json::array();
  for (const auto& o : v.outputs)
    outs.push_back({{"output", o.output},
                    {"passed", o.passed},
                    {"reason", o.reason},
                    {"e_ours", finite_or_null(o.e_ours)},
                    {"bound", o.bound},
                    {"ulp_max", o.ulp_max}});
  return {{"verdict", v.verdict},
          {"error", v.error},
          {"export_traceback", v.export_traceback},
          {"export_path", v.export_path_kind},
          {"worst_abs_error", finite_or_null(v.worst_abs_error)},
          {"max_ulp", v.max_ulp},
          {"outputs", outs},
          {"warnings", v.warnings},
          {"triage", v.triage},
          {"defect_class", v.defect_class},
          {"unsupported_op", v.unsupported() ? json{{"op", v.unsupported_op}, {"at", v.unsupported_at}} : json(nullptr)}};
}

Verdict verdict_from(const json& j) {
  Verdict v;
  v.verdict = j.at("verdict").get<std::string>();
  v.error = j.at("error").get<std::string>();
  v.export_traceback = j.at("export_traceback").get<std::string>();
  v.export_path_kind = j.at("export_path").get<std::string>();
  v.worst_abs_error = number_or_nan(j.at("worst_abs_error"));
  v.max_ulp = j.at("max_ulp").get<int64_t>();
  for (const auto& o : j.at("outputs"))
    v.outputs.push_back({o.at("output").get<std::string>(), o.at("passed").get<bool>(),
                         o.at("reason").get<std::string>(), number_or_nan(o.at("e_ours")),
                         o.at("bound").get<double>(), o.at("ulp_max").get<int64_t>()});
  v.warnings = j.at("warnings").get<std::vector<std::string>>();
  v.triage = j.at("triage").get<std::string>();
  v.defect_class = j.at("defect_class").get<std::string>();
  if (j.contains("unsupported_op") && j["unsupported_op"].is_object()) {
    v.unsupported_op = j["unsupported_op"].at("op").get<std::string>();
    v.unsupported_at = j["unsupported_op"].at("at").get<std::string>();
  }
  return v;
}

json entry_json(const Entry& e) {
  return {{"case", e.case_name},
          {"engine", e.engine},
          {"device", e.device},
          {"mode", e.mode},
          {"change", e.change},
          {"now", verdict_json(e.now)},
          {"baseline", verdict_json(e.baseline)},
          {"export_changed", e.export_changed},
          {"export_diff", e.export_diff},
          {"export_seconds", e.export_seconds},
          {"repro", e.repro}};
}

Entry entry_from(const json& e) {
  Entry x;
  x.case_name = e.at("case").get<std::string>();
  x.engine = e.at("engine").get<std::string>();
  x.device = e.at("device").get<std::string>();
  x.mode = e.at("mode").get<std::string>();
  x.change = e.at("change").get<std::string>();
  x.now = verdict_from(e.at("now"));
  x.baseline = verdict_from(e.at("baseline"));
  x.export_changed = e.at("export_changed").get<bool>();
  x.export_diff = e.at("export_diff").get<std::string>();
  x.export_seconds = e.at("export_seconds").get<double>();
  x.repro = e.at("repro").get<std::string>();
  return x;
}

std::ofstream open_out(const fs::path& file) {
  if (file.has_parent_path()) fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary);
  if (!out) throw Error(SourceLocation::in_file(file.string()), "cannot write report");
  return out;
}

}  // namespace

json to_json(const Report& r) {
  const Summary s = r.summary();
  json entries = json::array();
  for (const auto& e : r.entries) entries.push_back(entry_json(e));
  return {{"tool", "rnnconf exporter-ci"},
          {"format_version", kFormatVersion},
          {"command", r.command_line},
          {"exporter", r.exporter},
          {"release", r.release},
          {"baseline", r.baseline},
          {"shards", r.shards},
          {"shard_cases_total", r.shard_cases_total},
          {"engines", r.engines},
          {"triage_status", r.triage_status},
          {"timing", {{"export_wall_s", r.export_wall_seconds}, {"judge_wall_s", r.judge_wall_seconds}}},
          {"summary",
           {{"entries", s.entries},
            {"newly_broken", s.newly_broken},
            {"fixed", s.fixed},
            {"still_failing", s.still_failing},
            {"unchanged_pass", s.unchanged_pass},
            {"unsupported", s.unsupported},
            {"newly_unsupported", s.newly_unsupported},
            {"export_changed", s.export_changed},
            {"export_failed", s.export_failed}}},
          {"entries", entries}};
}

Report report_from_json(const json& j, const std::string& source) {
  try {
    if (j.at("tool").get<std::string>() != "rnnconf exporter-ci")
      throw Error(SourceLocation::in_file(source), "not an rnnconf exporter-ci report (field 'tool')");
    if (j.at("format_version").get<int>() != kFormatVersion)
      throw Error(SourceLocation::in_file(source),
                  "unsupported format_version (expected " + std::to_string(kFormatVersion) + ")");
    Report r;
    r.command_line = j.at("command").get<std::string>();
    r.exporter = j.at("exporter");
    r.release = j.at("release").get<std::string>();
    r.baseline = j.at("baseline").get<std::string>();
    r.shards = j.at("shards").get<std::vector<std::string>>();
    r.shard_cases_total = j.at("shard_cases_total").get<int>();
    r.engines = j.at("engines").get<std::vector<std::string>>();
    r.triage_status = j.at("triage_status").get<std::string>();
    r.export_wall_seconds = j.at("timing").at("export_wall_s").get<double>();
    r.judge_wall_seconds = j.at("timing").at("judge_wall_s").get<double>();
    for (const auto& e : j.at("entries")) r.entries.push_back(entry_from(e));
    return r;
  } catch (const json::exception& e) {
    throw Error(SourceLocation::in_file(source), std::string("bad exporter-ci report: ") + e.what());
  }
}

Report read_report(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(file.string()), "cannot read the report");
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(SourceLocation::in_file(file.string()), std::string("not JSON: ") + e.what());
  }
  return report_from_json(j, file.string());
}

void write_json(const fs::path& file, const Report& r) {
  auto out = open_out(file);
  out << to_json(r).dump(1) << "\n";
}

void write_junit(const fs::path& file, const Report& r) {
  const Summary s = r.summary();
  auto out = open_out(file);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  // Only newly broken entries fail the suite; still-failing ones are known
  // defects of the baseline and are reported as skipped with their verdicts,
  // UNSUPPORTED ones as skipped with the op and its location.
  const std::string counts =
      fmt::format("tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3f}\"", s.entries, s.newly_broken,
                  s.still_failing + s.unsupported, r.export_wall_seconds + r.judge_wall_seconds);
  out << "<testsuites name=\"rnnconf exporter-ci\" " << counts << ">\n";
  out << "<testsuite name=\"exporter-ci\" " << counts << ">\n";
  for (const auto& e : r.entries) {
    out << fmt::format("  <testcase classname=\"exporter-ci.{}\" name=\"{}\" time=\"{:.3f}\">\n", e.engine,
                       xml_escape(e.case_name), e.export_seconds);
    const std::string body = xml_escape(format_entry(e, 1, 1, true));
    if (e.change == "newly_broken")
      out << fmt::format("    <failure message=\"newly broken: now {}, baseline {}: {}\">{}</failure>\n",
                         e.now.verdict, e.baseline.verdict,
                         xml_escape(e.now.triage.empty() ? e.now.error : e.now.triage), body);
    else if (e.now.unsupported())
      out << fmt::format("    <skipped message=\"UNSUPPORTED: op '{}' at {}{}\"/>\n", xml_escape(e.now.unsupported_op),
                         xml_escape(e.now.unsupported_at),
                         e.change == "newly_unsupported"
                             ? xml_escape(" (coverage lost: " + e.baseline.verdict + " with the baseline exporter)")
                             : std::string());
    else if (e.change == "still_failing")
      out << fmt::format(
          "    <skipped message=\"still failing as with the baseline exporter: now {}, baseline {}\"/>\n",
          e.now.verdict, e.baseline.verdict);
    else
      out << fmt::format("    <system-out>{}</system-out>\n", body);
    out << "  </testcase>\n";
  }
  out << "</testsuite>\n</testsuites>\n";
}

}  // namespace rnnconf::exporter_ci

// The files of an exporter-ci report: JSON (format_version 2, read back by
// merge and history) and JUnit XML (newly broken entries fail, still failing
// ones are skipped with both verdicts, the rest pass).
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci {

nlohmann::json to_json(const Report& r);
// SOURCE names the report in errors (a file name).
Report report_from_json(const nlohmann::json& j, const std::string& source);
Report read_report(const std::filesystem::path& file);
void write_json(const std::filesystem::path& file, const Report& r);
void write_junit(const std::filesystem::path& file, const Report& r);

}  // namespace rnnconf::exporter_ci

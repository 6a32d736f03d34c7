// Reports of a conformance run: one text line per case and engine (benchdnn
// style, with a repro command on every failing line), the summary counts, and
// the JSON and JUnit files.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "rnnconf/conformance/runner.hpp"

namespace rnnconf::conformance {

// "[  3/672] PASS       cpu-literal lstm_l1_..._B3T4  err 1.19e-07  ulp 2  1.3 ms"
// plus, for failures, the reason and "repro: rnnconf run --filter ...".
std::string format_result_line(const CaseResult& r, size_t index, size_t total);

// "total 492: passed 430, failed 58 (expected 58, unexpected 0), unexpected passes 0, mistrusted 4, skipped 0"
std::string format_summary(const Summary& s);

// Text made safe for an XML attribute or element (JUnit reports); control
// characters other than newline and tab become spaces.
std::string xml_escape(const std::string& s);

// JSON: per case its engine and the engine's device and mode; JUnit: classname
// rnnconf.<device>.<mode>, the engine as a testcase property.
void write_json_report(const std::filesystem::path& file, const std::vector<CaseResult>& results,
                       const Summary& summary, const std::string& command_line);
void write_junit_report(const std::filesystem::path& file, const std::vector<CaseResult>& results,
                        const Summary& summary);

}  // namespace rnnconf::conformance

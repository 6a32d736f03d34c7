// Test support for the exporter CI library: the committed data, temporary
// folders, and small synthetic verdicts, entries and reports.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "rnnconf/exporter_ci/report.hpp"

namespace rnnconf::exporter_ci::test {

inline const std::filesystem::path kRoot = RNNCONF_SOURCE_DIR;

// A fresh folder under the system's temporary folder, named after the test.
inline std::filesystem::path fresh_dir(const std::string& name) {
  const auto d = std::filesystem::temp_directory_path() / ("rnnconf-xci-test-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

inline std::filesystem::path write_file(const std::filesystem::path& p, const std::string& text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
  return p;
}

inline Verdict verdict(const std::string& v, const std::string& cls = "", const std::string& triage = "") {
  Verdict x;
  x.verdict = v;
  x.defect_class = cls;
  x.triage = triage.empty() && !cls.empty() ? "triage of " + cls : triage;
  x.worst_abs_error = v == "FAIL_NUMERIC" ? 0.25 : 1e-7;
  return x;
}

inline Entry entry(const std::string& case_name, const Verdict& now, const Verdict& baseline,
                   const std::string& engine = "cpu") {
  Entry e;
  e.case_name = case_name;
  e.engine = engine;
  e.device = "cpu";
  e.mode = engine == "cpu-literal" ? "literal" : "fused";
  e.now = now;
  e.baseline = baseline;
  e.change = classify_change(baseline, now);
  e.export_diff = "identical";
  return e;
}

}  // namespace rnnconf::exporter_ci::test

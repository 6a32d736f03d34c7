// Triage lines and defect classes of non-passing verdicts (triage.hpp).
#include "rnnconf/exporter_ci/triage.hpp"

#include <fmt/format.h>

#include <cctype>
#include <regex>
#include <vector>

#include "rnnconf/conformance/triage.hpp"
#include "rnnconf/nnef/model.hpp"

namespace rnnconf::exporter_ci {

namespace {

std::string first_line(const std::string& s) {
  const auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

// The innermost "N: reason" line of a "Caused by:" chain (tract's and anyhow's
// error format), else the first non-empty line.
std::string telling_line(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t nl = text.find('\n', start);
    const std::string line = trim(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
    if (!line.empty()) lines.push_back(line);
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
  if (lines.empty()) return "";
  std::string cause;
  for (const auto& l : lines)
    if (std::isdigit(static_cast<unsigned char>(l[0])) && l.find(": ") != std::string::npos)
      cause = l.substr(l.find(": ") + 2);
  return cause.empty() ? lines.front() : cause;
}

std::string mistrust_class(const conformance::MatrixCase& c) {
  return c.spec.kind == RnnSpec::Kind::rnn_relu ? "mistrusted: relu zeros" : "mistrusted: saturated truth";
}

}  // namespace

std::string error_class(const std::string& error_text) {
  std::string s = telling_line(error_text);
  // "file:12:5: message", "file@128: message": where, not what.
  static const std::regex location(R"(^\S+?(:\d+(:\d+)?|@\d+): )");
  s = std::regex_replace(s, location, "", std::regex_constants::format_first_only);
  static const std::regex path(R"([^\s'"(\[]*/[^\s'")\],:]*)");
  s = std::regex_replace(s, path, "<path>");
  // Whole numbers only: the 2 of "T2NErrorNotImplemented" is part of a name.
  static const std::regex number(R"(\b\d+(\.\d+)?([eE][-+]?\d+)?\b)");
  s = std::regex_replace(s, number, "#");
  if (s.size() > 160) s = s.substr(0, 157) + "...";
  return s;
}

Triage triage_verdict(const conformance::MatrixCase& c, const std::filesystem::path& golden_dir,
                      const conformance::Golden& g, const std::optional<std::filesystem::path>& model,
                      const Verdict& v, const conformance::Policy& policy, const std::string& mode) {
  if (v.verdict == "PASS") return {};
  if (v.verdict == "FAIL_EXPORT") return {"export: " + first_line(v.error), "export: " + error_class(v.error)};
  if (v.verdict == "FAIL_LOAD") return {"load: " + first_line(v.error), "load: " + error_class(v.error)};
  if (v.unsupported()) return {"unsupported: " + first_line(v.error), "unsupported: op '" + v.unsupported_op + "'"};
  if (v.verdict == "MISTRUSTED" && c.is_model())
    return {"golden mistrusted (the model generator's meta.json says so)", "mistrusted: model golden"};
  if (v.verdict == "MISTRUSTED") {
    const bool relu = c.spec.kind == RnnSpec::Kind::rnn_relu;
    const double fraction = conformance::mistrust_fraction(policy, c.spec, g.truth);
    const double threshold = relu ? policy.mistrust_fraction_relu : policy.mistrust_fraction;
    return {fmt::format("golden mistrusted: {:.0f}% of the h-like truth elements are {} (> {:.0f}%)", 100 * fraction,
                        relu ? "exactly 0 after relu" : fmt::format("saturated (|h| > {})", policy.mistrust_saturation_abs),
                        100 * threshold),
            mistrust_class(c)};
  }
  if (!model) return {"numeric failure without a model", "numeric: untriaged"};
  if (c.is_model()) return {"not triaged (model tier: issue 16): " + first_line(v.error), "numeric: untriaged"};
  try {
    // Triage records intermediates on reference_cpu, whatever engine failed.
    const nnef::Model m = nnef::load_model(*model);
    const conformance::TriageReport r = conformance::triage_model(c, golden_dir, m, mode, policy);
    if (r.ok)  // the per-step states agree: the failing outputs are not the hidden sequence
      return {"triage: every per-step state within the policy; " + first_line(v.error), "numeric: outputs only"};
    return {r.line, "numeric: " + (r.cause_class.empty() ? std::string("unknown") : r.cause_class)};
  } catch (const std::exception& e) {
    return {std::string("triage failed: ") + e.what(), "numeric: untriaged"};
  }
}

std::string triage_status() {
  return "numeric failures: conformance::triage_model on reference_cpu (first divergent step and bug class); "
         "export/load failures: the first line of the exporter's or loader's error; "
         "defect class: the bug class or the error's telling line (numbers #, paths <path>)";
}

}  // namespace rnnconf::exporter_ci

// `rnnconf exporter-ci`: the triage line of a failing verdict. Numeric
// failures go through conformance/triage.hpp (first divergent step, layer and
// direction, and the bug class that reproduces it); an export or load failure
// is its own triage: the exporter's or the loader's first error line.
#include "exporter_ci.hpp"
#include "rnnconf/conformance/triage.hpp"
#include "rnnconf/nnef/model.hpp"

namespace rnnconf::tools::xci {

namespace {

std::string first_line(const std::string& s) {
  const auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

}  // namespace

std::string triage_line(const conformance::MatrixCase& c, const std::filesystem::path& golden_dir,
                        const std::optional<std::filesystem::path>& model, const Verdict& v,
                        const conformance::Policy& policy, const std::string& mode) {
  if (!v.failing()) return "";
  if (v.verdict == "FAIL_EXPORT") return "export: " + first_line(v.error);
  if (v.verdict == "FAIL_LOAD") return "load: " + first_line(v.error);
  if (!model) return "";
  try {
    // Triage records intermediates on reference_cpu, whatever device failed.
    const nnef::Model m = nnef::load_model(*model);
    return conformance::triage_model(c, golden_dir, m, mode, policy).line;
  } catch (const std::exception& e) {
    return std::string("triage failed: ") + e.what();
  }
}

std::string triage_status() {
  return "numeric failures: conformance::triage_model on reference_cpu (first divergent step and bug class); "
         "export/load failures: the first line of the exporter's or loader's error";
}

}  // namespace rnnconf::tools::xci

// The mutant matrix: each planted mutant against each case it applies to.
#include "rnnconf/conformance/mutant_matrix.hpp"

#include <fmt/format.h>
#include <regex>

#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/conformance/triage.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::conformance {

namespace fs = std::filesystem;

namespace {

// Mode of the run of the mutated model, on reference_cpu.
ExecuteFn executor_of(const nnef::Model& model) {
  return [&model](const fs::path&, const std::map<std::string, Tensor>& inputs, const std::string& mode,
                  const std::string&) {
    cpu::RunOptions opt;
    opt.mode = mode == "literal" ? cpu::FragmentMode::literal : cpu::FragmentMode::fused;
    cpu::RunResult rr = cpu::run_model(model, inputs, opt);
    return ExecOutput{std::move(rr.outputs), std::move(rr.warnings)};
  };
}

}  // namespace

std::vector<MutantRow> run_mutant_matrix(const MutantMatrixConfig& cfg, const std::function<void(const MutantRow&)>& on_row) {
  const auto cases = select_cases(load_matrix(cfg.root / "conformance" / "matrix.json"), cfg.case_filter, "small");
  const Policy policy = load_policy(cfg.root / "conformance" / "POLICY.md");
  const Expectations expectations = Expectations::load(cfg.root / "conformance" / "expectations.json");
  const EngineSpec& engine = find_engine(cfg.engine);
  if (engine.device != "cpu")
    throw Error("rnnconf mutants: engine " + engine.name +
                ": the mutated models run in process on reference_cpu; use --engine cpu or cpu-literal");
  const std::regex mutant_re(cfg.mutant_filter);
  std::vector<MutantRow> rows;
  for (const Mutant& mutant : planted_mutants()) {
    if (!cfg.mutant_filter.empty() && !std::regex_search(mutant.name, mutant_re)) continue;
    MutantRow row;
    row.mutant = mutant.name;
    row.cause_class = mutant.cause_class;
    row.must_survive = mutant.must_survive();
    const std::regex applies(mutant.applies_to);
    for (const auto& c : cases) {
      if (!std::regex_search(c.name, applies) || expectations.find(c.name, expectation_context(engine.device, engine.mode))) continue;
      const fs::path case_dir = golden_dir(cfg.root, c);
      const fs::path export_path = case_dir / "export" / "model.nnef.tgz";
      if (!fs::exists(export_path)) continue;
      EditableModel m = read_editable_model(export_path);
      if (mutant.apply(m) == 0) continue;
      const auto bytes = nnef::write_model_archive_bytes(m.graph, m.variables_by_label, std::nullopt, false);
      std::optional<nnef::Model> model;
      try {
        model = nnef::load_model_files(nnef::open_model_archive_bytes(bytes, mutant.name + "-" + c.name + ".tar"));
      } catch (const Error& e) {
        throw Error("mutant " + mutant.name + " on " + c.name + " wrote a model that does not load: " + e.what());
      }
      const CaseResult r = run_case(c, case_dir, policy, expectations, engine, executor_of(*model));
      if (r.outcome == Outcome::mistrusted) continue;
      ++row.applicable;
      if (r.outcome != Outcome::unexpected_failure) {
        if (!row.must_survive) row.survivors.push_back(c.name);
        continue;
      }
      ++row.killed;
      if (row.must_survive) row.survivors.push_back(c.name);
      TriageReport t;
      try {
        t = triage_model(c, case_dir, *model, engine.mode, policy);
      } catch (const Error& e) {
        t.cause_class = "error";
        t.line = std::string("triage failed: ") + e.what();
      }
      if (t.cause_class == mutant.cause_class) ++row.triage_right;
      if (row.example_case.empty() || (row.example_class != row.cause_class && t.cause_class == row.cause_class)) {
        row.example_case = c.name;
        row.example_triage = t.line;
        row.example_class = t.cause_class;
      }
    }
    if (on_row) on_row(row);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string format_mutant_table(const std::vector<MutantRow>& rows, bool markdown) {
  std::string out;
  int semantic = 0, semantic_ok = 0, named = 0;
  for (const auto& r : rows) {
    const std::string killed = fmt::format("{}/{}", r.killed, r.applicable);
    const std::string right = r.must_survive ? "-" : fmt::format("{}/{}", r.triage_right, r.killed);
    const std::string verdict = r.ok() ? (r.must_survive ? "survives (ok)" : "killed") : (r.must_survive ? "KILLED (policy too strict)" : "SURVIVED");
    std::string example = r.example_case.empty() ? "" : r.example_case + ": " + r.example_triage;
    if (markdown) {
      std::string escaped;
      for (char ch : example) escaped += ch == '|' ? std::string("\\|") : std::string(1, ch);
      example = escaped;
    }
    if (markdown)
      out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r.mutant, r.cause_class, killed, verdict, right, example);
    else
      out += fmt::format("{:<36} {:<13} killed {:>7}  {:<14} triage right {:>7}\n      {}\n", r.mutant, r.cause_class,
                         killed, verdict, right, example);
    if (!r.must_survive) {
      ++semantic;
      semantic_ok += r.ok() ? 1 : 0;
      // A mutant counts as correctly triaged when most of its kills name its class.
      named += r.killed > 0 && 2 * r.triage_right > r.killed ? 1 : 0;
    }
    for (const auto& s : r.survivors) out += (markdown ? "|  | survivor | " + s + " | | | |\n" : "      survivor: " + s + "\n");
  }
  if (markdown)
    out = "| mutant | class | killed / applicable | verdict | triage names the class | example triage line |\n"
          "|---|---|---|---|---|---|\n" + out;
  out += fmt::format("{}semantic mutants killed everywhere: {}/{}; triage names the right class for {}/{} ({:.0f}%)\n",
                     markdown ? "\n" : "", semantic_ok, semantic, named, semantic,
                     semantic ? 100.0 * named / semantic : 0.0);
  return out;
}

}  // namespace rnnconf::conformance

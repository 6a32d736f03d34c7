// rnnconf: the command-line tool. Wires the subcommands (run, check, list,
// validate, dump-graph, engines, ...) to CLI11; every error is printed with its
// location and turned into exit code 2 (1 means "ran, and something failed").
// The engine a command runs on is spelled the same everywhere: --engine NAME,
// or --engine LIST|all for run (conformance/engines.hpp); the old --mode and
// --device of these commands are refused with the new spelling.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "emit_commands.hpp"
#include "fuzz_commands.hpp"
#include "triage_commands.hpp"
#include "exporter_ci_commands.hpp"
#include "version_text.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/cpu_isa.hpp"

namespace fs = std::filesystem;
using namespace rnnconf::tools;

int main(int argc, char** argv) {
  CLI::App app{"rnnconf: conformance harness for recurrent layers exported to NNEF"};
  app.require_subcommand(1);
  app.set_version_flag("--version", [] { return version_text(); },
                       "print version, commit, compiler, CPU ISA path, BLAS and CUDA availability, then exit");
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  // --mode / --device of run, check, triage, mutants, fuzz: replaced by --engine (refused below).
  std::string removed_option;
  auto add_removed_options = [&](CLI::App* cmd) {
    for (const char* name : {"--mode", "--device"}) cmd->add_option(name, removed_option)->group("");
  };
  const std::string engine_names = "cpu | cpu-literal | cuda";

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "run the conformance matrix on the committed goldens");
  run_cmd->add_option("--root", run.root, "repository root (matrix, goldens, policy)");
  run_cmd->add_option("--filter", run.filter, "regex on case names");
  // A comma list of tiers (small,model: the default), or all.
  const auto tier_list = CLI::Validator(
      [](std::string& v) -> std::string {
        if (v == "all") return "";
        size_t start = 0;
        while (start <= v.size()) {
          const size_t comma = std::min(v.find(',', start), v.size());
          const std::string t = v.substr(start, comma - start);
          if (t != "small" && t != "large" && t != "model")
            return "tier '" + t + "' is not small, large or model (comma list, or all)";
          start = comma + 1;
        }
        return "";
      },
      "TIERS");
  run_cmd->add_option("--tier", run.tier, "small | large | model, comma-separated, or all (default small,model)")
      ->check(tier_list);
  run_cmd->add_option("--engine", run.engines,
                      "engines, comma-separated (" + engine_names +
                          "), or all: every engine, those that cannot run here skipped with the reason "
                          "(default cpu,cpu-literal)");
  add_removed_options(run_cmd);
  run_cmd->add_option("--model-source", run.model_source, "t2n (committed torch_to_nnef exports) | emitter (ours)")
      ->check(CLI::IsMember({"t2n", "emitter"}));
  run_cmd->add_option("--json", run.json, "write the JSON report here");
  run_cmd->add_option("--junit", run.junit, "write the JUnit XML report here");
  run_cmd->add_flag("--quiet", run.quiet, "print only failing lines and the summary");
  add_resource_options(*run_cmd, run.limits);

  CheckArgs check;
  auto* check_cmd = app.add_subcommand("check", "run any NNEF export and compare its outputs");
  check_cmd->add_option("model", check.model, "model folder, .tar or .tgz")->required();
  check_cmd->add_option("--inputs", check.inputs, "folder with <input>.dat per graph input")->required();
  check_cmd->add_option("--expect", check.expect, "folder with <output>.dat from PyTorch float32")->required();
  check_cmd->add_option("--truth", check.truth, "folder with <output>.dat in float64 (enables the policy)");
  check_cmd->add_option("--engine", check.engine, "the engine to run it on: " + engine_names + " (default cpu)");
  add_removed_options(check_cmd);
  check_cmd->add_option("--root", check.root, "repository root (for conformance/POLICY.md)");
  check_cmd->add_option("--json", check.json, "write a JSON report here");
  add_resource_options(*check_cmd, check.limits);

  ListArgs list;
  auto* list_cmd = app.add_subcommand("list", "list the matrix cases");
  list_cmd->add_option("--root", list.root, "repository root");
  list_cmd->add_option("--filter", list.filter, "regex on case names");
  list_cmd->add_option("--tier", list.tier, "small | large | model, comma-separated (default: all)")->check(tier_list);

  ValidateArgs validate;
  auto* validate_cmd =
      app.add_subcommand("validate", "load NNEF models through nnef/: parse, check, print round trip, read tensors");
  validate_cmd->add_option("models", validate.models, "model folders, .tar or .tgz files");
  validate_cmd->add_option("--goldens", validate.goldens, "validate every goldens/data/*/export/model.nnef.tgz");
  validate_cmd->add_option("--json", validate.json, "write a JSON report here");
  add_resource_options(*validate_cmd, validate.limits);

  fs::path dump_model;
  auto* dump_cmd = app.add_subcommand("dump-graph", "print a model's graph as the executor sees it");
  dump_cmd->add_option("model", dump_model, "model folder, .tar or .tgz")->required();
  ResourceArgs dump_limits;
  add_resource_options(*dump_cmd, dump_limits);

  EmitArgs emit;
  auto* emit_cmd = app.add_subcommand("emit", "write our own NNEF export of a PyTorch recurrent layer");
  emit_cmd->add_option("spec", emit.spec, "SPEC.json (the case in PyTorch's terms)")->required();
  emit_cmd->add_option("--params", emit.params, "folder of <pytorch parameter name>.dat")->required();
  emit_cmd->add_option("-o,--output", emit.output, "model folder, .tar or .tgz")->required();
  emit_cmd->add_option("--entry", emit.entry, "module | aten (byte-identical output)")
      ->check(CLI::IsMember({"module", "aten"}));

  DiffArgs diff;
  auto* diff_cmd = app.add_subcommand("diff", "statement-level comparison of two NNEF exports");
  diff_cmd->add_option("a", diff.a, "first model (folder, .tar, .tgz or graph.nnef)")->required();
  diff_cmd->add_option("b", diff.b, "second model")->required();
  diff_cmd->add_option("--context", diff.context, "statements of context around the first difference");
  diff_cmd->add_flag("--ignore-labels", diff.ignore_labels, "compare variables by position, not label");

  ExporterCiArgs xci;
  ExporterCiMergeArgs xci_merge;
  auto* xci_cmd = app.add_subcommand(
      "exporter-ci", "re-export every case with an exporter under test and compare with the goldens and the baseline");
  xci_cmd->add_option("--exporter", xci.exporter_python,
                      "python of the environment holding the exporter under test (releases, bisect: default the project's)");
  xci_cmd->add_option("--exporter-path", xci.exporter_path, "folder put first on that python's PYTHONPATH");
  xci_cmd->add_option("--engine", xci.engines, "engines to judge on: cpu, cpu-literal, cuda; a comma list or all");
  add_removed_options(xci_cmd);  // the old --device / --mode: refused with the new spelling
  xci_cmd->add_option("--exporter-release", xci.releases, "torch_to_nnef releases (comma list or all): the release history");
  xci_cmd->add_option("--release-cache", xci.release_cache, "where releases are installed (~/.cache/rnnconf/t2n-releases)");
  xci_cmd->add_option("--markdown", xci.markdown, "release history: write the Markdown report here");
  xci_cmd->add_option("--plot", xci.plot, "release history: write the PNG plot here");
  xci_cmd->add_option("--propose-expectations", xci.propose_expectations,
                      "release history: write the conditional expectations of unrecorded verdicts here");
  xci_cmd->add_option("--bisect", xci.bisect_case, "CASE: name the first bad exporter version between --good and --bad");
  xci_cmd->add_option("--good", xci.good, "bisect: a good release (or commit, with --exporter-checkout)");
  xci_cmd->add_option("--bad", xci.bad, "bisect: a bad release (or commit)");
  xci_cmd->add_option("--exporter-checkout", xci.exporter_checkout, "bisect: a git checkout of torch_to_nnef (commits)");
  xci_cmd->add_option("--filter", xci.filter, "regex on case names");
  xci_cmd->add_option("--tier", xci.tier, "small | large | model, comma-separated")->check(tier_list);
  xci_cmd->add_option("--shard", xci.shard, "K/N: this job's share of the cases (round robin)");
  xci_cmd->add_option("-j,--jobs", xci.jobs, "parallel export processes")->check(CLI::PositiveNumber);
  xci_cmd->add_option("--export-timeout", xci.export_timeout_s, "seconds per case export")->check(CLI::PositiveNumber);
  xci_cmd->add_option("--work-dir", xci.work_dir, "keep the new exports in WORK/exports (releases: WORK/<release>/)");
  xci_cmd->add_option("--exports", xci.exports, "judge the exports already in this folder (no exporting)");
  xci_cmd->add_option("--root", xci.root, "repository root");
  xci_cmd->add_option("--json", xci.json, "write the JSON report here (releases: the history's JSON)");
  xci_cmd->add_option("--junit", xci.junit, "write the JUnit XML report here");
  xci_cmd->add_flag("--list", xci.list_only, "print the (sharded) case list and stop");
  xci_cmd->add_flag("--quiet", xci.quiet, "print only changed cases and the summary");
  xci_cmd->require_subcommand(0, 1);
  auto* xci_merge_cmd = xci_cmd->add_subcommand("merge", "join the JSON reports of exporter-ci shards");
  xci_merge_cmd->add_option("reports", xci_merge.inputs, "the shards' --json reports")->required();
  xci_merge_cmd->add_option("--json", xci_merge.json, "write the merged JSON report here");
  xci_merge_cmd->add_option("--junit", xci_merge.junit, "write the merged JUnit XML report here");
  xci_merge_cmd->add_flag("--allow-partial", xci_merge.allow_partial, "accept missing shards");
  xci_merge_cmd->add_flag("--quiet", xci_merge.quiet, "print only changed cases and the summary");
  ExporterCiHistoryArgs xci_history;
  auto* xci_history_cmd = xci_cmd->add_subcommand("history", "join exporter-ci reports of several releases");
  xci_history_cmd->add_option("reports", xci_history.inputs, "one --json report per release")->required();
  xci_history_cmd->add_option("--markdown", xci_history.markdown, "write the Markdown report here");
  xci_history_cmd->add_option("--plot", xci_history.plot, "write the PNG plot here");
  xci_history_cmd->add_option("--json", xci_history.json, "write the history as JSON here");
  xci_history_cmd->add_option("--propose-expectations", xci_history.propose_expectations,
                              "write the conditional expectations of unrecorded verdicts here");
  xci_history_cmd->add_option("--python", xci_history.python, "python with matplotlib for the plot");
  xci_history_cmd->add_option("--root", xci_history.root, "repository root");

  TriageArgs triage;
  auto* triage_cmd = app.add_subcommand("triage", "first divergence from the per-step goldens and its likely cause");
  triage_cmd->add_option("target", triage.target, "matrix case name, or a model path (folder, .tar, .tgz)")->required();
  triage_cmd->add_option("--case", triage.case_name, "golden case a model path is compared with");
  triage_cmd->add_option("--root", triage.root, "repository root");
  triage_cmd->add_option("--engine", triage.engine, "cpu | cpu-literal: the fragment mode of the replay (default cpu)");
  add_removed_options(triage_cmd);
  triage_cmd->add_option("--model-source", triage.model_source, "t2n | emitter (for a case name)")
      ->check(CLI::IsMember({"t2n", "emitter"}));
  triage_cmd->add_option("--plot", triage.plot, "write a heatmap of the error per (layer, direction) over time (PNG)");
  add_resource_options(*triage_cmd, triage.limits);

  MutantsArgs mutants;
  auto* mutants_cmd = app.add_subcommand("mutants", "run the matrix against every planted mutant and print the table");
  mutants_cmd->add_option("--root", mutants.root, "repository root");
  mutants_cmd->add_option("--filter", mutants.filter, "regex on mutant names");
  mutants_cmd->add_option("--engine", mutants.engine, "cpu | cpu-literal (default cpu)");
  add_removed_options(mutants_cmd);
  mutants_cmd->add_option("--markdown", mutants.markdown, "also write the table as Markdown here");

  FuzzArgs fuzz;
  auto* fuzz_cmd = app.add_subcommand("fuzz", "differential testing against LibTorch on seeded random configurations");
  fuzz_cmd->add_option("--root", fuzz.root, "repository root (for the policy)");
  fuzz_cmd->add_option("--seed", fuzz.seed, "seed of the configuration sequence");
  fuzz_cmd->add_option("--seconds", fuzz.seconds, "stop after this many seconds (0: no limit)");
  fuzz_cmd->add_option("--count", fuzz.count, "stop after this many configurations (0: no limit)");
  fuzz_cmd->add_option("--replay", fuzz.replay, "rerun one configuration as printed by a failure");
  fuzz_cmd->add_flag("--no-shrink", fuzz.no_shrink, "report failures without shrinking them");
  fuzz_cmd->add_option("--engine", fuzz.engine, "the engine under test: " + engine_names + " (default cpu)");
  add_removed_options(fuzz_cmd);
  fuzz_cmd->add_option("--json", fuzz.json, "write the run's summary here");

  EnginesArgs engines;
  auto* engines_cmd = app.add_subcommand("engines", "list the engines, whether each can run here, and why not");
  engines_cmd->add_option("--json", engines.json, "also write the table as JSON here (-: only the JSON, on stdout)");

  // @subcommands: further subcommands are declared above this line.

  CLI11_PARSE(app, argc, argv);
  try {
    (void)rnnconf::cpu::cpu_isa_in_use();  // an invalid RNNCONF_CPU_ISA stops every command up front
    if (!removed_option.empty())
      throw rnnconf::Error(
          "--mode and --device were replaced by --engine: cpu (= cpu, fused), cpu-literal (= cpu, literal), "
          "cuda (= cuda, fused); `rnnconf run` takes a list or all (--engine cpu,cpu-literal); see rnnconf engines");
    if (*run_cmd) {
      if (run.root.empty()) run.root = default_root();
      run.command_line = command_line;
      return cmd_run(run);
    }
    if (*check_cmd) {
      if (check.root.empty()) check.root = default_root();
      return cmd_check(check);
    }
    if (*list_cmd) {
      if (list.root.empty()) list.root = default_root();
      return cmd_list(list);
    }
    if (*validate_cmd) return cmd_validate(validate);
    if (*dump_cmd) return cmd_dump_graph(dump_model, dump_limits);
    if (*emit_cmd) return cmd_emit(emit);
    if (*diff_cmd) return cmd_diff(diff);
    if (*xci_merge_cmd) return cmd_exporter_ci_merge(xci_merge);
    if (*xci_history_cmd) {
      if (xci_history.root.empty()) xci_history.root = default_root();
      xci_history.command_line = command_line;
      return cmd_exporter_ci_history(xci_history);
    }
    if (*xci_cmd) {
      if (xci.root.empty()) xci.root = default_root();
      xci.command_line = command_line;
      return cmd_exporter_ci(xci);
    }
    if (*triage_cmd) {
      if (triage.root.empty()) triage.root = default_root();
      return cmd_triage(triage);
    }
    if (*mutants_cmd) {
      if (mutants.root.empty()) mutants.root = default_root();
      return cmd_mutants(mutants);
    }
    if (*fuzz_cmd) {
      if (fuzz.root.empty()) fuzz.root = default_root();
      return cmd_fuzz(fuzz);
    }
    if (*engines_cmd) return cmd_engines(engines);
    // @dispatch: further subcommands are dispatched above this line.
  } catch (const rnnconf::Error& e) {
    std::cerr << "rnnconf: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "rnnconf: internal error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

// rnnconf: the command-line tool. Wires the subcommands (run, check, list,
// validate, dump-graph) to CLI11; every error is printed with its location and
// turned into exit code 2 (1 means "ran, and something failed").
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

  RunArgs run;
  auto* run_cmd = app.add_subcommand("run", "run the conformance matrix on the committed goldens");
  run_cmd->add_option("--root", run.root, "repository root (matrix, goldens, policy)");
  run_cmd->add_option("--filter", run.filter, "regex on case names");
  run_cmd->add_option("--tier", run.tier, "small | large | all")->check(CLI::IsMember({"small", "large", "all"}));
  run_cmd->add_option("--mode", run.mode, "fused | literal | both")->check(CLI::IsMember({"fused", "literal", "both"}));
  run_cmd->add_option("--device", run.device, "cpu | cuda | all")->check(CLI::IsMember({"cpu", "cuda", "all"}));
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
  check_cmd->add_option("--device", check.device, "cpu")->check(CLI::IsMember({"cpu", "cuda"}));
  check_cmd->add_option("--mode", check.mode, "fused | literal")->check(CLI::IsMember({"fused", "literal"}));
  check_cmd->add_option("--root", check.root, "repository root (for conformance/POLICY.md)");
  check_cmd->add_option("--json", check.json, "write a JSON report here");
  add_resource_options(*check_cmd, check.limits);

  ListArgs list;
  auto* list_cmd = app.add_subcommand("list", "list the matrix cases");
  list_cmd->add_option("--root", list.root, "repository root");
  list_cmd->add_option("--filter", list.filter, "regex on case names");
  list_cmd->add_option("--tier", list.tier, "small | large (default: all)");

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
  xci_cmd->add_option("--exporter", xci.exporter_python, "python of the environment holding the exporter under test");
  xci_cmd->add_option("--exporter-path", xci.exporter_path, "folder put first on that python's PYTHONPATH");
  xci_cmd->add_option("--device", xci.device, "cpu | cuda | all")->check(CLI::IsMember({"cpu", "cuda", "all"}));
  xci_cmd->add_option("--mode", xci.mode, "fused | literal | both")->check(CLI::IsMember({"fused", "literal", "both"}));
  xci_cmd->add_option("--filter", xci.filter, "regex on case names");
  xci_cmd->add_option("--tier", xci.tier, "small | large")->check(CLI::IsMember({"small", "large"}));
  xci_cmd->add_option("--shard", xci.shard, "K/N: this job's share of the cases (round robin)");
  xci_cmd->add_option("-j,--jobs", xci.jobs, "parallel export processes")->check(CLI::PositiveNumber);
  xci_cmd->add_option("--export-timeout", xci.export_timeout_s, "seconds per case export")->check(CLI::PositiveNumber);
  xci_cmd->add_option("--work-dir", xci.work_dir, "keep the new exports in WORK/exports");
  xci_cmd->add_option("--exports", xci.exports, "judge the exports already in this folder (no exporting)");
  xci_cmd->add_option("--root", xci.root, "repository root");
  xci_cmd->add_option("--json", xci.json, "write the JSON report here");
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

  TriageArgs triage;
  auto* triage_cmd = app.add_subcommand("triage", "first divergence from the per-step goldens and its likely cause");
  triage_cmd->add_option("target", triage.target, "matrix case name, or a model path (folder, .tar, .tgz)")->required();
  triage_cmd->add_option("--case", triage.case_name, "golden case a model path is compared with");
  triage_cmd->add_option("--root", triage.root, "repository root");
  triage_cmd->add_option("--mode", triage.mode, "fused | literal")->check(CLI::IsMember({"fused", "literal"}));
  triage_cmd->add_option("--model-source", triage.model_source, "t2n | emitter (for a case name)")
      ->check(CLI::IsMember({"t2n", "emitter"}));
  triage_cmd->add_option("--plot", triage.plot, "write a heatmap of the error per (layer, direction) over time (PNG)");
  add_resource_options(*triage_cmd, triage.limits);

  MutantsArgs mutants;
  auto* mutants_cmd = app.add_subcommand("mutants", "run the matrix against every planted mutant and print the table");
  mutants_cmd->add_option("--root", mutants.root, "repository root");
  mutants_cmd->add_option("--filter", mutants.filter, "regex on mutant names");
  mutants_cmd->add_option("--mode", mutants.mode, "fused | literal")->check(CLI::IsMember({"fused", "literal"}));
  mutants_cmd->add_option("--markdown", mutants.markdown, "also write the table as Markdown here");

  FuzzArgs fuzz;
  auto* fuzz_cmd = app.add_subcommand("fuzz", "differential testing against LibTorch on seeded random configurations");
  fuzz_cmd->add_option("--root", fuzz.root, "repository root (for the policy)");
  fuzz_cmd->add_option("--seed", fuzz.seed, "seed of the configuration sequence");
  fuzz_cmd->add_option("--seconds", fuzz.seconds, "stop after this many seconds (0: no limit)");
  fuzz_cmd->add_option("--count", fuzz.count, "stop after this many configurations (0: no limit)");
  fuzz_cmd->add_option("--replay", fuzz.replay, "rerun one configuration as printed by a failure");
  fuzz_cmd->add_flag("--no-shrink", fuzz.no_shrink, "report failures without shrinking them");
  fuzz_cmd->add_option("--mode", fuzz.mode, "fused | literal")->check(CLI::IsMember({"fused", "literal"}));
  fuzz_cmd->add_option("--device", fuzz.device, "cpu | cuda")->check(CLI::IsMember({"cpu", "cuda"}));
  fuzz_cmd->add_option("--json", fuzz.json, "write the run's summary here");

  // @subcommands: further subcommands are declared above this line.

  CLI11_PARSE(app, argc, argv);
  try {
    (void)rnnconf::cpu::cpu_isa_in_use();  // an invalid RNNCONF_CPU_ISA stops every command up front
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

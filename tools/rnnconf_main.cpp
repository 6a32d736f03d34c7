// rnnconf: the command-line tool. Wires the subcommands (run, check, list,
// validate, dump-graph) to CLI11; every error is printed with its location and
// turned into exit code 2 (1 means "ran, and something failed").
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "commands.hpp"
#include "emit_commands.hpp"
#include "rnnconf/core/error.hpp"

namespace fs = std::filesystem;
using namespace rnnconf::tools;

int main(int argc, char** argv) {
  CLI::App app{"rnnconf: conformance harness for recurrent layers exported to NNEF"};
  app.require_subcommand(1);
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

  fs::path dump_model;
  auto* dump_cmd = app.add_subcommand("dump-graph", "print a model's graph as the executor sees it");
  dump_cmd->add_option("model", dump_model, "model folder, .tar or .tgz")->required();

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

  CLI11_PARSE(app, argc, argv);
  try {
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
    if (*dump_cmd) return cmd_dump_graph(dump_model);
    if (*emit_cmd) return cmd_emit(emit);
    if (*diff_cmd) return cmd_diff(diff);
  } catch (const rnnconf::Error& e) {
    std::cerr << "rnnconf: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "rnnconf: internal error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}

// The rnnconf subcommands, one file each (cmd_*.cpp); rnnconf_main.cpp wires
// them to CLI11. Each returns the process exit code and throws rnnconf::Error
// for bad input (reported by main with its location). Those that run or load
// untrusted models take ResourceArgs (--max-memory, --timeout;
// resource_limits.hpp) and return kExitTimeout when cut by the deadline.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "resource_limits.hpp"

namespace rnnconf::tools {

// Exit code of check, run and exporter-ci when nothing failed but a model uses
// an op the engine does not implement (UNSUPPORTED; a failure still exits 1).
inline constexpr int kExitUnsupported = 3;

struct RunArgs {
  std::filesystem::path root;
  std::string filter;
  std::string tier = "small,model";  // comma list of small, large, model; or all
  std::string engines = "cpu,cpu-literal";  // --engine LIST (engines.hpp: names, or all)
  std::string model_source = "t2n";
  std::string json, junit;
  bool quiet = false;
  std::string command_line;
  ResourceArgs limits;  // the timeout applies to the whole run
};
int cmd_run(const RunArgs& a);

struct CheckArgs {
  std::filesystem::path model, inputs, expect, truth;
  std::filesystem::path root;  // for the policy file
  std::string engine = "cpu";  // --engine NAME
  std::string json;
  ResourceArgs limits;
};
int cmd_check(const CheckArgs& a);

struct ListArgs {
  std::filesystem::path root;
  std::string filter;
  std::string tier;
};
int cmd_list(const ListArgs& a);

struct ValidateArgs {
  std::vector<std::filesystem::path> models;  // folders, .tar, .tgz
  std::filesystem::path goldens;              // or every goldens/data/*/export/model.nnef.tgz
  std::string json;
  ResourceArgs limits;
};
int cmd_validate(const ValidateArgs& a);

int cmd_dump_graph(const std::filesystem::path& model, const ResourceArgs& limits = {});

struct EnginesArgs {
  std::string json;  // write the table as JSON here ("-": stdout)
};
// `rnnconf engines`: every engine, whether it can run here and why not.
int cmd_engines(const EnginesArgs& a);

// The repository root: the nearest folder above the working directory holding
// conformance/matrix.json, else the source tree rnnconf was built from.
std::filesystem::path default_root();

}  // namespace rnnconf::tools

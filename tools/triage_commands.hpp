// Declarations of the triage-family subcommands (cmd_triage.cpp,
// cmd_mutants.cpp): regression triage of one case or model, and the mutant
// matrix that proves the policy strict enough and triage right.
#pragma once

#include <filesystem>
#include <string>

#include "resource_limits.hpp"

namespace rnnconf::tools {

struct TriageArgs {
  std::string target;                 // a matrix case name, or a model path (then --case or goldens/data/<case>/...)
  std::string case_name;              // the golden case a model path is compared with
  std::filesystem::path root;
  std::string engine = "cpu";         // cpu | cpu-literal: the replay runs on reference_cpu
  std::string model_source = "t2n";
  std::filesystem::path plot;         // PNG heatmap of the error per (layer, direction) over time
  ResourceArgs limits;                // --max-memory, --timeout
};
int cmd_triage(const TriageArgs& a);

struct MutantsArgs {
  std::filesystem::path root;
  std::string filter;                 // regex on mutant names
  std::string engine = "cpu";         // cpu | cpu-literal
  std::string markdown;               // also write the table as Markdown here
};
int cmd_mutants(const MutantsArgs& a);

}  // namespace rnnconf::tools

// The engine registry (benchdnn's engine model): which executors rnnconf can
// run a model on, chosen at run time by name with one spelling on every
// command line (`--engine cpu,cpu-literal,cuda` or `all`).
//
//   cpu          reference_cpu, fused kernels bound by fragment identity (float32)
//   cpu-literal  reference_cpu, every fragment body interpreted statement by statement
//   cuda         reference_cuda (cuBLAS + fused gate kernels), a shared module
//                loaded with dlopen only when this engine is asked for
//
// Each engine is a (device, mode) pair for the reports and the expectations
// (expectation_context): cpu = (cpu, fused), cpu-literal = (cpu, literal),
// cuda = (cuda, fused).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace rnnconf::conformance {

struct EngineSpec {
  std::string name;         // cpu | cpu-literal | cuda
  std::string device;       // cpu | cuda
  std::string mode;         // fused | literal
  std::string description;  // one line for `rnnconf engines`
};

// Every engine this rnnconf knows, in a fixed order (cpu, cpu-literal, cuda).
const std::vector<EngineSpec>& engine_table();
// The engine called NAME; throws Error naming the known engines otherwise.
const EngineSpec& find_engine(std::string_view name);
// The engine of a (device, mode) pair; throws Error when no engine is that pair.
const EngineSpec& engine_of(std::string_view device, std::string_view mode);
// "cpu,cuda" or "all" -> engine names, in the order given, duplicates dropped;
// throws Error on an empty list or an unknown name (naming it and the known ones).
std::vector<std::string> parse_engine_list(std::string_view text);
// Whether the list names `all` (then `rnnconf run` skips the engines that
// cannot run here, with the reason, instead of refusing).
bool engine_list_has_all(std::string_view text);

// Whether an engine can run here. `why` says in one line why not (no module
// built, the module or a library it needs not found and where it was looked
// for, a module of another build, no driver, no GPU); `detail` says what it
// runs on when it can run. Running a model: execute_engine (runner.hpp).
struct EngineStatus {
  std::string name;
  bool available = false;
  std::string why;
  std::string detail;
};
// Never throws for a known engine (the reason is a value); throws Error for
// an unknown name (find_engine). Probing `cuda` loads its module (and so the
// CUDA libraries): only commands that ask about that engine do it.
EngineStatus probe_engine(std::string_view name);

}  // namespace rnnconf::conformance

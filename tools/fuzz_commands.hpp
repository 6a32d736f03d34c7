// Declaration of `rnnconf fuzz` (cmd_fuzz.cpp): differential testing of the
// emitter + an engine against LibTorch on seeded random configurations.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace rnnconf::tools {

struct FuzzArgs {
  std::filesystem::path root;  // for conformance/POLICY.md
  uint64_t seed = 1;
  double seconds = 60;         // stop after this long (0 = no time limit)
  int64_t count = 0;           // stop after this many configurations (0 = no count limit)
  std::string replay;          // a configuration line printed by a failure (rnnconf fuzz --replay '...')
  bool no_shrink = false;
  std::string engine = "cpu";  // cpu | cpu-literal | cuda (engines.hpp)
  std::string json;            // write the run's summary here
};
int cmd_fuzz(const FuzzArgs& a);

}  // namespace rnnconf::tools

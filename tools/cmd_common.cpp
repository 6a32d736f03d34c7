// Helpers shared by the subcommands: locating the repository root.
#include "commands.hpp"

#include "rnnconf/core/error.hpp"

namespace rnnconf::tools {

std::filesystem::path default_root() {
  namespace fs = std::filesystem;
  for (fs::path p = fs::current_path(); !p.empty(); p = p.parent_path()) {
    if (fs::exists(p / "conformance" / "matrix.json")) return p;
    if (p == p.parent_path()) break;
  }
  const fs::path built_from = RNNCONF_SOURCE_DIR;
  if (fs::exists(built_from / "conformance" / "matrix.json")) return built_from;
  throw Error("cannot find the rnnconf repository (conformance/matrix.json); pass --root");
}

}  // namespace rnnconf::tools

// How a new export differs from the baseline export of the same case: graph
// statements (as `rnnconf diff`), fragment definitions (normalized signature
// and body) and tensor payloads.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace rnnconf::exporter_ci {

struct ExportChange {
  bool changed = true;
  // "identical (...)", or the first differing statements, the fragments and the
  // tensors that differ; "not compared: ..." when one side does not load.
  std::string text;
};

// Either side may be absent (the exporter produced nothing).
ExportChange describe_export_change(const std::optional<std::filesystem::path>& baseline,
                                    const std::optional<std::filesystem::path>& now);

}  // namespace rnnconf::exporter_ci

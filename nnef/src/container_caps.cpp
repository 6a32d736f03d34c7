// ArchiveLimits under the memory budget, and their names in errors (container_caps.hpp).
#include "container_caps.hpp"

#include <fmt/format.h>

#include "rnnconf/core/byte_size.hpp"

namespace rnnconf::nnef::detail {
namespace {

// Parsing takes up to ~48 bytes of memory per byte of graph text (measured,
// see ArchiveLimits::max_graph_bytes): under a budget, text is capped at 1/64.
constexpr int64_t kGraphBytesPerBudgetByte = 64;

Cap lowered(int64_t limit, const std::string& limit_name) {
  if (const auto& meter = current_memory_meter(); meter && meter->budget() < limit)
    return {meter->budget(),
            fmt::format("the memory budget of {} (--max-memory)", format_bytes(meter->budget()))};
  return {limit, limit_name};
}

}  // namespace

Cap member_cap(const ArchiveLimits& limits) {
  return lowered(limits.max_member_bytes,
                 fmt::format("the cap of {} per member", format_bytes(limits.max_member_bytes)));
}

Cap total_cap(const ArchiveLimits& limits) {
  return lowered(limits.max_total_bytes,
                 fmt::format("the cap of {} on the decompressed size", format_bytes(limits.max_total_bytes)));
}

Cap archive_file_cap(const ArchiveLimits& limits) {
  return lowered(limits.max_archive_file_bytes,
                 fmt::format("the cap of {} on archive files", format_bytes(limits.max_archive_file_bytes)));
}

Cap graph_cap(const ArchiveLimits& limits) {
  const Cap cap{limits.max_graph_bytes, fmt::format("the cap of {} on graph text (graph.nnef, graph.quant)",
                                                    format_bytes(limits.max_graph_bytes))};
  const auto& meter = current_memory_meter();
  if (!meter || meter->budget() / kGraphBytesPerBudgetByte >= cap.bytes) return cap;
  const int64_t lowered_cap = meter->budget() / kGraphBytesPerBudgetByte;
  return {lowered_cap,
          fmt::format("the cap of {} on graph text (1/{} of the memory budget of {}, --max-memory: "
                      "parsing takes up to ~48 bytes per byte of text)",
                      format_bytes(lowered_cap), kGraphBytesPerBudgetByte, format_bytes(meter->budget()))};
}

std::string size_text(int64_t bytes) {
  return bytes < 1024 ? format_bytes(bytes) : fmt::format("{} ({} bytes)", format_bytes(bytes), bytes);
}

void rethrow_budget_at(const MemoryBudgetError& e, const std::string& display, const std::string& what) {
  throw MemoryBudgetError(SourceLocation::in_file(display), what + ": " + e.message());
}

}  // namespace rnnconf::nnef::detail

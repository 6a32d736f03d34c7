// The caps of ArchiveLimits as they apply while reading (private): each one
// lowered to the current memory budget when that is smaller, with the words
// that name it in errors; and a helper that places a MemoryBudgetError at the
// member whose bytes would have passed the budget.
#pragma once

#include <cstdint>
#include <string>

#include "rnnconf/core/error.hpp"
#include "rnnconf/core/memory_budget.hpp"
#include "rnnconf/nnef/container.hpp"

namespace rnnconf::nnef::detail {

struct Cap {
  int64_t bytes = 0;
  std::string name;  // "the cap of 4.0 GiB per member", "the memory budget of 256.0 MiB (--max-memory)"
};

Cap member_cap(const ArchiveLimits& limits);
Cap total_cap(const ArchiveLimits& limits);
Cap archive_file_cap(const ArchiveLimits& limits);
Cap graph_cap(const ArchiveLimits& limits);  // graph.nnef, graph.quant

// "3.0 GiB (3221225472 bytes)"
std::string size_text(int64_t bytes);

// Rethrows `e` located at `display` (a file or archive!member), naming `what`.
[[noreturn]] void rethrow_budget_at(const MemoryBudgetError& e, const std::string& display,
                                    const std::string& what);

}  // namespace rnnconf::nnef::detail

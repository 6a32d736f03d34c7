// Private to the checker: tract_core_scan rules (check_scan.cpp) and the
// location helpers shared by check*.cpp.
#pragma once

#include <string>
#include <vector>

#include "rnnconf/nnef/ast.hpp"

namespace rnnconf::nnef {

// "line:col"
std::string position_text(const SourcePos& pos);
[[noreturn]] void fail_at(const std::string& filename, const SourcePos& pos, const std::string& message);

// `bound[i]` is the argument bound to parameter i of the tract_core_scan signature `sig` (null: default).
void check_scan_call(const Document& doc, const std::string& filename, const Invocation& inv,
                     const std::vector<const Argument*>& bound, const Fragment& sig);
// The tuple on the left of `(a, b, ...) = tract_core_scan(...)` has one name per `output` entry.
void check_scan_lhs_count(const std::string& filename, const Invocation& inv, std::size_t lhs_count,
                          const SourcePos& pos);

}  // namespace rnnconf::nnef

// Static checks of a parsed NNEF document (spec §2.4, §5.1, §6 items 23–34
// where checkable without shapes): SSA and use-before-definition, graph
// input/output rules, operation lookup (standard library, tract ops in the
// tract dialect, document fragments in order), argument binding and types,
// generics, left-hand side vs results, fragment signature rules and
// tract_core_scan bindings. Throws rnnconf::Error at the first problem, with
// file:line:col and what was expected.
#pragma once

#include <string>

#include "rnnconf/nnef/ast.hpp"
#include "rnnconf/nnef/dialect.hpp"

namespace rnnconf::nnef {

void check_document(const Document& doc, const std::string& filename, const ParseOptions& options = {});

// The operation declarations the checker knows besides document fragments
// (declarations only, NNEF text): the Khronos standard operations, plus the
// tract registry operations in the tract dialect.
const Document& standard_operations(Dialect dialect);

}  // namespace rnnconf::nnef

// NNEF text parser: graph.nnef documents and fragment files into the AST of
// ast.hpp (spec §2.2–2.3). Syntax only; the static rules (SSA, op lookup,
// argument types, ...) are checked by check.hpp. Errors are rnnconf::Error
// with file:line:col and what was expected.
#pragma once

#include <string>
#include <string_view>

#include "rnnconf/nnef/ast.hpp"
#include "rnnconf/nnef/dialect.hpp"

namespace rnnconf::nnef {

// A whole document: version, extensions, fragments, graph (fragment-file
// layout when options.fragments_only).
Document parse_document(std::string_view text, const std::string& filename, const ParseOptions& options = {});

// A fragment file (torch_to_nnef op/fragment/*.nnef): optional version,
// extensions, fragments, no graph. Same as parse_document with fragments_only.
Document parse_fragment_file(std::string_view text, const std::string& filename, ParseOptions options = {});

}  // namespace rnnconf::nnef

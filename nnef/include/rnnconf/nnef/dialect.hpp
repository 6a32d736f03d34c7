// Parse options shared by the NNEF text lexer, parser and checker: the
// dialect (strict Khronos reference-parser behaviour, or tract-compat with
// the relaxations of spec §5.4) and resource bounds.
#pragma once

#include <cstddef>

namespace rnnconf::nnef {

enum class Dialect { strict, tract };

struct ParseOptions {
  Dialect dialect = Dialect::tract;
  // Fragment files (torch_to_nnef's op/fragment/*.nnef): no version, no graph.
  bool fragments_only = false;
  // Deeper nesting of expressions / types raises an Error instead of
  // overflowing the stack.
  int max_depth = 256;
  // Larger inputs are refused up front.
  std::size_t max_input_bytes = std::size_t{64} << 20;
};

inline const char* dialect_name(Dialect d) { return d == Dialect::strict ? "strict" : "tract"; }

}  // namespace rnnconf::nnef

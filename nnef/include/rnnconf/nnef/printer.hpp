// Canonical NNEF text printer (spec §7): deterministic text from the AST,
// such that parse(print(doc)) == doc for every document the parser accepts
// in the same dialect. Also the normalized fragment body text and its hash,
// used to bind fused kernels by (fragment name, signature, body hash).
#pragma once

#include <cstdint>
#include <string>

#include "rnnconf/nnef/ast.hpp"
#include "rnnconf/nnef/dialect.hpp"

namespace rnnconf::nnef {

struct PrintOptions {
  // strict: refuse what Khronos cannot read back (i"..." identifiers, inf,
  // escapes) with an Error; tract: print them in tract's syntax.
  Dialect dialect = Dialect::tract;
};

// Canonical layout: `version X.Y;`, one extension per line, fragments, graph;
// one assignment per line indented by 4 spaces; `, ` between items; a space
// around binary operators and `=` of named arguments. Arguments are printed
// in their source order (the printer does not reorder or name them).
// Scalars use the shortest digits that read back to the same double and
// always contain '.' or an exponent; strings are single-quoted unless they
// contain a single quote (then double-quoted in strict, escaped in tract).
std::string print_document(const Document& doc, const PrintOptions& options = {});
std::string print_fragment(const Fragment& fragment, const PrintOptions& options = {});
std::string print_expr(const Expr& expr, const PrintOptions& options = {});
std::string print_type(const TypeSpec& type);
// Shortest round-trip text of a scalar literal ("1.0", "1e-05", "inf").
std::string format_scalar(double value);

// The fragment's signature in canonical form without whitespace, e.g.
// `lstm(input:tensor<scalar>,scan_pace:integer)->(h_n:tensor<scalar>)`
// (generic marker included, defaults included).
std::string normalized_signature_text(const Fragment& fragment);
// The canonically printed body with all whitespace removed, except a single
// space where two identifier/number characters would otherwise touch
// (`a if c else b` keeps its word breaks); comments never reach the AST.
// Empty for a declaration without body.
std::string normalized_body_text(const Fragment& fragment);
// 64-bit FNV-1a (offset basis 0xcbf29ce484222325, prime 0x100000001b3) of
// normalized_body_text: stable across platforms and runs.
uint64_t normalized_body_hash(const Fragment& fragment);
uint64_t fnv1a_64(const std::string& bytes);

}  // namespace rnnconf::nnef

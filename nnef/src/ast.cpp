// Small helpers over the AST value types (names of type keywords, lookups).
#include "rnnconf/nnef/ast.hpp"

namespace rnnconf::nnef {

const char* type_name_text(TypeName name) {
  switch (name) {
    case TypeName::integer: return "integer";
    case TypeName::scalar: return "scalar";
    case TypeName::logical: return "logical";
    case TypeName::string: return "string";
    case TypeName::generic: return "?";
    case TypeName::none: return "";
  }
  return "";
}

bool has_extension(const Document& doc, const std::string& name) {
  for (const auto& ext : doc.extensions)
    if (ext.name == name) return true;
  return false;
}

}  // namespace rnnconf::nnef

// load_model: container -> parse (tract dialect) -> static checks -> variables.
// Each `variable<T>(shape, label)` of the graph is read with its declared shape
// and dtype; errors carry the variable's graph.nnef line:col.
#include <string>
#include <variant>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/nnef/parser.hpp"

namespace rnnconf::nnef {
namespace {

const Expr* named_arg(const Invocation& inv, const std::string& name, size_t position) {
  for (const auto& a : inv.args)
    if (a.name == name) return &*a.value;
  if (position < inv.args.size() && inv.args[position].name.empty()) return &*inv.args[position].value;
  return nullptr;
}

int64_t integer_value(const Expr& e, const SourceLocation& where) {
  if (const auto* i = std::get_if<IntegerLiteral>(&e.node)) return i->value;
  if (const auto* u = std::get_if<UnaryExpr>(&e.node); u && u->op == "-")
    if (const auto* i = std::get_if<IntegerLiteral>(&u->operand->node)) return -i->value;
  throw Error(where, "variable: shape items must be integer literals");
}

DType declared_dtype(const Invocation& inv, const SourceLocation& where) {
  switch (inv.generic_arg.value_or(TypeName::scalar)) {
    case TypeName::scalar: return DType::f32;
    case TypeName::integer: return DType::i64;
    case TypeName::logical: return DType::boolean;
    default: throw Error(where, "variable: unsupported item type (expected scalar, integer or logical)");
  }
}

}  // namespace

Model load_model_files(ModelFiles files) {
  Model m;
  m.files = std::move(files);
  ParseOptions opts;
  opts.dialect = Dialect::tract;
  m.doc = parse_document(m.files.graph_text, m.files.graph_name, opts);
  check_document(m.doc, m.files.graph_name, opts);
  if (!m.doc.graph) throw Error(SourceLocation::in_file(m.files.graph_name), "model has no graph");
  for (const auto& st : m.doc.graph->body) {
    const auto* inv = std::get_if<Invocation>(&st.rvalue.node);
    if (!inv || inv->op != "variable") continue;
    const SourceLocation where = SourceLocation::at_line(m.files.graph_name, st.rvalue.pos.line, st.rvalue.pos.column);
    const auto* lhs = std::get_if<Identifier>(&st.lvalue.node);
    if (!lhs) throw Error(where, "variable: left-hand side must be one identifier");
    const Expr* shape_e = named_arg(*inv, "shape", 0);
    const Expr* label_e = named_arg(*inv, "label", 1);
    if (!shape_e || !label_e) throw Error(where, "variable: needs shape and label");
    const auto* shape_arr = std::get_if<ArrayExpr>(&shape_e->node);
    const auto* label = std::get_if<StringLiteral>(&label_e->node);
    if (!shape_arr || !label) throw Error(where, "variable: shape must be an integer array literal and label a string");
    Shape shape;
    for (const auto& item : shape_arr->items) shape.push_back(integer_value(item, where));
    Tensor t = read_variable(m.files, label->value, shape, declared_dtype(*inv, where), where, LabelMode::tract_compat);
    m.variables.emplace(lhs->name, std::move(t));
    m.variable_labels.emplace(lhs->name, label->value);
  }
  return m;
}

Model load_model(const std::filesystem::path& path) { return load_model_files(open_model(path)); }

}  // namespace rnnconf::nnef

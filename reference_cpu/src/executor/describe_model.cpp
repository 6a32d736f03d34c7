// describe_model: the graph as the executor sees it, one line per statement
// (`rnnconf dump-graph`): LHS with its shape, the op, and each argument
// (identifiers with their shapes, attributes as written). Shapes come from a
// literal f32 run on zero inputs of the declared shapes; when that run stops
// at an error, later statements show `?` and the error closes the dump.
#include <algorithm>
#include <fmt/format.h>

#include <sstream>

#include "executor/interpreter.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace rnnconf::cpu {
namespace {

Shape declared_input_shape(const nnef::Invocation& inv) {
  Shape s;
  for (const auto& a : inv.args)
    if (a.name == "shape" || (a.name.empty() && &a == &inv.args.front()))
      if (const auto* arr = std::get_if<nnef::ArrayExpr>(&a.value->node))
        for (const auto& item : arr->items) {
          const auto* i = std::get_if<nnef::IntegerLiteral>(&item.node);
          s.push_back(i ? i->value : 1);  // a symbolic extent (tract_symbol) is shown with extent 1
        }
  return s;
}

DType declared_input_dtype(const nnef::Invocation& inv) {
  for (const auto& a : inv.args)
    if (a.name == "datum_type")
      if (const auto* s = std::get_if<nnef::StringLiteral>(&a.value->node)) {
        if (s->value == "f64") return DType::f64;
        if (s->value == "bool") return DType::boolean;
        if (!s->value.empty() && s->value[0] != 'f') return DType::i64;
      }
  return DType::f32;
}

std::string arg_text(const nnef::Expr& e, const std::map<std::string, std::string>& shapes) {
  if (const auto* id = std::get_if<nnef::Identifier>(&e.node)) {
    auto it = shapes.find(id->name);
    return id->name + (it == shapes.end() ? ":?" : ":" + it->second);
  }
  if (const auto* arr = std::get_if<nnef::ArrayExpr>(&e.node)) {
    bool has_id = false;
    for (const auto& i : arr->items) has_id = has_id || std::holds_alternative<nnef::Identifier>(i.node);
    if (has_id) {
      std::string s = "[";
      for (size_t k = 0; k < arr->items.size(); ++k) s += (k ? ", " : "") + arg_text(arr->items[k], shapes);
      return s + "]";
    }
  }
  return nnef::print_expr(e);
}

// The identifiers an assignment's left-hand side names, in order.
void collect_lhs_names(const nnef::Expr& e, std::vector<std::string>& names) {
  if (const auto* id = std::get_if<nnef::Identifier>(&e.node)) names.push_back(id->name);
  if (const auto* t = std::get_if<nnef::TupleExpr>(&e.node))
    for (const auto& i : t->items) collect_lhs_names(i, names);
  if (const auto* a = std::get_if<nnef::ArrayExpr>(&e.node))
    for (const auto& i : a->items) collect_lhs_names(i, names);
}

// Zero inputs of the declared shapes, allocated under the memory budget like
// any tensor: an absurd declared shape stops the run at its statement.
std::map<std::string, Tensor> zero_inputs(const nnef::Model& model) {
  std::map<std::string, Tensor> zeros;
  if (!model.doc.graph) return zeros;
  for (const auto& st : model.doc.graph->body) {
    const auto* inv = std::get_if<nnef::Invocation>(&st.rvalue.node);
    const auto* id = std::get_if<nnef::Identifier>(&st.lvalue.node);
    if (!inv || !id || (inv->op != "tract_core_external" && inv->op != "external")) continue;
    try {
      zeros.emplace(id->name, Tensor(declared_input_dtype(*inv), declared_input_shape(*inv)));
    } catch (const Error& e) {
      throw Error(SourceLocation::at_line(model.files.graph_name, st.rvalue.pos.line, st.rvalue.pos.column),
                  fmt::format("'{}': zero input '{}': {}", inv->op, id->name, e.message()));
    }
  }
  return zeros;
}

}  // namespace

std::string describe_model(const nnef::Model& model, const Deadline& deadline) {
  std::map<std::string, std::string> shapes;
  std::string stopped;
  RunOptions opt;
  opt.mode = FragmentMode::literal;
  opt.deadline = deadline;
  try {
    const std::map<std::string, Tensor> zeros = zero_inputs(model);
    // The names the statement assigns; the whole scope only when it grew by
    // more (a graph input binding tract_symbol extents): a pass over the whole
    // scope per statement would make a graph of n statements cost n^2.
    size_t known = 0;
    evaluate_graph(model, zeros, opt, [&](const nnef::Assignment& st, const Scope& scope) {
      auto note = [&](const std::string& name, const Value& v) {
        if (!shapes.count(name))
          shapes.emplace(name, v.is_tensor() ? shape_str(v.tensor->shape()) : value_str(v));
      };
      std::vector<std::string> names;
      collect_lhs_names(st.lvalue, names);
      if (scope.size() > known + names.size()) {
        for (const auto& [name, v] : scope) note(name, v);
      } else {
        for (const auto& name : names)
          if (auto it = scope.find(name); it != scope.end()) note(name, it->second);
      }
      known = scope.size();
    });
  } catch (const Error& e) {
    stopped = e.what();
  }
  std::ostringstream out;
  out << "graph " << (model.doc.graph ? model.doc.graph->name : "?") << " (" << model.files.graph_name << ")\n";
  if (!model.doc.graph) return out.str();
  for (const auto& st : model.doc.graph->body) {
    // LHS names with their shapes: `y [4, 3, 14]` or `(y [..], h [..])`.
    std::vector<std::string> names;
    collect_lhs_names(st.lvalue, names);
    std::string lhs_text;
    for (const auto& n : names) {
      auto it = shapes.find(n);
      lhs_text += (lhs_text.empty() ? "" : ", ") + n + " " + (it == shapes.end() ? "?" : it->second);
    }
    if (names.size() > 1) lhs_text = "(" + lhs_text + ")";
    std::string rhs;
    if (const auto* inv = std::get_if<nnef::Invocation>(&st.rvalue.node)) {
      rhs = inv->op + "(";
      for (size_t k = 0; k < inv->args.size(); ++k) {
        const auto& a = inv->args[k];
        rhs += (k ? ", " : "") + (a.name.empty() ? "" : a.name + " = ") + arg_text(*a.value, shapes);
      }
      rhs += ")";
      if (auto it = std::find_if(model.doc.fragments.begin(), model.doc.fragments.end(),
                                 [&](const nnef::Fragment& f) { return f.name == inv->op && f.body; });
          it != model.doc.fragments.end()) {
        const FragmentIdentity id = fragment_identity(model.doc.fragments, inv->op);
        rhs += fmt::format("  [fragment {} {}]", id.hash_hex(), find_known_fragment(id) ? "known: fused" : "unknown: literal");
      }
    } else {
      rhs = nnef::print_expr(st.rvalue);
    }
    out << fmt::format("{:>5}  {} = {}\n", st.rvalue.pos.line, lhs_text, rhs);
  }
  out << "outputs:";
  for (const auto& o : model.doc.graph->outputs) {
    auto it = shapes.find(o.name);
    out << " " << o.name << " " << (it == shapes.end() ? "?" : it->second);
  }
  out << "\n";
  if (!stopped.empty()) out << "shape inference stopped: " << stopped << "\n";
  return out.str();
}

}  // namespace rnnconf::cpu

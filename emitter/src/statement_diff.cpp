// Statement-level diff of two exports (see statement_diff.hpp).
#include "rnnconf/emitter/statement_diff.hpp"

#include <fstream>
#include <map>
#include <type_traits>
#include <variant>
#include <sstream>

#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace rnnconf::emitter {

namespace {

std::string names(const std::vector<nnef::NameRef>& refs) {
  std::string out;
  for (const auto& r : refs) out += (out.empty() ? "" : ", ") + r.name;
  return out;
}

nnef::Document load(const std::filesystem::path& p) {
  if (std::filesystem::is_regular_file(p) && p.extension() == ".nnef") {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return nnef::parse_document(ss.str(), p.string());
  }
  const nnef::ModelFiles files = nnef::open_model(p);
  return nnef::parse_document(files.graph_text, files.graph_name);
}

// Renames identifiers through `names` everywhere in an expression.
void rename(nnef::Expr& e, const std::map<std::string, std::string>& names) {
  std::visit(
      [&](auto& n) {
        using T = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<T, nnef::Identifier>) {
          auto it = names.find(n.name);
          if (it != names.end()) n.name = it->second;
        } else if constexpr (std::is_same_v<T, nnef::ArrayExpr> || std::is_same_v<T, nnef::TupleExpr>) {
          for (nnef::Expr& item : n.items) rename(item, names);
        } else if constexpr (std::is_same_v<T, nnef::Invocation>) {
          for (nnef::Argument& a : n.args) rename(*a.value, names);
        } else if constexpr (std::is_same_v<T, nnef::UnaryExpr>) {
          rename(*n.operand, names);
        } else if constexpr (std::is_same_v<T, nnef::BinaryExpr>) {
          rename(*n.lhs, names);
          rename(*n.rhs, names);
        } else if constexpr (std::is_same_v<T, nnef::ConditionalExpr>) {
          rename(*n.condition, names);
          rename(*n.then_value, names);
          rename(*n.else_value, names);
        } else if constexpr (std::is_same_v<T, nnef::IndexExpr>) {
          rename(*n.base, names);
          rename(*n.index, names);
        } else if constexpr (std::is_same_v<T, nnef::SliceExpr>) {
          rename(*n.base, names);
          if (n.begin) rename(**n.begin, names);
          if (n.end) rename(**n.end, names);
        } else if constexpr (std::is_same_v<T, nnef::ComprehensionExpr>) {
          for (auto& it : n.iters) rename(*it.range, names);
          if (n.condition) rename(**n.condition, names);
          rename(*n.yield_value, names);
        } else if constexpr (std::is_same_v<T, nnef::BuiltinCall>) {
          rename(*n.arg, names);
        }
      },
      e.node);
}

// The graph body with variables renamed var<k> and labels blanked.
std::vector<nnef::Assignment> without_labels(std::vector<nnef::Assignment> body) {
  std::map<std::string, std::string> names;
  for (nnef::Assignment& a : body) {
    auto* inv = std::get_if<nnef::Invocation>(&a.rvalue.node);
    auto* id = std::get_if<nnef::Identifier>(&a.lvalue.node);
    if (!inv || inv->op != "variable" || !id) continue;
    names[id->name] = "var" + std::to_string(names.size());
    for (nnef::Argument& arg : inv->args)
      if (arg.name == "label") arg.value->node = nnef::StringLiteral{""};
  }
  for (nnef::Assignment& a : body) {
    rename(a.lvalue, names);
    rename(a.rvalue, names);
  }
  return body;
}

std::string line_of(const std::vector<Statement>& s, size_t i) {
  return i < s.size() ? "line " + std::to_string(s[i].line) : "end of graph";
}

}  // namespace

std::vector<Statement> graph_statements(const nnef::Document& doc, const DiffOptions& options) {
  if (!doc.graph) throw Error("graph_statements: the document has no graph");
  const nnef::Graph& g = *doc.graph;
  std::vector<Statement> out;
  out.push_back({"graph " + g.name + "(" + names(g.inputs) + ") -> (" + names(g.outputs) + ")", g.pos.line});
  const std::vector<nnef::Assignment> body = options.ignore_labels ? without_labels(g.body) : g.body;
  for (const nnef::Assignment& a : body)
    out.push_back({nnef::print_expr(a.lvalue) + " = " + nnef::print_expr(a.rvalue), a.pos.line});
  return out;
}

StatementDiff diff_statements(const nnef::Document& a, const nnef::Document& b, const DiffOptions& options) {
  StatementDiff d;
  d.a = graph_statements(a, options);
  d.b = graph_statements(b, options);
  const size_t n = std::max(d.a.size(), d.b.size());
  bool found = false;
  for (size_t i = 0; i < n; ++i) {
    const bool same = i < d.a.size() && i < d.b.size() && d.a[i].text == d.b[i].text;
    if (same) continue;
    ++d.differing;
    if (!found) {
      d.first = i;
      found = true;
    }
  }
  d.identical = !found;
  return d;
}

StatementDiff diff_models(const std::filesystem::path& a, const std::filesystem::path& b,
                          const DiffOptions& options) {
  return diff_statements(load(a), load(b), options);
}

std::string verdict_line(const StatementDiff& d) {
  const size_t n = std::max(d.a.size(), d.b.size());
  if (d.identical) return "identical (" + std::to_string(n) + " statements)";
  return "differs at statement " + std::to_string(d.first) + " (A " + line_of(d.a, d.first) + ", B " +
         line_of(d.b, d.first) + "); " + std::to_string(d.differing) + " of " + std::to_string(n) +
         " statements differ";
}

std::string format_statement_diff(const StatementDiff& d, const std::string& name_a, const std::string& name_b,
                                  size_t context) {
  std::ostringstream out;
  out << "A: " << name_a << "\nB: " << name_b << "\n";
  if (!d.identical) {
    const size_t begin = d.first > context ? d.first - context : 0;
    const size_t end = std::min(std::max(d.a.size(), d.b.size()), d.first + context + 1);
    for (size_t i = begin; i < end; ++i) {
      const bool in_a = i < d.a.size();
      const bool in_b = i < d.b.size();
      if (in_a && in_b && d.a[i].text == d.b[i].text) {
        out << "  [" << i << "] " << d.a[i].text << "\n";
        continue;
      }
      out << "- [" << i << "] A:" << (in_a ? std::to_string(d.a[i].line) + ": " + d.a[i].text : " (none)") << "\n";
      out << "+ [" << i << "] B:" << (in_b ? std::to_string(d.b[i].line) + ": " + d.b[i].text : " (none)") << "\n";
    }
  }
  out << verdict_line(d) << "\n";
  return out.str();
}

}  // namespace rnnconf::emitter

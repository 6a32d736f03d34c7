// Canonical NNEF text printer (spec §7) and normalized fragment bodies.
#include "rnnconf/nnef/printer.hpp"

#include <charconv>
#include <cmath>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/lexer.hpp"

namespace rnnconf::nnef {

namespace {

// Binding strength used to decide on parentheses (higher binds tighter).
constexpr int kConditional = 0;
constexpr int kUnary = 7;
constexpr int kPostfix = 8;

int binary_precedence(const std::string& op) {
  if (op == "in") return 1;
  if (op == "&&" || op == "||") return 2;
  if (op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" || op == "!=") return 3;
  if (op == "+" || op == "-") return 4;
  if (op == "*" || op == "/") return 5;
  return 6;  // "^"
}

int precedence(const Expr& e) {
  if (std::holds_alternative<ConditionalExpr>(e.node)) return kConditional;
  if (auto* b = std::get_if<BinaryExpr>(&e.node)) return binary_precedence(b->op);
  if (std::holds_alternative<UnaryExpr>(e.node)) return kUnary;
  return kPostfix;
}

[[noreturn]] void unprintable(const SourcePos& pos, const std::string& message) {
  throw Error(SourceLocation::at_line("<printer>", pos.line, pos.column), message);
}

bool is_plain_identifier(const std::string& name) {
  if (name.empty()) return false;
  auto start = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!start(name[0])) return false;
  for (char c : name)
    if (!start(c) && !(c >= '0' && c <= '9')) return false;
  return !is_keyword(name);
}

class Printer {
 public:
  explicit Printer(const PrintOptions& options) : tract_(options.dialect == Dialect::tract) {}

  std::string identifier(const std::string& name, const SourcePos& pos) const {
    if (is_plain_identifier(name) && !(tract_ && name == "inf")) return name;
    if (!tract_) unprintable(pos, "identifier '" + name + "' cannot be written in strict NNEF");
    return "i\"" + escaped(name) + "\"";
  }

  static std::string escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\\' || c == '\'' || c == '"') out += '\\';
      out += c;
    }
    return out;
  }

  std::string string_literal(const std::string& value, const SourcePos& pos) const {
    bool has_single = value.find('\'') != std::string::npos;
    bool has_double = value.find('"') != std::string::npos;
    bool has_backslash = value.find('\\') != std::string::npos;
    if (!tract_) {
      if (!has_single) return "'" + value + "'";
      if (!has_double) return "\"" + value + "\"";
      unprintable(pos, "string containing both quote kinds cannot be written in strict NNEF");
    }
    if (!has_single && !has_double && !has_backslash) return "'" + value + "'";
    return "'" + escaped(value) + "'";
  }

  std::string expr(const Expr& e, int min_precedence = 0) const {
    std::string text = expr_bare(e);
    if (precedence(e) < min_precedence) return "(" + text + ")";
    return text;
  }

  std::string list(const std::vector<Expr>& items) const {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (i) out += ", ";
      out += expr(items[i]);
    }
    return out;
  }

  std::string expr_bare(const Expr& e) const {
    return std::visit(
        [&](const auto& n) -> std::string {
          using T = std::decay_t<decltype(n)>;
          if constexpr (std::is_same_v<T, IntegerLiteral>) {
            return std::to_string(n.value);
          } else if constexpr (std::is_same_v<T, ScalarLiteral>) {
            if (!std::isfinite(n.value) && !tract_)
              unprintable(e.pos, "non-finite scalar cannot be written in strict NNEF");
            return format_scalar(n.value);
          } else if constexpr (std::is_same_v<T, StringLiteral>) {
            return string_literal(n.value, e.pos);
          } else if constexpr (std::is_same_v<T, LogicalLiteral>) {
            return n.value ? "true" : "false";
          } else if constexpr (std::is_same_v<T, Identifier>) {
            return identifier(n.name, e.pos);
          } else if constexpr (std::is_same_v<T, ArrayExpr>) {
            return "[" + list(n.items) + "]";
          } else if constexpr (std::is_same_v<T, TupleExpr>) {
            return "(" + list(n.items) + ")";
          } else if constexpr (std::is_same_v<T, Invocation>) {
            std::string out = identifier(n.op, e.pos);
            if (n.generic_arg) out += std::string("<") + type_name_text(*n.generic_arg) + ">";
            out += "(";
            for (std::size_t i = 0; i < n.args.size(); ++i) {
              if (i) out += ", ";
              if (!n.args[i].name.empty()) out += identifier(n.args[i].name, n.args[i].pos) + " = ";
              out += expr(*n.args[i].value);
            }
            return out + ")";
          } else if constexpr (std::is_same_v<T, UnaryExpr>) {
            return n.op + expr(*n.operand, kUnary);
          } else if constexpr (std::is_same_v<T, BinaryExpr>) {
            int p = binary_precedence(n.op);
            return expr(*n.lhs, p) + " " + n.op + " " + expr(*n.rhs, p + 1);
          } else if constexpr (std::is_same_v<T, ConditionalExpr>) {
            // condition and else branch are full expressions in the grammar: no parentheses needed
            // (adding them would deepen the text and could exceed the parser's nesting bound).
            return expr(*n.then_value, 1) + " if " + expr(*n.condition) + " else " + expr(*n.else_value);
          } else if constexpr (std::is_same_v<T, IndexExpr>) {
            return expr(*n.base, kPostfix) + "[" + expr(*n.index) + "]";
          } else if constexpr (std::is_same_v<T, SliceExpr>) {
            std::string out = expr(*n.base, kPostfix) + "[";
            if (n.begin) out += expr(**n.begin);
            out += ":";
            if (n.end) out += expr(**n.end);
            return out + "]";
          } else if constexpr (std::is_same_v<T, ComprehensionExpr>) {
            std::string out = "[for ";
            for (std::size_t i = 0; i < n.iters.size(); ++i) {
              if (i) out += ", ";
              out += expr(*n.iters[i].target) + " in " + expr(*n.iters[i].range, 1);
            }
            if (n.condition) out += " if " + expr(**n.condition, 1);
            return out + " yield " + expr(*n.yield_value) + "]";
          } else {
            static_assert(std::is_same_v<T, BuiltinCall>);
            return n.function + "(" + expr(*n.arg) + ")";
          }
        },
        e.node);
  }

  std::string assignment(const Assignment& a) const { return expr(a.lvalue) + " = " + expr(a.rvalue) + ";"; }

  std::string body(const std::vector<Assignment>& statements) const {
    std::string out = "{\n";
    for (const auto& a : statements) out += "    " + assignment(a) + "\n";
    return out + "}\n";
  }

  std::string signature(const Fragment& f) const {
    std::string out = "fragment " + identifier(f.name, f.pos);
    if (f.generic == GenericKind::plain) out += "<?>";
    if (f.generic == GenericKind::with_default) out += std::string("<? = ") + type_name_text(f.generic_default) + ">";
    out += "(";
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      const Param& p = f.params[i];
      out += i ? ", " : " ";
      out += identifier(p.name, p.pos) + ": " + print_type(p.type);
      if (p.default_value) out += " = " + expr(*p.default_value);
    }
    out += f.params.empty() ? ") -> (" : " ) -> (";
    for (std::size_t i = 0; i < f.results.size(); ++i) {
      const Result& r = f.results[i];
      out += i ? ", " : " ";
      out += identifier(r.name, r.pos) + ": " + print_type(r.type);
    }
    return out + " )";
  }

  std::string fragment(const Fragment& f) const {
    std::string out = signature(f);
    if (!f.body) return out + ";\n";
    return out + "\n" + body(*f.body);
  }

  std::string names(const std::vector<NameRef>& refs) const {
    if (refs.empty()) return "()";
    std::string out = "(";
    for (std::size_t i = 0; i < refs.size(); ++i) out += (i ? ", " : " ") + identifier(refs[i].name, refs[i].pos);
    return out + " )";
  }

  std::string document(const Document& doc) const {
    std::string out;
    if (doc.version) out += "version " + std::to_string(doc.version->major) + "." + std::to_string(doc.version->minor) + ";\n";
    for (const auto& ext : doc.extensions) {
      out += "extension " + identifier(ext.name, ext.pos);
      if (!ext.text.empty()) out += " " + ext.text;
      out += ";\n";
    }
    for (const auto& f : doc.fragments) out += "\n" + fragment(f);
    if (doc.graph) {
      const Graph& g = *doc.graph;
      out += "\ngraph " + identifier(g.name, g.pos) + names(g.inputs) + " -> " + names(g.outputs) + "\n" + body(g.body);
    }
    return out;
  }

 private:
  bool tract_;
};

bool is_word_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

// Drops whitespace outside string literals, keeping one space between word characters.
std::string squeeze_whitespace(const std::string& text) {
  std::string out;
  char quote = 0;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      out += c;
      if (c == '\\' && i + 1 < text.size()) {
        out += text[++i];
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty() && is_word_char(out.back()) && is_word_char(c)) out += ' ';
    pending_space = false;
    if (c == '\'' || c == '"') quote = c;
    out += c;
  }
  return out;
}

}  // namespace

std::string format_scalar(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (std::isnan(value)) return "nan";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  std::string text(buffer, result.ptr);
  if (text.find_first_of(".eE") == std::string::npos) text += ".0";
  return text;
}

std::string print_type(const TypeSpec& type) {
  std::string out;
  switch (type.kind) {
    case TypeSpec::Kind::name: out = type_name_text(type.name); break;
    case TypeSpec::Kind::tensor: out = std::string("tensor<") + type_name_text(type.name) + ">"; break;
    case TypeSpec::Kind::tuple:
      out = "(";
      for (std::size_t i = 0; i < type.items.size(); ++i) out += (i ? ", " : "") + print_type(type.items[i]);
      out += ")";
      break;
  }
  for (int i = 0; i < type.array_depth; ++i) out += "[]";
  return out;
}

std::string print_document(const Document& doc, const PrintOptions& options) { return Printer(options).document(doc); }
std::string print_fragment(const Fragment& fragment, const PrintOptions& options) {
  return Printer(options).fragment(fragment);
}
std::string print_expr(const Expr& expr, const PrintOptions& options) { return Printer(options).expr(expr); }

std::string normalized_signature_text(const Fragment& fragment) {
  std::string sig = Printer(PrintOptions{Dialect::tract}).signature(fragment);
  return squeeze_whitespace(sig.substr(std::string("fragment ").size()));
}

std::string normalized_body_text(const Fragment& fragment) {
  if (!fragment.body) return {};
  Printer printer(PrintOptions{Dialect::tract});
  std::string text;
  for (const auto& a : *fragment.body) text += printer.assignment(a) + "\n";
  return squeeze_whitespace(text);
}

uint64_t fnv1a_64(const std::string& bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

uint64_t normalized_body_hash(const Fragment& fragment) { return fnv1a_64(normalized_body_text(fragment)); }

}  // namespace rnnconf::nnef

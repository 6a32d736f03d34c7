// NNEF text parser (spec §2.2): recursive descent over the lexer's tokens,
// with the dialect's syntax relaxations and a nesting bound.
#include "rnnconf/nnef/parser.hpp"

#include <deque>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/lexer.hpp"

namespace rnnconf::nnef {

namespace {

constexpr const char* kFragmentExtension = "KHR_enable_fragment_definitions";
constexpr const char* kExpressionExtension = "KHR_enable_operator_expressions";

class Parser {
 public:
  Parser(std::string_view text, const std::string& filename, const ParseOptions& options)
      : lexer_(text, filename, options.dialect), options_(options), tract_(options.dialect == Dialect::tract) {
    allow_fragments_ = tract_ || options.fragments_only;
    allow_expressions_ = tract_ || options.fragments_only;
  }

  Document parse_document() {
    Document doc;
    if (!options_.fragments_only || at_keyword("version")) doc.version = parse_version();
    while (at_keyword("extension")) parse_extension(doc);
    while (at_keyword("fragment")) {
      if (!allow_fragments_)
        fail(peek().pos, "expected token 'graph', found 'fragment' (fragment definitions need 'extension " +
                             std::string(kFragmentExtension) + ";')");
      doc.fragments.push_back(parse_fragment());
    }
    if (!options_.fragments_only || at_keyword("graph")) doc.graph = parse_graph();
    if (peek().kind != TokenKind::end) {
      if (doc.graph)
        fail(peek().pos, "unexpected " + describe(peek()) + " after the graph's closing '}': expected end of input");
      fail(peek().pos, "unexpected " + describe(peek()) + ": expected 'fragment', 'graph' or end of input");
    }
    return doc;
  }

 private:
  // ---- token helpers ----
  const Token& peek(std::size_t ahead = 0) {
    while (ahead_.size() <= ahead) ahead_.push_back(lexer_.next());
    return ahead_[ahead];
  }
  Token take() {
    peek();
    Token t = std::move(ahead_.front());
    ahead_.pop_front();
    return t;
  }
  bool at_punct(std::string_view p, std::size_t ahead = 0) {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::punct && t.text == p;
  }
  bool at_keyword(std::string_view k, std::size_t ahead = 0) {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::keyword && t.text == k;
  }
  [[noreturn]] void fail(SourcePos pos, const std::string& message) {
    throw Error(SourceLocation::at_line(lexer_.filename(), pos.line, pos.column), message);
  }
  [[noreturn]] void fail_expected(const std::string& what) {
    const Token& t = peek();
    std::string found = describe(t);
    if (t.kind == TokenKind::keyword && (what.find("identifier") != std::string::npos))
      found += " (a keyword cannot be used as an identifier)";
    fail(t.pos, "expected " + what + ", found " + found);
  }
  Token expect_punct(std::string_view p, const std::string& context) {
    if (!at_punct(p)) fail_expected("'" + std::string(p) + "' " + context);
    return take();
  }
  Token expect_keyword(std::string_view k, const std::string& context) {
    if (!at_keyword(k)) fail_expected("'" + std::string(k) + "' " + context);
    return take();
  }
  Token expect_identifier(const std::string& context) {
    if (peek().kind != TokenKind::identifier) fail_expected("identifier " + context);
    return take();
  }

  struct DepthGuard {
    Parser& parser;
    DepthGuard(Parser& p, SourcePos pos) : parser(p) {
      if (++parser.depth_ > parser.options_.max_depth)
        parser.fail(pos, "nesting too deep: expected at most " + std::to_string(parser.options_.max_depth) +
                             " levels of expressions or types");
    }
    ~DepthGuard() { --parser.depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
  };

  // ---- top level ----
  Version parse_version() {
    Token kw = expect_keyword("version", "at the start of the document");
    Version v;
    v.pos = kw.pos;
    const Token& num = peek();
    if (num.kind != TokenKind::scalar) fail_expected("version number such as 1.0");
    const std::string& text = num.text;
    auto dot = text.find('.');
    bool well_formed = dot != std::string::npos && dot > 0 && dot + 1 < text.size() &&
                       text.find_first_not_of("0123456789", dot + 1) == std::string::npos &&
                       text.find_first_not_of("0123456789") == dot && dot <= 4 && text.size() - dot - 1 <= 4;
    if (!well_formed) fail(num.pos, "malformed version '" + text + "': expected <major>.<minor> such as 1.0");
    v.major = std::stoi(text.substr(0, dot));
    v.minor = std::stoi(text.substr(dot + 1));
    if (!tract_ && (v.major > 1 || (v.major == 1 && v.minor > 0)))
      fail(num.pos, "unsupported version " + text + ": expected at most 1.0");
    take();
    expect_punct(";", "after the version");
    return v;
  }

  void enable(const std::string& name) {
    if (name == kFragmentExtension) allow_fragments_ = true;
    if (name == kExpressionExtension) allow_expressions_ = true;
  }

  void parse_extension(Document& doc) {
    take();  // 'extension'
    Token name = expect_identifier("(extension name)");
    if (tract_) {
      char next = lexer_.peek_significant_char();
      if (next != ',' && next != ';' && peek_buffer_empty()) {
        doc.extensions.push_back(Extension{name.text, lexer_.raw_until_semicolon(), name.pos});
        expect_punct(";", "to end the extension");
        return;
      }
    }
    auto add = [&](const Token& t) {
      if (!tract_ && t.text != kFragmentExtension && t.text != kExpressionExtension)
        fail(t.pos, "could not handle extension '" + t.text + "': expected " + kFragmentExtension + " or " +
                        kExpressionExtension);
      enable(t.text);
      doc.extensions.push_back(Extension{t.text, "", t.pos});
    };
    add(name);
    while (at_punct(",")) {
      take();
      add(expect_identifier("(extension name)"));
    }
    expect_punct(";", "to end the extension list");
  }
  bool peek_buffer_empty() const { return ahead_.empty(); }

  TypeName parse_type_name(const std::string& context) {
    const Token& t = peek();
    if (t.kind == TokenKind::punct && t.text == "?") {
      take();
      return TypeName::generic;
    }
    if (t.kind == TokenKind::keyword) {
      if (t.text == "integer") return take(), TypeName::integer;
      if (t.text == "scalar") return take(), TypeName::scalar;
      if (t.text == "logical") return take(), TypeName::logical;
      if (t.text == "string") return take(), TypeName::string;
    }
    fail_expected("type name (integer, scalar, logical, string or ?) " + context);
  }

  TypeSpec parse_type_spec() {
    TypeSpec type;
    type.pos = peek().pos;
    DepthGuard guard(*this, type.pos);
    if (at_keyword("tensor")) {
      take();
      type.kind = TypeSpec::Kind::tensor;
      expect_punct("<", "after 'tensor'");
      if (at_punct(">")) {
        type.name = TypeName::none;
      } else {
        type.name = parse_type_name("in tensor<...>");
      }
      expect_punct(">", "to close tensor<...>");
    } else if (at_punct("(")) {
      take();
      type.kind = TypeSpec::Kind::tuple;
      type.items.push_back(parse_type_spec());
      while (at_punct(",")) {
        take();
        type.items.push_back(parse_type_spec());
      }
      expect_punct(")", "to close the tuple type");
    } else {
      type.kind = TypeSpec::Kind::name;
      type.name = parse_type_name("in the type");
    }
    while (at_punct("[")) {
      take();
      expect_punct("]", "after '[' in an array type");
      if (++type.array_depth > options_.max_depth) fail(type.pos, "array type nested too deeply");
    }
    return type;
  }

  Fragment parse_fragment() {
    Token kw = take();  // 'fragment'
    Fragment frag;
    frag.pos = kw.pos;
    frag.name = expect_identifier("(fragment name)").text;
    if (at_punct("<")) {
      take();
      expect_punct("?", "in the fragment's generic declaration <?>");
      frag.generic = GenericKind::plain;
      if (at_punct("=")) {
        take();
        frag.generic = GenericKind::with_default;
        SourcePos p = peek().pos;
        frag.generic_default = parse_type_name("as the generic default");
        if (frag.generic_default == TypeName::generic) fail(p, "expected a concrete type as the generic default, found '?'");
      }
      expect_punct(">", "to close the generic declaration");
    }
    expect_punct("(", "to open the parameter list of fragment '" + frag.name + "'");
    if (at_punct(")")) {
      if (!tract_) fail_expected("parameter (fragments need at least one parameter in strict mode)");
    } else {
      frag.params.push_back(parse_param());
      while (at_punct(",")) {
        take();
        frag.params.push_back(parse_param());
      }
    }
    expect_punct(")", "to close the parameter list");
    expect_punct("->", "between parameters and results");
    expect_punct("(", "to open the result list");
    frag.results.push_back(parse_result());
    while (at_punct(",")) {
      take();
      frag.results.push_back(parse_result());
    }
    expect_punct(")", "to close the result list");
    if (at_punct(";")) {
      take();
    } else if (at_punct("{")) {
      frag.body = parse_body("fragment '" + frag.name + "'");
    } else {
      fail_expected("'{' (fragment body) or ';' (declaration)");
    }
    return frag;
  }

  Param parse_param() {
    Param p;
    Token name = expect_identifier("(parameter name)");
    p.name = name.text;
    p.pos = name.pos;
    expect_punct(":", "after parameter name '" + p.name + "'");
    p.type = parse_type_spec();
    if (at_punct("=")) {
      take();
      p.default_value = parse_literal_expr();
    }
    return p;
  }

  Result parse_result() {
    Result r;
    Token name = expect_identifier("(result name)");
    r.name = name.text;
    r.pos = name.pos;
    expect_punct(":", "after result name '" + r.name + "'");
    r.type = parse_type_spec();
    return r;
  }

  // literal-expr = ["-"] literal | "[" [literal-expr {"," literal-expr}] "]" | "(" literal-expr {","...} ")"
  Expr parse_literal_expr() {
    Expr e;
    e.pos = peek().pos;
    DepthGuard guard(*this, e.pos);
    if (at_punct("[")) {
      take();
      ArrayExpr arr;
      if (!at_punct("]")) {
        arr.items.push_back(parse_literal_expr());
        while (at_punct(",")) {
          take();
          arr.items.push_back(parse_literal_expr());
        }
      }
      expect_punct("]", "to close the array");
      e.node = std::move(arr);
      return e;
    }
    if (at_punct("(")) {
      take();
      TupleExpr tup;
      tup.items.push_back(parse_literal_expr());
      while (at_punct(",")) {
        take();
        tup.items.push_back(parse_literal_expr());
      }
      expect_punct(")", "to close the tuple");
      if (tup.items.size() == 1) return std::move(tup.items.front());
      e.node = std::move(tup);
      return e;
    }
    if (at_punct("-")) {
      take();
      if (at_punct("-")) {  // `--1`: the Khronos parser accepts repeated signs
        e.node = UnaryExpr{"-", parse_literal_expr()};
        return e;
      }
      if (peek().kind != TokenKind::integer && peek().kind != TokenKind::scalar)
        fail_expected("number after '-' in a literal");
      e.node = UnaryExpr{"-", parse_literal()};
      return e;
    }
    return parse_literal();
  }

  bool at_literal() {
    const Token& t = peek();
    return t.kind == TokenKind::integer || t.kind == TokenKind::scalar || t.kind == TokenKind::string ||
           (t.kind == TokenKind::keyword && (t.text == "true" || t.text == "false"));
  }

  Expr parse_literal() {
    if (!at_literal()) fail_expected("literal (number, string, true or false)");
    Token t = take();
    Expr e;
    e.pos = t.pos;
    switch (t.kind) {
      case TokenKind::integer: e.node = IntegerLiteral{t.integer_value}; break;
      case TokenKind::scalar: e.node = ScalarLiteral{t.scalar_value, t.text}; break;
      case TokenKind::string: e.node = StringLiteral{t.text}; break;
      default: e.node = LogicalLiteral{t.text == "true"}; break;
    }
    return e;
  }

  Graph parse_graph() {
    Token kw = expect_keyword("graph", fragments_expected_hint());
    Graph g;
    g.pos = kw.pos;
    g.name = expect_identifier("(graph name)").text;
    expect_punct("(", "to open the graph's input list");
    if (!at_punct(")") || !tract_) g.inputs = parse_name_list("(graph input)");
    expect_punct(")", "to close the graph's input list");
    expect_punct("->", "between graph inputs and outputs");
    expect_punct("(", "to open the graph's output list");
    g.outputs = parse_name_list("(graph output)");
    expect_punct(")", "to close the graph's output list");
    if (!at_punct("{")) fail_expected("'{' to open the graph body");
    g.body = parse_body("graph '" + g.name + "'");
    return g;
  }
  std::string fragments_expected_hint() {
    return allow_fragments_ ? "(or 'fragment')" : "";
  }

  std::vector<NameRef> parse_name_list(const std::string& what) {
    std::vector<NameRef> names;
    do {
      if (!names.empty()) take();  // ','
      Token t = expect_identifier(what);
      names.push_back(NameRef{t.text, t.pos});
    } while (at_punct(","));
    return names;
  }

  std::vector<Assignment> parse_body(const std::string& owner) {
    Token open = expect_punct("{", "to open the body");
    std::vector<Assignment> body;
    while (!at_punct("}")) {
      if (peek().kind == TokenKind::end)
        fail(peek().pos, "expected '}' to close the body of " + owner + " opened at " +
                             std::to_string(open.pos.line) + ":" + std::to_string(open.pos.column) +
                             ", found end of input");
      body.push_back(parse_assignment());
    }
    if (body.empty() && !tract_) fail(peek().pos, "expected an assignment in the body of " + owner + ", found '}'");
    take();
    return body;
  }

  Assignment parse_assignment() {
    Assignment a;
    a.pos = peek().pos;
    a.lvalue = parse_lvalue_item();
    if (at_punct(",")) {
      TupleExpr tup;
      tup.items.push_back(std::move(a.lvalue));
      while (at_punct(",")) {
        take();
        tup.items.push_back(parse_lvalue_item());
      }
      a.lvalue = Expr{std::move(tup), a.pos};
    }
    expect_punct("=", "after the left-hand side of the assignment");
    if (allow_expressions_) {
      a.rvalue = parse_expr();
    } else {
      bool invocation = peek().kind == TokenKind::identifier && (at_punct("(", 1) || at_punct("<", 1));
      if (!invocation)
        fail(peek().pos, "expected operation invocation, found " + describe(peek()) +
                             " (operator expressions and plain values need 'extension " + kExpressionExtension +
                             ";')");
      a.rvalue = parse_primary();
    }
    expect_punct(";", "to end the assignment");
    return a;
  }

  Expr parse_lvalue_item() {
    Expr e;
    e.pos = peek().pos;
    DepthGuard guard(*this, e.pos);
    if (peek().kind == TokenKind::identifier) {
      e.node = Identifier{take().text};
      return e;
    }
    if (at_punct("[")) {
      take();
      ArrayExpr arr;
      if (!at_punct("]")) {
        arr.items.push_back(parse_lvalue_item());
        while (at_punct(",")) {
          take();
          arr.items.push_back(parse_lvalue_item());
        }
      }
      expect_punct("]", "to close the array on the left-hand side");
      e.node = std::move(arr);
      return e;
    }
    if (at_punct("(")) {
      take();
      TupleExpr tup;
      tup.items.push_back(parse_lvalue_item());
      while (at_punct(",")) {
        take();
        tup.items.push_back(parse_lvalue_item());
      }
      expect_punct(")", "to close the tuple on the left-hand side");
      // tract reads `(y) = op(...)` as a one-item tuple (scan with one output); Khronos needs two items.
      if (tup.items.size() < 2 && !tract_)
        fail(e.pos, "expected a tuple of at least two items on the left-hand side");
      e.node = std::move(tup);
      return e;
    }
    fail_expected("identifier, array or tuple on the left-hand side of an assignment");
  }

  // ---- expressions ----
  static int binary_level(const Token& t) {
    if (t.kind == TokenKind::keyword && t.text == "in") return 1;
    if (t.kind != TokenKind::punct) return 0;
    const std::string& s = t.text;
    if (s == "&&" || s == "||") return 2;
    if (s == "<" || s == "<=" || s == ">" || s == ">=" || s == "==" || s == "!=") return 3;
    if (s == "+" || s == "-") return 4;
    if (s == "*" || s == "/") return 5;
    if (s == "^") return 6;
    return 0;
  }

  Expr parse_expr() {
    SourcePos pos = peek().pos;
    DepthGuard guard(*this, pos);
    Expr value = parse_binary(1);
    if (!at_keyword("if")) return value;
    take();
    Expr condition = parse_expr();
    expect_keyword("else", "in the conditional expression 'a if c else b'");
    Expr else_value = parse_expr();
    return Expr{ConditionalExpr{std::move(condition), std::move(value), std::move(else_value)}, pos};
  }

  Expr parse_binary(int level) {
    if (level > 6) return parse_unary();
    SourcePos pos = peek().pos;
    Expr lhs = parse_binary(level + 1);
    const int depth_before = depth_;  // a left-assoc chain deepens the tree by one per operator
    while (binary_level(peek()) == level) {
      Token op = take();
      if (++depth_ > options_.max_depth)
        fail(op.pos, "nesting too deep: expected at most " + std::to_string(options_.max_depth) +
                         " chained operators or nested expressions");
      Expr rhs = parse_binary(level + 1);
      lhs = Expr{BinaryExpr{op.text, std::move(lhs), std::move(rhs)}, pos};
    }
    depth_ = depth_before;
    return lhs;
  }

  Expr parse_unary() {
    SourcePos pos = peek().pos;
    DepthGuard guard(*this, pos);
    if (at_punct("-") || at_punct("+") || at_punct("!")) {
      if (at_punct("+") && !tract_)
        fail(pos, "unary '+' is not supported in strict mode (the Khronos parser refuses it): expected an operand");
      std::string op = take().text;
      return Expr{UnaryExpr{op, parse_unary()}, pos};
    }
    return parse_postfix();
  }

  Expr parse_postfix() {
    SourcePos pos = peek().pos;
    Expr base = parse_primary();
    const int depth_before = depth_;  // each subscript deepens the tree by one
    while (at_punct("[")) {
      Token open = take();
      if (++depth_ > options_.max_depth) fail(open.pos, "nesting too deep: too many subscripts");
      std::optional<Box<Expr>> begin;
      if (!at_punct(":")) {
        Expr index = parse_expr();
        if (at_punct("]")) {
          take();
          base = Expr{IndexExpr{std::move(base), std::move(index)}, pos};
          continue;
        }
        begin = Box<Expr>(std::move(index));
      }
      expect_punct(":", "or ']' in the subscript");
      std::optional<Box<Expr>> end;
      if (!at_punct("]")) end = Box<Expr>(parse_expr());
      expect_punct("]", "to close the slice");
      base = Expr{SliceExpr{std::move(base), std::move(begin), std::move(end)}, pos};
    }
    depth_ = depth_before;
    return base;
  }

  bool at_type_keyword(std::size_t ahead) {
    const Token& t = peek(ahead);
    if (t.kind == TokenKind::punct) return t.text == "?";
    return t.kind == TokenKind::keyword &&
           (t.text == "integer" || t.text == "scalar" || t.text == "logical" || t.text == "string");
  }

  Expr parse_invocation() {
    Token name = take();
    Invocation inv;
    inv.op = name.text;
    if (at_punct("<")) {
      take();
      inv.generic_arg = parse_type_name("as the generic argument");
      expect_punct(">", "to close the generic argument");
    }
    expect_punct("(", "to open the argument list of '" + inv.op + "'");
    if (!at_punct(")") || !tract_) {
      do {
        if (!inv.args.empty()) take();  // ','
        Argument arg;
        arg.pos = peek().pos;
        if (peek().kind == TokenKind::identifier && at_punct("=", 1)) {
          arg.name = take().text;
          take();
        }
        arg.value = allow_expressions_ ? parse_expr() : parse_flat_value();
        inv.args.push_back(std::move(arg));
      } while (at_punct(","));
    }
    expect_punct(")", "to close the argument list of '" + inv.op + "'");
    return Expr{std::move(inv), name.pos};
  }

  // value = ["-"] literal | IDENT | "[" [value {"," value}] "]" | "(" value "," value {...} ")"
  Expr parse_flat_value() {
    SourcePos pos = peek().pos;
    DepthGuard guard(*this, pos);
    if (peek().kind == TokenKind::identifier) {
      if (at_punct("(", 1) || at_punct("<", 1))
        fail(pos, "expected a value (identifier, literal, array or tuple), found a nested invocation of '" +
                      peek().text + "' (nested calls need 'extension " + kExpressionExtension + ";')");
      return Expr{Identifier{take().text}, pos};
    }
    if (at_punct("-")) {
      take();
      if (at_punct("-")) return Expr{UnaryExpr{"-", parse_flat_value()}, pos};  // `--1`, as Khronos accepts
      if (peek().kind != TokenKind::integer && peek().kind != TokenKind::scalar)
        fail_expected("number after '-'");
      return Expr{UnaryExpr{"-", parse_literal()}, pos};
    }
    if (at_punct("[")) {
      take();
      ArrayExpr arr;
      if (!at_punct("]")) {
        do {
          if (!arr.items.empty()) take();
          arr.items.push_back(parse_flat_value());
        } while (at_punct(","));
      }
      expect_punct("]", "to close the array");
      return Expr{std::move(arr), pos};
    }
    if (at_punct("(")) {
      take();
      TupleExpr tup;
      do {
        if (!tup.items.empty()) take();
        tup.items.push_back(parse_flat_value());
      } while (at_punct(","));
      expect_punct(")", "to close the tuple");
      if (tup.items.size() < 2) fail(pos, "expected a tuple of at least two values");
      return Expr{std::move(tup), pos};
    }
    if (at_literal()) return parse_literal();
    fail_expected("a value (identifier, literal, array or tuple)");
  }

  Expr parse_primary() {
    const Token& t = peek();
    SourcePos pos = t.pos;
    if (at_literal()) return parse_literal();
    if (t.kind == TokenKind::identifier) {
      if (at_punct("(", 1)) return parse_invocation();
      if (at_punct("<", 1) && at_type_keyword(2) && at_punct(">", 3) && at_punct("(", 4)) return parse_invocation();
      return Expr{Identifier{take().text}, pos};
    }
    if (t.kind == TokenKind::keyword) {
      static constexpr std::string_view kBuiltins[] = {"length_of", "range_of", "shape_of",
                                                       "integer",   "scalar",   "logical", "string"};
      for (auto b : kBuiltins) {
        if (t.text != b) continue;
        if (!at_punct("(", 1)) break;
        if (b == "shape_of" && !tract_)
          fail(pos, "'shape_of' is deprecated and not supported in strict mode: expected length_of or range_of");
        std::string function = take().text;
        take();  // '('
        Expr arg = parse_expr();
        expect_punct(")", "to close " + function + "(...)");
        return Expr{BuiltinCall{function, std::move(arg)}, pos};
      }
    }
    if (at_punct("(")) {
      take();
      Expr first = parse_expr();
      if (!at_punct(",")) {
        expect_punct(")", "to close the parenthesis");
        return first;
      }
      TupleExpr tup;
      tup.items.push_back(std::move(first));
      while (at_punct(",")) {
        take();
        tup.items.push_back(parse_expr());
      }
      expect_punct(")", "to close the tuple");
      return Expr{std::move(tup), pos};
    }
    if (at_punct("[")) {
      take();
      if (at_keyword("for")) return parse_comprehension(pos);
      ArrayExpr arr;
      if (!at_punct("]")) {
        arr.items.push_back(parse_expr());
        while (at_punct(",")) {
          take();
          arr.items.push_back(parse_expr());
        }
      }
      expect_punct("]", "to close the array");
      return Expr{std::move(arr), pos};
    }
    fail_expected("an expression");
  }

  Expr parse_comprehension(SourcePos pos) {
    take();  // 'for'
    ComprehensionExpr comp;
    do {
      if (!comp.iters.empty()) take();  // ','
      ComprehensionIter it;
      SourcePos target_pos = peek().pos;
      if (at_punct("(")) {
        take();
        TupleExpr names;
        do {
          if (!names.items.empty()) take();
          Token id = expect_identifier("in the loop variable tuple");
          names.items.push_back(Expr{Identifier{id.text}, id.pos});
        } while (at_punct(","));
        expect_punct(")", "to close the loop variable tuple");
        if (names.items.size() < 2) fail(target_pos, "expected at least two loop variables in a tuple");
        it.target = Expr{std::move(names), target_pos};
      } else {
        Token id = expect_identifier("(loop variable)");
        it.target = Expr{Identifier{id.text}, id.pos};
      }
      expect_keyword("in", "after the loop variable");
      it.range = parse_binary(1);
      comp.iters.push_back(std::move(it));
    } while (at_punct(","));
    if (at_keyword("if")) {
      take();
      comp.condition = Box<Expr>(parse_binary(1));
    }
    expect_keyword("yield", "in the comprehension");
    comp.yield_value = parse_expr();
    expect_punct("]", "to close the comprehension");
    return Expr{std::move(comp), pos};
  }

  Lexer lexer_;
  ParseOptions options_;
  bool tract_;
  bool allow_fragments_ = false;
  bool allow_expressions_ = false;
  std::deque<Token> ahead_;
  int depth_ = 0;
};

}  // namespace

Document parse_document(std::string_view text, const std::string& filename, const ParseOptions& options) {
  if (text.size() > options.max_input_bytes)
    throw Error(SourceLocation::in_file(filename), "input of " + std::to_string(text.size()) +
                                                       " bytes is too large: expected at most " +
                                                       std::to_string(options.max_input_bytes) + " bytes");
  Parser parser(text, filename, options);
  return parser.parse_document();
}

Document parse_fragment_file(std::string_view text, const std::string& filename, ParseOptions options) {
  options.fragments_only = true;
  return parse_document(text, filename, options);
}

}  // namespace rnnconf::nnef

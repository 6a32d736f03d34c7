// Static checks of NNEF documents (spec §2.4, §5.1, §6 items 23–34 without
// shape inference). One pass over fragments in order, then the graph; a
// coarse static type (tensor or attribute, base type, array depth) is
// computed for every expression to check argument binding.
#include "rnnconf/nnef/check.hpp"

#include <map>
#include <set>

#include "check_scan.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace rnnconf::nnef {

namespace {

std::string at(const SourcePos& pos) { return position_text(pos); }

// Coarse static type of a value.
struct VType {
  enum class Kind { unknown, attribute, tensor, tuple };
  Kind kind = Kind::unknown;
  TypeName base = TypeName::generic;  // generic = not known
  std::vector<VType> items;           // tuple items
  int array_depth = 0;
  bool literal = false;      // built from literals only (may stand for a tensor)
  bool empty_array = false;  // `[]`: matches any element type

  static VType attr(TypeName b, bool lit = false) {
    VType t;
    t.kind = Kind::attribute;
    t.base = b;
    t.literal = lit;
    return t;
  }
  static VType tensor(TypeName b) {
    VType t;
    t.kind = Kind::tensor;
    t.base = b;
    return t;
  }
  bool is_tensorish() const {  // tensor, or a tuple/array holding one
    if (kind == Kind::tensor) return true;
    for (const auto& i : items)
      if (i.is_tensorish()) return true;
    return false;
  }
};

std::string describe(const VType& t) {
  std::string s;
  switch (t.kind) {
    case VType::Kind::unknown: return "a value of unknown type";
    case VType::Kind::attribute: s = t.base == TypeName::generic ? "?" : type_name_text(t.base); break;
    case VType::Kind::tensor:
      s = std::string("tensor<") + (t.base == TypeName::generic ? "?" : type_name_text(t.base)) + ">";
      break;
    case VType::Kind::tuple:
      s = "(";
      for (std::size_t i = 0; i < t.items.size(); ++i) s += (i ? ", " : "") + describe(t.items[i]);
      s += ")";
      break;
  }
  if (t.empty_array) return "an empty array";
  for (int i = 0; i < t.array_depth; ++i) s += "[]";
  return s;
}

bool spec_uses_generic(const TypeSpec& t) {
  if (t.kind == TypeSpec::Kind::tuple) {
    for (const auto& i : t.items)
      if (spec_uses_generic(i)) return true;
    return false;
  }
  return t.name == TypeName::generic;
}

bool spec_is_tensorish(const TypeSpec& t) {
  if (t.kind == TypeSpec::Kind::tensor) return true;
  for (const auto& i : t.items)
    if (spec_is_tensorish(i)) return true;
  return false;
}

VType from_spec(const TypeSpec& spec, TypeName generic_binding) {
  VType t;
  auto base = [&](TypeName n) { return n == TypeName::generic ? generic_binding : n; };
  switch (spec.kind) {
    case TypeSpec::Kind::name: t = VType::attr(base(spec.name)); break;
    case TypeSpec::Kind::tensor: t = VType::tensor(spec.name == TypeName::none ? TypeName::generic : base(spec.name)); break;
    case TypeSpec::Kind::tuple:
      t.kind = VType::Kind::tuple;
      for (const auto& i : spec.items) t.items.push_back(from_spec(i, generic_binding));
      break;
  }
  t.array_depth = spec.array_depth;
  return t;
}

struct Symbol {
  VType type;
  SourcePos pos;
  bool is_param = false;
  bool from_variable = false;
  std::string rvalue_text{};  // a single identifier's right-hand side, printed (tract dialect re-assignment)
};

struct OpEntry {
  const Fragment* fragment = nullptr;
  int document_index = -1;  // -1: standard / registry operation
};

// Where an expression is being checked.
struct Context {
  const Fragment* fragment = nullptr;  // null in the graph
  int fragment_index = -1;
  std::map<std::string, Symbol> symbols;
};

class Checker {
 public:
  Checker(const Document& doc, const std::string& filename, const ParseOptions& options)
      : doc_(doc), filename_(filename), tract_(options.dialect == Dialect::tract) {
    for (const auto& f : standard_operations(options.dialect).fragments) ops_[f.name] = OpEntry{&f, -1};
  }

  void run() {
    // tract: `extension tract_symbol S;` declares a symbolic dimension usable as an integer.
    if (tract_)
      for (const auto& ext : doc_.extensions)
        if (ext.name == "tract_symbol" && !ext.text.empty()) symbols_[ext.text] = Symbol{VType::attr(TypeName::integer), ext.pos};
    for (std::size_t i = 0; i < doc_.fragments.size(); ++i) declare_fragment(doc_.fragments[i], static_cast<int>(i));
    for (std::size_t i = 0; i < doc_.fragments.size(); ++i) check_fragment(doc_.fragments[i], static_cast<int>(i));
    if (doc_.graph) check_graph(*doc_.graph);
  }

 private:
  [[noreturn]] void fail(const SourcePos& pos, const std::string& message) const {
    throw Error(SourceLocation::at_line(filename_, pos.line, pos.column), message);
  }

  // ---- fragments ----
  void declare_fragment(const Fragment& f, int index) {
    auto found = ops_.find(f.name);
    if (found != ops_.end()) {
      if (found->second.document_index >= 0)
        fail(f.pos, "operation '" + f.name + "' already defined at " + at(found->second.fragment->pos) +
                        ": expected a new fragment name");
      // tract: a document fragment shadows a registry/stdlib operation (spec §5.3).
      if (!tract_)
        fail(f.pos, "operation '" + f.name + "' already defined (standard operation): expected a new fragment name");
    }
    ops_[f.name] = OpEntry{&f, index};
  }

  void check_signature(const Fragment& f) {
    bool uses_generic = false;
    std::map<std::string, SourcePos> names;
    bool seen_attribute = false;
    for (const auto& p : f.params) {
      uses_generic = uses_generic || spec_uses_generic(p.type);
      if (auto it = names.find(p.name); it != names.end())
        fail(p.pos, "duplicate parameter name '" + p.name + "' in fragment '" + f.name + "' (first at " +
                        at(it->second) + ")");
      names[p.name] = p.pos;
      bool tensor = spec_is_tensorish(p.type);
      if (p.type.kind == TypeSpec::Kind::tensor || !tensor) {
        if (tensor && seen_attribute && !tract_)
          fail(p.pos, "tensor parameter '" + p.name + "' of fragment '" + f.name +
                          "' follows an attribute parameter: expected tensor parameters first");
        if (!tensor) seen_attribute = true;
      }
      if (p.default_value) {
        Context none;
        VType actual = type_of(*p.default_value, none);
        std::map<std::string, TypeName> binding;
        if (auto problem = mismatch(actual, p.type, binding))
          fail(p.default_value->pos, "default value of parameter '" + p.name + "' has type " + describe(actual) +
                                         ": expected " + print_type(p.type) + *problem);
      }
    }
    bool any_tensor_result = false;
    bool any_attribute_result = false;
    for (const auto& r : f.results) {
      uses_generic = uses_generic || spec_uses_generic(r.type);
      if (auto it = names.find(r.name); it != names.end())
        fail(r.pos, "name '" + r.name + "' used twice in the signature of fragment '" + f.name + "' (first at " +
                        at(it->second) + "): expected distinct parameter and result names");
      names[r.name] = r.pos;
      if (r.type.kind == TypeSpec::Kind::tensor && r.type.name == TypeName::none && !tract_)
        fail(r.type.pos, "tensor<> is only allowed as a parameter type: expected tensor<type> for result '" +
                             r.name + "'");
      (spec_is_tensorish(r.type) ? any_tensor_result : any_attribute_result) = true;
    }
    if (any_tensor_result && any_attribute_result && !tract_)
      fail(f.pos, "fragment '" + f.name + "' mixes tensor and attribute results: expected all tensors or all attributes");
    if (uses_generic && f.generic == GenericKind::none)
      fail(f.pos, "fragment '" + f.name + "' uses '?' in its signature: expected a generic declaration '" + f.name +
                      "<?>'");
    if (!uses_generic && f.generic != GenericKind::none)
      fail(f.pos, "fragment '" + f.name + "' is declared generic but its signature has no '?': expected '?' in a "
                  "parameter or result type, or no <?>");
  }

  void check_fragment(const Fragment& f, int index) {
    check_signature(f);
    if (!f.body) return;
    Context ctx;
    ctx.symbols = symbols_;
    ctx.fragment = &f;
    ctx.fragment_index = index;
    TypeName generic_binding = TypeName::generic;
    for (const auto& p : f.params) ctx.symbols[p.name] = Symbol{from_spec(p.type, generic_binding), p.pos, true, false};
    for (const auto& a : *f.body) check_assignment(a, ctx);
    for (const auto& r : f.results) {
      auto it = ctx.symbols.find(r.name);
      if (it == ctx.symbols.end())
        fail(r.pos, "result '" + r.name + "' of fragment '" + f.name + "' is never assigned: expected '" + r.name +
                        " = ...;' in the body");
      const VType& actual = it->second.type;
      bool declared_tensor = spec_is_tensorish(r.type);
      if (!declared_tensor && actual.is_tensorish())
        fail(it->second.pos, "result '" + r.name + "' of fragment '" + f.name + "' is declared " + print_type(r.type) +
                                 " but assigned " + describe(actual) + ": expected an attribute value");
      if (!tract_ && actual.kind != VType::Kind::unknown && actual.kind != VType::Kind::tuple &&
          r.type.kind != TypeSpec::Kind::tuple && actual.array_depth != r.type.array_depth && !actual.empty_array)
        fail(it->second.pos, "result '" + r.name + "' of fragment '" + f.name + "' is declared " + print_type(r.type) +
                                 " but assigned " + describe(actual));
    }
  }

  // ---- graph ----
  void check_graph(const Graph& g) {
    if (g.outputs.empty()) fail(g.pos, "graph '" + g.name + "' has no outputs: expected at least one");
    std::map<std::string, SourcePos> inputs;
    for (const auto& in : g.inputs) {
      if (auto it = inputs.find(in.name); it != inputs.end())
        fail(in.pos, "graph input '" + in.name + "' listed twice (first at " + at(it->second) + ")");
      inputs[in.name] = in.pos;
    }
    std::map<std::string, SourcePos> outputs;
    for (const auto& out : g.outputs) {
      if (auto it = outputs.find(out.name); it != outputs.end())
        fail(out.pos, "graph output '" + out.name + "' listed twice (first at " + at(it->second) + ")");
      if (auto it = inputs.find(out.name); it != inputs.end())
        fail(out.pos, "'" + out.name + "' is both a graph input (at " + at(it->second) +
                          ") and a graph output: expected distinct names");
      outputs[out.name] = out.pos;
    }
    Context ctx;
    ctx.symbols = symbols_;
    graph_inputs_ = &inputs;
    for (const auto& a : g.body) check_assignment(a, ctx);
    graph_inputs_ = nullptr;
    for (const auto& in : g.inputs)
      if (!ctx.symbols.count(in.name))
        fail(in.pos, "graph input '" + in.name + "' is never assigned: expected '" + in.name +
                         " = external(shape = [...]);'");
    for (const auto& out : g.outputs)
      if (!ctx.symbols.count(out.name))
        fail(out.pos, "graph output '" + out.name + "' is never assigned: expected an assignment to '" + out.name + "'");
  }

  static bool is_external_op(const std::string& op) { return op == "external" || op == "tract_core_external"; }

  // ---- assignments ----
  void check_assignment(const Assignment& a, Context& ctx) {
    const auto* inv = std::get_if<Invocation>(&a.rvalue.node);
    VType value = type_of(a.rvalue, ctx);
    if (inv) check_lhs_against_results(a, *inv);
    bool external = inv && is_external_op(inv->op);
    if (external) {
      const auto* id = std::get_if<Identifier>(&a.lvalue.node);
      if (!id) fail(a.lvalue.pos, "'" + inv->op + "' assigns one graph input: expected a single identifier on the left");
      if (!graph_inputs_ || !graph_inputs_->count(id->name))
        fail(a.lvalue.pos, "'" + inv->op + "' can only assign graph inputs; '" + id->name + "' is not an input of the graph");
    }
    // tract accepts an identifier assigned again with the very same right-hand side
    // (torch_to_nnef 0.24.12 repeats `w_aligned_rank_expanded = unsqueeze(w, axes = [0]);`
    // before each call of an RNN cell stepped in Python). Operands are themselves
    // assigned once (or identically), so the value cannot change: the repeat is
    // accepted in the tract dialect; any other re-assignment stays an error.
    const auto* id = std::get_if<Identifier>(&a.lvalue.node);
    if (tract_ && id && !external) {
      auto it = ctx.symbols.find(id->name);
      if (it != ctx.symbols.end() && !it->second.is_param && !it->second.rvalue_text.empty() &&
          it->second.rvalue_text == print_expr(a.rvalue))
        return;
    }
    declare_lhs(a.lvalue, value, ctx, inv, external);
    if (tract_ && id && !external) ctx.symbols[id->name].rvalue_text = print_expr(a.rvalue);
  }

  void declare_lhs(const Expr& lhs, const VType& value, Context& ctx, const Invocation* inv, bool external) {
    if (const auto* id = std::get_if<Identifier>(&lhs.node)) {
      if (auto it = ctx.symbols.find(id->name); it != ctx.symbols.end()) {
        if (it->second.is_param)
          fail(lhs.pos, "identifier '" + id->name + "' is a parameter of fragment '" + ctx.fragment->name +
                            "' (declared at " + at(it->second.pos) + ") and cannot be assigned");
        fail(lhs.pos, "identifier '" + id->name + "' assigned twice (first at " + at(it->second.pos) + ")");
      }
      if (graph_inputs_ && graph_inputs_->count(id->name) && !external)
        fail(lhs.pos, "graph input '" + id->name + "' must be assigned by external(...), found " +
                          (inv ? "'" + inv->op + "'" : std::string("an expression")));
      Symbol sym{value, lhs.pos, false, inv && inv->op == "variable"};
      ctx.symbols[id->name] = sym;
      return;
    }
    const std::vector<Expr>* items = nullptr;
    if (const auto* arr = std::get_if<ArrayExpr>(&lhs.node)) items = &arr->items;
    if (const auto* tup = std::get_if<TupleExpr>(&lhs.node)) items = &tup->items;
    if (!items) fail(lhs.pos, "expected an identifier, array or tuple on the left-hand side");
    for (std::size_t i = 0; i < items->size(); ++i) {
      VType item;
      if (value.kind == VType::Kind::tuple && i < value.items.size()) {
        item = value.items[i];
      } else if (value.array_depth > 0) {
        item = value;
        item.array_depth -= 1;
      }
      declare_lhs((*items)[i], item, ctx, inv, false);
    }
  }

  void check_lhs_against_results(const Assignment& a, const Invocation& inv) {
    auto op = ops_.find(inv.op);
    if (op == ops_.end()) return;  // unchecked registry operation
    const Fragment& f = *op->second.fragment;
    const Expr& lhs = a.lvalue;
    const bool is_id = std::holds_alternative<Identifier>(lhs.node);
    const auto* arr = std::get_if<ArrayExpr>(&lhs.node);
    const auto* tup = std::get_if<TupleExpr>(&lhs.node);
    std::string found = is_id ? "an identifier" : arr ? "an array of " + std::to_string(arr->items.size())
                                                      : "a tuple of " + std::to_string(tup->items.size());
    if (f.results.size() == 1) {
      const TypeSpec& r = f.results[0].type;
      if (inv.op == "tract_core_scan" && tract_ && op->second.document_index < 0) {
        if (tup) check_scan_lhs_count(filename_, inv, tup->items.size(), lhs.pos);
        return;
      }
      if (r.array_depth > 0) {
        if (tup && !tract_)
          fail(lhs.pos, "operation '" + inv.op + "' returns an array (" + print_type(r) +
                            "): expected an identifier or an array [a, b, ...] on the left-hand side, found " + found);
        return;
      }
      const bool one_item_tuple = tup && tup->items.size() == 1 && tract_;
      if (!is_id && !one_item_tuple && r.kind != TypeSpec::Kind::tuple)
        fail(lhs.pos, "operation '" + inv.op + "' has 1 result: expected a single identifier on the left-hand side, found " +
                          found);
      return;
    }
    if (!tup || tup->items.size() != f.results.size())
      fail(lhs.pos, "operation '" + inv.op + "' has " + std::to_string(f.results.size()) + " results: expected " +
                        std::to_string(f.results.size()) + " identifiers 'a, b = ...' on the left-hand side, found " +
                        found);
  }

  // ---- expressions ----
  VType type_of(const Expr& e, Context& ctx) {
    return std::visit([&](const auto& n) { return type_of_node(n, e, ctx); }, e.node);
  }

  VType type_of_node(const IntegerLiteral&, const Expr&, Context&) { return VType::attr(TypeName::integer, true); }
  VType type_of_node(const ScalarLiteral&, const Expr&, Context&) { return VType::attr(TypeName::scalar, true); }
  VType type_of_node(const StringLiteral&, const Expr&, Context&) { return VType::attr(TypeName::string, true); }
  VType type_of_node(const LogicalLiteral&, const Expr&, Context&) { return VType::attr(TypeName::logical, true); }

  VType type_of_node(const Identifier& id, const Expr& e, Context& ctx) {
    auto it = ctx.symbols.find(id.name);
    if (it == ctx.symbols.end())
      fail(e.pos, "undeclared identifier '" + id.name + "': expected " +
                      (ctx.fragment ? "a parameter of fragment '" + ctx.fragment->name + "' or "
                                    : std::string("a graph input assigned by external or ")) +
                      "an identifier assigned earlier");
    return it->second.type;
  }

  VType type_of_node(const ArrayExpr& arr, const Expr&, Context& ctx) {
    VType result;
    if (arr.items.empty()) {
      result.empty_array = true;
      result.literal = true;
      result.array_depth = 1;
      return result;
    }
    bool all_literal = true;
    std::optional<std::pair<VType, SourcePos>> first;
    for (const auto& item : arr.items) {
      VType t = type_of(item, ctx);
      all_literal = all_literal && t.literal;
      if (t.kind == VType::Kind::unknown && !t.empty_array) continue;  // `[]` still counts: it is an array
      if (!first) {
        first = {t, item.pos};
        continue;
      }
      const VType& f = first->first;
      bool base_clash = f.base != TypeName::generic && t.base != TypeName::generic && f.base != t.base;
      bool depth_clash = f.array_depth != t.array_depth;
      if (!tract_ && f.kind != VType::Kind::tuple && t.kind != VType::Kind::tuple && (base_clash || depth_clash))
        fail(item.pos, "array items of different types: " + describe(t) + " here, " + describe(f) + " at " +
                           at(first->second) + ": expected all items of one type");
      if ((t.kind == VType::Kind::tensor && f.kind != VType::Kind::tensor) || (f.empty_array && !t.empty_array))
        first->first = t;
    }
    if (!first) {
      result.array_depth = 1;
      return result;
    }
    result = first->first;
    result.array_depth += 1;
    result.literal = all_literal;
    result.empty_array = false;
    return result;
  }

  VType type_of_node(const TupleExpr& tup, const Expr&, Context& ctx) {
    VType result;
    result.kind = VType::Kind::tuple;
    result.literal = true;
    for (const auto& item : tup.items) {
      result.items.push_back(type_of(item, ctx));
      result.literal = result.literal && result.items.back().literal;
    }
    return result;
  }

  // Khronos quirk (spec §2.2): `&&`, `||`, `!` do not lower to and/or/not on tensors.
  void refuse_logical_operator_on_tensor(const std::string& op, const VType& operand, const Expr& e) const {
    if (tract_ || operand.kind != VType::Kind::tensor) return;
    const char* lowered = op == "&&" ? "and(a, b)" : op == "||" ? "or(a, b)" : "not(x)";
    fail(e.pos, "operator '" + op + "' on a tensor is not supported in strict mode: expected " + lowered);
  }

  VType type_of_node(const UnaryExpr& u, const Expr& e, Context& ctx) {
    VType t = type_of(*u.operand, ctx);
    if (u.op == "!") refuse_logical_operator_on_tensor(u.op, t, e);
    if (!tract_ && t.kind == VType::Kind::attribute && t.base != TypeName::generic) {
      const bool numeric = t.array_depth == 0 && (t.base == TypeName::integer || t.base == TypeName::scalar);
      const bool logical = t.array_depth == 0 && t.base == TypeName::logical;
      if ((u.op == "!" && !logical) || (u.op != "!" && !numeric))
        fail(e.pos, "invalid operand type " + describe(t) + " for unary '" + u.op + "': expected " +
                        (u.op == "!" ? "a logical value" : "a number"));
    }
    if (u.op == "!") t.base = TypeName::logical;
    return t;
  }

  // Strict: operand types of operators folded on attributes, as the Khronos parser types them.
  void check_attribute_operands(const std::string& op, const VType& l, const VType& r, const Expr& e) const {
    auto plain = [](const VType& t) {
      return t.empty_array || (t.kind == VType::Kind::attribute && t.base != TypeName::generic);
    };
    if (tract_) return;
    // A tensor operand lowers the operator to an op (add, lt, ...): the other side must be a tensor or a
    // single number/logical literal, never a string or an array.
    if ((l.kind == VType::Kind::tensor && plain(r)) || (r.kind == VType::Kind::tensor && plain(l))) {
      const VType& attribute = l.kind == VType::Kind::tensor ? r : l;
      static const std::set<std::string> kLogicalOps = {"&&", "||"};
      static const std::set<std::string> kEqualityOps = {"==", "!="};
      const bool wants_logical = kLogicalOps.count(op) > 0;
      const bool base_ok = kEqualityOps.count(op) || (wants_logical ? attribute.base == TypeName::logical
                                                                     : attribute.base != TypeName::logical);
      const VType& tensor = l.kind == VType::Kind::tensor ? l : r;
      // Khronos casts the attribute to the tensor's type: an integer does not become a scalar.
      const bool integer_for_scalar = tensor.base == TypeName::scalar && attribute.base == TypeName::integer;
      if (attribute.base == TypeName::string || attribute.array_depth > 0 || attribute.empty_array || !base_ok ||
          integer_for_scalar)
        fail(e.pos, "invalid operand types " + describe(l) + " and " + describe(r) + " for operator '" + op +
                        "': expected a tensor and a tensor or a single number");
      return;
    }
    if (!plain(l) || !plain(r)) return;
    auto problem = [&](const std::string& expected) {
      fail(e.pos, "invalid operand types " + describe(l) + " and " + describe(r) + " for operator '" + op +
                      "': expected " + expected);
    };
    const bool l_array = l.array_depth > 0 || l.empty_array;
    const bool r_array = r.array_depth > 0 || r.empty_array;
    const bool same_base = l.empty_array || r.empty_array || l.base == r.base;
    auto is_number = [](const VType& t) {
      return t.array_depth == 0 && !t.empty_array && (t.base == TypeName::integer || t.base == TypeName::scalar);
    };
    if (op == "+") {
      if (l_array || r_array) {
        // Khronos types `[]` as its own type: `[] + [1]` is refused.
        if (!(l_array && r_array && same_base && !l.empty_array && !r.empty_array && l.array_depth == r.array_depth))
          problem("two arrays of the same type (concatenation)");
        return;
      }
      if (l.base == TypeName::string && r.base == TypeName::string) return;
      if (!(is_number(l) && is_number(r) && same_base)) problem("two numbers of the same type or two strings");
      return;
    }
    if (op == "*" && (l_array || r_array)) {
      bool repeat = (l_array && r.array_depth == 0 && r.base == TypeName::integer) ||
                    (r_array && l.array_depth == 0 && l.base == TypeName::integer);
      if (!repeat) problem("an array and an integer (repetition)");
      return;
    }
    if (op == "-" || op == "*" || op == "/" || op == "^") {
      if (!(is_number(l) && is_number(r) && same_base)) problem("two numbers of the same type");
      return;
    }
    if (op == "<" || op == "<=" || op == ">" || op == ">=") {  // Khronos compares integer with scalar
      if (!(is_number(l) && is_number(r))) problem("two numbers");
      return;
    }
    if (op == "==" || op == "!=") {
      if (!((same_base || (is_number(l) && is_number(r))) && l.array_depth == r.array_depth))
        problem("two values of the same type");
      return;
    }
    if (op == "in") {
      bool member = r_array && !l_array && (r.empty_array || (r.array_depth == 1 && r.base == l.base));
      if (!member) problem("a value and an array of its type");
      return;
    }
    if (op == "&&" || op == "||") {
      if (!(l.base == TypeName::logical && r.base == TypeName::logical && !l_array && !r_array))
        problem("two logical values");
    }
  }

  VType type_of_node(const BinaryExpr& b, const Expr& e, Context& ctx) {
    VType l = type_of(*b.lhs, ctx);
    VType r = type_of(*b.rhs, ctx);
    check_attribute_operands(b.op, l, r, e);
    if (b.op == "&&" || b.op == "||") {
      refuse_logical_operator_on_tensor(b.op, l, e);
      refuse_logical_operator_on_tensor(b.op, r, e);
    }
    static const std::set<std::string> kLogicalResult = {"<", "<=", ">", ">=", "==", "!=", "&&", "||"};
    if (b.op == "in") return VType::attr(TypeName::logical, l.literal && r.literal);
    VType result = (r.kind == VType::Kind::tensor && l.kind != VType::Kind::tensor) ? r : l;
    if (result.base == TypeName::generic) result.base = r.base;
    if (kLogicalResult.count(b.op)) result.base = TypeName::logical;
    result.literal = l.literal && r.literal;
    result.empty_array = false;
    return result;
  }

  VType type_of_node(const ConditionalExpr& c, const Expr&, Context& ctx) {
    VType condition = type_of(*c.condition, ctx);
    if (!tract_ && condition.kind == VType::Kind::attribute && condition.base != TypeName::generic &&
        (condition.base != TypeName::logical || condition.array_depth != 0))
      fail(c.condition->pos, "condition has type " + describe(condition) + ": expected a logical value");
    VType then_type = type_of(*c.then_value, ctx);
    VType else_type = type_of(*c.else_value, ctx);
    const bool both_attributes = then_type.kind == VType::Kind::attribute && else_type.kind == VType::Kind::attribute &&
                                 then_type.base != TypeName::generic && else_type.base != TypeName::generic;
    if (!tract_ && both_attributes &&
        (then_type.base != else_type.base || then_type.array_depth != else_type.array_depth))
      fail(c.then_value->pos, "branches of the conditional have types " + describe(then_type) + " and " +
                                  describe(else_type) + ": expected one type");
    return then_type.kind == VType::Kind::unknown || then_type.empty_array ? else_type : then_type;
  }

  VType type_of_node(const IndexExpr& ix, const Expr&, Context& ctx) {
    VType base = type_of(*ix.base, ctx);
    VType index = type_of(*ix.index, ctx);
    if (!tract_ && index.kind == VType::Kind::attribute && index.base != TypeName::generic &&
        (index.base != TypeName::integer || index.array_depth != 0))
      fail(ix.index->pos, "array index has type " + describe(index) + ": expected integer");
    if (base.array_depth > 0) {
      base.array_depth -= 1;
      return base;
    }
    if (base.kind == VType::Kind::attribute && base.base == TypeName::string) return base;
    if (!tract_ && (base.kind == VType::Kind::attribute || base.kind == VType::Kind::tensor) &&
        base.base != TypeName::generic)
      fail(ix.base->pos, "subscripted value has type " + describe(base) + ": expected an array, tuple or string");
    return VType{};
  }

  VType type_of_node(const SliceExpr& s, const Expr&, Context& ctx) {
    VType base = type_of(*s.base, ctx);
    if (s.begin) type_of(**s.begin, ctx);
    if (s.end) type_of(**s.end, ctx);
    return base;
  }

  VType type_of_node(const ComprehensionExpr& c, const Expr&, Context& ctx) {
    Context inner = ctx;
    for (const auto& it : c.iters) {
      VType range = type_of(*it.range, inner);
      VType item = range;
      if (item.array_depth > 0) item.array_depth -= 1;
      else item = VType{};
      bind_loop_target(*it.target, item, inner);
    }
    if (c.condition) type_of(**c.condition, inner);
    VType result = type_of(*c.yield_value, inner);
    result.array_depth += 1;
    result.literal = false;
    return result;
  }

  void bind_loop_target(const Expr& target, const VType& item, Context& ctx) {
    if (const auto* id = std::get_if<Identifier>(&target.node)) {
      ctx.symbols[id->name] = Symbol{item, target.pos, false, false};
      return;
    }
    if (const auto* tup = std::get_if<TupleExpr>(&target.node))
      for (std::size_t i = 0; i < tup->items.size(); ++i)
        bind_loop_target(tup->items[i], item.kind == VType::Kind::tuple && i < item.items.size() ? item.items[i] : VType{},
                         ctx);
  }

  VType type_of_node(const BuiltinCall& b, const Expr&, Context& ctx) {
    VType arg = type_of(*b.arg, ctx);
    const bool sequence_arg = b.function == "length_of" || b.function == "range_of";
    if (!tract_ && sequence_arg && arg.kind != VType::Kind::unknown && arg.kind != VType::Kind::tuple &&
        !arg.empty_array && arg.array_depth == 0 && !(arg.kind == VType::Kind::attribute && arg.base == TypeName::string))
      fail(b.arg->pos, "argument of " + b.function + "() has type " + describe(arg) + ": expected an array or string");
    if (b.function == "length_of") return VType::attr(TypeName::integer);
    if (b.function == "range_of" || b.function == "shape_of") {
      VType t = VType::attr(TypeName::integer);
      t.array_depth = 1;
      return t;
    }
    TypeName to = b.function == "integer"  ? TypeName::integer
                  : b.function == "scalar" ? TypeName::scalar
                  : b.function == "logical" ? TypeName::logical
                                            : TypeName::string;
    VType t = arg;
    if (t.kind == VType::Kind::unknown) t.kind = VType::Kind::attribute;
    t.base = to;
    return t;
  }

  VType type_of_node(const Invocation& inv, const Expr& e, Context& ctx) { return check_invocation(inv, e.pos, ctx); }

  // ---- invocations ----
  VType check_invocation(const Invocation& inv, const SourcePos& pos, Context& ctx) {
    auto found = ops_.find(inv.op);
    // tract resolves fragments from the whole document, so a fragment may call one defined later
    // (torch_to_nnef 0.24.12 writes dyn_slice before the within_bound_index it calls); the
    // interpreter bounds the nesting depth, so a cycle is an error at run time, not a hang.
    if (found == ops_.end() || (ctx.fragment && !tract_ && found->second.document_index > ctx.fragment_index)) {
      for (const auto& f : doc_.fragments)
        if (f.name == inv.op && ctx.fragment)
          fail(pos, "operation '" + inv.op + "' is defined later (at " + at(f.pos) +
                        "): expected a standard operation or a fragment defined before '" + ctx.fragment->name + "'");
      if (tract_ && inv.op.rfind("tract_", 0) == 0) {  // registry op we carry no signature for
        for (const auto& a : inv.args) type_of(*a.value, ctx);
        return VType{};
      }
      // Not a malformed document but an op nobody here implements: UNSUPPORTED, not FAIL.
      throw UnsupportedOpError(inv.op, SourceLocation::at_line(filename_, pos.line, pos.column),
                               "undefined operation '" + inv.op + "': expected a standard operation" +
                                   std::string(tract_ ? ", a tract registry operation" : "") +
                                   " or a fragment defined earlier");
    }
    const Fragment& f = *found->second.fragment;
    if (ctx.fragment && (inv.op == "external" || inv.op == "variable" || inv.op == "update" ||
                         inv.op == "tract_core_external") && found->second.document_index < 0)
      fail(pos, "'" + inv.op + "' is not allowed inside fragment '" + ctx.fragment->name + "': expected it only in the graph");
    if (inv.generic_arg && f.generic == GenericKind::none)
      fail(pos, "operation '" + inv.op + "' is not generic: unexpected type argument <" +
                    type_name_text(*inv.generic_arg) + ">");

    // Bind arguments to parameters.
    std::vector<const Argument*> bound(f.params.size(), nullptr);
    bool seen_named = false;
    std::size_t positional = 0;
    for (const auto& arg : inv.args) {
      std::size_t index = 0;
      if (arg.name.empty()) {
        if (seen_named)
          fail(arg.pos, "positional argument after a named argument in the call to '" + inv.op +
                            "': expected name = value");
        if (positional >= f.params.size())
          fail(arg.pos, "too many arguments to '" + inv.op + "': expected at most " + std::to_string(f.params.size()));
        index = positional++;
        if (!tract_ && !spec_is_tensorish(f.params[index].type))
          fail(arg.pos, "expected named argument '" + f.params[index].name + " = ...' for attribute parameter '" +
                            f.params[index].name + "' of '" + inv.op + "', found a positional argument");
      } else {
        seen_named = true;
        bool known = false;
        for (std::size_t i = 0; i < f.params.size(); ++i)
          if (f.params[i].name == arg.name) {
            index = i;
            known = true;
          }
        if (!known) {
          std::string names;
          for (const auto& p : f.params) names += (names.empty() ? "" : ", ") + p.name;
          fail(arg.pos, "operation '" + inv.op + "' has no parameter '" + arg.name + "': expected one of " +
                            (names.empty() ? std::string("(none)") : names));
        }
        if (bound[index])
          fail(arg.pos, "argument '" + arg.name + "' of '" + inv.op + "' given twice (first at " + at(bound[index]->pos) + ")");
      }
      bound[index] = &arg;
    }
    for (std::size_t i = 0; i < f.params.size(); ++i)
      if (!bound[i] && !f.params[i].default_value)
        fail(pos, "missing argument '" + f.params[i].name + "' in the call to '" + inv.op +
                      "': expected a value (the parameter has no default)");

    // Types, with the generic binding.
    std::map<std::string, TypeName> binding;
    if (inv.generic_arg) binding["?"] = *inv.generic_arg;
    for (std::size_t i = 0; i < f.params.size(); ++i) {
      if (!bound[i]) continue;
      const Param& p = f.params[i];
      VType actual = type_of(*bound[i]->value, ctx);
      if (auto problem = mismatch(actual, p.type, binding))
        fail(bound[i]->value->pos, "argument '" + p.name + "' of '" + inv.op + "' has type " + describe(actual) +
                                       ": expected " + print_type(p.type) + *problem);
    }
    if (inv.op == "update" && found->second.document_index < 0 && bound[0]) {
      const auto* id = std::get_if<Identifier>(&bound[0]->value->node);
      auto it = id ? ctx.symbols.find(id->name) : ctx.symbols.end();
      if (it == ctx.symbols.end() || !it->second.from_variable)
        fail(bound[0]->value->pos, "first argument of 'update' must be an identifier assigned by variable(...)");
    }
    if (inv.op == "tract_core_scan" && tract_ && found->second.document_index < 0) check_scan_call(doc_, filename_, inv, bound, f);

    TypeName generic = TypeName::generic;
    if (auto it = binding.find("?"); it != binding.end()) generic = it->second;
    else if (f.generic == GenericKind::with_default) generic = f.generic_default;
    if (f.results.size() == 1) return from_spec(f.results[0].type, generic);
    VType tuple;
    tuple.kind = VType::Kind::tuple;
    for (const auto& r : f.results) tuple.items.push_back(from_spec(r.type, generic));
    return tuple;
  }

  // Why `actual` cannot be passed where `formal` is declared; nullopt when it can.
  std::optional<std::string> mismatch(const VType& actual, const TypeSpec& formal,
                                      std::map<std::string, TypeName>& binding) const {
    if (actual.kind == VType::Kind::unknown && !actual.empty_array) return std::nullopt;
    if (actual.empty_array) {
      if (formal.array_depth >= 1) return std::nullopt;
      return std::string(" (an empty array needs an array parameter)");
    }
    if (formal.kind == TypeSpec::Kind::tuple) {
      // tract reads a tuple array such as pad's `padding` as nested lists (TVec<TVec<usize>>):
      // torch_to_nnef 0.24.12 writes `padding = [[0, 0], [1, 2]]`.
      if (tract_ && actual.kind == VType::Kind::attribute && actual.array_depth == formal.array_depth + 1)
        return std::nullopt;
      if (actual.array_depth != formal.array_depth && !(tract_ && actual.kind == VType::Kind::unknown))
        return std::string(" (array depth differs)");
      if (actual.kind != VType::Kind::tuple) return std::string(" (expected a tuple)");
      if (tract_) return std::nullopt;  // tract: tuples may mix attributes and tensors freely (§5.4)
      if (actual.items.size() != formal.items.size()) return std::string(" (tuple sizes differ)");
      for (std::size_t i = 0; i < actual.items.size(); ++i) {
        TypeSpec item = formal.items[i];
        VType a = actual.items[i];
        if (auto problem = mismatch(a, item, binding)) return problem;
      }
      return std::nullopt;
    }
    if (actual.kind == VType::Kind::tuple) return std::string(" (a tuple was given)");
    const bool formal_tensor = formal.kind == TypeSpec::Kind::tensor;
    if (!formal_tensor && actual.kind == VType::Kind::tensor) {
      // tract evaluates tensors (e.g. dimensions from tract_core_shape_of) as integer attribute values;
      // its `tensor<scalar>` does not fix the datum type, so the base is not checked. Likewise a
      // scalar attribute: torch_to_nnef 0.24.12 passes LayerNorm's eps as a variable of shape [].
      if (!(tract_ && (formal.name == TypeName::integer || formal.name == TypeName::scalar ||
                       formal.name == TypeName::generic)))
        return std::string(" (a tensor cannot be passed to an attribute parameter)");
      return std::nullopt;
    }
    if (actual.array_depth != formal.array_depth) {
      if (formal_tensor && actual.kind == VType::Kind::attribute && actual.array_depth > formal.array_depth) {
        // tract reads an array literal given for a tensor as a constant tensor
        // (torch_to_nnef writes `unsqueeze([0.22], axes = [0])` for a 1-element bias).
        if (tract_ && formal.array_depth == 0) return std::nullopt;
        return std::string(" (an array literal cannot stand for a tensor)");
      }
      // tract coerces a single value given for a list attribute into a
      // one-item list (deser.rs, CoerceFrom<Value> for TVec): torch_to_nnef
      // writes `softmax(x, 1)` for axes: integer[]. The base is checked below.
      const bool tract_single_for_list = tract_ && !formal_tensor && actual.kind == VType::Kind::attribute &&
                                         actual.array_depth == 0 && formal.array_depth == 1;
      if (!tract_single_for_list) return std::string(" (array depth differs)");
    }
    // Base types.
    TypeName want = formal.name;
    if (want == TypeName::none) return std::nullopt;  // tensor<>: any
    if (actual.base == TypeName::generic) return std::nullopt;
    if (want == TypeName::generic) {
      auto it = binding.find("?");
      if (it == binding.end()) {
        binding["?"] = actual.base;
        return std::nullopt;
      }
      want = it->second;
      if (want == TypeName::generic) return std::nullopt;
    }
    if (actual.base == want) return std::nullopt;
    if (tract_) {
      // tract: tensors carry their datum type at run time; numbers coerce to scalars.
      if (formal_tensor && actual.kind == VType::Kind::tensor) return std::nullopt;
      bool numeric = (actual.base == TypeName::integer || actual.base == TypeName::scalar) &&
                     (want == TypeName::integer || want == TypeName::scalar);
      if (numeric && (want == TypeName::scalar || actual.kind == VType::Kind::tensor)) return std::nullopt;
      if (formal_tensor && actual.base == TypeName::string) return std::nullopt;  // properties (§5.4)
      // tract coerces attribute literals by value: `reset_every_turn = false` for an integer flag.
      if (!formal_tensor && want == TypeName::integer && actual.base == TypeName::logical) return std::nullopt;
    }
    if (actual.base == TypeName::integer && want == TypeName::scalar)
      return std::string(" (integer is not converted to scalar: write a scalar literal such as 1.0)");
    return std::string(" (base type ") + type_name_text(actual.base) + " is not " + type_name_text(want) + ")";
  }

  const Document& doc_;
  const std::string& filename_;
  bool tract_;
  std::map<std::string, OpEntry> ops_;
  std::map<std::string, Symbol> symbols_;  // tract_symbol dimensions
  const std::map<std::string, SourcePos>* graph_inputs_ = nullptr;
};

}  // namespace

void check_document(const Document& doc, const std::string& filename, const ParseOptions& options) {
  Checker(doc, filename, options).run();
}

}  // namespace rnnconf::nnef

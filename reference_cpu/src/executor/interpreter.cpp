// The graph interpreter: evaluates NNEF expressions and statements, binds
// invocation arguments to declarations (positional in parameter order, then
// by name, defaults applied), dispatches to primitive ops, tract_core_scan,
// graph inputs/variables, and document fragments (fused when the identity is
// known and the mode asks for it, else literally), and runs the graph.
#include <algorithm>
#include "executor/interpreter.hpp"

#include <cmath>

#include <fmt/format.h>

#include "rnnconf/core/memory_budget.hpp"
#include "rnnconf/nnef/check.hpp"

namespace rnnconf::cpu {
namespace {

using nnef::Expr;

void rethrow_in_fragment(const Error& e, const std::string& fragment, const SourceLocation& call) {
  // UNSUPPORTED keeps its type, op and location (the op's own line inside the fragment body).
  if (const auto* u = dynamic_cast<const UnsupportedOpError*>(&e)) {
    if (u->where().file.empty()) throw UnsupportedOpError(u->op(), call, u->detail());
    throw *u;
  }
  if (e.where().file.empty()) throw Error(call, e.message());
  // Name the innermost call only (nested calls would stack one suffix per level).
  if (e.message().find(" (in fragment '") != std::string::npos) throw e;
  throw Error(e.where(), e.message() + " (in fragment '" + fragment + "' called at " + call.str() + ")");
}

// Runs `f`; a memory budget refusal from inside it (no location yet) gets the
// op's name, "'tile': allocating ...", and the caller's rethrow_at the line.
template <class F>
Value named_for_budget(const std::string& op, F&& f) {
  try {
    return f();
  } catch (const MemoryBudgetError& e) {
    if (!e.where().file.empty()) throw;
    throw MemoryBudgetError("'" + op + "': " + e.message());
  }
}

// "before this statement ran" with the statement's op, when the deadline passed.
void check_deadline(const ExecContext& ctx, const nnef::Assignment& a, const SourceLocation& where) {
  if (!ctx.options.deadline.passed()) return;
  const auto* inv = std::get_if<nnef::Invocation>(&a.rvalue.node);
  throw Error(where, fmt::format("'{}': {} before this statement ran",
                                 inv ? inv->op : std::string("expression"), ctx.options.deadline.ran_out()));
}

const nnef::Fragment* find_declaration(const std::string& op) {
  for (const auto& f : nnef::standard_operations(nnef::Dialect::tract).fragments)
    if (f.name == op) return &f;
  return nullptr;
}

std::string generic_text(const std::optional<nnef::TypeName>& t) {
  return t ? nnef::type_name_text(*t) : std::string();
}

bool is_tensor_param(const nnef::Param& p) { return p.type.kind == nnef::TypeSpec::Kind::tensor && p.type.array_depth == 0; }

// A literal given for a tensor parameter of a document fragment becomes a
// tensor (rank 0, or the array's shape) of the working dtype.
Value literal_as_tensor(const ExecContext& ctx, const Value& v, const std::string& what) {
  if (v.is_tensor()) return v;
  return Value::of_shared(literal_tensor(v, ctx.working, what));
}

// Arguments of `inv` in `decl`'s parameter order.
std::vector<Value> bind_arguments(ExecContext& ctx, const nnef::Fragment& decl, const nnef::Invocation& inv,
                                  Scope& scope) {
  std::vector<std::optional<Value>> bound(decl.params.size());
  size_t next = 0;
  for (const auto& a : inv.args) {
    size_t k = 0;
    if (a.name.empty()) {
      if (next >= decl.params.size())
        throw Error(fmt::format("{}: too many arguments ({} parameters)", inv.op, decl.params.size()));
      k = next++;
    } else {
      while (k < decl.params.size() && decl.params[k].name != a.name) ++k;
      if (k == decl.params.size()) throw Error(fmt::format("{}: no parameter named '{}'", inv.op, a.name));
    }
    if (bound[k]) throw Error(fmt::format("{}: parameter '{}' given twice", inv.op, decl.params[k].name));
    bound[k] = eval_expr(ctx, *a.value, scope);
  }
  std::vector<Value> out;
  for (size_t k = 0; k < decl.params.size(); ++k) {
    if (!bound[k]) {
      if (!decl.params[k].default_value)
        throw Error(fmt::format("{}: missing argument '{}'", inv.op, decl.params[k].name));
      Scope empty;
      bound[k] = eval_expr(ctx, *decl.params[k].default_value, empty);
    }
    out.push_back(std::move(*bound[k]));
  }
  return out;
}

std::vector<std::string> param_names(const nnef::Fragment& decl) {
  std::vector<std::string> n;
  for (const auto& p : decl.params) n.push_back(p.name);
  return n;
}

Value pack_results(std::vector<Value> results) {
  if (results.size() == 1) return std::move(results[0]);
  return Value::of_tuple(std::move(results));
}

Value call_document_fragment(ExecContext& ctx, const nnef::Fragment& f, const nnef::Invocation& inv, Scope& scope,
                             const SourceLocation& where, const std::vector<std::string>& lhs) {
  std::vector<Value> args = bind_arguments(ctx, f, inv, scope);
  for (size_t k = 0; k < args.size(); ++k)
    if (is_tensor_param(f.params[k])) args[k] = literal_as_tensor(ctx, args[k], f.name + ": argument '" + f.params[k].name + "'");
  const FragmentIdentity& id = ctx.identity(f.name);
  FragmentCallInfo info{f.name, id.hash_hex(), false, lhs, where.str()};
  std::vector<Value> results;
  try {
    bool done = false;
    if (ctx.options.mode == FragmentMode::fused) {
      if (!find_known_fragment(id)) {
        if (names_fused_kernel(f.name))
          ctx.warn(fmt::format("fragment '{}' has an unknown identity {} (signature {}): run literally", f.name,
                             id.hash_hex(), id.signature));
      } else {
        std::string why_not;
        if (auto fused = run_fused(ctx, f, args, &inv, lhs, why_not)) {
          results = std::move(*fused);
          done = info.fused = true;
        } else {
          ctx.warn(fmt::format("{}: fragment '{}' (known identity {}) does not fit its fused kernel ({}): run literally",
                               where.str(), f.name, id.hash_hex(), why_not));
        }
      }
    }
    if (!done) results = call_fragment_literal(ctx, f, args, where);
  } catch (const MemoryBudgetError& e) {
    // From a fused kernel (no location): the fragment is the op that asked.
    if (e.where().file.empty()) throw Error(where, "'" + f.name + "': " + e.message());
    rethrow_in_fragment(e, f.name, where);
  } catch (const Error& e) {
    rethrow_in_fragment(e, f.name, where);
  }
  if (ctx.options.record) host_values(ctx, results);
  if (ctx.options.record)
    for (size_t k = 0; k < results.size(); ++k)
      if (results[k].is_tensor())
        ctx.result.records.push_back(
            {k < lhs.size() ? lhs[k] : fmt::format("{}#{}", f.name, k), *results[k].tensor});
  ctx.result.calls.push_back(std::move(info));
  return pack_results(std::move(results));
}

Value eval_invocation(ExecContext& ctx, const nnef::Invocation& inv, Scope& scope, const SourceLocation& where,
                      const std::vector<std::string>& lhs) {
  if (auto it = ctx.fragments.find(inv.op); it != ctx.fragments.end())
    return call_document_fragment(ctx, *it->second, inv, scope, where, lhs);
  try {
    if (inv.op == "external" || inv.op == "tract_core_external" || inv.op == "variable")
      throw Error(inv.op + ": only allowed as a whole graph statement assigning one identifier");
    const nnef::Fragment* decl = find_declaration(inv.op);
    const PrimitiveOp* prim = find_primitive(inv.op);
    if (!decl || (!prim && inv.op != "tract_core_scan"))
      throw UnsupportedOpError(inv.op, where,
                               decl ? "declared, but reference_cpu does not implement it"
                                    : "not a document fragment nor an op this executor implements");
    OpCall call{inv.op, bind_arguments(ctx, *decl, inv, scope), param_names(*decl), ctx.working,
                generic_text(inv.generic_arg)};
    return named_for_budget(inv.op, [&]() -> Value {
      if (residency(ctx) != nullptr)
        if (auto on_device = offer_to_backend(ctx, call)) return std::move(*on_device);
      if (inv.op == "tract_core_scan") return run_scan(ctx, call);
      return prim->run(call);
    });
  } catch (const Error& e) {
    rethrow_at(e, where);
  }
}

// ---- attribute arithmetic (operator expressions on non-tensors) -----------

bool is_number(const Value& v) { return v.kind == Value::Kind::integer || v.kind == Value::Kind::scalar; }

Value attribute_binary(const std::string& op, const Value& a, const Value& b) {
  if (op == "&&" || op == "||") {
    const bool x = as_bool(a, op), y = as_bool(b, op);
    return Value::of_bool(op == "&&" ? (x && y) : (x || y));
  }
  if (op == "in") {
    for (const auto& item : as_items(b, "in"))
      if (value_str(item) == value_str(a)) return Value::of_bool(true);
    return Value::of_bool(false);
  }
  if (op == "+" && a.kind == Value::Kind::string && b.kind == Value::Kind::string) return Value::of_string(a.str + b.str);
  if (op == "+" && a.kind == Value::Kind::array && b.kind == Value::Kind::array) {
    auto items = a.items;
    items.insert(items.end(), b.items.begin(), b.items.end());
    return Value::of_array(std::move(items));
  }
  if (op == "*" && a.kind == Value::Kind::array && b.kind == Value::Kind::integer) {
    std::vector<Value> items;
    for (int64_t k = 0; k < b.i; ++k) items.insert(items.end(), a.items.begin(), a.items.end());
    return Value::of_array(std::move(items));
  }
  if (is_number(a) && is_number(b)) {
    const bool ints = a.kind == Value::Kind::integer && b.kind == Value::Kind::integer;
    const double x = as_scalar(a, op), y = as_scalar(b, op);
    if (op == "<") return Value::of_bool(x < y);
    if (op == "<=") return Value::of_bool(x <= y);
    if (op == ">") return Value::of_bool(x > y);
    if (op == ">=") return Value::of_bool(x >= y);
    if (op == "==") return Value::of_bool(x == y);
    if (op == "!=") return Value::of_bool(x != y);
    if (ints) {
      if (op == "+") return Value::of_int(a.i + b.i);
      if (op == "-") return Value::of_int(a.i - b.i);
      if (op == "*") return Value::of_int(a.i * b.i);
      if (op == "/") {
        if (b.i == 0) throw Error("integer division by zero");
        return Value::of_int(a.i / b.i);
      }
      if (op == "^") return Value::of_int(static_cast<int64_t>(std::pow(x, y)));
    }
    if (op == "+") return Value::of_scalar(x + y);
    if (op == "-") return Value::of_scalar(x - y);
    if (op == "*") return Value::of_scalar(x * y);
    if (op == "/") return Value::of_scalar(x / y);
    if (op == "^") return Value::of_scalar(std::pow(x, y));
  }
  if ((op == "==" || op == "!=") && a.kind == b.kind) {
    const bool eq = value_str(a) == value_str(b);
    return Value::of_bool(op == "==" ? eq : !eq);
  }
  throw Error(fmt::format("operator '{}' does not apply to {} and {}", op, value_str(a), value_str(b)));
}

std::string tensor_op_for(const std::string& op) {
  static const std::map<std::string, std::string> ops{{"+", "add"}, {"-", "sub"}, {"*", "mul"}, {"/", "div"},
                                                      {"^", "pow"}, {"<", "lt"},  {">", "gt"},  {"<=", "le"},
                                                      {">=", "ge"}, {"==", "eq"}, {"!=", "ne"}, {"&&", "and"},
                                                      {"||", "or"}};
  auto it = ops.find(op);
  if (it == ops.end()) throw Error("operator '" + op + "' does not apply to tensors");
  return it->second;
}

Value eval_builtin(const nnef::BuiltinCall& b, const Value& v) {
  const std::string& fn = b.function;
  if (fn == "length_of") return Value::of_int(static_cast<int64_t>(as_items(v, fn).size()));
  if (fn == "range_of") {
    std::vector<Value> r;
    for (size_t k = 0; k < as_items(v, fn).size(); ++k) r.push_back(Value::of_int(static_cast<int64_t>(k)));
    return Value::of_array(std::move(r));
  }
  if (fn == "shape_of") {
    std::vector<Value> r;
    for (int64_t e : as_tensor(v, fn).shape()) r.push_back(Value::of_int(e));
    return Value::of_array(std::move(r));
  }
  if (fn == "integer") return Value::of_int(static_cast<int64_t>(as_scalar(v, fn)));
  if (fn == "scalar") return Value::of_scalar(as_scalar(v, fn));
  if (fn == "logical") return Value::of_bool(v.kind == Value::Kind::logical ? v.b : as_scalar(v, fn) != 0.0);
  if (fn == "string") return Value::of_string(v.kind == Value::Kind::string ? v.str : value_str(v));
  throw Error("unknown built-in " + fn);
}

void bind_lvalue(const Expr& lv, Value v, Scope& scope) {
  if (const auto* id = std::get_if<nnef::Identifier>(&lv.node)) {
    scope.insert_or_assign(id->name, std::move(v));
    return;
  }
  const std::vector<Expr>* names = nullptr;
  if (const auto* t = std::get_if<nnef::TupleExpr>(&lv.node)) names = &t->items;
  if (const auto* a = std::get_if<nnef::ArrayExpr>(&lv.node)) names = &a->items;
  if (!names) throw Error("left-hand side must be identifiers");
  if (v.kind != Value::Kind::tuple && v.kind != Value::Kind::array)
    throw Error(fmt::format("left-hand side has {} names but the right-hand side gives one value", names->size()));
  if (v.items.size() != names->size())
    throw Error(fmt::format("left-hand side has {} names but the right-hand side gives {} values", names->size(),
                            v.items.size()));
  for (size_t k = 0; k < names->size(); ++k) bind_lvalue((*names)[k], std::move(v.items[k]), scope);
}

void lvalue_names(const Expr& lv, std::vector<std::string>& out) {
  if (const auto* id = std::get_if<nnef::Identifier>(&lv.node)) out.push_back(id->name);
  if (const auto* t = std::get_if<nnef::TupleExpr>(&lv.node))
    for (const auto& i : t->items) lvalue_names(i, out);
  if (const auto* a = std::get_if<nnef::ArrayExpr>(&lv.node))
    for (const auto& i : a->items) lvalue_names(i, out);
}

}  // namespace

void rethrow_at(const Error& e, const SourceLocation& where) {
  if (const auto* u = dynamic_cast<const UnsupportedOpError*>(&e)) {  // keeps its type (UNSUPPORTED, not FAIL)
    if (u->where().file.empty()) throw UnsupportedOpError(u->op(), where, u->detail());
    throw *u;
  }
  if (e.where().file.empty()) throw Error(where, e.message());
  throw e;
}

const FragmentIdentity& ExecContext::identity(const std::string& fragment) {
  auto it = identities.find(fragment);
  if (it == identities.end()) it = identities.emplace(fragment, fragment_identity(model.doc.fragments, fragment)).first;
  return it->second;
}

Value eval_expr(ExecContext& ctx, const Expr& e, Scope& scope) {
  const SourceLocation where = ctx.loc(e.pos);
  try {
    return std::visit(
        [&](const auto& n) -> Value {
          using N = std::decay_t<decltype(n)>;
          if constexpr (std::is_same_v<N, nnef::IntegerLiteral>) return Value::of_int(n.value);
          else if constexpr (std::is_same_v<N, nnef::ScalarLiteral>) return Value::of_scalar(n.value);
          else if constexpr (std::is_same_v<N, nnef::StringLiteral>) return Value::of_string(n.value);
          else if constexpr (std::is_same_v<N, nnef::LogicalLiteral>) return Value::of_bool(n.value);
          else if constexpr (std::is_same_v<N, nnef::Identifier>) {
            auto it = scope.find(n.name);
            if (it == scope.end()) throw Error("undefined identifier '" + n.name + "'");
            return it->second;
          } else if constexpr (std::is_same_v<N, nnef::ArrayExpr> || std::is_same_v<N, nnef::TupleExpr>) {
            std::vector<Value> items;
            for (const auto& i : n.items) items.push_back(eval_expr(ctx, i, scope));
            return std::is_same_v<N, nnef::ArrayExpr> ? Value::of_array(std::move(items))
                                                      : Value::of_tuple(std::move(items));
          } else if constexpr (std::is_same_v<N, nnef::Invocation>) {
            return eval_invocation(ctx, n, scope, where, {});
          } else if constexpr (std::is_same_v<N, nnef::UnaryExpr>) {
            Value v = eval_expr(ctx, *n.operand, scope);
            if (v.is_tensor()) {
              const std::string op = n.op == "-" ? "neg" : n.op == "!" ? "not" : "copy";
              const OpCall call{op, {std::move(v)}, {"x"}, ctx.working, ""};
              prepare_host_op(ctx, call, "operator expression");
              return named_for_budget(op, [&] { return find_primitive(op)->run(call); });
            }
            if (n.op == "-" && v.kind == Value::Kind::integer) return Value::of_int(-v.i);
            if (n.op == "-") return Value::of_scalar(-as_scalar(v, "unary -"));
            if (n.op == "!") return Value::of_bool(!as_bool(v, "!"));
            return v;
          } else if constexpr (std::is_same_v<N, nnef::BinaryExpr>) {
            Value a = eval_expr(ctx, *n.lhs, scope);
            Value b = eval_expr(ctx, *n.rhs, scope);
            if (a.is_tensor() || b.is_tensor()) {
              const std::string op = tensor_op_for(n.op);
              const OpCall call{op, {std::move(a), std::move(b)}, {"x", "y"}, ctx.working, ""};
              prepare_host_op(ctx, call, "operator expression");
              return named_for_budget(op, [&] { return find_primitive(op)->run(call); });
            }
            return attribute_binary(n.op, a, b);
          } else if constexpr (std::is_same_v<N, nnef::ConditionalExpr>) {
            const bool c = as_bool(eval_expr(ctx, *n.condition, scope), "condition");
            return eval_expr(ctx, c ? *n.then_value : *n.else_value, scope);
          } else if constexpr (std::is_same_v<N, nnef::IndexExpr>) {
            const Value base = eval_expr(ctx, *n.base, scope);
            const int64_t i = as_int(eval_expr(ctx, *n.index, scope), "index");
            const auto& items = as_items(base, "indexed value");
            if (i < 0 || i >= static_cast<int64_t>(items.size()))
              throw Error(fmt::format("index {} out of range [0, {})", i, items.size()));
            return items[static_cast<size_t>(i)];
          } else if constexpr (std::is_same_v<N, nnef::SliceExpr>) {
            const Value base = eval_expr(ctx, *n.base, scope);
            const auto& items = as_items(base, "sliced value");
            const int64_t size = static_cast<int64_t>(items.size());
            int64_t b = n.begin ? as_int(eval_expr(ctx, **n.begin, scope), "slice begin") : 0;
            int64_t en = n.end ? as_int(eval_expr(ctx, **n.end, scope), "slice end") : size;
            b = std::clamp<int64_t>(b, 0, size);
            en = std::clamp<int64_t>(en, b, size);
            return Value::of_array(std::vector<Value>(items.begin() + b, items.begin() + en));
          } else if constexpr (std::is_same_v<N, nnef::ComprehensionExpr>) {
            // Iterators advance together (zip), as in NNEF.
            std::vector<std::vector<Value>> ranges;
            size_t count = SIZE_MAX;
            for (const auto& it : n.iters) {
              ranges.push_back(as_items(eval_expr(ctx, *it.range, scope), "comprehension range"));
              count = std::min(count, ranges.back().size());
            }
            std::vector<Value> out;
            for (size_t k = 0; k < (n.iters.empty() ? 0 : count); ++k) {
              Scope inner = scope;
              for (size_t j = 0; j < n.iters.size(); ++j) bind_lvalue(*n.iters[j].target, ranges[j][k], inner);
              if (n.condition && !as_bool(eval_expr(ctx, **n.condition, inner), "comprehension condition")) continue;
              out.push_back(eval_expr(ctx, *n.yield_value, inner));
            }
            return Value::of_array(std::move(out));
          } else if constexpr (std::is_same_v<N, nnef::BuiltinCall>) {
            return eval_builtin(n, eval_expr(ctx, *n.arg, scope));
          }
        },
        e.node);
  } catch (const Error& err) {
    rethrow_at(err, where);
  }
}

void exec_assignment(ExecContext& ctx, const nnef::Assignment& a, Scope& scope) {
  const SourceLocation where = ctx.loc(a.rvalue.pos);
  check_deadline(ctx, a, where);
  try {
    std::vector<std::string> lhs;
    lvalue_names(a.lvalue, lhs);
    Value v = std::holds_alternative<nnef::Invocation>(a.rvalue.node)
                  ? eval_invocation(ctx, std::get<nnef::Invocation>(a.rvalue.node), scope, where, lhs)
                  : eval_expr(ctx, a.rvalue, scope);
    bind_lvalue(a.lvalue, std::move(v), scope);
  } catch (const Error& e) {
    rethrow_at(e, where);
  }
}

std::vector<Value> call_fragment_literal(ExecContext& ctx, const nnef::Fragment& f, const std::vector<Value>& args,
                                         const SourceLocation& /*where*/) {
  if (!f.body) throw Error("fragment '" + f.name + "' has no body");
  // NNEF allows a fragment to call itself; a run that nests this deep is runaway recursion.
  constexpr int kMaxDepth = 64;
  if (ctx.depth >= kMaxDepth)
    throw Error(fmt::format("fragment '{}': calls nested deeper than {} (recursive fragment?)", f.name, kMaxDepth));
  struct DepthGuard {
    int& d;
    explicit DepthGuard(int& x) : d(++x) {}
    ~DepthGuard() { --d; }
  } guard(ctx.depth);
  Scope scope;
  for (size_t k = 0; k < f.params.size(); ++k) scope.emplace(f.params[k].name, args.at(k));
  for (const auto& st : *f.body) exec_assignment(ctx, st, scope);
  std::vector<Value> results;
  for (const auto& r : f.results) {
    auto it = scope.find(r.name);
    if (it == scope.end())
      throw Error(ctx.loc(f.pos), "fragment '" + f.name + "': result '" + r.name + "' was never assigned");
    results.push_back(it->second);
  }
  return results;
}

namespace {

DType datum_type(const std::string& s, const SourceLocation& where) {
  if (s == "f32" || s == "F32") return DType::f32;
  if (s == "f64" || s == "F64") return DType::f64;
  if (s == "bool" || s == "Bool") return DType::boolean;
  if (!s.empty() && (s[0] == 'i' || s[0] == 'I' || s[0] == 'u' || s[0] == 'U')) return DType::i64;
  throw Error(where, "unsupported datum_type '" + s + "'");
}

// `x = tract_core_external(...)` / `x = external<T>(...)`: the bound input.
Value bind_input(ExecContext& ctx, const nnef::Assignment& st, const nnef::Invocation& inv, Scope& scope) {
  const SourceLocation where = ctx.loc(st.rvalue.pos);
  const auto* id = std::get_if<nnef::Identifier>(&st.lvalue.node);
  if (!id) throw Error(where, inv.op + ": left-hand side must be one identifier");
  const nnef::Fragment* decl = find_declaration(inv.op);
  auto it = ctx.inputs.find(id->name);
  // Symbolic extents (`extension tract_symbol S;`, `shape = [S, 3]`): an
  // identifier not yet defined takes the bound input's extent; a symbol
  // already bound must agree with it.
  for (const auto& a : inv.args) {
    if (!(a.name == "shape" || (a.name.empty() && &a == &inv.args.front()))) continue;
    const auto* arr = std::get_if<nnef::ArrayExpr>(&a.value->node);
    for (size_t k = 0; arr && k < arr->items.size(); ++k) {
      const auto* sym = std::get_if<nnef::Identifier>(&arr->items[k].node);
      if (!sym || scope.count(sym->name) || it == ctx.inputs.end()) continue;
      if (k >= it->second.shape().size())
        throw Error(where, fmt::format("graph input '{}': shape {} given, rank {} declared", id->name,
                                       shape_str(it->second.shape()), arr->items.size()));
      scope.emplace(sym->name, Value::of_int(it->second.shape()[k]));
    }
  }
  std::vector<Value> args;
  try {
    args = bind_arguments(ctx, *decl, inv, scope);
  } catch (const Error& e) {
    rethrow_at(e, where);
  }
  const Shape declared = as_int_list(args[0], inv.op + ": shape");
  DType want = DType::f32;
  if (inv.op == "tract_core_external") want = datum_type(as_string(args[1], inv.op + ": datum_type"), where);
  else if (inv.generic_arg == nnef::TypeName::integer) want = DType::i64;
  else if (inv.generic_arg == nnef::TypeName::logical) want = DType::boolean;
  if (it == ctx.inputs.end()) {
    std::string given;
    for (const auto& [k, v] : ctx.inputs) given += (given.empty() ? "" : ", ") + k;
    throw Error(where, fmt::format("graph input '{}' ({} {}) was not given (inputs given: {})", id->name,
                                   dtype_name(want), shape_str(declared), given.empty() ? "none" : given));
  }
  const Tensor& t = it->second;
  if (t.shape() != declared)
    throw Error(where, fmt::format("graph input '{}': shape {} given, {} declared", id->name, shape_str(t.shape()),
                                   shape_str(declared)));
  const bool widened_ok = ctx.working == DType::f64 && want == DType::f32 && t.dtype() == DType::f64;
  if (t.dtype() != want && !widened_ok)
    throw Error(where, fmt::format("graph input '{}': dtype {} given, {} declared", id->name, dtype_name(t.dtype()),
                                   dtype_name(want)));
  if (ctx.working == DType::f64 && t.dtype() == DType::f32) return Value::of_tensor(t.cast(DType::f64));
  return Value::of_shared(std::shared_ptr<const Tensor>(std::shared_ptr<const Tensor>{}, &t));
}

Value bind_variable(ExecContext& ctx, const nnef::Assignment& st) {
  const SourceLocation where = ctx.loc(st.rvalue.pos);
  const auto* id = std::get_if<nnef::Identifier>(&st.lvalue.node);
  auto it = id ? ctx.model.variables.find(id->name) : ctx.model.variables.end();
  if (it == ctx.model.variables.end()) throw Error(where, "variable: not loaded with the model");
  const Tensor& t = it->second;
  if (ctx.working == DType::f64 && t.dtype() == DType::f32) return Value::of_tensor(t.cast(DType::f64));
  // An f64 data file under `variable<scalar>` (tract keeps the file's type): an f32 run reads it in f32.
  if (ctx.working == DType::f32 && t.dtype() == DType::f64) return Value::of_tensor(t.cast(DType::f32));
  return Value::of_shared(std::shared_ptr<const Tensor>(std::shared_ptr<const Tensor>{}, &t));
}

}  // namespace

RunResult evaluate_graph(const nnef::Model& model, const std::map<std::string, Tensor>& inputs,
                         const RunOptions& options, const StatementObserver& observer) {
  if (!model.doc.graph) throw Error(SourceLocation::in_file(model.files.graph_name), "model has no graph");
  const nnef::Graph& g = *model.doc.graph;
  RunResult result;
  ExecContext ctx{model, options, options.precision == Precision::f64 ? DType::f64 : DType::f32, result, inputs,
                  {}, {}, {}, {}, 0};
  for (const auto& f : model.doc.fragments)
    if (f.body && f.name != "tract_core_properties") ctx.fragments[f.name] = &f;
  for (const auto& [name, t] : inputs) {
    bool known = false;
    for (const auto& in : g.inputs) known = known || in.name == name;
    if (!known) throw Error(ctx.loc(g.pos), "'" + name + "' is not an input of graph '" + g.name + "'");
  }
  Scope scope;
  for (const auto& st : g.body) {
    const auto* inv = std::get_if<nnef::Invocation>(&st.rvalue.node);
    const bool is_input =
        inv && (inv->op == "external" || inv->op == "tract_core_external") && !ctx.fragments.count(inv->op);
    const bool is_variable = inv && inv->op == "variable" && !ctx.fragments.count(inv->op);
    if (is_input || is_variable) {
      const SourceLocation where = ctx.loc(st.rvalue.pos);
      check_deadline(ctx, st, where);
      try {  // an f64 run widens inputs and variables: new tensors under the budget
        bind_lvalue(st.lvalue,
                    named_for_budget(
                        inv->op,
                        [&] { return is_input ? bind_input(ctx, st, *inv, scope) : bind_variable(ctx, st); }),
                    scope);
      } catch (const Error& e) {
        rethrow_at(e, where);
      }
    } else {
      exec_assignment(ctx, st, scope);
    }
    if (observer) observer(st, scope);
  }
  for (const auto& out : g.outputs) {
    auto it = scope.find(out.name);
    if (it == scope.end() || !it->second.is_tensor())
      throw Error(ctx.loc(out.pos), "graph output '" + out.name + "' is not a tensor");
    try {
      host_values(ctx, {it->second});
      result.outputs.emplace(out.name, *it->second.tensor);  // a copy, under the budget
    } catch (const MemoryBudgetError& e) {
      throw Error(ctx.loc(out.pos),
                  "graph output '" + out.name + "' (copied out of the run): " + e.message());
    }
  }
  return result;
}

RunResult run_model(const nnef::Model& model, const std::map<std::string, Tensor>& inputs, const RunOptions& options) {
  return evaluate_graph(model, inputs, options, {});
}

}  // namespace rnnconf::cpu

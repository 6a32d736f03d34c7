// tract_core_scan rules (spec §5.1, §6 item 34) checkable without shapes:
// the body fragment exists, each body parameter is bound exactly once by
// scan/full/state, state and output name body results, output kinds and
// chunks are valid, tract's by-order state pairing agrees with the names,
// and the left-hand side has one name per output.
#include "check_scan.hpp"

#include <map>

#include "rnnconf/core/error.hpp"

namespace rnnconf::nnef {

std::string position_text(const SourcePos& pos) { return std::to_string(pos.line) + ":" + std::to_string(pos.column); }

void fail_at(const std::string& filename, const SourcePos& pos, const std::string& message) {
  throw Error(SourceLocation::at_line(filename, pos.line, pos.column), message);
}

namespace {

std::optional<std::string> string_item(const Expr& e) {
  if (const auto* s = std::get_if<StringLiteral>(&e.node)) return s->value;
  return std::nullopt;
}
std::optional<int64_t> integer_item(const Expr& e) {
  if (const auto* i = std::get_if<IntegerLiteral>(&e.node)) return i->value;
  if (const auto* u = std::get_if<UnaryExpr>(&e.node))
    if (u->op == "-")
      if (const auto* i = std::get_if<IntegerLiteral>(&u->operand->node)) return -i->value;
  return std::nullopt;
}
const std::vector<Expr>* tuple_items(const Expr& e) {
  if (const auto* t = std::get_if<TupleExpr>(&e.node)) return &t->items;
  return nullptr;
}
const std::vector<Expr>* array_items(const Argument* arg) {
  if (!arg) return nullptr;
  if (const auto* a = std::get_if<ArrayExpr>(&arg->value->node)) return &a->items;
  return nullptr;
}

}  // namespace

void check_scan_call(const Document& doc, const std::string& filename, const Invocation& inv,
                     const std::vector<const Argument*>& bound, const Fragment& sig) {
  auto fail = [&](const SourcePos& pos, const std::string& message) { fail_at(filename, pos, message); };
  auto arg_of = [&](const std::string& name) -> const Argument* {
    for (std::size_t i = 0; i < sig.params.size(); ++i)
      if (sig.params[i].name == name) return bound[i];
    return nullptr;
  };
  const Argument* body_arg = arg_of("body");
  auto body_name = body_arg ? string_item(*body_arg->value) : std::nullopt;
  if (!body_name) return;
  const Fragment* body = nullptr;
  for (const auto& f : doc.fragments)
    if (f.name == *body_name) body = &f;
  if (!body)
    fail(body_arg->value->pos, "tract_core_scan body '" + *body_name +
                                   "' is not a fragment of this document: expected the name of a fragment defined here");
  std::map<std::string, std::pair<std::string, SourcePos>> bindings;  // body param -> (list, where)
  auto bind = [&](const Expr& name_expr, const std::string& list) {
    auto name = string_item(name_expr);
    if (!name) return;
    bool is_param = false;
    for (const auto& p : body->params) is_param = is_param || p.name == *name;
    if (!is_param)
      fail(name_expr.pos, "'" + *name + "' in " + list + " is not a parameter of scan body '" + body->name + "'");
    if (auto it = bindings.find(*name); it != bindings.end())
      fail(name_expr.pos, "scan body parameter '" + *name + "' bound twice (in " + it->second.first + " at " +
                              position_text(it->second.second) + " and in " + list + "): expected exactly one binding");
    bindings[*name] = {list, name_expr.pos};
  };
  auto is_result = [&](const std::string& name) {
    for (const auto& r : body->results)
      if (r.name == name) return true;
    return false;
  };
  if (const auto* scan = array_items(arg_of("scan"))) {
    for (const auto& entry : *scan) {
      const auto* items = tuple_items(entry);
      if (!items) continue;
      if (items->size() != 4) fail(entry.pos, "scan entry has " + std::to_string(items->size()) +
                                                  " items: expected (body parameter, tensor, axis, chunk)");
      bind((*items)[0], "scan");
      if (auto chunk = integer_item((*items)[3]); chunk && *chunk == 0)
        fail((*items)[3].pos, "scan chunk is 0: expected a non-zero chunk (negative = reversed)");
      if (auto axis = integer_item((*items)[2]); axis && *axis < 0)
        fail((*items)[2].pos, "scan axis is negative: expected an axis >= 0");
    }
  }
  if (const auto* full = array_items(arg_of("full")))
    for (const auto& entry : *full)
      if (const auto* items = tuple_items(entry)) bind((*items)[0], "full");
  std::vector<std::pair<std::string, std::string>> states;  // (param, result)
  if (const auto* state = array_items(arg_of("state"))) {
    for (const auto& entry : *state) {
      const auto* items = tuple_items(entry);
      if (!items) continue;
      if (items->size() != 3)
        fail(entry.pos, "state entry has " + std::to_string(items->size()) +
                            " items: expected (body parameter, initial value, body result)");
      bind((*items)[0], "state");
      auto result = string_item((*items)[2]);
      if (result && !is_result(*result))
        fail((*items)[2].pos, "state result '" + *result + "' is not a result of scan body '" + body->name + "'");
      if (auto param = string_item((*items)[0]); param && result) states.emplace_back(*param, *result);
    }
  }
  for (const auto& p : body->params)
    if (!bindings.count(p.name))
      fail(inv.args.empty() ? body->pos : inv.args.front().pos,
           "scan body parameter '" + p.name + "' of '" + body->name + "' is not bound by scan, full or state: expected exactly one binding");
  // tract pairs the k-th state parameter (parameter order) with the k-th state result (result order).
  std::vector<std::string> params_in_order;
  for (const auto& p : body->params)
    for (const auto& s : states)
      if (s.first == p.name) params_in_order.push_back(s.first);
  std::vector<std::string> results_in_order;
  for (const auto& r : body->results)
    for (const auto& s : states)
      if (s.second == r.name) {
        results_in_order.push_back(r.name);
        break;
      }
  for (std::size_t k = 0; k < params_in_order.size() && k < results_in_order.size(); ++k) {
    std::string named_result;
    for (const auto& s : states)
      if (s.first == params_in_order[k]) named_result = s.second;
    if (named_result != results_in_order[k])
      fail(arg_of("state")->value->pos, "state parameter '" + params_in_order[k] + "' names result '" + named_result +
                                            "' but tract pairs it by order with result '" + results_in_order[k] +
                                            "': expected state results in the same order as their parameters");
  }
  if (const auto* output = array_items(arg_of("output"))) {
    for (const auto& entry : *output) {
      const auto* items = tuple_items(entry);
      if (!items) continue;
      if (items->size() != 3 && items->size() != 4)
        fail(entry.pos, "output entry has " + std::to_string(items->size()) +
                            " items: expected (body result, \"full\" or \"last\", axis, chunk)");
      auto result = string_item((*items)[0]);
      if (result && !is_result(*result))
        fail((*items)[0].pos, "output '" + *result + "' is not a result of scan body '" + body->name + "'");
      auto kind = string_item((*items)[1]);
      if (kind && *kind != "full" && *kind != "last")
        fail((*items)[1].pos, "output kind '" + *kind + "': expected \"full\" or \"last\"");
      if (items->size() == 4)
        if (auto chunk = integer_item((*items)[3]); chunk && *chunk == 0)
          fail((*items)[3].pos, "output chunk is 0: expected a non-zero chunk");
    }
  }
}

void check_scan_lhs_count(const std::string& filename, const Invocation& inv, std::size_t lhs_count,
                          const SourcePos& pos) {
  auto fail = [&](const SourcePos& where, const std::string& message) { fail_at(filename, where, message); };
  for (const auto& arg : inv.args)
    if (arg.name == "output")
      if (const auto* items = std::get_if<ArrayExpr>(&arg.value->node))
        if (items->items.size() != lhs_count)
          fail(pos, "tract_core_scan has " + std::to_string(items->items.size()) +
                        " outputs: expected as many names on the left-hand side, found " + std::to_string(lhs_count));
}

}  // namespace rnnconf::nnef

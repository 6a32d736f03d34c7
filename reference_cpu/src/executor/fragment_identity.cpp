// Fragment identity (fragment_identity.hpp): the closure of referenced
// document fragments, the identity text and hash, and the known table
// embedded from known_fragments.json (known_fragments_data.hpp is generated
// by CMake from that file).
#include "rnnconf/reference_cpu/fragment_identity.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "known_fragments_data.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace rnnconf::cpu {
namespace {

using nnef::Expr;

void collect_refs(const Expr& e, std::set<std::string>& out);

void collect_refs_box(const nnef::Box<Expr>& b, std::set<std::string>& out) { collect_refs(*b, out); }

void collect_refs(const Expr& e, std::set<std::string>& out) {
  std::visit(
      [&](const auto& n) {
        using N = std::decay_t<decltype(n)>;
        if constexpr (std::is_same_v<N, nnef::ArrayExpr> || std::is_same_v<N, nnef::TupleExpr>) {
          for (const auto& i : n.items) collect_refs(i, out);
        } else if constexpr (std::is_same_v<N, nnef::Invocation>) {
          out.insert(n.op);
          for (const auto& a : n.args) {
            collect_refs_box(a.value, out);
            if (n.op == "tract_core_scan" && a.name == "body")
              if (const auto* s = std::get_if<nnef::StringLiteral>(&a.value->node)) out.insert(s->value);
          }
        } else if constexpr (std::is_same_v<N, nnef::UnaryExpr>) {
          collect_refs_box(n.operand, out);
        } else if constexpr (std::is_same_v<N, nnef::BinaryExpr>) {
          collect_refs_box(n.lhs, out);
          collect_refs_box(n.rhs, out);
        } else if constexpr (std::is_same_v<N, nnef::ConditionalExpr>) {
          collect_refs_box(n.condition, out);
          collect_refs_box(n.then_value, out);
          collect_refs_box(n.else_value, out);
        } else if constexpr (std::is_same_v<N, nnef::IndexExpr>) {
          collect_refs_box(n.base, out);
          collect_refs_box(n.index, out);
        } else if constexpr (std::is_same_v<N, nnef::SliceExpr>) {
          collect_refs_box(n.base, out);
          if (n.begin) collect_refs_box(*n.begin, out);
          if (n.end) collect_refs_box(*n.end, out);
        } else if constexpr (std::is_same_v<N, nnef::ComprehensionExpr>) {
          for (const auto& it : n.iters) collect_refs_box(it.range, out);
          if (n.condition) collect_refs_box(*n.condition, out);
          collect_refs_box(n.yield_value, out);
        } else if constexpr (std::is_same_v<N, nnef::BuiltinCall>) {
          collect_refs_box(n.arg, out);
        }
      },
      e.node);
}

}  // namespace

std::string FragmentIdentity::hash_hex() const { return fmt::format("{:016x}", hash); }

FragmentIdentity fragment_identity(const std::vector<nnef::Fragment>& fragments, const std::string& name) {
  std::map<std::string, const nnef::Fragment*> defined;
  for (const auto& f : fragments)
    if (f.body) defined[f.name] = &f;
  auto it = defined.find(name);
  if (it == defined.end()) throw Error("fragment identity: no fragment '" + name + "' with a body");
  std::set<std::string> reached{name};
  std::vector<const nnef::Fragment*> todo{it->second};
  while (!todo.empty()) {
    const nnef::Fragment* f = todo.back();
    todo.pop_back();
    std::set<std::string> refs;
    for (const auto& st : *f->body) collect_refs(st.rvalue, refs);
    for (const auto& r : refs) {
      auto d = defined.find(r);
      if (d != defined.end() && reached.insert(r).second) todo.push_back(d->second);
    }
  }
  FragmentIdentity id;
  id.name = name;
  id.signature = nnef::normalized_signature_text(*it->second);
  id.closure.push_back(name);
  for (const auto& r : reached)  // std::set: sorted by name
    if (r != name) id.closure.push_back(r);
  std::string text;
  for (const auto& n : id.closure) {
    const nnef::Fragment& g = *defined.at(n);
    text += "fragment " + g.name + "\n" + nnef::normalized_signature_text(g) + "\n" + nnef::normalized_body_text(g) + "\n";
  }
  id.hash = nnef::fnv1a_64(text);
  return id;
}

std::vector<FragmentIdentity> all_fragment_identities(const std::vector<nnef::Fragment>& fragments) {
  std::vector<FragmentIdentity> out;
  for (const auto& f : fragments)
    if (f.body) out.push_back(fragment_identity(fragments, f.name));
  return out;
}

std::vector<KnownFragment> parse_known_fragments(std::string_view json_text) {
  std::vector<KnownFragment> out;
  try {
    const auto j = nlohmann::json::parse(json_text);
    for (const auto& e : j.at("fragments"))
      out.push_back(KnownFragment{e.at("name").get<std::string>(), e.at("signature").get<std::string>(),
                                  e.at("hash").get<std::string>(), e.at("source").get<std::string>()});
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("known fragments table: ") + e.what());
  }
  return out;
}

const std::vector<KnownFragment>& known_fragments() {
  static const std::vector<KnownFragment> table = parse_known_fragments(kKnownFragmentsJson);
  return table;
}

const KnownFragment* find_known_fragment(const FragmentIdentity& id) {
  const std::string hex = id.hash_hex();
  for (const auto& k : known_fragments())
    if (k.name == id.name && k.signature == id.signature && k.hash == hex) return &k;
  return nullptr;
}

}  // namespace rnnconf::cpu

// Fragment identity: what a fused kernel binds to (architecture.md, "Fragment
// identity"). The identity of fragment F in a document is
//
//   closure(F)   = F, then every document fragment WITH A BODY reachable from
//                  F's body — by invocation, or named as the `body` string of a
//                  tract_core_scan invocation — transitively, each once, sorted
//                  by name (stdlib/registry ops are not part of it: their
//                  semantics are fixed by the executor);
//   identity text = for each G in closure(F), in that order:
//                   "fragment " + G.name + "\n" + normalized_signature_text(G)
//                   + "\n" + normalized_body_text(G) + "\n"   (printer.hpp);
//   hash         = FNV-1a 64 of the identity text, printed as 16 lowercase hex.
//
// So a changed `lstm_scan_loop` changes the identity of `lstm`, although the
// text of `lstm` itself is unchanged. A fused kernel binds only when (name,
// signature, hash) equals an entry of the known table, which is embedded from
// reference_cpu/known_fragments.json at build time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rnnconf/nnef/ast.hpp"

namespace rnnconf::cpu {

struct FragmentIdentity {
  std::string name;
  std::string signature;             // normalized_signature_text of the fragment
  uint64_t hash = 0;                 // of the identity text above
  std::vector<std::string> closure;  // fragment names covered, F first
  std::string hash_hex() const;      // 16 lowercase hex digits
};

// Identity of the fragment `name` among `fragments` (one document's
// definitions). Throws rnnconf::Error when `name` has no definition with a body.
FragmentIdentity fragment_identity(const std::vector<nnef::Fragment>& fragments, const std::string& name);

// Identities of every fragment with a body, in document order.
std::vector<FragmentIdentity> all_fragment_identities(const std::vector<nnef::Fragment>& fragments);

struct KnownFragment {
  std::string name;
  std::string signature;
  std::string hash;    // 16 lowercase hex digits
  std::string source;  // where the body comes from, e.g. "torch_to_nnef 0.24.12 op/fragment/lstm.nnef"
};

// Parses the known-fragments JSON: {"rule": ..., "fragments": [{name, signature, hash, source}, ...]}.
std::vector<KnownFragment> parse_known_fragments(std::string_view json_text);
// The table embedded in the binary (reference_cpu/known_fragments.json).
const std::vector<KnownFragment>& known_fragments();
// The entry with this name, signature and hash, or nullptr.
const KnownFragment* find_known_fragment(const FragmentIdentity& id);

}  // namespace rnnconf::cpu

// The graph interpreter's shared state and entry points (internal):
// expression evaluation, statements, fragment calls (literal or fused) and
// the graph run with an optional per-statement observer (describe_model).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "executor/primitive_ops.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/ast.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cpu/fragment_identity.hpp"
#include "executor/value.hpp"

namespace rnnconf::cpu {

using Scope = std::map<std::string, Value>;

struct ExecContext {
  const nnef::Model& model;
  RunOptions options;
  DType working = DType::f32;  // f32 or f64 per options.precision
  RunResult& result;
  const std::map<std::string, Tensor>& inputs;
  std::map<std::string, const nnef::Fragment*> fragments;  // document fragments with a body
  std::map<std::string, FragmentIdentity> identities;      // computed on first call
  std::map<const void*, std::shared_ptr<void>> fused_cache;           // call site -> packed weights
  std::set<std::string> warned;                                       // one warning per text
  int depth = 0;                                                      // nested fragment calls (recursion guard)

  SourceLocation loc(const nnef::SourcePos& p) const {
    return SourceLocation::at_line(model.files.graph_name, p.line, p.column);
  }
  void warn(const std::string& text) {
    if (warned.insert(text).second) result.warnings.push_back(text);
  }
  const FragmentIdentity& identity(const std::string& fragment);
};

Value eval_expr(ExecContext& ctx, const nnef::Expr& e, Scope& scope);
void exec_assignment(ExecContext& ctx, const nnef::Assignment& a, Scope& scope);

// Evaluates `f`'s body in a fresh scope with `args` bound to its parameters
// (declared order); returns its results in declared order.
std::vector<Value> call_fragment_literal(ExecContext& ctx, const nnef::Fragment& f, const std::vector<Value>& args,
                                         const SourceLocation& where);

// tract_core_scan with its arguments bound in declared order (scan_op.cpp).
Value run_scan(ExecContext& ctx, const OpCall& call);

// Fused kernel for a fragment whose identity is known (fused_fragments.cpp).
// nullopt with `why_not` set when the call does not meet the kernel's
// preconditions (then the caller runs it literally).
// Whether a fused kernel exists for fragments of this name (lstm, gru, ...):
// only such a fragment with an unknown identity is worth a warning; helper
// fragments (layer_norm, dyn_slice, silu, ...) always run literally.
bool names_fused_kernel(std::string_view fragment);
std::optional<std::vector<Value>> run_fused(ExecContext& ctx, const nnef::Fragment& f, const std::vector<Value>& args,
                                            const void* call_site, const std::vector<std::string>& lhs,
                                            std::string& why_not);

// The graph run; `observer` (optional) sees the scope after each graph statement.
using StatementObserver = std::function<void(const nnef::Assignment&, const Scope&)>;
RunResult evaluate_graph(const nnef::Model& model, const std::map<std::string, Tensor>& inputs,
                         const RunOptions& options, const StatementObserver& observer);

// Device residency (backend_hooks.cpp, sequence_backend.hpp). residency():
// the run's backend when it keeps tensors on its device (float32 runs only),
// else nullptr. host_values(): makes the host elements of every tensor in
// `values` (arrays and tuples recursed) valid. offer_to_backend(): the
// backend's result for a primitive op, or nullopt after prepare_host_op().
// prepare_host_op(): copies an op's inputs to the host and warns that the op
// runs on the CPU (`why`). All are no-ops without a residency backend.
SequenceBackend* residency(const ExecContext& ctx);
void host_values(ExecContext& ctx, const std::vector<Value>& values);
std::optional<Value> offer_to_backend(ExecContext& ctx, const OpCall& call);
void prepare_host_op(ExecContext& ctx, const OpCall& call, const std::string& why);

// Rethrows an Error that has no location with `where` (and keeps located ones).
[[noreturn]] void rethrow_at(const Error& e, const SourceLocation& where);

}  // namespace rnnconf::cpu

// rnnconf::cpu graph executor: runs a loaded NNEF model (nnef/model.hpp).
// Primitive operations run literally (ops registry, primitive_ops.cpp);
// tract_core_scan literally (scan_op.cpp); a call of a document fragment
// either literally (its body evaluated in a fresh scope) or, in fused mode and
// only when the fragment's identity (fragment_identity.hpp) is a known one,
// through the fused kernels of rnn_kernels.hpp.
//
//   Precision::f32  every op in float, as a float32 engine (tract) would;
//   Precision::f64  inputs and variables widened to double, every op and fused
//                   kernel in double: an independent truth for our own checks.
//
// Bounded resources: every tensor is charged to the current memory budget
// (MemoryBudgetScope, core/memory_budget.hpp) before it is allocated; a
// refusal is an Error naming the statement and op ("graph.nnef:12:5: 'tile':
// allocating 2.0 GiB would bring live tensor data to 9.1 GiB, over the memory
// budget of 8.0 GiB (--max-memory)"). RunOptions::deadline is checked before
// every statement (graph and fragment bodies) and every tract_core_scan
// iteration; when it has passed, an Error names the statement.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "rnnconf/core/deadline.hpp"
#include "rnnconf/core/tensor.hpp"
#include "rnnconf/nnef/model.hpp"

namespace rnnconf::cpu {

class SequenceBackend;  // sequence_backend.hpp

enum class Precision { f32, f64 };
enum class FragmentMode { fused, literal };

struct RunOptions {
  Precision precision = Precision::f32;
  FragmentMode mode = FragmentMode::fused;
  bool record = false;  // fill RunResult::records
  // Fused float32 recurrent calls go here instead of the CPU kernels when set
  // (sequence_backend.hpp); not owned, must outlive the run.
  SequenceBackend* backend = nullptr;
  // Checked before each statement and tract_core_scan iteration (not inside a
  // fused kernel or an op): default none.
  Deadline deadline = {};
};

// One evaluated call of a document fragment (graph level or inside a
// fragment body; tract_core_scan body iterations are not listed).
struct FragmentCallInfo {
  std::string fragment;
  std::string identity_hash;  // 16 hex digits, fragment_identity.hpp
  bool fused = false;         // ran through a fused kernel
  std::vector<std::string> lhs;
  std::string where;          // graph.nnef:line:col of the call
};

// An intermediate tensor kept for triage: a fragment call's result by its LHS
// name ("y_l0"), or a per-step state of a fused sequence call
// ("y_l0/h@t3", "y_l0/c@t3": state after the step at time index 3).
struct RecordedTensor {
  std::string name;
  Tensor value;
};

struct RunResult {
  std::map<std::string, Tensor> outputs;  // graph outputs by name (f32 or f64 per precision)
  std::vector<std::string> warnings;      // e.g. unknown fragment identity -> literal
  std::vector<FragmentCallInfo> calls;
  std::vector<RecordedTensor> records;    // only with RunOptions::record
};

// Binds `inputs` to the graph inputs by name (shape and dtype checked against
// their tract_core_external / external declarations; in f64 mode an f64 input
// is accepted for an f32 declaration), evaluates the graph body in order and
// returns the graph outputs. Throws rnnconf::Error naming graph.nnef line:col,
// the op and the shapes involved.
RunResult run_model(const nnef::Model& model, const std::map<std::string, Tensor>& inputs, const RunOptions& options);

// One line per graph statement: LHS, op, and its arguments (shapes of tensor
// arguments, attribute values), as `rnnconf dump-graph` prints it. Shapes are
// those of variables and declared inputs; others are computed by a literal f32
// run on zero inputs when that succeeds, else shown as `?` (that run stops at
// `deadline`, and at the memory budget, like any run).
std::string describe_model(const nnef::Model& model, const Deadline& deadline = {});

}  // namespace rnnconf::cpu

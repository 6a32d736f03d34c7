// Planted errors ("mutants") of an exported model, for proving that the
// runner and the policy are strict enough: each mutant is one plausible
// exporter bug (swapped gates, a missing bias, an unreversed direction, ...)
// applied to the text of graph.nnef or to its variables. A mutant that does
// not apply to a model (nothing to edit) reports zero edits, so a test can
// never count an untouched model as a kill.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf::conformance {

// A model as text plus tensors, the unit a mutant edits.
struct EditableModel {
  std::string graph;                                   // graph.nnef text
  std::map<std::string, Tensor> variables_by_label;    // 'm.l0_w_ii' -> tensor
};

EditableModel read_editable_model(const std::filesystem::path& model);
// Writes it as a model folder/.tar/.tgz (nnef::write_model).
void write_editable_model(const EditableModel& m, const std::filesystem::path& out);

struct Mutant {
  std::string name;         // "lstm_gates_i_f_swapped"
  std::string cause_class;  // what triage should name: gate order, bias, direction, initial state, layout, nonlinearity, step
  std::string description;
  std::string applies_to;   // regex over case names where the mutant must be killed (when the case passes unmutated)
  std::function<int(EditableModel&)> apply;  // returns the number of edits (0: not applicable)
  // cause_class "none": a harmless perturbation (one float32 ULP) that every
  // case must still pass; proves the policy is not absurdly strict.
  bool must_survive() const { return cause_class == "none"; }
};

// The planted errors of the runner's strictness tests (semantic ones first
// in the historical order, then the harmless one-ULP survivor).
std::vector<Mutant> planted_mutants();

}  // namespace rnnconf::conformance

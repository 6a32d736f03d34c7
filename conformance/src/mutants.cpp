// The planted errors: each edits an exported model the way a plausible
// exporter bug would.
#include "rnnconf/conformance/mutants.hpp"

#include <cmath>
#include <limits>
#include <regex>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/container.hpp"

namespace rnnconf::conformance {

namespace fs = std::filesystem;

EditableModel read_editable_model(const fs::path& model) {
  const nnef::ModelFiles files = nnef::open_model(model);
  EditableModel m;
  m.graph = files.graph_text;
  for (const auto& member : nnef::list_dat_members(files)) {
    const std::string label = member.substr(0, member.size() - 4);  // drop ".dat"
    m.variables_by_label.emplace(label, nnef::read_member_tensor(files, member));
  }
  return m;
}

void write_editable_model(const EditableModel& m, const fs::path& out) {
  nnef::write_model(out, m.graph, m.variables_by_label);
}

namespace {

// Replaces every match of `re` in the text; returns the number of replacements.
int replace_all(std::string& text, const std::regex& re, const std::string& with) {
  int n = 0;
  std::string out;
  auto begin = std::sregex_iterator(text.begin(), text.end(), re);
  size_t last = 0;
  for (auto it = begin; it != std::sregex_iterator(); ++it) {
    out.append(text, last, static_cast<size_t>(it->position()) - last);
    out += it->format(with);
    last = static_cast<size_t>(it->position() + it->length());
    ++n;
  }
  out.append(text, last, std::string::npos);
  text = std::move(out);
  return n;
}

// Swaps the tensors of labels matching <prefix>A and <prefix>B.
int swap_variables(EditableModel& m, const std::string& suffix_a, const std::string& suffix_b) {
  int n = 0;
  for (auto& [label, tensor] : m.variables_by_label) {
    if (label.size() < suffix_a.size() || label.compare(label.size() - suffix_a.size(), suffix_a.size(), suffix_a) != 0)
      continue;
    const std::string other = label.substr(0, label.size() - suffix_a.size()) + suffix_b;
    auto it = m.variables_by_label.find(other);
    if (it == m.variables_by_label.end() || it->second.shape() != tensor.shape()) continue;
    std::swap(tensor, it->second);
    ++n;
  }
  return n;
}

// Zeroes every variable whose label matches `re` and is not all zeros already.
int zero_variables(EditableModel& m, const std::regex& re) {
  int n = 0;
  for (auto& [label, tensor] : m.variables_by_label) {
    if (!std::regex_search(label, re) || tensor.dtype() != DType::f32) continue;
    bool nonzero = false;
    for (float v : tensor.span<float>()) nonzero = nonzero || v != 0.0f;
    if (!nonzero) continue;
    tensor = Tensor(DType::f32, tensor.shape());
    ++n;
  }
  return n;
}

// Makes every layer read its input one step late: inserts x_rot = x rotated by
// one step along the time axis and feeds it where x was used.
int shift_input_one_step(EditableModel& m) {
  std::smatch ext;
  const std::regex ext_re(R"(\n(\s*)x = tract_core_external\(shape = \[(\d+), (\d+), (\d+)\][^;]*;)");
  if (!std::regex_search(m.graph, ext, ext_re)) return 0;
  const bool batch_first = std::regex_search(m.graph, std::regex(R"(x_transposed = transpose\(x, axes = \[1, 0, 2\]\))"));
  const int axis = batch_first ? 1 : 0;
  const long steps = std::stol(ext[static_cast<size_t>(2 + axis)].str());
  if (steps < 2) return 0;
  const std::string ind = ext[1].str();
  const std::string ax = std::to_string(axis);
  const std::string inserted = "\n" + ind + "x_tail = slice(x, axes = [" + ax + "], begin = [1], end = [" +
                               std::to_string(steps) + "]);\n" + ind + "x_head = slice(x, axes = [" + ax +
                               "], begin = [0], end = [1]);\n" + ind + "x_rot = concat([x_tail, x_head], axis = " + ax +
                               ");";
  const size_t after = static_cast<size_t>(ext.position() + ext.length());
  std::string head = m.graph.substr(0, after);
  std::string tail = m.graph.substr(after);
  const int uses = replace_all(tail, std::regex(R"(([(\[,]\s*)x(\s*[,)\]]))"), "$1x_rot$2");
  if (uses == 0) return 0;
  m.graph = head + inserted + tail;
  return uses;
}

// Multiplies every f32 variable whose label matches `re` by `factor`.
int scale_variables(EditableModel& m, const std::regex& re, float factor) {
  int n = 0;
  for (auto& [label, tensor] : m.variables_by_label) {
    if (!std::regex_search(label, re) || tensor.dtype() != DType::f32) continue;
    for (float& v : tensor.span<float>()) v *= factor;
    ++n;
  }
  return n;
}

// Moves every element of every f32 variable one float32 ULP towards +inf.
int nudge_variables_one_ulp(EditableModel& m) {
  int n = 0;
  for (auto& [label, tensor] : m.variables_by_label) {
    if (tensor.dtype() != DType::f32) continue;
    for (float& v : tensor.span<float>()) v = std::nextafter(v, std::numeric_limits<float>::infinity());
    ++n;
  }
  return n;
}

// Replaces the initial states by zeros: h0_ignored = mul(h0, 0.0) after each
// external declaration, and every slice of h0/c0 reads the zeroed copy.
int ignore_initial_state(EditableModel& m) {
  int n = 0;
  for (const std::string name : {"h0", "c0"}) {
    const std::regex ext("\\n(\\s*)" + name + R"( = tract_core_external\([^;]*;)");
    std::smatch mt;
    if (!std::regex_search(m.graph, mt, ext)) continue;
    const size_t after = static_cast<size_t>(mt.position() + mt.length());
    std::string tail = m.graph.substr(after);
    const int uses = replace_all(tail, std::regex("slice\\(" + name + ", "), "slice(" + name + "_ignored, ");
    if (uses == 0) continue;
    m.graph = m.graph.substr(0, after) + "\n" + mt[1].str() + name + "_ignored = mul(" + name + ", 0.0);" + tail;
    n += uses;
  }
  return n;
}

}  // namespace

std::vector<Mutant> planted_mutants() {
  std::vector<Mutant> v;
  v.push_back({"lstm_gates_i_f_swapped", "gate order",
               "LSTM input and forget gate weights exchanged (W_ii <-> W_if, every layer and direction)",
               "^lstm_l", [](EditableModel& m) { return swap_variables(m, "_w_ii", "_w_if"); }});
  v.push_back({"gru_reset_after_recurrent_bias", "bias",
               "GRU new gate computes r * (W_hn h) + b_hn instead of r * (W_hn h + b_hn)",
               "^gru_l.*_bias_", [](EditableModel& m) {
                 return replace_all(m.graph,
                                    std::regex(R"(r_t \* \(matmul\(h_t_prev, W_hn, transposeB\s*=\s*true\) \+ b_hn\))"),
                                    "r_t * matmul(h_t_prev, W_hn, transposeB=true) + b_hn");
               }});
  v.push_back({"bias_missing_layer0_forward", "bias", "the forward direction of layer 0 gets zero biases",
               "^(lstm|gru|rnn_tanh|rnn_relu)_l.*_bias_",
               [](EditableModel& m) { return zero_variables(m, std::regex(R"(^m\.l0_b_)")); }});
  v.push_back({"reverse_direction_not_reversed", "direction",
               "the backward direction scans forward in time (scan_pace = 1)",
               // With T = 1 both directions see the same single step: an equivalent mutant.
               "_bidi_.*T([2-9]|\\d{2,})(_aten)?$",
               [](EditableModel& m) { return replace_all(m.graph, std::regex(R"(scan_pace = -1\b)"), "scan_pace = 1"); }});
  v.push_back({"initial_state_slice_last_layer", "initial state",
               "the last layer of a stacked RNN takes the initial state of the layer below it",
               "_l[23]_uni_.*_h0_", [](EditableModel& m) {
                 // slice(h0|c0, axes = [0], begin = [k], end = [k+1]) for the highest k -> k-1.
                 int top = -1;
                 const std::regex any(R"(slice\((h0|c0), axes = \[0\], begin = \[(\d+)\], end = \[(\d+)\])");
                 for (auto it = std::sregex_iterator(m.graph.begin(), m.graph.end(), any); it != std::sregex_iterator(); ++it)
                   top = std::max(top, std::stoi((*it)[2].str()));
                 if (top < 1) return 0;
                 const std::string k = std::to_string(top), k1 = std::to_string(top + 1), km = std::to_string(top - 1);
                 return replace_all(m.graph,
                                    std::regex(R"(slice\((h0|c0), axes = \[0\], begin = \[)" + k + R"(\], end = \[)" + k1 + R"(\])"),
                                    "slice($1, axes = [0], begin = [" + km + "], end = [" + k + "]");
               }});
  v.push_back({"batch_first_ignored", "layout", "batch_first input and output are not transposed", "_bf_",
               [](EditableModel& m) {
                 return replace_all(m.graph, std::regex(R"(transpose\((x|[A-Za-z0-9_]*batch_first[A-Za-z0-9_]*), axes = \[1, 0, 2\]\))"),
                                    "transpose($1, axes = [0, 1, 2])");
               }});
  v.push_back({"rnn_tanh_became_relu", "nonlinearity", "the Elman tanh step applies relu instead", "^rnn_tanh_l",
               [](EditableModel& m) {
                 return replace_all(m.graph, std::regex(R"(h_t = tanh\(xt_Wi_t \+)"), "h_t = relu(xt_Wi_t +");
               }});
  v.push_back({"input_off_by_one_step", "step", "every step reads the input of the next time step (x[t+1])",
               "_l\\d_.*T([2-9]|\\d{2,})(_aten)?$", [](EditableModel& m) { return shift_input_one_step(m); }});
  v.push_back({"gru_gates_r_z_swapped", "gate order",
               "GRU reset and update gates exchanged (W_ir <-> W_iz, W_hr <-> W_hz, b_r <-> b_z)", "^gru_l",
               [](EditableModel& m) {
                 return swap_variables(m, "_w_ir", "_w_iz") + swap_variables(m, "_w_hr", "_w_hz") +
                        swap_variables(m, "_b_r", "_b_z");
               }});
  v.push_back({"lstm_candidate_sigmoid", "nonlinearity", "the LSTM cell candidate g uses sigmoid instead of tanh",
               "^lstm_l", [](EditableModel& m) { return replace_all(m.graph, std::regex(R"(g_t = tanh\()"), "g_t = sigmoid("); }});
  v.push_back({"lstm_cell_output_sigmoid", "nonlinearity", "h = o * sigmoid(c) instead of o * tanh(c)", "^lstm_l",
               [](EditableModel& m) {
                 return replace_all(m.graph, std::regex(R"(o_t \* tanh\(c_t\))"), "o_t * sigmoid(c_t)");
               }});
  v.push_back({"gru_candidate_sigmoid", "nonlinearity", "the GRU candidate n uses sigmoid instead of tanh", "^gru_l",
               [](EditableModel& m) { return replace_all(m.graph, std::regex(R"(n_t = tanh\()"), "n_t = sigmoid("); }});
  v.push_back({"rnn_relu_became_tanh", "nonlinearity", "the Elman relu step applies tanh instead", "^rnn_relu_l",
               [](EditableModel& m) {
                 return replace_all(m.graph, std::regex(R"(h_t = relu\(xt_Wi_t \+)"), "h_t = tanh(xt_Wi_t +");
               }});
  v.push_back({"biases_doubled", "bias", "every bias added twice (all bias tensors doubled)", "_bias_",
               [](EditableModel& m) { return scale_variables(m, std::regex(R"((_b_|\.bias_))"), 2.0f); }});
  v.push_back({"gru_recurrent_bias_missing", "bias", "the GRU recurrent bias of the new gate (b_hn) is dropped",
               "^gru_l.*_bias_", [](EditableModel& m) { return zero_variables(m, std::regex(R"(_b_hn$)")); }});
  v.push_back({"forward_direction_scanned_backward", "direction",
               "a unidirectional layer scans backward in time (scan_pace = -1)", "_uni_.*T([2-9]|\\d{2,})(_aten)?$",
               [](EditableModel& m) { return replace_all(m.graph, std::regex(R"(scan_pace = 1\b)"), "scan_pace = -1"); }});
  v.push_back({"initial_state_ignored", "initial state", "h0 (and c0) replaced by zeros", "_l\\d_uni_.*_h0_",
               [](EditableModel& m) { return ignore_initial_state(m); }});
  v.push_back({"bidi_pack_order_swapped", "layout",
               "rnn_bidi_pack receives (backward, forward): the halves of every bidirectional output are exchanged",
               "_bidi_", [](EditableModel& m) {
                 return replace_all(m.graph, std::regex(R"(rnn_bidi_pack\((\w+), (\w+),)"), "rnn_bidi_pack($2, $1,");
               }});
  v.push_back({"hn_concat_order_swapped", "layout", "the first two slices of h_n are concatenated in the wrong order",
               "_l[2-9]_|_bidi_", [](EditableModel& m) {
                 return replace_all(m.graph, std::regex(R"(\bhn = concat\(\[(\w+), (\w+))"), "hn = concat([$2, $1");
               }});
  v.push_back({"lstm_proj_applied_twice", "projection",
               "the LSTM projection applied twice, h = W_hr (W_hr^T (W_hr m)) (through its transpose, the only "
               "shape-valid way when P < H)",
               "^lstm_l.*P\\d", [](EditableModel& m) {
                 return replace_all(m.graph, std::regex(R"((\n\s*)h_t = matmul\(m_t, W_hr, transposeB\s*=\s*true\);)"),
                                    "$1h_t_once = matmul(m_t, W_hr, transposeB = true);$1h_t_back = matmul(h_t_once, W_hr);"
                                    "$1h_t = matmul(h_t_back, W_hr, transposeB = true);");
               }});
  v.push_back({"one_ulp_weights", "none",
               "every weight and bias moved by one float32 ULP: numerically harmless, must pass (policy not absurdly strict)",
               ".", [](EditableModel& m) { return nudge_variables_one_ulp(m); }});
  return v;
}

}  // namespace rnnconf::conformance

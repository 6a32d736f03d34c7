// rnnconf::RnnSpec: the problem descriptor of one conformance case (which
// PyTorch recurrent layer, its sizes and flags) with its canonical text name,
// e.g. "lstm_l2_bidi_bf_nobias_h0_I5H7P3_B3T4" or "gru_cell_bias_noh0_I5H7_B3".
// The grammar is in core/README.md; parse(print(x)) == x for every valid spec
// and print(parse(s)) == s for every valid name.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf {

struct RnnSpec {
  enum class Kind : uint8_t { lstm, gru, rnn_tanh, rnn_relu };
  // Which PyTorch entry point the golden was traced through: the nn module or
  // the aten op (aten::lstm, aten::gru_cell, ...) called directly.
  enum class Entry : uint8_t { module, aten };

  Kind kind = Kind::lstm;
  bool cell = false;  // single step (nn.LSTMCell, ...); then layers = 1, uni, tm, T = 1, proj = 0
  int64_t I = 1;      // input size
  int64_t H = 1;      // hidden size
  int64_t proj = 0;   // LSTM proj_size; 0 = none; else 1 <= proj < H
  int layers = 1;     // num_layers
  bool bidirectional = false;
  bool batch_first = false;
  bool bias = true;
  bool state = false;        // initial states (h0, c0) given as inputs
  int64_t B = 1;             // batch
  int64_t T = 1;             // sequence length (1 for cells)
  DType dtype = DType::f32;  // f32 or f64
  Entry entry = Entry::module;

  friend bool operator==(const RnnSpec&, const RnnSpec&) = default;

  // Derived quantities. They assume a valid spec (see validate()).
  int directions() const noexcept { return bidirectional ? 2 : 1; }
  int64_t H_out() const noexcept { return proj > 0 ? proj : H; }  // size of h
  int gates() const noexcept;                                     // 4 lstm, 3 gru, 1 rnn
  int64_t layer_input_size(int layer) const;                      // I for 0, else D * H_out; checked

  // Graph tensor shapes. Sequences: x [T, B, I] ([B, T, I] batch-first),
  // h0/hn [L*D, B, H_out], c0/cn [L*D, B, H], y [T, B, D*H_out] ([B, T, ...]).
  // Cells: x [B, I], h0/h1 [B, H], c0/c1 [B, H]; a cell has no y (throws).
  Shape x_shape() const;
  Shape h0_shape() const;
  Shape c0_shape() const;  // throws for non-LSTM
  Shape y_shape() const;   // throws for cells
  Shape hn_shape() const;  // the final h: "hn" (sequence) or "h1" (cell)
  Shape cn_shape() const;  // the final c: "cn" or "c1"; throws for non-LSTM
};

// A named graph input or output with its shape.
struct IoTensor {
  std::string name;
  Shape shape;
  friend bool operator==(const IoTensor&, const IoTensor&) = default;
};

// Graph inputs in order: x, then h0 and (LSTM) c0 when spec.state.
std::vector<IoTensor> graph_inputs(const RnnSpec& spec);
// Graph outputs in order: y, hn, (LSTM) cn for sequences; h1, (LSTM) c1 for cells.
std::vector<IoTensor> graph_outputs(const RnnSpec& spec);

std::string_view kind_name(RnnSpec::Kind kind);     // "lstm", "gru", "rnn_tanh", "rnn_relu"
std::string_view entry_name(RnnSpec::Entry entry);  // "module", "aten"

// Caps that keep absurd names out (a name must not ask for 2^40 hidden units).
inline constexpr int64_t kMaxRnnSize = int64_t{1} << 20;  // I, H, proj, B, T
inline constexpr int kMaxRnnLayers = 64;

// Throws rnnconf::Error ("invalid RnnSpec: ...") unless the spec is one PyTorch
// accepts and the name grammar can express: sizes in [1, kMaxRnnSize], layers in
// [1, kMaxRnnLayers], proj only for LSTM sequences and < H, dtype f32/f64, cells
// with layers = 1, T = 1, unidirectional, time-major.
void validate(const RnnSpec& spec);

// The canonical name; validates first (an invalid spec has no name).
std::string to_string(const RnnSpec& spec);
// Parses a canonical name; throws rnnconf::Error
// "bad RnnSpec name '<name>': at <pos>: <what was expected>" (pos 0-based).
RnnSpec parse_rnn_spec(std::string_view name);

std::ostream& operator<<(std::ostream& os, const RnnSpec& spec);  // the name, or "<invalid RnnSpec>"

}  // namespace rnnconf

// RnnSpec: validation and the derived sizes, shapes and graph I/O names.
// (The canonical text name lives in rnn_spec_name.cpp.)
#include "rnnconf/core/rnn_spec.hpp"

namespace rnnconf {

std::string_view kind_name(RnnSpec::Kind kind) {
  switch (kind) {
    case RnnSpec::Kind::lstm:
      return "lstm";
    case RnnSpec::Kind::gru:
      return "gru";
    case RnnSpec::Kind::rnn_tanh:
      return "rnn_tanh";
    case RnnSpec::Kind::rnn_relu:
      return "rnn_relu";
  }
  throw Error("kind_name: invalid RnnSpec::Kind value " + std::to_string(static_cast<int>(kind)));
}

std::string_view entry_name(RnnSpec::Entry entry) {
  switch (entry) {
    case RnnSpec::Entry::module:
      return "module";
    case RnnSpec::Entry::aten:
      return "aten";
  }
  throw Error("entry_name: invalid RnnSpec::Entry value " + std::to_string(static_cast<int>(entry)));
}

int RnnSpec::gates() const noexcept {
  switch (kind) {
    case Kind::lstm:
      return 4;
    case Kind::gru:
      return 3;
    case Kind::rnn_tanh:
    case Kind::rnn_relu:
      return 1;
  }
  return 1;
}

int64_t RnnSpec::layer_input_size(int layer) const {
  if (layer < 0 || layer >= layers)
    throw Error("RnnSpec::layer_input_size: layer " + std::to_string(layer) + " out of range [0, " +
                std::to_string(layers) + ")");
  return layer == 0 ? I : directions() * H_out();
}

namespace {

// "[T, B, F]" or "[B, T, F]" by layout.
Shape sequence_shape(const RnnSpec& s, int64_t features) {
  return s.batch_first ? Shape{s.B, s.T, features} : Shape{s.T, s.B, features};
}

void require_lstm(const RnnSpec& s, const char* what) {
  if (s.kind != RnnSpec::Kind::lstm)
    throw Error(std::string(what) + ": only LSTM has a cell state (kind is " +
                std::string(kind_name(s.kind)) + ")");
}

int64_t state_rows(const RnnSpec& s) { return int64_t{s.layers} * s.directions(); }

}  // namespace

Shape RnnSpec::x_shape() const { return cell ? Shape{B, I} : sequence_shape(*this, I); }

Shape RnnSpec::h0_shape() const { return cell ? Shape{B, H} : Shape{state_rows(*this), B, H_out()}; }

Shape RnnSpec::c0_shape() const {
  require_lstm(*this, "RnnSpec::c0_shape");
  return cell ? Shape{B, H} : Shape{state_rows(*this), B, H};
}

Shape RnnSpec::y_shape() const {
  if (cell) throw Error("RnnSpec::y_shape: a cell has no output sequence (its outputs are h1, c1)");
  return sequence_shape(*this, directions() * H_out());
}

Shape RnnSpec::hn_shape() const { return h0_shape(); }

Shape RnnSpec::cn_shape() const {
  require_lstm(*this, "RnnSpec::cn_shape");
  return c0_shape();
}

std::vector<IoTensor> graph_inputs(const RnnSpec& spec) {
  std::vector<IoTensor> io{{"x", spec.x_shape()}};
  if (spec.state) {
    io.push_back({"h0", spec.h0_shape()});
    if (spec.kind == RnnSpec::Kind::lstm) io.push_back({"c0", spec.c0_shape()});
  }
  return io;
}

std::vector<IoTensor> graph_outputs(const RnnSpec& spec) {
  const bool lstm = spec.kind == RnnSpec::Kind::lstm;
  std::vector<IoTensor> io;
  if (spec.cell) {
    io.push_back({"h1", spec.hn_shape()});
    if (lstm) io.push_back({"c1", spec.cn_shape()});
  } else {
    io.push_back({"y", spec.y_shape()});
    io.push_back({"hn", spec.hn_shape()});
    if (lstm) io.push_back({"cn", spec.cn_shape()});
  }
  return io;
}

namespace {

void check_size(const char* field, int64_t value) {
  if (value < 1 || value > kMaxRnnSize)
    throw Error("invalid RnnSpec: " + std::string(field) + " = " + std::to_string(value) +
                " must be in [1, " + std::to_string(kMaxRnnSize) + "]");
}

void fail(const std::string& why) { throw Error("invalid RnnSpec: " + why); }

}  // namespace

void validate(const RnnSpec& s) {
  if (static_cast<int>(s.kind) > static_cast<int>(RnnSpec::Kind::rnn_relu))
    fail("kind value " + std::to_string(static_cast<int>(s.kind)) + " is not a known kind");
  if (static_cast<int>(s.entry) > static_cast<int>(RnnSpec::Entry::aten))
    fail("entry value " + std::to_string(static_cast<int>(s.entry)) + " is not a known entry point");
  check_size("I", s.I);
  check_size("H", s.H);
  check_size("B", s.B);
  check_size("T", s.T);
  if (s.layers < 1 || s.layers > kMaxRnnLayers)
    fail("layers = " + std::to_string(s.layers) + " must be in [1, " + std::to_string(kMaxRnnLayers) + "]");
  if (s.proj < 0) fail("proj = " + std::to_string(s.proj) + " must be >= 0 (0 = no projection)");
  if (s.proj > 0) {
    if (s.kind != RnnSpec::Kind::lstm)
      fail("proj = " + std::to_string(s.proj) + " given for " + std::string(kind_name(s.kind)) +
           ": only LSTM has a projection");
    if (s.cell)
      fail("proj = " + std::to_string(s.proj) + " given for a cell: only LSTM sequences have a projection");
    if (s.proj >= s.H)
      fail("proj = " + std::to_string(s.proj) + " must be < H = " + std::to_string(s.H) +
           " (as PyTorch requires)");
  }
  if (s.dtype != DType::f32 && s.dtype != DType::f64)
    fail("dtype " + std::string(dtype_name(s.dtype)) + " is not f32 or f64");
  if (s.cell) {
    if (s.layers != 1) fail("a cell has layers = 1, got " + std::to_string(s.layers));
    if (s.bidirectional) fail("a cell is not bidirectional");
    if (s.batch_first) fail("a cell has no time axis, batch_first must be false");
    if (s.T != 1) fail("a cell runs one step, T must be 1, got " + std::to_string(s.T));
  }
}

}  // namespace rnnconf

// Text of graph statements in the layout torch_to_nnef's exports use: one
// `    lhs = op(args);` per line, `name = value` attributes, `[a, b]` arrays.
// The emitter builds statements with these helpers; nothing else formats text.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf::emitter::detail {

// NNEF identifier of a label: every character outside [A-Za-z0-9_] -> '_'
// ("m.l0_w_ii" -> "m_l0_w_ii"), as the exporter names variables.
std::string identifier_for_label(const std::string& label);

std::string int_list(const std::vector<int64_t>& values);  // "[1, 7, 5]"
std::string name_list(const std::vector<std::string>& names);  // "[a, b]"
std::string join(const std::vector<std::string>& items, const std::string& sep = ", ");

class GraphBody {
 public:
  // Appends `    <lhs> = <rhs>;\n`.
  void assign(const std::string& lhs, const std::string& rhs);
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// "variable<scalar>(label = 'm.l0_w_ii', shape = [1, 7, 5])"
std::string variable_call(const std::string& label, const Shape& shape);
// "tract_core_external(shape = [4, 3, 5], datum_type = 'f32')"
std::string external_call(const Shape& shape, DType dtype);
// "slice(h0, axes = [0], begin = [i], end = [i + 1], stride = [1])"
std::string slice_first_axis(const std::string& input, int64_t index);

}  // namespace rnnconf::emitter::detail

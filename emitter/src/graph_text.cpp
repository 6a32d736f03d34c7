// Formatting of graph statements (see graph_text.hpp).
#include "graph_text.hpp"

namespace rnnconf::emitter::detail {

std::string identifier_for_label(const std::string& label) {
  std::string id = label;
  for (char& c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  if (id.empty() || (id[0] >= '0' && id[0] <= '9')) id = "_" + id;
  return id;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::string int_list(const std::vector<int64_t>& values) {
  std::vector<std::string> parts;
  for (int64_t v : values) parts.push_back(std::to_string(v));
  return name_list(parts);
}

std::string name_list(const std::vector<std::string>& names) {
  // Appended piecewise: `"[" + std::string&&` trips GCC 12's -Wrestrict false positive.
  std::string out = "[";
  out += join(names);
  out += "]";
  return out;
}

void GraphBody::assign(const std::string& lhs, const std::string& rhs) { text_ += "    " + lhs + " = " + rhs + ";\n"; }

std::string variable_call(const std::string& label, const Shape& shape) {
  return "variable<scalar>(label = '" + label + "', shape = " + int_list(shape) + ")";
}

std::string external_call(const Shape& shape, DType dtype) {
  return "tract_core_external(shape = " + int_list(shape) + ", datum_type = '" + std::string(dtype_name(dtype)) + "')";
}

std::string slice_first_axis(const std::string& input, int64_t index) {
  return "slice(" + input + ", axes = [0], begin = [" + std::to_string(index) + "], end = [" +
         std::to_string(index + 1) + "], stride = [1])";
}

}  // namespace rnnconf::emitter::detail

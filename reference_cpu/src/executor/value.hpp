// Runtime values of the graph executor: a tensor (shared, immutable) or an
// attribute value (integer, scalar, logical, string, array, tuple), plus the
// typed accessors ops use to read their arguments with clear errors.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf::cpu {

struct Value {
  enum class Kind { tensor, integer, scalar, logical, string, array, tuple };
  Kind kind = Kind::integer;
  std::shared_ptr<const Tensor> tensor;  // Kind::tensor
  int64_t i = 0;                         // Kind::integer
  double s = 0.0;                        // Kind::scalar
  bool b = false;                        // Kind::logical
  std::string str;                       // Kind::string
  std::vector<Value> items;              // Kind::array, Kind::tuple

  static Value of_tensor(Tensor t);
  static Value of_shared(std::shared_ptr<const Tensor> t);
  static Value of_int(int64_t v);
  static Value of_scalar(double v);
  static Value of_bool(bool v);
  static Value of_string(std::string v);
  static Value of_array(std::vector<Value> v);
  static Value of_tuple(std::vector<Value> v);

  bool is_tensor() const { return kind == Kind::tensor; }
};

const char* kind_name(Value::Kind k);
// Short text for messages and the graph dump: "tensor[2, 3]", "3", "[1, 2]", "'x'".
std::string value_str(const Value& v);

// Throws rnnconf::Error(msg_prefix + what was found) when the kind differs.
const Tensor& as_tensor(const Value& v, const std::string& what);
int64_t as_int(const Value& v, const std::string& what);
double as_scalar(const Value& v, const std::string& what);  // integer accepted
bool as_bool(const Value& v, const std::string& what);
const std::string& as_string(const Value& v, const std::string& what);
const std::vector<Value>& as_items(const Value& v, const std::string& what);  // array or tuple
std::vector<int64_t> as_int_list(const Value& v, const std::string& what);

// A literal standing for a tensor (tract reads `[0.5, 1.0]` given for a
// tensor parameter as a constant): scalar -> rank 0 in `scalar_dtype`,
// integer -> i64, logical -> bool, a (nested, rectangular) array of those ->
// the tensor of that shape. Tensors pass through; other kinds throw.
std::shared_ptr<const Tensor> literal_tensor(const Value& v, DType scalar_dtype, const std::string& what);

}  // namespace rnnconf::cpu

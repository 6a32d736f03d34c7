// Runtime values of the graph executor (value.hpp): constructors, text and
// typed accessors.
#include "executor/value.hpp"

#include <fmt/format.h>

#include "rnnconf/core/error.hpp"

namespace rnnconf::cpu {

Value Value::of_tensor(Tensor t) { return of_shared(std::make_shared<const Tensor>(std::move(t))); }
Value Value::of_shared(std::shared_ptr<const Tensor> t) {
  Value v;
  v.kind = Kind::tensor;
  v.tensor = std::move(t);
  return v;
}
Value Value::of_int(int64_t x) {
  Value v;
  v.kind = Kind::integer;
  v.i = x;
  return v;
}
Value Value::of_scalar(double x) {
  Value v;
  v.kind = Kind::scalar;
  v.s = x;
  return v;
}
Value Value::of_bool(bool x) {
  Value v;
  v.kind = Kind::logical;
  v.b = x;
  return v;
}
Value Value::of_string(std::string x) {
  Value v;
  v.kind = Kind::string;
  v.str = std::move(x);
  return v;
}
Value Value::of_array(std::vector<Value> x) {
  Value v;
  v.kind = Kind::array;
  v.items = std::move(x);
  return v;
}
Value Value::of_tuple(std::vector<Value> x) {
  Value v;
  v.kind = Kind::tuple;
  v.items = std::move(x);
  return v;
}

const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Kind::tensor: return "tensor";
    case Value::Kind::integer: return "integer";
    case Value::Kind::scalar: return "scalar";
    case Value::Kind::logical: return "logical";
    case Value::Kind::string: return "string";
    case Value::Kind::array: return "array";
    case Value::Kind::tuple: return "tuple";
  }
  return "?";
}

std::string value_str(const Value& v) {
  switch (v.kind) {
    case Value::Kind::tensor:
      return fmt::format("{}{}", v.tensor->dtype() == DType::f32 ? "tensor" : std::string(dtype_name(v.tensor->dtype())),
                         shape_str(v.tensor->shape()));
    case Value::Kind::integer: return std::to_string(v.i);
    case Value::Kind::scalar: return fmt::format("{}", v.s);
    case Value::Kind::logical: return v.b ? "true" : "false";
    case Value::Kind::string: return "'" + v.str + "'";
    case Value::Kind::array:
    case Value::Kind::tuple: {
      std::string s = v.kind == Value::Kind::array ? "[" : "(";
      for (size_t k = 0; k < v.items.size(); ++k) s += (k ? ", " : "") + value_str(v.items[k]);
      return s + (v.kind == Value::Kind::array ? "]" : ")");
    }
  }
  return "?";
}

namespace {
[[noreturn]] void wrong(const Value& v, const std::string& what, const char* expected) {
  throw Error(fmt::format("{}: expected {}, got {} {}", what, expected, kind_name(v.kind), value_str(v)));
}
}  // namespace

const Tensor& as_tensor(const Value& v, const std::string& what) {
  if (v.kind != Value::Kind::tensor) wrong(v, what, "a tensor");
  return *v.tensor;
}
int64_t as_int(const Value& v, const std::string& what) {
  // tract evaluates a one-element integer tensor (e.g. from tract_core_shape_of) as an integer.
  if (v.kind == Value::Kind::tensor && v.tensor->dtype() == DType::i64 && v.tensor->numel() == 1)
    return v.tensor->span<int64_t>()[0];
  if (v.kind != Value::Kind::integer) wrong(v, what, "an integer");
  return v.i;
}
double as_scalar(const Value& v, const std::string& what) {
  if (v.kind == Value::Kind::integer) return static_cast<double>(v.i);
  if (v.kind != Value::Kind::scalar) wrong(v, what, "a scalar");
  return v.s;
}
bool as_bool(const Value& v, const std::string& what) {
  if (v.kind != Value::Kind::logical) wrong(v, what, "a logical");
  return v.b;
}
const std::string& as_string(const Value& v, const std::string& what) {
  if (v.kind != Value::Kind::string) wrong(v, what, "a string");
  return v.str;
}
const std::vector<Value>& as_items(const Value& v, const std::string& what) {
  if (v.kind != Value::Kind::array && v.kind != Value::Kind::tuple) wrong(v, what, "an array");
  return v.items;
}
std::vector<int64_t> as_int_list(const Value& v, const std::string& what) {
  std::vector<int64_t> out;
  if (v.kind == Value::Kind::tensor && v.tensor->dtype() == DType::i64 && v.tensor->rank() <= 1) {
    for (int64_t x : v.tensor->span<int64_t>()) out.push_back(x);
    return out;
  }
  for (const auto& item : as_items(v, what)) out.push_back(as_int(item, what + " item"));
  return out;
}

namespace {

// Leaves of a nested array literal in row-major order; checks that every
// level has the extent `shape` gives for it.
void flatten(const Value& v, size_t depth, const Shape& shape, std::vector<const Value*>& leaves,
             const std::string& what) {
  if (depth == shape.size()) {
    if (v.kind == Value::Kind::array) throw Error(what + ": array literal is not rectangular");
    leaves.push_back(&v);
    return;
  }
  if (v.kind != Value::Kind::array || static_cast<int64_t>(v.items.size()) != shape[depth])
    throw Error(what + ": array literal is not rectangular");
  for (const auto& item : v.items) flatten(item, depth + 1, shape, leaves, what);
}

DType literal_dtype(Value::Kind k, DType scalar_dtype, const std::string& what) {
  switch (k) {
    case Value::Kind::scalar: return scalar_dtype;
    case Value::Kind::integer: return DType::i64;
    case Value::Kind::logical: return DType::boolean;
    default: throw Error(what + ": expected a tensor, got " + kind_name(k));
  }
}

}  // namespace

std::shared_ptr<const Tensor> literal_tensor(const Value& v, DType scalar_dtype, const std::string& what) {
  if (v.kind == Value::Kind::tensor) return v.tensor;
  Shape shape;
  const Value* first = &v;
  while (first->kind == Value::Kind::array) {
    if (first->items.empty()) throw Error(what + ": an empty array cannot stand for a tensor");
    shape.push_back(static_cast<int64_t>(first->items.size()));
    first = &first->items.front();
  }
  std::vector<const Value*> leaves;
  flatten(v, 0, shape, leaves, what);
  const Value::Kind k = first->kind;
  const DType d = literal_dtype(k, scalar_dtype, what);
  Tensor t(d, shape);
  for (size_t i = 0; i < leaves.size(); ++i) {
    const Value& x = *leaves[i];
    if (x.kind != k) throw Error(what + ": mixed item kinds in an array literal");
    if (d == DType::f32) t.span<float>()[i] = static_cast<float>(x.s);
    else if (d == DType::f64) t.span<double>()[i] = x.s;
    else if (d == DType::i64) t.span<int64_t>()[i] = x.i;
    else t.span<bool>()[i] = x.b;
  }
  return std::make_shared<const Tensor>(std::move(t));
}

}  // namespace rnnconf::cpu

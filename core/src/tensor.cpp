// rnnconf::Tensor: dtype names, shape arithmetic with caps, construction,
// checked indexing, reshape, dtype conversion and bitwise equality.
#include "rnnconf/core/tensor.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace rnnconf {

std::string_view dtype_name(DType t) {
  switch (t) {
    case DType::f32:
      return "f32";
    case DType::f64:
      return "f64";
    case DType::i64:
      return "i64";
    case DType::boolean:
      return "bool";
  }
  throw Error("dtype_name: invalid DType value " + std::to_string(static_cast<int>(t)));
}

DType dtype_from_name(std::string_view name) {
  for (DType t : {DType::f32, DType::f64, DType::i64, DType::boolean})
    if (dtype_name(t) == name) return t;
  throw Error("unknown dtype '" + std::string(name) + "': expected one of f32, f64, i64, bool");
}

size_t dtype_size(DType t) {
  switch (t) {
    case DType::f32:
      return 4;
    case DType::f64:
      return 8;
    case DType::i64:
      return 8;
    case DType::boolean:
      return 1;
  }
  throw Error("dtype_size: invalid DType value " + std::to_string(static_cast<int>(t)));
}

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(s[i]);
  }
  return out + "]";
}

int64_t shape_volume(const Shape& s) {
  // The product of the non-zero extents is kept under kMaxElements (checked
  // before each multiplication), so it cannot overflow int64, and a zero extent
  // does not excuse absurd extents elsewhere (strides are still computed).
  int64_t nonzero_product = 1;
  bool has_zero = false;
  for (size_t axis = 0; axis < s.size(); ++axis) {
    const int64_t extent = s[axis];
    if (extent < 0)
      throw Error("shape " + shape_str(s) + ": negative extent " + std::to_string(extent) + " on axis " +
                  std::to_string(axis));
    if (extent == 0) {
      has_zero = true;
      continue;
    }
    if (nonzero_product > kMaxElements / extent)
      throw Error("shape " + shape_str(s) + ": volume exceeds the cap of " + std::to_string(kMaxElements) +
                  " elements");
    nonzero_product *= extent;
  }
  return has_zero ? 0 : nonzero_product;
}

Tensor::Tensor(DType dtype, Shape shape) : dtype_(dtype), shape_(std::move(shape)) {
  numel_ = shape_volume(shape_);
  nbytes_ = static_cast<size_t>(numel_) * dtype_size(dtype_);
  // At least one byte: every tensor then holds a metered buffer, so that a
  // tensor without elements is charged its overhead too (memory_budget.hpp).
  storage_.assign(std::max<size_t>(nbytes_, 1), std::byte{0});
}

int64_t Tensor::dim(int64_t axis) const {
  if (axis < 0 || axis >= rank())
    throw Error("Tensor::dim: axis " + std::to_string(axis) + " out of range for shape " + shape_str(shape_));
  return shape_[static_cast<size_t>(axis)];
}

int64_t Tensor::offset_of(std::span<const int64_t> index) const {
  auto index_str = [&] {
    std::string s = "[";
    for (size_t i = 0; i < index.size(); ++i) s += (i ? ", " : "") + std::to_string(index[i]);
    return s + "]";
  };
  if (static_cast<int64_t>(index.size()) != rank())
    throw Error("index " + index_str() + " has " + std::to_string(index.size()) + " coordinates, shape " +
                shape_str(shape_) + " has rank " + std::to_string(rank()));
  int64_t offset = 0;
  for (size_t axis = 0; axis < index.size(); ++axis) {
    if (index[axis] < 0 || index[axis] >= shape_[axis])
      throw Error("index " + index_str() + " out of bounds for shape " + shape_str(shape_) + " on axis " +
                  std::to_string(axis));
    offset = offset * shape_[axis] + index[axis];
  }
  return offset;
}

Tensor Tensor::reshaped(Shape shape) const {
  const int64_t volume = shape_volume(shape);
  if (volume != numel_)
    throw Error("Tensor::reshaped: cannot reshape " + shape_str(shape_) + " (" + std::to_string(numel_) +
                " elements) to " + shape_str(shape) + " (" + std::to_string(volume) + " elements)");
  Tensor out = *this;
  out.shape_ = std::move(shape);
  return out;
}

namespace {

// Reads element i of a tensor's storage as its own type and hands it to f.
template <class F>
void visit_element(DType t, const std::byte* base, int64_t i, F&& f) {
  const size_t at = static_cast<size_t>(i) * dtype_size(t);
  switch (t) {
    case DType::f32: {
      float v;
      std::memcpy(&v, base + at, sizeof v);
      f(v);
      return;
    }
    case DType::f64: {
      double v;
      std::memcpy(&v, base + at, sizeof v);
      f(v);
      return;
    }
    case DType::i64: {
      int64_t v;
      std::memcpy(&v, base + at, sizeof v);
      f(v);
      return;
    }
    case DType::boolean: {
      f(base[at] != std::byte{0});
      return;
    }
  }
}

template <class To, class From>
To convert(From v, int64_t flat) {
  if constexpr (std::is_same_v<To, bool>) {
    return v != From{0};  // NaN != 0, so NaN becomes true (as in PyTorch)
  } else if constexpr (std::is_same_v<To, int64_t> && std::is_floating_point_v<From>) {
    // Truncation toward zero; values outside int64 (and NaN) have no answer.
    // 2^63 is exactly representable in float and double.
    constexpr From limit = static_cast<From>(9223372036854775808.0);
    if (!(v >= -limit && v < limit))
      throw Error("Tensor::cast: element " + std::to_string(flat) + " (" + std::to_string(v) +
                  ") is not representable as i64");
    return static_cast<int64_t>(v);
  } else {
    return static_cast<To>(v);
  }
}

template <class To>
void convert_all(const Tensor& src, Tensor& dst) {
  To* out = dst.data<To>();
  const std::byte* in = src.bytes();
  for (int64_t i = 0; i < src.numel(); ++i)
    visit_element(src.dtype(), in, i, [&](auto v) { out[i] = convert<To>(v, i); });
}

}  // namespace

Tensor Tensor::cast(DType to) const {
  if (to == dtype_) return *this;
  Tensor out(to, shape_);
  switch (to) {
    case DType::f32:
      convert_all<float>(*this, out);
      break;
    case DType::f64:
      convert_all<double>(*this, out);
      break;
    case DType::i64:
      convert_all<int64_t>(*this, out);
      break;
    case DType::boolean:
      convert_all<bool>(*this, out);
      break;
  }
  return out;
}

bool operator==(const Tensor& a, const Tensor& b) {
  return a.dtype_ == b.dtype_ && a.shape_ == b.shape_ && a.storage_ == b.storage_;
}

void Tensor::check_type(DType asked) const {
  if (asked != dtype_)
    throw Error("tensor of shape " + shape_str(shape_) + " has dtype " + std::string(dtype_name(dtype_)) +
                ", accessed as " + std::string(dtype_name(asked)));
}

}  // namespace rnnconf

// rnnconf::Tensor: an owning, contiguous, row-major n-d array of one dtype
// (f32, f64, i64, bool). Value type; element access is bounds-checked in debug
// builds (and always through at()). Its bytes are MeteredBytes: inside a
// MemoryBudgetScope every construction or copy is charged to the memory
// budget before allocating (memory_budget.hpp), and refused over it.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "rnnconf/core/error.hpp"
#include "rnnconf/core/memory_budget.hpp"

namespace rnnconf {

enum class DType : uint8_t { f32, f64, i64, boolean };

std::string_view dtype_name(DType t);          // "f32", "f64", "i64", "bool"
DType dtype_from_name(std::string_view name);  // throws Error on an unknown name
size_t dtype_size(DType t);                    // bytes per element (bool: 1)

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::f32; }
template <> constexpr DType dtype_of<double>() { return DType::f64; }
template <> constexpr DType dtype_of<int64_t>() { return DType::i64; }
template <> constexpr DType dtype_of<bool>() { return DType::boolean; }

using Shape = std::vector<int64_t>;

int64_t shape_volume(const Shape& s);   // throws Error on negative extent or overflow
std::string shape_str(const Shape& s);  // "[2, 3, 4]"

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled tensor. Throws Error for negative extents or absurd volumes,
  // MemoryBudgetError (before allocating) when the bytes would pass the budget.
  Tensor(DType dtype, Shape shape);

  template <class T>
  static Tensor from(Shape shape, const std::vector<T>& values) {
    Tensor t(dtype_of<T>(), std::move(shape));
    if (static_cast<int64_t>(values.size()) != t.numel())
      throw Error("Tensor::from: " + std::to_string(values.size()) + " values for shape " + shape_str(t.shape()));
    auto dst = t.span<T>();
    for (size_t i = 0; i < values.size(); ++i) dst[i] = values[i];
    return t;
  }

  DType dtype() const noexcept { return dtype_; }
  const Shape& shape() const noexcept { return shape_; }
  int64_t rank() const noexcept { return static_cast<int64_t>(shape_.size()); }
  int64_t dim(int64_t axis) const;  // checked
  int64_t numel() const noexcept { return numel_; }
  size_t nbytes() const noexcept { return nbytes_; }
  bool empty() const noexcept { return numel_ == 0; }

  std::byte* bytes() noexcept { return storage_.data(); }
  const std::byte* bytes() const noexcept { return storage_.data(); }

  // Typed views; throw Error when T does not match dtype().
  template <class T> std::span<T> span() {
    check_type(dtype_of<std::remove_const_t<T>>());
    return {reinterpret_cast<T*>(storage_.data()), static_cast<size_t>(numel_)};
  }
  template <class T> std::span<const T> span() const {
    check_type(dtype_of<std::remove_const_t<T>>());
    return {reinterpret_cast<const T*>(storage_.data()), static_cast<size_t>(numel_)};
  }
  template <class T> T* data() { return span<T>().data(); }
  template <class T> const T* data() const { return span<T>().data(); }

  // Row-major flat offset of a multi-index; checked always.
  int64_t offset_of(std::span<const int64_t> index) const;
  template <class T> T& at(std::initializer_list<int64_t> index) {
    return span<T>()[static_cast<size_t>(offset_of({index.begin(), index.size()}))];
  }
  template <class T> const T& at(std::initializer_list<int64_t> index) const {
    return span<const T>()[static_cast<size_t>(offset_of({index.begin(), index.size()}))];
  }
  // Unchecked in release, asserted in debug.
  template <class T> T& operator[](int64_t flat) {
    assert(dtype_ == dtype_of<T>() && flat >= 0 && flat < numel_);
    return reinterpret_cast<T*>(storage_.data())[flat];
  }

  // Same data, new shape of equal volume.
  Tensor reshaped(Shape shape) const;
  // Element-wise conversion between numeric dtypes (exact where representable).
  Tensor cast(DType to) const;

  // Same dtype, shape and bytes (bitwise: +0 != -0, NaN payloads compared).
  friend bool operator==(const Tensor& a, const Tensor& b);

 private:
  void check_type(DType asked) const;

  DType dtype_ = DType::f32;
  Shape shape_;
  int64_t numel_ = 0;
  size_t nbytes_ = 0;
  MeteredBytes storage_;  // nbytes_, at least 1 (see the constructor)
};

// Caps applied by every reader before allocating (see nnef_format.md §6).
inline constexpr int64_t kMaxRank = 8;
inline constexpr int64_t kMaxElements = int64_t{1} << 31;  // 2^31 elements (8 GiB of f32)

}  // namespace rnnconf

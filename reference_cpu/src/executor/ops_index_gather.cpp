// tract_core_gather (Embedding, index_select, x[:, idx]) and the spec's
// gather: output = input[:axis] + indices.shape + input[axis+1:], any dtype.
//
// tract semantics (core/src/ops/array/gather.rs): indices are cast to i64; a
// negative index counts from the end once (i + extent); anything still out of
// [0, extent) is an error ("Invalid gather" in tract; here an error naming
// the index, its position and the bound, never a read out of bounds). The
// axis is a non-negative integer (tract reads it as usize).
#include <cstring>

#include <fmt/format.h>

#include "executor/primitive_ops.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {

Value op_gather(const OpCall& c) {
  const auto x = c.tensor(0);
  const auto raw = c.tensor(1);
  const int64_t axis = as_int(c.arg(2), c.what(2));
  const Shape& in = x->shape();
  if (axis < 0 || axis >= x->rank())
    c.fail(fmt::format("axis {} out of range for input {}", axis, shape_str(in)));
  if (raw->dtype() == DType::boolean)
    c.fail(fmt::format("indices must be integers, got bool{}", shape_str(raw->shape())));
  const Tensor idx = raw->dtype() == DType::i64 ? *raw : raw->cast(DType::i64);
  const int64_t ext = in[static_cast<size_t>(axis)];
  std::vector<int64_t> rows;
  rows.reserve(static_cast<size_t>(idx.numel()));
  const auto iv = idx.span<int64_t>();
  for (size_t k = 0; k < iv.size(); ++k) {
    const int64_t i = iv[k] < 0 ? iv[k] + ext : iv[k];
    if (i < 0 || i >= ext)
      c.fail(
          fmt::format("index {} (at flat position {} of indices {}) is out of range [-{}, {}) for axis {} of "
                      "input {}",
                      iv[k], k, shape_str(idx.shape()), ext, ext, axis, shape_str(in)));
    rows.push_back(i);
  }
  Shape out(in.begin(), in.begin() + axis);
  out.insert(out.end(), idx.shape().begin(), idx.shape().end());
  out.insert(out.end(), in.begin() + axis + 1, in.end());
  Tensor y = poisoned(x->dtype(), out);
  // outer x rows x inner blocks: each (outer, row) copies one contiguous inner block.
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k) outer *= in[static_cast<size_t>(k)];
  for (size_t k = static_cast<size_t>(axis) + 1; k < in.size(); ++k) inner *= in[k];
  const size_t block = static_cast<size_t>(inner) * dtype_size(x->dtype());
  const std::byte* src = x->bytes();
  std::byte* dst = y.bytes();
  for (int64_t o = 0; o < outer; ++o)
    for (size_t j = 0; j < rows.size(); ++j)
      std::memcpy(dst + (static_cast<size_t>(o) * rows.size() + j) * block,
                  src + static_cast<size_t>(o * ext + rows[j]) * block, block);
  return Value::of_tensor(std::move(y));
}

}  // namespace rnnconf::cpu

// pad: constant, reflect and replicate borders over any rank, any dtype.
//
// Spellings: torch_to_nnef 0.24.12 writes the NNEF spec's names
// ('constant', 'reflect', 'replicate'); tract 0.23.9 accepts 'constant',
// 'reflect' and 'replicated' and refuses 'replicate' ("unsupported padding
// mode replicate"). Both replicate spellings mean the same edge padding, so
// both are accepted here (the export's semantics are unambiguous; a tract
// load failure is tract's, not the graph's). 'reflect' excludes the edge
// element (numpy/PyTorch 'reflect'), so a pad must be smaller than the axis.
// Negative pads (cropping) are refused like tract (usize pads).
// The constant `value` is used in the run's dtype (tract reads it as f32; an
// f64 run keeps the literal's double, which is what PyTorch float64 pads with).
#include <cstring>

#include <fmt/format.h>

#include "executor/primitive_ops.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {
namespace {

enum class Border { constant, reflect, replicate };

Border border_of(const OpCall& c, const std::string& b) {
  if (b == "constant") return Border::constant;
  if (b == "reflect") return Border::reflect;
  if (b == "replicate" || b == "replicated") return Border::replicate;
  c.fail(fmt::format("border '{}' is not supported (constant, reflect, replicate/replicated)", b));
}

// Source index on one axis for output position `o` (the padded position
// o - before), or -1 for a constant-border element.
int64_t source_index(Border border, int64_t o, int64_t before, int64_t ext) {
  int64_t i = o - before;
  if (i >= 0 && i < ext) return i;
  switch (border) {
    case Border::constant:
      return -1;
    case Border::replicate:
      return i < 0 ? 0 : ext - 1;
    case Border::reflect:
      return i < 0 ? -i : 2 * (ext - 1) - i;
  }
  return -1;
}

void write_constant(std::byte* dst, DType d, double value) {
  switch (d) {
    case DType::f32: {
      const float v = static_cast<float>(value);
      std::memcpy(dst, &v, sizeof v);
      break;
    }
    case DType::f64:
      std::memcpy(dst, &value, sizeof value);
      break;
    case DType::i64: {
      const int64_t v = static_cast<int64_t>(value);
      std::memcpy(dst, &v, sizeof v);
      break;
    }
    default: {
      const bool v = value != 0.0;
      std::memcpy(dst, &v, sizeof v);
    }
  }
}

}  // namespace

Value op_pad(const OpCall& c) {
  const auto x = c.tensor(0);
  const auto& rows = as_items(c.arg(1), c.what(1));
  const Border border = border_of(c, as_string(c.arg(2), c.what(2)));
  const double value = as_scalar(c.arg(3), c.what(3));
  const Shape& in = x->shape();
  const size_t r = in.size();
  if (rows.size() != r)
    c.fail(fmt::format("padding has {} pairs for input {} of rank {}", rows.size(), shape_str(in), r));
  std::vector<int64_t> before(r), after(r);
  Shape out(r);
  for (size_t k = 0; k < r; ++k) {
    const auto pair = as_int_list(rows[k], c.what(1));
    if (pair.size() != 2) c.fail(fmt::format("padding entry {} has {} values (expected 2)", k, pair.size()));
    before[k] = pair[0];
    after[k] = pair[1];
    if (before[k] < 0 || after[k] < 0)
      c.fail(fmt::format("negative padding ({}, {}) on axis {} of input {}", before[k], after[k], k,
                         shape_str(in)));
    const bool grows = before[k] > 0 || after[k] > 0;
    if (border == Border::reflect && grows && (before[k] >= in[k] || after[k] >= in[k]))
      c.fail(fmt::format("reflect padding ({}, {}) on axis {} must be smaller than its extent {} (input {})",
                         before[k], after[k], k, in[k], shape_str(in)));
    if (border == Border::replicate && grows && in[k] == 0)
      c.fail(fmt::format("replicate padding on empty axis {} of input {}", k, shape_str(in)));
    out[k] = in[k] + before[k] + after[k];
  }
  Tensor y = poisoned(x->dtype(), out);
  const size_t es = dtype_size(x->dtype());
  std::vector<std::byte> fill(es);
  write_constant(fill.data(), x->dtype(), value);
  const auto xs = strides_of(in);
  const std::byte* src = x->bytes();
  std::byte* dst = y.bytes();
  size_t flat = 0;
  for_each_index(out, [&](const std::vector<int64_t>& idx) {
    int64_t o = 0;
    bool inside = true;
    for (size_t k = 0; k < r && inside; ++k) {
      const int64_t i = source_index(border, idx[k], before[k], in[k]);
      if (i < 0)
        inside = false;
      else
        o += i * xs[k];
    }
    std::memcpy(dst + flat * es, inside ? src + static_cast<size_t>(o) * es : fill.data(), es);
    ++flat;
  });
  return Value::of_tensor(std::move(y));
}

}  // namespace rnnconf::cpu

// Layout primitive ops (dtype-agnostic element copies): reshape, transpose,
// squeeze, unsqueeze, concat, split, stack, unstack, slice (tract semantics),
// tile, and constant. Shape rules follow nnef_format.md §3; every violation
// is an Error naming the op and the shapes.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "executor/primitive_ops.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {
namespace {

std::string list_str(const std::vector<int64_t>& v) { return shape_str(v); }

// out[idx] = in[source_offset(idx)] for every index of out_shape.
template <class F>
Tensor gather_copy(const Tensor& in, Shape out_shape, F source_offset) {
  Tensor out = poisoned(in.dtype(), std::move(out_shape));
  const size_t es = dtype_size(in.dtype());
  const std::byte* src = in.bytes();
  std::byte* dst = out.bytes();
  size_t flat = 0;
  for_each_index(out.shape(), [&](const std::vector<int64_t>& idx) {
    std::memcpy(dst + flat * es, src + static_cast<size_t>(source_offset(idx)) * es, es);
    ++flat;
  });
  return out;
}

Tensor with_shape(const Tensor& in, Shape s) { return in.reshaped(std::move(s)); }

int64_t checked_axis(const OpCall& c, int64_t axis, int64_t rank, const Shape& shape) {
  if (axis < 0 || axis >= rank)
    c.fail(fmt::format("axis {} out of range for a tensor of shape {}", axis, shape_str(shape)));
  return axis;
}

// Joins equal-rank tensors along an existing axis.
Tensor concat_tensors(const OpCall& c, const std::vector<std::shared_ptr<const Tensor>>& parts, int64_t axis) {
  if (parts.empty()) c.fail("needs at least one tensor");
  const Shape& s0 = parts[0]->shape();
  checked_axis(c, axis, static_cast<int64_t>(s0.size()), s0);
  Shape out = s0;
  out[static_cast<size_t>(axis)] = 0;
  std::string shapes;
  for (const auto& p : parts) shapes += (shapes.empty() ? "" : ", ") + shape_str(p->shape());
  for (const auto& p : parts) {
    bool ok = p->rank() == static_cast<int64_t>(s0.size()) && p->dtype() == parts[0]->dtype();
    for (size_t k = 0; ok && k < s0.size(); ++k)
      if (static_cast<int64_t>(k) != axis && p->shape()[k] != s0[k]) ok = false;
    if (!ok) c.fail(fmt::format("tensors do not match off axis {}: {}", axis, shapes));
    out[static_cast<size_t>(axis)] += p->shape()[static_cast<size_t>(axis)];
  }
  Tensor y = poisoned(parts[0]->dtype(), out);
  // outer = product of axes before `axis`; each part contributes a block per outer index.
  int64_t outer = 1;
  for (int64_t k = 0; k < axis; ++k) outer *= out[static_cast<size_t>(k)];
  const size_t es = dtype_size(y.dtype());
  const int64_t out_block = outer == 0 ? 0 : y.numel() / std::max<int64_t>(outer, 1);
  int64_t col = 0;
  for (const auto& p : parts) {
    const int64_t block = outer == 0 ? 0 : p->numel() / std::max<int64_t>(outer, 1);
    for (int64_t o = 0; o < outer; ++o)
      std::memcpy(y.bytes() + static_cast<size_t>(o * out_block + col) * es,
                  p->bytes() + static_cast<size_t>(o * block) * es, static_cast<size_t>(block) * es);
    col += block;
  }
  return y;
}

std::vector<std::shared_ptr<const Tensor>> tensor_list(const OpCall& c, size_t k) {
  std::vector<std::shared_ptr<const Tensor>> out;
  for (const auto& v : as_items(c.arg(k), c.what(k))) out.push_back(v.is_tensor() ? v.tensor : nullptr);
  for (const auto& t : out)
    if (!t) c.fail("argument '" + c.names.at(k) + "' must be an array of tensors");
  return out;
}

}  // namespace

Value op_reshape(const OpCall& c) {
  const auto x = c.tensor(0);
  const auto shape = as_int_list(c.arg(1), c.what(1));
  const int64_t rank = x->rank();
  const int64_t s = as_int(c.arg(2), c.what(2));
  int64_t n = as_int(c.arg(3), c.what(3));
  if (n == -1) n = rank - s;
  if (s < 0 || n < 0 || s + n > rank)
    c.fail(fmt::format("axis_start {} / axis_count {} out of range for input {}", s, as_int(c.arg(3), c.what(3)),
                       shape_str(x->shape())));
  Shape mid;
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t e = shape[i];
    if (e == 0) {
      if (s + static_cast<int64_t>(i) >= rank)
        c.fail(fmt::format("shape {}: 0 at position {} has no input axis to copy (input {})", list_str(shape), i,
                           shape_str(x->shape())));
      e = x->shape()[static_cast<size_t>(s) + i];
    } else if (e == -1) {
      if (infer_at >= 0) c.fail(fmt::format("shape {} has more than one -1", list_str(shape)));
      infer_at = static_cast<int64_t>(i);
    } else if (e < -1) {
      c.fail(fmt::format("shape {} has a negative extent", list_str(shape)));
    }
    mid.push_back(e);
    if (e != -1) known *= e;
  }
  int64_t replaced = 1;
  for (int64_t k = s; k < s + n; ++k) replaced *= x->shape()[static_cast<size_t>(k)];
  if (infer_at >= 0) {
    if (known == 0 || replaced % known != 0)
      c.fail(fmt::format("cannot infer -1 in shape {} for input {} (axes {}..{})", list_str(shape),
                         shape_str(x->shape()), s, s + n));
    mid[static_cast<size_t>(infer_at)] = replaced / known;
  } else if (known != replaced) {
    c.fail(fmt::format("shape {} (volume {}) does not match input {} on axes [{}, {}) (volume {})", list_str(shape),
                       known, shape_str(x->shape()), s, s + n, replaced));
  }
  Shape out(x->shape().begin(), x->shape().begin() + s);
  out.insert(out.end(), mid.begin(), mid.end());
  out.insert(out.end(), x->shape().begin() + s + n, x->shape().end());
  return Value::of_tensor(with_shape(*x, out));
}

Value op_transpose(const OpCall& c) {
  const auto x = c.tensor(0);
  const auto axes = as_int_list(c.arg(1), c.what(1));
  const size_t r = static_cast<size_t>(x->rank());
  std::vector<bool> seen(axes.size(), false);
  bool ok = axes.size() <= r;
  for (int64_t a : axes) {
    if (a < 0 || a >= static_cast<int64_t>(axes.size()) || seen[static_cast<size_t>(a)]) ok = false;
    else seen[static_cast<size_t>(a)] = true;
  }
  if (!ok) c.fail(fmt::format("axes {} is not a permutation of 0..{} for input {}", list_str(axes),
                              static_cast<int64_t>(axes.size()) - 1, shape_str(x->shape())));
  std::vector<size_t> perm(r);
  for (size_t k = 0; k < r; ++k) perm[k] = k < axes.size() ? static_cast<size_t>(axes[k]) : k;
  Shape out(r);
  for (size_t k = 0; k < r; ++k) out[k] = x->shape()[perm[k]];
  const auto st = strides_of(x->shape());
  return Value::of_tensor(gather_copy(*x, out, [&](const std::vector<int64_t>& idx) {
    int64_t o = 0;
    for (size_t k = 0; k < r; ++k) o += idx[k] * st[perm[k]];
    return o;
  }));
}

Value op_squeeze(const OpCall& c) {
  const auto x = c.tensor(0);
  const auto axes = as_int_list(c.arg(1), c.what(1));
  std::vector<bool> drop(static_cast<size_t>(x->rank()), false);
  for (int64_t a : axes) {
    checked_axis(c, a, x->rank(), x->shape());
    if (x->shape()[static_cast<size_t>(a)] != 1)
      c.fail(fmt::format("axis {} has extent {} (must be 1) in input {}", a, x->shape()[static_cast<size_t>(a)],
                         shape_str(x->shape())));
    drop[static_cast<size_t>(a)] = true;
  }
  Shape out;
  for (size_t k = 0; k < drop.size(); ++k)
    if (!drop[k]) out.push_back(x->shape()[k]);
  return Value::of_tensor(with_shape(*x, out));
}

Value op_unsqueeze(const OpCall& c) {
  const auto x = c.tensor(0);
  const auto axes = as_int_list(c.arg(1), c.what(1));
  const int64_t r = x->rank() + static_cast<int64_t>(axes.size());
  std::vector<bool> unit(static_cast<size_t>(r), false);
  for (int64_t a : axes) {
    if (a < 0 || a >= r || unit[static_cast<size_t>(a)])
      c.fail(fmt::format("axes {} invalid for input {} (output rank {})", list_str(axes), shape_str(x->shape()), r));
    unit[static_cast<size_t>(a)] = true;
  }
  Shape out;
  size_t src = 0;
  for (size_t k = 0; k < unit.size(); ++k) out.push_back(unit[k] ? 1 : x->shape()[src++]);
  return Value::of_tensor(with_shape(*x, out));
}

Value op_concat(const OpCall& c) {
  return Value::of_tensor(concat_tensors(c, tensor_list(c, 0), as_int(c.arg(1), c.what(1))));
}

Value op_stack(const OpCall& c) {
  const auto parts = tensor_list(c, 0);
  const int64_t axis = as_int(c.arg(1), c.what(1));
  if (parts.empty()) c.fail("needs at least one tensor");
  const Shape s0 = parts[0]->shape();
  if (axis < 0 || axis > static_cast<int64_t>(s0.size()))
    c.fail(fmt::format("axis {} out of range [0, {}] for tensors of shape {}", axis, s0.size(), shape_str(s0)));
  std::vector<std::shared_ptr<const Tensor>> expanded;
  for (const auto& p : parts) {
    if (p->shape() != s0) c.fail(fmt::format("tensors differ in shape: {} vs {}", shape_str(s0), shape_str(p->shape())));
    Shape e = s0;
    e.insert(e.begin() + axis, 1);
    expanded.push_back(std::make_shared<const Tensor>(p->reshaped(e)));
  }
  return Value::of_tensor(concat_tensors(c, expanded, axis));
}

namespace {

// One begin/end bound of slice: its value and whether it was written as an
// integer literal in the graph (or a fragment's literal argument) rather than
// computed at run time (a one-element i64 tensor from shape arithmetic).
struct Bound {
  int64_t v = 0;
  bool literal = true;
};

std::vector<Bound> bounds_of(const OpCall& c, size_t k) {
  const Value& v = c.arg(k);
  std::vector<Bound> out;
  if (v.is_tensor()) {  // a rank-1 i64 tensor given for the whole list
    for (int64_t x : as_int_list(v, c.what(k))) out.push_back({x, false});
    return out;
  }
  for (const auto& item : as_items(v, c.what(k)))
    out.push_back({as_int(item, c.what(k) + " item"), !item.is_tensor()});
  return out;
}

std::string bounds_str(const std::vector<Bound>& b) {
  std::vector<int64_t> v;
  for (const auto& x : b) v.push_back(x.v);
  return shape_str(v);
}

}  // namespace

// slice, tract semantics (nnef/src/ops/nnef/deser.rs `slice`), which differ
// from the NNEF spec: a LITERAL negative begin counts from the end, a literal
// end <= 0 too (end = 0 means "to the end"); then begin and end are clamped
// to the extent. A begin/end COMPUTED at run time (t2n's dyn_slice /
// within_bound_index fragments, already bounded to [0, extent]) is only
// clamped: tract applies the negative/zero rule to constants only, so a
// computed end of 0 is an empty slice, not the whole axis. Strides must be
// positive (PyTorch refuses negative steps, so no export has one).
Value op_slice(const OpCall& c) {
  const auto x = c.tensor(0);
  const auto axes = as_int_list(c.arg(1), c.what(1));
  const auto begin = bounds_of(c, 2);
  const auto end = bounds_of(c, 3);
  const auto stride = as_int_list(c.arg(4), c.what(4));
  if (begin.size() != axes.size() || end.size() != axes.size() || (!stride.empty() && stride.size() != axes.size()))
    c.fail(fmt::format("axes {}, begin {}, end {}, stride {} differ in length", list_str(axes), bounds_str(begin),
                       bounds_str(end), list_str(stride)));
  const size_t r = static_cast<size_t>(x->rank());
  std::vector<int64_t> b0(r, 0), st(r, 1);
  Shape out = x->shape();
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = checked_axis(c, axes[i], x->rank(), x->shape());
    const int64_t ext = x->shape()[static_cast<size_t>(a)];
    const int64_t s = stride.empty() ? 1 : stride[i];
    if (s <= 0) c.fail(fmt::format("stride {} on axis {} (only positive strides are supported)", s, a));
    int64_t b = begin[i].literal && begin[i].v < 0 ? begin[i].v + ext : begin[i].v;
    int64_t e = end[i].literal && end[i].v <= 0 ? end[i].v + ext : end[i].v;
    b = std::clamp<int64_t>(b, 0, ext);
    e = std::clamp<int64_t>(e, 0, ext);
    if (e < b)
      c.fail(fmt::format("empty reversed range on axis {}: begin {} end {} (extent {}) for input {}", a, begin[i].v,
                         end[i].v, ext, shape_str(x->shape())));
    b0[static_cast<size_t>(a)] = b;
    st[static_cast<size_t>(a)] = s;
    out[static_cast<size_t>(a)] = (e - b + s - 1) / s;
  }
  const auto xs = strides_of(x->shape());
  return Value::of_tensor(gather_copy(*x, out, [&](const std::vector<int64_t>& idx) {
    int64_t o = 0;
    for (size_t k = 0; k < r; ++k) o += (b0[k] + idx[k] * st[k]) * xs[k];
    return o;
  }));
}

Value op_split(const OpCall& c) {
  const auto x = c.tensor(0);
  const int64_t axis = checked_axis(c, as_int(c.arg(1), c.what(1)), x->rank(), x->shape());
  const auto ratios = as_int_list(c.arg(2), c.what(2));
  int64_t total = 0;
  for (int64_t q : ratios) {
    if (q < 1) c.fail(fmt::format("ratios {} must be >= 1", list_str(ratios)));
    total += q;
  }
  const int64_t ext = x->shape()[static_cast<size_t>(axis)];
  if (ratios.empty() || ext % total != 0)
    c.fail(fmt::format("ratios {} (sum {}) do not divide extent {} of axis {} of input {}", list_str(ratios), total,
                       ext, axis, shape_str(x->shape())));
  const auto xs = strides_of(x->shape());
  std::vector<Value> parts;
  int64_t start = 0;
  for (int64_t q : ratios) {
    Shape out = x->shape();
    out[static_cast<size_t>(axis)] = ext / total * q;
    const int64_t s0 = start;
    parts.push_back(Value::of_tensor(gather_copy(*x, out, [&](const std::vector<int64_t>& idx) {
      int64_t o = 0;
      for (size_t k = 0; k < idx.size(); ++k) o += (idx[k] + (static_cast<int64_t>(k) == axis ? s0 : 0)) * xs[k];
      return o;
    })));
    start += out[static_cast<size_t>(axis)];
  }
  return Value::of_array(std::move(parts));
}

Value op_unstack(const OpCall& c) {
  const auto x = c.tensor(0);
  const int64_t axis = checked_axis(c, as_int(c.arg(1), c.what(1)), x->rank(), x->shape());
  const auto xs = strides_of(x->shape());
  Shape out = x->shape();
  out.erase(out.begin() + axis);
  std::vector<Value> parts;
  for (int64_t i = 0; i < x->shape()[static_cast<size_t>(axis)]; ++i) {
    parts.push_back(Value::of_tensor(gather_copy(*x, out, [&](const std::vector<int64_t>& idx) {
      int64_t o = 0;
      for (size_t k = 0, src = 0; src < xs.size(); ++src)
        o += (static_cast<int64_t>(src) == axis ? i : idx[k++]) * xs[src];
      return o;
    })));
  }
  return Value::of_array(std::move(parts));
}

Value op_tile(const OpCall& c) {
  const auto x = c.tensor(0);
  const auto reps = as_int_list(c.arg(1), c.what(1));
  if (static_cast<int64_t>(reps.size()) != x->rank())
    c.fail(fmt::format("repeats {} must have one entry per axis of input {}", list_str(reps), shape_str(x->shape())));
  Shape out = x->shape();
  for (size_t k = 0; k < reps.size(); ++k) {
    if (reps[k] < 1) c.fail(fmt::format("repeats {} must be >= 1", list_str(reps)));
    out[k] *= reps[k];
  }
  const auto xs = strides_of(x->shape());
  return Value::of_tensor(gather_copy(*x, out, [&](const std::vector<int64_t>& idx) {
    int64_t o = 0;
    for (size_t k = 0; k < idx.size(); ++k) o += (idx[k] % x->shape()[k]) * xs[k];
    return o;
  }));
}

Value op_constant(const OpCall& c) {
  const auto shape = as_int_list(c.arg(0), c.what(0));
  const auto& values = as_items(c.arg(1), c.what(1));
  const DType d = c.generic == "integer" ? DType::i64 : c.generic == "logical" ? DType::boolean : c.working;
  Tensor t(d, shape);
  const int64_t n = t.numel();
  if (static_cast<int64_t>(values.size()) != 1 && static_cast<int64_t>(values.size()) != n)
    c.fail(fmt::format("{} values for shape {} (expected 1 or {})", values.size(), shape_str(shape), n));
  for (int64_t k = 0; k < n; ++k) {
    const Value& v = values[values.size() == 1 ? 0 : static_cast<size_t>(k)];
    if (d == DType::f32) t.span<float>()[static_cast<size_t>(k)] = static_cast<float>(as_scalar(v, c.what(1)));
    else if (d == DType::f64) t.span<double>()[static_cast<size_t>(k)] = as_scalar(v, c.what(1));
    else if (d == DType::i64) t.span<int64_t>()[static_cast<size_t>(k)] = as_int(v, c.what(1));
    else t.span<bool>()[static_cast<size_t>(k)] = as_bool(v, c.what(1));
  }
  return Value::of_tensor(std::move(t));
}

Value op_shape_of(const OpCall& c) {
  const auto x = c.tensor(0);
  return Value::of_tensor(Tensor::from<int64_t>({x->rank()}, x->shape()));
}

// tract_core_cast(input, to): float targets become the working dtype (an f64
// run stays in double: it is our truth), integer targets i64, bool bool;
// 'tdim' (tract's symbolic dimension type, cast to by t2n's
// within_bound_index fragment) is an integer: i64.
Value op_cast(const OpCall& c) {
  const auto x = c.tensor(0);
  const std::string& to = as_string(c.arg(1), c.what(1));
  DType d = DType::f32;
  if (to == "f16" || to == "f32" || to == "f64" || to == "F16" || to == "F32" || to == "F64") d = c.working;
  else if (to == "bool" || to == "Bool") d = DType::boolean;
  else if (to == "tdim" || to == "TDim") d = DType::i64;
  else if (!to.empty() && (to[0] == 'i' || to[0] == 'u' || to[0] == 'I' || to[0] == 'U')) d = DType::i64;
  else c.fail("unknown target type '" + to + "'");
  return Value::of_tensor(x->dtype() == d ? *x : x->cast(d));
}

}  // namespace rnnconf::cpu

// Layout plans (layout_plan.hpp): the output shape and strided copies of each
// orchestration op, following the CPU interpreter's op semantics
// (reference_cpu/src/executor/ops_layout.cpp, the rnn_bidi_pack fragment). Anything
// the CPU op would reject is declined here (nullopt + reason), so the CPU op
// runs and reports it in its own words.
#include "rnnconf/reference_cuda/layout_plan.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace rnnconf::cuda {
namespace {

struct Decline {
  std::string why;
};

std::vector<int64_t> contiguous_strides(const Shape& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (size_t k = s.size(); k-- > 1;) st[k - 1] = st[k] * s[k];
  return st;
}

const std::vector<int64_t>& list(const LayoutAttributes& a, const std::string& name) {
  auto it = a.find(name);
  if (it == a.end()) throw Decline{"attribute '" + name + "' missing or not integer"};
  return it->second;
}

int64_t integer(const LayoutAttributes& a, const std::string& name) {
  const auto& v = list(a, name);
  if (v.size() != 1) throw Decline{"attribute '" + name + "' is not one integer"};
  return v[0];
}

void need_inputs(const std::vector<Shape>& in, size_t n, const std::string& op) {
  if (in.size() != n) throw Decline{fmt::format("{} takes {} tensor(s), {} given", op, n, in.size())};
}

// A copy over `extents` (rank <= kMaxGatherRank), right-aligned into the padded arrays.
GatherCopy make_copy(int input, const Shape& extents, const std::vector<int64_t>& src_stride,
                     const std::vector<int64_t>& period, const std::vector<int64_t>& dst_stride, int64_t src_offset,
                     int64_t dst_offset) {
  const size_t r = extents.size();
  if (r > static_cast<size_t>(kMaxGatherRank))
    throw Decline{fmt::format("rank {} exceeds the device gather's {}", r, kMaxGatherRank)};
  GatherCopy c;
  c.input = input;
  const size_t pad = static_cast<size_t>(kMaxGatherRank) - r;
  for (size_t k = 0; k < r; ++k) {
    c.extent[pad + k] = extents[k];
    c.src_stride[pad + k] = src_stride[k];
    c.period[pad + k] = period.empty() ? 0 : period[k];
    c.dst_stride[pad + k] = dst_stride[k];
  }
  c.src_offset = src_offset;
  c.dst_offset = dst_offset;
  c.count = shape_volume(extents);
  return c;
}

// The whole output read through `src_stride` from one input.
LayoutPlan single_gather(const Shape& out, const std::vector<int64_t>& src_stride, int64_t src_offset,
                         const std::vector<int64_t>& period = {}) {
  LayoutPlan p;
  p.out_shape = out;
  p.copies.push_back(make_copy(0, out, src_stride, period, contiguous_strides(out), src_offset, 0));
  return p;
}

LayoutPlan alias(Shape out) {
  LayoutPlan p;
  p.out_shape = std::move(out);
  p.alias = true;
  return p;
}

LayoutPlan plan_transpose(const Shape& x, const LayoutAttributes& a) {
  const auto& axes = list(a, "axes");
  const size_t r = x.size();
  std::vector<bool> seen(axes.size(), false);
  if (axes.size() > r) throw Decline{"axes longer than the rank"};
  for (int64_t v : axes) {
    if (v < 0 || v >= static_cast<int64_t>(axes.size()) || seen[static_cast<size_t>(v)])
      throw Decline{"axes is not a permutation"};
    seen[static_cast<size_t>(v)] = true;
  }
  const auto xs = contiguous_strides(x);
  Shape out(r);
  std::vector<int64_t> st(r);
  for (size_t k = 0; k < r; ++k) {
    const size_t p = k < axes.size() ? static_cast<size_t>(axes[k]) : k;
    out[k] = x[p];
    st[k] = xs[p];
  }
  return single_gather(out, st, 0);
}

LayoutPlan plan_slice(const Shape& x, const LayoutAttributes& a) {
  const auto& axes = list(a, "axes");
  const auto& begin = list(a, "begin");
  const auto& end = list(a, "end");
  const auto stride_it = a.find("stride");
  const std::vector<int64_t> stride = stride_it == a.end() ? std::vector<int64_t>{} : stride_it->second;
  if (begin.size() != axes.size() || end.size() != axes.size() || (!stride.empty() && stride.size() != axes.size()))
    throw Decline{"axes, begin, end, stride differ in length"};
  const size_t r = x.size();
  const auto xs = contiguous_strides(x);
  Shape out = x;
  std::vector<int64_t> st = xs, b0(r, 0);
  for (size_t i = 0; i < axes.size(); ++i) {  // an axis named twice: the last entry wins, as in the CPU op
    if (axes[i] < 0 || axes[i] >= static_cast<int64_t>(r)) throw Decline{"axis out of range"};
    const auto k = static_cast<size_t>(axes[i]);
    const int64_t ext = x[k];
    const int64_t s = stride.empty() ? 1 : stride[i];
    if (s <= 0) throw Decline{"non-positive stride"};
    int64_t b = begin[i] < 0 ? begin[i] + ext : begin[i];
    int64_t e = end[i] <= 0 ? end[i] + ext : end[i];
    b = std::clamp<int64_t>(b, 0, ext);
    e = std::clamp<int64_t>(e, 0, ext);
    if (e < b) throw Decline{"empty reversed range"};
    b0[k] = b;
    out[k] = (e - b + s - 1) / s;
    st[k] = xs[k] * s;
  }
  int64_t src_offset = 0;
  for (size_t k = 0; k < r; ++k) src_offset += b0[k] * xs[k];
  return single_gather(out, st, src_offset);
}

LayoutPlan plan_concat(const std::vector<Shape>& in, const LayoutAttributes& a) {
  if (in.empty()) throw Decline{"concat of no tensor"};
  const Shape& s0 = in[0];
  const int64_t axis = integer(a, "axis");
  if (axis < 0 || axis >= static_cast<int64_t>(s0.size())) throw Decline{"axis out of range"};
  const auto ax = static_cast<size_t>(axis);
  Shape out = s0;
  out[ax] = 0;
  for (const auto& s : in) {
    if (s.size() != s0.size()) throw Decline{"ranks differ"};
    for (size_t k = 0; k < s0.size(); ++k)
      if (k != ax && s[k] != s0[k]) throw Decline{"shapes differ off the axis"};
    out[ax] += s[ax];
  }
  LayoutPlan p;
  p.out_shape = out;
  const auto os = contiguous_strides(out);
  int64_t at = 0;
  for (size_t j = 0; j < in.size(); ++j) {
    p.copies.push_back(make_copy(static_cast<int>(j), in[j], contiguous_strides(in[j]), {}, os, 0, at * os[ax]));
    at += in[j][ax];
  }
  return p;
}

LayoutPlan plan_tile(const Shape& x, const LayoutAttributes& a) {
  const auto& reps = list(a, "repeats");
  if (reps.size() != x.size()) throw Decline{"repeats must have one entry per axis"};
  Shape out = x;
  for (size_t k = 0; k < reps.size(); ++k) {
    if (reps[k] < 1) throw Decline{"repeats must be >= 1"};
    out[k] *= reps[k];
  }
  return single_gather(out, contiguous_strides(x), 0, x);
}

LayoutPlan plan_reshape(const Shape& x, const LayoutAttributes& a) {
  const auto& shape = list(a, "shape");
  const int64_t rank = static_cast<int64_t>(x.size());
  const int64_t s = a.count("axis_start") ? integer(a, "axis_start") : 0;
  int64_t n = a.count("axis_count") ? integer(a, "axis_count") : -1;
  if (n == -1) n = rank - s;
  if (s < 0 || n < 0 || s + n > rank) throw Decline{"axis_start / axis_count out of range"};
  Shape mid;
  int64_t known = 1, infer_at = -1;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t e = shape[i];
    if (e == 0) {
      if (s + static_cast<int64_t>(i) >= rank) throw Decline{"0 extent without an input axis"};
      e = x[static_cast<size_t>(s) + i];
    } else if (e == -1) {
      if (infer_at >= 0) throw Decline{"more than one -1"};
      infer_at = static_cast<int64_t>(i);
    } else if (e < -1) {
      throw Decline{"negative extent"};
    }
    mid.push_back(e);
    if (e != -1) known *= e;
  }
  int64_t replaced = 1;
  for (int64_t k = s; k < s + n; ++k) replaced *= x[static_cast<size_t>(k)];
  if (infer_at >= 0) {
    if (known == 0 || replaced % known != 0) throw Decline{"cannot infer -1"};
    mid[static_cast<size_t>(infer_at)] = replaced / known;
  } else if (known != replaced) {
    throw Decline{"volume differs"};
  }
  Shape out(x.begin(), x.begin() + s);
  out.insert(out.end(), mid.begin(), mid.end());
  out.insert(out.end(), x.begin() + s + n, x.end());
  return alias(out);
}

LayoutPlan plan_squeeze(const Shape& x, const LayoutAttributes& a) {
  std::vector<bool> drop(x.size(), false);
  for (int64_t v : list(a, "axes")) {
    if (v < 0 || v >= static_cast<int64_t>(x.size()) || x[static_cast<size_t>(v)] != 1)
      throw Decline{"axis out of range or extent not 1"};
    drop[static_cast<size_t>(v)] = true;
  }
  Shape out;
  for (size_t k = 0; k < x.size(); ++k)
    if (!drop[k]) out.push_back(x[k]);
  return alias(out);
}

LayoutPlan plan_unsqueeze(const Shape& x, const LayoutAttributes& a) {
  const auto& axes = list(a, "axes");
  const int64_t r = static_cast<int64_t>(x.size() + axes.size());
  std::vector<bool> unit(static_cast<size_t>(r), false);
  for (int64_t v : axes) {
    if (v < 0 || v >= r || unit[static_cast<size_t>(v)]) throw Decline{"invalid axes"};
    unit[static_cast<size_t>(v)] = true;
  }
  Shape out;
  size_t src = 0;
  for (size_t k = 0; k < unit.size(); ++k) out.push_back(unit[k] ? 1 : x[src++]);
  return alias(out);
}

// rnn_bidi_pack(h_n [T, B, H], h_n_backward [T, B, H], shape = 2H) -> [T, B, 2H]:
// forward rows in columns [0, H), backward rows in [H, 2H).
LayoutPlan plan_bidi_pack(const std::vector<Shape>& in, const LayoutAttributes& a) {
  need_inputs(in, 2, "rnn_bidi_pack");
  const Shape& f = in[0];
  if (f.size() != 3 || in[1] != f) throw Decline{"h_n and h_n_backward are not two equal [T, B, H]"};
  const int64_t h = f[2];
  if (integer(a, "shape") != 2 * h) throw Decline{"shape is not 2·H"};
  LayoutPlan p;
  p.out_shape = {f[0], f[1], 2 * h};
  const auto os = contiguous_strides(p.out_shape);
  const auto is = contiguous_strides(f);
  p.copies.push_back(make_copy(0, f, is, {}, os, 0, 0));
  p.copies.push_back(make_copy(1, f, is, {}, os, 0, h));
  return p;
}

}  // namespace

const std::vector<std::string>& layout_op_names() {
  static const std::vector<std::string> names{"transpose", "slice",   "concat",    "tile",
                                              "reshape",   "squeeze", "unsqueeze", "rnn_bidi_pack"};
  return names;
}

std::optional<LayoutPlan> plan_layout_op(const std::string& op, const std::vector<Shape>& in,
                                         const LayoutAttributes& a, std::string& why_not) {
  try {
    if (op == "concat") return plan_concat(in, a);
    if (op == "rnn_bidi_pack") return plan_bidi_pack(in, a);
    if (std::find(layout_op_names().begin(), layout_op_names().end(), op) == layout_op_names().end())
      throw Decline{"'" + op + "' is not a layout op of the device path"};
    need_inputs(in, 1, op);
    std::optional<LayoutPlan> p;
    if (op == "transpose") p = plan_transpose(in[0], a);
    else if (op == "slice") p = plan_slice(in[0], a);
    else if (op == "tile") p = plan_tile(in[0], a);
    else if (op == "reshape") p = plan_reshape(in[0], a);
    else if (op == "squeeze") p = plan_squeeze(in[0], a);
    else p = plan_unsqueeze(in[0], a);
    return p;
  } catch (const Decline& d) {
    why_not = op + ": " + d.why;
  } catch (const Error& e) {  // shape_volume overflow or a negative extent
    why_not = op + ": " + e.message();
  }
  return std::nullopt;
}

void run_layout_plan_host(const LayoutPlan& plan, const std::vector<const float*>& inputs, float* out) {
  if (plan.alias) {
    if (inputs.empty()) throw Error("run_layout_plan_host: alias plan without an input");
    const int64_t n = shape_volume(plan.out_shape);
    if (n > 0) std::memcpy(out, inputs[0], static_cast<size_t>(n) * sizeof(float));
    return;
  }
  for (const auto& c : plan.copies) {
    if (c.input < 0 || static_cast<size_t>(c.input) >= inputs.size())
      throw Error(fmt::format("run_layout_plan_host: copy reads input {} of {}", c.input, inputs.size()));
    const float* src = inputs[static_cast<size_t>(c.input)];
    for (int64_t i = 0; i < c.count; ++i) {
      int64_t s = 0, d = 0;
      gather_offsets(c, i, s, d);
      out[d] = src[s];
    }
  }
}

}  // namespace rnnconf::cuda

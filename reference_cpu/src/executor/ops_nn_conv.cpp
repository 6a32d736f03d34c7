// conv (NNEF §4.3.1 as tract reads it, deser.rs conv_like): input
// [N, C_in, spatial...] (NCHW, any spatial rank >= 1), filter
// [C_out, C_in / groups, k...], bias of C_out values or one value.
//   padding   [] = tract's SameUpper (= the spec's auto padding: output
//             ceil(in / stride), the odd padding unit at the end), else one
//             (before, after) pair per spatial axis
//   stride, dilation   [] = all 1, else one per spatial axis
//   groups    1 by default; 0 = C_out groups (tract: kernel_shape[0]; the
//             spec says C_in: equal for the depthwise convolutions
//             torch_to_nnef writes)
//   border    'constant' only (tract asserts it; other borders are an error)
//   bias      tract drops its unit axes, so [C_out], [1, C_out] (the spec's)
//             and [1, C_out, 1] all mean one value per output channel
// Each output element is the pairwise sum over (input channel of its group,
// kernel position) in row-major order, padding positions skipped, plus bias.
#include <cmath>

#include "executor/ops_nn_support.hpp"

namespace rnnconf::cpu {
namespace {

struct ConvGeometry {
  size_t spatial = 0;
  int64_t groups = 1, cin_g = 0, cout_g = 0;
  std::vector<int64_t> in, k, out, stride, dilation, pad_before;
};

std::vector<int64_t> per_axis(const OpCall& c, size_t arg, size_t spatial) {
  std::vector<int64_t> v;
  try {
    v = as_int_list(c.arg(arg), c.what(arg));
  } catch (const Error& e) {
    c.fail(e.message());
  }
  if (v.empty()) return std::vector<int64_t>(spatial, 1);
  if (v.size() != spatial)
    c.fail(fmt::format("{} [{}] must have one value per spatial axis ({})", c.names.at(arg), fmt::join(v, ", "), spatial));
  for (int64_t x : v)
    if (x < 1) c.fail(fmt::format("{} [{}] must be >= 1", c.names.at(arg), fmt::join(v, ", ")));
  return v;
}

ConvGeometry geometry(const OpCall& c, const Tensor& x, const Tensor& w) {
  ConvGeometry g;
  const std::string shapes = fmt::format("input {} filter {}", shape_str(x.shape()), shape_str(w.shape()));
  if (x.rank() < 3 || w.rank() != x.rank())
    c.fail("input and filter must have the same rank >= 3 ([N, C, spatial...], [C_out, C_in/groups, k...]): " + shapes);
  g.spatial = static_cast<size_t>(x.rank() - 2);
  const std::string border = as_string(c.arg(3), c.what(3));
  if (border != "constant") c.fail("border '" + border + "' is not supported (tract reads only 'constant')");
  g.stride = per_axis(c, 5, g.spatial);
  g.dilation = per_axis(c, 6, g.spatial);
  g.groups = as_int(c.arg(7), c.what(7));
  const int64_t cin = x.shape()[1], cout = w.shape()[0];
  if (g.groups == 0) g.groups = cout;
  if (g.groups < 0 || cout % g.groups != 0 || w.shape()[1] * g.groups != cin)
    c.fail(fmt::format("{} with groups = {}: need C_in = filter[1] · groups and C_out divisible by groups", shapes,
                       g.groups));
  g.cin_g = w.shape()[1];
  g.cout_g = cout / g.groups;
  const auto& pads = as_items(c.arg(4), c.what(4));
  if (!pads.empty() && pads.size() != g.spatial)
    c.fail(fmt::format("padding has {} pairs for {} spatial axes: {}", pads.size(), g.spatial, shapes));
  for (size_t d = 0; d < g.spatial; ++d) {
    const int64_t in = x.shape()[d + 2], k = w.shape()[d + 2], s = g.stride[d], dil = g.dilation[d];
    const int64_t span = (k - 1) * dil + 1;
    int64_t before = 0, after = 0;
    if (pads.empty()) {  // SameUpper
      const int64_t out = (in + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
      before = total / 2;
      after = total - before;
    } else {
      const auto pair = as_int_list(pads[d], c.what(4) + " item");
      if (pair.size() != 2 || pair[0] < 0 || pair[1] < 0)
        c.fail(fmt::format("padding item {} must be a pair of non-negative integers", d));
      before = pair[0];
      after = pair[1];
    }
    const int64_t padded = in + before + after;
    if (padded < span)
      c.fail(fmt::format("{}: spatial axis {} is {} after padding, shorter than the dilated kernel ({})", shapes, d,
                         padded, span));
    g.in.push_back(in);
    g.k.push_back(k);
    g.pad_before.push_back(before);
    g.out.push_back((padded - span) / s + 1);
  }
  return g;
}

template <class T>
Tensor conv_typed(const Tensor& x, const Tensor& w, const Tensor& bias, const ConvGeometry& g) {
  const int64_t n = x.shape()[0], cout = w.shape()[0];
  Shape out_shape{n, cout};
  out_shape.insert(out_shape.end(), g.out.begin(), g.out.end());
  Tensor y = poisoned(x.dtype(), out_shape);
  const auto px = x.span<T>();
  const auto pw = w.span<T>();
  const auto pb = bias.span<T>();
  auto py = y.span<T>();
  const auto sx = strides_of(x.shape()), sw = strides_of(w.shape());
  const Shape kshape(g.k.begin(), g.k.end()), oshape(g.out.begin(), g.out.end());
  // Kernel positions in row-major order, with their filter offsets.
  std::vector<std::vector<int64_t>> kpos;
  for_each_index(kshape, [&](const std::vector<int64_t>& idx) { kpos.push_back(idx); });
  const auto nk = static_cast<int64_t>(kpos.size());
  size_t flat = 0;
  std::vector<int64_t> in_idx(g.spatial);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oc = 0; oc < cout; ++oc) {
      const int64_t grp = oc / g.cout_g;
      const T bv = pb[pb.size() == 1 ? 0 : static_cast<size_t>(oc)];
      for_each_index(oshape, [&](const std::vector<int64_t>& o) {
        const auto term = [&](int64_t q) -> T {
          const int64_t icg = q / nk;
          const auto& kp = kpos[static_cast<size_t>(q % nk)];
          int64_t xo = b * sx[0] + (grp * g.cin_g + icg) * sx[1];
          int64_t wo = oc * sw[0] + icg * sw[1];
          for (size_t d = 0; d < g.spatial; ++d) {
            const int64_t i = o[d] * g.stride[d] + kp[d] * g.dilation[d] - g.pad_before[d];
            if (i < 0 || i >= g.in[d]) return T(0);
            xo += i * sx[d + 2];
            wo += kp[d] * sw[d + 2];
          }
          return px[static_cast<size_t>(xo)] * pw[static_cast<size_t>(wo)];
        };
        py[flat++] = pairwise_sum<T>(term, 0, g.cin_g * nk) + bv;
      });
    }
  return y;
}

}  // namespace

Value op_conv(const OpCall& c) {
  const auto x = c.tensor(0), w = c.tensor(1), bias = c.tensor(2);
  require_float(c, *x, "input");
  if (w->dtype() != x->dtype() || bias->dtype() != x->dtype())
    c.fail(fmt::format("input {}{}, filter {}{} and bias {}{} must have one float dtype", dtype_name(x->dtype()),
                       shape_str(x->shape()), dtype_name(w->dtype()), shape_str(w->shape()), dtype_name(bias->dtype()),
                       shape_str(bias->shape())));
  const ConvGeometry g = geometry(c, *x, *w);
  const int64_t cout = w->shape()[0];
  int64_t non_unit = 0;
  for (int64_t e : bias->shape()) non_unit += e != 1;
  if (!(bias->numel() == 1 || (bias->numel() == cout && non_unit <= 1)))
    c.fail(fmt::format("bias {} must hold one value or C_out = {} values (filter {})", shape_str(bias->shape()), cout,
                       shape_str(w->shape())));
  return Value::of_tensor(x->dtype() == DType::f32 ? conv_typed<float>(*x, *w, *bias, g)
                                                   : conv_typed<double>(*x, *w, *bias, g));
}

}  // namespace rnnconf::cpu

// Packers for rnnconf::cpu::RnnWeights: PyTorch stacked weights (spans or
// Tensors) and torch_to_nnef per-gate fragment arguments -> the gate-stacked
// layout the fused kernels use. Runs once per (layer, direction) at load time.
#include "rnnconf/reference_cpu/rnn_weights.hpp"

#include <algorithm>
#include <string>
#include <type_traits>

#include "rnnconf/core/error.hpp"

namespace rnnconf::cpu {

std::string_view variant_name(RnnVariant v) {
  switch (v) {
    case RnnVariant::lstm: return "lstm";
    case RnnVariant::gru: return "gru";
    case RnnVariant::rnn_tanh: return "rnn_tanh";
    case RnnVariant::rnn_relu: return "rnn_relu";
  }
  throw Error("variant_name: invalid RnnVariant value " + std::to_string(static_cast<int>(v)));
}

int64_t gate_count(RnnVariant v) {
  switch (v) {
    case RnnVariant::lstm: return 4;
    case RnnVariant::gru: return 3;
    case RnnVariant::rnn_tanh:
    case RnnVariant::rnn_relu: return 1;
  }
  throw Error("gate_count: invalid RnnVariant value " + std::to_string(static_cast<int>(v)));
}

namespace {

std::string where(std::string_view packer, RnnVariant v) {
  return std::string(packer) + "(" + std::string(variant_name(v)) + "): ";
}

void expect_size(std::string_view what, size_t got, int64_t want, const std::string& ctx) {
  if (static_cast<int64_t>(got) != want)
    throw Error(ctx + std::string(what) + " has " + std::to_string(got) + " elements, expected " +
                std::to_string(want));
}

// Elements of a f32/f64 tensor converted to T.
template <class T>
std::vector<T> values_as(const Tensor& t, std::string_view what, const std::string& ctx) {
  const auto n = static_cast<size_t>(t.numel());
  std::vector<T> out(n);
  if (t.dtype() == DType::f32) {
    const auto* p = reinterpret_cast<const float*>(t.bytes());
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(p[i]);
  } else if (t.dtype() == DType::f64) {
    const auto* p = reinterpret_cast<const double*>(t.bytes());
    for (size_t i = 0; i < n; ++i) out[i] = static_cast<T>(p[i]);
  } else {
    throw Error(ctx + std::string(what) + " has dtype " + std::string(dtype_name(t.dtype())) +
                ", expected f32 or f64");
  }
  return out;
}

// A tensor that must be a [rows, cols] matrix, possibly with leading axes of extent 1.
struct MatrixShape {
  int64_t rows = 0, cols = 0;
};
MatrixShape matrix_shape(const Tensor& t, std::string_view what, const std::string& ctx) {
  const Shape& s = t.shape();
  bool ok = s.size() >= 2;
  for (size_t k = 0; ok && k + 2 < s.size(); ++k) ok = s[k] == 1;
  if (!ok)
    throw Error(ctx + std::string(what) + " has shape " + shape_str(s) +
                ", expected a matrix [rows, cols] (leading axes of extent 1 allowed)");
  return {s[s.size() - 2], s[s.size() - 1]};
}

const Tensor& required(const Tensor* t, std::string_view what, const std::string& ctx) {
  if (t == nullptr) throw Error(ctx + std::string(what) + " is missing");
  return *t;
}

void check_sizes(int64_t input_size, int64_t hidden_size, int64_t proj_size, RnnVariant v,
                 const std::string& ctx) {
  if (input_size < 1 || hidden_size < 1 || proj_size < 0)
    throw Error(ctx + "sizes I=" + std::to_string(input_size) + " H=" + std::to_string(hidden_size) +
                " P=" + std::to_string(proj_size) + " must be I >= 1, H >= 1, P >= 0");
  if (proj_size > 0 && v != RnnVariant::lstm) throw Error(ctx + "a projection (P > 0) exists for LSTM only");
  if (proj_size >= hidden_size && proj_size > 0)
    throw Error(ctx + "P=" + std::to_string(proj_size) + " must be smaller than H=" + std::to_string(hidden_size));
}

// float: w_ihᵀ and w_hhᵀ in panels of kHiddenPanelWidth columns, the layouts
// the AVX-512 kernels stream. GRU / RNN: panel p = gate columns 64p .. 64p+63
// (panel_matmul.hpp). LSTM: panel p = the gates i, f, g, o of units
// 16p .. 16p+15, column 16·gate + u (lstm_fused_step.hpp), for w_hh and for
// w_ih (whose blocked projection output the fused step reads). Zero-padded.
template <class T>
std::vector<T> weight_panels(const std::vector<T>& m, int64_t gates, int64_t H, int64_t K, bool by_unit) {
  const int64_t N = gates * H, width = kHiddenPanelWidth, units = kHiddenPanelWidth / 4;
  const int64_t panels = (N + width - 1) / width;
  std::vector<T> out(static_cast<size_t>(panels * K * width), T(0));
  for (int64_t n = 0; n < N; ++n) {
    // n = gate·H + unit: its panel and its column within the panel.
    const int64_t gate = n / H, unit = n % H;
    const int64_t panel = by_unit ? unit / units : n / width;
    const int64_t column = by_unit ? gate * units + unit % units : n % width;
    for (int64_t k = 0; k < K; ++k)
      out[static_cast<size_t>((panel * K + k) * width + column)] = m[static_cast<size_t>(n * K + k)];
  }
  return out;
}

template <class T>
void add_weight_panels(RnnWeights<T>& w) {
  if constexpr (std::is_same_v<T, float>) {
    const bool lstm = w.variant == RnnVariant::lstm;
    w.w_ih_panels = weight_panels(w.w_ih, w.gates(), w.hidden_size, w.input_size, lstm);
    w.w_hh_panels = weight_panels(w.w_hh, w.gates(), w.hidden_size, w.output_size(), lstm);
  }
}

}  // namespace

template <class T>
RnnWeights<T> pack_stacked_weights(RnnVariant variant, int64_t input_size, int64_t hidden_size,
                                   int64_t proj_size, const StackedWeightsView<T>& in) {
  const std::string ctx = where("pack_stacked_weights", variant);
  check_sizes(input_size, hidden_size, proj_size, variant, ctx);
  RnnWeights<T> w;
  w.variant = variant;
  w.input_size = input_size;
  w.hidden_size = hidden_size;
  w.proj_size = proj_size;
  const int64_t gh = w.gates() * hidden_size;
  expect_size("w_ih", in.w_ih.size(), gh * input_size, ctx);
  expect_size("w_hh", in.w_hh.size(), gh * w.output_size(), ctx);
  const bool has_bias = !in.b_ih.empty() || !in.b_hh.empty();
  if (has_bias) {
    expect_size("b_ih", in.b_ih.size(), gh, ctx);
    expect_size("b_hh", in.b_hh.size(), gh, ctx);
  }
  expect_size("w_hr", in.w_hr.size(), proj_size * hidden_size, ctx);

  w.w_ih.assign(in.w_ih.begin(), in.w_ih.end());
  w.w_hh.assign(in.w_hh.begin(), in.w_hh.end());
  w.w_hr.assign(in.w_hr.begin(), in.w_hr.end());
  w.b_x.assign(static_cast<size_t>(gh), T(0));
  if (variant == RnnVariant::gru) w.b_hn.assign(static_cast<size_t>(hidden_size), T(0));
  if (has_bias) {
    // GRU: the n gate's hidden bias stays apart (it is multiplied by r).
    const int64_t folded = variant == RnnVariant::gru ? 2 * hidden_size : gh;
    for (int64_t k = 0; k < gh; ++k) {
      const auto i = static_cast<size_t>(k);
      w.b_x[i] = k < folded ? in.b_ih[i] + in.b_hh[i] : in.b_ih[i];
    }
    if (variant == RnnVariant::gru)
      for (int64_t j = 0; j < hidden_size; ++j)
        w.b_hn[static_cast<size_t>(j)] = in.b_hh[static_cast<size_t>(2 * hidden_size + j)];
  }
  add_weight_panels(w);
  return w;
}

template <class T>
RnnWeights<T> pack_stacked_weights(RnnVariant variant, const Tensor& w_ih, const Tensor& w_hh,
                                   const Tensor* b_ih, const Tensor* b_hh, const Tensor* w_hr) {
  const std::string ctx = where("pack_stacked_weights", variant);
  const int64_t g = gate_count(variant);
  const MatrixShape ih = matrix_shape(w_ih, "w_ih", ctx);
  if (ih.rows % g != 0)
    throw Error(ctx + "w_ih has " + std::to_string(ih.rows) + " rows, not a multiple of " + std::to_string(g) +
                " gates");
  const int64_t hidden = ih.rows / g;
  int64_t proj = 0;
  std::vector<T> hr;
  if (w_hr != nullptr) {
    const MatrixShape s = matrix_shape(*w_hr, "w_hr", ctx);
    if (s.cols != hidden)
      throw Error(ctx + "w_hr has shape " + shape_str(w_hr->shape()) + ", expected [P, " + std::to_string(hidden) + "]");
    proj = s.rows;
    hr = values_as<T>(*w_hr, "w_hr", ctx);
  }
  const MatrixShape hh = matrix_shape(w_hh, "w_hh", ctx);
  const int64_t out = proj > 0 ? proj : hidden;
  if (hh.rows != ih.rows || hh.cols != out)
    throw Error(ctx + "w_hh has shape " + shape_str(w_hh.shape()) + ", expected [" + std::to_string(ih.rows) + ", " +
                std::to_string(out) + "]");
  const std::vector<T> wi = values_as<T>(w_ih, "w_ih", ctx);
  const std::vector<T> wh = values_as<T>(w_hh, "w_hh", ctx);
  std::vector<T> bi, bh;
  if (b_ih != nullptr) bi = values_as<T>(*b_ih, "b_ih", ctx);
  if (b_hh != nullptr) bh = values_as<T>(*b_hh, "b_hh", ctx);
  // One of the two biases alone (lstm_cell's summed `b`, rnn cells' `b`): the other is zero.
  if (bi.empty() != bh.empty()) (bi.empty() ? bi : bh).assign((bi.empty() ? bh : bi).size(), T(0));
  return pack_stacked_weights<T>(variant, ih.cols, hidden, proj, StackedWeightsView<T>{wi, wh, bi, bh, hr});
}

template <class T>
RnnWeights<T> pack_fragment_weights(RnnVariant variant, const FragmentWeightArgs& args) {
  const std::string ctx = where("pack_fragment_weights", variant);
  const int64_t g = gate_count(variant);
  const size_t n_bias = variant == RnnVariant::gru ? 4 : static_cast<size_t>(g);
  if (static_cast<int64_t>(args.w_input.size()) != g || static_cast<int64_t>(args.w_hidden.size()) != g ||
      args.bias.size() != n_bias)
    throw Error(ctx + "expected " + std::to_string(g) + " input weights, " + std::to_string(g) +
                " hidden weights and " + std::to_string(n_bias) + " biases, got " +
                std::to_string(args.w_input.size()) + ", " + std::to_string(args.w_hidden.size()) + ", " +
                std::to_string(args.bias.size()));
  const MatrixShape first = matrix_shape(required(args.w_input[0], "W_i[0]", ctx), "W_i[0]", ctx);
  const int64_t hidden = first.rows, input = first.cols;
  int64_t proj = 0;
  std::vector<T> hr;
  if (args.w_proj != nullptr) {
    const MatrixShape s = matrix_shape(*args.w_proj, "W_hr", ctx);
    if (s.cols != hidden)
      throw Error(ctx + "W_hr has shape " + shape_str(args.w_proj->shape()) + ", expected [1, P, " +
                  std::to_string(hidden) + "]");
    proj = s.rows;
    hr = values_as<T>(*args.w_proj, "W_hr", ctx);
  }
  const int64_t out = proj > 0 ? proj : hidden;
  check_sizes(input, hidden, proj, variant, ctx);

  RnnWeights<T> w;
  w.variant = variant;
  w.input_size = input;
  w.hidden_size = hidden;
  w.proj_size = proj;
  w.w_hr = std::move(hr);
  w.w_ih.reserve(static_cast<size_t>(g * hidden * input));
  w.w_hh.reserve(static_cast<size_t>(g * hidden * out));
  for (int64_t k = 0; k < g; ++k) {
    const std::string wi_name = "W_i[" + std::to_string(k) + "]", wh_name = "W_h[" + std::to_string(k) + "]";
    const Tensor& wi = required(args.w_input[static_cast<size_t>(k)], wi_name, ctx);
    const Tensor& wh = required(args.w_hidden[static_cast<size_t>(k)], wh_name, ctx);
    const MatrixShape si = matrix_shape(wi, wi_name, ctx), sh = matrix_shape(wh, wh_name, ctx);
    if (si.rows != hidden || si.cols != input)
      throw Error(ctx + wi_name + " has shape " + shape_str(wi.shape()) + ", expected [1, " +
                  std::to_string(hidden) + ", " + std::to_string(input) + "]");
    if (sh.rows != hidden || sh.cols != out)
      throw Error(ctx + wh_name + " has shape " + shape_str(wh.shape()) + ", expected [1, " +
                  std::to_string(hidden) + ", " + std::to_string(out) + "]");
    const std::vector<T> vi = values_as<T>(wi, wi_name, ctx), vh = values_as<T>(wh, wh_name, ctx);
    w.w_ih.insert(w.w_ih.end(), vi.begin(), vi.end());
    w.w_hh.insert(w.w_hh.end(), vh.begin(), vh.end());
  }
  // Biases: H values, or one value broadcast over H.
  std::vector<std::vector<T>> biases;
  for (size_t k = 0; k < n_bias; ++k) {
    const std::string name = "bias[" + std::to_string(k) + "]";
    const Tensor& b = required(args.bias[k], name, ctx);
    std::vector<T> v = values_as<T>(b, name, ctx);
    if (v.size() == 1) v.assign(static_cast<size_t>(hidden), v[0]);
    if (static_cast<int64_t>(v.size()) != hidden || (b.rank() > 0 && b.shape().back() != hidden && b.numel() != 1))
      throw Error(ctx + name + " has shape " + shape_str(b.shape()) + ", expected [1, 1, " + std::to_string(hidden) +
                  "] or one element");
    biases.push_back(std::move(v));
  }
  for (int64_t k = 0; k < g; ++k) w.b_x.insert(w.b_x.end(), biases[static_cast<size_t>(k)].begin(), biases[static_cast<size_t>(k)].end());
  if (variant == RnnVariant::gru) w.b_hn = std::move(biases[3]);
  add_weight_panels(w);
  return w;
}

template <class T>
bool packed_sizes_consistent(const RnnWeights<T>& w) {
  const int64_t gh = w.gates() * w.hidden_size;
  const int64_t panel_cols = (gh + kHiddenPanelWidth - 1) / kHiddenPanelWidth * kHiddenPanelWidth;
  return w.input_size >= 1 && w.hidden_size >= 1 && w.proj_size >= 0 &&
         (w.proj_size == 0 || w.variant == RnnVariant::lstm) &&
         static_cast<int64_t>(w.w_ih.size()) == gh * w.input_size &&
         static_cast<int64_t>(w.w_hh.size()) == gh * w.output_size() && static_cast<int64_t>(w.b_x.size()) == gh &&
         static_cast<int64_t>(w.b_hn.size()) == (w.variant == RnnVariant::gru ? w.hidden_size : 0) &&
         static_cast<int64_t>(w.w_hr.size()) == w.proj_size * w.hidden_size &&
         (w.w_hh_panels.empty() || static_cast<int64_t>(w.w_hh_panels.size()) == panel_cols * w.output_size()) &&
         (w.w_ih_panels.empty() || static_cast<int64_t>(w.w_ih_panels.size()) == panel_cols * w.input_size);
}

#define RNNCONF_INSTANTIATE_PACKERS(T)                                                                      \
  template RnnWeights<T> pack_stacked_weights<T>(RnnVariant, int64_t, int64_t, int64_t,                     \
                                                 const StackedWeightsView<T>&);                             \
  template RnnWeights<T> pack_stacked_weights<T>(RnnVariant, const Tensor&, const Tensor&, const Tensor*,   \
                                                 const Tensor*, const Tensor*);                             \
  template RnnWeights<T> pack_fragment_weights<T>(RnnVariant, const FragmentWeightArgs&);                 \
  template bool packed_sizes_consistent<T>(const RnnWeights<T>&);
RNNCONF_INSTANTIATE_PACKERS(float)
RNNCONF_INSTANTIATE_PACKERS(double)
#undef RNNCONF_INSTANTIATE_PACKERS

}  // namespace rnnconf::cpu

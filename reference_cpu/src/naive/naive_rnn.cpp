// Naive reference of the recurrent layers (see naive_rnn.hpp): one step at a
// time, one hidden unit at a time, every sum written out, long double throughout.
#include "rnnconf/reference_cpu/naive_rnn.hpp"

#include <cmath>

#include "rnnconf/core/error.hpp"

namespace rnnconf::cpu {

namespace {

using Real = long double;

Real sigmoid(Real v) { return 1.0L / (1.0L + std::exp(-v)); }

// Σ_k w[row, k] · v[k] for a row-major matrix with `cols` columns.
template <class T>
Real dot_row(const std::vector<T>& w, int64_t row, int64_t cols, const std::vector<Real>& v) {
  Real sum = 0;
  for (int64_t k = 0; k < cols; ++k) sum += static_cast<Real>(w[static_cast<size_t>(row * cols + k)]) * v[static_cast<size_t>(k)];
  return sum;
}

template <class T>
Real bias_at(const std::vector<T>& b, int64_t k) {
  return b.empty() ? 0 : static_cast<Real>(b[static_cast<size_t>(k)]);
}

}  // namespace

template <class T>
NaiveSequenceResult<T> naive_sequence(const NaiveRnnParams<T>& p, const std::vector<T>& x, int64_t steps,
                                      int64_t batch, const std::vector<T>& h0, const std::vector<T>& c0,
                                      bool reverse) {
  const int64_t H = p.hidden_size, I = p.input_size, H_out = p.output_size(), P = p.proj_size;
  if (static_cast<int64_t>(x.size()) != steps * batch * I) throw Error("naive_sequence: x has the wrong size");
  NaiveSequenceResult<T> out;
  out.y.assign(static_cast<size_t>(steps * batch * H_out), T(0));
  out.h_last.assign(static_cast<size_t>(batch * H_out), T(0));
  const bool lstm = p.variant == RnnVariant::lstm;
  if (lstm) out.c_last.assign(static_cast<size_t>(batch * H), T(0));

  for (int64_t b = 0; b < batch; ++b) {
    std::vector<Real> h(static_cast<size_t>(H_out), 0), c(static_cast<size_t>(H), 0);
    for (int64_t j = 0; j < H_out && !h0.empty(); ++j) h[static_cast<size_t>(j)] = h0[static_cast<size_t>(b * H_out + j)];
    for (int64_t j = 0; j < H && !c0.empty(); ++j) c[static_cast<size_t>(j)] = c0[static_cast<size_t>(b * H + j)];

    for (int64_t s = 0; s < steps; ++s) {
      const int64_t t = reverse ? steps - 1 - s : s;
      std::vector<Real> xt(static_cast<size_t>(I));
      for (int64_t k = 0; k < I; ++k) xt[static_cast<size_t>(k)] = x[static_cast<size_t>((t * batch + b) * I + k)];
      // Pre-activation of gate g, unit j, input part and hidden part kept apart (GRU needs both).
      auto in_part = [&](int64_t g, int64_t j) {
        return dot_row(p.w_ih, g * H + j, I, xt) + bias_at(p.b_ih, g * H + j);
      };
      auto hid_part = [&](int64_t g, int64_t j) {
        return dot_row(p.w_hh, g * H + j, H_out, h) + bias_at(p.b_hh, g * H + j);
      };
      std::vector<Real> h_new(static_cast<size_t>(H));
      for (int64_t j = 0; j < H; ++j) {
        const auto u = static_cast<size_t>(j);
        switch (p.variant) {
          case RnnVariant::lstm: {
            const Real i = sigmoid(in_part(0, j) + hid_part(0, j));
            const Real f = sigmoid(in_part(1, j) + hid_part(1, j));
            const Real g = std::tanh(in_part(2, j) + hid_part(2, j));
            const Real o = sigmoid(in_part(3, j) + hid_part(3, j));
            c[u] = f * c[u] + i * g;
            h_new[u] = o * std::tanh(c[u]);
            break;
          }
          case RnnVariant::gru: {
            const Real r = sigmoid(in_part(0, j) + hid_part(0, j));
            const Real z = sigmoid(in_part(1, j) + hid_part(1, j));
            const Real n = std::tanh(in_part(2, j) + r * hid_part(2, j));
            h_new[u] = (1 - z) * n + z * h[u];
            break;
          }
          case RnnVariant::rnn_tanh: h_new[u] = std::tanh(in_part(0, j) + hid_part(0, j)); break;
          case RnnVariant::rnn_relu: {
            const Real v = in_part(0, j) + hid_part(0, j);
            h_new[u] = v > 0 ? v : 0;
            break;
          }
        }
      }
      // Projection (LSTM with proj_size): h = h_new · w_hrᵀ.
      if (P > 0) {
        for (int64_t q = 0; q < P; ++q) h[static_cast<size_t>(q)] = dot_row(p.w_hr, q, H, h_new);
      } else {
        h = h_new;
      }
      for (int64_t j = 0; j < H_out; ++j)
        out.y[static_cast<size_t>((t * batch + b) * H_out + j)] = static_cast<T>(h[static_cast<size_t>(j)]);
      if (lstm) {
        if (static_cast<int64_t>(out.c_per_step.size()) <= s)
          out.c_per_step.emplace_back(static_cast<size_t>(batch * H), T(0));
        for (int64_t j = 0; j < H; ++j)
          out.c_per_step[static_cast<size_t>(s)][static_cast<size_t>(b * H + j)] = static_cast<T>(c[static_cast<size_t>(j)]);
      }
    }
    for (int64_t j = 0; j < H_out; ++j) out.h_last[static_cast<size_t>(b * H_out + j)] = static_cast<T>(h[static_cast<size_t>(j)]);
    for (int64_t j = 0; j < H && lstm; ++j) out.c_last[static_cast<size_t>(b * H + j)] = static_cast<T>(c[static_cast<size_t>(j)]);
  }
  return out;
}

template NaiveSequenceResult<float> naive_sequence<float>(const NaiveRnnParams<float>&, const std::vector<float>&,
                                                          int64_t, int64_t, const std::vector<float>&,
                                                          const std::vector<float>&, bool);
template NaiveSequenceResult<double> naive_sequence<double>(const NaiveRnnParams<double>&, const std::vector<double>&,
                                                            int64_t, int64_t, const std::vector<double>&,
                                                            const std::vector<double>&, bool);

}  // namespace rnnconf::cpu

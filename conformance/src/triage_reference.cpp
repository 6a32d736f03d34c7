// The float64 single-direction reference behind triage's hypotheses.
#include "triage_reference.hpp"

#include <cmath>
#include <numeric>

namespace rnnconf::conformance::triage_detail {

namespace {

double sigm(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// y[n] = sum_k W[row0 + n][k] * v[k] for n < rows (W row-major with `cols` columns).
void matvec(const std::vector<double>& W, int64_t row0, int64_t rows, int64_t cols, const double* v, double* y) {
  for (int64_t n = 0; n < rows; ++n) {
    const double* w = W.data() + (row0 + n) * cols;
    double s = 0;
    for (int64_t k = 0; k < cols; ++k) s += w[k] * v[k];
    y[n] = s;
  }
}

}  // namespace

Variant pytorch_variant(const RnnSpec& spec) {
  Variant v;
  const int G = spec.gates();
  v.perm_ih.resize(static_cast<size_t>(G));
  std::iota(v.perm_ih.begin(), v.perm_ih.end(), 0);
  v.perm_hh = v.perm_b = v.perm_ih;
  v.b_ih_scale.assign(static_cast<size_t>(G), 1.0);
  v.b_hh_scale = v.b_ih_scale;
  return v;
}

std::vector<double> run_layer(const RnnSpec& spec, const LayerParams& p, const Variant& v, const std::vector<double>& x,
                              int64_t T, int64_t B, const std::vector<double>& h0, const std::vector<double>& c0) {
  const int G = spec.gates();
  const int64_t H = p.H, Ho = p.H_out, in = p.in;
  const bool lstm = spec.kind == RnnSpec::Kind::lstm, gru = spec.kind == RnnSpec::Kind::gru;
  std::vector<double> out(static_cast<size_t>(T * B * Ho));
  std::vector<double> h(h0), c(c0);
  if (c.empty()) c.assign(static_cast<size_t>(B * H), 0.0);
  std::vector<double> gx(static_cast<size_t>(G * H)), gh(static_cast<size_t>(G * H)), tmp(static_cast<size_t>(H));
  std::vector<double> m(static_cast<size_t>(H)), hn(static_cast<size_t>(Ho)), back(static_cast<size_t>(H));
  for (int64_t s = 0; s < T; ++s) {
    const int64_t t = v.reverse ? T - 1 - s : s;
    const int64_t tx = ((t + v.input_shift) % T + T) % T;
    for (int64_t b = 0; b < B; ++b) {
      const double* xt = x.data() + (tx * B + b) * in;
      double* hb = h.data() + b * Ho;
      double* cb = c.data() + b * H;
      for (int g = 0; g < G; ++g) {
        const size_t gs = static_cast<size_t>(g);
        matvec(p.w_ih, v.perm_ih[gs] * H, H, in, xt, gx.data() + g * H);
        matvec(p.w_hh, v.perm_hh[gs] * H, H, Ho, hb, gh.data() + g * H);
        if (p.bias)
          for (int64_t n = 0; n < H; ++n) {
            gx[static_cast<size_t>(g * H + n)] += v.b_ih_scale[gs] * p.b_ih[static_cast<size_t>(v.perm_b[gs] * H + n)];
            gh[static_cast<size_t>(g * H + n)] += v.b_hh_scale[gs] * p.b_hh[static_cast<size_t>(v.perm_b[gs] * H + n)];
          }
      }
      auto gate = [&](double a) { return v.gate_tanh ? std::tanh(a) : sigm(a); };
      if (lstm) {
        for (int64_t n = 0; n < H; ++n) {
          const double i = gate(gx[static_cast<size_t>(n)] + gh[static_cast<size_t>(n)]);
          const double f = gate(gx[static_cast<size_t>(H + n)] + gh[static_cast<size_t>(H + n)]);
          const double ga = gx[static_cast<size_t>(2 * H + n)] + gh[static_cast<size_t>(2 * H + n)];
          const double g = v.candidate_act == 1 ? sigm(ga) : std::tanh(ga);
          const double o = gate(gx[static_cast<size_t>(3 * H + n)] + gh[static_cast<size_t>(3 * H + n)]);
          cb[n] = f * cb[n] + i * g;
          m[static_cast<size_t>(n)] = o * (v.cell_sigmoid ? sigm(cb[n]) : std::tanh(cb[n]));
        }
        if (Ho != H) {
          matvec(p.w_hr, 0, Ho, H, m.data(), hn.data());
          if (v.proj_twice) {
            // back = W_hr^T hn, then hn = W_hr back.
            for (int64_t k = 0; k < H; ++k) {
              double acc = 0;
              for (int64_t r = 0; r < Ho; ++r) acc += p.w_hr[static_cast<size_t>(r * H + k)] * hn[static_cast<size_t>(r)];
              back[static_cast<size_t>(k)] = acc;
            }
            matvec(p.w_hr, 0, Ho, H, back.data(), hn.data());
          }
          for (int64_t n = 0; n < Ho; ++n) hb[n] = hn[static_cast<size_t>(n)];
        } else {
          for (int64_t n = 0; n < H; ++n) hb[n] = m[static_cast<size_t>(n)];
        }
      } else if (gru) {
        for (int64_t n = 0; n < H; ++n) {
          const double r = gate(gx[static_cast<size_t>(n)] + gh[static_cast<size_t>(n)]);
          const double z = gate(gx[static_cast<size_t>(H + n)] + gh[static_cast<size_t>(H + n)]);
          double na;
          if (v.gru_reset_after_bias) {
            const double bhn = p.bias ? v.b_hh_scale[2] * p.b_hh[static_cast<size_t>(v.perm_b[2] * H + n)] : 0.0;
            na = gx[static_cast<size_t>(2 * H + n)] + r * (gh[static_cast<size_t>(2 * H + n)] - bhn) + bhn;
          } else {
            na = gx[static_cast<size_t>(2 * H + n)] + r * gh[static_cast<size_t>(2 * H + n)];
          }
          const double nn = v.candidate_act == 1 ? sigm(na) : std::tanh(na);
          tmp[static_cast<size_t>(n)] = (1.0 - z) * nn + z * hb[n];
        }
        for (int64_t n = 0; n < H; ++n) hb[n] = tmp[static_cast<size_t>(n)];
      } else {
        const bool relu = (spec.kind == RnnSpec::Kind::rnn_relu) != (v.candidate_act == 2);
        for (int64_t n = 0; n < H; ++n) {
          const double a = gx[static_cast<size_t>(n)] + gh[static_cast<size_t>(n)];
          hb[n] = relu ? std::max(a, 0.0) : std::tanh(a);
        }
      }
      for (int64_t n = 0; n < Ho; ++n) out[static_cast<size_t>((t * B + b) * Ho + n)] = hb[n];
    }
  }
  return out;
}

}  // namespace rnnconf::conformance::triage_detail

// The LibTorch oracle: the aten recurrent ops in process, float32 and float64.
#include "rnnconf/fuzz/torch_oracle.hpp"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include "rnnconf/core/error.hpp"
#include "rnnconf/core/weight_names.hpp"

namespace rnnconf::fuzz {

namespace {

at::Tensor to_torch(const Tensor& t, at::ScalarType as) {
  const std::vector<int64_t> sizes(t.shape().begin(), t.shape().end());
  at::Tensor f = at::empty(sizes, at::kFloat);
  std::copy(t.span<float>().begin(), t.span<float>().end(), f.data_ptr<float>());
  return f.to(as);
}

Tensor from_torch(const at::Tensor& t) {
  const at::Tensor c = t.contiguous();
  const Shape shape(c.sizes().begin(), c.sizes().end());
  if (c.scalar_type() == at::kDouble) {
    Tensor out(DType::f64, shape);
    std::copy_n(c.data_ptr<double>(), out.numel(), out.span<double>().begin());
    return out;
  }
  Tensor out(DType::f32, shape);
  const at::Tensor f = c.to(at::kFloat);
  std::copy_n(f.data_ptr<float>(), out.numel(), out.span<float>().begin());
  return out;
}

std::map<std::string, Tensor> run(const RnnSpec& s, const CaseData& d, at::ScalarType as) {
  std::vector<at::Tensor> params;
  for (const ParamInfo& p : aten_flat_params(s)) params.push_back(to_torch(d.params.at(p.name), as));
  const at::Tensor x = to_torch(d.inputs.at("x"), as);
  auto state = [&](const char* name, const Shape& shape) {
    auto it = d.inputs.find(name);
    if (it != d.inputs.end()) return to_torch(it->second, as);
    return at::zeros(std::vector<int64_t>(shape.begin(), shape.end()), at::TensorOptions().dtype(as));
  };
  const bool lstm = s.kind == RnnSpec::Kind::lstm;
  const at::Tensor h0 = state("h0", s.h0_shape());
  const at::Tensor c0 = lstm ? state("c0", s.c0_shape()) : at::Tensor();
  std::map<std::string, Tensor> out;
  if (s.cell) {
    const at::Tensor b_ih = s.bias ? params[2] : at::Tensor(), b_hh = s.bias ? params[3] : at::Tensor();
    switch (s.kind) {
      case RnnSpec::Kind::lstm: {
        auto [h1, c1] = at::lstm_cell(x, {h0, c0}, params[0], params[1], b_ih, b_hh);
        out["h1"] = from_torch(h1);
        out["c1"] = from_torch(c1);
        break;
      }
      case RnnSpec::Kind::gru: out["h1"] = from_torch(at::gru_cell(x, h0, params[0], params[1], b_ih, b_hh)); break;
      case RnnSpec::Kind::rnn_tanh: out["h1"] = from_torch(at::rnn_tanh_cell(x, h0, params[0], params[1], b_ih, b_hh)); break;
      case RnnSpec::Kind::rnn_relu: out["h1"] = from_torch(at::rnn_relu_cell(x, h0, params[0], params[1], b_ih, b_hh)); break;
    }
    return out;
  }
  std::tuple<at::Tensor, at::Tensor> yh;
  switch (s.kind) {
    case RnnSpec::Kind::lstm: {
      auto [y, hn, cn] = at::lstm(x, {h0, c0}, params, s.bias, s.layers, 0.0, false, s.bidirectional, s.batch_first);
      out["y"] = from_torch(y);
      out["hn"] = from_torch(hn);
      out["cn"] = from_torch(cn);
      return out;
    }
    case RnnSpec::Kind::gru: yh = at::gru(x, h0, params, s.bias, s.layers, 0.0, false, s.bidirectional, s.batch_first); break;
    case RnnSpec::Kind::rnn_tanh:
      yh = at::rnn_tanh(x, h0, params, s.bias, s.layers, 0.0, false, s.bidirectional, s.batch_first);
      break;
    case RnnSpec::Kind::rnn_relu:
      yh = at::rnn_relu(x, h0, params, s.bias, s.layers, 0.0, false, s.bidirectional, s.batch_first);
      break;
  }
  out["y"] = from_torch(std::get<0>(yh));
  out["hn"] = from_torch(std::get<1>(yh));
  return out;
}

}  // namespace

bool have_libtorch() { return true; }
std::string libtorch_version() { return TORCH_VERSION; }

OracleFn torch_oracle() {
  // One thread: the CI machine has two cores and the comparison needs no speed.
  at::set_num_threads(1);
  return [](const FuzzConfig& c, const CaseData& d) {
    try {
      Reference r;
      r.f32 = run(c.spec, d, at::kFloat);
      r.f64 = run(c.spec, d, at::kDouble);
      return r;
    } catch (const c10::Error& e) {
      throw Error(std::string("LibTorch: ") + e.what_without_backtrace());
    }
  };
}

}  // namespace rnnconf::fuzz

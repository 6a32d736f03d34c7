// librnnconf_fuzz_oracle_torch.so: the LibTorch oracle of `rnnconf fuzz`,
// the aten recurrent ops in float32 and float64, behind the C boundary of
// oracle_module_abi.h (its one exported symbol: rnnconf_oracle_module_v1).
// Exceptions (c10::Error included) are caught here and reported through the sink.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/version.h>

#include "rnnconf/conformance/module_boundary.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/core/weight_names.hpp"
#include "rnnconf/fuzz/oracle_module_abi.h"

#ifndef RNNCONF_MODULE_BUILD_ID
#error "RNNCONF_MODULE_BUILD_ID must be defined by the build (rnnconf_add_module)"
#endif

namespace rnnconf::fuzz {

namespace {

using TensorMap = std::map<std::string, Tensor>;

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

TensorMap run(const RnnSpec& s, const TensorMap& weights, const TensorMap& inputs, at::ScalarType as) {
  std::vector<at::Tensor> params;
  for (const ParamInfo& p : aten_flat_params(s)) {
    auto it = weights.find(p.name);
    if (it == weights.end()) throw Error("LibTorch oracle: no parameter '" + p.name + "' for " + to_string(s));
    params.push_back(to_torch(it->second, as));
  }
  auto x_it = inputs.find("x");
  if (x_it == inputs.end()) throw Error("LibTorch oracle: no input 'x' for " + to_string(s));
  const at::Tensor x = to_torch(x_it->second, as);
  auto state = [&](const char* name, const Shape& shape) {
    auto it = inputs.find(name);
    if (it != inputs.end()) return to_torch(it->second, as);
    return at::zeros(std::vector<int64_t>(shape.begin(), shape.end()), at::TensorOptions().dtype(as));
  };
  const bool lstm = s.kind == RnnSpec::Kind::lstm;
  const at::Tensor h0 = state("h0", s.h0_shape());
  const at::Tensor c0 = lstm ? state("c0", s.c0_shape()) : at::Tensor();
  TensorMap out;
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

int32_t run_oracle(const char* spec_name, const rnnconf_tensor_view* params, size_t param_count,
                   const rnnconf_tensor_view* inputs, size_t input_count, const rnnconf_module_sink* sink) {
  return conformance::guarded_call(sink, [&] {
    // One thread: the CI machine has two cores and the comparison needs no speed.
    at::set_num_threads(1);
    const RnnSpec spec = parse_rnn_spec(spec_name ? spec_name : "");
    const TensorMap weights = conformance::tensors_from_views(params, param_count);
    const TensorMap in = conformance::tensors_from_views(inputs, input_count);
    TensorMap f32, f64;
    try {
      f32 = run(spec, weights, in, at::kFloat);
      f64 = run(spec, weights, in, at::kDouble);
    } catch (const c10::Error& e) {
      throw Error(std::string("LibTorch: ") + e.what_without_backtrace());
    }
    for (const auto& [set, tensors] : {std::pair<const char*, const TensorMap*>{"f32", &f32}, {"f64", &f64}})
      for (const auto& [name, t] : *tensors) {
        const rnnconf_tensor_view v = conformance::view_of(name, t);
        sink->tensor(sink->context, set, &v);
      }
  });
}

const rnnconf_oracle_module kTable = {RNNCONF_MODULE_ABI_VERSION, RNNCONF_MODULE_BUILD_ID, TORCH_VERSION, &run_oracle};

}  // namespace

}  // namespace rnnconf::fuzz

extern "C" __attribute__((visibility("default"))) const rnnconf_oracle_module* rnnconf_oracle_module_v1(void) {
  return &rnnconf::fuzz::kTable;
}

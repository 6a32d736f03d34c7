// softmax (NNEF §4.8: exp(x - max) / Σ exp(x - max) over `axes`) and tract's
// tract_core_log_softmax(x, axes) = (x - max) - log Σ exp(x - max), each over
// every reduced element at once. torch_to_nnef writes the axis as a single
// integer (`softmax(x, 1)`); tract coerces it into [1], and so does axes_arg.
// The sums are pairwise in index order.
#include <cmath>
#include <limits>

#include "executor/ops_nn_support.hpp"

namespace rnnconf::cpu {
namespace {

template <class T>
Tensor softmax_typed(const Tensor& x, const ReductionPlan& p, bool log_form) {
  Tensor y = poisoned(x.dtype(), x.shape());
  const auto src = x.span<T>();
  auto dst = y.span<T>();
  const auto n = static_cast<int64_t>(p.offset.size());
  std::vector<T> e(p.offset.size());
  for (int64_t b : p.base) {
    const T* in = src.data() + b;
    T* out = dst.data() + b;
    T m = -std::numeric_limits<T>::infinity();
    for (int64_t off : p.offset) m = std::isnan(in[off]) || in[off] > m ? in[off] : m;
    for (size_t q = 0; q < e.size(); ++q) e[q] = std::exp(in[p.offset[q]] - m);
    const T s = pairwise_sum<T>([&](int64_t q) { return e[static_cast<size_t>(q)]; }, 0, n);
    if (log_form) {
      const T ls = std::log(s);
      for (int64_t off : p.offset) out[off] = (in[off] - m) - ls;
    } else {
      for (size_t q = 0; q < e.size(); ++q) out[p.offset[q]] = e[q] / s;
    }
  }
  return y;
}

}  // namespace

Value op_softmax(const OpCall& c) {
  const auto x = c.tensor(0);
  require_float(c, *x, "x");
  const ReductionPlan p = reduction_plan(x->shape(), axes_arg(c, 1, x->shape()));
  const bool log_form = c.op == "tract_core_log_softmax";
  return Value::of_tensor(x->dtype() == DType::f32 ? softmax_typed<float>(*x, p, log_form)
                                                   : softmax_typed<double>(*x, p, log_form));
}

}  // namespace rnnconf::cpu

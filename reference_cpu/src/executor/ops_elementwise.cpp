// Element-wise primitive ops: unary math, binary arithmetic (add, sub, mul,
// div, pow, min, max), comparisons, logical ops, select and clamp, all with
// NNEF first-axis broadcasting. Float ops run in the tensor's own dtype (f32
// or f64): no silent widening, so f32 runs behave like a float32 engine.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "executor/primitive_ops.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {
namespace {

bool is_float(DType d) { return d == DType::f32 || d == DType::f64; }

template <class T>
T unary_value(const std::string& op, T x) {
  if (op == "exp") return std::exp(x);
  if (op == "log") return std::log(x);
  if (op == "sin") return std::sin(x);
  if (op == "cos") return std::cos(x);
  if (op == "abs") return std::abs(x);
  if (op == "sign") return x > T(0) ? T(1) : (x < T(0) ? T(-1) : T(0));
  if (op == "neg") return -x;
  if (op == "rcp") return T(1) / x;
  if (op == "floor") return std::floor(x);
  if (op == "ceil") return std::ceil(x);
  if (op == "round") return std::round(x);
  if (op == "sqr") return x * x;
  if (op == "sqrt") return std::sqrt(x);
  if (op == "rsqr") return T(1) / (x * x);
  if (op == "rsqrt") return T(1) / std::sqrt(x);
  if (op == "log2") return std::log2(x);
  if (op == "relu") return x > T(0) ? x : T(0);
  if (op == "sigmoid") return T(1) / (T(1) + std::exp(-x));
  if (op == "tanh") return std::tanh(x);
  if (op == "softplus") return std::log(T(1) + std::exp(x));
  throw Error("unknown unary op " + op);
}

template <class T>
Tensor unary_typed(const std::string& op, const Tensor& x) {
  Tensor y = poisoned(x.dtype(), x.shape());
  auto src = x.span<T>();
  auto dst = y.span<T>();
  // Resolve the op once, not per element.
  auto run = [&](auto f) {
    for (size_t k = 0; k < src.size(); ++k) dst[k] = f(src[k]);
  };
  if (op == "sigmoid") run([](T v) { return T(1) / (T(1) + std::exp(-v)); });
  else if (op == "tanh") run([](T v) { return std::tanh(v); });
  else if (op == "relu") run([](T v) { return v > T(0) ? v : T(0); });
  else run([&](T v) { return unary_value<T>(op, v); });
  return y;
}

// Applies f(a_elem, b_elem) -> R over the first-axis broadcast of a and b.
template <class A, class B, class R, class F>
Tensor broadcast_apply(const OpCall& c, const Tensor& a, const Tensor& b, DType out_dtype, F f) {
  Shape out;
  if (!broadcast_first_axis(a.shape(), b.shape(), out))
    c.fail(fmt::format("shapes {} and {} do not broadcast (NNEF aligns from the first axis)", shape_str(a.shape()),
                       shape_str(b.shape())));
  Tensor z = poisoned(out_dtype, out);
  auto za = a.span<A>();
  auto zb = b.span<B>();
  auto zz = z.span<R>();
  if (a.shape() == out && b.shape() == out) {
    for (size_t k = 0; k < zz.size(); ++k) zz[k] = f(za[k], zb[k]);
    return z;
  }
  const auto sa = broadcast_strides(a.shape(), out), sb = broadcast_strides(b.shape(), out);
  size_t flat = 0;
  for_each_index(out, [&](const std::vector<int64_t>& idx) {
    int64_t oa = 0, ob = 0;
    for (size_t k = 0; k < idx.size(); ++k) {
      oa += idx[k] * sa[k];
      ob += idx[k] * sb[k];
    }
    zz[flat++] = f(za[static_cast<size_t>(oa)], zb[static_cast<size_t>(ob)]);
  });
  return z;
}

template <class T>
Tensor binary_typed(const OpCall& c, const Tensor& a, const Tensor& b) {
  const std::string& op = c.op;
  const DType d = a.dtype();
  if (op == "add") return broadcast_apply<T, T, T>(c, a, b, d, [](T x, T y) { return x + y; });
  if (op == "sub") return broadcast_apply<T, T, T>(c, a, b, d, [](T x, T y) { return x - y; });
  if (op == "mul") return broadcast_apply<T, T, T>(c, a, b, d, [](T x, T y) { return x * y; });
  if (op == "div") {
    if constexpr (std::is_integral_v<T>) {
      for (T y : b.span<T>())
        if (y == 0) c.fail("integer division by zero");
    }
    return broadcast_apply<T, T, T>(c, a, b, d, [](T x, T y) { return x / y; });
  }
  if (op == "pow") return broadcast_apply<T, T, T>(c, a, b, d, [](T x, T y) { return static_cast<T>(std::pow(x, y)); });
  if (op == "min") return broadcast_apply<T, T, T>(c, a, b, d, [](T x, T y) { return std::min(x, y); });
  if (op == "max") return broadcast_apply<T, T, T>(c, a, b, d, [](T x, T y) { return std::max(x, y); });
  c.fail("not a binary op");
}

template <class T>
Tensor compare_typed(const OpCall& c, const Tensor& a, const Tensor& b) {
  const std::string& op = c.op;
  const DType d = DType::boolean;
  if (op == "lt") return broadcast_apply<T, T, bool>(c, a, b, d, [](T x, T y) { return x < y; });
  if (op == "gt") return broadcast_apply<T, T, bool>(c, a, b, d, [](T x, T y) { return x > y; });
  if (op == "le") return broadcast_apply<T, T, bool>(c, a, b, d, [](T x, T y) { return x <= y; });
  if (op == "ge") return broadcast_apply<T, T, bool>(c, a, b, d, [](T x, T y) { return x >= y; });
  if (op == "eq") return broadcast_apply<T, T, bool>(c, a, b, d, [](T x, T y) { return x == y; });
  if (op == "ne") return broadcast_apply<T, T, bool>(c, a, b, d, [](T x, T y) { return x != y; });
  c.fail("not a comparison");
}

void same_float_dtype(const OpCall& c, const Tensor& a, const Tensor& b) {
  if (!is_float(a.dtype()) || a.dtype() != b.dtype())
    c.fail(fmt::format("operands must be float tensors of one dtype, got {}{} and {}{}", dtype_name(a.dtype()),
                       shape_str(a.shape()), dtype_name(b.dtype()), shape_str(b.shape())));
}

}  // namespace

Value op_unary(const OpCall& c) {
  const auto x = c.tensor(0);
  if (x->dtype() == DType::f32) return Value::of_tensor(unary_typed<float>(c.op, *x));
  if (x->dtype() == DType::f64) return Value::of_tensor(unary_typed<double>(c.op, *x));
  c.fail(fmt::format("expected a float tensor, got {}{}", dtype_name(x->dtype()), shape_str(x->shape())));
}

// Integer tensors (shape arithmetic after tract_core_shape_of) are allowed
// too; an integer literal beside a float tensor takes the tensor's dtype.
std::pair<std::shared_ptr<const Tensor>, std::shared_ptr<const Tensor>> numeric_operands(const OpCall& c) {
  auto a = c.tensor(0), b = c.tensor(1);
  auto widen = [&](std::shared_ptr<const Tensor>& lit, const Tensor& other, const Value& v) {
    if (v.kind == Value::Kind::integer && is_float(other.dtype()))
      lit = std::make_shared<const Tensor>(lit->cast(other.dtype()));
  };
  widen(a, *b, c.arg(0));
  widen(b, *a, c.arg(1));
  if (a->dtype() == DType::i64 && b->dtype() == DType::i64) return {a, b};
  same_float_dtype(c, *a, *b);
  return {a, b};
}

Value op_binary(const OpCall& c) {
  const auto [a, b] = numeric_operands(c);
  if (a->dtype() == DType::i64) return Value::of_tensor(binary_typed<int64_t>(c, *a, *b));
  return Value::of_tensor(a->dtype() == DType::f32 ? binary_typed<float>(c, *a, *b) : binary_typed<double>(c, *a, *b));
}

Value op_compare(const OpCall& c) {
  const auto [a, b] = numeric_operands(c);
  if (a->dtype() == DType::i64) return Value::of_tensor(compare_typed<int64_t>(c, *a, *b));
  return Value::of_tensor(a->dtype() == DType::f32 ? compare_typed<float>(c, *a, *b) : compare_typed<double>(c, *a, *b));
}

Value op_logical_binary(const OpCall& c) {
  const auto a = c.tensor(0), b = c.tensor(1);
  if (a->dtype() != DType::boolean || b->dtype() != DType::boolean) c.fail("operands must be logical tensors");
  const bool is_and = c.op == "and";
  return Value::of_tensor(broadcast_apply<bool, bool, bool>(c, *a, *b, DType::boolean, [is_and](bool x, bool y) {
    return is_and ? (x && y) : (x || y);
  }));
}

Value op_not(const OpCall& c) {
  const auto x = c.tensor(0);
  if (x->dtype() != DType::boolean) c.fail("operand must be a logical tensor");
  Tensor y(DType::boolean, x->shape());
  auto s = x->span<bool>();
  auto d = y.span<bool>();
  for (size_t k = 0; k < s.size(); ++k) d[k] = !s[k];
  return Value::of_tensor(std::move(y));
}

Value op_copy(const OpCall& c) { return Value::of_shared(c.tensor(0)); }

// select(condition, true_value, false_value) over any dtype (f32, f64, i64,
// bool): t2n's within_bound_index fragment selects between i64 shape values
// (`select(cond, 0, input_axis_size)`). As tract (multi_rank_broadcast), the
// three operands broadcast from the first axis. An integer literal beside a
// float tensor takes the tensor's dtype, a scalar literal the run's dtype.
Value op_select(const OpCall& c) {
  const auto cond = c.tensor(0);
  auto t = c.tensor(1), f = c.tensor(2);
  if (cond->dtype() != DType::boolean)
    c.fail(fmt::format("condition must be a logical tensor, got {}{}", dtype_name(cond->dtype()),
                       shape_str(cond->shape())));
  if (c.arg(1).kind == Value::Kind::integer && is_float(f->dtype()))
    t = std::make_shared<const Tensor>(t->cast(f->dtype()));
  if (c.arg(2).kind == Value::Kind::integer && is_float(t->dtype()))
    f = std::make_shared<const Tensor>(f->cast(t->dtype()));
  if (t->dtype() != f->dtype())
    c.fail(fmt::format("true_value and false_value differ in dtype: {}{} and {}{}", dtype_name(t->dtype()),
                       shape_str(t->shape()), dtype_name(f->dtype()), shape_str(f->shape())));
  Shape ct, out;
  if (!broadcast_first_axis(cond->shape(), t->shape(), ct) || !broadcast_first_axis(ct, f->shape(), out))
    c.fail(fmt::format("shapes {}, {} and {} do not broadcast (NNEF aligns from the first axis)",
                       shape_str(cond->shape()), shape_str(t->shape()), shape_str(f->shape())));
  const auto sc = broadcast_strides(cond->shape(), out), st = broadcast_strides(t->shape(), out),
             sf = broadcast_strides(f->shape(), out);
  Tensor y = poisoned(t->dtype(), out);
  const size_t es = dtype_size(t->dtype());
  auto yc = cond->span<bool>();
  const std::byte* bt = t->bytes();
  const std::byte* bf = f->bytes();
  std::byte* by = y.bytes();
  size_t flat = 0;
  for_each_index(out, [&](const std::vector<int64_t>& idx) {
    int64_t oc = 0, ot = 0, of = 0;
    for (size_t k = 0; k < idx.size(); ++k) {
      oc += idx[k] * sc[k];
      ot += idx[k] * st[k];
      of += idx[k] * sf[k];
    }
    const std::byte* src =
        yc[static_cast<size_t>(oc)] ? bt + static_cast<size_t>(ot) * es : bf + static_cast<size_t>(of) * es;
    std::memcpy(by + flat * es, src, es);
    ++flat;
  });
  return Value::of_tensor(std::move(y));
}

// clamp(x, a, b) = min(max(x, a), b) with broadcasting; float x (integer
// literal bounds take x's dtype) or i64 x with i64 bounds.
Value op_clamp(const OpCall& c) {
  auto x = c.tensor(0), a = c.tensor(1), b = c.tensor(2);
  if (c.arg(1).kind == Value::Kind::integer && is_float(x->dtype()))
    a = std::make_shared<const Tensor>(a->cast(x->dtype()));
  if (c.arg(2).kind == Value::Kind::integer && is_float(x->dtype()))
    b = std::make_shared<const Tensor>(b->cast(x->dtype()));
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const Tensor lo = broadcast_apply<T, T, T>(c, *x, *a, x->dtype(), [](T v, T l) { return std::max(v, l); });
    return broadcast_apply<T, T, T>(c, lo, *b, x->dtype(), [](T v, T h) { return std::min(v, h); });
  };
  if (x->dtype() == DType::i64 && a->dtype() == DType::i64 && b->dtype() == DType::i64)
    return Value::of_tensor(run(int64_t{}));
  same_float_dtype(c, *x, *a);
  same_float_dtype(c, *x, *b);
  return Value::of_tensor(x->dtype() == DType::f32 ? run(float{}) : run(double{}));
}

}  // namespace rnnconf::cpu

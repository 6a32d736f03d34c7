// Fused kernels bound to fragments of known identity (fragment_identity.hpp):
// the torch_to_nnef sequence fragments (lstm, lstm_with_projection, gru,
// rnn_tanh, rnn_relu) through run_sequence, the cells (lstm_cell, gru_cell,
// rnn_tanh_cell, rnn_relu_cell) through run_cell, and rnn_bidi_pack as a
// strided copy. Arguments are read by parameter NAME (the identity fixes the
// signature). Each kernel checks that the call has exactly the shapes its
// fragment assumes; otherwise it declines (nullopt + reason) and the call runs
// literally, which then gives the literal result or the literal error.
// Outputs start as NaN so an element a kernel forgets to write cannot pass.
// Which kernel a fragment name binds to is one table, kFusedBinders.
// Under a residency backend (sequence_backend.hpp) x/h0/c0 and the outputs of
// float32 fused calls stay on the device; every other argument is copied to
// the host (to_host) before it is read.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "executor/interpreter.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cpu/sequence_backend.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {
namespace {

struct Declined {
  std::string why;
};

// How a fragment of known identity binds to a fused kernel: one row per
// fragment name (the identity check, fragment_identity.hpp, has already fixed
// the signature and body), as the ops registry does for primitive ops.
struct FusedBinder {
  enum class Form { sequence, cell, bidi_pack };
  std::string_view fragment;
  Form form;
  RnnVariant variant = RnnVariant::lstm;  // sequence and cell forms
  bool projection = false;                // lstm_with_projection: W_hr
};

constexpr FusedBinder kFusedBinders[] = {
    {"lstm", FusedBinder::Form::sequence, RnnVariant::lstm, false},
    {"lstm_with_projection", FusedBinder::Form::sequence, RnnVariant::lstm, true},
    {"gru", FusedBinder::Form::sequence, RnnVariant::gru, false},
    {"rnn_tanh", FusedBinder::Form::sequence, RnnVariant::rnn_tanh, false},
    {"rnn_relu", FusedBinder::Form::sequence, RnnVariant::rnn_relu, false},
    {"lstm_cell", FusedBinder::Form::cell, RnnVariant::lstm, false},
    {"gru_cell", FusedBinder::Form::cell, RnnVariant::gru, false},
    {"rnn_tanh_cell", FusedBinder::Form::cell, RnnVariant::rnn_tanh, false},
    {"rnn_relu_cell", FusedBinder::Form::cell, RnnVariant::rnn_relu, false},
    {"rnn_bidi_pack", FusedBinder::Form::bidi_pack},
};

const FusedBinder* find_binder(std::string_view fragment) {
  for (const auto& b : kFusedBinders)
    if (b.fragment == fragment) return &b;
  return nullptr;
}

}  // namespace

bool names_fused_kernel(std::string_view fragment) { return find_binder(fragment) != nullptr; }

namespace {

class Args {
 public:
  Args(const nnef::Fragment& f, const std::vector<Value>& v, SequenceBackend* device) : f_(f), v_(v), device_(device) {}
  const Value& value(const std::string& name) const {
    for (size_t k = 0; k < f_.params.size(); ++k)
      if (f_.params[k].name == name) return v_.at(k);
    throw Declined{"no parameter '" + name + "'"};
  }
  // With host elements valid.
  const Tensor& tensor(const std::string& name) const {
    const Tensor& t = device_tensor(name);
    if (device_) device_->to_host(t);
    return t;
  }
  // Elements possibly held by the residency backend (read through it only).
  const Tensor& device_tensor(const std::string& name) const { return *shared(name); }
  const std::shared_ptr<const Tensor>& shared(const std::string& name) const {
    const Value& v = value(name);
    if (!v.is_tensor()) throw Declined{"argument '" + name + "' is not a tensor"};
    return v.tensor;
  }
  int64_t integer(const std::string& name) const {
    const Value& v = value(name);
    if (v.kind != Value::Kind::integer) throw Declined{"argument '" + name + "' is not an integer"};
    return v.i;
  }

 private:
  const nnef::Fragment& f_;
  const std::vector<Value>& v_;
  SequenceBackend* device_;
};

// A fused call's output: from the residency backend (kept on its device) when
// there is one and T is float, else a NaN-poisoned host tensor.
template <class T>
std::shared_ptr<Tensor> new_output(SequenceBackend* device, const Shape& shape) {
  if constexpr (std::is_same_v<T, float>)
    if (device != nullptr)
      if (auto t = device->new_output(shape)) return t;
  return std::make_shared<Tensor>(poisoned(dtype_of<T>(), shape));
}

void expect_shape(const Tensor& t, const Shape& s, const std::string& name) {
  if (t.shape() != s) throw Declined{fmt::format("'{}' is {}, the kernel needs {}", name, shape_str(t.shape()), shape_str(s))};
}

template <class T>
void expect_dtype(const Tensor& t, const std::string& name) {
  if (t.dtype() != dtype_of<T>()) throw Declined{"'" + name + "' is not " + std::string(dtype_name(dtype_of<T>()))};
}

// Packed weights per call site, built once and kept for the run.
template <class T, class Make>
const RnnWeights<T>& cached_weights(ExecContext& ctx, const void* site, Make make) {
  auto& slot = ctx.fused_cache[site];
  if (!slot) slot = std::make_shared<RnnWeights<T>>(make());
  return *static_cast<const RnnWeights<T>*>(slot.get());
}

template <class T>
RnnWeights<T> pack_or_decline(RnnVariant variant, const FragmentWeightArgs& w) {
  try {
    return pack_fragment_weights<T>(variant, w);
  } catch (const Error& e) {
    throw Declined{"weights do not pack: " + e.message()};
  }
}

// An upper bound of SequenceWorkspace<T>::reserve(w, steps, batch) in bytes
// (computed in double: the product may pass int64; the meter refuses that).
template <class T>
int64_t sequence_workspace_bytes(const RnnWeights<T>& w, int64_t steps, int64_t batch) {
  const auto width = static_cast<double>(kHiddenPanelWidth);
  const auto gh = static_cast<double>(w.gates() * w.hidden_size);
  const double panels = std::ceil(gh / width) * width;
  const double items =
      static_cast<double>(steps) * static_cast<double>(batch) * panels +
      static_cast<double>(batch) * (gh + 2.0 * static_cast<double>(w.output_size() + w.hidden_size) + width);
  return static_cast<int64_t>(std::min(items * static_cast<double>(sizeof(T)), 0x1p62));
}

template <class T>
std::vector<Value> run_sequence_fragment(ExecContext& ctx, const FusedBinder& binder, const Args& a, const void* site,
                                         const std::vector<std::string>& lhs) {
  const RnnVariant variant = binder.variant;
  const bool lstm = variant == RnnVariant::lstm;
  FragmentWeightArgs wa;
  if (lstm) {
    for (const char* g : {"i", "f", "g", "o"}) {
      wa.w_input.push_back(&a.tensor(std::string("W_i") + g));
      wa.w_hidden.push_back(&a.tensor(std::string("W_h") + g));
      wa.bias.push_back(&a.tensor(std::string("b_") + g));
    }
    if (binder.projection) wa.w_proj = &a.tensor("W_hr");
  } else if (variant == RnnVariant::gru) {
    for (const char* g : {"r", "z", "n"}) {
      wa.w_input.push_back(&a.tensor(std::string("W_i") + g));
      wa.w_hidden.push_back(&a.tensor(std::string("W_h") + g));
    }
    for (const char* b : {"b_r", "b_z", "b_in", "b_hn"}) wa.bias.push_back(&a.tensor(b));
  } else {
    wa = FragmentWeightArgs{{&a.tensor("W_ih")}, {&a.tensor("W_hh")}, {&a.tensor("b_ih_hh")}, nullptr};
  }
  for (const auto* t : wa.w_input) expect_dtype<T>(*t, "weights");
  SequenceBackend* device = std::is_same_v<T, float> ? residency(ctx) : nullptr;
  const Tensor& x = a.device_tensor("input");
  expect_dtype<T>(x, "input");
  if (x.rank() != 3 || x.shape()[0] < 1) throw Declined{"input " + shape_str(x.shape()) + " is not [T >= 1, B, I]"};
  const int64_t steps = x.shape()[0], batch = x.shape()[1];
  const int64_t pace = a.integer("scan_pace");
  if (pace != 1 && pace != -1) throw Declined{fmt::format("scan_pace {} (the kernel walks one step at a time)", pace)};
  const RnnWeights<T>& w = cached_weights<T>(ctx, site, [&] { return pack_or_decline<T>(variant, wa); });
  if (w.input_size != x.shape()[2]) throw Declined{fmt::format("input {} vs weights for I = {}", shape_str(x.shape()), w.input_size)};
  const int64_t hout = w.output_size(), hidden = w.hidden_size;
  const Tensor& h0 = a.device_tensor("h_0");
  expect_dtype<T>(h0, "h_0");
  expect_shape(h0, {1, batch, hout}, "h_0");
  const Tensor* c0 = nullptr;
  if (lstm) {
    c0 = &a.device_tensor("c_0");
    expect_dtype<T>(*c0, "c_0");
    expect_shape(*c0, {1, batch, hidden}, "c_0");
  }
  const auto y = new_output<T>(device, {steps, batch, hout});
  const auto h_last = new_output<T>(device, {1, batch, hout});
  const auto c_last = new_output<T>(device, {1, batch, lstm ? hidden : 0});
  if (device != nullptr) {
    std::vector<std::shared_ptr<const Tensor>> reads{a.shared("input"), a.shared("h_0")};
    if (lstm) reads.push_back(a.shared("c_0"));
    device->will_read(reads);
  }
  SequenceArgs<T> sa;
  sa.x = x.data<T>();
  sa.steps = steps;
  sa.batch = batch;
  sa.h0 = h0.data<T>();
  sa.c0 = c0 ? c0->data<T>() : nullptr;
  sa.reverse = pace < 0;
  sa.y = y->template data<T>();
  sa.h_last = h_last->template data<T>();
  sa.c_last = lstm ? c_last->template data<T>() : nullptr;
  // The workspace run_sequence grows (SequenceWorkspace::reserve) is not a
  // Tensor; its gate pre-activations of all steps are G·H/H_out times the
  // output (with a projection, unbounded by it): charged for the call.
  const ScopedMemoryCharge workspace(sequence_workspace_bytes(w, steps, batch));
  SequenceWorkspace<T> ws;
  StepRecorder<T> recorder;
  const std::string base = lhs.empty() ? std::string(binder.fragment) : lhs[0];
  if (ctx.options.record)
    recorder = [&](const StepRecord<T>& r) {
      Tensor h(dtype_of<T>(), {1, r.batch, hout});
      for (int64_t b = 0; b < r.batch; ++b)
        std::memcpy(h.data<T>() + b * hout, r.h + b * r.h_row_stride, static_cast<size_t>(hout) * sizeof(T));
      ctx.result.records.push_back({fmt::format("{}/h@t{}", base, r.time), std::move(h)});
      if (r.c) {
        Tensor c(dtype_of<T>(), {1, r.batch, hidden});
        std::memcpy(c.data<T>(), r.c, static_cast<size_t>(r.batch * hidden) * sizeof(T));
        ctx.result.records.push_back({fmt::format("{}/c@t{}", base, r.time), std::move(c)});
      }
    };
  if constexpr (std::is_same_v<T, float>) {
    if (ctx.options.backend != nullptr) ctx.options.backend->run_sequence(site, w, sa, recorder);
    else run_sequence(w, sa, ws, recorder);
  } else {
    run_sequence(w, sa, ws, recorder);
  }
  std::vector<Value> out{Value::of_shared(y), Value::of_shared(h_last)};
  if (lstm) out.push_back(Value::of_shared(c_last));
  return out;
}

template <class T>
std::vector<Value> run_cell_fragment(ExecContext& ctx, const FusedBinder& binder, const Args& a, const void* site) {
  const RnnVariant variant = binder.variant;
  SequenceBackend* device = std::is_same_v<T, float> ? residency(ctx) : nullptr;
  const Tensor& x = a.device_tensor("input");
  const Tensor& w_ih = a.tensor("W_ih");
  const Tensor& w_hh = a.tensor("W_hh");
  for (const Tensor* t : {&x, &w_ih, &w_hh}) expect_dtype<T>(*t, "cell argument");
  if (x.rank() != 2 || w_ih.rank() != 2 || w_hh.rank() != 2)
    throw Declined{"input, W_ih and W_hh must be rank 2"};
  const int64_t batch = x.shape()[0], hidden = w_hh.shape()[1], gates = gate_count(variant);
  expect_shape(w_ih, {gates * hidden, x.shape()[1]}, "W_ih");
  expect_shape(w_hh, {gates * hidden, hidden}, "W_hh");
  const Tensor* b_ih = nullptr;
  const Tensor* b_hh = nullptr;
  if (variant == RnnVariant::gru) {
    b_ih = &a.tensor("b_ih");
    b_hh = &a.tensor("b_hh");
    expect_shape(*b_hh, {1, gates * hidden}, "b_hh");
  } else {
    b_ih = &a.tensor("b");
  }
  expect_shape(*b_ih, {1, gates * hidden}, "bias");
  // The gate boundaries the fragment slices at must be the kernel's H, 2H, ...
  const std::vector<std::string> ends = variant == RnnVariant::lstm  ? std::vector<std::string>{"i_end", "f_end", "g_end", "o_end"}
                                        : variant == RnnVariant::gru ? std::vector<std::string>{"r_end", "z_end", "n_end"}
                                                                     : std::vector<std::string>{};
  for (size_t k = 0; k < ends.size(); ++k)
    if (a.integer(ends[k]) != static_cast<int64_t>(k + 1) * hidden)
      throw Declined{fmt::format("{} = {}, the kernel needs {}", ends[k], a.integer(ends[k]), static_cast<int64_t>(k + 1) * hidden)};
  const Tensor& h_prev = a.device_tensor("h_prev");
  expect_shape(h_prev, {batch, hidden}, "h_prev");
  const Tensor* c_prev = nullptr;
  if (variant == RnnVariant::lstm) {
    c_prev = &a.device_tensor("c_prev");
    expect_shape(*c_prev, {batch, hidden}, "c_prev");
  }
  const RnnWeights<T>& w = cached_weights<T>(ctx, site, [&] {
    try {
      return pack_stacked_weights<T>(variant, w_ih, w_hh, b_ih, b_hh, nullptr);
    } catch (const Error& e) {
      throw Declined{"weights do not pack: " + e.message()};
    }
  });
  const auto h_new = new_output<T>(device, {batch, hidden});
  const auto c_new = new_output<T>(device, {batch, variant == RnnVariant::lstm ? hidden : 0});
  if (device != nullptr) {
    std::vector<std::shared_ptr<const Tensor>> reads{a.shared("input"), a.shared("h_prev")};
    if (variant == RnnVariant::lstm) reads.push_back(a.shared("c_prev"));
    device->will_read(reads);
  }
  CellArgs<T> ca{x.data<T>(), batch, h_prev.data<T>(), c_prev ? c_prev->data<T>() : nullptr,
                 h_new->template data<T>(), variant == RnnVariant::lstm ? c_new->template data<T>() : nullptr};
  SequenceWorkspace<T> ws;
  if constexpr (std::is_same_v<T, float>) {
    if (ctx.options.backend != nullptr) ctx.options.backend->run_cell(site, w, ca);
    else run_cell(w, ca, ws);
  } else {
    run_cell(w, ca, ws);
  }
  std::vector<Value> out{Value::of_shared(h_new)};
  if (variant == RnnVariant::lstm) out.push_back(Value::of_shared(c_new));
  return out;
}

std::vector<Value> run_bidi_pack(ExecContext& ctx, const Args& a) {
  if (SequenceBackend* device = residency(ctx)) {  // on the device when the backend takes it
    BackendOp op{"rnn_bidi_pack", {a.shared("h_n"), a.shared("h_n_backward")}, {{"shape", {a.integer("shape")}}}};
    std::string why_not;
    if (auto t = device->run_op(op, why_not)) return {Value::of_shared(std::move(t))};
    ctx.warn(fmt::format("device {}: rnn_bidi_pack ran on the CPU ({})", device->name(), why_not));
  }
  const Tensor& f = a.tensor("h_n");
  const Tensor& b = a.tensor("h_n_backward");
  if (f.rank() != 3 || f.shape() != b.shape() || f.dtype() != b.dtype())
    throw Declined{"h_n " + shape_str(f.shape()) + " and h_n_backward " + shape_str(b.shape()) + " are not two equal [T, B, H]"};
  const int64_t h = f.shape()[2];
  if (a.integer("shape") != 2 * h) throw Declined{fmt::format("shape = {} but the packed width is 2·{} = {}", a.integer("shape"), h, 2 * h)};
  Tensor out = poisoned(f.dtype(), {f.shape()[0], f.shape()[1], 2 * h});
  const size_t row = static_cast<size_t>(h) * dtype_size(f.dtype());
  const int64_t rows = f.shape()[0] * f.shape()[1];
  for (int64_t r = 0; r < rows; ++r) {
    std::memcpy(out.bytes() + static_cast<size_t>(r) * 2 * row, f.bytes() + static_cast<size_t>(r) * row, row);
    std::memcpy(out.bytes() + static_cast<size_t>(r) * 2 * row + row, b.bytes() + static_cast<size_t>(r) * row, row);
  }
  std::vector<Value> v;
  v.push_back(Value::of_tensor(std::move(out)));
  return v;
}

}  // namespace

std::optional<std::vector<Value>> run_fused(ExecContext& ctx, const nnef::Fragment& f, const std::vector<Value>& args,
                                            const void* call_site, const std::vector<std::string>& lhs,
                                            std::string& why_not) {
  const Args a(f, args, residency(ctx));
  const bool f64 = ctx.working == DType::f64;
  const FusedBinder* binder = find_binder(f.name);
  if (binder == nullptr) {
    why_not = "no fused kernel for this fragment";
    return std::nullopt;
  }
  try {
    switch (binder->form) {
      case FusedBinder::Form::sequence:
        return f64 ? run_sequence_fragment<double>(ctx, *binder, a, call_site, lhs)
                   : run_sequence_fragment<float>(ctx, *binder, a, call_site, lhs);
      case FusedBinder::Form::cell:
        return f64 ? run_cell_fragment<double>(ctx, *binder, a, call_site)
                   : run_cell_fragment<float>(ctx, *binder, a, call_site);
      case FusedBinder::Form::bidi_pack: return run_bidi_pack(ctx, a);
    }
  } catch (const Declined& d) {
    why_not = d.why;
  }
  return std::nullopt;
}

}  // namespace rnnconf::cpu

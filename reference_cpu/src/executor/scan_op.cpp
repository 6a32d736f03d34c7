// tract_core_scan, literally (nnef_format.md §5.1): binds every body
// parameter from exactly one of scan/full/state, walks the iterations
// (negative chunk = from the end), threads the states, and assembles the
// outputs in `output` order ("full": per-step results concatenated along the
// axis in time order, also when walking backwards; "last": the final step's).
// The run's deadline is checked before every iteration.
#include <algorithm>
#include <fmt/format.h>

#include <cstring>

#include "executor/interpreter.hpp"
#include "executor/tensor_index.hpp"

namespace rnnconf::cpu {
namespace {

// [begin, begin + len) along `axis`.
Tensor slice_axis(const Tensor& t, int64_t axis, int64_t begin, int64_t len) {
  Shape out = t.shape();
  out[static_cast<size_t>(axis)] = len;
  Tensor y(t.dtype(), out);
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < axis; ++k) outer *= t.shape()[static_cast<size_t>(k)];
  for (size_t k = static_cast<size_t>(axis) + 1; k < t.shape().size(); ++k) inner *= t.shape()[k];
  const size_t es = dtype_size(t.dtype());
  const int64_t ext = t.shape()[static_cast<size_t>(axis)];
  for (int64_t o = 0; o < outer; ++o)
    std::memcpy(y.bytes() + static_cast<size_t>(o * len * inner) * es,
                t.bytes() + static_cast<size_t>((o * ext + begin) * inner) * es, static_cast<size_t>(len * inner) * es);
  return y;
}

struct ScanInput {
  std::string param;
  std::shared_ptr<const Tensor> tensor;
  int64_t axis = 0, chunk = 1, iterations = 0;
};
struct StateBinding {
  std::string param, result;
  Value initial;
};
struct OutputSpec {
  std::string result;
  bool full = true;
  int64_t axis = 0, chunk = 1;
};

size_t index_of(const std::vector<std::string>& names, const std::string& n) {
  for (size_t k = 0; k < names.size(); ++k)
    if (names[k] == n) return k;
  return names.size();
}

}  // namespace

Value run_scan(ExecContext& ctx, const OpCall& c) {
  const std::string& body_name = as_string(c.arg(0), c.what(0));
  auto fit = ctx.fragments.find(body_name);
  if (fit == ctx.fragments.end()) c.fail("body '" + body_name + "' is not a fragment of this document");
  const nnef::Fragment& body = *fit->second;
  std::vector<std::string> params, results;
  for (const auto& p : body.params) params.push_back(p.name);
  for (const auto& r : body.results) results.push_back(r.name);
  std::vector<std::string> bound_by(params.size());
  auto bind = [&](const std::string& name, const char* list) {
    const size_t k = index_of(params, name);
    if (k == params.size()) c.fail(fmt::format("{} names '{}', which is not a parameter of body '{}'", list, name, body_name));
    if (!bound_by[k].empty())
      c.fail(fmt::format("body parameter '{}' bound twice (by {} and {})", name, bound_by[k], list));
    bound_by[k] = list;
    return k;
  };
  std::vector<Value> args(params.size());

  std::vector<ScanInput> scans;
  for (const auto& item : as_items(c.arg(1), c.what(1))) {
    const auto& f = as_items(item, "scan item");
    if (f.size() != 4) c.fail("scan items are (name, tensor, axis, chunk)");
    ScanInput s{as_string(f[0], "scan name"), f[1].tensor, as_int(f[2], "scan axis"), as_int(f[3], "scan chunk"), 0};
    if (!s.tensor) c.fail("scan item '" + s.param + "' is not a tensor");
    bind(s.param, "scan");
    if (s.axis < 0 || s.axis >= s.tensor->rank())
      c.fail(fmt::format("scan '{}': axis {} out of range for {}", s.param, s.axis, shape_str(s.tensor->shape())));
    if (s.chunk == 0) c.fail(fmt::format("scan '{}': chunk 0", s.param));
    const int64_t ext = s.tensor->shape()[static_cast<size_t>(s.axis)], len = std::abs(s.chunk);
    if (ext % len != 0)
      c.fail(fmt::format("scan '{}': extent {} is not a multiple of chunk {} (padded last chunks are not supported)",
                         s.param, ext, s.chunk));
    s.iterations = ext / len;
    scans.push_back(std::move(s));
  }
  if (scans.empty()) c.fail("needs at least one scan input (the iteration count comes from it)");
  for (const auto& s : scans)
    if (s.iterations != scans[0].iterations)
      c.fail(fmt::format("scan inputs have different iteration counts: '{}' {} ({} steps) vs '{}' {} ({} steps)",
                         scans[0].param, shape_str(scans[0].tensor->shape()), scans[0].iterations, s.param,
                         shape_str(s.tensor->shape()), s.iterations));
  for (const auto& item : as_items(c.arg(2), c.what(2))) {
    const auto& f = as_items(item, "full item");
    if (f.size() != 2) c.fail("full items are (name, tensor)");
    args[bind(as_string(f[0], "full name"), "full")] = f[1];
  }
  std::vector<StateBinding> states;
  for (const auto& item : as_items(c.arg(3), c.what(3))) {
    const auto& f = as_items(item, "state item");
    if (f.size() != 3) c.fail("state items are (name, initial, result)");
    StateBinding s{as_string(f[0], "state name"), as_string(f[2], "state result"), f[1]};
    bind(s.param, "state");
    if (index_of(results, s.result) == results.size())
      c.fail(fmt::format("state '{}' names result '{}', which is not a result of body '{}'", s.param, s.result, body_name));
    states.push_back(std::move(s));
  }
  for (size_t k = 0; k < params.size(); ++k)
    if (bound_by[k].empty()) c.fail(fmt::format("body parameter '{}' of '{}' is not bound by scan, full or state", params[k], body_name));
  // tract pairs the k-th state parameter (parameter order) with the k-th
  // state-flagged result (result order); we pair by name: both must agree.
  {
    std::vector<std::string> by_param, by_result;
    for (const auto& p : params)
      for (const auto& s : states)
        if (s.param == p) by_param.push_back(s.result);
    for (const auto& r : results)
      for (const auto& s : states)
        if (s.result == r && std::find(by_result.begin(), by_result.end(), r) == by_result.end()) by_result.push_back(r);
    if (by_param != by_result)
      c.fail("state pairing by name differs from tract's positional pairing (state parameters in parameter order "
             "must name results in result order)");
  }
  std::vector<OutputSpec> outputs;
  for (const auto& item : as_items(c.arg(4), c.what(4))) {
    const auto& f = as_items(item, "output item");
    if (f.size() != 4 && f.size() != 3) c.fail("output items are (result, kind, axis, chunk)");
    OutputSpec o{as_string(f[0], "output result"), true, as_int(f[2], "output axis"),
                 f.size() == 4 ? as_int(f[3], "output chunk") : 1};
    const std::string& kind = as_string(f[1], "output kind");
    if (kind != "full" && kind != "last") c.fail("output kind '" + kind + "' (expected \"full\" or \"last\")");
    o.full = kind == "full";
    if (index_of(results, o.result) == results.size())
      c.fail(fmt::format("output names '{}', which is not a result of body '{}'", o.result, body_name));
    if (o.full && o.chunk == 0) c.fail("output '" + o.result + "': chunk 0");
    outputs.push_back(std::move(o));
  }
  const int64_t skip = as_int(c.arg(5), c.what(5));
  const int64_t n = scans[0].iterations;
  if (skip < 0 || skip > n) c.fail(fmt::format("skip {} out of range [0, {}]", skip, n));

  for (const auto& s : states) args[index_of(params, s.param)] = s.initial;
  // One slot per iteration for "full" outputs only ("last" keeps the final step's).
  std::vector<std::vector<Value>> pieces(outputs.size());
  for (size_t o = 0; o < outputs.size(); ++o)
    if (outputs[o].full) pieces[o].resize(static_cast<size_t>(n));
  std::vector<Value> last;
  const SourceLocation where;
  for (int64_t step = skip; step < n; ++step) {
    if (ctx.options.deadline.passed())
      c.fail(fmt::format("{} at iteration {} of {}", ctx.options.deadline.ran_out(), step, n));
    for (const auto& s : scans) {
      const int64_t len = std::abs(s.chunk), idx = s.chunk > 0 ? step : n - 1 - step;
      args[index_of(params, s.param)] = Value::of_tensor(slice_axis(*s.tensor, s.axis, idx * len, len));
    }
    last = call_fragment_literal(ctx, body, args, where);
    for (const auto& s : states) args[index_of(params, s.param)] = last[index_of(results, s.result)];
    for (size_t o = 0; o < outputs.size(); ++o)
      if (outputs[o].full)
        pieces[o][static_cast<size_t>(outputs[o].chunk > 0 ? step : n - 1 - step)] = last[index_of(results, outputs[o].result)];
  }
  std::vector<Value> out;
  for (size_t o = 0; o < outputs.size(); ++o) {
    if (!outputs[o].full) {
      if (last.empty()) c.fail("output '" + outputs[o].result + "' \"last\" after zero iterations");
      out.push_back(last[index_of(results, outputs[o].result)]);
      continue;
    }
    std::vector<Value> parts;
    for (auto& p : pieces[o])
      if (p.is_tensor()) parts.push_back(std::move(p));
    if (parts.empty()) c.fail("output '" + outputs[o].result + "' \"full\" after zero iterations");
    out.push_back(find_primitive("concat")->run(
        OpCall{"concat", {Value::of_array(std::move(parts)), Value::of_int(outputs[o].axis)}, {"values", "axis"},
               ctx.working, ""}));
  }
  return Value::of_array(std::move(out));
}

}  // namespace rnnconf::cpu

// Regression triage: per-step comparison with the goldens' float64 states and
// hypothesis tests naming the likely cause of the first divergence.
#include "rnnconf/conformance/triage.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <numeric>
#include <optional>
#include <regex>

#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/core/weight_names.hpp"
#include "rnnconf/emitter/emit_inputs.hpp"
#include "rnnconf/emitter/emitter.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "triage_reference.hpp"

namespace rnnconf::conformance {

namespace fs = std::filesystem;
using triage_detail::LayerParams;
using triage_detail::Variant;

namespace {

std::vector<double> doubles(const Tensor& t) {
  if (t.dtype() == DType::f64) return {t.span<double>().begin(), t.span<double>().end()};
  const Tensor d = t.cast(DType::f64);
  return {d.span<double>().begin(), d.span<double>().end()};
}

const char* dir_name(int d) { return d == 0 ? "forward" : "backward"; }

// What the triage knows about the case: golden states, inputs and weights in double.
struct CaseData {
  RnnSpec spec;
  int64_t T = 1, B = 1;
  std::vector<double> x_tm;                         // [T, B, I]
  std::map<std::string, Tensor> states;             // h_l0_fwd ...
  std::map<std::string, Tensor> params;             // PyTorch names
  std::optional<std::vector<double>> h0, c0;        // [L*D, B, H_out] / [L*D, B, H]
};

std::vector<double> golden_state(const CaseData& cd, int layer, int dir) {
  const std::string name = fmt::format("h_l{}_{}", layer, dir == 0 ? "fwd" : "bwd");
  auto it = cd.states.find(name);
  if (it == cd.states.end()) throw Error("golden has no per-step state states_f64/" + name + ".dat");
  return doubles(it->second);
}

// The input of layer k as PyTorch sees it: x, or the golden outputs of layer k-1.
// input_mode 1: batch and time axes exchanged (layer 0, B == T); 2: bidi halves swapped.
std::vector<double> layer_input(const CaseData& cd, int layer, int input_mode) {
  const RnnSpec& s = cd.spec;
  if (layer == 0) {
    if (input_mode != 1) return cd.x_tm;
    std::vector<double> out(cd.x_tm.size());
    for (int64_t t = 0; t < cd.T; ++t)
      for (int64_t b = 0; b < cd.B; ++b)
        for (int64_t i = 0; i < s.I; ++i)
          out[static_cast<size_t>((t * cd.B + b) * s.I + i)] = cd.x_tm[static_cast<size_t>((b * cd.B + t) * s.I + i)];
    return out;
  }
  const int D = s.directions();
  const int64_t Ho = s.H_out();
  std::vector<std::vector<double>> halves;
  for (int d = 0; d < D; ++d) halves.push_back(golden_state(cd, layer - 1, d));
  if (input_mode == 2 && D == 2) std::swap(halves[0], halves[1]);
  std::vector<double> out(static_cast<size_t>(cd.T * cd.B * D * Ho));
  for (int64_t tb = 0; tb < cd.T * cd.B; ++tb)
    for (int d = 0; d < D; ++d)
      for (int64_t n = 0; n < Ho; ++n)
        out[static_cast<size_t>((tb * D + d) * Ho + n)] = halves[static_cast<size_t>(d)][static_cast<size_t>(tb * Ho + n)];
  return out;
}

LayerParams layer_params(const CaseData& cd, int layer, int dir) {
  const RnnSpec& s = cd.spec;
  auto get = [&](ParamInfo::Role role) {
    const std::string name = param_name(s, layer, dir, role);
    auto it = cd.params.find(name);
    if (it == cd.params.end()) throw Error("golden has no parameter params/" + name + ".dat");
    return doubles(it->second);
  };
  LayerParams p;
  p.in = s.cell ? s.I : s.layer_input_size(layer);
  p.H = s.H;
  p.H_out = s.H_out();
  p.bias = s.bias;
  p.w_ih = get(ParamInfo::Role::w_ih);
  p.w_hh = get(ParamInfo::Role::w_hh);
  if (s.bias) {
    p.b_ih = get(ParamInfo::Role::b_ih);
    p.b_hh = get(ParamInfo::Role::b_hh);
  }
  if (s.proj > 0) p.w_hr = get(ParamInfo::Role::w_hr);
  return p;
}

// Slice j of a stacked initial state [L*D, B, n]; zeros when absent.
std::vector<double> state_slice(const std::optional<std::vector<double>>& st, int j, int64_t B, int64_t n) {
  std::vector<double> out(static_cast<size_t>(B * n), 0.0);
  if (!st || j < 0) return out;
  std::copy_n(st->begin() + static_cast<std::ptrdiff_t>(j * B * n), B * n, out.begin());
  return out;
}

struct Hypothesis {
  std::string cause_class;
  std::string description;
  Variant v;
  int h0_slice = -2;  // -2: PyTorch's slice; -1: zeros; j: slice j
  int input_mode = 0;
};

std::string gate_list(const RnnSpec& s, const std::vector<int>& perm) {
  const auto names = gate_names(s.kind);
  std::string out;
  for (int g : perm) out += (out.empty() ? "" : ",") + std::string(names[static_cast<size_t>(g)]);
  return out;
}

std::vector<Hypothesis> hypotheses(const CaseData& cd, int layer, int dir) {
  const RnnSpec& s = cd.spec;
  const int G = s.gates();
  const auto names = gate_names(s.kind);
  const Variant base = triage_detail::pytorch_variant(s);
  Variant pt = base;
  pt.reverse = dir == 1;
  std::vector<Hypothesis> hs;
  auto add = [&](std::string cls, std::string desc, auto edit) {
    Hypothesis h;
    h.cause_class = std::move(cls);
    h.description = std::move(desc);
    h.v = pt;
    edit(h);
    hs.push_back(std::move(h));
  };
  // Gate order: every permutation of all stacked tensors; transpositions of one tensor.
  if (G > 1) {
    std::vector<int> perm(static_cast<size_t>(G));
    std::iota(perm.begin(), perm.end(), 0);
    while (std::next_permutation(perm.begin(), perm.end()))
      add("gate order", "gates read in the order " + gate_list(s, perm) + " (PyTorch " +
                            gate_list(s, base.perm_ih) + ")",
          [&](Hypothesis& h) { h.v.perm_ih = h.v.perm_hh = h.v.perm_b = perm; });
    for (int a = 0; a < G; ++a)
      for (int b = a + 1; b < G; ++b) {
        std::vector<int> tr = base.perm_ih;
        std::swap(tr[static_cast<size_t>(a)], tr[static_cast<size_t>(b)]);
        const std::string pair = fmt::format("gates {} and {} exchanged", names[static_cast<size_t>(a)], names[static_cast<size_t>(b)]);
        add("gate order", pair + " in the input weights", [&](Hypothesis& h) { h.v.perm_ih = tr; });
        add("gate order", pair + " in the recurrent weights", [&](Hypothesis& h) { h.v.perm_hh = tr; });
        if (s.bias) add("gate order", pair + " in the biases", [&](Hypothesis& h) { h.v.perm_b = tr; });
      }
  }
  if (s.bias) {
    const std::vector<std::pair<std::string, int>> which = {{"input bias", 1}, {"recurrent bias", 2}, {"both biases", 3}};
    for (const auto& [what, mask] : which)
      for (double scale : {0.0, 2.0}) {
        add("bias", what + (scale == 0 ? " missing" : " doubled"), [&, m = mask](Hypothesis& h) {
          if (m & 1) h.v.b_ih_scale.assign(static_cast<size_t>(G), scale);
          if (m & 2) h.v.b_hh_scale.assign(static_cast<size_t>(G), scale);
        });
        if (scale == 0 && G > 1)
          for (int g = 0; g < G; ++g)
            add("bias", what + " of gate " + std::string(names[static_cast<size_t>(g)]) + " missing",
                [&, m = mask](Hypothesis& h) {
                  if (m & 1) h.v.b_ih_scale[static_cast<size_t>(g)] = 0;
                  if (m & 2) h.v.b_hh_scale[static_cast<size_t>(g)] = 0;
                });
      }
    if (s.kind == RnnSpec::Kind::gru)
      add("bias", "reset gate applied before the recurrent bias b_hn (r * (W_hn h) + b_hn)",
          [](Hypothesis& h) { h.v.gru_reset_after_bias = true; });
  }
  if (!s.cell && cd.T > 1)
    add("direction", dir == 1 ? "the backward direction scans forward in time" : "the forward direction scans backward in time",
        [](Hypothesis& h) { h.v.reverse = !h.v.reverse; });
  if (s.kind == RnnSpec::Kind::lstm || s.kind == RnnSpec::Kind::gru) {
    add("nonlinearity", "sigmoid gates computed with tanh", [](Hypothesis& h) { h.v.gate_tanh = true; });
    add("nonlinearity", s.kind == RnnSpec::Kind::lstm ? "cell candidate g computed with sigmoid (PyTorch: tanh)"
                                                    : "candidate n computed with sigmoid (PyTorch: tanh)",
        [](Hypothesis& h) { h.v.candidate_act = 1; });
  } else {
    add("nonlinearity", s.kind == RnnSpec::Kind::rnn_tanh ? "relu where PyTorch applies tanh" : "tanh where PyTorch applies relu",
        [](Hypothesis& h) { h.v.candidate_act = 2; });
  }
  if (s.kind == RnnSpec::Kind::lstm)
    add("nonlinearity", "h = o * sigmoid(c) (PyTorch: o * tanh(c))", [](Hypothesis& h) { h.v.cell_sigmoid = true; });
  if (cd.T > 1) {
    add("step", "step t reads the input of t+1 (off by one step)", [](Hypothesis& h) { h.v.input_shift = 1; });
    add("step", "step t reads the input of t-1 (off by one step)", [](Hypothesis& h) { h.v.input_shift = -1; });
  }
  if (s.proj > 0) add("projection", "projection applied twice (W_hr W_hr^T W_hr m)", [](Hypothesis& h) { h.v.proj_twice = true; });
  if (layer == 0 && cd.T == cd.B && cd.T > 1 && !s.cell)
    add("layout", "batch and time axes of the input exchanged", [](Hypothesis& h) { h.input_mode = 1; });
  if (layer > 0 && s.bidirectional)
    add("layout", "the layer's input has the backward half first (bidi packing order swapped)",
        [](Hypothesis& h) { h.input_mode = 2; });
  if (s.state) {
    const int D = s.directions(), own = layer * D + dir;
    for (int j = 0; j < s.layers * D; ++j)
      if (j != own)
        add("initial state", fmt::format("h0[{}] used, PyTorch uses h0[{}]", j, own),
            [&](Hypothesis& h) { h.h0_slice = j; });
    add("initial state", "h0 ignored (zeros)", [](Hypothesis& h) { h.h0_slice = -1; });
  }
  return hs;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double e = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    const double d = std::abs(a[i] - b[i]);
    if (std::isnan(d)) return std::numeric_limits<double>::infinity();
    e = std::max(e, d);
  }
  return e;
}

std::vector<double> run_hypothesis(const CaseData& cd, int layer, int dir, const Hypothesis& h) {
  const RnnSpec& s = cd.spec;
  const int own = layer * s.directions() + dir;
  const int slice = h.h0_slice == -2 ? own : h.h0_slice;
  const LayerParams p = layer_params(cd, layer, dir);
  std::vector<double> c0;
  if (s.kind == RnnSpec::Kind::lstm) c0 = state_slice(cd.c0, slice, cd.B, s.H);
  return triage_detail::run_layer(s, p, h.v, layer_input(cd, layer, h.input_mode), cd.T, cd.B,
                                  state_slice(cd.h0, slice, cd.B, s.H_out()), c0);
}

// Per time index: max |a - b| over batch and features ([T, B, n] both).
std::vector<double> error_by_time(const std::vector<double>& a, const std::vector<double>& b, int64_t T) {
  std::vector<double> e(static_cast<size_t>(T), 0.0);
  const size_t per = a.size() / static_cast<size_t>(T);
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(a[i] - b[i]);
    double& slot = e[i / per];
    slot = std::isnan(d) ? std::numeric_limits<double>::infinity() : std::max(slot, d);
  }
  return e;
}

std::string fmt_err(double e) { return fmt::format("{:.2g}", e); }

struct Observed {
  int layer = 0, direction = 0;
  Tensor h;  // [T, B, H_out] as the model computed it
};

// The hidden sequence of each (layer, direction): the first result of every
// recurrent fragment call, in graph order (layer-major, forward first).
std::vector<Observed> observed_tracks(const CaseData& cd, const cpu::RunResult& rr) {
  const RnnSpec& s = cd.spec;
  std::vector<Observed> out;
  if (s.cell) {
    auto it = rr.outputs.find("h1");
    if (it != rr.outputs.end()) {
      Shape sh = it->second.shape();
      sh.insert(sh.begin(), 1);
      out.push_back({0, 0, it->second.reshaped(sh)});
    }
    return out;
  }
  std::map<std::string, const Tensor*> records;
  for (const auto& r : rr.records) records[r.name] = &r.value;
  static const std::regex recurrent(R"(^(lstm|lstm_with_projection|gru|rnn_tanh|rnn_relu)$)");
  int k = 0;
  const int D = s.directions();
  for (const auto& call : rr.calls) {
    if (!std::regex_search(call.fragment, recurrent) || call.lhs.empty()) continue;
    auto it = records.find(call.lhs.front());
    if (it == records.end()) continue;
    if (k / D >= s.layers) break;  // more recurrent calls than layers: the rest cannot be placed
    out.push_back({k / D, k % D, *it->second});
    ++k;
  }
  return out;
}

CaseData load_case_data(const MatrixCase& c, const fs::path& golden_dir, const Golden& g) {
  CaseData cd;
  cd.spec = c.spec;
  const RnnSpec& s = c.spec;
  cd.T = s.cell ? 1 : s.T;
  cd.B = s.B;
  cd.states = load_golden_states(golden_dir);
  cd.params = emitter::read_params_dir(s, golden_dir / "params");
  const std::vector<double> x = doubles(g.inputs.at("x"));
  if (s.batch_first && !s.cell) {
    cd.x_tm.resize(x.size());
    for (int64_t b = 0; b < cd.B; ++b)
      for (int64_t t = 0; t < cd.T; ++t)
        for (int64_t i = 0; i < s.I; ++i)
          cd.x_tm[static_cast<size_t>((t * cd.B + b) * s.I + i)] = x[static_cast<size_t>((b * cd.T + t) * s.I + i)];
  } else {
    cd.x_tm = x;
  }
  if (auto it = g.inputs.find("h0"); it != g.inputs.end()) cd.h0 = doubles(it->second);
  if (auto it = g.inputs.find("c0"); it != g.inputs.end()) cd.c0 = doubles(it->second);
  return cd;
}

// Classifies the divergence of one track: the best hypothesis that reproduces it.
std::pair<std::string, std::string> classify_track(const CaseData& cd, const Observed& o, double err_truth,
                                                   double threshold) {
  const std::vector<double> seen = doubles(o.h);
  double best = std::numeric_limits<double>::infinity();
  const Hypothesis* winner = nullptr;
  const auto hs = hypotheses(cd, o.layer, o.direction);
  for (const auto& h : hs) {
    const double e = max_abs_diff(run_hypothesis(cd, o.layer, o.direction, h), seen);
    if (e < best) {
      best = e;
      winner = &h;
    }
  }
  // A hypothesis explains the model when it reproduces it to float32 accuracy
  // (the threshold of the policy, with room for the float32 run's rounding),
  // and far better than PyTorch's semantics do.
  const double explain = std::max(16 * threshold, 1e-4);
  if (winner && best <= explain && best < 0.25 * err_truth) return {winner->cause_class, winner->description};
  if (err_truth <= std::max(1e-3, 64 * threshold))
    return {"numerics", "no structural hypothesis reproduces it; error small and accumulating"};
  return {"unknown", fmt::format("no hypothesis reproduces it (closest differs by {})", fmt_err(best))};
}

// A model that refuses to run: when its error puts two shapes side by side
// that differ in one axis, one holding the batch size and the other the
// sequence length, the model confuses the batch and time axes (layout).
bool refusal_confuses_batch_and_time(const std::string& message, int64_t B, int64_t T) {
  if (B == T) return false;
  static const std::regex shape_re(R"(\[(\d+(?:, \d+)*)\])");
  std::vector<std::vector<int64_t>> shapes;
  for (auto it = std::sregex_iterator(message.begin(), message.end(), shape_re); it != std::sregex_iterator(); ++it) {
    std::vector<int64_t> dims;
    const std::string body = (*it)[1].str();
    for (size_t pos = 0; pos < body.size();) {
      size_t used = 0;
      dims.push_back(std::stoll(body.substr(pos), &used));
      pos += used + 2;
    }
    shapes.push_back(std::move(dims));
  }
  for (size_t i = 0; i < shapes.size(); ++i)
    for (size_t j = i + 1; j < shapes.size(); ++j) {
      if (shapes[i].size() != shapes[j].size()) continue;
      int differing = 0;
      bool batch_time = false;
      for (size_t k = 0; k < shapes[i].size(); ++k) {
        if (shapes[i][k] == shapes[j][k]) continue;
        ++differing;
        batch_time = (shapes[i][k] == B && shapes[j][k] == T) || (shapes[i][k] == T && shapes[j][k] == B);
      }
      if (differing == 1 && batch_time) return true;
    }
  return false;
}

}  // namespace

TriageReport triage_model(const MatrixCase& c, const fs::path& golden_dir, const nnef::Model& model,
                          const std::string& mode, const Policy& policy, const Deadline& deadline) {
  if (c.is_model()) throw Error("not triaged (model tier: issue 16): " + c.name + " has no RnnSpec to replay");
  TriageReport rep;
  const Golden g = load_golden(golden_dir);
  const RnnSpec& s = c.spec;
  double e_torch = 0;
  for (const auto& name : g.output_names)
    e_torch = std::max(e_torch, max_abs_diff(doubles(g.torch_f32.at(name)), doubles(g.truth.at(name))));
  rep.step_threshold = std::max(accumulation_floor(policy, s), policy.R * e_torch);

  cpu::RunOptions opt;
  opt.mode = mode == "literal" ? cpu::FragmentMode::literal : cpu::FragmentMode::fused;
  opt.record = true;
  opt.deadline = deadline;
  cpu::RunResult rr;
  try {
    rr = cpu::run_model(model, g.inputs, opt);
  } catch (const Error& e) {
    const std::string what = e.what();
    if (!s.cell && refusal_confuses_batch_and_time(what, s.B, s.T)) {
      rep.cause_class = "layout";
      rep.line = "model refused (layout: batch and time axes confused): " + what;
    } else {
      rep.cause_class = "export";
      rep.line = "model refused (export): " + what;
    }
    return rep;
  }
  const CaseData cd = load_case_data(c, golden_dir, g);
  const auto tracks = observed_tracks(cd, rr);
  const int D = s.cell ? 1 : s.directions();

  // Per track: errors against the golden states.
  struct Verdict {
    const Observed* o;
    double err = 0;
    int first_bad = -1;
    std::string shape_problem;
  };
  std::vector<Verdict> verdicts;
  for (const auto& o : tracks) {
    Verdict v;
    v.o = &o;
    const std::vector<double> truth = golden_state(cd, o.layer, o.direction);
    const Shape want = {cd.T, cd.B, s.H_out()};
    TriageTrack tr;
    tr.layer = o.layer;
    tr.direction = o.direction;
    if (o.h.shape() != want) {
      v.shape_problem = fmt::format("h has shape {}, PyTorch's is {}", shape_str(o.h.shape()), shape_str(want));
      v.first_bad = 0;
      v.err = std::numeric_limits<double>::infinity();
    } else {
      tr.error_by_time = error_by_time(doubles(o.h), truth, cd.T);
      for (int64_t st = 0; st < cd.T; ++st) {
        const int64_t t = o.direction == 1 ? cd.T - 1 - st : st;
        const double e = tr.error_by_time[static_cast<size_t>(t)];
        v.err = std::max(v.err, e);
        if (v.first_bad < 0 && !(e <= rep.step_threshold)) v.first_bad = static_cast<int>(st);
      }
    }
    tr.first_bad_step = v.first_bad;
    rep.tracks.push_back(tr);
    verdicts.push_back(v);
  }

  // The first layer with a divergent direction.
  for (int layer = 0; layer < (s.cell ? 1 : s.layers); ++layer) {
    const Verdict* bad = nullptr;
    for (const auto& v : verdicts)
      if (v.o->layer == layer && v.first_bad >= 0 && !bad) bad = &v;
    if (!bad) continue;
    const std::string where = s.cell ? std::string("cell") : fmt::format("layer {} {}", layer, dir_name(bad->o->direction));
    std::string cls, desc;
    if (!bad->shape_problem.empty()) {
      cls = "layout";
      const Shape& got = bad->o->h.shape();
      desc = got.size() == 3 && got[0] == cd.B && got[1] == cd.T ? "batch and time axes exchanged" : "wrong shape";
      rep.line = fmt::format("{}: {} ({}: {})", where, bad->shape_problem, cls, desc);
    } else {
      std::tie(cls, desc) = classify_track(cd, *bad->o, bad->err, rep.step_threshold);
      rep.line = fmt::format("{}: h differs from step {} ({}: {}), err {}", where, bad->first_bad, cls, desc,
                             fmt_err(bad->err));
    }
    rep.cause_class = cls;
    for (const auto& v : verdicts)
      if (v.o->layer == layer && &v != bad)
        rep.line += fmt::format("; {} {}", dir_name(v.o->direction),
                                v.first_bad < 0 ? std::string("ok") : fmt::format("differs from step {}", v.first_bad));
    if (D == 2 && std::count_if(verdicts.begin(), verdicts.end(), [&](const Verdict& v) { return v.o->layer == layer; }) < 2)
      rep.line += "; other direction not recorded";
    return rep;
  }

  // Every recorded track agrees: judge the graph outputs (assembly, packing, layout).
  std::string worst_output;
  double worst = 0;
  for (const auto& name : g.output_names) {
    auto it = rr.outputs.find(name);
    if (it == rr.outputs.end()) {
      rep.cause_class = "layout";
      rep.line = "the model has no output '" + name + "' (layout)";
      return rep;
    }
    const OutputJudgement j = judge_output(name, it->second, g.torch_f32.at(name), g.truth.at(name), policy, s);
    if (!j.passed && (worst_output.empty() || !(j.e_ours <= worst))) {
      worst_output = name + (j.reason.empty() ? "" : " (" + j.reason + ")");
      worst = j.e_ours;
    }
  }
  if (worst_output.empty()) {
    rep.ok = true;
    rep.line = tracks.empty() ? "ok (outputs only: no per-layer intermediates recorded)" : "ok";
    return rep;
  }
  rep.cause_class = tracks.empty() ? "unknown" : "layout";
  rep.line = tracks.empty()
                 ? "output " + worst_output + " differs; no per-layer intermediates recorded (unknown)"
                 : fmt::format("every layer and direction matches the per-step truth; output {} differs, err {} "
                               "(layout: the outputs are assembled wrongly)",
                               worst_output, fmt_err(worst));
  return rep;
}

TriageReport triage_case(const MatrixCase& c, const fs::path& golden_dir, const std::string& mode,
                         const Policy& policy, const std::string& model_source, const Deadline& deadline) {
  if (c.is_model()) throw Error("not triaged (model tier: issue 16): " + c.name + " has no RnnSpec to replay");
  if (model_source == "emitter") {
    const auto params = emitter::read_params_dir(c.spec, golden_dir / "params");
    const emitter::EmittedModel em = c.spec.entry == RnnSpec::Entry::aten
                                         ? emitter::emit_aten(c.spec, emitter::aten_flat_list(c.spec, params))
                                         : emitter::emit_module(c.spec, params);
    const auto bytes = nnef::write_model_archive_bytes(em.graph_text, em.variables, std::nullopt, false);
    return triage_model(c, golden_dir,
                        nnef::load_model_files(nnef::open_model_archive_bytes(bytes, c.name + ".tar")), mode,
                        policy, deadline);
  }
  const Golden g = load_golden(golden_dir);
  if (!g.export_path) {
    TriageReport rep;
    rep.cause_class = "export";
    rep.line = "no torch_to_nnef export (export): " + (g.export_error.empty() ? g.export_status : g.export_error);
    return rep;
  }
  return triage_model(c, golden_dir, nnef::load_model(*g.export_path), mode, policy, deadline);
}

}  // namespace rnnconf::conformance

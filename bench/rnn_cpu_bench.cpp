// bench_rnn_cpu: float32 LSTM and GRU (one layer, one direction, I = H,
// T = 100, B in {1, 8, 64}, H in {256, 512}) through rnnconf's fused CPU
// kernels ("ours/...") and LibTorch's at::lstm / at::gru in inference mode
// ("libtorch/..."), same weights, same inputs, same thread count
// (--threads N sets both OpenBLAS and ATen; default 1). Before timing, each
// pair is checked to compute the same thing: the max |ours − libtorch| over y
// is reported as the counter max_abs_diff of the "ours" benchmark.
//
// Anchor ("anchor/w_hh_read/<variant>/H<h>"): one core reading a buffer the
// size of W_hh (G·H·H floats, as the kernels hold it) once per pass, AVX-512
// loads into 8 accumulators, measured in the same run. At B = 1 every step must
// read all of W_hh, so T × (time of one pass) is a floor for the recurrent part
// of any implementation on this machine (compare_rnn_cpu.py reports it).
#include <benchmark/benchmark.h>
#include <cblas.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "rnnconf/reference_cpu/rnn_kernels.hpp"

#ifdef RNNCONF_HAVE_LIBTORCH
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#endif

namespace {

using rnnconf::cpu::RnnVariant;

constexpr int64_t kSteps = 100;

struct Problem {
  RnnVariant variant;
  int64_t batch, hidden;
  int64_t input() const { return hidden; }
  int64_t gates() const { return rnnconf::cpu::gate_count(variant); }
};

// PyTorch-style parameters, uniform ±1/sqrt(H) like torch's default init, fixed seed.
struct Params {
  std::vector<float> w_ih, w_hh, b_ih, b_hh, x;
};
Params make_params(const Problem& p) {
  std::mt19937 rng(1234);
  const float bound = 1.0F / std::sqrt(static_cast<float>(p.hidden));
  std::uniform_real_distribution<float> w(-bound, bound), u(-1.0F, 1.0F);
  auto draw = [&rng](int64_t n, std::uniform_real_distribution<float>& d) {
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& e : v) e = d(rng);
    return v;
  };
  const int64_t gh = p.gates() * p.hidden;
  Params out;
  out.w_ih = draw(gh * p.input(), w);
  out.w_hh = draw(gh * p.hidden, w);
  out.b_ih = draw(gh, w);
  out.b_hh = draw(gh, w);
  out.x = draw(kSteps * p.batch * p.input(), u);
  return out;
}

// Our kernels: weights packed once, workspace reused, zero initial state.
struct OursRunner {
  rnnconf::cpu::RnnWeights<float> weights;
  rnnconf::cpu::SequenceWorkspace<float> ws;
  std::vector<float> y, h_last, c_last;
  rnnconf::cpu::SequenceArgs<float> args;
  OursRunner(const Problem& p, const Params& prm) {
    weights = rnnconf::cpu::pack_stacked_weights<float>(
        p.variant, p.input(), p.hidden, 0,
        rnnconf::cpu::StackedWeightsView<float>{prm.w_ih, prm.w_hh, prm.b_ih, prm.b_hh, {}});
    y.resize(static_cast<size_t>(kSteps * p.batch * p.hidden));
    h_last.resize(static_cast<size_t>(p.batch * p.hidden));
    c_last.resize(static_cast<size_t>(p.batch * p.hidden));
    args.x = prm.x.data();
    args.steps = kSteps;
    args.batch = p.batch;
    args.y = y.data();
    args.h_last = h_last.data();
    args.c_last = p.variant == RnnVariant::lstm ? c_last.data() : nullptr;
  }
  void run() { rnnconf::cpu::run_sequence(weights, args, ws); }
};

#ifdef RNNCONF_HAVE_LIBTORCH
struct TorchRunner {
  at::Tensor x, h0, c0;
  std::vector<at::Tensor> params;
  RnnVariant variant;
  at::Tensor y;
  TorchRunner(const Problem& p, const Params& prm) : variant(p.variant) {
    auto opts = at::TensorOptions().dtype(at::kFloat);
    auto from = [&opts](const std::vector<float>& v, at::IntArrayRef shape) {
      return at::from_blob(const_cast<float*>(v.data()), shape, opts).clone();
    };
    const int64_t gh = p.gates() * p.hidden;
    x = from(prm.x, {kSteps, p.batch, p.input()});
    params = {from(prm.w_ih, {gh, p.input()}), from(prm.w_hh, {gh, p.hidden}), from(prm.b_ih, {gh}),
              from(prm.b_hh, {gh})};
    h0 = at::zeros({1, p.batch, p.hidden}, opts);
    c0 = at::zeros({1, p.batch, p.hidden}, opts);
  }
  void run() {
    c10::InferenceMode guard;
    if (variant == RnnVariant::lstm)
      y = std::get<0>(at::lstm(x, {h0, c0}, params, /*has_biases=*/true, /*num_layers=*/1, /*dropout=*/0.0,
                               /*train=*/false, /*bidirectional=*/false, /*batch_first=*/false));
    else
      y = std::get<0>(at::gru(x, h0, params, true, 1, 0.0, false, false, false));
  }
};
#endif

std::string problem_name(const Problem& p) {
  return std::string(rnnconf::cpu::variant_name(p.variant)) + "/B" + std::to_string(p.batch) + "/H" +
         std::to_string(p.hidden) + "/T" + std::to_string(kSteps);
}

void register_problem(const Problem& p, int threads) {
  const std::string suffix = problem_name(p) + "/threads" + std::to_string(threads);
  benchmark::RegisterBenchmark(("ours/" + suffix).c_str(), [p](benchmark::State& state) {
    const Params prm = make_params(p);
    OursRunner ours(p, prm);
#ifdef RNNCONF_HAVE_LIBTORCH
    TorchRunner torch(p, prm);
    ours.run();
    torch.run();
    const float* ty = torch.y.data_ptr<float>();
    double diff = 0;
    for (size_t i = 0; i < ours.y.size(); ++i) diff = std::fmax(diff, std::fabs(static_cast<double>(ours.y[i] - ty[i])));
    state.counters["max_abs_diff"] = diff;
#endif
    for (auto _ : state) {
      ours.run();
      benchmark::DoNotOptimize(ours.y.data());
      benchmark::ClobberMemory();
    }
    state.counters["us_per_step"] = benchmark::Counter(static_cast<double>(kSteps), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  })->UseRealTime()->Unit(benchmark::kMicrosecond);
#ifdef RNNCONF_HAVE_LIBTORCH
  benchmark::RegisterBenchmark(("libtorch/" + suffix).c_str(), [p](benchmark::State& state) {
    const Params prm = make_params(p);
    TorchRunner torch(p, prm);
    for (auto _ : state) {
      torch.run();
      benchmark::DoNotOptimize(torch.y.data_ptr<float>());
      benchmark::ClobberMemory();
    }
    state.counters["us_per_step"] = benchmark::Counter(static_cast<double>(kSteps), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  })->UseRealTime()->Unit(benchmark::kMicrosecond);
#endif
}

// Sum of a float buffer, one pass: the memory-read floor of a B = 1 step.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
__attribute__((target("avx512f"))) float read_pass_avx512(const float* p, int64_t n) {
  __m512 acc[8];
  for (auto& a : acc) a = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + 128 <= n; i += 128)
    for (int v = 0; v < 8; ++v) acc[v] = _mm512_add_ps(acc[v], _mm512_loadu_ps(p + i + 16 * v));
  for (int v = 1; v < 8; ++v) acc[0] = _mm512_add_ps(acc[0], acc[v]);
  alignas(64) float lanes[16];  // (GCC 12's _mm512_reduce_add_ps trips -Wuninitialized)
  _mm512_store_ps(lanes, acc[0]);
  float s = 0;
  for (float l : lanes) s += l;
  for (; i < n; ++i) s += p[i];
  return s;
}
#endif
float read_pass(const float* p, int64_t n) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (__builtin_cpu_supports("avx512f")) return read_pass_avx512(p, n);
#endif
  float s = 0;
  for (int64_t i = 0; i < n; ++i) s += p[i];
  return s;
}

void register_anchor(RnnVariant v, int64_t hidden) {
  const std::string name =
      "anchor/w_hh_read/" + std::string(rnnconf::cpu::variant_name(v)) + "/H" + std::to_string(hidden);
  benchmark::RegisterBenchmark(name.c_str(), [v, hidden](benchmark::State& state) {
    const int64_t n = rnnconf::cpu::gate_count(v) * hidden * hidden;
    std::vector<float> w(static_cast<size_t>(n), 1.0F / static_cast<float>(n));
    for (auto _ : state) benchmark::DoNotOptimize(read_pass(w.data(), n));
    state.counters["bytes"] = static_cast<double>(n) * sizeof(float);
    state.counters["GB_per_s"] = benchmark::Counter(static_cast<double>(n) * sizeof(float),
                                                    benchmark::Counter::kIsIterationInvariantRate,
                                                    benchmark::Counter::kIs1000);
  })->UseRealTime()->Unit(benchmark::kMicrosecond);
}

// Takes "--threads N" / "--threads=N" out of argv (Google Benchmark rejects unknown flags).
int take_threads_flag(int& argc, char** argv) {
  int threads = 1;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (std::strncmp(argv[i], "--threads=", 10) == 0) {
      threads = std::atoi(argv[i] + 10);
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return threads < 1 ? 1 : threads;
}

}  // namespace

int main(int argc, char** argv) {
  const int threads = take_threads_flag(argc, argv);
  openblas_set_num_threads(threads);
#ifdef RNNCONF_HAVE_LIBTORCH
  at::set_num_threads(threads);
  benchmark::AddCustomContext("libtorch", "yes (at::lstm / at::gru, float32, InferenceMode)");
#else
  benchmark::AddCustomContext("libtorch", "no (built without LibTorch)");
#endif
  benchmark::AddCustomContext("threads", std::to_string(threads));
  benchmark::AddCustomContext("openblas_config", openblas_get_config());
  for (RnnVariant v : {RnnVariant::lstm, RnnVariant::gru})
    for (int64_t b : {1, 8, 64})
      for (int64_t h : {256, 512}) register_problem(Problem{v, b, h}, threads);
  for (RnnVariant v : {RnnVariant::lstm, RnnVariant::gru})
    for (int64_t h : {256, 512}) register_anchor(v, h);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

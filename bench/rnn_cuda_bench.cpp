// bench_rnn_cuda: one layer, one direction, LSTM and GRU forward (inference)
// over T steps on the GPU: reference_cuda's fused kernels (the time loop
// captured as a CUDA graph and replayed; also enqueued eagerly, to show what
// the graph saves) against cuDNN's cudnnRNNForward, called directly. Timing:
// cudaEvents around each call, warm-up first, median of the repeats.
//
// Math modes: ours in f32-pedantic (the conformance mode), tf32 and bf16
// (benchmark only; each reports its relative L2 error against our pedantic
// output on the same inputs); cuDNN with CUDNN_FMA_MATH (plain float32) and
// CUDNN_DEFAULT_MATH (cuDNN may use TF32 there). Our pedantic result is checked
// against the CPU float64 kernel at B = 1 (err_vs_f64 in the JSON), and cuDNN
// runs on the same weights and inputs, its y compared with ours
// (diff_vs_rnnconf_pedantic: relative L2).
//
//   bench_rnn_cuda [--out FILE.json] [--T 100] [--B 1,8,64] [--H 512,1024] [--reps 20]
#include <cudnn.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cuda/cuda_check.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"
#include "rnnconf/reference_cuda/cuda_graph_loop.hpp"
#include "rnnconf/reference_cuda/device.hpp"
#include "rnnconf/reference_cuda/sequence_runner.hpp"

namespace {

using namespace rnnconf;
using namespace rnnconf::cuda;

#define BENCH_CUDNN_CHECK(call)                                                                           \
  do {                                                                                                    \
    const cudnnStatus_t s_ = (call);                                                                      \
    if (s_ != CUDNN_STATUS_SUCCESS)                                                                       \
      throw Error(fmt::format("{}:{}: {} failed: {}", __FILE__, __LINE__, #call, cudnnGetErrorString(s_))); \
  } while (0)

struct Options {
  std::string out;
  int64_t T = 100;
  std::vector<int64_t> batches{1, 8, 64};
  std::vector<int64_t> hiddens{512, 1024};
  int reps = 20;
};

std::vector<int64_t> parse_list(const std::string& s) {
  std::vector<int64_t> v;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) v.push_back(std::stoll(item));
  return v;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int k = 1; k < argc; ++k) {
    const std::string a = argv[k];
    auto next = [&]() -> std::string {
      if (k + 1 >= argc) throw Error("missing value after " + a);
      return argv[++k];
    };
    if (a == "--out") o.out = next();
    else if (a == "--T") o.T = std::stoll(next());
    else if (a == "--B") o.batches = parse_list(next());
    else if (a == "--H") o.hiddens = parse_list(next());
    else if (a == "--reps") o.reps = std::stoi(next());
    else throw Error("unknown argument " + a);
  }
  return o;
}

std::vector<float> random_floats(size_t n, double bound, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-bound, bound);
  std::vector<float> v(n);
  for (auto& e : v) e = static_cast<float>(u(rng));
  return v;
}

struct Timing {
  double median_ms = 0, min_ms = 0;
  int reps = 0;
};

// Times `enqueue` (which enqueues one forward on `stream`) with events.
template <class F>
Timing time_on(cudaStream_t stream, int reps, F enqueue) {
  cudaEvent_t a = nullptr, b = nullptr;
  RNNCONF_CUDA_CHECK(cudaEventCreate(&a));
  RNNCONF_CUDA_CHECK(cudaEventCreate(&b));
  for (int k = 0; k < 3; ++k) enqueue();
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(stream));
  std::vector<double> ms;
  for (int k = 0; k < reps; ++k) {
    RNNCONF_CUDA_CHECK(cudaEventRecord(a, stream));
    enqueue();
    RNNCONF_CUDA_CHECK(cudaEventRecord(b, stream));
    RNNCONF_CUDA_CHECK(cudaEventSynchronize(b));
    float t = 0;
    RNNCONF_CUDA_CHECK(cudaEventElapsedTime(&t, a, b));
    ms.push_back(t);
  }
  RNNCONF_CUDA_CHECK(cudaEventDestroy(a));
  RNNCONF_CUDA_CHECK(cudaEventDestroy(b));
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front(), reps};
}

double rel_l2(const std::vector<float>& got, const std::vector<double>& want) {
  double num = 0, den = 0;
  for (size_t k = 0; k < got.size(); ++k) {
    if (std::isnan(got[k])) return INFINITY;
    num += (got[k] - want[k]) * (got[k] - want[k]);
    den += want[k] * want[k];
  }
  return std::sqrt(num / std::max(den, 1e-300));
}

std::vector<double> widen(const std::vector<float>& v) { return {v.begin(), v.end()}; }

// PyTorch-layout parameters of one layer (I = H), U(±1/√H) like torch's init.
struct LayerParams {
  std::vector<float> w_ih, w_hh, b_ih, b_hh;
  LayerParams(cpu::RnnVariant v, int64_t H) {
    const auto G = static_cast<size_t>(cpu::gate_count(v)), h = static_cast<size_t>(H);
    const double k = 1.0 / std::sqrt(double(H));
    w_ih = random_floats(G * h * h, k, 21);
    w_hh = random_floats(G * h * h, k, 22);
    b_ih = random_floats(G * h, k, 23);
    b_hh = random_floats(G * h, k, 24);
  }
};

// Our kernels for one (cell, B, H): timings per mode, errors. Returns the
// pedantic y in `pedantic_y` (for the cuDNN cross-check).
nlohmann::json bench_ours(cpu::RnnVariant v, int64_t B, int64_t H, const Options& o, const std::vector<float>& x,
                          const LayerParams& lp, std::vector<float>& pedantic_y,
                          std::vector<std::vector<std::string>>& table) {
  const int64_t I = H, T = o.T;
  const auto& w_ih = lp.w_ih;
  const auto& w_hh = lp.w_hh;
  const auto& b_ih = lp.b_ih;
  const auto& b_hh = lp.b_hh;
  const cpu::RnnWeights<float> hw =
      cpu::pack_stacked_weights<float>(v, I, H, 0, cpu::StackedWeightsView<float>{w_ih, w_hh, b_ih, b_hh, {}});
  nlohmann::json rows = nlohmann::json::array();
  for (const MathMode m : {MathMode::pedantic, MathMode::tf32, MathMode::bf16}) {
    CudaContext ctx(m);
    const Lane& lane = ctx.lane(0);
    const DeviceRnnWeights<float> w = upload_weights(hw, lane.stream);
    DeviceBuffer<float> dx, y(T * B * H), h_last(B * H), c_last(B * H);
    dx.upload(x, lane.stream);
    DeviceWorkspace<float> ws;
    ws.reserve(w, T, B);
    DeviceSequenceArgs<float> a;
    a.x = dx.data();
    a.steps = T;
    a.batch = B;
    a.y = y.data();
    a.h_last = h_last.data();
    a.c_last = v == cpu::RnnVariant::lstm ? c_last.data() : nullptr;
    auto eager = [&] { run_sequence_device(lane, m, w, a, ws); };
    CapturedLoop loop;
    eager();  // warm-up outside the capture
    loop.capture(lane.stream, eager);
    y.fill_nan(lane.stream);
    const Timing graphed = time_on(lane.stream, o.reps, [&] { loop.launch(lane.stream); });
    const std::vector<float> out = y.download(lane.stream);
    nlohmann::json r{{"impl", "rnnconf"}, {"math", std::string(math_mode_name(m))}, {"graph", true},
                     {"median_ms", graphed.median_ms}, {"min_ms", graphed.min_ms}, {"reps", graphed.reps}};
    if (m == MathMode::pedantic) {
      pedantic_y = out;
      const Timing plain = time_on(lane.stream, o.reps, eager);
      rows.push_back({{"impl", "rnnconf"}, {"math", "f32-pedantic"}, {"graph", false}, {"median_ms", plain.median_ms},
                      {"min_ms", plain.min_ms}, {"reps", plain.reps}});
      table.push_back({std::string(cpu::variant_name(v)), std::to_string(B), std::to_string(H), "rnnconf eager", "f32-pedantic",
                       fmt::format("{:.3f}", plain.median_ms), ""});
      if (B == 1) {  // pedantic vs the CPU float64 kernel
        const cpu::RnnWeights<double> dw = cpu::pack_stacked_weights<double>(
            v, I, H, 0,
            cpu::StackedWeightsView<double>{widen(w_ih), widen(w_hh), widen(b_ih), widen(b_hh), {}});
        const auto xd = widen(x);
        std::vector<double> yd(static_cast<size_t>(T * B * H));
        cpu::SequenceArgs<double> sa;
        sa.x = xd.data();
        sa.steps = T;
        sa.batch = B;
        sa.y = yd.data();
        cpu::SequenceWorkspace<double> cws;
        cpu::run_sequence(dw, sa, cws);
        r["err_vs_f64"] = rel_l2(out, yd);
      }
    } else {
      r["err_vs_pedantic"] = rel_l2(out, widen(pedantic_y));
    }
    const std::string err = r.contains("err_vs_f64") ? fmt::format("{:.1e} vs f64", r["err_vs_f64"].get<double>())
                            : r.contains("err_vs_pedantic")
                                ? fmt::format("{:.1e} vs f32", r["err_vs_pedantic"].get<double>())
                                : "";
    table.push_back({std::string(cpu::variant_name(v)), std::to_string(B), std::to_string(H), "rnnconf graph",
                     std::string(math_mode_name(m)), fmt::format("{:.3f}", graphed.median_ms), err});
    rows.push_back(r);
  }
  return rows;
}

// Writes PyTorch-layout weights into cuDNN's weight space (pseudo-layer 0):
// linLayerID g = input weights/bias of gate g, G + g = recurrent ones; cuDNN's
// gate orders (LSTM i, f, g, o; GRU r, z, n) and GRU formula are PyTorch's.
void load_cudnn_weights(cudnnHandle_t handle, cudnnRNNDescriptor_t rnn, size_t wbytes, void* wspace, cpu::RnnVariant v,
                        int64_t H, const LayerParams& lp) {
  const int64_t G = cpu::gate_count(v);
  cudnnTensorDescriptor_t md = nullptr, bd = nullptr;
  BENCH_CUDNN_CHECK(cudnnCreateTensorDescriptor(&md));
  BENCH_CUDNN_CHECK(cudnnCreateTensorDescriptor(&bd));
  for (int64_t id = 0; id < 2 * G; ++id) {
    void* m = nullptr;
    void* b = nullptr;
    BENCH_CUDNN_CHECK(cudnnGetRNNWeightParams(handle, rnn, 0, wbytes, wspace, static_cast<int32_t>(id), md, &m, bd, &b));
    const bool recurrent = id >= G;
    const int64_t g = recurrent ? id - G : id;
    const auto& w = recurrent ? lp.w_hh : lp.w_ih;
    const auto& bias = recurrent ? lp.b_hh : lp.b_ih;
    if (m == nullptr || b == nullptr) throw Error("cudnnGetRNNWeightParams: no matrix or bias for linLayerID " + std::to_string(id));
    cudnnDataType_t dt{};
    int nd = 0, dims[8] = {}, strides[8] = {};
    BENCH_CUDNN_CHECK(cudnnGetTensorNdDescriptor(md, 8, &dt, &nd, dims, strides));
    int64_t count = 1;
    for (int k = 0; k < nd; ++k) count *= dims[k];
    if (count != H * H) throw Error("cuDNN weight matrix " + std::to_string(id) + " has " + std::to_string(count) + " elements, expected H·H");
    RNNCONF_CUDA_CHECK(cudaMemcpy(m, w.data() + g * H * H, static_cast<size_t>(H * H) * sizeof(float), cudaMemcpyHostToDevice));
    RNNCONF_CUDA_CHECK(cudaMemcpy(b, bias.data() + g * H, static_cast<size_t>(H) * sizeof(float), cudaMemcpyHostToDevice));
  }
  cudnnDestroyTensorDescriptor(md);
  cudnnDestroyTensorDescriptor(bd);
}

nlohmann::json bench_cudnn(cpu::RnnVariant v, int64_t B, int64_t H, const Options& o, const std::vector<float>& x,
                           const LayerParams& lp, const std::vector<float>& ours_y,
                           std::vector<std::vector<std::string>>& table) {
  const int T = static_cast<int>(o.T), Bi = static_cast<int>(B), Hi = static_cast<int>(H);
  nlohmann::json rows = nlohmann::json::array();
  cudaStream_t stream = nullptr;
  RNNCONF_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  cudnnHandle_t handle = nullptr;
  BENCH_CUDNN_CHECK(cudnnCreate(&handle));
  BENCH_CUDNN_CHECK(cudnnSetStream(handle, stream));
  size_t drop_bytes = 0;
  BENCH_CUDNN_CHECK(cudnnDropoutGetStatesSize(handle, &drop_bytes));
  DeviceBuffer<unsigned char> drop_states(static_cast<int64_t>(std::max<size_t>(drop_bytes, 1)));
  for (const cudnnMathType_t mt : {CUDNN_FMA_MATH, CUDNN_DEFAULT_MATH}) {
    cudnnDropoutDescriptor_t drop = nullptr;
    BENCH_CUDNN_CHECK(cudnnCreateDropoutDescriptor(&drop));
    BENCH_CUDNN_CHECK(cudnnSetDropoutDescriptor(drop, handle, 0.0F, drop_states.data(), drop_bytes, 0));
    cudnnRNNDescriptor_t rnn = nullptr;
    BENCH_CUDNN_CHECK(cudnnCreateRNNDescriptor(&rnn));
    BENCH_CUDNN_CHECK(cudnnSetRNNDescriptor_v8(rnn, CUDNN_RNN_ALGO_STANDARD, v == cpu::RnnVariant::lstm ? CUDNN_LSTM : CUDNN_GRU,
                                               CUDNN_RNN_DOUBLE_BIAS, CUDNN_UNIDIRECTIONAL, CUDNN_LINEAR_INPUT,
                                               CUDNN_DATA_FLOAT, CUDNN_DATA_FLOAT, mt, Hi, Hi, Hi, 1, drop,
                                               CUDNN_RNN_PADDED_IO_DISABLED));
    std::vector<int> seq(static_cast<size_t>(B), T);
    cudnnRNNDataDescriptor_t xd = nullptr, yd = nullptr;
    BENCH_CUDNN_CHECK(cudnnCreateRNNDataDescriptor(&xd));
    BENCH_CUDNN_CHECK(cudnnCreateRNNDataDescriptor(&yd));
    BENCH_CUDNN_CHECK(cudnnSetRNNDataDescriptor(xd, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED, T, Bi, Hi,
                                                seq.data(), nullptr));
    BENCH_CUDNN_CHECK(cudnnSetRNNDataDescriptor(yd, CUDNN_DATA_FLOAT, CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_PACKED, T, Bi, Hi,
                                                seq.data(), nullptr));
    cudnnTensorDescriptor_t hd = nullptr;
    BENCH_CUDNN_CHECK(cudnnCreateTensorDescriptor(&hd));
    const int dims[3] = {1, Bi, Hi}, strides[3] = {Bi * Hi, Hi, 1};
    BENCH_CUDNN_CHECK(cudnnSetTensorNdDescriptor(hd, CUDNN_DATA_FLOAT, 3, dims, strides));
    size_t wbytes = 0, work = 0, reserve = 0;
    BENCH_CUDNN_CHECK(cudnnGetRNNWeightSpaceSize(handle, rnn, &wbytes));
    BENCH_CUDNN_CHECK(cudnnGetRNNTempSpaceSizes(handle, rnn, CUDNN_FWD_MODE_INFERENCE, xd, &work, &reserve));
    DeviceBuffer<float> wspace, dx, y(o.T * B * H), hy(B * H), cy(B * H);
    wspace.resize(static_cast<int64_t>(wbytes / sizeof(float)));
    wspace.fill_nan(stream);
    RNNCONF_CUDA_CHECK(cudaStreamSynchronize(stream));
    load_cudnn_weights(handle, rnn, wbytes, wspace.data(), v, H, lp);
    dx.upload(x, stream);
    DeviceBuffer<unsigned char> workspace(static_cast<int64_t>(std::max<size_t>(work, 1))),
        reservespace(static_cast<int64_t>(std::max<size_t>(reserve, 1)));
    DeviceBuffer<int32_t> dseq;
    dseq.upload(std::vector<int32_t>(static_cast<size_t>(B), T), stream);
    auto fwd = [&] {
      BENCH_CUDNN_CHECK(cudnnRNNForward(handle, rnn, CUDNN_FWD_MODE_INFERENCE, dseq.data(), xd, dx.data(), yd, y.data(), hd,
                                        nullptr, hy.data(), hd, nullptr, cy.data(), wbytes, wspace.data(), work,
                                        workspace.data(), reserve, reservespace.data()));
    };
    y.fill_nan(stream);
    const Timing t = time_on(stream, o.reps, fwd);
    // Same weights and x as ours: cuDNN's y against our pedantic y.
    const double err = rel_l2(y.download(stream), widen(ours_y));
    const std::string math = mt == CUDNN_FMA_MATH ? "fma (f32)" : "default (may use TF32)";
    rows.push_back({{"impl", "cudnn"}, {"math", math}, {"graph", false}, {"median_ms", t.median_ms}, {"min_ms", t.min_ms},
                    {"reps", t.reps}, {"diff_vs_rnnconf_pedantic", err}});
    table.push_back({std::string(cpu::variant_name(v)), std::to_string(B), std::to_string(H), "cuDNN", math,
                     fmt::format("{:.3f}", t.median_ms), fmt::format("{:.1e} vs ours", err)});
    cudnnDestroyTensorDescriptor(hd);
    cudnnDestroyRNNDataDescriptor(xd);
    cudnnDestroyRNNDataDescriptor(yd);
    cudnnDestroyRNNDescriptor(rnn);
    cudnnDestroyDropoutDescriptor(drop);
  }
  cudnnDestroy(handle);
  RNNCONF_CUDA_CHECK(cudaStreamDestroy(stream));
  return rows;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    std::string why;
    if (!device_present(why)) {
      std::cerr << "bench_rnn_cuda: " << why << "\n";
      return 2;
    }
    nlohmann::json doc;
    doc["device"] = device_description();
    doc["cudnn_version"] = cudnnGetVersion();
    int rt = 0;
    RNNCONF_CUDA_CHECK(cudaRuntimeGetVersion(&rt));
    doc["cuda_runtime"] = rt;
    doc["T"] = o.T;
    doc["layers"] = 1;
    doc["direction"] = "forward";
    doc["I"] = "H";
    doc["note"] = "median of cudaEvent timings per forward call; rnnconf f32-pedantic is the conformance mode, tf32/bf16 are benchmark-only with their measured error";
    nlohmann::json results = nlohmann::json::array();
    std::vector<std::vector<std::string>> table;
    for (const auto v : {cpu::RnnVariant::lstm, cpu::RnnVariant::gru})
      for (const int64_t H : o.hiddens)
        for (const int64_t B : o.batches) {
          const auto x = random_floats(static_cast<size_t>(o.T * B * H), 1.0, 7);
          nlohmann::json c{{"cell", std::string(cpu::variant_name(v))}, {"B", B}, {"H", H}, {"T", o.T}};
          const LayerParams lp(v, H);
          std::vector<float> ours_y;
          nlohmann::json rows = bench_ours(v, B, H, o, x, lp, ours_y, table);
          for (auto& r : bench_cudnn(v, B, H, o, x, lp, ours_y, table)) rows.push_back(r);
          c["runs"] = rows;
          results.push_back(c);
        }
    doc["results"] = results;
    if (!o.out.empty()) {
      std::ofstream(o.out) << doc.dump(2) << "\n";
      std::cout << "wrote " << o.out << "\n";
    }
    std::cout << fmt::format("{} | T={} | times: median ms per forward\n", doc["device"].get<std::string>(), o.T);
    std::cout << fmt::format("{:<5} {:>3} {:>5}  {:<14} {:<22} {:>9}  {}\n", "cell", "B", "H", "impl", "math", "ms", "error");
    for (const auto& r : table)
      std::cout << fmt::format("{:<5} {:>3} {:>5}  {:<14} {:<22} {:>9}  {}\n", r[0], r[1], r[2], r[3], r[4], r[5], r[6]);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "bench_rnn_cuda: " << e.what() << "\n";
    return 1;
  }
}

// Layers chained on the device: a 2-layer bidirectional LSTM with projection
// and a 2-layer bidirectional GRU, each layer's two directions on the two
// lanes writing the packed [T, B, 2·H_out] output that the next layer reads
// straight from device memory, the whole stack captured as one CUDA graph.
// Compared with the CPU float64 kernel run layer by layer. GTEST_SKIP without a GPU.
#include <gtest/gtest.h>

#include <array>

#include "gpu_test_support.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cuda/cuda_context.hpp"
#include "rnnconf/reference_cuda/cuda_graph_loop.hpp"
#include "rnnconf/reference_cuda/sequence_runner.hpp"

namespace rnnconf::cuda {
namespace {

void check_stack(cpu::RnnVariant v, int64_t I, int64_t H, int64_t P) {
  constexpr int64_t T = 6, B = 3, L = 2;
  const int64_t hout = P > 0 ? P : H;
  SCOPED_TRACE(std::string(cpu::variant_name(v)) + " H=" + std::to_string(H) + " P=" + std::to_string(P));
  // layers[l][d]: layer l, direction d (0 forward, 1 backward); layer 1 reads 2·H_out features.
  std::vector<std::array<testing::RandomLayer, 2>> layers;
  for (int64_t l = 0; l < L; ++l) {
    const int64_t in = l == 0 ? I : 2 * hout;
    layers.push_back({testing::RandomLayer(v, in, H, P, 100 + 2 * l), testing::RandomLayer(v, in, H, P, 101 + 2 * l)});
  }
  const auto x = testing::random_input(T * B * I, 7);

  // CPU float64, layer by layer.
  std::vector<double> in = x;
  for (int64_t l = 0; l < L; ++l) {
    std::vector<double> y(static_cast<size_t>(T * B * 2 * hout));
    for (int d = 0; d < 2; ++d) {
      const cpu::RnnWeights<double> w = layers[l][d].pack<double>();
      cpu::SequenceArgs<double> a;
      a.x = in.data();
      a.steps = T;
      a.batch = B;
      a.reverse = d == 1;
      a.y = y.data();
      a.y_row_stride = 2 * hout;
      a.y_offset = d * hout;
      cpu::SequenceWorkspace<double> ws;
      cpu::run_sequence(w, a, ws);
    }
    in = std::move(y);
  }
  const std::vector<double>& truth = in;

  // GPU: weights once, layer outputs in device buffers, one graph for the stack.
  CudaContext ctx;
  std::vector<std::array<DeviceRnnWeights<float>, 2>> dw(L);
  std::vector<std::array<DeviceWorkspace<float>, 2>> ws(L);
  for (int64_t l = 0; l < L; ++l)
    for (int d = 0; d < 2; ++d) {
      dw[l][d] = upload_weights(layers[l][d].pack<float>(), ctx.lane(0).stream);
      ws[l][d].reserve(dw[l][d], T, B);
    }
  DeviceBuffer<float> dx;
  dx.upload(testing::cast<float>(x));
  std::vector<DeviceBuffer<float>> ys(L);
  for (auto& y : ys) y.resize(T * B * 2 * hout);
  auto enqueue = [&] {
    for (int64_t l = 0; l < L; ++l) {
      std::array<DeviceSequenceArgs<float>, 2> a{};
      for (int d = 0; d < 2; ++d) {
        a[d].x = l == 0 ? dx.data() : ys[l - 1].data();
        a[d].steps = T;
        a[d].batch = B;
        a[d].reverse = d == 1;
        a[d].y = ys[l].data();
        a[d].y_row_stride = 2 * hout;
        a[d].y_offset = d * hout;
      }
      run_bidirectional_device(ctx, dw[l][0], a[0], ws[l][0], dw[l][1], a[1], ws[l][1]);
    }
  };
  const cudaStream_t s0 = ctx.lane(0).stream;
  for (auto& y : ys) y.fill_nan(s0);
  enqueue();  // eager (also the warm-up before the capture)
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(s0));
  const std::vector<float> eager = ys.back().download(s0);
  EXPECT_LE(testing::max_rel_error(eager, truth), testing::kFloatBound);

  CapturedLoop loop;
  loop.capture(s0, enqueue);
  for (auto& y : ys) y.fill_nan(s0);
  loop.launch(s0);
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(s0));
  EXPECT_EQ(ys.back().download(s0), eager) << "graph replay differs from the eager run";
}

TEST(LayerChain, LstmProjectionTwoLayersBidirectional) {
  RNNCONF_REQUIRE_GPU();
  check_stack(cpu::RnnVariant::lstm, 5, 13, 4);
}

TEST(LayerChain, GruTwoLayersBidirectional) {
  RNNCONF_REQUIRE_GPU();
  check_stack(cpu::RnnVariant::gru, 37, 37, 0);
}

TEST(LayerChain, RnnReluTwoLayersBidirectional) {
  RNNCONF_REQUIRE_GPU();
  check_stack(cpu::RnnVariant::rnn_relu, 7, 1000, 0);
}

}  // namespace
}  // namespace rnnconf::cuda

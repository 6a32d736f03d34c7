// The recurrence driver over the device step backend (executor/device_steps.hpp),
// the code sequence_runner.hpp runs on a CudaDevice, here on the emulated
// device: every variant × direction × projection × given state × packed or
// strided y, float against the CPU kernels and the float64 truth, double
// against the CPU float64 kernel; every column outside a strided direction's
// block stays NaN. The two directions on two lanes (fork/join events) write
// the packed bidirectional layout bit-identically to one lane, and reading
// that output without the join is reported as a race.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "emulated_device.hpp"
#include "executor/device_handles.hpp"
#include "executor/device_steps.hpp"
#include "numeric_test_support.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"

namespace rnnconf::cuda::testing {
namespace {

template <class T>
void upload(Device& dev, const std::vector<T>& host, DeviceArray<T>& dst) {
  dst.resize(static_cast<int64_t>(host.size()));
  if (host.empty()) return;
  CopyRows c;
  c.dst = dst.data();
  c.src = host.data();
  c.row_bytes = c.dst_pitch = c.src_pitch = host.size() * sizeof(T);
  c.kind = CopyKind::host_to_device;
  dev.copy(0, c);
}

template <class T>
std::vector<T> download(Device& dev, const DeviceArray<T>& src, int lane = 0) {
  std::vector<T> out(static_cast<size_t>(src.size()));
  if (out.empty()) return out;
  CopyRows c;
  c.dst = out.data();
  c.src = src.data();
  c.row_bytes = c.dst_pitch = c.src_pitch = out.size() * sizeof(T);
  c.kind = CopyKind::device_to_host;
  dev.copy(lane, c);
  dev.synchronize(lane);
  return out;
}

// One layer's packed weights and the driver's scratch on a device.
template <class T>
struct OnDevice {
  Device& dev;
  cpu::RnnWeights<T> host;
  DeviceArray<T> w_ih{dev}, w_hh{dev}, b_x{dev}, b_hn{dev}, w_hr{dev};
  DeviceArray<T> gates_x{dev}, gates_h{dev}, h_a{dev}, h_b{dev}, cell{dev}, m{dev};
  OnDevice(Device& d, cpu::RnnWeights<T> w, int64_t steps, int64_t batch) : dev(d), host(std::move(w)) {
    upload(dev, host.w_ih, w_ih);
    upload(dev, host.w_hh, w_hh);
    upload(dev, host.b_x, b_x);
    upload(dev, host.b_hn, b_hn);
    upload(dev, host.w_hr, w_hr);
    const int64_t gh = host.gates() * host.hidden_size, hout = host.output_size(), H = host.hidden_size;
    gates_x.resize(steps * batch * gh);
    gates_h.resize(batch * gh);
    h_a.resize(batch * hout);
    h_b.resize(batch * hout);
    cell.resize(host.variant == cpu::RnnVariant::lstm ? batch * H : 0);
    m.resize(host.proj_size > 0 ? batch * H : 0);
    dev.synchronize(0);
  }
  DeviceWeightsView<T> weights() const {
    return {host.variant, host.input_size, host.hidden_size, host.proj_size, w_ih.data(), w_hh.data(), b_x.data(),
            b_hn.data(), w_hr.data()};
  }
  DeviceWorkspaceView<T> scratch() {
    auto span = [](DeviceArray<T>& a) { return DeviceSpan<T>{a.data(), a.size()}; };
    return {span(gates_x), span(gates_h), span(h_a), span(h_b), span(cell), span(m)};
  }
};

struct Case {
  cpu::RnnVariant variant;
  int64_t I, H, P, B, T;
  bool reverse, state, strided;
  std::string name() const {
    return std::string(cpu::variant_name(variant)) + (P > 0 ? "_proj" : "") + (reverse ? "_rev" : "_fwd") +
           (state ? "_h0" : "_zero") + (strided ? "_strided" : "_packed") + "_I" + std::to_string(I) + "H" +
           std::to_string(H) + "B" + std::to_string(B) + "T" + std::to_string(T);
  }
};

struct Outputs {
  std::vector<double> y, h, c;
};

// The CPU kernel (the fused float path, or the float64 truth), packed y.
template <class T>
Outputs on_cpu(const Case& k, const RandomLayer& layer, const std::vector<double>& x, const std::vector<double>& h0,
               const std::vector<double>& c0) {
  const cpu::RnnWeights<T> w = layer.pack<T>();
  const int64_t hout = w.output_size();
  const std::vector<T> xt = cast<T>(x), h0t = cast<T>(h0), c0t = cast<T>(c0);
  std::vector<T> y(static_cast<size_t>(k.T * k.B * hout)), h(static_cast<size_t>(k.B * hout)), c(static_cast<size_t>(k.B * k.H));
  cpu::SequenceArgs<T> a;
  a.x = xt.data();
  a.steps = k.T;
  a.batch = k.B;
  a.h0 = k.state ? h0t.data() : nullptr;
  a.c0 = k.state && k.variant == cpu::RnnVariant::lstm ? c0t.data() : nullptr;
  a.reverse = k.reverse;
  a.y = y.data();
  a.h_last = h.data();
  a.c_last = k.variant == cpu::RnnVariant::lstm ? c.data() : nullptr;
  cpu::SequenceWorkspace<T> ws;
  cpu::run_sequence(w, a, ws);
  return {std::vector<double>(y.begin(), y.end()), std::vector<double>(h.begin(), h.end()),
          k.variant == cpu::RnnVariant::lstm ? std::vector<double>(c.begin(), c.end()) : std::vector<double>{}};
}

// The device steps on the emulated device; a strided y sits at columns [2, 2 + H_out) of rows of H_out + 5.
template <class T>
Outputs on_device(const Case& k, const RandomLayer& layer, const std::vector<double>& x, const std::vector<double>& h0,
                  const std::vector<double>& c0) {
  EmulatedDevice dev;
  OnDevice<T> d(dev, layer.pack<T>(), k.T, k.B);
  const bool lstm = k.variant == cpu::RnnVariant::lstm;
  const int64_t hout = d.host.output_size(), stride = k.strided ? hout + 5 : hout, offset = k.strided ? 2 : 0;
  DeviceArray<T> dx(dev), dh0(dev), dc0(dev), y(dev, k.T * k.B * stride), h(dev, k.B * hout), c(dev, lstm ? k.B * k.H : 0);
  upload(dev, cast<T>(x), dx);
  upload(dev, cast<T>(h0), dh0);
  upload(dev, cast<T>(c0), dc0);
  cpu::SequenceArgs<T> a;
  a.x = dx.data();
  a.steps = k.T;
  a.batch = k.B;
  a.h0 = k.state ? dh0.data() : nullptr;
  a.c0 = k.state && lstm ? dc0.data() : nullptr;
  a.reverse = k.reverse;
  a.y = y.data();
  a.y_row_stride = stride;
  a.y_offset = offset;
  a.h_last = h.data();
  a.c_last = lstm ? c.data() : nullptr;
  run_device_sequence(dev, 0, d.weights(), a, d.scratch());
  const std::vector<T> all = download(dev, y);
  Outputs o;
  int64_t touched = 0;
  for (int64_t r = 0; r < k.T * k.B; ++r)
    for (int64_t col = 0; col < stride; ++col) {
      const T v = all[static_cast<size_t>(r * stride + col)];
      if (col >= offset && col < offset + hout) o.y.push_back(static_cast<double>(v));
      else touched += std::isnan(v) ? 0 : 1;
    }
  EXPECT_EQ(touched, 0) << "columns outside the output block were written";
  for (T v : download(dev, h)) o.h.push_back(static_cast<double>(v));
  if (lstm)
    for (T v : download(dev, c)) o.c.push_back(static_cast<double>(v));
  EXPECT_TRUE(dev.misuses().empty());
  return o;
}

void expect_close(const Outputs& got, const Outputs& want, double bound, const std::string& what) {
  EXPECT_LE(max_rel_error(got.y, want.y), bound) << what << ": y";
  EXPECT_LE(max_rel_error(got.h, want.h), bound) << what << ": h_last";
  EXPECT_LE(max_rel_error(got.c, want.c), bound) << what << ": c_last";
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (auto v : {cpu::RnnVariant::lstm, cpu::RnnVariant::gru, cpu::RnnVariant::rnn_tanh, cpu::RnnVariant::rnn_relu})
    for (int64_t P : {int64_t{0}, int64_t{4}})
      for (bool reverse : {false, true})
        for (bool state : {false, true})
          for (bool strided : {false, true}) {
            if (P > 0 && v != cpu::RnnVariant::lstm) continue;
            out.push_back({v, 7, 13, P, 3, 4, reverse, state, strided});
          }
  out.push_back({cpu::RnnVariant::lstm, 1, 1, 0, 1, 1, false, true, false});
  out.push_back({cpu::RnnVariant::gru, 37, 37, 0, 1, 9, true, false, true});
  return out;
}

class DeviceStepSweep : public ::testing::TestWithParam<Case> {};

TEST_P(DeviceStepSweep, MatchCpuKernelsAndTruth) {
  const Case k = GetParam();
  const RandomLayer layer(k.variant, k.I, k.H, k.P, 17);
  const int64_t hout = k.P > 0 ? k.P : k.H;
  const auto x = random_input(k.T * k.B * k.I, 18), h0 = random_input(k.B * hout, 19), c0 = random_input(k.B * k.H, 20);
  const Outputs truth = on_cpu<double>(k, layer, x, h0, c0);
  const Outputs cpu_float = on_cpu<float>(k, layer, x, h0, c0);
  const Outputs dev_float = on_device<float>(k, layer, x, h0, c0);
  const Outputs dev_double = on_device<double>(k, layer, x, h0, c0);
  expect_close(dev_float, cpu_float, kFloatBound, "float vs the CPU float kernel");
  expect_close(dev_float, truth, kFloatBound, "float vs the float64 truth");
  expect_close(dev_double, truth, kDoubleBound, "double vs the CPU float64 kernel");
}

INSTANTIATE_TEST_SUITE_P(Sweep, DeviceStepSweep, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) { return i.param.name(); });

// Both directions of a layer into one packed [T, B, 2·H] array.
struct Bidirectional {
  static constexpr int64_t I = 6, H = 5, T = 4, B = 2;
  EmulatedDevice dev;
  OnDevice<float> fwd{dev, RandomLayer(cpu::RnnVariant::lstm, I, H, 0, 31).pack<float>(), T, B};
  OnDevice<float> bwd{dev, RandomLayer(cpu::RnnVariant::lstm, I, H, 0, 32).pack<float>(), T, B};
  DeviceArray<float> x{dev}, y{dev, T * B * 2 * H};
  Bidirectional() {
    upload(dev, cast<float>(random_input(T * B * I, 33)), x);
    dev.synchronize(0);
  }
  cpu::SequenceArgs<float> args(bool reverse) {
    cpu::SequenceArgs<float> a;
    a.x = x.data();
    a.steps = T;
    a.batch = B;
    a.reverse = reverse;
    a.y = y.data();
    a.y_row_stride = 2 * H;
    a.y_offset = reverse ? H : 0;
    return a;
  }
};

TEST(DeviceBidirectional, TwoLanesMatchOneLaneBitForBit) {
  Bidirectional serial;
  run_device_sequence(serial.dev, 0, serial.fwd.weights(), serial.args(false), serial.fwd.scratch());
  run_device_sequence(serial.dev, 0, serial.bwd.weights(), serial.args(true), serial.bwd.scratch());
  const std::vector<float> one = download(serial.dev, serial.y);
  for (float v : one) ASSERT_FALSE(std::isnan(v));

  Bidirectional both;
  DeviceEvent fork(both.dev), join(both.dev);
  run_device_bidirectional(both.dev, fork.get(), join.get(), both.fwd.weights(), both.args(false), both.fwd.scratch(),
                           both.bwd.weights(), both.args(true), both.bwd.scratch());
  EXPECT_EQ(both.dev.count("wait"), 2);
  EXPECT_EQ(download(both.dev, both.y, 0), one) << "lane 0 after the join";
}

TEST(DeviceBidirectional, ReadingTheOtherLanesOutputWithoutJoinIsARace) {
  Bidirectional b;
  DeviceEvent fork(b.dev);
  b.dev.record(fork.get(), 0);
  b.dev.wait(1, fork.get());
  run_device_sequence(b.dev, 0, b.fwd.weights(), b.args(false), b.fwd.scratch());
  run_device_sequence(b.dev, 1, b.bwd.weights(), b.args(true), b.bwd.scratch());
  try {
    download(b.dev, b.y, 0);  // lane 0 reads what lane 1 wrote: no join
    ADD_FAILURE() << "the emulated device did not report the missing join";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("race"), std::string::npos) << e.what();
  }
}

TEST(DeviceStepArgs, GivenProjectionSkipsTheInputGemm) {
  Bidirectional b;
  const int64_t GH = 4 * Bidirectional::H, TB = Bidirectional::T * Bidirectional::B;
  run_device_sequence(b.dev, 0, b.fwd.weights(), b.args(false), b.fwd.scratch());
  const std::vector<float> own = download(b.dev, b.y);
  const int64_t gemms = b.dev.count("gemm_abt");
  DeviceArray<float> gx(b.dev, TB * GH);
  b.dev.gemm_abt(0, GemmAbt<float>{TB, GH, Bidirectional::I, b.x.data(), Bidirectional::I, b.fwd.w_ih.data(),
                                   Bidirectional::I, gx.data(), GH});
  cpu::SequenceArgs<float> a = b.args(false);
  a.x = nullptr;
  a.gates_x = gx.data();
  run_device_sequence(b.dev, 0, b.fwd.weights(), a, b.fwd.scratch());
  EXPECT_EQ(b.dev.count("gemm_abt") - gemms, 1 + Bidirectional::T) << "one GEMM of ours, one recurrent GEMM per step";
  const std::vector<float> given = download(b.dev, b.y);  // the backward half stays NaN: compare bits
  ASSERT_EQ(given.size(), own.size());
  EXPECT_EQ(std::memcmp(given.data(), own.data(), own.size() * sizeof(float)), 0);
}

TEST(DeviceStepArgs, RefusesBeforeEnqueuingAnything) {
  Bidirectional b;
  DeviceArray<float> small(b.dev, 1);
  DeviceWorkspaceView<float> ws = b.fwd.scratch();
  ws.gates_x = {small.data(), 1};
  const int64_t before = b.dev.count("fill") + b.dev.count("gemm_abt") + b.dev.count("copy d2d");
  EXPECT_THROW(run_device_sequence(b.dev, 0, b.fwd.weights(), b.args(false), ws), Error);  // workspace too small
  DeviceEvent fork(b.dev), join(b.dev);
  EXPECT_THROW(run_device_bidirectional(b.dev, fork.get(), join.get(), b.fwd.weights(), b.args(false), b.fwd.scratch(),
                                        b.bwd.weights(), b.args(false), b.bwd.scratch()),
               Error);  // two forward directions
  EXPECT_EQ(b.dev.count("fill") + b.dev.count("gemm_abt") + b.dev.count("copy d2d"), before);
}

}  // namespace
}  // namespace rnnconf::cuda::testing

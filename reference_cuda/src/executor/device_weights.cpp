// DeviceWeights, DeviceScratch and weights_fingerprint (device_weights.hpp).
#include "executor/device_weights.hpp"

#include <algorithm>
#include <vector>

#include "rnnconf/core/error.hpp"

namespace rnnconf::cuda {
namespace {

void upload(Device& dev, int lane, const std::vector<float>& host, DeviceArray<float>& dst) {
  dst.resize(static_cast<int64_t>(host.size()));
  if (host.empty()) return;
  CopyRows c;
  c.dst = dst.data();
  c.src = host.data();
  c.row_bytes = host.size() * sizeof(float);
  c.dst_pitch = c.src_pitch = c.row_bytes;
  c.kind = CopyKind::host_to_device;
  dev.copy(lane, c);
}

void mix(uint64_t& h, const void* data, size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t k = 0; k < n; ++k) {
    h ^= p[k];
    h *= 1099511628211ULL;
  }
}

void mix_samples(uint64_t& h, const std::vector<float>& v) {
  const size_t n = v.size();
  mix(h, &n, sizeof n);
  const size_t stride = std::max<size_t>(1, n / 1024);
  for (size_t k = 0; k < n; k += stride) mix(h, &v[k], sizeof(float));
  if (n > 0) mix(h, &v[n - 1], sizeof(float));
}

}  // namespace

DeviceWeightsView<float> DeviceWeights::view() const {
  return {variant, input_size, hidden_size, proj_size, w_ih.data(), w_hh.data(), b_x.data(), b_hn.data(), w_hr.data()};
}

void upload_weights(Device& dev, int lane, const cpu::RnnWeights<float>& w, DeviceWeights& out) {
  if (!cpu::packed_sizes_consistent(w))
    throw Error("upload_weights: RnnWeights buffers do not match their sizes (build them with a pack_* function)");
  out.variant = w.variant;
  out.input_size = w.input_size;
  out.hidden_size = w.hidden_size;
  out.proj_size = w.proj_size;
  upload(dev, lane, w.w_ih, out.w_ih);
  upload(dev, lane, w.w_hh, out.w_hh);
  upload(dev, lane, w.b_x, out.b_x);
  upload(dev, lane, w.b_hn, out.b_hn);
  upload(dev, lane, w.w_hr, out.w_hr);
  dev.synchronize(lane);
}

void DeviceScratch::reserve(const DeviceWeights& w, int64_t steps, int64_t batch) {
  const int64_t gh = w.gates() * w.hidden_size;
  gates_x.reserve(steps * batch * gh);
  gates_h.reserve(batch * gh);
  h_a.reserve(batch * w.output_size());
  h_b.reserve(batch * w.output_size());
  if (w.variant == cpu::RnnVariant::lstm) cell.reserve(batch * w.hidden_size);
  if (w.proj_size > 0) m.reserve(batch * w.hidden_size);
}

DeviceWorkspaceView<float> DeviceScratch::view() {
  auto span = [](DeviceArray<float>& a) { return DeviceSpan<float>{a.data(), a.size()}; };
  return {span(gates_x), span(gates_h), span(h_a), span(h_b), span(cell), span(m)};
}

uint64_t weights_fingerprint(const cpu::RnnWeights<float>& w) {
  uint64_t h = 14695981039346656037ULL;
  const int64_t sizes[] = {static_cast<int64_t>(w.variant), w.input_size, w.hidden_size, w.proj_size};
  mix(h, sizes, sizeof sizes);
  for (const auto* v : {&w.w_ih, &w.w_hh, &w.b_x, &w.b_hn, &w.w_hr}) mix_samples(h, *v);
  return h;
}

}  // namespace rnnconf::cuda

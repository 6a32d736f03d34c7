// DeviceTensorStore (device_tensor_store.hpp): placeholders, uploads on first
// device read, cross-lane waits, downloads on first host read, end of run.
#include "device_tensor_store.hpp"

#include <fmt/format.h>

#include <limits>

#include "rnnconf/reference_cuda/cuda_check.hpp"

namespace rnnconf::cuda {
namespace {

// A float tensor of `shape`, every element NaN until the device's copy lands.
std::shared_ptr<Tensor> nan_tensor(const Shape& shape) {
  auto t = std::make_shared<Tensor>(DType::f32, shape);
  for (float& v : t->span<float>()) v = std::numeric_limits<float>::quiet_NaN();
  return t;
}

}  // namespace

DeviceEvent::DeviceEvent() { RNNCONF_CUDA_CHECK(cudaEventCreateWithFlags(&event_, cudaEventDisableTiming)); }
DeviceEvent::~DeviceEvent() {
  if (event_ != nullptr) static_cast<void>(cudaEventDestroy(event_));
}

DeviceTensorStore::Entry* DeviceTensorStore::find(const void* host_data) {
  if (host_data == nullptr) return nullptr;
  auto it = entries_.find(host_data);
  return it == entries_.end() ? nullptr : &it->second;
}

void DeviceTensorStore::wait_for(Entry& e, int lane) {
  if (e.lane != lane && e.written)
    RNNCONF_CUDA_CHECK(cudaStreamWaitEvent(ctx_.lane(lane).stream, e.written->get(), 0));
}

std::shared_ptr<Tensor> DeviceTensorStore::new_placeholder(const Shape& shape, int lane) {
  auto t = nan_tensor(shape);
  if (t->numel() == 0) return t;  // nothing to hold
  Entry e;
  e.host = t;
  e.placeholder = t.get();
  e.host_valid = false;
  e.buffer = std::make_shared<DeviceBuffer<float>>(t->numel());
  e.lane = lane;
  entries_.insert_or_assign(static_cast<const void*>(t->bytes()), std::move(e));
  return t;
}

std::shared_ptr<Tensor> DeviceTensorStore::new_alias(const Tensor& source, const Shape& shape, int lane) {
  auto t = nan_tensor(shape);
  if (t->numel() == 0) return t;
  Entry* src = find(source.bytes());
  if (src == nullptr || !src->buffer || src->buffer->size() != t->numel())
    throw Error(fmt::format("device store: alias {} of a tensor {} the device does not hold", shape_str(shape),
                            shape_str(source.shape())));
  wait_for(*src, lane);
  Entry e;
  e.host = t;
  e.placeholder = t.get();
  e.host_valid = false;
  e.buffer = src->buffer;
  e.lane = lane;
  entries_.insert_or_assign(static_cast<const void*>(t->bytes()), std::move(e));
  ready(t->bytes(), lane);
  return t;
}

void DeviceTensorStore::ready(const void* host_data, int lane) {
  Entry* e = find(host_data);
  if (e == nullptr) return;
  e->lane = lane;
  if (!e->written) e->written = std::make_shared<DeviceEvent>();
  RNNCONF_CUDA_CHECK(cudaEventRecord(e->written->get(), ctx_.lane(lane).stream));
}

const float* DeviceTensorStore::read(const std::shared_ptr<const Tensor>& t, int lane) {
  if (!t || t->numel() == 0) return nullptr;
  if (t->dtype() != DType::f32) throw Error("device store: only float32 tensors go to the device, got " + std::string(dtype_name(t->dtype())));
  const void* key = t->bytes();
  if (Entry* e = find(key)) {
    wait_for(*e, lane);
    return e->buffer->data();
  }
  Entry e;
  e.host = t;
  e.persistent = persistent_.count(key) > 0;
  e.buffer = std::make_shared<DeviceBuffer<float>>(t->numel());
  e.lane = lane;
  RNNCONF_CUDA_CHECK(cudaMemcpyAsync(e.buffer->data(), t->data<float>(), static_cast<size_t>(t->numel()) * sizeof(float),
                                     cudaMemcpyHostToDevice, ctx_.lane(lane).stream));
  ++(e.persistent ? counts_.persistent_uploads : counts_.uploads);
  const float* p = e.buffer->data();
  entries_.insert_or_assign(key, std::move(e));
  ready(key, lane);
  return p;
}

const float* DeviceTensorStore::device_of(const void* host_data, int64_t count, int lane) {
  Entry* e = count == 0 ? nullptr : find(host_data);
  if (e == nullptr) return nullptr;
  if (e->buffer->size() != count)
    throw Error(fmt::format("device store: {} floats read from a device tensor of {}", count, e->buffer->size()));
  wait_for(*e, lane);
  return e->buffer->data();
}

float* DeviceTensorStore::write_target(const void* host_data, int64_t count, int lane) {
  Entry* e = find(host_data);
  if (e == nullptr || e->placeholder == nullptr || count == 0) return nullptr;
  if (e->buffer->size() != count)
    throw Error(fmt::format("device store: placeholder holds {} floats, {} written", e->buffer->size(), count));
  wait_for(*e, lane);  // the buffer may be shared with an alias written elsewhere
  return e->buffer->data();
}

void DeviceTensorStore::to_host(const Tensor& t) {
  Entry* e = find(t.bytes());
  if (e == nullptr || e->host_valid || e->placeholder == nullptr) return;
  const cudaStream_t s = ctx_.lane(e->lane).stream;
  RNNCONF_CUDA_CHECK(cudaMemcpyAsync(e->placeholder->data<float>(), e->buffer->data(),
                                     static_cast<size_t>(e->buffer->size()) * sizeof(float), cudaMemcpyDeviceToHost, s));
  RNNCONF_CUDA_CHECK(cudaStreamSynchronize(s));
  ++counts_.downloads;
  e->host_valid = true;
}

void DeviceTensorStore::end_run() noexcept {
  for (int k = 0; k < CudaContext::kLanes; ++k) static_cast<void>(cudaStreamSynchronize(ctx_.lane(k).stream));
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.persistent) {
      ++it;
    } else {
      it = entries_.erase(it);
    }
  }
}

}  // namespace rnnconf::cuda

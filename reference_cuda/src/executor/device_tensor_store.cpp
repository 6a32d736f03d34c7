// DeviceTensorStore (device_tensor_store.hpp): placeholders, uploads on first
// device read, cross-lane waits, downloads on first host read, end of run.
#include "executor/device_tensor_store.hpp"

#include <fmt/format.h>

#include <limits>

namespace rnnconf::cuda {
namespace {

// A float tensor of `shape`, every element NaN until the device's copy lands.
std::shared_ptr<Tensor> nan_tensor(const Shape& shape) {
  auto t = std::make_shared<Tensor>(DType::f32, shape);
  for (float& v : t->span<float>()) v = std::numeric_limits<float>::quiet_NaN();
  return t;
}

CopyRows whole(void* dst, const void* src, int64_t floats, CopyKind kind) {
  CopyRows c;
  c.dst = dst;
  c.src = src;
  c.row_bytes = static_cast<size_t>(floats) * sizeof(float);
  c.dst_pitch = c.src_pitch = c.row_bytes;
  c.kind = kind;
  return c;
}

}  // namespace

DeviceTensorStore::Entry* DeviceTensorStore::find(const void* host_data) {
  if (host_data == nullptr) return nullptr;
  auto it = entries_.find(host_data);
  return it == entries_.end() ? nullptr : &it->second;
}

void DeviceTensorStore::wait_for(Entry& e, int lane) {
  if (e.lane != lane && e.written) dev_.wait(lane, e.written->get());
}

std::shared_ptr<Tensor> DeviceTensorStore::new_placeholder(const Shape& shape, int lane) {
  auto t = nan_tensor(shape);
  if (t->numel() == 0) return t;  // nothing to hold
  Entry e;
  e.host = t;
  e.placeholder = t.get();
  e.host_valid = false;
  e.buffer = std::make_shared<DeviceArray<float>>(dev_, t->numel());
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
  if (!e->written) e->written = std::make_shared<DeviceEvent>(dev_);
  dev_.record(e->written->get(), lane);
}

const float* DeviceTensorStore::read(const std::shared_ptr<const Tensor>& t, int lane) {
  if (!t || t->numel() == 0) return nullptr;
  if (t->dtype() != DType::f32)
    throw Error("device store: only float32 tensors go to the device, got " + std::string(dtype_name(t->dtype())));
  const void* key = t->bytes();
  if (Entry* e = find(key)) {
    wait_for(*e, lane);
    return e->buffer->data();
  }
  Entry e;
  e.host = t;
  e.persistent = persistent_.count(key) > 0;
  e.buffer = std::make_shared<DeviceArray<float>>(dev_, t->numel());
  e.lane = lane;
  dev_.copy(lane, whole(e.buffer->data(), t->data<float>(), t->numel(), CopyKind::host_to_device));
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
  dev_.copy(e->lane, whole(e->placeholder->data<float>(), e->buffer->data(), e->buffer->size(), CopyKind::device_to_host));
  dev_.synchronize(e->lane);
  ++counts_.downloads;
  e->host_valid = true;
}

void DeviceTensorStore::end_run() noexcept {
  for (int k = 0; k < dev_.lanes(); ++k) {
    try {
      dev_.synchronize(k);
    } catch (...) {  // a failed run: free what we can
    }
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.persistent) {
      ++it;
    } else {
      it = entries_.erase(it);
    }
  }
}

}  // namespace rnnconf::cuda

// DeviceTensorStore: the device residency of one executor run, on any Device
// (device_interface.hpp). Each tensor the device holds is keyed by its host
// tensor's data pointer (the host tensor is kept alive by the store, so the
// key cannot be reused while the entry exists): a device array (shared
// between an alias and its source), the lane that last wrote it with an event
// recorded after the write, and whether the host elements are valid.
// Placeholders (host tensors whose elements live only on the device) are
// filled on demand by to_host(). Host tensors read by the device are uploaded
// once per run; model variables ("persistent" keys) once per executor. A lane
// that reads what another lane wrote waits for the writer's event first.
// Transfers are counted.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include "executor/device_handles.hpp"
#include "rnnconf/core/tensor.hpp"

namespace rnnconf::cuda {

struct TransferCounts {
  int64_t uploads = 0;             // host -> device, one per tensor
  int64_t downloads = 0;           // device -> host, one per tensor
  int64_t persistent_uploads = 0;  // model variables (kept across runs)
};

class DeviceTensorStore {
 public:
  explicit DeviceTensorStore(Device& dev) : dev_(dev) {}

  // Data pointers of tensors that live as long as the executor (model variables).
  void set_persistent(std::set<const void*> keys) { persistent_ = std::move(keys); }

  // A new placeholder of `shape` with a device array, written by `lane`'s
  // next work (call ready() after enqueuing it).
  std::shared_ptr<Tensor> new_placeholder(const Shape& shape, int lane);
  // A placeholder of `shape` sharing `source`'s device array (same volume).
  std::shared_ptr<Tensor> new_alias(const Tensor& source, const Shape& shape, int lane);
  // Records on `lane` that the tensor keyed by `host_data` is written.
  void ready(const void* host_data, int lane);

  // Device elements of `t` for `lane` to read: uploads a host tensor not yet
  // on the device (once; `t` is kept alive until end_run), and makes `lane`
  // wait for the writer on another lane. nullptr for an empty tensor.
  const float* read(const std::shared_ptr<const Tensor>& t, int lane);
  // Uploads `t` on `lane` unless the device holds it already (no wait enqueued).
  void hold(const std::shared_ptr<const Tensor>& t, int lane) {
    if (t && t->numel() > 0 && !holds(t->bytes(), t->numel())) read(t, lane);
  }
  // As read(), for a tensor already on the device (read before, or a
  // placeholder), found by its host data pointer; nullptr when unknown (then
  // the caller copies from the host pointer itself).
  const float* device_of(const void* host_data, int64_t count, int lane);
  // Whether the device holds `count` floats for `host_data` (no wait enqueued).
  bool holds(const void* host_data, int64_t count) const {
    auto it = host_data == nullptr ? entries_.end() : entries_.find(host_data);
    return it != entries_.end() && it->second.buffer && it->second.buffer->size() == count;
  }
  // The device array of a placeholder that `lane` is about to write; nullptr
  // when `host_data` is not a placeholder of this store.
  float* write_target(const void* host_data, int64_t count, int lane);

  // Fills a placeholder's host elements (a no-op for other tensors).
  void to_host(const Tensor& t);

  // After a run (or a failed one): waits for every lane, drops every
  // non-persistent entry and its device memory.
  void end_run() noexcept;

  const TransferCounts& counts() const { return counts_; }

 private:
  struct Entry {
    std::shared_ptr<const Tensor> host;     // keeps the key alive
    Tensor* placeholder = nullptr;          // non-null: host elements are ours to fill
    bool host_valid = true;
    std::shared_ptr<DeviceArray<float>> buffer;
    int lane = 0;
    std::shared_ptr<DeviceEvent> written;   // recorded on `lane` after the last write
    bool persistent = false;
  };
  Entry* find(const void* host_data);
  void wait_for(Entry& e, int lane);

  Device& dev_;
  std::map<const void*, Entry> entries_;
  std::set<const void*> persistent_;
  TransferCounts counts_;
};

}  // namespace rnnconf::cuda

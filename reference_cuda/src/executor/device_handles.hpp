// Owned resources of a Device (device_interface.hpp): DeviceArray<T> (an
// allocation of T, released in the destructor), DeviceEvent and DeviceGraph
// (a captured graph, replayed by launch). Move-only, device-agnostic.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "executor/device_interface.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::cuda {

template <class T>
class DeviceArray {
 public:
  explicit DeviceArray(Device& dev, int64_t count = 0) : dev_(&dev) { resize(count); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  DeviceArray(DeviceArray&& o) noexcept
      : dev_(o.dev_), ptr_(std::exchange(o.ptr_, nullptr)), count_(std::exchange(o.count_, 0)) {}
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    if (this != &o) {
      release();
      dev_ = o.dev_;
      ptr_ = std::exchange(o.ptr_, nullptr);
      count_ = std::exchange(o.count_, 0);
    }
    return *this;
  }
  ~DeviceArray() { release(); }

  // Reallocates (contents lost) when `count` differs from the current size.
  void resize(int64_t count) {
    if (count == count_) return;
    release();
    if (count > 0) {
      ptr_ = static_cast<T*>(dev_->allocate(static_cast<size_t>(count) * sizeof(T)));
      count_ = count;
    }
  }
  // Grows only (contents lost when it grows).
  void reserve(int64_t count) {
    if (count > count_) resize(count);
  }
  T* data() { return ptr_; }
  const T* data() const { return ptr_; }
  int64_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

 private:
  void release() noexcept {
    if (ptr_ != nullptr) dev_->release(ptr_);
    ptr_ = nullptr;
    count_ = 0;
  }
  Device* dev_;
  T* ptr_ = nullptr;
  int64_t count_ = 0;
};

class DeviceEvent {
 public:
  explicit DeviceEvent(Device& dev) : dev_(&dev), event_(dev.new_event()) {}
  DeviceEvent(const DeviceEvent&) = delete;
  DeviceEvent& operator=(const DeviceEvent&) = delete;
  ~DeviceEvent() { dev_->delete_event(event_); }
  DeviceHandle get() const { return event_; }

 private:
  Device* dev_;
  DeviceHandle event_;
};

class DeviceGraph {
 public:
  explicit DeviceGraph(Device& dev) : dev_(&dev) {}
  DeviceGraph(const DeviceGraph&) = delete;
  DeviceGraph& operator=(const DeviceGraph&) = delete;
  DeviceGraph(DeviceGraph&& o) noexcept : dev_(o.dev_), graph_(std::exchange(o.graph_, nullptr)) {}
  DeviceGraph& operator=(DeviceGraph&& o) noexcept {
    if (this != &o) {
      reset();
      dev_ = o.dev_;
      graph_ = std::exchange(o.graph_, nullptr);
    }
    return *this;
  }
  ~DeviceGraph() { reset(); }

  // Replaces any earlier graph with the capture of what `enqueue` puts on `lane`.
  void capture(int lane, const std::function<void()>& enqueue) {
    reset();
    graph_ = dev_->capture(lane, enqueue);
  }
  void launch(int lane) const {
    if (graph_ == nullptr) throw Error("DeviceGraph::launch: nothing captured");
    dev_->launch(graph_, lane);
  }
  bool ready() const { return graph_ != nullptr; }
  void reset() noexcept {
    if (graph_ != nullptr) dev_->delete_graph(graph_);
    graph_ = nullptr;
  }

 private:
  Device* dev_;
  DeviceHandle graph_ = nullptr;
};

}  // namespace rnnconf::cuda

// EmulatedDevice (emulated_device.hpp): host memory with a shadow per word,
// vector clocks per lane and host, immediate execution with the CPU kernels,
// capture as recorded ops.
#include "emulated_device.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <new>

#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/step_kernels.hpp"

namespace rnnconf::cuda::testing {

struct EmulatedDevice::Op {
  std::string kind;
  std::function<void(Access&)> accesses;  // the memory it reads, then writes
  std::function<void()> body;             // the work, on host memory
};

struct EmulatedDevice::Graph {
  std::vector<std::shared_ptr<const Op>> ops;
};

class EmulatedDevice::Access {
 public:
  Access(EmulatedDevice& d, int lane, uint32_t op) : d_(d), lane_(lane), op_(op) {}
  void read(const void* p, size_t bytes) { d_.touch(lane_, op_, p, bytes, false); }
  void write(const void* p, size_t bytes) { d_.touch(lane_, op_, p, bytes, true); }
  void read_rows(const void* p, size_t pitch, size_t row_bytes, size_t rows) {
    for (size_t r = 0; r < rows; ++r) read(static_cast<const unsigned char*>(p) + r * pitch, row_bytes);
  }
  void write_rows(const void* p, size_t pitch, size_t row_bytes, size_t rows) {
    for (size_t r = 0; r < rows; ++r) write(static_cast<const unsigned char*>(p) + r * pitch, row_bytes);
  }

 private:
  EmulatedDevice& d_;
  int lane_;
  uint32_t op_;
};

namespace {

template <class T>
size_t bytes_of(int64_t n) {
  return static_cast<size_t>(n) * sizeof(T);
}

void copy_rows_host(const CopyRows& c, void* dst, const void* src) {
  for (size_t r = 0; r < c.rows; ++r)
    std::memcpy(static_cast<unsigned char*>(dst) + r * c.dst_pitch, static_cast<const unsigned char*>(src) + r * c.src_pitch,
                c.row_bytes);
}

}  // namespace

void EmulatedDevice::FreeAligned::operator()(std::byte* p) const { ::operator delete(p, std::align_val_t{64}); }

EmulatedDevice::EmulatedDevice(int lanes) : lanes_(lanes) {
  if (lanes < 1 || lanes > kMaxLanes) throw Error("emulated device: 1 to 4 lanes, not " + std::to_string(lanes));
}

EmulatedDevice::~EmulatedDevice() {
  for (Event* e : events_) delete e;
  for (Graph* g : graphs_) delete g;
}

int64_t EmulatedDevice::count(const std::string& kind) const {
  auto it = counts_.find(kind);
  return it == counts_.end() ? 0 : it->second;
}

void EmulatedDevice::check_lane(int lane, const char* what) const {
  if (lane < 0 || lane >= lanes_) throw Error(fmt::format("emulated device: {} on lane {}, which does not exist", what, lane));
}

// ---- memory -----------------------------------------------------------------

void* EmulatedDevice::allocate(size_t bytes) {
  if (capturing_ >= 0) throw Error("emulated device: allocate during a capture");
  if (bytes == 0) return nullptr;
  Block b;
  b.storage.reset(static_cast<std::byte*>(::operator new(bytes, std::align_val_t{64})));
  std::memset(b.storage.get(), 0xFF, bytes);  // every byte 0xFF: NaN in float and double
  b.shadow.resize((bytes + 3) / 4);
  b.bytes = bytes;
  void* p = b.storage.get();
  blocks_.emplace(reinterpret_cast<uintptr_t>(p), std::move(b));
  live_bytes_ += static_cast<int64_t>(bytes);
  return p;
}

void EmulatedDevice::release(void* p) noexcept {
  if (p == nullptr) return;
  if (capturing_ >= 0) {
    misuses_.push_back("release during a capture");
    return;
  }
  auto it = blocks_.find(reinterpret_cast<uintptr_t>(p));
  if (it == blocks_.end() || it->second.released) {
    misuses_.push_back(fmt::format("release of {}, which is not a live allocation", p));
    return;
  }
  // As cudaFree: the device is synchronized first.
  for (int k = 0; k < lanes_; ++k)
    for (int j = 0; j < lanes_; ++j) host_clock_[static_cast<size_t>(j)] = std::max(host_clock_[static_cast<size_t>(j)], lane_clock_[static_cast<size_t>(k)][static_cast<size_t>(j)]);
  deliver_host_writes();
  Block& b = it->second;
  std::memset(b.storage.get(), 0xFF, b.bytes);
  b.shadow = {};  // reserved, poisoned, never reused: any later access is reported
  b.released = true;
  live_bytes_ -= static_cast<int64_t>(b.bytes);
}

EmulatedDevice::Block* EmulatedDevice::block_of(const void* p, size_t bytes, bool& released) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  auto it = blocks_.upper_bound(a);
  if (it == blocks_.begin()) return nullptr;
  --it;
  Block& b = it->second;
  if (a >= it->first + b.bytes) return nullptr;
  if (a + bytes > it->first + b.bytes)
    throw Error(fmt::format("emulated device: {} bytes at {} run past the end of their array", bytes, describe(p)));
  released = b.released;
  return &b;
}

bool EmulatedDevice::is_device(const void* p) const {
  const auto a = reinterpret_cast<uintptr_t>(p);
  auto it = blocks_.upper_bound(a);
  if (it == blocks_.begin()) return false;
  --it;
  return a < it->first + it->second.bytes;
}

std::string EmulatedDevice::describe(const void* p) const {
  const auto a = reinterpret_cast<uintptr_t>(p);
  auto it = blocks_.upper_bound(a);
  if (it == blocks_.begin()) return fmt::format("{}", p);
  --it;
  return fmt::format("byte {} of a {}-byte array", a - it->first, it->second.bytes);
}

void EmulatedDevice::touch(int lane, uint32_t op, const void* p, size_t bytes, bool write) {
  if (bytes == 0) return;
  bool released = false;
  Block* b = block_of(p, bytes, released);
  const std::string& who = op_names_[op];
  if (b == nullptr)
    throw Error(fmt::format("emulated device: {} {} {} bytes at {}, which is not device memory", who,
                            write ? "writes" : "reads", bytes, p));
  if (released)
    throw Error(fmt::format("emulated device: {} {} {}, which was released", who, write ? "writes" : "reads", describe(p)));
  const size_t offset = reinterpret_cast<uintptr_t>(p) - reinterpret_cast<uintptr_t>(b->storage.get());
  const Clock& c = lane_clock_[static_cast<size_t>(lane)];
  const auto L = static_cast<size_t>(lane);
  for (size_t w = offset / 4; w < (offset + bytes + 3) / 4; ++w) {
    Word& s = b->shadow[w];
    if (s.writer >= 0 && s.writer != lane && c[static_cast<size_t>(s.writer)] < s.write_tick)
      throw Error(fmt::format("emulated device: race: {} {} {}, last written by {}, and no event wait or host "
                              "synchronize orders that write before it",
                              who, write ? "overwrites" : "reads", describe(b->storage.get() + w * 4),
                              op_names_[s.write_op]));
    if (!write) {
      s.read_ticks[L] = c[L];
      continue;
    }
    for (size_t t = 0; t < static_cast<size_t>(lanes_); ++t)
      if (t != L && s.read_ticks[t] > c[t])
        throw Error(fmt::format("emulated device: race: {} overwrites {}, which lane {} read, and no event wait or "
                                "host synchronize orders that read before it",
                                who, describe(b->storage.get() + w * 4), t));
    s.writer = lane;
    s.write_tick = c[L];
    s.write_op = op;
    s.read_ticks = {};
  }
}

// ---- work ---------------------------------------------------------------------

void EmulatedDevice::run(int lane, std::shared_ptr<const Op> op) {
  check_lane(lane, op->kind.c_str());
  if (capturing_ >= 0) {
    if (lane != capturing_)
      throw Error(fmt::format("emulated device: {} on lane {} during a capture of lane {}", op->kind, lane, capturing_));
    capture_target_->ops.push_back(std::move(op));
    return;
  }
  execute(lane, *op);
}

void EmulatedDevice::execute(int lane, const Op& op) {
  Clock& c = lane_clock_[static_cast<size_t>(lane)];
  for (size_t k = 0; k < kMaxLanes; ++k) c[k] = std::max(c[k], host_clock_[k]);  // enqueued after what the host saw finish
  ++c[static_cast<size_t>(lane)];
  const auto id = static_cast<uint32_t>(op_names_.size());
  op_names_.push_back(fmt::format("lane {} {} (op {})", lane, op.kind, id));
  ++counts_[op.kind];
  Access access(*this, lane, id);
  op.accesses(access);
  op.body();
}

void EmulatedDevice::copy(int lane, const CopyRows& c) {
  if (c.rows == 0 || c.row_bytes == 0) return;
  auto op = std::make_shared<Op>();
  switch (c.kind) {
    case CopyKind::device_to_device:
      op->kind = "copy d2d";
      op->accesses = [c](Access& a) {
        a.read_rows(c.src, c.src_pitch, c.row_bytes, c.rows);
        a.write_rows(c.dst, c.dst_pitch, c.row_bytes, c.rows);
      };
      op->body = [c] { copy_rows_host(c, c.dst, c.src); };
      break;
    case CopyKind::host_to_device:
      if (capturing_ >= 0) throw Error("emulated device: a copy from the host during a capture");
      if (is_device(c.src)) throw Error("emulated device: a copy from the host reads device memory " + describe(c.src));
      op->kind = "copy h2d";
      op->accesses = [c](Access& a) { a.write_rows(c.dst, c.dst_pitch, c.row_bytes, c.rows); };
      op->body = [c] { copy_rows_host(c, c.dst, c.src); };  // runs now: the host memory as it is at enqueue
      break;
    case CopyKind::device_to_host:
      if (capturing_ >= 0) throw Error("emulated device: a copy to the host during a capture");
      if (is_device(c.dst)) throw Error("emulated device: a copy to the host writes device memory " + describe(c.dst));
      op->kind = "copy d2h";
      op->accesses = [c](Access& a) { a.read_rows(c.src, c.src_pitch, c.row_bytes, c.rows); };
      op->body = [this, c, lane] {  // staged now, lands in host memory at the host's synchronize
        PendingHostWrite w;
        w.lane = lane;
        w.tick = lane_clock_[static_cast<size_t>(lane)][static_cast<size_t>(lane)];
        w.rows = c;
        w.data.resize(c.rows * c.row_bytes);
        CopyRows packed = c;
        packed.dst_pitch = c.row_bytes;
        copy_rows_host(packed, w.data.data(), c.src);
        host_writes_.push_back(std::move(w));
      };
      break;
  }
  run(lane, std::move(op));
}

void EmulatedDevice::deliver_host_writes() {
  std::vector<PendingHostWrite> later;
  for (auto& w : host_writes_) {
    if (host_clock_[static_cast<size_t>(w.lane)] >= w.tick) {
      CopyRows packed = w.rows;
      packed.src_pitch = w.rows.row_bytes;
      copy_rows_host(packed, w.rows.dst, w.data.data());
    } else {
      later.push_back(std::move(w));
    }
  }
  host_writes_ = std::move(later);
}

void EmulatedDevice::fill(int lane, void* dst, unsigned char byte, size_t bytes) {
  if (bytes == 0) return;
  auto op = std::make_shared<Op>();
  op->kind = "fill";
  op->accesses = [dst, bytes](Access& a) { a.write(dst, bytes); };
  op->body = [dst, byte, bytes] { std::memset(dst, byte, bytes); };
  run(lane, std::move(op));
}

namespace {

template <class T, class A>
void gemm_accesses(A& a, const GemmAbt<T>& g, int64_t stride_b, int64_t stride_c, int products) {
  a.read_rows(g.A, bytes_of<T>(g.lda), bytes_of<T>(g.K), static_cast<size_t>(g.M));
  for (int k = 0; k < products; ++k)
    a.read_rows(g.B + k * stride_b, bytes_of<T>(g.ldb), bytes_of<T>(g.K), static_cast<size_t>(g.N));
  for (int k = 0; k < products; ++k)
    a.write_rows(g.C + k * stride_c, bytes_of<T>(g.ldc), bytes_of<T>(g.N), static_cast<size_t>(g.M));
}

template <class T>
void gemm_body(const GemmAbt<T>& g, int64_t stride_b, int64_t stride_c, int products) {
  for (int k = 0; k < products; ++k)
    cpu::blas_gemm_abt<T>(g.M, g.N, g.K, g.A, g.lda, g.B + k * stride_b, g.ldb, g.C + k * stride_c, g.ldc);
}

// What a gate pass of `v` reads and writes (gate_step.hpp).
template <class T, class A>
void gate_accesses(A& a, cpu::RnnVariant v, const cpu::GateStep<T>& s) {
  const int64_t H = s.hidden, B = s.batch, GH = cpu::gate_count(v) * H;
  a.read(s.gates_x, bytes_of<T>(B * GH));
  a.read(s.gates_h, bytes_of<T>(B * GH));
  a.read(s.b_x, bytes_of<T>(GH));
  if (v == cpu::RnnVariant::gru) {
    a.read(s.b_hn, bytes_of<T>(H));
    a.read_rows(s.h_prev, bytes_of<T>(s.h_prev_stride), bytes_of<T>(H), static_cast<size_t>(B));
  }
  if (v == cpu::RnnVariant::lstm) {
    a.read(s.cell, bytes_of<T>(B * H));
    a.write(s.cell, bytes_of<T>(B * H));
  }
  a.write_rows(s.h_out, bytes_of<T>(s.h_out_stride), bytes_of<T>(H), static_cast<size_t>(B));
}

using Op = EmulatedDevice::Op;
using Access = EmulatedDevice::Access;

std::shared_ptr<const Op> make_op(std::string kind, std::function<void(Access&)> accesses, std::function<void()> body) {
  return std::make_shared<const Op>(Op{std::move(kind), std::move(accesses), std::move(body)});
}

// PRODUCTS GEMMs C_k = A * B_k^T (B and C advanced by their strides), float or double.
template <class T>
std::shared_ptr<const Op> gemm_op(const char* kind, const GemmAbt<T>& g, int64_t stride_b, int64_t stride_c,
                                  int products) {
  return make_op(
      kind, [g, stride_b, stride_c, products](Access& a) { gemm_accesses(a, g, stride_b, stride_c, products); },
      [g, stride_b, stride_c, products] { gemm_body(g, stride_b, stride_c, products); });
}

template <class T>
std::shared_ptr<const Op> gates_op(cpu::RnnVariant variant, const cpu::GateStep<T>& step) {
  return make_op(
      "gates", [variant, step](Access& a) { gate_accesses(a, variant, step); },
      [variant, step] { cpu::gate_pass(variant, step); });
}

}  // namespace

void EmulatedDevice::gemm_abt(int lane, const GemmAbt<float>& g) {
  if (g.M == 0 || g.N == 0) return;
  run(lane, gemm_op("gemm_abt", g, 0, 0, 1));
}

void EmulatedDevice::gemm_abt(int lane, const GemmAbt<double>& g) {
  if (g.M == 0 || g.N == 0) return;
  run(lane, gemm_op("gemm_abt", g, 0, 0, 1));
}

void EmulatedDevice::gemm_abt_pair(int lane, const GemmAbt<float>& g, int64_t stride_b, int64_t stride_c) {
  if (g.M == 0 || g.N == 0) return;
  run(lane, gemm_op("gemm_abt_pair", g, stride_b, stride_c, 2));
}

void EmulatedDevice::gates(int lane, cpu::RnnVariant variant, const cpu::GateStep<float>& step) {
  if (step.batch * step.hidden == 0) return;
  run(lane, gates_op(variant, step));
}

void EmulatedDevice::gates(int lane, cpu::RnnVariant variant, const cpu::GateStep<double>& step) {
  if (step.batch * step.hidden == 0) return;
  run(lane, gates_op(variant, step));
}

void EmulatedDevice::gather(int lane, const GatherCopy& copy, const float* src, float* dst) {
  if (copy.count <= 0) return;
  auto accesses = [copy, src, dst](Access& a) {
    for (int64_t i = 0; i < copy.count; ++i) {
      int64_t s = 0, d = 0;
      gather_offsets(copy, i, s, d);
      a.read(src + s, sizeof(float));
      a.write(dst + d, sizeof(float));
    }
  };
  auto body = [copy, src, dst] {
    for (int64_t i = 0; i < copy.count; ++i) {
      int64_t s = 0, d = 0;
      gather_offsets(copy, i, s, d);
      dst[d] = src[s];
    }
  };
  run(lane, make_op("gather", accesses, body));
}

// ---- ordering -------------------------------------------------------------------

DeviceHandle EmulatedDevice::new_event() {
  auto* e = new Event();
  events_.insert(e);
  return e;
}

void EmulatedDevice::delete_event(DeviceHandle event) noexcept {
  auto* e = static_cast<Event*>(event);
  if (events_.erase(e) == 0) {
    misuses_.push_back("delete of an unknown event");
    return;
  }
  delete e;
}

void EmulatedDevice::record(DeviceHandle event, int lane) {
  check_lane(lane, "record");
  if (capturing_ >= 0) throw Error("emulated device: record during a capture (not emulated)");
  auto* e = static_cast<Event*>(event);
  if (events_.count(e) == 0) throw Error("emulated device: record of an unknown event");
  Clock& c = lane_clock_[static_cast<size_t>(lane)];
  for (size_t k = 0; k < kMaxLanes; ++k) c[k] = std::max(c[k], host_clock_[k]);
  e->recorded = true;
  e->clock = c;
  ++counts_["record"];
}

void EmulatedDevice::wait(int lane, DeviceHandle event) {
  check_lane(lane, "wait");
  if (capturing_ >= 0) throw Error("emulated device: wait during a capture (not emulated)");
  auto* e = static_cast<Event*>(event);
  if (events_.count(e) == 0) throw Error("emulated device: wait for an unknown event");
  Clock& c = lane_clock_[static_cast<size_t>(lane)];
  if (e->recorded)
    for (size_t k = 0; k < kMaxLanes; ++k) c[k] = std::max(c[k], e->clock[k]);
  ++counts_["wait"];
}

void EmulatedDevice::synchronize(int lane) {
  check_lane(lane, "synchronize");
  if (capturing_ >= 0) throw Error("emulated device: synchronize during a capture");
  const Clock& c = lane_clock_[static_cast<size_t>(lane)];
  for (size_t k = 0; k < kMaxLanes; ++k) host_clock_[k] = std::max(host_clock_[k], c[k]);
  deliver_host_writes();
  ++counts_["synchronize"];
}

// ---- graphs -----------------------------------------------------------------------

DeviceHandle EmulatedDevice::capture(int lane, const std::function<void()>& enqueue) {
  check_lane(lane, "capture");
  if (capturing_ >= 0) throw Error("emulated device: capture during a capture");
  auto g = std::make_unique<Graph>();
  capturing_ = lane;
  capture_target_ = g.get();
  try {
    enqueue();
  } catch (...) {
    capturing_ = -1;
    capture_target_ = nullptr;
    throw;
  }
  capturing_ = -1;
  capture_target_ = nullptr;
  ++counts_["capture"];
  graphs_.insert(g.get());
  return g.release();
}

void EmulatedDevice::launch(DeviceHandle graph, int lane) {
  check_lane(lane, "launch");
  if (capturing_ >= 0) throw Error("emulated device: launch during a capture (not emulated)");
  auto* g = static_cast<Graph*>(graph);
  if (graphs_.count(g) == 0) throw Error("emulated device: launch of an unknown graph");
  ++counts_["launch"];
  for (const auto& op : g->ops) execute(lane, *op);
}

void EmulatedDevice::delete_graph(DeviceHandle graph) noexcept {
  auto* g = static_cast<Graph*>(graph);
  if (graphs_.erase(g) == 0) {
    misuses_.push_back("delete of an unknown graph");
    return;
  }
  delete g;
}

}  // namespace rnnconf::cuda::testing

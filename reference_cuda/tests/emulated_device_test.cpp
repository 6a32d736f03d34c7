// The emulated device itself (emulated_device.hpp): its memory checker is what
// makes the host tests of the device executor fail on a dropped event wait or
// a missing synchronize, so it is tested first, on hand-written programs:
// each race it must report, and the orderings (same lane, record/wait, host
// synchronize) under which the same program is accepted; copies to the host
// land only at a synchronize; released memory and host pointers are refused;
// a captured graph replays its work with the pointers it was captured with.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "emulated_device.hpp"
#include "executor/device_handles.hpp"
#include "rnnconf/core/error.hpp"

namespace rnnconf::cuda::testing {
namespace {

CopyRows plain(void* dst, const void* src, size_t bytes, CopyKind kind) {
  CopyRows c;
  c.dst = dst;
  c.src = src;
  c.row_bytes = c.dst_pitch = c.src_pitch = bytes;
  c.kind = kind;
  return c;
}

// Expects `f` to throw an rnnconf::Error whose message contains `what`.
template <class F>
void expect_error(F f, const std::string& what) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one about \"" << what << "\"";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(what), std::string::npos) << e.what();
  }
}

struct TwoArrays {
  EmulatedDevice dev;
  DeviceArray<float> a{dev, 8}, b{dev, 8};
  std::vector<float> host = std::vector<float>(8, 2.5F);
  void upload_a_on(int lane) { dev.copy(lane, plain(a.data(), host.data(), 32, CopyKind::host_to_device)); }
  void copy_a_to_b_on(int lane) { dev.copy(lane, plain(b.data(), a.data(), 32, CopyKind::device_to_device)); }
};

TEST(EmulatedDevice, ReadAcrossLanesWithoutWaitIsARace) {
  TwoArrays t;
  t.upload_a_on(0);
  expect_error([&] { t.copy_a_to_b_on(1); }, "race");
}

TEST(EmulatedDevice, ReadAcrossLanesAfterEventWaitIsOrdered) {
  TwoArrays t;
  DeviceEvent e(t.dev);
  t.upload_a_on(0);
  t.dev.record(e.get(), 0);
  t.dev.wait(1, e.get());
  t.copy_a_to_b_on(1);
  EXPECT_EQ(t.dev.count("copy d2d"), 1);
}

TEST(EmulatedDevice, WaitForAnEventRecordedBeforeTheWriteDoesNotOrderIt) {
  TwoArrays t;
  DeviceEvent e(t.dev);
  t.dev.record(e.get(), 0);
  t.upload_a_on(0);  // after the record
  t.dev.wait(1, e.get());
  expect_error([&] { t.copy_a_to_b_on(1); }, "race");
}

TEST(EmulatedDevice, HostSynchronizeOrdersLaterWorkOnEveryLane) {
  TwoArrays t;
  t.upload_a_on(0);
  t.dev.synchronize(0);
  t.copy_a_to_b_on(1);  // enqueued after the host saw lane 0 finish
  EXPECT_EQ(t.dev.count("synchronize"), 1);
}

TEST(EmulatedDevice, SameLaneIsOrdered) {
  TwoArrays t;
  t.upload_a_on(1);
  t.copy_a_to_b_on(1);
  t.upload_a_on(1);  // overwrite after the read, same lane
}

TEST(EmulatedDevice, OverwriteOfWhatAnotherLaneReadIsARace) {
  TwoArrays t;
  t.upload_a_on(0);
  t.dev.synchronize(0);
  t.copy_a_to_b_on(1);  // lane 1 reads a
  expect_error([&] { t.upload_a_on(0); }, "race");  // lane 0 overwrites a, not ordered after that read
  DeviceEvent e(t.dev);
  t.dev.record(e.get(), 1);
  t.dev.wait(0, e.get());
  t.upload_a_on(0);  // now ordered
}

TEST(EmulatedDevice, TwoLanesWritingOneWordIsARace) {
  TwoArrays t;
  t.dev.fill(0, t.a.data(), 0, 16);      // words 0-3 on lane 0
  t.dev.fill(1, t.a.data() + 4, 0, 16);  // words 4-7 on lane 1: disjoint, no race
  expect_error([&] { t.dev.fill(1, t.a.data() + 3, 0, 4); }, "race");  // word 3 again, from lane 1
}

TEST(EmulatedDevice, DisjointColumnsFromTwoLanesAreNoRace) {
  EmulatedDevice dev;
  DeviceArray<float> y(dev, 4 * 6);  // 4 rows of 6: lane 0 writes columns 0-2, lane 1 columns 3-5
  std::vector<float> left(12, 1.0F), right(12, 2.0F);
  CopyRows c;
  c.row_bytes = 3 * sizeof(float);
  c.src_pitch = 3 * sizeof(float);
  c.dst_pitch = 6 * sizeof(float);
  c.rows = 4;
  c.kind = CopyKind::host_to_device;
  c.dst = y.data();
  c.src = left.data();
  dev.copy(0, c);
  c.dst = y.data() + 3;
  c.src = right.data();
  dev.copy(1, c);
  std::vector<float> back(24, 0.0F);
  DeviceEvent e(dev);
  dev.record(e.get(), 1);
  dev.wait(0, e.get());
  dev.copy(0, plain(back.data(), y.data(), 24 * sizeof(float), CopyKind::device_to_host));
  dev.synchronize(0);
  for (int r = 0; r < 4; ++r)
    for (int k = 0; k < 6; ++k) EXPECT_EQ(back[static_cast<size_t>(r * 6 + k)], k < 3 ? 1.0F : 2.0F);
}

TEST(EmulatedDevice, CopyToHostLandsAtSynchronize) {
  TwoArrays t;
  t.upload_a_on(0);
  std::vector<float> back(8, 0.0F);
  t.dev.copy(0, plain(back.data(), t.a.data(), 32, CopyKind::device_to_host));
  EXPECT_EQ(back[0], 0.0F) << "host memory written before the host synchronized";
  t.dev.synchronize(1);  // another lane: not enough
  EXPECT_EQ(back[0], 0.0F);
  t.dev.synchronize(0);
  EXPECT_EQ(back, t.host);
}

TEST(EmulatedDevice, FreshMemoryIsNaN) {
  EmulatedDevice dev;
  DeviceArray<float> a(dev, 4);
  std::vector<float> back(4, 0.0F);
  dev.copy(0, plain(back.data(), a.data(), 16, CopyKind::device_to_host));
  dev.synchronize(0);
  for (float v : back) EXPECT_TRUE(std::isnan(v));
}

TEST(EmulatedDevice, ReleasedMemoryAndHostPointersAreRefused) {
  EmulatedDevice dev;
  std::vector<float> host(8, 1.0F), other(8, 0.0F);
  float* stale = nullptr;
  {
    DeviceArray<float> a(dev, 8);
    stale = a.data();
    EXPECT_EQ(dev.live_bytes(), 32);
  }
  EXPECT_EQ(dev.live_bytes(), 0);
  expect_error([&] { dev.fill(0, stale, 0, 32); }, "released");
  expect_error([&] { dev.fill(0, host.data(), 0, 32); }, "not device memory");
  expect_error([&] { dev.copy(0, plain(other.data(), host.data(), 32, CopyKind::device_to_device)); }, "not device memory");
  DeviceArray<float> b(dev, 8);
  expect_error([&] { dev.copy(0, plain(b.data(), b.data(), 32, CopyKind::host_to_device)); }, "reads device memory");
  expect_error([&] { dev.fill(0, b.data() + 6, 0, 16); }, "past the end");
  EXPECT_TRUE(dev.misuses().empty());
}

TEST(EmulatedDevice, CapturedGraphReplaysWithItsPointers) {
  EmulatedDevice dev;
  DeviceArray<float> a(dev, 4), b(dev, 4);
  std::vector<float> one(4, 1.0F), two(4, 2.0F), back(4, 0.0F);
  DeviceGraph g(dev);
  g.capture(0, [&] { dev.copy(0, plain(b.data(), a.data(), 16, CopyKind::device_to_device)); });
  EXPECT_EQ(dev.count("copy d2d"), 0) << "captured work ran at capture";
  for (const auto* src : {&one, &two}) {
    dev.copy(0, plain(a.data(), src->data(), 16, CopyKind::host_to_device));
    g.launch(0);
    dev.copy(0, plain(back.data(), b.data(), 16, CopyKind::device_to_host));
    dev.synchronize(0);
    EXPECT_EQ(back, *src);
  }
  EXPECT_EQ(dev.count("launch"), 2);
  EXPECT_EQ(dev.count("copy d2d"), 2);
  // Launched on lane 1, the replay reads what lane 0 wrote: ordered only by an event.
  dev.copy(0, plain(a.data(), one.data(), 16, CopyKind::host_to_device));
  expect_error([&] { g.launch(1); }, "race");
}

TEST(EmulatedDevice, CaptureRefusesOtherLanesAndHostWork) {
  EmulatedDevice dev;
  DeviceArray<float> a(dev, 4);
  std::vector<float> host(4, 1.0F);
  DeviceEvent e(dev);
  DeviceGraph g(dev);
  expect_error([&] { g.capture(0, [&] { dev.fill(1, a.data(), 0, 16); }); }, "during a capture");
  expect_error([&] { g.capture(0, [&] { dev.copy(0, plain(a.data(), host.data(), 16, CopyKind::host_to_device)); }); },
               "during a capture");
  expect_error([&] { g.capture(0, [&] { dev.record(e.get(), 0); }); }, "during a capture");
  expect_error([&] { g.capture(0, [&] { dev.synchronize(0); }); }, "during a capture");
  expect_error([&] { g.capture(0, [&] { DeviceArray<float> tmp(dev, 4); }); }, "during a capture");
  EXPECT_FALSE(g.ready());
  dev.fill(0, a.data(), 0, 16);  // the device is usable afterwards
}

}  // namespace
}  // namespace rnnconf::cuda::testing

// Tests of the memory budget (memory_budget.hpp): a MemoryMeter counts the
// bytes of live tensors created under a MemoryBudgetScope (plus a fixed
// overhead per buffer), copies charge and frees return their bytes, moves
// transfer them, a charge over the budget is refused before anything is
// allocated, and without a scope nothing is metered.
#include "rnnconf/core/memory_budget.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf {
namespace {

std::shared_ptr<MemoryMeter> meter_of(int64_t budget) { return std::make_shared<MemoryMeter>(budget); }

// What a buffer of `bytes` is charged.
constexpr int64_t charged(int64_t bytes) { return bytes + static_cast<int64_t>(kMeteredBufferOverhead); }

TEST(MemoryMeter, TensorsChargeAndReturnTheirBytes) {
  const auto m = meter_of(1 << 20);
  const MemoryBudgetScope scope(m);
  {
    const Tensor a(DType::f32, {10, 10});
    EXPECT_EQ(m->live(), charged(400));
    const Tensor b(DType::f64, {10});
    EXPECT_EQ(m->live(), charged(400) + charged(80));
    const Tensor empty(DType::f32, {0, 3});  // no elements: still its overhead
    EXPECT_EQ(empty.nbytes(), 0u);
    EXPECT_EQ(m->live(), charged(400) + charged(80) + charged(1));
  }
  EXPECT_EQ(m->live(), 0);
  EXPECT_EQ(m->peak(), charged(400) + charged(80) + charged(1));
}

TEST(MemoryMeter, CopiesChargeMovesTransfer) {
  const auto m = meter_of(1 << 20);
  const MemoryBudgetScope scope(m);
  Tensor a(DType::i64, {100});  // 800 bytes
  Tensor b = a;                 // a copy holds its own bytes
  EXPECT_EQ(m->live(), 2 * charged(800));
  Tensor c = std::move(a);  // a move hands the same bytes over
  EXPECT_EQ(m->live(), 2 * charged(800));
  b = c;  // copy assignment: b's old bytes return, c's are copied
  EXPECT_EQ(m->live(), 2 * charged(800));
  const Tensor r = c.reshaped({10, 10});  // reshaped copies its storage
  EXPECT_EQ(m->live(), 3 * charged(800));
  const Tensor f = c.cast(DType::f32);
  EXPECT_EQ(m->live(), 3 * charged(800) + charged(400));
  b = Tensor();  // move assignment of an empty tensor frees b's bytes
  EXPECT_EQ(m->live(), 2 * charged(800) + charged(400));
  std::swap(b, c);
  EXPECT_EQ(m->live(), 2 * charged(800) + charged(400));
  EXPECT_EQ(m->peak(), 3 * charged(800) + charged(400));
}

TEST(MemoryMeter, RefusesBeforeAllocatingAndKeepsCounting) {
  const auto m = meter_of(1500);
  const MemoryBudgetScope scope(m);
  const Tensor a(DType::f32, {200});  // 800 + 320
  try {
    const Tensor b(DType::f32, {100});  // 400 + 320 more: over 1500
    ADD_FAILURE() << "no refusal";
  } catch (const MemoryBudgetError& e) {
    const std::string msg = e.what();
    EXPECT_NE(
        msg.find("allocating 720 bytes would bring live tensor data to 1.8 KiB, over the memory budget of "
                 "1.5 KiB (--max-memory)"),
        std::string::npos)
        << msg;
    EXPECT_TRUE(e.where().file.empty());  // the interpreter and the loaders add where
  }
  EXPECT_EQ(m->live(), charged(800));  // the refused charge is not counted
  EXPECT_EQ(m->peak(), charged(800));
  const Tensor c(DType::f32, {15});  // 60 + 320: exactly at the budget, allowed
  EXPECT_EQ(m->live(), 1500);
  EXPECT_THROW(Tensor(DType::boolean, {1}), MemoryBudgetError);
  EXPECT_THROW((void)a.reshaped({200}), Error);  // copies are refused too
  EXPECT_EQ(m->live(), 1500);
}

TEST(MemoryMeter, NoScopeNoMeter) {
  EXPECT_EQ(current_memory_meter(), nullptr);
  const auto m = meter_of(1000);
  Tensor outside(DType::f32, {1000});  // not metered: no scope
  {
    const MemoryBudgetScope scope(m);
    EXPECT_EQ(current_memory_meter(), m);
    Tensor inside(DType::f32, {10});
    EXPECT_EQ(m->live(), charged(40));
    // A copy keeps its source's meter (here: none), wherever it is made.
    const Tensor copy = outside;
    EXPECT_EQ(m->live(), charged(40));
  }
  EXPECT_EQ(current_memory_meter(), nullptr);
  EXPECT_EQ(m->live(), 0);
}

TEST(MemoryMeter, TensorsOutliveTheirScopeAndReturnBytesToTheirMeter) {
  const auto outer = meter_of(1 << 20), inner = meter_of(1 << 20);
  Tensor kept;
  {
    const MemoryBudgetScope a(outer);
    {
      const MemoryBudgetScope b(inner);
      kept = Tensor(DType::f32, {25});
      EXPECT_EQ(current_memory_meter(), inner);
    }
    EXPECT_EQ(current_memory_meter(), outer);  // nested scopes restore the previous meter
    const Tensor copy = kept;                  // charged to kept's meter, not the current one
    EXPECT_EQ(inner->live(), 2 * charged(100));
    EXPECT_EQ(outer->live(), 0);
  }
  EXPECT_EQ(inner->live(), charged(100));
  kept = Tensor();
  EXPECT_EQ(inner->live(), 0);
}

TEST(MemoryMeter, MeteredBytesAndBadBudgets) {
  const auto m = meter_of(4096);
  const MemoryBudgetScope scope(m);
  MeteredBytes bytes;
  bytes.reserve(1000);
  EXPECT_EQ(m->live(), charged(1000));
  EXPECT_THROW(bytes.reserve(5000), MemoryBudgetError);
  EXPECT_EQ(m->live(), charged(1000));
  bytes = MeteredBytes();
  EXPECT_EQ(m->live(), 0);
  EXPECT_THROW(MemoryMeter(0), Error);
  EXPECT_THROW(MemoryMeter(-5), Error);
}

}  // namespace
}  // namespace rnnconf

// Bounded resources of a graph run (issue 13): every tensor is charged to the
// memory budget before it is allocated, and a refusal names the statement and
// op; the accounting returns to the model's own bytes after a refused run;
// RunOptions::deadline stops a run at the next statement or scan iteration
// with an Error naming where.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "executor_test_support.hpp"
#include "rnnconf/core/memory_budget.hpp"

namespace rnnconf::cpu {
namespace {

using namespace testing;

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

// Lines: 1 version, 2 extension, 3 graph, 4 {, 5 x, 6 w, 7.. one tile each
// (64 x 1024 f32 = 256 KiB), then y.
std::string tile_bomb(int tiles) {
  std::string text =
      "version 1.0;\nextension tract_registry tract_core;\ngraph g( x ) -> ( y )\n{\n"
      "  x = external<scalar>(shape = [1, 1]);\n"
      "  w = variable<scalar>(shape = [1, 1], label = 'w');\n";
  for (int k = 0; k < tiles; ++k) text += "  t" + std::to_string(k) + " = tile(w, repeats = [64, 1024]);\n";
  text += "  y = add(x, w);\n}\n";
  return text;
}

TEST(BoundedRun, MemoryBudgetRefusesTheStatementThatWouldPassIt) {
  const auto meter = std::make_shared<MemoryMeter>(1 << 20);  // room for 3 tiles and the small tensors
  const MemoryBudgetScope scope(meter);
  const nnef::Model m = model_from_text(tile_bomb(8), {{"w", f32({1, 1}, {2})}});
  const int64_t model_bytes = meter->live();  // members and variables
  EXPECT_GT(model_bytes, 0);
  const std::string msg = message_of([&] { run_model(m, {{"x", f32({1, 1}, {1})}}, literal_f32()); });
  // The 4th tile (line 10) would pass 1 MiB (each tile is charged 256 KiB + kMeteredBufferOverhead).
  EXPECT_NE(
      msg.find("t/graph.nnef:10:8: 'tile': allocating 256.3 KiB would bring live tensor data to 1.0 MiB ("),
      std::string::npos)
      << msg;
  EXPECT_NE(msg.find("bytes), over the memory budget of 1.0 MiB (1048576 bytes) (--max-memory)"),
            std::string::npos)
      << msg;
  EXPECT_EQ(meter->live(), model_bytes);  // every tensor of the refused run returned its bytes
  EXPECT_GE(meter->peak(), model_bytes + 3 * (256 << 10));
  // Fewer tiles fit, and the run succeeds under the same budget.
  const nnef::Model small = model_from_text(tile_bomb(2), {{"w", f32({1, 1}, {2})}});
  EXPECT_NO_THROW(run_model(small, {{"x", f32({1, 1}, {1})}}, literal_f32()));
}

TEST(BoundedRun, OperatorExpressionsFragmentsAndOutputsNameWhere) {
  // Lines: 3 the fragment, 6 x, 7 t (256 KiB), 8 u (256 KiB), 9 y (256 KiB in the fragment).
  const std::string text =
      "version 1.0;\nextension tract_registry tract_core;\n"
      "fragment twice( a: tensor<scalar> ) -> ( b: tensor<scalar> ) { b = a + a; }\n"
      "graph g( x ) -> ( y )\n{\n"
      "  x = external<scalar>(shape = [1, 1]);\n"
      "  t = tile(x, repeats = [64, 1024]);\n"
      "  u = t * 2.0;\n"
      "  y = twice(u);\n}\n";
  const nnef::Model m = model_from_text(text);
  const std::map<std::string, Tensor> in{{"x", f32({1, 1}, {1})}};
  auto error_under = [&](int64_t budget) {
    const MemoryBudgetScope scope(std::make_shared<MemoryMeter>(budget));
    return message_of([&] { run_model(m, in, literal_f32()); });
  };
  std::string msg = error_under(400 << 10);
  EXPECT_NE(
      msg.find("t/graph.nnef:8:7: 'mul': allocating 256.3 KiB would bring live tensor data to 512.9 KiB"),
      std::string::npos)
      << msg;
  msg = error_under(700 << 10);
  EXPECT_NE(
      msg.find(
          "t/graph.nnef:3:68: 'add': allocating 256.3 KiB would bring live tensor data to 768.9 KiB, over "
          "the memory budget of 700.0 KiB (--max-memory) (in fragment 'twice' called at t/graph.nnef:9:7)"),
      std::string::npos)
      << msg;
  // The run fits, but not the copy of its output.
  msg = error_under(900 << 10);
  EXPECT_NE(msg.find("t/graph.nnef:4:19: graph output 'y' (copied out of the run): allocating 256.3 KiB"),
            std::string::npos)
      << msg;
}

TEST(BoundedRun, DeadlineAlreadyPassedNamesTheFirstStatement) {
  RunOptions opt = literal_f32();
  opt.deadline = Deadline::after(1e-6);
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  const nnef::Model m = model_from_text(tile_bomb(1), {{"w", f32({1, 1}, {2})}});
  const std::string msg = message_of([&] { run_model(m, {{"x", f32({1, 1}, {1})}}, opt); });
  EXPECT_NE(
      msg.find("t/graph.nnef:5:7: 'external': the --timeout of 1e-06 s ran out before this statement ran"),
      std::string::npos)
      << msg;
}

TEST(BoundedRun, DeadlineStopsALongScan) {
  // 2^20 iterations of a one-statement body: far longer than the deadline.
  const std::string text =
      "version 1.0;\nextension tract_registry tract_core;\n"
      "fragment step( s_prev: tensor<scalar>, x_t: tensor<scalar> ) -> ( s: tensor<scalar> ) { s = s_prev + "
      "x_t; }\n"
      "graph g( x ) -> ( y )\n{\n"
      "  x = external<scalar>(shape = [1, 1]);\n"
      "  xs = tile(x, repeats = [1048576, 1]);\n"
      "  y = tract_core_scan(body = 'step', scan = [('x_t', xs, 0, 1)], full = [], state = [('s_prev', x, "
      "'s')], "
      "output = [('s', 'last', 0, 1)], skip = 0);\n}\n";
  const nnef::Model m = model_from_text(text);
  RunOptions opt = literal_f32();
  opt.deadline = Deadline::after(0.05);
  const auto t0 = std::chrono::steady_clock::now();
  const std::string msg = message_of([&] { run_model(m, {{"x", f32({1, 1}, {1})}}, opt); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(msg.find("the --timeout of 0.05 s ran out"), std::string::npos) << msg;
  // Where the deadline was seen depends on the machine: usually the scan's own
  // check (line 8, with the iteration) or a body statement (line 3); on a slow
  // (sanitizer) build already the tile (line 7) or the scan statement itself.
  const bool at_iteration =
      msg.find("t/graph.nnef:8:7: tract_core_scan: the --timeout of 0.05 s ran out at iteration ") !=
      std::string::npos;
  const bool at_statement =
      msg.find("t/graph.nnef:3:") != std::string::npos ||
      msg.find("t/graph.nnef:7:8: 'tile': the --timeout") != std::string::npos ||
      msg.find("t/graph.nnef:8:7: 'tract_core_scan': the --timeout") != std::string::npos;
  EXPECT_TRUE(at_iteration || at_statement) << msg;
  // A robustness bound (the run stops soon after the deadline), not a speed claim.
  EXPECT_LT(seconds, 5.0);
}

}  // namespace
}  // namespace rnnconf::cpu

// The engine registry (engines.hpp): names and (device, mode) pairs, the
// --engine list spelling, and probes that never throw: the CPU engines run
// everywhere, and on a machine without an NVIDIA driver the cuda engine is
// unavailable with the reason in one line.
#include <gtest/gtest.h>

#include <filesystem>

#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/core/error.hpp"

using namespace rnnconf;
using namespace rnnconf::conformance;
namespace fs = std::filesystem;

namespace {

// The message of the Error that `f` throws ("" when it throws none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST(Engines, TableNamesEachEngineAndItsDeviceAndMode) {
  const auto& t = engine_table();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].name, "cpu");
  EXPECT_EQ(t[1].name, "cpu-literal");
  EXPECT_EQ(t[2].name, "cuda");
  for (const auto& e : t) {
    EXPECT_EQ(&find_engine(e.name), &e);
    EXPECT_EQ(&engine_of(e.device, e.mode), &e);
    EXPECT_FALSE(e.description.empty()) << e.name;
  }
  EXPECT_EQ(engine_of("cpu", "fused").name, "cpu");
  EXPECT_EQ(engine_of("cpu", "literal").name, "cpu-literal");
  EXPECT_EQ(engine_of("cuda", "fused").name, "cuda");
}

TEST(Engines, UnknownNamesAndPairsAreRefusedNamingTheKnownOnes) {
  const std::string unknown = error_of([] { find_engine("gpu"); });
  EXPECT_NE(unknown.find("unknown engine 'gpu'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("cpu, cpu-literal, cuda"), std::string::npos) << unknown;
  // The old "device cuda, mode literal" ran the CPU; it is no engine.
  const std::string pair = error_of([] { engine_of("cuda", "literal"); });
  EXPECT_NE(pair.find("no engine runs device 'cuda' in mode 'literal'"), std::string::npos) << pair;
  EXPECT_NE(pair.find("cpu-literal = cpu literal"), std::string::npos) << pair;
  EXPECT_THROW(probe_engine("gpu"), Error);
}

TEST(Engines, ListsKeepOrderDropDuplicatesAndExpandAll) {
  EXPECT_EQ(parse_engine_list("cpu"), (std::vector<std::string>{"cpu"}));
  EXPECT_EQ(parse_engine_list("cuda,cpu"), (std::vector<std::string>{"cuda", "cpu"}));
  EXPECT_EQ(parse_engine_list(" cpu , cpu-literal "), (std::vector<std::string>{"cpu", "cpu-literal"}));
  EXPECT_EQ(parse_engine_list("cpu,cpu,cpu-literal,cpu"), (std::vector<std::string>{"cpu", "cpu-literal"}));
  EXPECT_EQ(parse_engine_list("all"), (std::vector<std::string>{"cpu", "cpu-literal", "cuda"}));
  EXPECT_EQ(parse_engine_list("cuda,all"), (std::vector<std::string>{"cuda", "cpu", "cpu-literal"}));
  EXPECT_TRUE(engine_list_has_all("all"));
  EXPECT_TRUE(engine_list_has_all("cpu, all"));
  EXPECT_FALSE(engine_list_has_all("cpu,cuda"));
  EXPECT_FALSE(engine_list_has_all("allx"));
}

TEST(Engines, BadListsAreRefused) {
  EXPECT_NE(error_of([] { parse_engine_list(""); }).find("empty engine list"), std::string::npos);
  EXPECT_NE(error_of([] { parse_engine_list("  "); }).find("empty engine list"), std::string::npos);
  const std::string gap = error_of([] { parse_engine_list("cpu,,cuda"); });
  EXPECT_NE(gap.find("empty engine name in the list 'cpu,,cuda'"), std::string::npos) << gap;
  EXPECT_NE(error_of([] { parse_engine_list("cpu,"); }).find("empty engine name"), std::string::npos);
  const std::string bad = error_of([] { parse_engine_list("cpu,fused"); });
  EXPECT_NE(bad.find("unknown engine 'fused'"), std::string::npos) << bad;
}

TEST(Engines, CpuEnginesAreAvailable) {
  for (const char* name : {"cpu", "cpu-literal"}) {
    const EngineStatus s = probe_engine(name);
    EXPECT_EQ(s.name, name);
    EXPECT_TRUE(s.available) << s.why;
    EXPECT_TRUE(s.why.empty()) << s.why;
    EXPECT_NE(s.detail.find("reference_cpu"), std::string::npos) << s.detail;
  }
}

// Whatever the machine, the probe answers with a value; without a driver
// (no /dev/nvidiactl, as on the CI machine) it must say cuda is unavailable and why.
TEST(Engines, CudaProbeNeverThrowsAndSaysWhyNot) {
  EngineStatus s;
  EXPECT_NO_THROW(s = probe_engine("cuda"));
  EXPECT_EQ(s.name, "cuda");
  if (s.available) {
    EXPECT_FALSE(s.detail.empty());
  } else {
    EXPECT_FALSE(s.why.empty());
    EXPECT_EQ(s.why.find('\n'), std::string::npos) << s.why;  // one line
  }
  // A second probe gives the same answer (the module, once mapped, stays).
  const EngineStatus again = probe_engine("cuda");
  EXPECT_EQ(again.available, s.available);
  EXPECT_EQ(again.why, s.why);
  if (fs::exists("/dev/nvidiactl")) GTEST_SKIP() << "an NVIDIA device node is present: cuda: " << (s.available ? s.detail : s.why);
  EXPECT_FALSE(s.available) << s.detail;
  // Which reason depends on the build: no module (no nvcc), or the module
  // loaded and found no driver (the module's own probe).
  const bool named = s.why.find("not built") != std::string::npos || s.why.find("no NVIDIA driver") != std::string::npos ||
                     s.why.find("not found; looked in") != std::string::npos ||
                     s.why.find("cannot load") != std::string::npos || s.why.find("no GPU") != std::string::npos;
  EXPECT_TRUE(named) << s.why;
}

// The ISA path choice (cpu_isa.hpp): parsing RNNCONF_CPU_ISA, refusing a path
// the CPU lacks, and that this process really runs the path its environment
// asks for (ci/test.sh runs the suites with RNNCONF_CPU_ISA=avx2 and
// =baseline; this test is what makes such a run fail if forcing had no effect).
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "rnnconf/core/error.hpp"
#include "rnnconf/reference_cpu/cpu_isa.hpp"

namespace rnnconf::cpu {
namespace {

TEST(CpuIsa, ParsesEveryAcceptedSpelling) {
  EXPECT_FALSE(parse_cpu_isa_request("").has_value());
  EXPECT_EQ(parse_cpu_isa_request("baseline"), CpuIsa::baseline);
  EXPECT_EQ(parse_cpu_isa_request("portable"), CpuIsa::baseline);
  EXPECT_EQ(parse_cpu_isa_request("avx2"), CpuIsa::avx2);
  EXPECT_EQ(parse_cpu_isa_request("avx512"), CpuIsa::avx512);
}

TEST(CpuIsa, RefusesUnknownNamesNamingTheVariable) {
  for (const char* bad : {"AVX2", "sse4", "avx-512", " avx2", "1"}) {
    try {
      (void)parse_cpu_isa_request(bad);
      ADD_FAILURE() << "accepted " << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("RNNCONF_CPU_ISA"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("expected baseline"), std::string::npos) << e.what();
    }
  }
}

TEST(CpuIsa, ResolvesToTheRequestOrRefusesMoreThanTheCpu) {
  EXPECT_EQ(resolve_cpu_isa(CpuIsa::avx512, std::nullopt), CpuIsa::avx512);
  EXPECT_EQ(resolve_cpu_isa(CpuIsa::avx512, CpuIsa::avx2), CpuIsa::avx2);
  EXPECT_EQ(resolve_cpu_isa(CpuIsa::avx512, CpuIsa::baseline), CpuIsa::baseline);
  EXPECT_EQ(resolve_cpu_isa(CpuIsa::avx2, CpuIsa::avx2), CpuIsa::avx2);
  EXPECT_THROW((void)resolve_cpu_isa(CpuIsa::avx2, CpuIsa::avx512), Error);
  EXPECT_THROW((void)resolve_cpu_isa(CpuIsa::baseline, CpuIsa::avx2), Error);
}

TEST(CpuIsa, ThisProcessRunsThePathItsEnvironmentAsksFor) {
  const char* env = std::getenv(kCpuIsaEnv);
  const CpuIsa used = cpu_isa_in_use();
  if (env && *env) {
    EXPECT_EQ(used, *parse_cpu_isa_request(env)) << "RNNCONF_CPU_ISA=" << env << " but the kernels run "
                                                  << cpu_isa_name(used);
  } else {
    EXPECT_EQ(used, detected_cpu_isa());
  }
  EXPECT_NE(cpu_isa_description().find(std::string(cpu_isa_name(used))), std::string::npos);
}

}  // namespace
}  // namespace rnnconf::cpu

// The module loader (module_loader.hpp): the documented search order, the
// reasons it gives when it cannot load (the places tried, dlerror), the
// identity check, and the host-side sink with exceptions kept on their side
// of the boundary (module_boundary.hpp).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "rnnconf/conformance/module_boundary.hpp"
#include "rnnconf/conformance/module_loader.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/core/memory_budget.hpp"

using namespace rnnconf;
using namespace rnnconf::conformance;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& tag) {
  const fs::path d = fs::temp_directory_path() / ("rnnconf-module-test-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(ModuleSearchPath, OrderIsEnvProgramFolderItsLibThenTheBuild) {
  const auto p = module_search_path("/x/mods", "/opt/r/bin/rnnconf", "/b/lib");
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].dir, fs::path("/x/mods"));
  EXPECT_EQ(p[0].what, "RNNCONF_MODULE_DIR");
  EXPECT_EQ(p[1].dir, fs::path("/opt/r/bin"));
  EXPECT_EQ(p[1].what, "next to the program");
  EXPECT_EQ(p[2].dir, fs::path("/opt/r/lib"));
  EXPECT_EQ(p[2].what, "the program's ../lib");
  EXPECT_EQ(p[3].dir, fs::path("/b/lib"));
  EXPECT_EQ(p[3].what, "this build's lib folder");
  // Unset or empty pieces are left out; a folder met twice is listed once, with its first reason.
  const auto q = module_search_path("", "/b/tools/rnnconf", "/b/lib");
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].dir, fs::path("/b/tools"));
  EXPECT_EQ(q[1].dir, fs::path("/b/lib"));
  EXPECT_EQ(q[1].what, "the program's ../lib");
  EXPECT_TRUE(module_search_path(nullptr, "", "").empty());
}

TEST(ModuleSearchPath, ThisProcessLooksNextToItsProgram) {
  const auto p = module_search_path();
  ASSERT_FALSE(p.empty());
  bool program_dir = false;
  for (const auto& place : p) program_dir = program_dir || place.what == "next to the program";
  EXPECT_TRUE(program_dir) << describe_search_path(p);
}

TEST(ModuleLoader, AMissingModuleNamesEveryPlaceTried) {
  const fs::path a = fresh_dir("a"), b = fresh_dir("b");
  const std::vector<ModuleSearchPlace> places = {{a, "RNNCONF_MODULE_DIR"}, {b, "next to the program"}};
  const ModuleLoad r = load_module("librnnconf_engine_nothing.so", "entry", places);
  EXPECT_FALSE(r.loaded);
  EXPECT_EQ(r.entry, nullptr);
  EXPECT_NE(r.why.find("librnnconf_engine_nothing.so not found; looked in"), std::string::npos) << r.why;
  EXPECT_NE(r.why.find(a.string() + " (RNNCONF_MODULE_DIR)"), std::string::npos) << r.why;
  EXPECT_NE(r.why.find(b.string() + " (next to the program)"), std::string::npos) << r.why;
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(ModuleLoader, AModuleThatCannotLoadGivesItsPathAndDlerror) {
  const fs::path a = fresh_dir("bad"), b = fresh_dir("good");
  { std::ofstream(a / "libbroken.so") << "not an ELF file"; }
  { std::ofstream(b / "libbroken.so") << "never reached: the first file found is the one loaded"; }
  const ModuleLoad r = load_module("libbroken.so", "entry", {{a, "RNNCONF_MODULE_DIR"}, {b, "next to the program"}});
  EXPECT_FALSE(r.loaded);
  EXPECT_EQ(r.file, a / "libbroken.so");
  const std::string prefix = "cannot load " + (a / "libbroken.so").string() + " (found in RNNCONF_MODULE_DIR): ";
  ASSERT_EQ(r.why.rfind(prefix, 0), 0u) << r.why;
  // dlerror's own words follow (glibc: "...: invalid ELF header" or "...: file too short").
  EXPECT_NE(r.why.find("libbroken.so: ", prefix.size()), std::string::npos) << r.why;
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST(ModuleLoader, ASharedObjectWithoutTheEntryIsRefused) {
  // libm is a shared object everywhere glibc is; it has no rnnconf entry point.
  for (const fs::path dir : {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"}) {
    if (!fs::exists(dir / "libm.so.6")) continue;
    const ModuleLoad r = load_module("libm.so.6", "rnnconf_engine_module_v1", {{dir, "test"}});
    EXPECT_FALSE(r.loaded);
    EXPECT_NE(r.why.find("has no entry point rnnconf_engine_module_v1"), std::string::npos) << r.why;
    return;
  }
  GTEST_SKIP() << "no libm.so.6 in the usual folders";
}

TEST(ModuleIdentity, VersionAndBuildIdMustBeThisBuilds) {
  EXPECT_EQ(module_identity_mismatch(RNNCONF_MODULE_ABI_VERSION, host_module_build_id(), "m.so"), "");
  const std::string abi = module_identity_mismatch(RNNCONF_MODULE_ABI_VERSION + 1, host_module_build_id(), "m.so");
  EXPECT_NE(abi.find("m.so speaks module ABI"), std::string::npos) << abi;
  const std::string other = module_identity_mismatch(RNNCONF_MODULE_ABI_VERSION, "rnnconf-0.0.0-other", "m.so");
  EXPECT_NE(other.find("comes from another build (its build id 'rnnconf-0.0.0-other'"), std::string::npos) << other;
  EXPECT_NE(other.find(host_module_build_id()), std::string::npos) << other;
  EXPECT_NE(module_identity_mismatch(RNNCONF_MODULE_ABI_VERSION, nullptr, "m.so"), "");
}

// A module's body as the modules write it: guarded_call reports through the sink.
TEST(ModuleBoundary, ResultsAndErrorsCrossAsValues) {
  const Tensor y = Tensor::from<float>({2, 2}, {1.f, -2.f, 3.5f, 0.25f});
  {
    ModuleResults res;
    const rnnconf_module_sink* sink = res.sink();
    const int32_t rc = guarded_call(sink, [&] {
      const std::string name = "y";
      const rnnconf_tensor_view v = view_of(name, y);
      sink->tensor(sink->context, "outputs", &v);
      sink->message(sink->context, RNNCONF_MSG_WARNING, "op 'x' ran on the CPU");
      sink->message(sink->context, RNNCONF_MSG_DETAIL, "GPU 0");
    });
    EXPECT_EQ(rc, 0);
    EXPECT_NO_THROW(res.check(rc, "engine test"));
    ASSERT_EQ(res.tensors.count("outputs"), 1u);
    EXPECT_TRUE(res.tensors.at("outputs").at("y") == y);
    EXPECT_EQ(res.warnings, (std::vector<std::string>{"op 'x' ran on the CPU"}));
    EXPECT_EQ(res.details, (std::vector<std::string>{"GPU 0"}));
  }
  {
    ModuleResults res;
    const int32_t rc = guarded_call(res.sink(), [] { throw Error("graph.nnef:3:1: refused"); });
    EXPECT_EQ(rc, 1);
    try {
      res.check(rc, "engine test");
      ADD_FAILURE() << "check() did not throw";
    } catch (const MemoryBudgetError&) {
      ADD_FAILURE() << "a plain error came back as a budget error";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()), "engine test: graph.nnef:3:1: refused");
    }
  }
  {
    ModuleResults res;
    const int32_t rc = guarded_call(res.sink(), [] { throw MemoryBudgetError("over the memory budget"); });
    EXPECT_THROW(res.check(rc, "engine test"), MemoryBudgetError);
  }
  {
    ModuleResults res;
    const int32_t rc = guarded_call(res.sink(), [] { throw 42; });
    EXPECT_EQ(rc, 1);
    EXPECT_EQ(res.error, "unknown exception inside the module");
  }
}

TEST(ModuleBoundary, ViewsRoundTripEveryDtype) {
  std::map<std::string, Tensor> in;
  in.emplace("a", Tensor::from<float>({3}, {1.f, 2.f, 3.f}));
  in.emplace("b", Tensor::from<double>({1, 2}, {0.1, -7.0}));
  in.emplace("c", Tensor::from<int64_t>({2}, {5, -9}));
  in.emplace("d", Tensor(DType::boolean, {}));
  const auto views = views_of(in);
  ASSERT_EQ(views.size(), 4u);
  const auto back = tensors_from_views(views.data(), views.size());
  EXPECT_EQ(back, in);
  rnnconf_tensor_view bad = views[0];
  bad.dtype = 9;
  EXPECT_THROW(tensor_from_view(bad), Error);
}

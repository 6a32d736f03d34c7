// Release versions, pip's index output, the selection of `--exporter-release`,
// and the install cache (a complete folder is reused without running pip).
#include <gtest/gtest.h>

#include <cstdlib>

#include "fixtures.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/releases.hpp"

namespace rnnconf::exporter_ci {
namespace {

namespace fs = std::filesystem;

TEST(Releases, VersionsCompareNumerically) {
  EXPECT_EQ(parse_version("0.24.12"), (std::vector<int>{0, 24, 12}));
  EXPECT_TRUE(version_less("0.9.0", "0.10.0"));
  EXPECT_TRUE(version_less("0.24.2", "0.24.12"));
  EXPECT_FALSE(version_less("0.24.12", "0.24.12"));
  EXPECT_TRUE(version_less("0.24", "0.24.0"));
  for (const char* bad : {"", "0..1", "0.24.x", "v0.24.1", "0.25.0rc1", "-1.0"}) EXPECT_THROW(parse_version(bad), Error) << bad;
  EXPECT_EQ(sorted_versions({"0.24.12", "0.20.1", "0.24.2", "0.20.1"}),
            (std::vector<std::string>{"0.20.1", "0.24.2", "0.24.12"}));
}

const char* kPipOutput =
    "torch-to-nnef (0.24.12)\n"
    "Available versions: 0.24.12, 0.24.10, 0.24.2, 0.23.2, 0.22.0, 0.21.0, 0.20.4, 0.20.1, 0.19.3, 0.25.0rc1\n"
    "  INSTALLED: 0.24.12\n  LATEST:    0.24.12\n";

TEST(Releases, PipIndexOutputIsParsedAscendingWithoutPreReleases) {
  EXPECT_EQ(parse_pip_index_output(kPipOutput),
            (std::vector<std::string>{"0.19.3", "0.20.1", "0.20.4", "0.21.0", "0.22.0", "0.23.2", "0.24.2", "0.24.10",
                                      "0.24.12"}));
  EXPECT_THROW(parse_pip_index_output("ERROR: No matching distribution found"), Error);
}

TEST(Releases, AllMeansEveryReleaseFromTheOldestSupportedOn) {
  const auto available = parse_pip_index_output(kPipOutput);
  const auto all = select_releases("all", available);
  EXPECT_EQ(all.front(), "0.20.1");
  EXPECT_EQ(all.back(), "0.24.12");
  EXPECT_EQ(all.size(), 8u);
  EXPECT_EQ(select_releases("0.24.12,0.20.1, 0.22.0", available),
            (std::vector<std::string>{"0.20.1", "0.22.0", "0.24.12"}));
  EXPECT_THROW(select_releases("0.20.2", available), Error);  // not on the index
  EXPECT_THROW(select_releases("0.20.1,,0.22.0", available), Error);
  EXPECT_EQ(select_releases("0.20.2", {}), (std::vector<std::string>{"0.20.2"}));  // no index to check against
  EXPECT_THROW(select_releases("all", {"0.19.3"}), Error);
}

TEST(Releases, ACompleteCachedReleaseIsReusedWithoutPip) {
  const fs::path cache = test::fresh_dir("release-cache");
  fs::create_directories(cache / "0.21.0" / "torch_to_nnef");
  test::write_file(cache / "0.21.0" / ".rnnconf-complete", "pip install ...\n");
  std::string log = "untouched";
  // A python that does not exist: it must not be needed.
  EXPECT_EQ(install_release("/nonexistent/python", "0.21.0", cache, log), cache / "0.21.0");
  EXPECT_EQ(log, "untouched");
  // An incomplete folder (no marker) is installed again: here that fails, naming pip's command.
  fs::create_directories(cache / "0.22.0" / "torch_to_nnef");
  try {
    install_release("/nonexistent/python", "0.22.0", cache, log);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/python"), std::string::npos) << e.what();
  }
  EXPECT_THROW(install_release("/nonexistent/python", "latest", cache, log), Error);
}

TEST(Releases, TheCacheFolderFollowsTheEnvironment) {
  const char* old = std::getenv("RNNCONF_T2N_RELEASES");
  const std::string saved = old ? old : "";
  setenv("RNNCONF_T2N_RELEASES", "/some/where", 1);
  EXPECT_EQ(default_release_cache(), fs::path("/some/where"));
  unsetenv("RNNCONF_T2N_RELEASES");
  EXPECT_EQ(default_release_cache().filename(), "t2n-releases");
  if (old) setenv("RNNCONF_T2N_RELEASES", saved.c_str(), 1);
}

}  // namespace
}  // namespace rnnconf::exporter_ci

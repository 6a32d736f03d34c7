// Bisection: the first bad candidate for every position of the change over
// lists of many lengths with a fake verdict, in about log2(n) probes; the
// refusals; releases in both directions; commits of a real (temporary) git
// repository and the extraction of one commit's tree.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "fixtures.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/bisect.hpp"
#include "rnnconf/exporter_ci/process.hpp"

namespace rnnconf::exporter_ci {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> names(size_t n) {
  std::vector<std::string> v;
  for (size_t i = 0; i < n; ++i) v.push_back("v" + std::to_string(i));
  return v;
}

TEST(Bisect, FindsTheFirstBadForEveryPositionInFewProbes) {
  for (size_t n = 2; n <= 40; ++n) {
    const auto candidates = names(n);
    for (size_t first_bad = 1; first_bad < n; ++first_bad) {
      int probes = 0;
      const BisectResult r = bisect(candidates, [&](const std::string& c) {
        ++probes;
        const size_t i = std::stoul(c.substr(1));
        return BisectProbe{c, i >= first_bad, i >= first_bad ? "FAIL_EXPORT" : "PASS"};
      });
      ASSERT_EQ(r.first_bad, candidates[first_bad]) << n;
      ASSERT_EQ(r.last_good, candidates[first_bad - 1]) << n;
      // Both ends, then a binary search between them.
      EXPECT_LE(probes, 2 + static_cast<int>(std::ceil(std::log2(static_cast<double>(n - 1))))) << n;
      EXPECT_EQ(r.probes.size(), static_cast<size_t>(probes));
    }
  }
}

TEST(Bisect, TheEndsMustBeGoodAndBad) {
  const auto all_bad = [](const std::string& c) { return BisectProbe{c, true, "FAIL_NUMERIC"}; };
  const auto all_good = [](const std::string& c) { return BisectProbe{c, false, "PASS"}; };
  try {
    bisect(names(5), all_bad);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the good end v0 is bad (FAIL_NUMERIC)"), std::string::npos) << e.what();
  }
  try {
    bisect(names(5), all_good);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("the bad end v4 is good"), std::string::npos) << e.what();
  }
  EXPECT_THROW(bisect(names(1), all_good), Error);
}

TEST(Bisect, ProbesAreReportedWithWhatIsLeft) {
  std::vector<std::pair<std::string, size_t>> seen;
  bisect(names(9), [](const std::string& c) { return BisectProbe{c, c >= "v3", ""}; },
         [&](const BisectProbe& p, size_t left) { seen.emplace_back(p.candidate, left); });
  // v0 good, v8 bad (7 between), v4 bad (3: v1..v3), v2 good (1: v3), v3 bad (0).
  const std::vector<std::pair<std::string, size_t>> expected = {{"v0", 7}, {"v8", 7}, {"v4", 3}, {"v2", 1}, {"v3", 0}};
  EXPECT_EQ(seen, expected);
}

TEST(BisectReleases, RunFromGoodToBadInEitherDirection) {
  const std::vector<std::string> available = {"0.24.12", "0.20.1", "0.22.0", "0.23.2", "0.24.0", "0.21.0"};
  EXPECT_EQ(releases_between(available, "0.21.0", "0.24.0"),
            (std::vector<std::string>{"0.21.0", "0.22.0", "0.23.2", "0.24.0"}));
  EXPECT_EQ(releases_between(available, "0.24.12", "0.20.1"),
            (std::vector<std::string>{"0.24.12", "0.24.0", "0.23.2", "0.22.0", "0.21.0", "0.20.1"}));
  EXPECT_THROW(releases_between(available, "0.19.0", "0.24.0"), Error);
}

// A git repository of five commits, each writing its index to torch_to_nnef/v.txt.
struct GitRepo {
  fs::path dir;
  std::vector<std::string> commits;
};

bool have_git() { return run_process({"git", "--version"}).status == 0; }

GitRepo make_repo() {
  GitRepo g{test::fresh_dir("git") / "checkout", {}};
  fs::create_directories(g.dir / "torch_to_nnef");
  const std::vector<std::string> env = {"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t",
                                        "GIT_COMMITTER_EMAIL=t@t", "GIT_CONFIG_NOSYSTEM=1", "HOME=" + g.dir.string()};
  auto git = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {"git", "-C", g.dir.string()});
    const ProcessResult r = run_process(args, env);
    EXPECT_EQ(r.status, 0) << command_text(args) << ": " << r.output;
    return r.output;
  };
  git({"init", "-q"});
  for (int i = 0; i < 5; ++i) {
    test::write_file(g.dir / "torch_to_nnef" / "v.txt", std::to_string(i));
    git({"add", "-A"});
    git({"commit", "-q", "-m", "c" + std::to_string(i)});
    std::string h = git({"rev-parse", "HEAD"});
    g.commits.push_back(h.substr(0, h.find('\n')));
  }
  return g;
}

TEST(BisectCommits, ListsCommitsAlongFirstParentsAndExtractsTrees) {
  if (!have_git()) GTEST_SKIP() << "git is not installed";
  const GitRepo g = make_repo();
  EXPECT_EQ(commits_between(g.dir, g.commits[1], g.commits[4]),
            (std::vector<std::string>{g.commits[1], g.commits[2], g.commits[3], g.commits[4]}));
  // A fix: the good commit is the newer one.
  EXPECT_EQ(commits_between(g.dir, g.commits[4], g.commits[2]),
            (std::vector<std::string>{g.commits[4], g.commits[3], g.commits[2]}));
  EXPECT_EQ(commits_between(g.dir, g.commits[0].substr(0, 10), "HEAD").size(), 5u);
  EXPECT_THROW(commits_between(g.dir, g.commits[2], g.commits[2]), Error);
  EXPECT_THROW(commits_between(g.dir, "no-such-ref", g.commits[2]), Error);

  const fs::path tree = test::fresh_dir("git-tree") / "t";
  extract_commit(g.dir, g.commits[2], tree);
  std::ifstream in(tree / "torch_to_nnef" / "v.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "2");
  // The checkout is untouched: its work tree still holds the last commit.
  std::ifstream head(g.dir / "torch_to_nnef" / "v.txt");
  std::stringstream hs;
  hs << head.rdbuf();
  EXPECT_EQ(hs.str(), "4");

  // Bisecting those commits with a verdict read from each extracted tree.
  const auto candidates = commits_between(g.dir, g.commits[0], g.commits[4]);
  int probe = 0;
  const BisectResult r = bisect(candidates, [&](const std::string& c) {
    const fs::path t = test::fresh_dir("git-probe-" + std::to_string(++probe)) / "t";
    extract_commit(g.dir, c, t);
    std::ifstream v(t / "torch_to_nnef" / "v.txt");
    int value = -1;
    v >> value;
    return BisectProbe{c, value >= 3, std::to_string(value)};
  });
  EXPECT_EQ(r.first_bad, g.commits[3]);
  EXPECT_EQ(r.last_good, g.commits[2]);
}

}  // namespace
}  // namespace rnnconf::exporter_ci

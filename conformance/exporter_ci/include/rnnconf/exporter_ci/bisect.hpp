// `exporter-ci --bisect CASE --good G --bad B`: the first bad exporter version
// between a good and a bad one, by binary search over an ordered list of
// candidates (releases in version order, or the commits of an exporter
// checkout), probing as few as it can.
//
// The list runs from GOOD (front) to BAD (back), whichever is older: going
// from a good old release to a bad new one finds the regression, going from a
// good new release to a bad old one finds the last release before the fix.
// Both ends are probed first: a good end that is bad, or a bad end that is
// good, is an error (the question has no answer).
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace rnnconf::exporter_ci {

struct BisectProbe {
  std::string candidate;
  bool bad = false;
  std::string detail;  // what the probe saw (verdict, triage)
};

struct BisectResult {
  std::string last_good, first_bad;
  std::vector<BisectProbe> probes;  // in the order they were made
};

using ProbeFn = std::function<BisectProbe(const std::string& candidate)>;

// CANDIDATES: at least two, good end first. ON_PROBE (optional) sees each
// probe and how many candidates are left unprobed between the good and the bad one.
BisectResult bisect(const std::vector<std::string>& candidates, const ProbeFn& probe,
                    const std::function<void(const BisectProbe&, size_t remaining)>& on_probe = {});

// The releases from GOOD to BAD (both included) out of AVAILABLE, in that direction.
std::vector<std::string> releases_between(const std::vector<std::string>& available, const std::string& good,
                                          const std::string& bad);

// The commits of the git checkout CHECKOUT from GOOD to BAD (both included,
// as full hashes), along first parents: `git rev-list --first-parent
// --ancestry-path` between them, in that direction. One of them must be an
// ancestor of the other.
std::vector<std::string> commits_between(const std::filesystem::path& checkout, const std::string& good,
                                         const std::string& bad);

// The tree of COMMIT extracted into DEST (created) with `git archive` and tar:
// the checkout itself (work tree, index, worktree list) is not touched.
void extract_commit(const std::filesystem::path& checkout, const std::string& commit,
                    const std::filesystem::path& dest);

}  // namespace rnnconf::exporter_ci

// Binary search for the first bad exporter version (bisect.hpp).
#include "rnnconf/exporter_ci/bisect.hpp"

#include <algorithm>
#include <sstream>

#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/process.hpp"
#include "rnnconf/exporter_ci/releases.hpp"

namespace rnnconf::exporter_ci {

namespace fs = std::filesystem;

namespace {

std::string git_output(const fs::path& checkout, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"git", "-C", checkout.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult r = run_process(argv);
  if (r.status != 0)
    throw Error(command_text(argv) + " failed (exit " + std::to_string(r.status) + "): " + r.output);
  return r.output;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (!l.empty()) out.push_back(l);
  return out;
}

bool is_ancestor(const fs::path& checkout, const std::string& a, const std::string& b) {
  const ProcessResult r = run_process({"git", "-C", checkout.string(), "merge-base", "--is-ancestor", a, b});
  if (r.status > 1) throw Error("git merge-base --is-ancestor " + a + " " + b + " failed: " + r.output);
  return r.status == 0;
}

}  // namespace

BisectResult bisect(const std::vector<std::string>& candidates, const ProbeFn& probe,
                    const std::function<void(const BisectProbe&, size_t remaining)>& on_probe) {
  if (candidates.size() < 2) throw Error("bisect: the good and the bad version are the same");
  BisectResult r;
  auto run = [&](size_t i) {
    BisectProbe p = probe(candidates[i]);
    p.candidate = candidates[i];
    r.probes.push_back(p);
    return p.bad;
  };
  // Invariant: candidates[lo] is good, candidates[hi] is bad; the first bad
  // one is in (lo, hi], and hi - lo - 1 candidates are left unprobed between.
  size_t lo = 0, hi = candidates.size() - 1;
  const bool good_end_bad = run(lo);
  if (on_probe) on_probe(r.probes.back(), hi - lo - 1);
  if (good_end_bad) throw Error("bisect: the good end " + candidates[lo] + " is bad (" + r.probes.back().detail + ")");
  const bool bad_end_bad = run(hi);
  if (on_probe) on_probe(r.probes.back(), hi - lo - 1);
  if (!bad_end_bad) throw Error("bisect: the bad end " + candidates[hi] + " is good (" + r.probes.back().detail + ")");
  while (hi - lo > 1) {
    const size_t mid = lo + (hi - lo) / 2;
    if (run(mid))
      hi = mid;
    else
      lo = mid;
    if (on_probe) on_probe(r.probes.back(), hi - lo - 1);
  }
  r.last_good = candidates[lo];
  r.first_bad = candidates[hi];
  return r;
}

std::vector<std::string> releases_between(const std::vector<std::string>& available, const std::string& good,
                                          const std::string& bad) {
  const std::vector<std::string> all = sorted_versions(available);
  auto index_of = [&](const std::string& v) {
    const auto parsed = parse_version(v);
    for (size_t i = 0; i < all.size(); ++i)
      if (parse_version(all[i]) == parsed) return i;
    throw Error("bisect: " + std::string(kExporterPackage) + " " + v + " is not a known release");
  };
  const size_t g = index_of(good), b = index_of(bad);
  std::vector<std::string> out;
  if (g <= b)
    out.assign(all.begin() + static_cast<std::ptrdiff_t>(g), all.begin() + static_cast<std::ptrdiff_t>(b) + 1);
  else
    out.assign(all.rbegin() + static_cast<std::ptrdiff_t>(all.size() - 1 - g),
               all.rbegin() + static_cast<std::ptrdiff_t>(all.size() - b));
  return out;
}

std::vector<std::string> commits_between(const fs::path& checkout, const std::string& good, const std::string& bad) {
  const std::string g = lines_of(git_output(checkout, {"rev-parse", "--verify", good + "^{commit}"})).at(0);
  const std::string b = lines_of(git_output(checkout, {"rev-parse", "--verify", bad + "^{commit}"})).at(0);
  if (g == b) throw Error("bisect: " + good + " and " + bad + " are the same commit");
  std::vector<std::string> out;
  if (is_ancestor(checkout, g, b)) {  // a regression: old good, new bad; oldest first
    out = lines_of(git_output(checkout, {"rev-list", "--first-parent", "--ancestry-path", "--reverse", g + ".." + b}));
    out.insert(out.begin(), g);
  } else if (is_ancestor(checkout, b, g)) {  // a fix: new good, old bad; newest first
    out = lines_of(git_output(checkout, {"rev-list", "--first-parent", "--ancestry-path", b + ".." + g}));
    out.push_back(b);
  } else {
    throw Error("bisect: neither " + good + " nor " + bad + " is an ancestor of the other in " + checkout.string());
  }
  if (out.size() < 2 || out.front() != g || out.back() != b)
    throw Error("bisect: " + good + " and " + bad + " are not on one first-parent line in " + checkout.string());
  return out;
}

void extract_commit(const fs::path& checkout, const std::string& commit, const fs::path& dest) {
  fs::create_directories(dest);
  const fs::path tar = dest.string() + ".tar";
  git_output(checkout, {"archive", "--format=tar", "-o", fs::absolute(tar).string(), commit});
  const ProcessResult r = run_process({"tar", "-xf", tar.string(), "-C", dest.string()});
  std::error_code ec;
  fs::remove(tar, ec);
  if (r.status != 0) throw Error("extracting " + commit + " of " + checkout.string() + " failed: " + r.output);
}

}  // namespace rnnconf::exporter_ci

// torch_to_nnef releases: versions, pip's index, the install cache (releases.hpp).
#include "rnnconf/exporter_ci/releases.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <set>

#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/process.hpp"

namespace rnnconf::exporter_ci {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCompleteMarker = ".rnnconf-complete";

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    const size_t p = text.find(sep, start);
    std::string item = text.substr(start, p == std::string::npos ? std::string::npos : p - start);
    const auto b = item.find_first_not_of(" \t\r\n");
    const auto e = item.find_last_not_of(" \t\r\n");
    out.push_back(b == std::string::npos ? "" : item.substr(b, e - b + 1));
    if (p == std::string::npos) return out;
    start = p + 1;
  }
}

}  // namespace

std::vector<int> parse_version(const std::string& text) {
  std::vector<int> parts;
  for (const auto& p : split(text, '.')) {
    int v = -1;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || v < 0)
      throw Error("'" + text + "': not a release version (expected numbers separated by dots, e.g. 0.24.12)");
    parts.push_back(v);
  }
  return parts;
}

bool version_less(const std::string& a, const std::string& b) { return parse_version(a) < parse_version(b); }

std::vector<std::string> sorted_versions(std::vector<std::string> versions) {
  std::sort(versions.begin(), versions.end(), version_less);
  versions.erase(std::unique(versions.begin(), versions.end(),
                             [](const std::string& a, const std::string& b) { return parse_version(a) == parse_version(b); }),
                 versions.end());
  return versions;
}

std::vector<std::string> parse_pip_index_output(const std::string& output) {
  const std::string key = "Available versions:";
  const auto at = output.find(key);
  if (at == std::string::npos)
    throw Error("pip index versions: no 'Available versions:' line in its output: " + output.substr(0, 300));
  const auto end = output.find('\n', at);
  std::vector<std::string> out;
  for (const auto& v : split(output.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size()), ','))
    if (!v.empty()) {
      try {
        parse_version(v);
        out.push_back(v);
      } catch (const Error&) {
        // pre-releases and other non-numeric versions (0.25.0rc1) are not releases
      }
    }
  return sorted_versions(out);
}

std::vector<std::string> available_releases(const std::string& python) {
  const std::vector<std::string> argv = {python, "-m", "pip", "index", "versions", kExporterPackage,
                                         "--disable-pip-version-check"};
  const ProcessResult r = run_process(argv);
  if (r.status != 0)
    throw Error("asking pip which " + std::string(kExporterPackage) + " releases exist failed (exit " +
                std::to_string(r.status) + "): " + command_text(argv) + "\n" + r.output);
  return parse_pip_index_output(r.output);
}

std::vector<std::string> select_releases(const std::string& wanted, const std::vector<std::string>& available) {
  if (wanted == "all") {
    std::vector<std::string> out;
    for (const auto& v : sorted_versions(available))
      if (!version_less(v, kOldestRelease)) out.push_back(v);
    if (out.empty()) throw Error("--exporter-release all: no release from " + std::string(kOldestRelease) + " on");
    return out;
  }
  std::set<std::vector<int>> known;
  for (const auto& v : available) known.insert(parse_version(v));
  std::vector<std::string> out;
  for (const auto& v : split(wanted, ',')) {
    if (v.empty()) throw Error("--exporter-release '" + wanted + "': an empty version in the list");
    const auto parsed = parse_version(v);
    if (!available.empty() && !known.count(parsed))
      throw Error("--exporter-release: " + std::string(kExporterPackage) + " " + v + " is not on the index (" +
                  std::to_string(available.size()) + " releases, from " + sorted_versions(available).front() +
                  " to " + sorted_versions(available).back() + ")");
    out.push_back(v);
  }
  return sorted_versions(out);
}

fs::path default_release_cache() {
  if (const char* d = std::getenv("RNNCONF_T2N_RELEASES"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "rnnconf" / "t2n-releases";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/tmp") / ".cache" / "rnnconf" / "t2n-releases";
}

fs::path install_release(const std::string& python, const std::string& version, const fs::path& cache,
                         std::string& log) {
  parse_version(version);
  const fs::path dir = cache / version;
  if (fs::exists(dir / kCompleteMarker) && fs::is_directory(dir / "torch_to_nnef")) return dir;
  // Installed beside, then renamed: an interrupted install never looks complete.
  const fs::path tmp = cache / (version + ".partial-" + std::to_string(getpid()));
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(cache);
  const std::vector<std::string> argv = {python, "-m", "pip", "install", "--no-deps", "--no-compile",
                                         "--disable-pip-version-check", "--quiet", "--target", tmp.string(),
                                         std::string(kExporterPackage) + "==" + version};
  const ProcessResult r = run_process(argv);
  log = r.output;
  if (r.status != 0 || !fs::is_directory(tmp / "torch_to_nnef")) {
    fs::remove_all(tmp, ec);
    throw Error("installing " + std::string(kExporterPackage) + " " + version + " failed (exit " +
                std::to_string(r.status) + "): " + command_text(argv) + "\n" + r.output);
  }
  std::ofstream(tmp / kCompleteMarker) << command_text(argv) << "\n";
  fs::remove_all(dir, ec);
  fs::rename(tmp, dir);
  return dir;
}

}  // namespace rnnconf::exporter_ci

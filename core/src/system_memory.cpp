// detect_memory_limits: physical RAM (sysconf), the cgroup memory limit
// (v2 memory.max or v1 memory.limit_in_bytes of this process's cgroup and its
// ancestors, read from /proc/self/cgroup and /sys/fs/cgroup) and the
// RLIMIT_AS/RLIMIT_DATA soft limits; default_memory_budget is half the smallest.
#include "rnnconf/core/system_memory.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "rnnconf/core/byte_size.hpp"

namespace rnnconf {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kUnlimited = int64_t{1} << 62;

std::optional<std::string> read_small_file(const fs::path& p) {
  std::ifstream in(p);
  if (!in) return std::nullopt;
  std::string text;
  std::getline(in, text);
  return text;
}

void take_min(std::optional<int64_t>& acc, std::optional<int64_t> v) {
  if (v && (!acc || *v < *acc)) acc = v;
}

// The smallest limit in `file` of the cgroup `path` (as in /proc/self/cgroup)
// and its ancestors under `root`. Inside a container the path of the host may
// not exist under the namespaced mount: missing levels are skipped.
std::optional<int64_t> cgroup_limit_under(const fs::path& root, const std::string& path, const char* file) {
  std::optional<int64_t> out;
  fs::path rel = fs::path(path).relative_path();
  while (true) {
    if (const auto text = read_small_file(root / rel / file)) take_min(out, parse_cgroup_limit(*text));
    if (rel.empty()) break;
    rel = rel.parent_path();
  }
  return out;
}

std::optional<int64_t> cgroup_limit() {
  std::ifstream in("/proc/self/cgroup");
  std::optional<int64_t> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto a = line.find(':');
    const auto b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const std::string controllers = line.substr(a + 1, b - a - 1);
    const std::string path = line.substr(b + 1);
    if (controllers.empty()) {  // v2 (unified); hybrid systems mount it at /sys/fs/cgroup/unified
      take_min(out, cgroup_limit_under("/sys/fs/cgroup", path, "memory.max"));
      take_min(out, cgroup_limit_under("/sys/fs/cgroup/unified", path, "memory.max"));
    } else {
      std::stringstream list(controllers);
      std::string c;
      while (std::getline(list, c, ','))
        if (c == "memory")
          take_min(out, cgroup_limit_under("/sys/fs/cgroup/memory", path, "memory.limit_in_bytes"));
    }
  }
  return out;
}

std::optional<int64_t> rlimit_bytes() {
  std::optional<int64_t> out;
  for (int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit r{};
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY &&
        r.rlim_cur < static_cast<rlim_t>(kUnlimited))
      take_min(out, static_cast<int64_t>(r.rlim_cur));
  }
  return out;
}

}  // namespace

std::optional<int64_t> parse_cgroup_limit(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.empty() || text == "max") return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9' || v > kUnlimited / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v >= kUnlimited || v <= 0) return std::nullopt;
  return v;
}

int64_t MemoryLimits::smallest() const {
  int64_t s = physical > 0 ? physical : kUnlimited;
  if (cgroup) s = std::min(s, *cgroup);
  if (rlimit) s = std::min(s, *rlimit);
  return s;
}

std::string MemoryLimits::describe() const {
  std::string s = "physical " + (physical > 0 ? format_bytes(physical) : std::string("unknown"));
  if (cgroup) s += ", cgroup " + format_bytes(*cgroup);
  if (rlimit) s += ", rlimit " + format_bytes(*rlimit);
  return s;
}

MemoryLimits detect_memory_limits() {
  MemoryLimits m;
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page > 0) m.physical = static_cast<int64_t>(pages) * page;
  m.cgroup = cgroup_limit();
  m.rlimit = rlimit_bytes();
  return m;
}

int64_t default_memory_budget(const MemoryLimits& limits) {
  // Nothing known (no sysconf, no cgroup, no rlimit): 2 GiB, a budget any machine running tests has.
  const int64_t s = limits.smallest();
  return s >= kUnlimited ? int64_t{2} << 30 : std::max<int64_t>(s / 2, 1);
}

}  // namespace rnnconf

// Sharding (shard.hpp): parsing "K/N" and the round-robin split.
#include "rnnconf/exporter_ci/shard.hpp"

#include <charconv>

#include "rnnconf/core/error.hpp"

namespace rnnconf::exporter_ci {

namespace {

int parse_positive(const std::string& text, const std::string& whole) {
  int v = 0;
  const auto* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end || v < 1)
    throw Error("--shard '" + whole + "': expected K/N with integers 1 <= K <= N");
  return v;
}

}  // namespace

Shard parse_shard(const std::string& text) {
  if (text.empty()) return {};
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw Error("--shard '" + text + "': expected K/N, e.g. 2/4");
  Shard s;
  s.index = parse_positive(text.substr(0, slash), text);
  s.count = parse_positive(text.substr(slash + 1), text);
  if (s.index > s.count) throw Error("--shard '" + text + "': K must not exceed N");
  return s;
}

std::vector<conformance::MatrixCase> shard_cases(const std::vector<conformance::MatrixCase>& cases,
                                                 const Shard& s) {
  std::vector<conformance::MatrixCase> out;
  for (size_t i = 0; i < cases.size(); ++i)
    if (static_cast<int>(i % static_cast<size_t>(s.count)) + 1 == s.index) out.push_back(cases[i]);
  return out;
}

}  // namespace rnnconf::exporter_ci

// Fuzz configurations: generation, the replay line, shrink candidates.
#include "rnnconf/fuzz/fuzz_config.hpp"

#include <charconv>
#include <fmt/format.h>
#include <random>

#include "rnnconf/core/error.hpp"

namespace rnnconf::fuzz {

namespace {

// splitmix64: a well-mixed 64-bit stream position -> seed for one configuration.
uint64_t mix(uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Sizes: half the draws small (1..16, where tails and tiny shapes live), half up to `hi`.
int64_t draw_size(std::mt19937_64& g, int64_t hi) {
  const bool small = std::uniform_int_distribution<int>(0, 1)(g) == 0;
  return std::uniform_int_distribution<int64_t>(1, small ? std::min<int64_t>(16, hi) : hi)(g);
}

}  // namespace

FuzzConfig random_config(uint64_t seed, uint64_t index) {
  std::mt19937_64 g(mix(seed * 0x100000001b3ULL + index));
  auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(g) < p; };
  FuzzConfig c;
  RnnSpec& s = c.spec;
  s.kind = static_cast<RnnSpec::Kind>(std::uniform_int_distribution<int>(0, 3)(g));
  s.cell = coin(0.15);
  s.I = draw_size(g, 96);
  s.H = draw_size(g, 96);
  s.B = std::uniform_int_distribution<int64_t>(1, 8)(g);
  s.bias = coin(0.5);
  s.state = coin(0.5);
  s.entry = coin(0.2) ? RnnSpec::Entry::aten : RnnSpec::Entry::module;
  if (!s.cell) {
    s.layers = std::uniform_int_distribution<int>(1, 4)(g);
    s.bidirectional = coin(0.5);
    s.batch_first = coin(0.5);
    s.T = std::uniform_int_distribution<int64_t>(1, 40)(g);
    if (s.kind == RnnSpec::Kind::lstm && s.H > 1 && coin(0.3)) s.proj = std::uniform_int_distribution<int64_t>(1, s.H - 1)(g);
  }
  c.data_seed = g();
  // Elman layers at 3x PyTorch's weight scale are chaotic: float32 rounding is
  // amplified so much that a correct float32 implementation exceeds
  // R * e_torch by chance (a plain sequential float32 loop did in 10 of 150
  // seeded rnn_tanh I1 H14 T21 trials, up to 9.7x e_torch; all 23 failures of
  // the first 2 x 20 000-configuration runs were such layers, in both fragment
  // modes). The policy cannot judge them, so the generator leaves them out;
  // gated layers (LSTM, GRU) keep the large scale.
  const bool elman = s.kind == RnnSpec::Kind::rnn_tanh || s.kind == RnnSpec::Kind::rnn_relu;
  c.weight_scale = kWeightScales[std::uniform_int_distribution<int>(0, elman ? 1 : 2)(g)];
  c.input_scale = kInputScales[std::uniform_int_distribution<int>(0, 2)(g)];
  validate(s);
  return c;
}

std::string to_line(const FuzzConfig& c) {
  return fmt::format("{}/seed={}/w={}/x={}", to_string(c.spec), c.data_seed, c.weight_scale, c.input_scale);
}

FuzzConfig parse_line(std::string_view line) {
  auto fail = [&](const std::string& what) {
    return Error("bad fuzz configuration '" + std::string(line) + "': " + what +
                 " (expected SPEC/seed=N/w=SCALE/x=SCALE, as printed by rnnconf fuzz)");
  };
  std::vector<std::string_view> parts;
  for (size_t pos = 0;;) {
    const size_t slash = line.find('/', pos);
    parts.push_back(line.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  if (parts.size() != 4) throw fail("expected 4 fields separated by '/', found " + std::to_string(parts.size()));
  FuzzConfig c;
  c.spec = parse_rnn_spec(parts[0]);
  auto value = [&](std::string_view part, std::string_view key) {
    if (part.substr(0, key.size()) != key) throw fail("expected '" + std::string(key) + "'");
    return part.substr(key.size());
  };
  const std::string_view seed = value(parts[1], "seed=");
  const auto [end, ec] = std::from_chars(seed.data(), seed.data() + seed.size(), c.data_seed);
  if (ec != std::errc() || end != seed.data() + seed.size()) throw fail("seed is not an unsigned integer");
  auto scale = [&](std::string_view part, std::string_view key) {
    const std::string v(value(part, key));
    size_t used = 0;
    double d = 0;
    try {
      d = std::stod(v, &used);
    } catch (const std::exception&) {
      throw fail(std::string(key) + " is not a number");
    }
    if (used != v.size() || !(d > 0) || d > 1e6) throw fail(std::string(key) + " must be a positive number up to 1e6");
    return d;
  };
  c.weight_scale = scale(parts[2], "w=");
  c.input_scale = scale(parts[3], "x=");
  return c;
}

std::vector<FuzzConfig> shrink_candidates(const FuzzConfig& c) {
  std::vector<FuzzConfig> out;
  auto add = [&](auto edit) {
    FuzzConfig n = c;
    edit(n.spec, n);
    if (n.spec.proj >= n.spec.H) n.spec.proj = n.spec.H > 1 ? n.spec.H - 1 : 0;
    try {
      validate(n.spec);
    } catch (const Error&) {
      return;
    }
    if (!(n == c)) out.push_back(n);
  };
  const RnnSpec& s = c.spec;
  for (int64_t v : {int64_t{1}, s.T / 2, s.T - 1})
    if (v >= 1 && v < s.T) add([v](RnnSpec& x, FuzzConfig&) { x.T = v; });
  for (int v : {1, s.layers - 1})
    if (v >= 1 && v < s.layers) add([v](RnnSpec& x, FuzzConfig&) { x.layers = v; });
  if (s.bidirectional) add([](RnnSpec& x, FuzzConfig&) { x.bidirectional = false; });
  for (int64_t v : {int64_t{1}, s.B / 2, s.B - 1})
    if (v >= 1 && v < s.B) add([v](RnnSpec& x, FuzzConfig&) { x.B = v; });
  for (int64_t v : {int64_t{1}, s.H / 2, s.H - 1})
    if (v >= 1 && v < s.H) add([v](RnnSpec& x, FuzzConfig&) { x.H = v; });
  for (int64_t v : {int64_t{1}, s.I / 2, s.I - 1})
    if (v >= 1 && v < s.I) add([v](RnnSpec& x, FuzzConfig&) { x.I = v; });
  for (int64_t v : {int64_t{0}, s.proj / 2, s.proj - 1})
    if (v >= 0 && v < s.proj) add([v](RnnSpec& x, FuzzConfig&) { x.proj = v; });
  if (s.bias) add([](RnnSpec& x, FuzzConfig&) { x.bias = false; });
  if (s.state) add([](RnnSpec& x, FuzzConfig&) { x.state = false; });
  if (s.batch_first) add([](RnnSpec& x, FuzzConfig&) { x.batch_first = false; });
  if (s.entry != RnnSpec::Entry::module) add([](RnnSpec& x, FuzzConfig&) { x.entry = RnnSpec::Entry::module; });
  if (c.weight_scale != 1) add([](RnnSpec&, FuzzConfig& f) { f.weight_scale = 1; });
  if (c.input_scale != 1) add([](RnnSpec&, FuzzConfig& f) { f.input_scale = 1; });
  return out;
}

}  // namespace rnnconf::fuzz

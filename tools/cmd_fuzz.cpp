// `rnnconf fuzz`: differential testing of our emitter + one engine (--engine,
// default cpu) against LibTorch on seeded random configurations; failures are
// shrunk and printed with the command that replays them. LibTorch is a module
// loaded here only (torch_oracle.hpp).
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "fuzz_commands.hpp"
#include "rnnconf/conformance/engines.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/core/error.hpp"
#include "rnnconf/fuzz/differential.hpp"
#include "rnnconf/fuzz/torch_oracle.hpp"

namespace rnnconf::tools {

using namespace rnnconf::fuzz;

namespace {

std::string replay_command(const FuzzConfig& c, const std::string& engine) {
  return "rnnconf fuzz" + (engine == "cpu" ? std::string() : " --engine " + engine) + " --replay '" + to_line(c) + "'";
}

}  // namespace

int cmd_fuzz(const FuzzArgs& a) {
  const conformance::EngineSpec& engine = conformance::find_engine(a.engine);
  const OracleFn oracle = torch_oracle();  // throws with the reason when the LibTorch module cannot load
  const conformance::Policy policy = conformance::load_policy(a.root / "conformance" / "POLICY.md");
  const SystemFn system = emitter_on_engine(engine.name);
  if (!a.replay.empty()) {
    const FuzzConfig c = parse_line(a.replay);
    const FuzzVerdict v = judge_config(c, oracle, system, policy);
    const char* verdict = v.outcome == FuzzOutcome::passed ? "PASS" : v.outcome == FuzzOutcome::failed ? "FAIL" : "MISTRUSTED";
    std::cout << verdict << " " << to_line(c) << (v.detail.empty() ? "" : "\n  " + v.detail) << "\n";
    return v.outcome == FuzzOutcome::failed ? 1 : 0;
  }
  FuzzRunConfig cfg;
  cfg.seed = a.seed;
  cfg.seconds = a.seconds;
  cfg.count = a.count;
  cfg.shrink = !a.no_shrink;
  std::cout << fmt::format("rnnconf fuzz: seed {}, engine {}, LibTorch {}, limit {}\n", a.seed, engine.name, libtorch_version(),
                           a.count > 0 ? fmt::format("{} configurations", a.count) : fmt::format("{} s", a.seconds))
            << std::flush;
  const FuzzStats st = run_fuzz(cfg, oracle, system, policy, [](const FuzzStats& s) {
    std::cout << fmt::format("  ... {} configurations in {:.0f} s ({} failed)\n", s.configurations, s.seconds, s.failed)
              << std::flush;
  });
  for (const auto& f : st.failures) {
    std::cout << "FAIL " << to_line(f.original) << "\n";
    if (!(f.shrunk == f.original)) std::cout << "  shrunk to " << to_line(f.shrunk) << "\n";
    std::cout << "  " << f.detail << "\n  repro: " << replay_command(f.shrunk, engine.name) << "\n";
  }
  std::string kinds;
  for (const auto& [k, n] : st.by_kind) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", k, n);
  std::cout << fmt::format("fuzz seed {}: {} configurations in {:.1f} s: passed {}, failed {}, mistrusted {} ({})\n", a.seed,
                           st.configurations, st.seconds, st.passed, st.failed, st.mistrusted, kinds);
  if (!a.json.empty()) {
    nlohmann::json j = {{"seed", a.seed},       {"engine", engine.name}, {"mode", engine.mode},
                        {"device", engine.device},                 {"libtorch", libtorch_version()},
                        {"configurations", st.configurations},     {"passed", st.passed},
                        {"failed", st.failed},  {"mistrusted", st.mistrusted}, {"seconds", st.seconds},
                        {"by_kind", st.by_kind}};
    nlohmann::json fails = nlohmann::json::array();
    for (const auto& f : st.failures)
      fails.push_back({{"original", to_line(f.original)}, {"shrunk", to_line(f.shrunk)}, {"detail", f.detail},
                       {"repro", replay_command(f.shrunk, engine.name)}});
    j["failures"] = fails;
    std::ofstream out(a.json);
    if (!out) throw Error("cannot write " + a.json);
    out << j.dump(1) << "\n";
  }
  return st.failed > 0 ? 1 : 0;
}

}  // namespace rnnconf::tools

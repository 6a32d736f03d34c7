// The model tier and the UNSUPPORTED outcome in the matrix, the runner and the
// reports, on a temporary repository root: matrix entries of kind "model"
// (name and tier rules, comma lists of tiers), model cases judged with the
// generic policy (float64 truth) on a copy of a committed golden, an op the
// engine lacks reported as UNSUPPORTED (neither passed nor failed, whatever
// the expectations say), the emitter and triage refusing model cases with
// their reason, and UnsupportedOpError surviving the module boundary.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "committed_data.hpp"
#include "rnnconf/conformance/module_boundary.hpp"
#include "rnnconf/conformance/module_loader.hpp"
#include "rnnconf/conformance/report.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/core/error.hpp"

using namespace rnnconf;
using namespace rnnconf::conformance;
namespace fs = std::filesystem;

namespace {

using test_data::kRoot;

// A committed small-tier golden (real PyTorch data and its real export).
constexpr const char* kSource = "gru_cell_bias_h0_I5H7_B3";

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

void write_text(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

// A repository root in a temporary folder: the committed policy, the given
// matrix and expectations, goldens/data/<kSource>, and goldens/models/<name>
// copied from kSource.
struct TempRoot {
  fs::path root = fs::temp_directory_path() / ("rnnconf-model-tier-" + std::to_string(getpid()));

  TempRoot(const std::string& matrix, const std::string& expectations, const std::vector<std::string>& models) {
    fs::remove_all(root);
    write_text(root / "conformance" / "matrix.json", matrix);
    write_text(root / "conformance" / "expectations.json", expectations);
    fs::copy_file(kRoot / "conformance" / "POLICY.md", root / "conformance" / "POLICY.md");
    fs::create_directories(root / "goldens" / "data" / kSource);
    fs::copy(kRoot / "goldens" / "data" / kSource, root / "goldens" / "data" / kSource, fs::copy_options::recursive);
    for (const auto& m : models) {
      const fs::path dir = root / "goldens" / "models" / m;
      fs::create_directories(dir);
      fs::copy(kRoot / "goldens" / "data" / kSource, dir, fs::copy_options::recursive);
      nlohmann::json meta = nlohmann::json::parse(std::ifstream(dir / "meta.json"));
      meta["name"] = m;
      std::ofstream(dir / "meta.json") << meta.dump(1);
    }
  }
  ~TempRoot() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

const char* kModelMatrix = R"({"version": 1, "cases": [
  {"name": "gru_cell_bias_h0_I5H7_B3", "tier": "small"},
  {"name": "model_gru_copy", "tier": "model", "kind": "model", "tags": ["test"]},
  {"name": "model_lacks_op", "tier": "model", "kind": "model", "tags": ["test"]}]})";

ExecuteFn lacking_op(const std::string& op) {
  return [op](const fs::path&, const std::map<std::string, Tensor>&, const std::string&, const std::string&) -> ExecOutput {
    throw UnsupportedOpError(op, SourceLocation::at_line("m.tgz!graph.nnef", 31, 9), "declared, not implemented");
  };
}

}  // namespace

TEST(ModelTierMatrix, ModelEntriesLoadWithKindAndTierAndGoldenFolder) {
  TempRoot t(kModelMatrix, R"({"version": 1, "entries": []})", {});
  const auto cases = load_matrix(t.root / "conformance" / "matrix.json");
  ASSERT_EQ(cases.size(), 3u);
  EXPECT_FALSE(cases[0].is_model());
  EXPECT_EQ(cases[0].kind, "rnn");
  EXPECT_TRUE(cases[1].is_model());
  EXPECT_EQ(cases[1].tier, "model");
  EXPECT_EQ(cases[1].tags, std::vector<std::string>{"test"});
  EXPECT_EQ(golden_dir(t.root, cases[1]), t.root / "goldens" / "models" / "model_gru_copy");
  EXPECT_EQ(golden_dir(t.root, cases[0]), t.root / "goldens" / "data" / "gru_cell_bias_h0_I5H7_B3");
  EXPECT_EQ(select_cases(cases, "", "small").size(), 1u);
  EXPECT_EQ(select_cases(cases, "", "model").size(), 2u);
  EXPECT_EQ(select_cases(cases, "", kDefaultRunTiers).size(), 3u);
  EXPECT_EQ(select_cases(cases, "", "large").size(), 0u);
  EXPECT_EQ(select_cases(cases, "copy", "small,model").size(), 1u);
  EXPECT_NE(error_of([&] { select_cases(cases, "", "small,huge"); }).find("bad tier 'huge'"), std::string::npos);
}

TEST(ModelTierMatrix, MalformedModelEntriesNameTheField) {
  auto refusal = [](const std::string& entry) {
    TempRoot t(R"({"version": 1, "cases": [)" + entry + "]}", "{}", {});
    return error_of([&] { load_matrix(t.root / "conformance" / "matrix.json"); });
  };
  EXPECT_NE(refusal(R"({"name": "Model_X", "tier": "model", "kind": "model"})").find("cases[0].name"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"name": "model_x", "tier": "small", "kind": "model"})").find("cases[0].tier"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"name": "model_x", "tier": "model", "kind": "layer"})").find("cases[0].kind"),
            std::string::npos);
  // An RNN case cannot sit in the model tier, nor a model name pass as an RNN case.
  EXPECT_NE(refusal(R"({"name": "gru_cell_bias_h0_I5H7_B3", "tier": "model"})").find("cases[0].tier"),
            std::string::npos);
  EXPECT_NE(refusal(R"({"name": "model_x", "tier": "model"})").find("cases[0].name"), std::string::npos);
}

TEST(ModelTierRunner, ModelCaseIsJudgedGenericallyAndPasses) {
  TempRoot t(kModelMatrix, R"({"version": 1, "entries": []})", {"model_gru_copy"});
  const auto& f = test_data::committed_data();
  const auto cases = load_matrix(t.root / "conformance" / "matrix.json");
  for (const char* engine : {"cpu", "cpu-literal"}) {
    const CaseResult r = run_case(cases[1], golden_dir(t.root, cases[1]), f.policy, f.expectations,
                                  find_engine(engine), execute_default, "t2n", /*diff_emitter=*/true);
    EXPECT_EQ(r.outcome, Outcome::passed) << engine << ": " << r.error;
    EXPECT_TRUE(r.emitter_diff.empty()) << "no emitter diff for a model case: " << r.emitter_diff;
    ASSERT_FALSE(r.outputs.empty());
    for (const auto& o : r.outputs) {
      EXPECT_TRUE(o.passed) << o.output << ": " << o.reason;
      EXPECT_LE(o.e_ours, o.bound) << o.output;
    }
  }
}

TEST(ModelTierRunner, WrongOutputsOfAModelCaseFail) {
  TempRoot t(kModelMatrix, R"({"version": 1, "entries": []})", {"model_gru_copy"});
  const auto& f = test_data::committed_data();
  const auto cases = load_matrix(t.root / "conformance" / "matrix.json");
  // The golden's own inputs given back as outputs: a model computing something else.
  const ExecuteFn wrong = [](const fs::path& model, const std::map<std::string, Tensor>& inputs,
                             const std::string& mode, const std::string& device) {
    ExecOutput out = execute_default(model, inputs, mode, device);
    for (auto& [name, x] : out.outputs) x = inputs.at("h0");
    return out;
  };
  const CaseResult r =
      run_case(cases[1], golden_dir(t.root, cases[1]), f.policy, f.expectations, find_engine("cpu"), wrong);
  EXPECT_EQ(r.outcome, Outcome::unexpected_failure);
  EXPECT_FALSE(r.numerically_passed);
}

TEST(ModelTierRunner, EmitterSourceSkipsModelCasesWithTheReason) {
  TempRoot t(kModelMatrix, R"({"version": 1, "entries": []})", {"model_gru_copy"});
  const auto& f = test_data::committed_data();
  const auto cases = load_matrix(t.root / "conformance" / "matrix.json");
  const CaseResult r = run_case(cases[1], golden_dir(t.root, cases[1]), f.policy, f.expectations,
                                find_engine("cpu"), execute_default, "emitter");
  EXPECT_EQ(r.outcome, Outcome::skipped);
  EXPECT_NE(r.skip_reason.find("the emitter writes RNN layers only"), std::string::npos) << r.skip_reason;
}

TEST(Unsupported, IsNeitherPassedNorFailedEvenWhenAFailureIsExpected) {
  // The expectations list the case as failing: UNSUPPORTED still wins.
  TempRoot t(kModelMatrix,
             R"({"version": 1, "entries": [{"case": "model_lacks_op", "verdict": "FAIL_NUMERIC", "reason": "r"}]})",
             {"model_lacks_op"});
  const auto& f = test_data::committed_data();
  const Expectations exp = Expectations::load(t.root / "conformance" / "expectations.json");
  const auto cases = load_matrix(t.root / "conformance" / "matrix.json");
  const CaseResult r = run_case(cases[2], golden_dir(t.root, cases[2]), f.policy, exp, find_engine("cpu"),
                                lacking_op("conv"));
  EXPECT_EQ(r.outcome, Outcome::unsupported);
  EXPECT_EQ(outcome_name(r.outcome), "UNSUPPORTED");
  EXPECT_EQ(r.unsupported_op, "conv");
  EXPECT_EQ(r.unsupported_at.line, 31);
  EXPECT_EQ(r.unsupported_at.column, 9);
  EXPECT_NE(r.error.find("UNSUPPORTED: op 'conv' at m.tgz!graph.nnef:31:9"), std::string::npos) << r.error;
  EXPECT_NE(r.expectation.find("FAIL_NUMERIC"), std::string::npos);
  Summary s;
  s.add(r);
  EXPECT_EQ(s.total, 1);
  EXPECT_EQ(s.unsupported, 1);
  EXPECT_EQ(s.passed + s.failed + s.skipped + s.mistrusted, 0);
  EXPECT_NE(format_summary(s).find("unsupported 1"), std::string::npos) << format_summary(s);
  EXPECT_NE(format_result_line(r, 1, 1).find("UNSUPPORTED"), std::string::npos);

  const fs::path json = t.root / "r.json", junit = t.root / "r.xml";
  write_json_report(json, {r}, s, "test");
  const nlohmann::json j = nlohmann::json::parse(std::ifstream(json));
  EXPECT_EQ(j["summary"]["unsupported"], 1);
  EXPECT_EQ(j["cases"][0]["outcome"], "UNSUPPORTED");
  EXPECT_EQ(j["cases"][0]["unsupported_op"]["op"], "conv");
  EXPECT_EQ(j["cases"][0]["unsupported_op"]["line"], 31);
  EXPECT_EQ(j["cases"][0]["unsupported_op"]["column"], 9);
  write_junit_report(junit, {r}, s);
  std::ifstream in(junit);
  const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<skipped message=\"UNSUPPORTED: op 'conv' at m.tgz!graph.nnef:31:9\"/>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(xml.find("<failure"), std::string::npos) << xml;
}

TEST(ModelTierRunner, RunMatrixSelectsSmallAndModelAndDoesNotTriageModelCases) {
  TempRoot t(kModelMatrix, R"({"version": 1, "entries": []})", {"model_gru_copy", "model_lacks_op"});
  // model_gru_copy fails (wrong outputs); model_lacks_op lacks an op; the RNN case passes.
  RunConfig cfg;
  cfg.root = t.root;
  cfg.engines = {"cpu"};
  const ExecuteFn execute = [](const fs::path& model, const std::map<std::string, Tensor>& inputs,
                               const std::string& mode, const std::string& device) -> ExecOutput {
    if (model.string().find("model_lacks_op") != std::string::npos) return lacking_op("deconv")(model, inputs, mode, device);
    ExecOutput out = execute_default(model, inputs, mode, device);
    if (model.string().find("model_gru_copy") != std::string::npos)
      for (auto& [name, x] : out.outputs) x = inputs.at("h0");
    return out;
  };
  const auto results = run_matrix(cfg, execute, {});
  ASSERT_EQ(results.size(), 3u);
  std::map<std::string, const CaseResult*> by;
  for (const auto& r : results) by[r.case_name] = &r;
  EXPECT_EQ(by.at("gru_cell_bias_h0_I5H7_B3")->outcome, Outcome::passed);
  EXPECT_EQ(by.at("model_gru_copy")->outcome, Outcome::unexpected_failure);
  EXPECT_EQ(by.at("model_gru_copy")->triage, "not triaged (model tier: issue 16)");
  EXPECT_EQ(by.at("model_lacks_op")->outcome, Outcome::unsupported);
  EXPECT_TRUE(by.at("model_lacks_op")->triage.empty());
  cfg.tier = "small";
  EXPECT_EQ(run_matrix(cfg, execute, {}).size(), 1u);
}

TEST(Unsupported, SurvivesTheModuleBoundaryWithOpAndLocation) {
  ModuleResults res;
  const int32_t rc = guarded_call(res.sink(), [] {
    throw UnsupportedOpError("tract_core_fft", SourceLocation::at_line("a.tgz!graph.nnef", 7, 7), "why");
  });
  try {
    res.check(rc, "engine cuda");
    FAIL() << "expected UnsupportedOpError";
  } catch (const UnsupportedOpError& e) {
    EXPECT_EQ(e.op(), "tract_core_fft");
    EXPECT_EQ(e.where().file, "a.tgz!graph.nnef");
    EXPECT_EQ(e.where().line, 7);
    EXPECT_EQ(e.where().column, 7);
    EXPECT_EQ(e.detail(), "why");
    EXPECT_EQ(std::string(e.what()), "UNSUPPORTED: op 'tract_core_fft' at a.tgz!graph.nnef:7:7 (why)");
  }
}

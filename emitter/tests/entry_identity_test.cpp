// For every small-tier matrix case: the module and aten entry points give
// byte-identical graph text and every .dat byte (the archive bytes), and the
// emission is deterministic.
#include <gtest/gtest.h>

#include "emitter_test_support.hpp"
#include "rnnconf/emitter/emitter.hpp"
#include "rnnconf/nnef/container.hpp"

namespace rnnconf::emitter {
namespace {

using namespace testing;

TEST(EntryIdentity, MatrixHasSmallCases) { EXPECT_GT(small_cases().size(), 300u); }

TEST(EntryIdentity, ModuleAndAtenByteIdenticalForEveryCase) {
  int checked = 0;
  for (const std::string& name : small_cases()) {
    SCOPED_TRACE(name);
    const RnnSpec spec = case_spec(name);
    const auto params = case_params(name);
    const EmittedModel by_module = emit_module(spec, params);
    const std::vector<Tensor> flat = aten_flat_list(spec, params);
    const EmittedModel by_aten = emit_aten(spec, flat);
    ASSERT_EQ(by_module.graph_text, by_aten.graph_text);
    ASSERT_EQ(by_module.variables, by_aten.variables);
    const auto bytes_module = nnef::write_model_archive_bytes(by_module.graph_text, by_module.variables, std::nullopt, true);
    const auto bytes_aten = nnef::write_model_archive_bytes(by_aten.graph_text, by_aten.variables, std::nullopt, true);
    ASSERT_EQ(bytes_module, bytes_aten);
    // Deterministic: the same input emits the same bytes again.
    const EmittedModel again = emit_module(spec, params);
    ASSERT_EQ(nnef::write_model_archive_bytes(again.graph_text, again.variables, std::nullopt, true), bytes_module);
    ++checked;
  }
  EXPECT_GT(checked, 300);
}

TEST(EntryIdentity, NoIdentityOrHostFieldsInTheGraph) {
  const std::string name = "lstm_l2_bidi_bf_bias_h0_I5H7_B3T4";
  const EmittedModel m = emit_module(case_spec(name), case_params(name));
  EXPECT_EQ(m.graph_text.find("tract_core_properties"), std::string::npos);
  EXPECT_EQ(m.graph_text.find("export_date"), std::string::npos);
  EXPECT_EQ(m.graph_text.find(repo_root().string()), std::string::npos);
}

}  // namespace
}  // namespace rnnconf::emitter

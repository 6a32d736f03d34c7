// write_emitted round trip through every container kind, and float64 specs
// (datum_type 'f64', f64 variables, zero states in f64).
#include <gtest/gtest.h>
#include <unistd.h>

#include "emitter_test_support.hpp"
#include "rnnconf/emitter/emitter.hpp"
#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/parser.hpp"

namespace rnnconf::emitter {
namespace {

using namespace testing;
namespace fs = std::filesystem;

TEST(WriteEmitted, FolderTarAndTgzReadBackTheSameModel) {
  const std::string name = "gru_l2_bidi_bf_nobias_noh0_I5H7_B3T4";
  const EmittedModel m = emit_module(case_spec(name), case_params(name));
  const fs::path dir = fs::temp_directory_path() / ("rnnconf_emitter_write_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const char* out : {"folder", "m.tar", "m.nnef.tgz"}) {
    SCOPED_TRACE(out);
    write_emitted(m, dir / out);
    const nnef::ModelFiles files = nnef::open_model(dir / out);
    EXPECT_EQ(files.graph_text, m.graph_text);
    for (const auto& [label, tensor] : m.variables)
      EXPECT_EQ(nnef::read_variable(files, label, tensor.shape(), tensor.dtype()), tensor) << label;
    EXPECT_EQ(nnef::list_dat_members(files).size(), m.variables.size());
  }
  fs::remove_all(dir);
}

TEST(Float64Spec, EmitsF64InputsAndVariables) {
  const std::string name = "lstm_l2_bidi_tm_nobias_noh0_I5H7P3_B3T4";
  RnnSpec spec = case_spec(name);
  spec.dtype = DType::f64;
  std::map<std::string, Tensor> params;
  for (const auto& [n, t] : case_params(name)) params.emplace(n, t.cast(DType::f64));
  const EmittedModel m = emit_module(spec, params);
  EXPECT_NE(m.graph_text.find("x = tract_core_external(shape = [4, 3, 5], datum_type = 'f64')"), std::string::npos);
  for (const auto& [label, t] : m.variables) EXPECT_EQ(t.dtype(), DType::f64) << label;
  const nnef::Document doc = nnef::parse_document(m.graph_text, "f64");
  EXPECT_NO_THROW(nnef::check_document(doc, "f64"));
  // f32 tensors for an f64 spec are refused, naming the parameter.
  try {
    emit_module(spec, case_params(name));
    ADD_FAILURE() << "f32 weights accepted for an f64 spec";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("weight_ih_l0"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace rnnconf::emitter

// SPEC.json parsing (PyTorch terms) and the params folder reader: good input
// round-trips; bad input is refused with an Error naming the file and field.
#include <gtest/gtest.h>

#include "emitter_test_support.hpp"
#include "rnnconf/emitter/emit_inputs.hpp"
#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::emitter {
namespace {

using namespace testing;
namespace fs = std::filesystem;

std::string error_of(const std::string& json) {
  try {
    parse_spec_json(json, "SPEC.json");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(SpecJson, TheBriefsExample) {
  const RnnSpec s = parse_spec_json(
      R"({"module": "LSTM", "input_size": 3, "hidden_size": 29, "num_layers": 4, "bias": true,
          "batch_first": true, "bidirectional": true, "proj_size": 11, "seq_len": 9, "batch": 2,
          "initial_state": true})",
      "SPEC.json");
  EXPECT_EQ(to_string(s), "lstm_l4_bidi_bf_bias_h0_I3H29P11_B2T9");
}

TEST(SpecJson, CellsAndNonlinearity) {
  EXPECT_EQ(to_string(parse_spec_json(R"({"module": "GRUCell", "input_size": 5, "hidden_size": 7, "batch": 3})", "s")),
            "gru_cell_bias_noh0_I5H7_B3");
  const RnnSpec relu = parse_spec_json(
      R"({"module": "RNN", "nonlinearity": "relu", "input_size": 5, "hidden_size": 7, "batch": 3, "seq_len": 4,
          "bias": false, "initial_state": true})",
      "s");
  EXPECT_EQ(relu.kind, RnnSpec::Kind::rnn_relu);
  EXPECT_FALSE(relu.bias);
}

TEST(SpecJson, RoundTripsEverySmallCase) {
  for (const std::string& name : small_cases()) {
    RnnSpec spec = case_spec(name);
    spec.entry = RnnSpec::Entry::module;  // the entry point is not part of a SPEC.json
    EXPECT_EQ(parse_spec_json(spec_json_text(spec), "s"), spec) << name;
  }
}

TEST(SpecJson, BadInputNamesFileAndField) {
  const std::string base = R"("input_size": 5, "hidden_size": 7, "batch": 3, "seq_len": 4)";
  struct Bad {
    std::string json, expect;
  };
  const std::vector<Bad> bad{
      {R"({"module": "GRU", "proj_size": 2, )" + base + "}", "'proj_size'"},
      {R"({"module": "LSTM", "hidden_sise": 2, )" + base + "}", "'hidden_sise'"},
      {R"({"module": "LSTM", "num_layers": "2", )" + base + "}", "'num_layers': expected an integer"},
      {R"({"module": "LSTM", "bias": 1, )" + base + "}", "'bias': expected true or false"},
      {R"({"module": "Transformer", )" + base + "}", "'module'"},
      {R"({"module": "LSTMCell", "seq_len": 4, "input_size": 5, "hidden_size": 7, "batch": 3})", "'seq_len'"},
      {R"({"module": "RNN", "nonlinearity": "gelu", )" + base + "}", "'nonlinearity'"},
      {R"({"module": "LSTM", "input_size": 5, "batch": 3, "seq_len": 4})", "'hidden_size': missing"},
      {R"({"module": "LSTM", "proj_size": 7, )" + base + "}", "proj"},
      {R"({"module": "LSTM", "dtype": "f16", )" + base + "}", "'dtype'"},
      {R"([1, 2])", "expected a JSON object"},
      {R"({"module": )", "not JSON"},
  };
  for (const Bad& b : bad) {
    const std::string err = error_of(b.json);
    EXPECT_NE(err.find("SPEC.json"), std::string::npos) << b.json << " -> " << err;
    EXPECT_NE(err.find(b.expect), std::string::npos) << b.json << " -> " << err;
  }
}

class ParamsDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("rnnconf_emitter_params_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(case_dir(name) / "params")) fs::copy_file(e.path(), dir / e.path().filename());
  }
  void TearDown() override { fs::remove_all(dir); }
  std::string error_of_read() {
    try {
      read_params_dir(case_spec(name), dir);
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  }
  const std::string name = "lstm_l2_bidi_bf_bias_h0_I5H7_B3T4";
  fs::path dir;
};

TEST_F(ParamsDir, ReadsACompleteFolder) { EXPECT_EQ(read_params_dir(case_spec(name), dir).size(), 16u); }

TEST_F(ParamsDir, MissingParameterNamesTheFile) {
  fs::remove(dir / "bias_hh_l1_reverse.dat");
  const std::string err = error_of_read();
  EXPECT_NE(err.find("bias_hh_l1_reverse.dat"), std::string::npos) << err;
  EXPECT_NE(err.find("missing"), std::string::npos) << err;
}

TEST_F(ParamsDir, ExtraParameterNamesTheFile) {
  fs::copy_file(dir / "bias_hh_l1.dat", dir / "weight_hr_l1.dat");
  const std::string err = error_of_read();
  EXPECT_NE(err.find("weight_hr_l1.dat"), std::string::npos) << err;
}

TEST_F(ParamsDir, WrongShapeNamesTheFile) {
  nnef::write_dat_file(dir / "weight_ih_l0.dat", Tensor(DType::f32, Shape{28, 4}));
  const std::string err = error_of_read();
  EXPECT_NE(err.find("weight_ih_l0.dat"), std::string::npos) << err;
  EXPECT_NE(err.find("[28, 5]"), std::string::npos) << err;
}

}  // namespace
}  // namespace rnnconf::emitter

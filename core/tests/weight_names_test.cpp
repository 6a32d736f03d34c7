// Tests for PyTorch weight naming: module_params and aten_flat_params against
// the lists captured from torch (core/tests/data/torch_param_names.json, made
// by gen_torch_param_names.py), per-parameter lookups, gate order.
#include "rnnconf/core/weight_names.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <string>
#include <vector>

namespace rnnconf {
namespace {

using Kind = RnnSpec::Kind;
using Role = ParamInfo::Role;
using nlohmann::json;

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected rnnconf::Error";
  return {};
}

json load_torch_names() {
  const std::string path = std::string(RNNCONF_SOURCE_DIR) + "/core/tests/data/torch_param_names.json";
  std::ifstream in(path);
  if (!in)
    throw Error(SourceLocation::in_file(path), "cannot open (run core/tests/gen_torch_param_names.py)");
  return json::parse(in);
}

Kind kind_from(const std::string& name) {
  for (Kind k : {Kind::lstm, Kind::gru, Kind::rnn_tanh, Kind::rnn_relu})
    if (kind_name(k) == name) return k;
  throw Error("unknown kind in torch_param_names.json: " + name);
}

RnnSpec spec_of(const json& c) {
  RnnSpec s;
  s.kind = kind_from(c.at("kind").get<std::string>());
  s.cell = c.at("cell").get<bool>();
  s.I = c.at("I").get<int64_t>();
  s.H = c.at("H").get<int64_t>();
  s.proj = c.at("proj").get<int64_t>();
  s.layers = c.at("layers").get<int>();
  s.bidirectional = c.at("bidirectional").get<bool>();
  s.bias = c.at("bias").get<bool>();
  return s;
}

std::vector<std::string> names_of(const std::vector<ParamInfo>& ps) {
  std::vector<std::string> out;
  for (const ParamInfo& p : ps) out.push_back(p.name);
  return out;
}

// Loaded once, read-only.
const json& torch_names() {
  static const json data = load_torch_names();
  return data;
}
const json& cases() { return torch_names().at("cases"); }

TEST(TorchNames, CoverEveryVariant) {
  EXPECT_EQ(torch_names().at("torch_version").get<std::string>().rfind("2.", 0), 0u);
  // 4 kinds x 3 layer counts x uni/bidi x bias/nobias (+ LSTM with proj) + 8 cells.
  EXPECT_EQ(cases().size(), 4u * 3 * 2 * 2 + 3 * 2 * 2 + 8);
  std::set<std::string> specs;
  for (const json& c : cases()) specs.insert(to_string(spec_of(c)));
  EXPECT_EQ(specs.size(), cases().size());
}

TEST(TorchNames, ModuleParamsMatchNamedParameters) {
  for (const json& c : cases()) {
    const RnnSpec spec = spec_of(c);
    const std::vector<ParamInfo> ours = module_params(spec);
    const json& theirs = c.at("named_parameters");
    ASSERT_EQ(ours.size(), theirs.size()) << spec;
    for (size_t i = 0; i < ours.size(); ++i) {
      EXPECT_EQ(ours[i].name, theirs[i].at(0).get<std::string>()) << spec << " #" << i;
      EXPECT_EQ(ours[i].shape, theirs[i].at(1).get<Shape>()) << spec << " " << ours[i].name;
    }
  }
}

TEST(TorchNames, AtenFlatParamsMatchFlatWeightsAndCellSchemas) {
  for (const json& c : cases()) {
    const RnnSpec spec = spec_of(c);
    const std::vector<ParamInfo> ours = aten_flat_params(spec);
    const auto args = c.at("aten_args").get<std::vector<std::string>>();
    ASSERT_GE(args.size(), 3u) << spec;
    EXPECT_EQ(args[0], "input");
    EXPECT_EQ(args[1], "hx");
    if (spec.cell) {
      // aten::*_cell(input, hx, w_ih, w_hh, b_ih, b_hh): the parameters are
      // positional, and without bias torch passes None for both biases.
      std::vector<std::string> expected;
      for (size_t i = 2; i < args.size(); ++i)
        if (spec.bias || args[i].rfind("b_", 0) != 0) expected.push_back(args[i]);
      std::vector<std::string> roles;
      for (const ParamInfo& p : ours) roles.push_back(std::string(role_name(p.role)));
      EXPECT_EQ(roles, expected) << c.at("aten_op").get<std::string>();
      EXPECT_EQ(names_of(ours), names_of(module_params(spec)));
    } else {
      // aten::lstm/gru/rnn_*(input, hx, params, ...) with params = _flat_weights.
      EXPECT_EQ(args[2], "params") << c.at("aten_op").get<std::string>();
      EXPECT_EQ(names_of(ours), c.at("flat_weights_names").get<std::vector<std::string>>()) << spec;
    }
  }
}

TEST(WeightNames, FieldsAgreeWithLookups) {
  RnnSpec s = parse_rnn_spec("lstm_l3_bidi_tm_bias_h0_I4H6P2_B1T1");
  const std::vector<ParamInfo> ps = module_params(s);
  ASSERT_EQ(ps.size(), 3u * 2 * 5);
  for (size_t i = 0; i < ps.size(); ++i) {
    const ParamInfo& p = ps[i];
    EXPECT_EQ(p.layer, static_cast<int>(i / 10));
    EXPECT_EQ(p.direction, static_cast<int>(i / 5 % 2));
    EXPECT_EQ(param_name(s, p.layer, p.direction, p.role), p.name);
    EXPECT_EQ(param_shape(s, p.layer, p.direction, p.role), p.shape);
  }
  EXPECT_EQ(ps[5], (ParamInfo{"weight_ih_l0_reverse", {24, 4}, 0, 1, Role::w_ih}));
  EXPECT_EQ(ps[11], (ParamInfo{"weight_hh_l1", {24, 2}, 1, 0, Role::w_hh}));
  EXPECT_EQ(ps[10], (ParamInfo{"weight_ih_l1", {24, 4}, 1, 0, Role::w_ih}));  // 2 directions x P
  EXPECT_EQ(ps[29], (ParamInfo{"weight_hr_l2_reverse", {2, 6}, 2, 1, Role::w_hr}));
}

TEST(WeightNames, CountsOverFlagCombinations) {
  for (Kind k : {Kind::lstm, Kind::gru, Kind::rnn_tanh, Kind::rnn_relu})
    for (int layers : {1, 2, 5})
      for (int flags = 0; flags < 8; ++flags) {
        RnnSpec s;
        s.kind = k;
        s.layers = layers;
        s.H = 9;
        s.bidirectional = flags & 1;
        s.bias = flags & 2;
        s.proj = (k == Kind::lstm && (flags & 4)) ? 4 : 0;
        const size_t per_group = 2 + (s.bias ? 2 : 0) + (s.proj > 0 ? 1 : 0);
        const std::vector<ParamInfo> ps = module_params(s);
        EXPECT_EQ(ps.size(), static_cast<size_t>(layers * s.directions()) * per_group) << s;
        const std::vector<std::string> all = names_of(ps);
        const std::set<std::string> unique(all.begin(), all.end());
        EXPECT_EQ(unique.size(), ps.size()) << s;
        EXPECT_EQ(aten_flat_params(s), ps) << s;
        for (const ParamInfo& p : ps) {
          const int64_t rows = p.role == Role::w_hr ? 4 : s.gates() * 9;  // w_hr is [P, H]
          EXPECT_EQ(p.shape[0], rows) << p.name;
        }
      }
}

TEST(WeightNames, RefusesParametersTheSpecDoesNotHave) {
  const RnnSpec s = parse_rnn_spec("gru_l2_uni_tm_nobias_noh0_I3H4_B1T1");
  std::string msg = error_of([&] { (void)param_name(s, 2, 0, Role::w_ih); });
  EXPECT_EQ(
      msg,
      "parameter w_ih of layer 2 direction 0 of gru_l2_uni_tm_nobias_noh0_I3H4_B1T1: layer out of range");
  msg = error_of([&] { (void)param_name(s, 0, 1, Role::w_hh); });
  EXPECT_NE(msg.find("direction out of range"), std::string::npos) << msg;
  msg = error_of([&] { (void)param_shape(s, 0, 0, Role::b_ih); });
  EXPECT_NE(msg.find("the spec has no bias"), std::string::npos) << msg;
  msg = error_of([&] { (void)param_name(s, 0, 0, Role::w_hr); });
  EXPECT_NE(msg.find("the spec has no projection"), std::string::npos) << msg;
  RnnSpec bad = s;
  bad.H = 0;
  EXPECT_THROW((void)module_params(bad), Error);
  EXPECT_THROW((void)aten_flat_params(bad), Error);
}

TEST(WeightNames, CellNamesHaveNoLayerSuffix) {
  const RnnSpec s = parse_rnn_spec("rnn_tanh_cell_bias_h0_I5H7_B3");
  EXPECT_EQ(module_params(s), (std::vector<ParamInfo>{{"weight_ih", {7, 5}, 0, 0, Role::w_ih},
                                                      {"weight_hh", {7, 7}, 0, 0, Role::w_hh},
                                                      {"bias_ih", {7}, 0, 0, Role::b_ih},
                                                      {"bias_hh", {7}, 0, 0, Role::b_hh}}));
}

TEST(GateOrder, PerVariant) {
  auto names = [](Kind k) {
    std::vector<std::string> out;
    for (std::string_view g : gate_names(k)) out.emplace_back(g);
    return out;
  };
  EXPECT_EQ(names(Kind::lstm), (std::vector<std::string>{"i", "f", "g", "o"}));
  EXPECT_EQ(names(Kind::gru), (std::vector<std::string>{"r", "z", "n"}));
  EXPECT_EQ(names(Kind::rnn_tanh), (std::vector<std::string>{"h"}));
  EXPECT_EQ(names(Kind::rnn_relu), (std::vector<std::string>{"h"}));
  for (Kind k : {Kind::lstm, Kind::gru, Kind::rnn_tanh, Kind::rnn_relu}) {
    RnnSpec s;
    s.kind = k;
    EXPECT_EQ(static_cast<int>(gate_names(k).size()), s.gates());
  }
  EXPECT_EQ(gate_index(Kind::lstm, "g"), 2);
  EXPECT_EQ(gate_index(Kind::gru, "n"), 2);
  EXPECT_EQ(error_of([] { (void)gate_index(Kind::gru, "f"); }),
            "gate 'f' is not a gate of gru (gates: r, z, n)");
}

TEST(WeightNames, RoleNames) {
  EXPECT_EQ(role_name(Role::w_ih), "w_ih");
  EXPECT_EQ(role_name(Role::b_hh), "b_hh");
  EXPECT_EQ(role_name(Role::w_hr), "w_hr");
}

}  // namespace
}  // namespace rnnconf

// Tests for RnnSpec: the canonical name (round trips over a sweep of every
// flag combination, mutated names, refused names with their messages),
// validation, and the derived sizes, shapes and graph I/O names.
#include "rnnconf/core/rnn_spec.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace rnnconf {
namespace {

using Kind = RnnSpec::Kind;
using Entry = RnnSpec::Entry;

constexpr Kind kKinds[] = {Kind::lstm, Kind::gru, Kind::rnn_tanh, Kind::rnn_relu};

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

// Every valid spec of the sweep: all kinds, cell or not, all flags, both
// dtypes and entries, sizes at 1, awkward values and the caps.
std::vector<RnnSpec> sweep() {
  std::vector<RnnSpec> out;
  const int64_t sizes[][4] = {{1, 1, 1, 1},
                              {5, 7, 3, 4},
                              {13, 37, 1, 1000},
                              {kMaxRnnSize, kMaxRnnSize, kMaxRnnSize, kMaxRnnSize},
                              {1000, 2, 64, 10}};
  for (Kind kind : kKinds)
    for (bool cell : {false, true})
      for (int layers : {1, 2, 3, 10, kMaxRnnLayers})
        for (int flags = 0; flags < 64; ++flags)
          for (const auto& sz : sizes)
            for (int64_t proj : std::set<int64_t>{0, 1, 6, sz[1] - 1}) {
              RnnSpec s;
              s.kind = kind;
              s.cell = cell;
              s.bidirectional = flags & 1;
              s.batch_first = flags & 2;
              s.bias = flags & 4;
              s.state = flags & 8;
              s.dtype = (flags & 16) ? DType::f64 : DType::f32;
              s.entry = (flags & 32) ? Entry::aten : Entry::module;
              s.layers = layers;
              s.I = sz[0];
              s.H = sz[1];
              s.B = sz[2];
              s.T = sz[3];
              s.proj = proj;
              if (cell && (s.bidirectional || s.batch_first || layers != 1 || s.T != 1)) continue;
              if (proj > 0 && (kind != Kind::lstm || cell || proj >= s.H)) continue;
              out.push_back(s);
            }
  return out;
}

TEST(RnnSpecName, DefaultSpec) { EXPECT_EQ(to_string(RnnSpec{}), "lstm_l1_uni_tm_bias_noh0_I1H1_B1T1"); }

TEST(RnnSpecName, ExamplesParseToTheirFields) {
  RnnSpec a = parse_rnn_spec("lstm_l2_bidi_bf_nobias_h0_I5H7P3_B3T4");
  EXPECT_EQ(a.kind, Kind::lstm);
  EXPECT_FALSE(a.cell);
  EXPECT_EQ(a.layers, 2);
  EXPECT_TRUE(a.bidirectional);
  EXPECT_TRUE(a.batch_first);
  EXPECT_FALSE(a.bias);
  EXPECT_TRUE(a.state);
  EXPECT_EQ(a.I, 5);
  EXPECT_EQ(a.H, 7);
  EXPECT_EQ(a.proj, 3);
  EXPECT_EQ(a.B, 3);
  EXPECT_EQ(a.T, 4);
  EXPECT_EQ(a.dtype, DType::f32);
  EXPECT_EQ(a.entry, Entry::module);

  RnnSpec b = parse_rnn_spec("rnn_relu_l1_uni_tm_bias_noh0_I1H1_B1T1_aten");
  EXPECT_EQ(b.kind, Kind::rnn_relu);
  EXPECT_EQ(b.entry, Entry::aten);
  EXPECT_FALSE(b.state);
  EXPECT_TRUE(b.bias);

  RnnSpec c = parse_rnn_spec("gru_cell_bias_noh0_I5H7_B3");
  EXPECT_EQ(c.kind, Kind::gru);
  EXPECT_TRUE(c.cell);
  EXPECT_EQ(c.layers, 1);
  EXPECT_EQ(c.T, 1);
  EXPECT_EQ(c.B, 3);

  RnnSpec d = parse_rnn_spec("rnn_tanh_cell_nobias_h0_I2H3_B4_f64_aten");
  EXPECT_EQ(d.kind, Kind::rnn_tanh);
  EXPECT_EQ(d.dtype, DType::f64);
  EXPECT_EQ(d.entry, Entry::aten);
  EXPECT_FALSE(d.bias);
  EXPECT_TRUE(d.state);
}

TEST(RnnSpecName, SweepRoundTripsAndNamesAreUnique) {
  const std::vector<RnnSpec> specs = sweep();
  ASSERT_GT(specs.size(), 9000u);
  std::set<std::string> names;
  for (const RnnSpec& s : specs) {
    const std::string name = to_string(s);
    ASSERT_EQ(parse_rnn_spec(name), s) << name;
    ASSERT_EQ(to_string(parse_rnn_spec(name)), name);
    ASSERT_LT(name.size(), 100u) << name;
    for (char ch : name) ASSERT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), specs.size());  // print is injective
}

// Every one-character deletion, insertion and substitution of some valid names
// is either refused with an Error or is itself canonical: nothing crashes and
// no second spelling of a spec exists.
TEST(RnnSpecName, MutatedNamesAreRefusedOrCanonical) {
  const std::string alphabet = "_0123456789abcdefhilmnoprstuvxBHIPTZ-";
  const char* seeds[] = {"lstm_l2_bidi_bf_nobias_h0_I5H7P3_B3T4", "gru_cell_bias_noh0_I5H7_B3",
                         "rnn_relu_l1_uni_tm_bias_noh0_I1H1_B1T1_aten",
                         "rnn_tanh_l10_uni_bf_bias_h0_I13H37_B1T1000_f64"};
  int parsed = 0;
  int refused = 0;
  auto check = [&](const std::string& m) {
    try {
      const RnnSpec s = parse_rnn_spec(m);
      EXPECT_EQ(to_string(s), m);
      ++parsed;
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("bad RnnSpec name '", 0), 0u) << e.what();
      ++refused;
    }
  };
  for (std::string seed : seeds) {
    for (size_t i = 0; i < seed.size(); ++i) check(seed.substr(0, i) + seed.substr(i + 1));
    for (size_t i = 0; i <= seed.size(); ++i)
      for (char ch : alphabet) {
        check(seed.substr(0, i) + ch + seed.substr(i));
        if (i < seed.size()) check(seed.substr(0, i) + ch + seed.substr(i + 1));
      }
  }
  EXPECT_GT(parsed, 100);  // digit edits and flag flips yield other valid names
  EXPECT_GT(refused, 1000);
}

struct BadName {
  std::string name;
  std::string message;  // the full what()
};

TEST(RnnSpecName, BadNamesAreRefusedWithPositionAndExpectation) {
  const BadName cases[] = {
      {"", "bad RnnSpec name '': at 0: expected a kind: lstm, gru, rnn_tanh or rnn_relu, followed by '_'"},
      {"lstm_l0_uni_tm_bias_noh0_I1H1_B1T1",
       "bad RnnSpec name 'lstm_l0_uni_tm_bias_noh0_I1H1_B1T1': at 5: layer count must be >= 1"},
      {"rnn_l1_uni_tm_bias_noh0_I1H1_B1T1",
       "bad RnnSpec name 'rnn_l1_uni_tm_bias_noh0_I1H1_B1T1': at 0: expected a kind: lstm, gru, rnn_tanh or "
       "rnn_relu, followed by '_'"},
      {"lstm_l65_uni_tm_bias_noh0_I1H1_B1T1",
       "bad RnnSpec name 'lstm_l65_uni_tm_bias_noh0_I1H1_B1T1': at 5: layer count exceeds the cap of 64"},
      {"lstm_l02_uni_tm_bias_noh0_I1H1_B1T1",
       "bad RnnSpec name 'lstm_l02_uni_tm_bias_noh0_I1H1_B1T1': at 5: layer count has a leading zero"},
      {"lstm_l1_bi_tm_bias_noh0_I1H1_B1T1",
       "bad RnnSpec name 'lstm_l1_bi_tm_bias_noh0_I1H1_B1T1': at 8: expected direction 'uni' or 'bidi'"},
      {"lstm_l1_uni_bias_noh0_I1H1_B1T1",
       "bad RnnSpec name 'lstm_l1_uni_bias_noh0_I1H1_B1T1': at 12: expected layout 'tm' or 'bf'"},
      {"lstm_l1_uni_tm_biased_noh0_I1H1_B1T1",
       "bad RnnSpec name 'lstm_l1_uni_tm_biased_noh0_I1H1_B1T1': at 19: expected '_' after 'bias' or "
       "'nobias'"},
      {"lstm_l1_uni_tm_bias_c0_I1H1_B1T1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_c0_I1H1_B1T1': at 20: expected initial state 'h0' or 'noh0'"},
      {"gru_l1_uni_tm_bias_noh0_I5H7P3_B1T1",
       "bad RnnSpec name 'gru_l1_uni_tm_bias_noh0_I5H7P3_B1T1': at 28: projection 'P' is only valid for "
       "lstm, not gru"},
      {"lstm_l1_uni_tm_bias_noh0_I5H7P7_B1T1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I5H7P7_B1T1': at 29: projection size P = 7 must be < H = "
       "7"},
      {"lstm_l1_uni_tm_bias_noh0_I0H1_B1T1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I0H1_B1T1': at 25: input size I must be >= 1"},
      {"lstm_l1_uni_tm_bias_noh0_IH1_B1T1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_IH1_B1T1': at 26: expected the decimal input size I after "
       "'I'"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1048577_B1T1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1048577_B1T1': at 27: hidden size H exceeds the cap of "
       "1048576"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1_B1T99999999999999999999999",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1_B1T99999999999999999999999': at 32: sequence length "
       "T exceeds the cap of 1048576"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1_B1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1_B1': at 32: expected 'T' and the sequence length T"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1_T1B1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1_T1B1': at 30: expected 'B' and the batch size B"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1_B1T1_f32",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1_B1T1_f32': at 34: expected '_f64', '_aten' or end of "
       "name (f32 is the default and is not written)"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1_B1T1_aten_f64",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1_B1T1_aten_f64': at 39: expected end of name"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1_B1T1_f64_",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1_B1T1_f64_': at 38: expected '_aten' or end of name"},
      {"lstm_cell_bias_noh0_I5H7P3_B3",
       "bad RnnSpec name 'lstm_cell_bias_noh0_I5H7P3_B3': at 24: a cell has no projection: expected "
       "'_B<batch>'"},
      {"gru_cell_bias_noh0_I5H7_B3T1",
       "bad RnnSpec name 'gru_cell_bias_noh0_I5H7_B3T1': at 26: a cell runs one step and has no 'T<steps>'"},
      {"gru_cell_uni_bias_noh0_I5H7_B3",
       "bad RnnSpec name 'gru_cell_uni_bias_noh0_I5H7_B3': at 9: expected 'bias' or 'nobias'"},
      {"gru_l2_bidi_tm_bias_noh0_I5H7_B3T4\n",
       "bad RnnSpec name 'gru_l2_bidi_tm_bias_noh0_I5H7_B3T4\\x0a': at 34: expected '_f64', '_aten' or end "
       "of name"},
      {"LSTM_l1_uni_tm_bias_noh0_I1H1_B1T1",
       "bad RnnSpec name 'LSTM_l1_uni_tm_bias_noh0_I1H1_B1T1': at 0: expected a kind: lstm, gru, rnn_tanh or "
       "rnn_relu, followed by '_'"},
      {"lstm_x1_uni_tm_bias_noh0_I1H1_B1T1",
       "bad RnnSpec name 'lstm_x1_uni_tm_bias_noh0_I1H1_B1T1': at 5: expected 'cell' or 'l<layers>'"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1P1_B1T1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1P1_B1T1': at 29: projection size P = 1 must be < H = "
       "1"},
      {"lstm_l1_uni_tm_bias_noh0_I1H1B1T1",
       "bad RnnSpec name 'lstm_l1_uni_tm_bias_noh0_I1H1B1T1': at 29: expected 'P<proj>' or '_B<batch>'"},
  };
  for (const BadName& c : cases) EXPECT_EQ(error_of([&] { parse_rnn_spec(c.name); }), c.message) << c.name;
}

TEST(RnnSpecName, OverlongNameIsRefusedAndQuotedShort) {
  const std::string name = "lstm_l1_uni_tm_bias_noh0_I1H1_B1T1" + std::string(1000, '1');
  const std::string msg = error_of([&] { parse_rnn_spec(name); });
  EXPECT_NE(msg.find(": at 128: name longer than 128 characters"), std::string::npos) << msg;
  EXPECT_LT(msg.size(), 250u);
  EXPECT_NE(msg.find("...'"), std::string::npos) << msg;
}

TEST(RnnSpecValidate, RefusesWhatPyTorchOrTheGrammarCannotExpress) {
  struct Bad {
    void (*edit)(RnnSpec&);
    const char* message;
  };
  const Bad cases[] = {
      {[](RnnSpec& s) { s.I = 0; }, "invalid RnnSpec: I = 0 must be in [1, 1048576]"},
      {[](RnnSpec& s) { s.H = -4; }, "invalid RnnSpec: H = -4 must be in [1, 1048576]"},
      {[](RnnSpec& s) { s.B = kMaxRnnSize + 1; }, "invalid RnnSpec: B = 1048577 must be in [1, 1048576]"},
      {[](RnnSpec& s) { s.T = 0; }, "invalid RnnSpec: T = 0 must be in [1, 1048576]"},
      {[](RnnSpec& s) { s.layers = 0; }, "invalid RnnSpec: layers = 0 must be in [1, 64]"},
      {[](RnnSpec& s) { s.layers = 65; }, "invalid RnnSpec: layers = 65 must be in [1, 64]"},
      {[](RnnSpec& s) { s.proj = -1; }, "invalid RnnSpec: proj = -1 must be >= 0 (0 = no projection)"},
      {[](RnnSpec& s) {
         s.H = 7;
         s.proj = 7;
       },
       "invalid RnnSpec: proj = 7 must be < H = 7 (as PyTorch requires)"},
      {[](RnnSpec& s) {
         s.kind = Kind::gru;
         s.H = 7;
         s.proj = 3;
       },
       "invalid RnnSpec: proj = 3 given for gru: only LSTM has a projection"},
      {[](RnnSpec& s) {
         s.cell = true;
         s.H = 7;
         s.proj = 3;
       },
       "invalid RnnSpec: proj = 3 given for a cell: only LSTM sequences have a projection"},
      {[](RnnSpec& s) { s.dtype = DType::i64; }, "invalid RnnSpec: dtype i64 is not f32 or f64"},
      {[](RnnSpec& s) {
         s.cell = true;
         s.layers = 2;
       },
       "invalid RnnSpec: a cell has layers = 1, got 2"},
      {[](RnnSpec& s) {
         s.cell = true;
         s.bidirectional = true;
       },
       "invalid RnnSpec: a cell is not bidirectional"},
      {[](RnnSpec& s) {
         s.cell = true;
         s.batch_first = true;
       },
       "invalid RnnSpec: a cell has no time axis, batch_first must be false"},
      {[](RnnSpec& s) {
         s.cell = true;
         s.T = 3;
       },
       "invalid RnnSpec: a cell runs one step, T must be 1, got 3"},
      {[](RnnSpec& s) { s.kind = static_cast<Kind>(9); },
       "invalid RnnSpec: kind value 9 is not a known kind"},
  };
  for (const Bad& c : cases) {
    RnnSpec s;
    c.edit(s);
    EXPECT_EQ(error_of([&] { validate(s); }), c.message);
    EXPECT_THROW((void)to_string(s), Error) << c.message;  // an invalid spec has no name
    std::ostringstream os;
    os << s;
    EXPECT_EQ(os.str(), "<invalid RnnSpec>");
  }
  for (const RnnSpec& s : sweep()) EXPECT_NO_THROW(validate(s));
}

TEST(RnnSpecShapes, LstmProjectionBidiBatchFirst) {
  const RnnSpec s = parse_rnn_spec("lstm_l2_bidi_bf_nobias_h0_I5H7P3_B3T4");
  EXPECT_EQ(s.directions(), 2);
  EXPECT_EQ(s.H_out(), 3);
  EXPECT_EQ(s.gates(), 4);
  EXPECT_EQ(s.layer_input_size(0), 5);
  EXPECT_EQ(s.layer_input_size(1), 6);
  EXPECT_THROW((void)s.layer_input_size(2), Error);
  EXPECT_THROW((void)s.layer_input_size(-1), Error);
  EXPECT_EQ(s.x_shape(), (Shape{3, 4, 5}));
  EXPECT_EQ(s.h0_shape(), (Shape{4, 3, 3}));
  EXPECT_EQ(s.c0_shape(), (Shape{4, 3, 7}));
  EXPECT_EQ(s.y_shape(), (Shape{3, 4, 6}));
  EXPECT_EQ(s.hn_shape(), (Shape{4, 3, 3}));
  EXPECT_EQ(s.cn_shape(), (Shape{4, 3, 7}));
  EXPECT_EQ(graph_inputs(s), (std::vector<IoTensor>{{"x", {3, 4, 5}}, {"h0", {4, 3, 3}}, {"c0", {4, 3, 7}}}));
  EXPECT_EQ(graph_outputs(s),
            (std::vector<IoTensor>{{"y", {3, 4, 6}}, {"hn", {4, 3, 3}}, {"cn", {4, 3, 7}}}));
}

TEST(RnnSpecShapes, GruTimeMajorWithoutState) {
  const RnnSpec s = parse_rnn_spec("gru_l3_uni_tm_bias_noh0_I2H6_B5T9_f64");
  EXPECT_EQ(s.gates(), 3);
  EXPECT_EQ(s.H_out(), 6);
  EXPECT_EQ(s.layer_input_size(2), 6);
  EXPECT_EQ(s.x_shape(), (Shape{9, 5, 2}));
  EXPECT_EQ(s.y_shape(), (Shape{9, 5, 6}));
  EXPECT_THROW((void)s.c0_shape(), Error);
  EXPECT_THROW((void)s.cn_shape(), Error);
  EXPECT_EQ(graph_inputs(s), (std::vector<IoTensor>{{"x", {9, 5, 2}}}));
  EXPECT_EQ(graph_outputs(s), (std::vector<IoTensor>{{"y", {9, 5, 6}}, {"hn", {3, 5, 6}}}));
}

TEST(RnnSpecShapes, RnnBidiStateGivenHasNoCellState) {
  const RnnSpec s = parse_rnn_spec("rnn_relu_l2_bidi_tm_nobias_h0_I4H3_B2T5");
  EXPECT_EQ(s.gates(), 1);
  EXPECT_EQ(s.layer_input_size(1), 6);
  EXPECT_EQ(graph_inputs(s), (std::vector<IoTensor>{{"x", {5, 2, 4}}, {"h0", {4, 2, 3}}}));
  EXPECT_EQ(graph_outputs(s), (std::vector<IoTensor>{{"y", {5, 2, 6}}, {"hn", {4, 2, 3}}}));
}

TEST(RnnSpecShapes, Cells) {
  const RnnSpec l = parse_rnn_spec("lstm_cell_bias_h0_I5H7_B3");
  EXPECT_EQ(l.x_shape(), (Shape{3, 5}));
  EXPECT_THROW((void)l.y_shape(), Error);
  EXPECT_EQ(graph_inputs(l), (std::vector<IoTensor>{{"x", {3, 5}}, {"h0", {3, 7}}, {"c0", {3, 7}}}));
  EXPECT_EQ(graph_outputs(l), (std::vector<IoTensor>{{"h1", {3, 7}}, {"c1", {3, 7}}}));
  const RnnSpec g = parse_rnn_spec("gru_cell_bias_noh0_I5H7_B3");
  EXPECT_EQ(graph_inputs(g), (std::vector<IoTensor>{{"x", {3, 5}}}));
  EXPECT_EQ(graph_outputs(g), (std::vector<IoTensor>{{"h1", {3, 7}}}));
}

TEST(RnnSpecShapes, SweepShapesAreConsistent) {
  for (const RnnSpec& s : sweep()) {
    const int64_t D = s.directions();
    for (const IoTensor& t : graph_inputs(s)) EXPECT_EQ(t.shape.size(), s.cell ? 2u : 3u);
    if (!s.cell) {
      EXPECT_EQ(s.y_shape()[2], D * s.H_out());
      EXPECT_EQ(s.hn_shape()[0], s.layers * D);
      EXPECT_EQ(s.x_shape()[s.batch_first ? 1 : 0], s.T);
    }
    if (s.layers > 1) {
      EXPECT_EQ(s.layer_input_size(s.layers - 1), D * s.H_out());
    }
  }
}

TEST(RnnSpecNames, KindAndEntryNames) {
  EXPECT_EQ(kind_name(Kind::rnn_tanh), "rnn_tanh");
  EXPECT_EQ(kind_name(Kind::gru), "gru");
  EXPECT_EQ(entry_name(Entry::aten), "aten");
  EXPECT_EQ(entry_name(Entry::module), "module");
  std::ostringstream os;
  os << parse_rnn_spec("gru_cell_bias_noh0_I5H7_B3");
  EXPECT_EQ(os.str(), "gru_cell_bias_noh0_I5H7_B3");
}

}  // namespace
}  // namespace rnnconf

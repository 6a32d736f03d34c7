// SPEC.json (PyTorch constructor terms) <-> RnnSpec, strict: every key known,
// every value of the right JSON type, errors naming file and field.
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "rnnconf/emitter/emit_inputs.hpp"

namespace rnnconf::emitter {

namespace {

using nlohmann::json;

struct Reader {
  const json& obj;
  const std::string& file;

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw Error(SourceLocation::in_file(file), "field '" + field + "': " + what);
  }
  bool has(const char* key) const { return obj.contains(key); }
  int64_t integer(const char* key, int64_t fallback, bool required) const {
    if (!has(key)) {
      if (required) fail(key, "missing (required)");
      return fallback;
    }
    const json& v = obj.at(key);
    if (!v.is_number_integer()) fail(key, "expected an integer, got " + v.dump());
    const int64_t x = v.get<int64_t>();
    if (x < 0) fail(key, "expected a non-negative integer, got " + v.dump());
    return x;
  }
  bool boolean(const char* key, bool fallback) const {
    if (!has(key)) return fallback;
    const json& v = obj.at(key);
    if (!v.is_boolean()) fail(key, "expected true or false, got " + v.dump());
    return v.get<bool>();
  }
  std::string string(const char* key, const std::string& fallback, bool required) const {
    if (!has(key)) {
      if (required) fail(key, "missing (required)");
      return fallback;
    }
    const json& v = obj.at(key);
    if (!v.is_string()) fail(key, "expected a string, got " + v.dump());
    return v.get<std::string>();
  }
};

int to_int(const Reader& r, const char* key, int64_t v) {
  if (v > kMaxRnnLayers) r.fail(key, std::to_string(v) + " is above the limit " + std::to_string(kMaxRnnLayers));
  return static_cast<int>(v);
}

}  // namespace

RnnSpec parse_spec_json(std::string_view text, const std::string& filename) {
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(SourceLocation::at_offset(filename, static_cast<int64_t>(e.byte)), std::string("not JSON: ") + e.what());
  }
  if (!doc.is_object()) throw Error(SourceLocation::in_file(filename), "expected a JSON object");
  const Reader r{doc, filename};

  const std::string module = r.string("module", "", true);
  RnnSpec s;
  const std::map<std::string, std::pair<RnnSpec::Kind, bool>> modules{
      {"LSTM", {RnnSpec::Kind::lstm, false}},    {"GRU", {RnnSpec::Kind::gru, false}},
      {"RNN", {RnnSpec::Kind::rnn_tanh, false}}, {"LSTMCell", {RnnSpec::Kind::lstm, true}},
      {"GRUCell", {RnnSpec::Kind::gru, true}},   {"RNNCell", {RnnSpec::Kind::rnn_tanh, true}}};
  auto m = modules.find(module);
  if (m == modules.end()) r.fail("module", "'" + module + "' is not one of LSTM, GRU, RNN, LSTMCell, GRUCell, RNNCell");
  s.kind = m->second.first;
  s.cell = m->second.second;

  std::set<std::string> allowed{"module", "input_size", "hidden_size", "bias", "batch", "initial_state", "dtype"};
  if (!s.cell) allowed.insert({"num_layers", "batch_first", "bidirectional", "seq_len"});
  if (s.kind == RnnSpec::Kind::lstm && !s.cell) allowed.insert("proj_size");
  if (s.kind == RnnSpec::Kind::rnn_tanh) allowed.insert("nonlinearity");
  for (const auto& [key, value] : doc.items())
    if (!allowed.count(key)) {
      std::string list;
      for (const std::string& k : allowed) list += (list.empty() ? "" : ", ") + k;
      r.fail(key, "not a parameter of " + module + " (known: " + list + ")");
    }

  s.I = r.integer("input_size", 0, true);
  s.H = r.integer("hidden_size", 0, true);
  s.B = r.integer("batch", 0, true);
  s.bias = r.boolean("bias", true);
  s.state = r.boolean("initial_state", false);
  if (!s.cell) {
    s.layers = to_int(r, "num_layers", r.integer("num_layers", 1, false));
    s.batch_first = r.boolean("batch_first", false);
    s.bidirectional = r.boolean("bidirectional", false);
    s.T = r.integer("seq_len", 0, true);
    s.proj = r.integer("proj_size", 0, false);
  }
  if (s.kind == RnnSpec::Kind::rnn_tanh) {
    const std::string nl = r.string("nonlinearity", "tanh", false);
    if (nl == "relu")
      s.kind = RnnSpec::Kind::rnn_relu;
    else if (nl != "tanh")
      r.fail("nonlinearity", "'" + nl + "' is not 'tanh' or 'relu'");
  }
  const std::string dtype = r.string("dtype", "f32", false);
  if (dtype == "f32" || dtype == "float32")
    s.dtype = DType::f32;
  else if (dtype == "f64" || dtype == "float64")
    s.dtype = DType::f64;
  else
    r.fail("dtype", "'" + dtype + "' is not f32 or f64");
  try {
    validate(s);
  } catch (const Error& e) {
    throw Error(SourceLocation::in_file(filename), e.message());
  }
  return s;
}

RnnSpec read_spec_json(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(path.string()), "cannot open the spec file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_spec_json(ss.str(), path.string());
}

std::string spec_json_text(const RnnSpec& spec) {
  validate(spec);
  json j;
  const char* base = spec.kind == RnnSpec::Kind::lstm ? "LSTM" : spec.kind == RnnSpec::Kind::gru ? "GRU" : "RNN";
  j["module"] = std::string(base) + (spec.cell ? "Cell" : "");
  j["input_size"] = spec.I;
  j["hidden_size"] = spec.H;
  j["batch"] = spec.B;
  j["bias"] = spec.bias;
  j["initial_state"] = spec.state;
  j["dtype"] = std::string(dtype_name(spec.dtype));
  if (!spec.cell) {
    j["num_layers"] = spec.layers;
    j["batch_first"] = spec.batch_first;
    j["bidirectional"] = spec.bidirectional;
    j["seq_len"] = spec.T;
    if (spec.kind == RnnSpec::Kind::lstm) j["proj_size"] = spec.proj;
  }
  if (spec.kind == RnnSpec::Kind::rnn_tanh || spec.kind == RnnSpec::Kind::rnn_relu)
    j["nonlinearity"] = spec.kind == RnnSpec::Kind::rnn_relu ? "relu" : "tanh";
  return j.dump(1) + "\n";
}

}  // namespace rnnconf::emitter

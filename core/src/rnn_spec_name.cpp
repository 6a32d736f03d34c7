// RnnSpec <-> canonical name. Grammar (see core/README.md):
//   sequence: <kind>_l<L>_<uni|bidi>_<tm|bf>_<bias|nobias>_<h0|noh0>_I<I>H<H>[P<P>]_B<B>T<T>[_f64][_aten]
//   cell:     <kind>_cell_<bias|nobias>_<h0|noh0>_I<I>H<H>_B<B>[_f64][_aten]
// Numbers are decimal without leading zeros; every field has exactly one
// spelling, so print(parse(s)) == s.
#include <ostream>

#include "rnnconf/core/rnn_spec.hpp"

namespace rnnconf {

namespace {

// Longer than any valid name (the longest is under 80 characters).
constexpr size_t kMaxNameLength = 128;

void append_flag(std::string& out, bool on, const char* yes, const char* no) {
  out += '_';
  out += on ? yes : no;
}

}  // namespace

std::string to_string(const RnnSpec& s) {
  validate(s);
  std::string out(kind_name(s.kind));
  if (s.cell) {
    out += "_cell";
  } else {
    out += "_l" + std::to_string(s.layers);
    append_flag(out, s.bidirectional, "bidi", "uni");
    append_flag(out, s.batch_first, "bf", "tm");
  }
  append_flag(out, s.bias, "bias", "nobias");
  append_flag(out, s.state, "h0", "noh0");
  out += "_I" + std::to_string(s.I) + "H" + std::to_string(s.H);
  if (s.proj > 0) out += "P" + std::to_string(s.proj);
  out += "_B" + std::to_string(s.B);
  if (!s.cell) out += "T" + std::to_string(s.T);
  if (s.dtype == DType::f64) out += "_f64";
  if (s.entry == RnnSpec::Entry::aten) out += "_aten";
  return out;
}

std::ostream& operator<<(std::ostream& os, const RnnSpec& spec) {
  try {
    return os << to_string(spec);
  } catch (const Error&) {
    return os << "<invalid RnnSpec>";
  }
}

namespace {

// The name as it may be quoted in a message: printable ASCII kept, other bytes
// as \xNN, cut after kMaxNameLength characters.
std::string quoted(std::string_view name) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "'";
  for (size_t i = 0; i < name.size() && i < kMaxNameLength; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (name.size() > kMaxNameLength) out += "...";
  return out + "'";
}

class NameParser {
 public:
  explicit NameParser(std::string_view name) : s_(name) {}

  RnnSpec parse() {
    if (s_.size() > kMaxNameLength)
      fail(kMaxNameLength, "name longer than " + std::to_string(kMaxNameLength) + " characters");
    RnnSpec spec;
    spec.kind = kind();
    if (eat("_cell")) {
      spec.cell = true;
    } else {
      expect("_", "'_' after the kind");
      if (peek() != 'l') fail(pos_, "expected 'cell' or 'l<layers>'");
      spec.layers = static_cast<int>(number('l', "layer count", kMaxRnnLayers));
      spec.bidirectional = choice("uni", "bidi", "direction 'uni' or 'bidi'");
      spec.batch_first = choice("tm", "bf", "layout 'tm' or 'bf'");
    }
    spec.bias = choice("nobias", "bias", "'bias' or 'nobias'");
    spec.state = choice("noh0", "h0", "initial state 'h0' or 'noh0'");
    expect("_", "'_' before the sizes");
    spec.I = number('I', "input size I", kMaxRnnSize);
    spec.H = number('H', "hidden size H", kMaxRnnSize);
    if (peek() == 'P') {
      const size_t at = pos_;
      if (spec.cell) fail(at, "a cell has no projection: expected '_B<batch>'");
      if (spec.kind != RnnSpec::Kind::lstm)
        fail(at, "projection 'P' is only valid for lstm, not " + std::string(kind_name(spec.kind)));
      spec.proj = number('P', "projection size P", kMaxRnnSize);
      if (spec.proj >= spec.H)
        fail(at,
             "projection size P = " + std::to_string(spec.proj) + " must be < H = " + std::to_string(spec.H));
    }
    expect("_", spec.cell || spec.kind != RnnSpec::Kind::lstm || spec.proj > 0 ? "'_B<batch>'"
                                                                               : "'P<proj>' or '_B<batch>'");
    spec.B = number('B', "batch size B", kMaxRnnSize);
    if (spec.cell) {
      if (peek() == 'T') fail(pos_, "a cell runs one step and has no 'T<steps>'");
    } else {
      spec.T = number('T', "sequence length T", kMaxRnnSize);
    }
    suffixes(spec);
    try {
      validate(spec);  // every field is checked above; this is the safety net
    } catch (const Error& e) {
      fail(0, e.message());
    }
    return spec;
  }

 private:
  [[noreturn]] void fail(size_t at, const std::string& what) const {
    throw Error("bad RnnSpec name " + quoted(s_) + ": at " + std::to_string(at) + ": " + what);
  }

  char peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }

  bool eat(std::string_view literal) {
    if (s_.substr(pos_).starts_with(literal)) {
      pos_ += literal.size();
      return true;
    }
    return false;
  }

  void expect(std::string_view literal, const std::string& what) {
    if (!eat(literal)) fail(pos_, "expected " + what);
  }

  RnnSpec::Kind kind() {
    for (auto k :
         {RnnSpec::Kind::lstm, RnnSpec::Kind::gru, RnnSpec::Kind::rnn_tanh, RnnSpec::Kind::rnn_relu}) {
      // A kind must be followed by '_' so that "lstmx" is not read as "lstm".
      if (s_.substr(pos_).starts_with(std::string(kind_name(k)) + "_")) {
        pos_ += kind_name(k).size();
        return k;
      }
    }
    fail(pos_, "expected a kind: lstm, gru, rnn_tanh or rnn_relu, followed by '_'");
  }

  // "_<off>" or "_<on>"; returns which one. Neither spelling is a prefix of
  // the other's, so the order of the tries does not matter.
  bool choice(std::string_view off, std::string_view on, const std::string& what) {
    const size_t at = pos_;
    if (!eat("_")) fail(at, "expected '_' before " + what);
    bool value = false;
    if (eat(on)) {
      value = true;
    } else if (!eat(off)) {
      fail(pos_, "expected " + what);
    }
    // The token must end here (a '_' follows in every valid name).
    if (peek() != '_') fail(pos_, "expected '_' after " + what);
    return value;
  }

  // '<prefix><digits>': at least 1, at most max, no leading zeros. Errors about
  // the value point at the prefix letter.
  int64_t number(char prefix, const char* what, int64_t max) {
    const size_t at = pos_;
    if (peek() != prefix) fail(at, std::string("expected '") + prefix + "' and the " + what);
    ++pos_;
    const size_t digits_at = pos_;
    int64_t value = 0;
    bool too_big = false;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      if (!too_big) {
        value = value * 10 + (s_[pos_] - '0');
        too_big = value > max;
      }
      ++pos_;
    }
    const size_t ndigits = pos_ - digits_at;
    if (ndigits == 0)
      fail(digits_at, std::string("expected the decimal ") + what + " after '" + prefix + "'");
    if (s_[digits_at] == '0' && ndigits > 1) fail(at, std::string(what) + " has a leading zero");
    if (value < 1) fail(at, std::string(what) + " must be >= 1");
    if (too_big) fail(at, std::string(what) + " exceeds the cap of " + std::to_string(max));
    return value;
  }

  void suffixes(RnnSpec& spec) {
    if (eat("_f64")) spec.dtype = DType::f64;
    if (eat("_aten")) spec.entry = RnnSpec::Entry::aten;
    if (pos_ == s_.size()) return;
    std::string expected;
    if (spec.entry == RnnSpec::Entry::aten) {
      expected = "end of name";
    } else if (spec.dtype == DType::f64) {
      expected = "'_aten' or end of name";
    } else {
      expected = "'_f64', '_aten' or end of name";
    }
    if (s_.substr(pos_).starts_with("_f32")) expected += " (f32 is the default and is not written)";
    fail(pos_, "expected " + expected);
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

RnnSpec parse_rnn_spec(std::string_view name) { return NameParser(name).parse(); }

}  // namespace rnnconf

// NNEF text lexer (spec §2.1): tokens with positions, keywords, numbers with
// range checks, dialect-dependent strings, tract `i"..."` identifiers.
#include "rnnconf/nnef/lexer.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "rnnconf/core/error.hpp"

namespace rnnconf::nnef {

namespace {

constexpr std::array<std::string_view, 19> kKeywords = {
    "version", "extension", "fragment", "graph", "tensor",  "integer",   "scalar",   "logical",  "string", "true",
    "false",   "for",       "in",       "if",    "else",    "yield",     "length_of", "shape_of", "range_of"};

bool is_ident_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

std::string printable_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
  static const char* hex = "0123456789abcdef";
  return std::string("byte 0x") + hex[u >> 4] + hex[u & 15];
}

}  // namespace

bool is_keyword(std::string_view word) {
  for (auto k : kKeywords)
    if (k == word) return true;
  return false;
}

std::string describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::end: return "end of input";
    case TokenKind::identifier: return "identifier '" + token.text + "'";
    case TokenKind::keyword: return "keyword '" + token.text + "'";
    case TokenKind::integer: return "integer '" + token.text + "'";
    case TokenKind::scalar: return "scalar '" + token.text + "'";
    case TokenKind::string: return "string '" + token.text + "'";
    case TokenKind::punct: return "'" + token.text + "'";
  }
  return "token";
}

Lexer::Lexer(std::string_view text, std::string filename, Dialect dialect)
    : text_(text), filename_(std::move(filename)), dialect_(dialect) {}

char Lexer::peek(std::size_t ahead) const {
  return offset_ + ahead < text_.size() ? text_[offset_ + ahead] : '\0';
}

void Lexer::advance() {
  if (offset_ >= text_.size()) return;
  char c = text_[offset_++];
  if (c == '\n' || (c == '\r' && peek() != '\n')) {  // LF, CRLF (counted at LF) or lone CR
    ++line_;
    column_ = 1;
  } else if (c != '\r') {
    ++column_;
  }
}

void Lexer::fail(SourcePos pos, const std::string& message) const {
  throw Error(SourceLocation::at_line(filename_, pos.line, pos.column), message);
}

void Lexer::skip_space_and_comments() {
  while (offset_ < text_.size()) {
    char c = peek();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      advance();
    } else if (c == '#') {
      while (offset_ < text_.size() && peek() != '\n' && peek() != '\r') advance();
    } else {
      break;
    }
  }
}

char Lexer::peek_significant_char() {
  skip_space_and_comments();
  return peek();
}

std::string Lexer::raw_until_semicolon() {
  SourcePos start = here();
  std::size_t begin = offset_;
  while (offset_ < text_.size() && peek() != ';') advance();
  if (offset_ >= text_.size()) fail(start, "expected ';' to end the extension, found end of input");
  std::string_view raw = text_.substr(begin, offset_ - begin);
  auto first = raw.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  auto last = raw.find_last_not_of(" \t\r\n");
  return std::string(raw.substr(first, last - first + 1));
}

Token Lexer::lex_number() {
  Token token;
  token.pos = here();
  std::size_t begin = offset_;
  bool is_scalar = false;
  while (is_digit(peek())) advance();
  if (peek() == '.') {
    is_scalar = true;
    advance();
    while (is_digit(peek())) advance();
  }
  if (peek() == 'e' || peek() == 'E') {
    is_scalar = true;
    advance();
    if (peek() == '+' || peek() == '-') advance();
    if (!is_digit(peek()))
      fail(token.pos, "malformed number '" + std::string(text_.substr(begin, offset_ - begin)) +
                          "': expected digits after the exponent");
    while (is_digit(peek())) advance();
  }
  if (is_ident_char(peek()) || peek() == '.') {
    while (is_ident_char(peek()) || peek() == '.') advance();
    fail(token.pos, "malformed number '" + std::string(text_.substr(begin, offset_ - begin)) +
                        "': expected a number (digits, optional '.' fraction and exponent); identifiers "
                        "cannot start with a digit");
  }
  token.text = std::string(text_.substr(begin, offset_ - begin));
  if (is_scalar) {
    token.kind = TokenKind::scalar;
    errno = 0;
    token.scalar_value = std::strtod(token.text.c_str(), nullptr);
    if (std::isinf(token.scalar_value))
      fail(token.pos, "scalar literal '" + token.text + "' out of range: expected a finite 64-bit float");
  } else {
    token.kind = TokenKind::integer;
    const int64_t limit = dialect_ == Dialect::strict ? int64_t{std::numeric_limits<int32_t>::max()}
                                                      : std::numeric_limits<int64_t>::max();
    int64_t value = 0;
    for (char c : token.text) {
      int digit = c - '0';
      if (value > (limit - digit) / 10)
        fail(token.pos, "integer literal '" + token.text + "' out of range: expected at most " +
                            std::to_string(limit));
      value = value * 10 + digit;
    }
    token.integer_value = value;
  }
  return token;
}

Token Lexer::lex_string(char quote, SourcePos start) {
  Token token;
  token.kind = TokenKind::string;
  token.pos = start;
  advance();  // opening quote
  std::string value;
  while (true) {
    if (offset_ >= text_.size())
      fail(start, std::string("unterminated string: expected closing ") + quote + " before end of input");
    char c = peek();
    if (c == quote) {
      advance();
      break;
    }
    if (dialect_ == Dialect::tract) {
      if (c == '\\') {
        advance();
        if (offset_ >= text_.size())
          fail(start, std::string("unterminated string: expected closing ") + quote + " before end of input");
        value += peek();
        advance();
        continue;
      }
      if (c == '\'' || c == '"')
        fail(here(), std::string("unescaped quote ") + c + " inside a string: expected \\" + c + " or closing " +
                         quote);
    }
    value += c;
    advance();
  }
  token.text = std::move(value);
  return token;
}

Token Lexer::next() {
  skip_space_and_comments();
  Token token;
  token.pos = here();
  if (offset_ >= text_.size()) return token;  // TokenKind::end
  char c = peek();
  if (dialect_ == Dialect::tract && c == 'i' && peek(1) == '"') {
    advance();
    Token quoted = lex_string('"', here());
    if (quoted.text.empty()) fail(token.pos, "empty escaped identifier i\"\": expected at least one character");
    token.kind = TokenKind::identifier;
    token.text = std::move(quoted.text);
    return token;
  }
  if (is_ident_start(c)) {
    std::size_t begin = offset_;
    while (is_ident_char(peek())) advance();
    token.text = std::string(text_.substr(begin, offset_ - begin));
    if (is_keyword(token.text)) {
      token.kind = TokenKind::keyword;
    } else if (dialect_ == Dialect::tract && token.text == "inf") {
      token.kind = TokenKind::scalar;
      token.scalar_value = std::numeric_limits<double>::infinity();
    } else {
      token.kind = TokenKind::identifier;
    }
    return token;
  }
  if (is_digit(c)) return lex_number();
  if (c == '\'' || c == '"') return lex_string(c, token.pos);

  static constexpr std::array<std::string_view, 7> kTwoChar = {"->", "&&", "||", "<=", ">=", "==", "!="};
  for (auto two : kTwoChar) {
    if (c == two[0] && peek(1) == two[1]) {
      token.kind = TokenKind::punct;
      token.text = std::string(two);
      advance();
      advance();
      return token;
    }
  }
  static constexpr std::string_view kOneChar = "()[]{}<>,;:=+-*/^!?";
  if (kOneChar.find(c) != std::string_view::npos) {
    token.kind = TokenKind::punct;
    token.text = std::string(1, c);
    advance();
    return token;
  }
  if (c == '.')
    fail(token.pos, "unexpected character '.': expected a token (numbers need a digit before '.', e.g. 0.5)");
  fail(token.pos, "unexpected character " + printable_char(c) +
                      ": expected an identifier, number, string or operator (non-ASCII text is allowed only in "
                      "strings and comments)");
}

}  // namespace rnnconf::nnef

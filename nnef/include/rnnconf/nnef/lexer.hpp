// NNEF text lexer: turns graph.nnef / fragment text into tokens with
// line:column positions (spec §2.1). Comments (`#` to end of line) and
// whitespace are skipped; keywords are told apart from identifiers; number
// literals are range-checked; strings follow the dialect (raw in strict,
// backslash escapes in tract); tract's `i"..."` identifiers and `inf`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "rnnconf/nnef/ast.hpp"
#include "rnnconf/nnef/dialect.hpp"

namespace rnnconf::nnef {

enum class TokenKind { end, identifier, keyword, integer, scalar, string, punct };

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;  // identifier/keyword/punct spelling, number as written, string content (unescaped)
  int64_t integer_value = 0;
  double scalar_value = 0.0;
  SourcePos pos;
};

// Human-readable description for messages: "identifier 'x'", "';'", "end of input".
std::string describe(const Token& token);
bool is_keyword(std::string_view word);

class Lexer {
 public:
  Lexer(std::string_view text, std::string filename, Dialect dialect);

  // Scans the next token; throws rnnconf::Error on a lexical error.
  Token next();
  // Raw text from the current position up to (not including) the next ';',
  // which is left unconsumed; used for tract's free-text extensions. The
  // result is trimmed of surrounding whitespace.
  std::string raw_until_semicolon();
  // First non-whitespace, non-comment character ahead, or '\0' at the end.
  char peek_significant_char();

  const std::string& filename() const { return filename_; }

 private:
  void skip_space_and_comments();
  char peek(std::size_t ahead = 0) const;
  void advance();
  SourcePos here() const { return SourcePos{line_, column_}; }
  [[noreturn]] void fail(SourcePos pos, const std::string& message) const;
  Token lex_number();
  Token lex_string(char quote, SourcePos start);

  std::string_view text_;
  std::string filename_;
  Dialect dialect_;
  std::size_t offset_ = 0;
  int line_ = 1;
  int column_ = 1;
};

}  // namespace rnnconf::nnef

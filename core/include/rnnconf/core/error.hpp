// rnnconf::Error: the one exception type of the project. It carries where the
// problem is (file, line, column or byte offset) and what was expected, and
// formats them as "file:line:col: message" / "file@offset: message".
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace rnnconf {

struct SourceLocation {
  std::string file;      // path, archive member ("model.tgz!graph.nnef") or "<string>"
  int line = 0;          // 1-based; 0 = unknown
  int column = 0;        // 1-based; 0 = unknown
  int64_t offset = -1;   // byte offset for binary files; -1 = unknown

  static SourceLocation at_line(std::string file, int line, int column) {
    return SourceLocation{std::move(file), line, column, -1};
  }
  static SourceLocation at_offset(std::string file, int64_t offset) {
    return SourceLocation{std::move(file), 0, 0, offset};
  }
  static SourceLocation in_file(std::string file) { return SourceLocation{std::move(file), 0, 0, -1}; }
  std::string str() const;  // "f:3:7", "f@128", "f" or "" when nothing is known
};

class Error : public std::runtime_error {
 public:
  explicit Error(std::string message);
  Error(SourceLocation where, std::string message);

  const SourceLocation& where() const noexcept { return where_; }
  // The message without the location prefix.
  const std::string& message() const noexcept { return message_; }

 private:
  SourceLocation where_;
  std::string message_;
};

}  // namespace rnnconf

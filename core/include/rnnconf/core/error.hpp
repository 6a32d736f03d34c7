// rnnconf::Error: the one exception type of the project. It carries where the
// problem is (file, line, column or byte offset) and what was expected, and
// formats them as "file:line:col: message" / "file@offset: message".
// UnsupportedOpError: a model uses an operation this project does not
// implement (UNSUPPORTED, not a FAIL): "UNSUPPORTED: op 'x' at graph.nnef:L:C".
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

 protected:
  // For subclasses whose what() is not "location: message".
  Error(SourceLocation where, std::string message, std::string what_text);

 private:
  SourceLocation where_;
  std::string message_;
};

// An operation the model uses and the executor does not implement (or the
// checker does not know): not a defect of the model nor a wrong result, so
// reported as UNSUPPORTED (exit code 3), never as FAIL. what() and message()
// read "UNSUPPORTED: op 'x' at graph.nnef:L:C" plus " (detail)" when given;
// every rethrow on the way out (fragment calls, the engine module boundary)
// keeps this type, the op and the location.
class UnsupportedOpError : public Error {
 public:
  UnsupportedOpError(std::string op, SourceLocation where, std::string detail = {});

  const std::string& op() const noexcept { return op_; }
  const std::string& detail() const noexcept { return detail_; }

 private:
  std::string op_;
  std::string detail_;
};

}  // namespace rnnconf

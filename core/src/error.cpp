// Formatting of rnnconf::Error locations.
#include "rnnconf/core/error.hpp"

namespace rnnconf {

std::string SourceLocation::str() const {
  std::string s = file;
  // Appends piecewise: `s += ":" + std::to_string(n)` trips GCC 12's -Wrestrict
  // false positive (GCC bug 105329) at -O3.
  if (line > 0) {
    s.push_back(':');
    s.append(std::to_string(line));
    if (column > 0) {
      s.push_back(':');
      s.append(std::to_string(column));
    }
  } else if (offset >= 0) {
    s.push_back('@');
    s.append(std::to_string(offset));
  }
  return s;
}

namespace {
std::string compose(const SourceLocation& where, const std::string& message) {
  std::string loc = where.str();
  return loc.empty() ? message : loc + ": " + message;
}
}  // namespace

Error::Error(std::string message) : std::runtime_error(message), message_(std::move(message)) {}

Error::Error(SourceLocation where, std::string message)
    : std::runtime_error(compose(where, message)), where_(std::move(where)), message_(std::move(message)) {}

Error::Error(SourceLocation where, std::string message, std::string what_text)
    : std::runtime_error(std::move(what_text)), where_(std::move(where)), message_(std::move(message)) {}

namespace {
std::string unsupported_text(const std::string& op, const SourceLocation& where, const std::string& detail) {
  std::string s = "UNSUPPORTED: op '" + op + "'";
  const std::string loc = where.str();
  if (!loc.empty()) s += " at " + loc;
  if (!detail.empty()) s += " (" + detail + ")";
  return s;
}
}  // namespace

UnsupportedOpError::UnsupportedOpError(std::string op, SourceLocation where, std::string detail)
    : Error(where, unsupported_text(op, where, detail), unsupported_text(op, where, detail)),
      op_(std::move(op)),
      detail_(std::move(detail)) {}

}  // namespace rnnconf

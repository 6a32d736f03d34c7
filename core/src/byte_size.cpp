// parse_byte_size and format_bytes (byte_size.hpp).
#include "rnnconf/core/byte_size.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "rnnconf/core/error.hpp"

namespace rnnconf {
namespace {

constexpr int64_t kMaxByteSize = int64_t{1} << 62;

[[noreturn]] void refuse(std::string_view text, const std::string& why) {
  throw Error(
      "bad size '" + std::string(text) + "': " + why +
      " (expected a positive number of bytes, optionally with a unit K, M, G or T: 512M, 2G, 1.5GiB)");
}

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

int64_t parse_byte_size(std::string_view text) {
  size_t i = 0;
  int64_t whole = 0;
  size_t whole_digits = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    if (whole > kMaxByteSize / 10) refuse(text, "too large");
    whole = whole * 10 + (text[i] - '0');
    ++i;
    ++whole_digits;
  }
  // The fraction is kept as digits (the first 6 matter: 1 MiB of a TiB) to stay exact in int64.
  int64_t frac = 0, frac_scale = 1;
  size_t frac_digits = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (frac_scale < 1'000'000) {
        frac = frac * 10 + (text[i] - '0');
        frac_scale *= 10;
      }
      ++i;
      ++frac_digits;
    }
    if (frac_digits == 0) refuse(text, "no digits after the decimal point");
  }
  if (whole_digits == 0) refuse(text, text.empty() ? "empty" : "does not start with a digit");
  const std::string unit = lower(text.substr(i));
  int shift = -1;
  if (unit.empty() || unit == "b") shift = 0;
  for (const auto& [letter, s] :
       {std::pair{'k', 10}, std::pair{'m', 20}, std::pair{'g', 30}, std::pair{'t', 40}})
    if (unit == std::string(1, letter) || unit == std::string(1, letter) + "b" ||
        unit == std::string(1, letter) + "ib")
      shift = s;
  if (shift < 0) refuse(text, "unknown unit '" + std::string(text.substr(i)) + "'");
  if (shift == 0 && frac != 0) refuse(text, "a fraction of a byte");
  const int64_t unit_bytes = int64_t{1} << shift;
  if (whole > kMaxByteSize / unit_bytes) refuse(text, "too large (more than 2^62 bytes)");
  // frac / frac_scale * unit_bytes, rounded down: frac < 10^6 < 2^20 and unit_bytes <= 2^40.
  const int64_t frac_bytes = frac * unit_bytes / frac_scale;
  const int64_t total = whole * unit_bytes + frac_bytes;
  if (total > kMaxByteSize) refuse(text, "too large (more than 2^62 bytes)");
  if (total <= 0) refuse(text, "must be positive");
  return total;
}

std::string format_bytes(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(bytes) / 1024.0;
  size_t u = 0;
  while (v >= 1024.0 && u + 1 < std::size(units)) {
    v /= 1024.0;
    ++u;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

}  // namespace rnnconf

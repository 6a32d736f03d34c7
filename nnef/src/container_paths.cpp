// Label and archive-entry path checks (nnef_format.md §6 items 2-4).
#include "container_paths.hpp"

#include <fmt/format.h>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/container.hpp"

namespace rnnconf::nnef {
namespace detail {

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F)
      out += fmt::format("\\x{:02X}", static_cast<unsigned>(u));
    else
      out += c;
  }
  return out;
}

std::string relative_path_problem(std::string_view path) {
  if (path.empty()) return "is empty";
  if (path.front() == '/') return "is absolute, expected a path relative to the model root";
  if (path.find('\0') != std::string_view::npos) return "contains a NUL byte";
  if (path.find('\\') != std::string_view::npos) return "contains a backslash, expected '/' separators";
  if (path.size() >= 2 && path[1] == ':' &&
      ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')))
    return "starts with a drive prefix";
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    const std::string_view comp = path.substr(start, slash == std::string_view::npos ? path.npos : slash - start);
    if (comp.empty()) return "has an empty path component";
    if (comp == ".") return "has a '.' path component";
    if (comp == "..") return "has a '..' component that escapes the model root";
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return "";
}

EntryName normalise_entry_name(std::string_view raw, const std::string& display) {
  std::string_view p = raw;
  while (p.starts_with("./")) p.remove_prefix(2);
  if (p.starts_with("/"))
    throw Error(SourceLocation::in_file(display),
                "absolute archive entry, expected a path relative to the model root (tar-slip)");
  if (p.empty() || p == ".") return {"", true};
  if (p.ends_with('/')) p.remove_suffix(1);
  if (std::string why = relative_path_problem(p); !why.empty())
    throw Error(SourceLocation::in_file(display),
                "archive entry " + why + (why.find("..") != std::string::npos ? " (tar-slip)" : ""));
  EntryName e{std::string(p), false};
  // tract skips entries with a component starting with '.' (macOS "._x" files).
  size_t start = 0;
  while (start < p.size()) {
    if (p[start] == '.') e.skip = true;
    const size_t slash = p.find('/', start);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return e;
}

}  // namespace detail

std::string label_member_path(std::string_view label, const SourceLocation& where, LabelMode mode) {
  std::string_view l = label;
  if (mode == LabelMode::tract_compat && l.starts_with('/')) l.remove_prefix(1);
  if (std::string why = detail::relative_path_problem(l); !why.empty())
    throw Error(where, fmt::format("variable label '{}' {}", detail::printable(label), why));
  return std::string(l) + ".dat";
}

}  // namespace rnnconf::nnef

// Path rules shared by the container reader and writer (private): checking a
// relative member path, and normalising archive entry names the way tract does
// (strip "./", skip hidden components) while refusing anything that could
// escape the model root.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace rnnconf::nnef::detail {

// "" when `path` is a safe relative path ("a/b.dat"), else what is wrong with
// it: empty, absolute, backslash, NUL, drive prefix, empty / '.' / '..' component.
std::string relative_path_problem(std::string_view path);

// Result of normalising an archive entry name.
struct EntryName {
  std::string path;     // normalised: no leading "./", no trailing '/'
  bool skip = false;    // the root itself, or a component starts with '.' (tract skips those)
};

// Throws Error naming `display` ("m.tgz!<raw>") when the entry is unsafe.
EntryName normalise_entry_name(std::string_view raw, const std::string& display);

// Printable form of a name for messages (control bytes escaped as \xNN).
std::string printable(std::string_view s);

}  // namespace rnnconf::nnef::detail

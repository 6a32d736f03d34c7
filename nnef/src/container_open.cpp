// Opening a model (folder or archive file) and reading its members: folders are
// read lazily with a canonical-path check against symlinks leaving the root;
// read_variable maps a label to "<label>.dat" and checks shape and dtype.
// Every file is read into metered bytes after its size is checked against its
// cap (container_caps.hpp), and a tensor that would pass the memory budget is
// refused naming its member.
#include <algorithm>
#include <fstream>

#include <fmt/format.h>

#include "container_caps.hpp"
#include "container_paths.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::nnef {
namespace fs = std::filesystem;
namespace {

// True when `p` (canonical) is `root` or inside it.
bool is_within(const fs::path& root, const fs::path& p) {
  const fs::path rel = p.lexically_relative(root);
  if (rel.empty()) return false;
  const auto first = *rel.begin();
  return first != ".." && !rel.is_absolute();
}

MeteredBytes read_whole_file(const fs::path& p, const std::string& display, const detail::Cap& cap) {
  std::error_code ec;
  const auto size = fs::file_size(p, ec);
  if (ec) throw Error(SourceLocation::in_file(display), "cannot get the file size: " + ec.message());
  if (size > static_cast<uint64_t>(cap.bytes))
    throw Error(SourceLocation::in_file(display),
                fmt::format("file of {} exceeds {}; refused before reading it",
                            detail::size_text(static_cast<int64_t>(size)), cap.name));
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(display), "cannot open for reading");
  MeteredBytes bytes;
  try {
    bytes.resize(static_cast<size_t>(size));
  } catch (const MemoryBudgetError& e) {
    detail::rethrow_budget_at(e, display,
                              fmt::format("file of {}", detail::size_text(static_cast<int64_t>(size))));
  }
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size()))
    throw Error(SourceLocation::at_offset(display, in.gcount()), "read error (file shrank while reading?)");
  return bytes;
}

// Resolves a member of a folder model: must exist, stay inside the root after
// resolving symlinks, and be a regular file. Returns the canonical path, or
// nullopt when absent (and `must_exist` is false).
std::optional<fs::path> resolve_folder_member(const ModelFiles& files, std::string_view member, bool must_exist,
                                              const std::string& what) {
  const std::string display = files.member_display_name(member);
  const fs::path p = files.folder / fs::path(std::string(member));
  std::error_code ec;
  const auto st = fs::symlink_status(p, ec);
  if (ec || !fs::exists(st)) {
    if (!must_exist) return std::nullopt;
    throw Error(SourceLocation::in_file(display), fmt::format("missing {}", what));
  }
  const fs::path canon = fs::canonical(p, ec);
  if (ec) throw Error(SourceLocation::in_file(display), fmt::format("cannot resolve {}: {}", what, ec.message()));
  if (!is_within(files.folder, canon))
    throw Error(SourceLocation::in_file(display),
                fmt::format("symbolic link leaves the model folder (resolves to {})", canon.string()));
  if (fs::is_directory(canon)) throw Error(SourceLocation::in_file(display), fmt::format("is a directory, expected {}", what));
  if (!fs::is_regular_file(canon))
    throw Error(SourceLocation::in_file(display), fmt::format("is not a regular file, expected {}", what));
  return canon;
}

std::string as_text(const MeteredBytes& b) {
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

ModelFiles open_folder(const fs::path& path, const ArchiveLimits& limits) {
  ModelFiles files;
  files.display_name = path.string();
  files.limits = limits;
  std::error_code ec;
  files.folder = fs::canonical(path, ec);
  if (ec) throw Error(SourceLocation::in_file(files.display_name), "cannot resolve the model folder: " + ec.message());
  files.graph_name = files.member_display_name("graph.nnef");
  files.quant_name = files.member_display_name("graph.quant");
  const auto graph = resolve_folder_member(files, "graph.nnef", true, "graph.nnef (the model folder has none)");
  const detail::Cap text_cap = detail::graph_cap(limits);
  files.graph_text = as_text(read_whole_file(*graph, files.graph_name, text_cap));
  if (const auto quant = resolve_folder_member(files, "graph.quant", false, "graph.quant"))
    files.quant_text = as_text(read_whole_file(*quant, files.quant_name, text_cap));
  return files;
}

}  // namespace

std::string ModelFiles::member_display_name(std::string_view member) const {
  if (is_archive) return display_name + "!" + detail::printable(member);
  std::string base = display_name;
  if (!base.empty() && base.back() != '/') base += '/';
  return base + detail::printable(member);
}

ModelFiles open_model(const fs::path& path, const ArchiveLimits& limits) {
  const std::string display = path.string();
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (ec || !fs::exists(st)) throw Error(SourceLocation::in_file(display), "no such model folder or archive");
  if (fs::is_directory(st)) return open_folder(path, limits);
  if (!fs::is_regular_file(st))
    throw Error(SourceLocation::in_file(display), "not a folder or a regular file, expected a model folder or archive");
  const auto bytes = read_whole_file(path, display, detail::archive_file_cap(limits));
  return open_model_archive_bytes(bytes, display, limits);
}

MeteredBytes read_member(const ModelFiles& files, std::string_view member) {
  const std::string display = files.member_display_name(member);
  if (std::string why = detail::relative_path_problem(member); !why.empty())
    throw Error(SourceLocation::in_file(display), "member path " + why);
  if (files.is_archive) {
    const auto it = files.members.find(member);
    if (it == files.members.end()) throw Error(SourceLocation::in_file(display), "missing member");
    return it->second;
  }
  const auto p = resolve_folder_member(files, member, true, "file");
  return read_whole_file(*p, display, detail::member_cap(files.limits));
}

Tensor read_member_tensor(const ModelFiles& files, std::string_view member) {
  return read_dat(read_member(files, member), files.member_display_name(member));
}

std::vector<std::string> list_dat_members(const ModelFiles& files) {
  std::vector<std::string> out;
  if (files.is_archive) {
    for (const auto& [path, bytes] : files.members)
      if (path.ends_with(".dat")) out.push_back(path);
    return out;
  }
  std::error_code ec;
  int64_t seen = 0;
  for (auto it = fs::recursive_directory_iterator(files.folder, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (++seen > files.limits.max_entries)
      throw Error(SourceLocation::in_file(files.display_name),
                  fmt::format("more than {} entries in the model folder (cap)", files.limits.max_entries));
    const std::string name = it->path().filename().string();
    if (name.starts_with('.')) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!name.ends_with(".dat") || it->is_directory()) continue;
    out.push_back(it->path().lexically_relative(files.folder).generic_string());
  }
  if (ec)
    throw Error(SourceLocation::in_file(files.display_name), "cannot list the model folder: " + ec.message());
  std::sort(out.begin(), out.end());
  return out;
}

Tensor read_variable(const ModelFiles& files, std::string_view label, const Shape& declared_shape,
                     DType declared_dtype, const SourceLocation& where, LabelMode mode) {
  const SourceLocation at = where.file.empty() ? SourceLocation::in_file(files.graph_name) : where;
  const std::string member = label_member_path(label, at, mode);
  const std::string display = files.member_display_name(member);
  MeteredBytes owned;  // folders only
  std::span<const std::byte> bytes;
  if (files.is_archive) {
    const auto it = files.members.find(member);
    if (it == files.members.end())
      throw Error(SourceLocation::in_file(display),
                  fmt::format("no data for variable '{}': the archive has no member {}", detail::printable(label),
                              detail::printable(member)));
    bytes = it->second;
  } else {
    const auto p = resolve_folder_member(files, member, true,
                                         fmt::format("data file for variable '{}'", detail::printable(label)));
    owned = read_whole_file(*p, display, detail::member_cap(files.limits));
    bytes = owned;
  }
  const DatHeader h = read_dat_header(bytes, display);
  if (h.shape != declared_shape)
    throw Error(SourceLocation::at_offset(display, 8),
                fmt::format("shape {} but variable '{}' declares shape {}", shape_str(h.shape),
                            detail::printable(label), shape_str(declared_shape)));
  // tract loads a `variable<scalar>` with the float type of its data file: torch_to_nnef 0.24.12
  // stores a Python float factor (x * 0.5) as an f64 .dat and casts it with tract_core_cast.
  const bool float_for_float = (h.dtype() == DType::f32 || h.dtype() == DType::f64) &&
                               (declared_dtype == DType::f32 || declared_dtype == DType::f64);
  if (h.dtype() != declared_dtype && !float_for_float)
    throw Error(SourceLocation::at_offset(display, 44),
                fmt::format("item type (code {}, {} bits) decodes to {} but variable '{}' declares {}",
                            static_cast<uint32_t>(h.encoding.code), h.encoding.bits, dtype_name(h.dtype()),
                            detail::printable(label), dtype_name(declared_dtype)));
  return read_dat(bytes, display);  // a tensor over the memory budget: an Error naming `display`
}

}  // namespace rnnconf::nnef

// Writing a model (graph.nnef, graph.quant, <label>.dat) as a folder or as a
// deterministic ustar / gzip-ustar archive (libarchive).
#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::nnef {
namespace fs = std::filesystem;
namespace {

using Entries = std::map<std::string, std::vector<std::byte>>;  // sorted by path

std::vector<std::byte> text_bytes(const std::string& s) {
  std::vector<std::byte> b(s.size());
  std::memcpy(b.data(), s.data(), s.size());
  return b;
}

Entries collect(const std::string& graph_text, const std::map<std::string, Tensor>& variables,
                const std::optional<std::string>& quant_text) {
  Entries e;
  e.emplace("graph.nnef", text_bytes(graph_text));
  if (quant_text) e.emplace("graph.quant", text_bytes(*quant_text));
  for (const auto& [label, tensor] : variables) {
    const std::string path = label_member_path(label);
    if (!e.emplace(path, write_dat(tensor)).second)
      throw Error(fmt::format("write_model: label '{}' maps to {}, which is already used", label, path));
  }
  return e;
}

struct WriteArchiveDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

la_ssize_t append_cb(archive*, void* client, const void* buf, size_t n) {
  auto* out = static_cast<std::vector<std::byte>*>(client);
  const auto* p = static_cast<const std::byte*>(buf);
  out->insert(out->end(), p, p + n);
  return static_cast<la_ssize_t>(n);
}

void check(archive* a, int r, const std::string& what) {
  if (r != ARCHIVE_OK) {
    const char* s = archive_error_string(a);
    throw Error(fmt::format("write_model: {}: {}", what, s ? s : "libarchive error"));
  }
}

std::vector<std::byte> archive_bytes(const Entries& entries, bool gzip) {
  std::vector<std::byte> out;
  std::unique_ptr<archive, WriteArchiveDeleter> a(archive_write_new());
  if (!a) throw Error("write_model: cannot allocate an archive writer");
  // Plain ustar: no pax/GNU extension headers, no atime/ctime fields.
  check(a.get(), archive_write_set_format_ustar(a.get()), "ustar format");
  if (gzip) {
    check(a.get(), archive_write_add_filter_gzip(a.get()), "gzip filter");
    // A null value turns the option off: no mtime in the gzip header (and
    // libarchive's zlib path never stores a file name).
    check(a.get(), archive_write_set_filter_option(a.get(), "gzip", "timestamp", nullptr), "gzip without timestamp");
    check(a.get(), archive_write_set_filter_option(a.get(), "gzip", "compression-level", "9"), "gzip level");
    // End the file with the gzip stream (no zero padding to a 10 KiB block after it).
    check(a.get(), archive_write_set_bytes_in_last_block(a.get(), 1), "gzip last block");
  }
  check(a.get(), archive_write_open(a.get(), &out, nullptr, append_cb, nullptr), "open");
  for (const auto& [path, data] : entries) {
    std::unique_ptr<archive_entry, EntryDeleter> e(archive_entry_new());
    archive_entry_set_pathname(e.get(), path.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(data.size()));
    archive_entry_set_mtime(e.get(), 0, 0);
    archive_entry_set_uid(e.get(), 0);
    archive_entry_set_gid(e.get(), 0);
    check(a.get(), archive_write_header(a.get(), e.get()), "header of " + path);
    if (!data.empty() && archive_write_data(a.get(), data.data(), data.size()) != static_cast<la_ssize_t>(data.size()))
      check(a.get(), ARCHIVE_FATAL, "data of " + path);
  }
  check(a.get(), archive_write_close(a.get()), "close");
  return out;
}

void write_file(const fs::path& p, std::span<const std::byte> data) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(SourceLocation::in_file(p.string()), "cannot open for writing");
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out.flush()) throw Error(SourceLocation::in_file(p.string()), "write error");
}

bool ends_with(const std::string& s, std::string_view suffix) { return s.ends_with(suffix); }

}  // namespace

std::vector<std::byte> write_model_archive_bytes(const std::string& graph_text,
                                                 const std::map<std::string, Tensor>& variables_by_label,
                                                 const std::optional<std::string>& quant_text, bool gzip) {
  return archive_bytes(collect(graph_text, variables_by_label, quant_text), gzip);
}

void write_model(const fs::path& out, const std::string& graph_text,
                 const std::map<std::string, Tensor>& variables_by_label,
                 const std::optional<std::string>& quant_text) {
  const std::string name = out.filename().string();
  const bool tgz = ends_with(name, ".tgz") || ends_with(name, ".tar.gz");
  if (tgz || ends_with(name, ".tar")) {
    write_file(out, write_model_archive_bytes(graph_text, variables_by_label, quant_text, tgz));
    return;
  }
  const Entries entries = collect(graph_text, variables_by_label, quant_text);
  std::error_code ec;
  if (fs::exists(out, ec)) {
    if (!fs::is_directory(out) || !fs::is_empty(out))
      throw Error(SourceLocation::in_file(out.string()), "exists and is not an empty folder, expected a new model folder");
  }
  fs::create_directories(out, ec);
  if (ec) throw Error(SourceLocation::in_file(out.string()), "cannot create the model folder: " + ec.message());
  for (const auto& [path, data] : entries) {
    const fs::path p = out / fs::path(path);
    fs::create_directories(p.parent_path(), ec);
    if (ec) throw Error(SourceLocation::in_file(p.string()), "cannot create the folder: " + ec.message());
    write_file(p, data);
  }
}

}  // namespace rnnconf::nnef

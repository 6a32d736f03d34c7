// Reading a model from a tar or gzip-tar held in memory (libarchive): every
// regular member is inflated once, as a stream, into ModelFiles::members
// (metered bytes), with the caps of ArchiveLimits checked against the tar
// header before inflating and against the inflated bytes while inflating,
// and the entry rules of nnef_format.md §1 and §6 item 4.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <array>
#include <memory>

#include <fmt/format.h>

#include "container_caps.hpp"
#include "container_paths.hpp"
#include "rnnconf/nnef/container.hpp"

namespace rnnconf::nnef {
namespace {

struct ReadArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string archive_message(archive* a) {
  const char* s = archive_error_string(a);
  return s ? std::string(s) : std::string("unknown libarchive error");
}

const char* kind_of(mode_t type) {
  switch (type) {
    case AE_IFCHR: return "a character device";
    case AE_IFBLK: return "a block device";
    case AE_IFIFO: return "a FIFO";
    case AE_IFSOCK: return "a socket";
    default: return "an entry of unknown type";
  }
}

std::string take_text(const ModelFiles& files, const std::string& member) {
  const auto it = files.members.find(member);
  const auto& bytes = it->second;
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

ModelFiles open_model_archive_bytes(std::span<const std::byte> bytes, const std::string& display_name,
                                    const ArchiveLimits& limits) {
  ModelFiles files;
  files.display_name = display_name;
  files.is_archive = true;
  files.limits = limits;
  const auto whole = SourceLocation::in_file(display_name);

  const detail::Cap file_cap = detail::archive_file_cap(limits);
  if (static_cast<int64_t>(bytes.size()) > file_cap.bytes)
    throw Error(whole, fmt::format("archive of {} exceeds {}",
                                   detail::size_text(static_cast<int64_t>(bytes.size())), file_cap.name));
  const detail::Cap member_cap = detail::member_cap(limits);
  const detail::Cap total_cap = detail::total_cap(limits);
  const detail::Cap graph_cap = detail::graph_cap(limits);
  const bool gzip = bytes.size() >= 2 && bytes[0] == std::byte{0x1F} && bytes[1] == std::byte{0x8B};

  std::unique_ptr<archive, ReadArchiveDeleter> a(archive_read_new());
  if (!a) throw Error(whole, "cannot allocate an archive reader");
  archive_read_support_format_tar(a.get());
  if (gzip) archive_read_support_filter_gzip(a.get());
  if (archive_read_open_memory(a.get(), bytes.data(), bytes.size()) != ARCHIVE_OK)
    throw Error(whole, fmt::format("not a {}tar archive: {}", gzip ? "gzip-compressed " : "", archive_message(a.get())));

  int64_t entries = 0;
  int64_t total = 0;
  std::string last_entry = "none";  // for a damaged header: whose data may have run on
  std::array<std::byte, 64 * 1024> chunk{};
  while (true) {
    archive_entry* e = nullptr;
    const int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    // ARCHIVE_RETRY (a damaged header, e.g. a member's data running on past
    // its declared size) is corruption too: the entry holds nothing valid.
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
      throw Error(whole, fmt::format("corrupt archive after {} entries (the last: {}): {}", entries,
                                     last_entry, archive_message(a.get())));
    if (++entries > limits.max_entries)
      throw Error(whole, fmt::format("more than {} entries (cap)", limits.max_entries));

    const char* raw = archive_entry_pathname(e);
    if (!raw) raw = archive_entry_pathname_utf8(e);
    if (!raw) throw Error(whole, fmt::format("entry {} has no readable path name", entries));
    const std::string display = display_name + "!" + detail::printable(raw);
    const auto at_entry = SourceLocation::in_file(display);

    if (archive_entry_hardlink(e) != nullptr)
      throw Error(at_entry, fmt::format("hard link to '{}' in a model archive, expected a regular file",
                                        detail::printable(archive_entry_hardlink(e))));
    const mode_t type = archive_entry_filetype(e);
    if (type == AE_IFLNK || archive_entry_symlink(e) != nullptr) {
      const char* target = archive_entry_symlink(e);
      throw Error(at_entry, fmt::format("symbolic link to '{}' in a model archive, expected a regular file",
                                        target ? detail::printable(target) : std::string("?")));
    }
    const detail::EntryName name = detail::normalise_entry_name(raw, display);
    if (type == AE_IFDIR) continue;
    if (type != AE_IFREG) throw Error(at_entry, fmt::format("{} in a model archive, expected a regular file", kind_of(type)));
    if (archive_entry_sparse_count(e) > 0) throw Error(at_entry, "sparse file in a model archive, expected a plain file");
    if (!archive_entry_size_is_set(e)) throw Error(at_entry, "entry without a size");

    // Caps on the declared size, before a byte of the member is inflated.
    const int64_t size = archive_entry_size(e);
    last_entry = fmt::format("{}, {} declared", display, detail::size_text(size));
    const bool is_graph_text = !name.skip && (name.path == "graph.nnef" || name.path == "graph.quant");
    const detail::Cap& cap = is_graph_text && graph_cap.bytes < member_cap.bytes ? graph_cap : member_cap;
    if (size < 0 || size > cap.bytes)
      throw Error(at_entry, fmt::format("member of {} exceeds {}; refused before inflating it",
                                        detail::size_text(size), cap.name));
    total += size;
    if (total > total_cap.bytes)
      throw Error(at_entry,
                  fmt::format("the members' declared sizes reach {}, more than {}; refused before inflating",
                              detail::size_text(total), total_cap.name));
    if (name.skip) continue;
    if (files.members.contains(name.path))
      throw Error(at_entry, fmt::format("duplicate entry '{}'", detail::printable(name.path)));

    // Inflated as a stream into a buffer of the declared size (charged to the
    // memory budget before it is allocated); `size` <= the cap, so refusing
    // any byte beyond `size` also refuses any byte beyond the cap.
    MeteredBytes data;
    try {
      data.reserve(static_cast<size_t>(size));
    } catch (const MemoryBudgetError& err) {
      detail::rethrow_budget_at(err, display, fmt::format("member of {}", detail::size_text(size)));
    }
    while (true) {
      const la_ssize_t got = archive_read_data(a.get(), chunk.data(), chunk.size());
      if (got < 0)
        throw Error(at_entry, fmt::format("cannot read member data after {} bytes: {}", data.size(),
                                          archive_message(a.get())));
      if (got == 0) break;
      if (static_cast<int64_t>(data.size()) + got > size)
        throw Error(at_entry, fmt::format("member has more data than its declared {} bytes", size));
      data.insert(data.end(), chunk.begin(), chunk.begin() + got);
    }
    if (static_cast<int64_t>(data.size()) != size)
      throw Error(at_entry, fmt::format("truncated member: {} of {} bytes", data.size(), size));
    files.members.emplace(name.path, std::move(data));
  }

  files.graph_name = display_name + "!graph.nnef";
  if (!files.members.contains("graph.nnef"))
    throw Error(whole, fmt::format("no graph.nnef at the archive root ({} members)", files.members.size()));
  files.graph_text = take_text(files, "graph.nnef");
  files.quant_name = display_name + "!graph.quant";
  if (files.members.contains("graph.quant")) files.quant_text = take_text(files, "graph.quant");
  return files;
}

}  // namespace rnnconf::nnef

// NNEF model containers (nnef_format.md §1, §6 items 1-5): a folder, a .tar or
// a gzip-compressed tar (.tgz, .nnef.tgz; gzip is detected by its magic bytes,
// not by the extension). open_model yields graph.nnef, graph.quant and access
// to the .dat members; read_variable maps a `variable` label to its tensor.
// write_model writes a folder, .tar or .tgz deterministically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rnnconf/core/memory_budget.hpp"
#include "rnnconf/core/tensor.hpp"

namespace rnnconf::nnef {

// Caps for archives and folders, checked against each tar header's declared
// size BEFORE anything of the member is inflated (and against the bytes
// actually inflated, since a header may lie), so that a gzip bomb or a tar
// with millions of entries gives an Error naming archive!member and the cap,
// instead of exhausting memory or time.
//
// The memory budget (memory_budget.hpp): the archive file and every member
// are held in MeteredBytes, charged to the current MemoryBudgetScope's meter
// before they are allocated, and then decoded into metered tensors; so under
// a scope max_archive_file_bytes, max_member_bytes and max_total_bytes are
// lowered to the budget when it is smaller (max_graph_bytes to budget / 64),
// and a member that would bring the live data over the budget is refused
// before it is inflated.
struct ArchiveLimits {
  // Entries of any kind (files, directories, skipped hidden files).
  int64_t max_entries = 100'000;
  // One member: the largest valid .dat (2^31 f32 elements = 8 GiB) is far
  // beyond what a test model needs; 4 GiB keeps one member addressable.
  int64_t max_member_bytes = int64_t{4} << 30;
  // Sum of the declared sizes of all entries (the decompressed tar payload).
  int64_t max_total_bytes = int64_t{8} << 30;
  // A compressed or plain archive file larger than this is refused before reading.
  int64_t max_archive_file_bytes = int64_t{8} << 30;
  // graph.nnef and graph.quant (archive members and folder files). Text is
  // parsed into an AST, which costs far more memory than the text: measured
  // (peak RSS, 16 MiB of text) 23 bytes per byte for a flat graph of
  // `vN = add(vN-1, x);` statements, 25 with attribute arrays, 48 for one long
  // array literal (the worst found); `rnnconf validate`, which also prints and
  // re-parses, 42 to 90. 16 MiB keeps the parse under ~800 MB (validate under
  // ~1.5 GB) and is still 4x the graph.nnef of large torch_to_nnef exports (a
  // few MB). Under a memory budget the cap is at most budget / 64
  // (kGraphBytesPerBudgetByte in container_caps.cpp).
  int64_t max_graph_bytes = int64_t{16} << 20;
};

// The files of one model. Value type. For archives every member is held in
// memory (each read once while opening); for folders .dat files are read on
// demand from `folder`.
struct ModelFiles {
  std::string display_name;  // the path as given: "m.nnef.tgz", "models/m"
  bool is_archive = false;
  std::filesystem::path folder;  // folders only: the canonical root
  ArchiveLimits limits;          // caps used when opening (folders: max_member_bytes per file read,
                                 // max_graph_bytes for graph.nnef / graph.quant)

  std::string graph_text;
  std::string graph_name;  // for errors: "m.nnef.tgz!graph.nnef", "models/m/graph.nnef"
  std::optional<std::string> quant_text;
  std::string quant_name;

  // Archives only: regular-file members by normalised path ("a/b.dat", no "./"),
  // charged to the memory budget that was current when the archive was opened.
  std::map<std::string, MeteredBytes, std::less<>> members;

  // Name used in errors for a member: "m.nnef.tgz!a/b.dat" or "models/m/a/b.dat".
  std::string member_display_name(std::string_view member) const;
};

ModelFiles open_model(const std::filesystem::path& path, const ArchiveLimits& limits = {});

// Opens a tar or gzip-tar held in memory (the fuzzing entry point; open_model
// reads the file and calls this). `display_name` prefixes member names.
ModelFiles open_model_archive_bytes(std::span<const std::byte> bytes, const std::string& display_name,
                                    const ArchiveLimits& limits = {});

// How `variable` labels are mapped. strict: an absolute label ('/x') is an
// error; tract_compat: one leading '/' is dropped (as tract and Khronos do).
enum class LabelMode { strict, tract_compat };

// Checks a label (§6 items 2-3: no '..' or '.' components, no empty component,
// no backslash, NUL or drive prefix, not empty, not absolute) and returns the
// member path "<label>.dat". `where` (e.g. the variable's line:col) prefixes
// the error; when it names no file the error names `label` only.
std::string label_member_path(std::string_view label, const SourceLocation& where = {},
                              LabelMode mode = LabelMode::strict);

// Reads the tensor of a `variable(label = ..., shape = ...)` and checks it
// against the declared shape and dtype (a quantised or narrower int file
// decodes to i64, f16 to f32). Errors name the member and what differs.
// `where` is the variable's location in graph.nnef (default: graph_name).
Tensor read_variable(const ModelFiles& files, std::string_view label, const Shape& declared_shape,
                     DType declared_dtype, const SourceLocation& where = {}, LabelMode mode = LabelMode::strict);

// Lists the .dat members (normalised paths, sorted), for tools and fuzzing.
// Folders are walked (no symlinks followed out of the root, hidden entries skipped).
std::vector<std::string> list_dat_members(const ModelFiles& files);

// The raw bytes of a member ("a/b.dat"), read from the archive or the folder.
// The path must be normalised (no '..', '.', empty components); else Error.
MeteredBytes read_member(const ModelFiles& files, std::string_view member);

// Reads a .dat member without checking it against a declaration.
Tensor read_member_tensor(const ModelFiles& files, std::string_view member);

// Writes graph.nnef, optional graph.quant and one "<label>.dat" per variable
// (default encodings of write_dat) to `out`:
//  * "*.tgz" / "*.tar.gz": gzip-compressed ustar; "*.tar": plain ustar;
//  * anything else: a folder (created; it must not exist or be empty).
// Archives are deterministic: entries sorted by path, no directory entries,
// mtime 0, uid/gid 0, empty user/group names, mode 0644, no pax/GNU extended
// headers, gzip header without timestamp or file name. Same input, same bytes.
void write_model(const std::filesystem::path& out, const std::string& graph_text,
                 const std::map<std::string, Tensor>& variables_by_label,
                 const std::optional<std::string>& quant_text = std::nullopt);

// The archive bytes write_model would write for a .tar (gzip = false) or .tgz.
std::vector<std::byte> write_model_archive_bytes(const std::string& graph_text,
                                                 const std::map<std::string, Tensor>& variables_by_label,
                                                 const std::optional<std::string>& quant_text, bool gzip);

}  // namespace rnnconf::nnef

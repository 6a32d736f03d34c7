// Tests of nnef/container.hpp: write_model round trips (folder, .tar, .tgz),
// determinism, tract's entry rules, and malformed containers and labels
// (nnef_format.md §6 items 1-5), each error naming the file/entry and problem.
// Test archives are built here, byte by byte (ustar) and gzipped with libarchive.
#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <functional>

#include "rnnconf/core/memory_budget.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::nnef {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::byte>;

void expect_error(const std::function<void()>& f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no error thrown; expected one containing '" << needles.front() << "'";
  } catch (const Error& e) {
    for (const auto& n : needles)
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << "missing '" << n << "' in: " << e.what();
  }
}

// ---- a minimal ustar writer for crafted entries ----
struct TarEntry {
  std::string name;
  char type = '0';  // '0' file, '1' hard link, '2' symlink, '5' directory
  std::string data;
  std::string link;
  int64_t declared_size = -1;  // override of the size field
};

void octal(char* field, size_t width, uint64_t v) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1), static_cast<unsigned long long>(v));
}

Bytes tar_bytes(const std::vector<TarEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    char h[512] = {};
    std::memcpy(h, e.name.data(), std::min<size_t>(e.name.size(), 100));
    octal(h + 100, 8, 0644);
    octal(h + 108, 8, 0);
    octal(h + 116, 8, 0);
    octal(h + 124, 12, e.declared_size >= 0 ? static_cast<uint64_t>(e.declared_size) : e.data.size());
    octal(h + 136, 12, 0);
    h[156] = e.type;
    std::memcpy(h + 157, e.link.data(), std::min<size_t>(e.link.size(), 100));
    std::memcpy(h + 257, "ustar", 6);
    h[263] = '0';
    h[264] = '0';
    std::memset(h + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : h) sum += c;
    std::snprintf(h + 148, 8, "%06o", sum);
    h[155] = ' ';
    out.append(h, 512);
    out += e.data;
    out.append((512 - e.data.size() % 512) % 512, '\0');
  }
  out.append(1024, '\0');
  Bytes b(out.size());
  std::memcpy(b.data(), out.data(), out.size());
  return b;
}

la_ssize_t append_cb(archive*, void* client, const void* buf, size_t n) {
  auto* out = static_cast<Bytes*>(client);
  out->insert(out->end(), static_cast<const std::byte*>(buf), static_cast<const std::byte*>(buf) + n);
  return static_cast<la_ssize_t>(n);
}

// gzip of arbitrary bytes (libarchive "raw" format: one entry, data as is).
Bytes gzip_bytes(const Bytes& plain) {
  Bytes out;
  archive* a = archive_write_new();
  archive_write_set_format_raw(a);
  archive_write_add_filter_gzip(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, append_cb, nullptr);
  archive_entry* e = archive_entry_new();
  archive_entry_set_pathname(e, "x");
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_size(e, static_cast<la_int64_t>(plain.size()));
  archive_write_header(a, e);
  archive_write_data(a, plain.data(), plain.size());
  archive_entry_free(e);
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

std::string dat_string(const Tensor& t) {
  const Bytes b = write_dat(t);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

const std::string kGraph = "version 1.0;\ngraph g( x ) -> ( y ) { x = external(shape = [1]); y = copy(x); }\n";

ModelFiles open_tar(const std::vector<TarEntry>& entries, const ArchiveLimits& limits = {}) {
  return open_model_archive_bytes(tar_bytes(entries), "m.tar", limits);
}

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("rnnconf_container_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::map<std::string, Tensor> sample_variables() {
  return {{"l.l0_w_ii", Tensor::from<float>({1, 2, 3}, {1, 2, 3, 4, 5, 6})},
          {"sub/dir/b", Tensor::from<double>({2}, {0.5, -1})},
          {"steps", Tensor::from<int64_t>({}, {7})},
          {"mask", Tensor::from<bool>({3}, {true, false, true})}};
}

// ---- round trips ----

TEST(ContainerWrite, RoundTripFolderTarTgz) {
  TempDir dir;
  const auto vars = sample_variables();
  for (const std::string name : {"m.nnef.tgz", "m.tar", "m.tar.gz", "folder_model"}) {
    const fs::path p = dir.path / name;
    write_model(p, kGraph, vars, std::string("\"y\": linear_quantize(min = 0.0, max = 1.0, bits = 8);\n"));
    const ModelFiles m = open_model(p);
    EXPECT_EQ(m.is_archive, name != "folder_model");
    EXPECT_EQ(m.graph_text, kGraph);
    ASSERT_TRUE(m.quant_text.has_value());
    EXPECT_NE(m.quant_text->find("linear_quantize"), std::string::npos);
    for (const auto& [label, t] : vars)
      EXPECT_TRUE(read_variable(m, label, t.shape(), t.dtype()) == t) << name << " " << label;
    EXPECT_EQ(list_dat_members(m),
              (std::vector<std::string>{"l.l0_w_ii.dat", "mask.dat", "steps.dat", "sub/dir/b.dat"}));
  }
}

TEST(ContainerWrite, ArchivesAreDeterministic) {
  const auto vars = sample_variables();
  for (bool gz : {false, true}) {
    const Bytes a = write_model_archive_bytes(kGraph, vars, std::nullopt, gz);
    ::usleep(1100000);  // a timestamp, if any leaked in, would differ
    const Bytes b = write_model_archive_bytes(kGraph, vars, std::nullopt, gz);
    EXPECT_EQ(a, b) << (gz ? "tgz" : "tar");
    if (gz) {
      ASSERT_GT(a.size(), 10u);
      EXPECT_EQ(a[0], std::byte{0x1F});
      for (size_t i = 4; i < 8; ++i) EXPECT_EQ(a[i], std::byte{0}) << "gzip MTIME byte " << i;
      EXPECT_EQ(static_cast<unsigned>(a[3]) & 0x08u, 0u) << "gzip FNAME flag set";
    } else {
      // First header: sorted, so graph.nnef; mtime field all zeros; no user/group names.
      const auto* h = reinterpret_cast<const char*>(a.data());
      EXPECT_EQ(std::string(h), "graph.nnef");
      EXPECT_EQ(std::string(h + 136, 11), "00000000000");
      EXPECT_EQ(std::stoi(std::string(h + 100, 7), nullptr, 8), 0644);
      EXPECT_EQ(h[156], '0');
      EXPECT_EQ(h[265], '\0');
      EXPECT_EQ(h[297], '\0');
      EXPECT_EQ(std::string(h + 257, 5), "ustar");
    }
  }
}

TEST(ContainerWrite, FolderMustBeNewOrEmpty) {
  TempDir dir;
  std::ofstream(dir.path / "junk") << "x";
  expect_error([&] { write_model(dir.path, kGraph, {}); }, {dir.path.string(), "not an empty folder"});
}

TEST(ContainerWrite, RefusesEscapingLabel) {
  expect_error([] { (void)write_model_archive_bytes(kGraph, {{"../x", Tensor::from<float>({1}, {1})}}, std::nullopt, false); },
               {"variable label '../x'", "'..'"});
}

// ---- reading: tract's entry rules ----

TEST(ContainerRead, DotSlashPrefixAndHiddenEntries) {
  const std::string w = dat_string(Tensor::from<float>({2}, {1, 2}));
  const ModelFiles m = open_tar({{"./", '5', "", ""},
                                 {"./graph.nnef", '0', kGraph, ""},
                                 {"./._graph.nnef", '0', "junk", ""},
                                 {"./.hidden/w.dat", '0', "junk", ""},
                                 {"./sub/", '5', "", ""},
                                 {"./sub/w.dat", '0', w, ""}});
  EXPECT_EQ(m.graph_text, kGraph);
  EXPECT_EQ(m.graph_name, "m.tar!graph.nnef");
  EXPECT_FALSE(m.quant_text.has_value());
  EXPECT_EQ(list_dat_members(m), std::vector<std::string>{"sub/w.dat"});
  EXPECT_TRUE(read_variable(m, "sub/w", {2}, DType::f32) == Tensor::from<float>({2}, {1, 2}));
}

TEST(ContainerRead, GzipDetectedByMagicNotExtension) {
  TempDir dir;
  const Bytes tgz = write_model_archive_bytes(kGraph, sample_variables(), std::nullopt, true);
  const Bytes tar = write_model_archive_bytes(kGraph, sample_variables(), std::nullopt, false);
  std::ofstream(dir.path / "really_gzip.tar", std::ios::binary).write(reinterpret_cast<const char*>(tgz.data()), static_cast<std::streamsize>(tgz.size()));
  std::ofstream(dir.path / "really_plain.tgz", std::ios::binary).write(reinterpret_cast<const char*>(tar.data()), static_cast<std::streamsize>(tar.size()));
  EXPECT_EQ(open_model(dir.path / "really_gzip.tar").graph_text, kGraph);
  EXPECT_EQ(open_model(dir.path / "really_plain.tgz").graph_text, kGraph);
}

TEST(ContainerRead, CompatLabelDropsOneLeadingSlash) {
  const ModelFiles m = open_tar({{"graph.nnef", '0', kGraph, ""}, {"w.dat", '0', dat_string(Tensor::from<float>({1}, {3})), ""}});
  EXPECT_TRUE(read_variable(m, "/w", {1}, DType::f32, {}, LabelMode::tract_compat) == Tensor::from<float>({1}, {3}));
  expect_error([&] { (void)read_variable(m, "/w", {1}, DType::f32); }, {"m.tar!graph.nnef", "label '/w'", "absolute"});
}

// ---- malformed containers (§6 items 1, 4, 5) ----

TEST(ContainerMalformed, TarSlipDotDot) {
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"../x.dat", '0', "x", ""}}); },
               {"m.tar!../x.dat", "'..'", "tar-slip"});
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"./a/../../x.dat", '0', "x", ""}}); },
               {"m.tar!./a/../../x.dat", "tar-slip"});
}

TEST(ContainerMalformed, AbsoluteEntry) {
  expect_error([] { (void)open_tar({{"/etc/x.dat", '0', "x", ""}, {"graph.nnef", '0', kGraph, ""}}); },
               {"m.tar!/etc/x.dat", "absolute archive entry"});
}

TEST(ContainerMalformed, SymlinkEntry) {
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"w.dat", '2', "", "/etc/passwd"}}); },
               {"m.tar!w.dat", "symbolic link to '/etc/passwd'"});
}

TEST(ContainerMalformed, HardlinkEntry) {
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"w.dat", '1', "", "graph.nnef"}}); },
               {"m.tar!w.dat", "hard link to 'graph.nnef'"});
}

TEST(ContainerMalformed, OtherUnsafeEntries) {
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"..\\x.dat", '0', "x", ""}}); },
               {"m.tar!..\\x.dat", "backslash"});
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"C:x.dat", '0', "x", ""}}); },
               {"m.tar!C:x.dat", "drive prefix"});
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"fifo.dat", '6', "", ""}}); },
               {"m.tar!fifo.dat", "a FIFO", "expected a regular file"});
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"dev.dat", '3', "", ""}}); },
               {"m.tar!dev.dat", "a character device"});
}

TEST(ContainerMalformed, GraphFileIsNotAnArchive) {
  TempDir dir;
  std::ofstream(dir.path / "graph.nnef") << kGraph;
  expect_error([&] { (void)open_model(dir.path / "graph.nnef"); }, {(dir.path / "graph.nnef").string(), "not a tar archive"});
}

TEST(ContainerMalformed, DuplicateEntries) {
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"./graph.nnef", '0', kGraph, ""}}); },
               {"m.tar!./graph.nnef", "duplicate entry 'graph.nnef'"});
  expect_error([] { (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"a/w.dat", '0', "1", ""}, {"a/w.dat", '0', "2", ""}}); },
               {"m.tar!a/w.dat", "duplicate entry 'a/w.dat'"});
}

TEST(ContainerMalformed, MissingGraph) {
  expect_error([] { (void)open_tar({{"w.dat", '0', "x", ""}, {"sub/graph.nnef", '0', kGraph, ""}}); },
               {"m.tar", "no graph.nnef at the archive root"});
  TempDir dir;
  expect_error([&] { (void)open_model(dir.path); }, {dir.path.string() + "/graph.nnef", "missing graph.nnef"});
}

TEST(ContainerMalformed, GzipBombOverCap) {
  // 8 MiB of zeros in one member compress to a few KiB; the cap is 1 MiB.
  const Bytes tar = tar_bytes({{"graph.nnef", '0', kGraph, ""}, {"big.dat", '0', std::string(8 << 20, '\0'), ""}});
  const Bytes tgz = gzip_bytes(tar);
  ASSERT_LT(tgz.size(), 64u * 1024u);
  ArchiveLimits small;
  small.max_member_bytes = 1 << 20;
  expect_error([&] { (void)open_model_archive_bytes(tgz, "bomb.tgz", small); },
               {"bomb.tgz!big.dat", "member of 8.0 MiB (8388608 bytes) exceeds the cap of 1.0 MiB per member",
                "refused before inflating it"});
  ArchiveLimits total;
  total.max_total_bytes = 4 << 20;
  expect_error([&] { (void)open_model_archive_bytes(tgz, "bomb.tgz", total); },
               {"bomb.tgz!big.dat", "declared sizes reach 8.0 MiB (8388687 bytes)",
                "more than the cap of 4.0 MiB on the decompressed size"});
}

TEST(ContainerMalformed, TooManyEntries) {
  std::vector<TarEntry> many{{"graph.nnef", '0', kGraph, ""}};
  for (int i = 0; i < 5; ++i) many.push_back({"w" + std::to_string(i) + ".dat", '0', "x", ""});
  ArchiveLimits small;
  small.max_entries = 4;
  expect_error([&] { (void)open_tar(many, small); }, {"m.tar", "more than 4 entries"});
}

TEST(ContainerMalformed, NotATarAndTruncated) {
  Bytes junk(600, std::byte{0x41});
  expect_error([&] { (void)open_model_archive_bytes(junk, "junk.tgz"); }, {"junk.tgz", "tar"});
  Bytes tgz = write_model_archive_bytes(kGraph, sample_variables(), std::nullopt, true);
  tgz.resize(30);  // inside the first member
  expect_error([&] { (void)open_model_archive_bytes(tgz, "cut.tgz"); }, {"cut.tgz"});
  // A member whose header promises more data than the archive has.
  Bytes tar = tar_bytes({{"graph.nnef", '0', kGraph, ""}, {"w.dat", '0', "abc", "", 100000}});
  expect_error([&] { (void)open_model_archive_bytes(tar, "short.tar"); }, {"short.tar"});
}

// ---- caps on graph text and the memory budget (issue 13) ----

TEST(ContainerLimits, GraphTextCapBeforeInflating) {
  ArchiveLimits limits;
  limits.max_graph_bytes = 1 << 20;
  // The header declares 1 GiB of graph.nnef and the archive holds 1 byte of it:
  // the refusal comes from the declared size, before any data is read.
  expect_error(
      [&] {
        (void)open_tar({{"graph.nnef", '0', "x", "", int64_t{1} << 30}}, limits);
      },
      {"m.tar!graph.nnef", "member of 1.0 GiB (1073741824 bytes) exceeds the cap of 1.0 MiB on graph text",
       "refused before inflating it"});
  expect_error(
      [&] {
        (void)open_tar(
            {{"graph.nnef", '0', kGraph, ""}, {"graph.quant", '0', std::string((1 << 20) + 1, ' '), ""}},
            limits);
      },
      {"m.tar!graph.quant", "exceeds the cap of 1.0 MiB on graph text"});
  // .dat members keep the per-member cap; a hidden ./._graph.nnef is not graph text.
  const ModelFiles m = open_tar({{"graph.nnef", '0', kGraph, ""},
                                 {"w.dat", '0', std::string(2 << 20, '\0'), ""},
                                 {"._graph.nnef", '0', std::string(2 << 20, ' '), ""}},
                                limits);
  EXPECT_EQ(m.members.at("w.dat").size(), size_t{2} << 20);
}

TEST(ContainerLimits, GraphTextCapOnFolders) {
  TempDir dir;
  write_model(dir.path / "f", kGraph, {});
  fs::resize_file(dir.path / "f" / "graph.nnef", int64_t{3} << 30);  // sparse: nothing is written
  expect_error(
      [&] { (void)open_model(dir.path / "f"); },
      {"f/graph.nnef", "file of 3.0 GiB (3221225472 bytes) exceeds the cap of 16.0 MiB on graph text",
       "refused before reading it"});
}

TEST(ContainerLimits, DamagedHeaderAfterAMemberIsCorruption) {
  // graph.nnef declares 512 bytes but its data runs on (spaces where the next
  // header should be): libarchive reports a damaged header (ARCHIVE_RETRY).
  Bytes tar = tar_bytes({{"graph.nnef", '0', std::string(512 + 4096, ' '), "", 512}});
  expect_error(
      [&] { (void)open_model_archive_bytes(tar, "lying.tar"); },
      {"lying.tar: corrupt archive after 1 entries (the last: lying.tar!graph.nnef, 512 bytes declared)"});
}

TEST(ContainerLimits, CapsFollowTheMemoryBudget) {
  const auto meter = std::make_shared<MemoryMeter>(1 << 20);
  const MemoryBudgetScope scope(meter);
  // A member declared over the budget: refused before inflating, naming the budget.
  expect_error(
      [&] {
        (void)open_tar({{"graph.nnef", '0', kGraph, ""}, {"w.dat", '0', "x", "", 2 << 20}});
      },
      {"m.tar!w.dat",
       "member of 2.0 MiB (2097152 bytes) exceeds the memory budget of 1.0 MiB (--max-memory)"});
  // Members that each fit but together do not.
  const std::string half(600 << 10, ' ');
  const Bytes two = gzip_bytes(
      tar_bytes({{"graph.nnef", '0', kGraph, ""}, {"a.dat", '0', half, ""}, {"b.dat", '0', half, ""}}));
  expect_error([&] { (void)open_model_archive_bytes(two, "m.tar"); },
               {"m.tar!b.dat", "more than the memory budget of 1.0 MiB (--max-memory)"});
  // Graph text: at most 1/64 of the budget (16 KiB here).
  expect_error(
      [&] {
        (void)open_tar({{"graph.nnef", '0', kGraph + std::string(20 << 10, ' '), ""}});
      },
      {"m.tar!graph.nnef",
       "exceeds the cap of 16.0 KiB on graph text (1/64 of the memory budget of 1.0 MiB"});
  EXPECT_EQ(meter->live(), 0);
}

TEST(ContainerLimits, MembersAndTensorsAreCharged) {
  TempDir dir;
  const Tensor w(DType::f32, {64, 1024});  // 256 KiB; not metered (no scope yet)
  write_model(dir.path / "m.tar", kGraph, {{"w", w}});
  write_model(dir.path / "m.tgz", kGraph, {{"w", w}});  // zeros: a few KiB
  const auto meter = std::make_shared<MemoryMeter>(1 << 20);
  {
    const MemoryBudgetScope scope(meter);
    const ModelFiles m = open_model(dir.path / "m.tar");
    // The archive file was read (and freed), the members stay: about 256 KiB.
    EXPECT_GE(meter->live(), (256 << 10) + 128);
    EXPECT_LT(meter->live(), 300 << 10);
    const Tensor t = read_variable(m, "w", {64, 1024}, DType::f32);
    EXPECT_GE(meter->live(), (512 << 10) + 128);
    EXPECT_GE(meter->peak(), meter->live());
  }
  EXPECT_EQ(meter->live(), 0);
  // A budget that holds the members but not the decoded tensor as well: the
  // refusal names the member and the tensor.
  const auto tight = std::make_shared<MemoryMeter>(400 << 10);
  const MemoryBudgetScope scope(tight);
  const ModelFiles m = open_model(dir.path / "m.tgz");
  expect_error(
      [&] {
        (void)read_variable(m, "w", {64, 1024}, DType::f32);
      },
      {"m.tgz!w.dat: decoding f32 [64, 1024]: allocating 256.3 KiB would bring live tensor data to",
       "over the memory budget of 400.0 KiB (--max-memory)"});
  // A budget the (plain tar) archive file and its member do not fit in together.
  const auto tighter = std::make_shared<MemoryMeter>(300 << 10);
  const MemoryBudgetScope inner(tighter);
  expect_error(
      [&] { (void)open_model(dir.path / "m.tar"); },
      {"m.tar!w.dat: member of 256.1 KiB (262272 bytes): allocating 256.4 KiB would bring live tensor data",
       "over the memory budget of 300.0 KiB (--max-memory)"});
  EXPECT_EQ(tighter->live(), 0);
}

// ---- labels and variables (§6 items 2, 3, 5, 15) ----

TEST(ContainerLabels, EscapingLabelsAreRefused) {
  const ModelFiles m = open_tar({{"graph.nnef", '0', kGraph, ""}});
  const SourceLocation at = SourceLocation::at_line("m.tar!graph.nnef", 3, 9);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"../x", "'..'"},        {"a/../../x", "'..'"}, {"a/./b", "'.' path component"}, {".", "'.' path component"},
      {"a//b", "empty path component"}, {"a/", "empty path component"}, {"", "is empty"},
      {"a\\b", "backslash"},   {"C:x", "drive prefix"}, {"/abs", "absolute"},
      {std::string("a\0b", 3), "NUL"}};
  for (const auto& c : cases)
    expect_error([&] { (void)read_variable(m, c.first, {1}, DType::f32, at); },
                 {"m.tar!graph.nnef:3:9:", "variable label", c.second});
  EXPECT_EQ(label_member_path("l.l0_w_ii"), "l.l0_w_ii.dat");
  EXPECT_EQ(label_member_path("a/b"), "a/b.dat");
}

TEST(ContainerLabels, MissingDat) {
  const ModelFiles m = open_tar({{"graph.nnef", '0', kGraph, ""}});
  expect_error([&] { (void)read_variable(m, "l.w", {1}, DType::f32); }, {"m.tar!l.w.dat", "no data for variable 'l.w'"});
  TempDir dir;
  write_model(dir.path / "f", kGraph, {});
  const ModelFiles f = open_model(dir.path / "f");
  expect_error([&] { (void)read_variable(f, "l.w", {1}, DType::f32); }, {"f/l.w.dat", "missing data file for variable 'l.w'"});
  fs::create_directories(dir.path / "f" / "d.dat");
  expect_error([&] { (void)read_variable(f, "d", {1}, DType::f32); }, {"f/d.dat", "is a directory"});
}

TEST(ContainerLabels, ShapeAndDtypeMismatch) {
  const ModelFiles m = open_tar({{"graph.nnef", '0', kGraph, ""}, {"w.dat", '0', dat_string(Tensor::from<float>({2, 3}, std::vector<float>(6, 1.0f))), ""}});
  expect_error([&] { (void)read_variable(m, "w", {3, 2}, DType::f32); },
               {"m.tar!w.dat@8:", "shape [2, 3] but variable 'w' declares shape [3, 2]"});
  expect_error([&] { (void)read_variable(m, "w", {2, 3}, DType::i64); },
               {"m.tar!w.dat@44:", "decodes to f32 but variable 'w' declares i64"});
  const ModelFiles bad = open_tar({{"graph.nnef", '0', kGraph, ""}, {"w.dat", '0', "NNEF?", ""}});
  expect_error([&] { (void)read_variable(bad, "w", {1}, DType::f32); }, {"m.tar!w.dat@5:", "128-byte header"});
}

TEST(ContainerFolder, SymlinkLeavingFolderIsRefused) {
  TempDir dir;
  write_model(dir.path / "f", kGraph, {{"w", Tensor::from<float>({1}, {1})}});
  write_dat_file(dir.path / "outside.dat", Tensor::from<float>({1}, {2}));
  fs::create_symlink(dir.path / "outside.dat", dir.path / "f" / "evil.dat");
  fs::create_symlink("w.dat", dir.path / "f" / "alias.dat");
  const ModelFiles f = open_model(dir.path / "f");
  expect_error([&] { (void)read_variable(f, "evil", {1}, DType::f32); }, {"f/evil.dat", "symbolic link leaves the model folder"});
  EXPECT_TRUE(read_variable(f, "alias", {1}, DType::f32) == Tensor::from<float>({1}, {1}));  // inside: fine
  EXPECT_EQ(read_member(f, "w.dat").size(), 132u);
  expect_error([&] { (void)read_member(f, "../outside.dat"); }, {"'..'"});
}

TEST(ContainerFolder, MissingModel) {
  expect_error([] { (void)open_model("/nonexistent/model.nnef.tgz"); }, {"/nonexistent/model.nnef.tgz", "no such model"});
}

}  // namespace
}  // namespace rnnconf::nnef

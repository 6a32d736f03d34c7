// Reading NNEF .dat tensor files: header validation against the file size
// (nnef_format.md §4 "Reader checks", §6 items 6-14) and decoding of every
// supported encoding into an rnnconf::Tensor.
#include <bit>
#include <fstream>
#include <limits>
#include <type_traits>

#include <fmt/format.h>

#include "half_float.hpp"
#include "le_bytes.hpp"
#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::nnef {
namespace {

using detail::load_le;

// Header offsets (§4 table).
constexpr int64_t kOffMagic = 0;
constexpr int64_t kOffVersion = 2;
constexpr int64_t kOffDataLength = 4;
constexpr int64_t kOffRank = 8;
constexpr int64_t kOffExtents = 12;
constexpr int64_t kOffBits = 44;
constexpr int64_t kOffItemType = 48;
constexpr int64_t kOffVendor = 50;
constexpr int64_t kOffLegacyWord = 52;

[[noreturn]] void fail(const std::string& name, int64_t offset, std::string message) {
  throw Error(SourceLocation::at_offset(name, offset), std::move(message));
}

const char* code_name(DatCode c) {
  switch (c) {
    case DatCode::ieee_float: return "float";
    case DatCode::unsigned_int: return "unsigned int";
    case DatCode::quantized_unsigned: return "quantized unsigned int";
    case DatCode::quantized_signed: return "quantized signed int";
    case DatCode::signed_int: return "signed int";
    case DatCode::boolean: return "bool";
  }
  return "?";
}

// Checks bits_per_item for a code; returns an error text or "".
std::string bits_problem(DatCode code, uint32_t bits) {
  switch (code) {
    case DatCode::ieee_float:
      if (bits == 16 || bits == 32 || bits == 64) return "";
      return fmt::format("bits_per_item {} is invalid for float (expected 16, 32 or 64)", bits);
    case DatCode::boolean:
      if (bits == 1 || bits == 8) return "";
      return fmt::format("bits_per_item {} is invalid for bool (expected 1 or 8)", bits);
    default:
      if (bits == 8 || bits == 16 || bits == 32 || bits == 64) return "";
      return fmt::format("bits_per_item {} is invalid for {} (expected 8, 16, 32 or 64)", bits, code_name(code));
  }
}

bool is_signed(const DatHeader& h) {
  return h.encoding.code == DatCode::signed_int || h.encoding.code == DatCode::quantized_signed ||
         h.legacy_signed;
}

template <class U>
void decode_ints(std::span<const std::byte> data, std::span<int64_t> out, bool signed_items,
                 const std::string& name) {
  constexpr size_t w = sizeof(U);
  for (size_t i = 0; i < out.size(); ++i) {
    const U u = load_le<U>(data.data() + i * w);
    if (signed_items) {
      out[i] = static_cast<int64_t>(static_cast<std::make_signed_t<U>>(u));
    } else {
      if constexpr (sizeof(U) == 8) {
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          fail(name, static_cast<int64_t>(kDatHeaderSize + i * w),
               fmt::format("unsigned value {} of item {} does not fit in int64", u, i));
      }
      out[i] = static_cast<int64_t>(u);
    }
  }
}

}  // namespace

DType DatHeader::dtype() const {
  switch (encoding.code) {
    case DatCode::ieee_float: return encoding.bits == 64 ? DType::f64 : DType::f32;
    case DatCode::boolean: return DType::boolean;
    default: return DType::i64;
  }
}

DatHeader read_dat_header(std::span<const std::byte> bytes, const std::string& name) {
  const auto size = static_cast<int64_t>(bytes.size());
  if (bytes.size() < kDatHeaderSize)
    fail(name, size, fmt::format("file has {} bytes, expected at least the {}-byte header", size, kDatHeaderSize));
  const std::byte* p = bytes.data();
  if (p[0] != std::byte{0x4E} || p[1] != std::byte{0xEF})
    fail(name, kOffMagic,
         fmt::format("bad magic {:02X} {:02X}, expected 4E EF (not an NNEF tensor file)",
                     static_cast<unsigned>(p[0]), static_cast<unsigned>(p[1])));
  const auto major = static_cast<unsigned>(p[2]);
  const auto minor = static_cast<unsigned>(p[3]);
  if (major != 1 || minor != 0)
    fail(name, kOffVersion, fmt::format("version {}.{}, expected 1.0", major, minor));

  DatHeader h;
  h.data_length = load_le<uint32_t>(p + kOffDataLength);
  const uint32_t rank = load_le<uint32_t>(p + kOffRank);
  if (rank > static_cast<uint32_t>(kMaxRank))
    fail(name, kOffRank, fmt::format("rank {} exceeds the maximum of {}", rank, kMaxRank));

  // Volume: the product of the nonzero extents stays under kMaxElements (the
  // same rule as Tensor's constructor), so nothing below can overflow.
  int64_t nonzero_product = 1;
  bool has_zero = false;
  for (uint32_t i = 0; i < 8; ++i) {
    const int64_t off = kOffExtents + 4 * i;
    const uint32_t extent = load_le<uint32_t>(p + off);
    if (i >= rank) {
      if (extent != 0)
        fail(name, off, fmt::format("unused extent {} of a rank-{} tensor is {}, expected 0", i, rank, extent));
      continue;
    }
    h.shape.push_back(extent);
    if (extent == 0) {
      has_zero = true;
      continue;
    }
    if (nonzero_product > kMaxElements / static_cast<int64_t>(extent))
      fail(name, off,
           fmt::format("extent {} of axis {} makes the volume exceed the cap of {} elements", extent, i,
                       kMaxElements));
    nonzero_product *= extent;
  }
  const int64_t volume = has_zero ? 0 : nonzero_product;

  const uint32_t bits = load_le<uint32_t>(p + kOffBits);
  const uint32_t item_type = load_le<uint32_t>(p + kOffItemType);
  const uint32_t vendor = item_type >> 16;
  const uint32_t code = item_type & 0xFFFFu;
  if (vendor != 0)
    fail(name, kOffVendor,
         fmt::format("item type vendor 0x{:04X}{} is not supported, expected 0 (Khronos)", vendor,
                     vendor == 0x5452 ? " (tract: strings, block-quantized or complex data)" : ""));
  if (code > 5) fail(name, kOffItemType, fmt::format("unknown item type code {}, expected 0..5", code));
  h.encoding = DatEncoding{static_cast<DatCode>(code), bits};
  if (std::string why = bits_problem(h.encoding.code, bits); !why.empty()) fail(name, kOffBits, why);
  if (h.encoding.code == DatCode::unsigned_int && load_le<uint32_t>(p + kOffLegacyWord) != 0)
    h.legacy_signed = true;

  // volume < 2^31 and bits <= 64: the product fits easily in u64.
  const uint64_t needed = (static_cast<uint64_t>(volume) * bits + 7) / 8;
  if (needed != h.data_length)
    fail(name, kOffDataLength,
         fmt::format("data_length {} but shape {} of {} needs {} bytes", h.data_length, shape_str(h.shape),
                     h.encoding.code == DatCode::ieee_float ? fmt::format("f{}", bits)
                                                            : fmt::format("{}-bit {}", bits, code_name(h.encoding.code)),
                     needed));
  const uint64_t end = kDatHeaderSize + static_cast<uint64_t>(h.data_length);
  if (bytes.size() < end)
    fail(name, size,
         fmt::format("truncated: file has {} bytes, header promises {} ({} of data)", size, end, h.data_length));
  if (bytes.size() > end)
    fail(name, static_cast<int64_t>(end),
         fmt::format("{} trailing bytes after the {} bytes of data, expected end of file", bytes.size() - end,
                     h.data_length));
  return h;
}

Tensor read_dat(std::span<const std::byte> bytes, const std::string& name) {
  const DatHeader h = read_dat_header(bytes, name);
  Tensor t;
  try {
    t = Tensor(h.dtype(), h.shape);
  } catch (const MemoryBudgetError& e) {
    throw MemoryBudgetError(
        SourceLocation::in_file(name),
        fmt::format("decoding {} {}: {}", dtype_name(h.dtype()), shape_str(h.shape), e.message()));
  }
  const auto data = bytes.subspan(kDatHeaderSize, h.data_length);
  const auto n = static_cast<size_t>(t.numel());
  switch (h.encoding.code) {
    case DatCode::ieee_float: {
      if (h.encoding.bits == 64) {
        auto out = t.span<double>();
        for (size_t i = 0; i < n; ++i) out[i] = std::bit_cast<double>(load_le<uint64_t>(data.data() + 8 * i));
      } else if (h.encoding.bits == 32) {
        auto out = t.span<float>();
        for (size_t i = 0; i < n; ++i) out[i] = std::bit_cast<float>(load_le<uint32_t>(data.data() + 4 * i));
      } else {
        auto out = t.span<float>();
        for (size_t i = 0; i < n; ++i) out[i] = detail::half_to_float(load_le<uint16_t>(data.data() + 2 * i));
      }
      break;
    }
    case DatCode::boolean: {
      auto out = t.span<bool>();
      if (h.encoding.bits == 1) {
        for (size_t i = 0; i < n; ++i)
          out[i] = ((static_cast<unsigned>(data[i / 8]) >> (7 - i % 8)) & 1u) != 0;
      } else {
        for (size_t i = 0; i < n; ++i) out[i] = data[i] != std::byte{0};
      }
      break;
    }
    default: {
      auto out = t.span<int64_t>();
      const bool s = is_signed(h);
      switch (h.encoding.bits) {
        case 8: decode_ints<uint8_t>(data, out, s, name); break;
        case 16: decode_ints<uint16_t>(data, out, s, name); break;
        case 32: decode_ints<uint32_t>(data, out, s, name); break;
        default: decode_ints<uint64_t>(data, out, s, name); break;
      }
      break;
    }
  }
  return t;
}

Tensor read_dat_file(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) throw Error(SourceLocation::in_file(name), "no such tensor file");
  if (!std::filesystem::is_regular_file(status))
    throw Error(SourceLocation::in_file(name), "not a regular file, expected a .dat tensor file");
  const auto file_size = std::filesystem::file_size(path, ec);
  // The largest valid file: kMaxElements items of 64 bits after the header.
  constexpr uint64_t kMaxDatFile = kDatHeaderSize + static_cast<uint64_t>(kMaxElements) * 8;
  if (ec) throw Error(SourceLocation::in_file(name), "cannot get the file size: " + ec.message());
  if (file_size > kMaxDatFile)
    throw Error(SourceLocation::at_offset(name, 0),
                fmt::format("file has {} bytes, more than the largest valid tensor file ({} bytes)", file_size,
                            kMaxDatFile));
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(name), "cannot open for reading");
  MeteredBytes bytes;
  try {
    bytes.resize(static_cast<size_t>(file_size));
  } catch (const MemoryBudgetError& e) {
    throw MemoryBudgetError(SourceLocation::in_file(name),
                            fmt::format("reading {} bytes: {}", file_size, e.message()));
  }
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (in.gcount() != static_cast<std::streamsize>(bytes.size()))
    throw Error(SourceLocation::at_offset(name, in.gcount()), "read error (file shrank while reading?)");
  return read_dat(bytes, name);
}

}  // namespace rnnconf::nnef

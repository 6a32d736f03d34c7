// Writing NNEF .dat tensor files: header layout of nnef_format.md §4, the
// default encoding per dtype, and exact conversions to other encodings.
#include <bit>
#include <cmath>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "half_float.hpp"
#include "le_bytes.hpp"
#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::nnef {
namespace {

using detail::store_le;

[[noreturn]] void fail(std::string message) { throw Error("write_dat: " + std::move(message)); }

std::string encoding_str(DatEncoding e) {
  return fmt::format("(code {}, {} bits)", static_cast<uint32_t>(e.code), e.bits);
}

// Which encodings a dtype may be written with.
void check_encoding(DType dtype, DatEncoding e) {
  const uint32_t b = e.bits;
  const bool int_bits = b == 8 || b == 16 || b == 32 || b == 64;
  bool ok = false;
  switch (dtype) {
    case DType::f32: ok = e.code == DatCode::ieee_float && (b == 16 || b == 32 || b == 64); break;
    case DType::f64: ok = e.code == DatCode::ieee_float && (b == 16 || b == 32 || b == 64); break;
    case DType::i64:
      ok = (e.code == DatCode::unsigned_int || e.code == DatCode::quantized_unsigned ||
            e.code == DatCode::quantized_signed || e.code == DatCode::signed_int) &&
           int_bits;
      break;
    case DType::boolean: ok = e.code == DatCode::boolean && (b == 1 || b == 8); break;
  }
  if (!ok) fail(fmt::format("cannot write a {} tensor with encoding {}", dtype_name(dtype), encoding_str(e)));
}

void put_float(std::byte* p, uint32_t bits, double v, size_t index) {
  if (bits == 64) {
    store_le<uint64_t>(p, std::bit_cast<uint64_t>(v));
    return;
  }
  const auto f = static_cast<float>(v);
  if (!(static_cast<double>(f) == v) && !std::isnan(v))
    fail(fmt::format("item {} = {} is not exactly representable in f32", index, v));
  if (bits == 32) {
    store_le<uint32_t>(p, std::bit_cast<uint32_t>(f));
    return;
  }
  const auto h = detail::float_to_half_exact(f);
  if (!h) fail(fmt::format("item {} = {} is not exactly representable in f16", index, v));
  store_le<uint16_t>(p, *h);
}

void put_int(std::byte* p, DatEncoding e, int64_t v, size_t index) {
  const bool is_unsigned = e.code == DatCode::unsigned_int || e.code == DatCode::quantized_unsigned;
  const uint32_t bits = e.bits;
  if (is_unsigned) {
    const uint64_t max = bits == 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
    if (v < 0 || static_cast<uint64_t>(v) > max)
      fail(fmt::format("item {} = {} does not fit in a {}-bit unsigned int", index, v, bits));
  } else if (bits < 64) {
    const int64_t lim = int64_t{1} << (bits - 1);
    if (v < -lim || v >= lim) fail(fmt::format("item {} = {} does not fit in a {}-bit signed int", index, v, bits));
  }
  const auto u = static_cast<uint64_t>(v);
  switch (bits) {
    case 8: store_le<uint8_t>(p, static_cast<uint8_t>(u)); break;
    case 16: store_le<uint16_t>(p, static_cast<uint16_t>(u)); break;
    case 32: store_le<uint32_t>(p, static_cast<uint32_t>(u)); break;
    default: store_le<uint64_t>(p, u); break;
  }
}

}  // namespace

DatEncoding default_encoding(DType dtype) {
  switch (dtype) {
    case DType::f32: return {DatCode::ieee_float, 32};
    case DType::f64: return {DatCode::ieee_float, 64};
    case DType::i64: return {DatCode::signed_int, 64};
    case DType::boolean: return {DatCode::boolean, 1};
  }
  return {};
}

std::vector<std::byte> write_dat(const Tensor& t, std::optional<DatEncoding> encoding) {
  const DatEncoding e = encoding.value_or(default_encoding(t.dtype()));
  check_encoding(t.dtype(), e);
  if (t.rank() > kMaxRank) fail(fmt::format("rank {} exceeds the maximum of {}", t.rank(), kMaxRank));
  for (int64_t extent : t.shape())
    if (extent < 0 || extent > static_cast<int64_t>(std::numeric_limits<uint32_t>::max()))
      fail(fmt::format("extent {} of shape {} does not fit in the u32 header field", extent, shape_str(t.shape())));
  const auto n = static_cast<uint64_t>(t.numel());
  const uint64_t data_length = (n * e.bits + 7) / 8;
  if (data_length > std::numeric_limits<uint32_t>::max())
    fail(fmt::format("{} bytes of data do not fit in the u32 data_length field", data_length));

  std::vector<std::byte> out(kDatHeaderSize + data_length, std::byte{0});
  std::byte* h = out.data();
  h[0] = std::byte{0x4E};
  h[1] = std::byte{0xEF};
  h[2] = std::byte{1};
  h[3] = std::byte{0};
  store_le<uint32_t>(h + 4, static_cast<uint32_t>(data_length));
  store_le<uint32_t>(h + 8, static_cast<uint32_t>(t.rank()));
  for (size_t i = 0; i < t.shape().size(); ++i) store_le<uint32_t>(h + 12 + 4 * i, static_cast<uint32_t>(t.shape()[i]));
  store_le<uint32_t>(h + 44, e.bits);
  store_le<uint32_t>(h + 48, static_cast<uint32_t>(e.code));  // vendor 0; bytes 52..127 stay 0

  std::byte* d = out.data() + kDatHeaderSize;
  const size_t w = e.bits / 8;
  switch (t.dtype()) {
    case DType::f32: {
      const auto s = t.span<const float>();
      // f32 -> f32 and f32 -> f16 work on the bits, so NaN payloads (even
      // signalling ones, which a trip through double would quiet) are kept.
      for (size_t i = 0; i < s.size(); ++i) {
        if (e.bits == 32) {
          store_le<uint32_t>(d + 4 * i, std::bit_cast<uint32_t>(s[i]));
        } else if (e.bits == 16) {
          const auto h16 = detail::float_to_half_exact(s[i]);
          if (!h16) fail(fmt::format("item {} = {} is not exactly representable in f16", i, s[i]));
          store_le<uint16_t>(d + 2 * i, *h16);
        } else {
          put_float(d + w * i, e.bits, static_cast<double>(s[i]), i);
        }
      }
      break;
    }
    case DType::f64: {
      const auto s = t.span<const double>();
      for (size_t i = 0; i < s.size(); ++i) put_float(d + w * i, e.bits, s[i], i);
      break;
    }
    case DType::i64: {
      const auto s = t.span<const int64_t>();
      for (size_t i = 0; i < s.size(); ++i) put_int(d + w * i, e, s[i], i);
      break;
    }
    case DType::boolean: {
      const auto s = t.span<const bool>();
      for (size_t i = 0; i < s.size(); ++i) {
        if (e.bits == 8)
          d[i] = std::byte{static_cast<unsigned char>(s[i] ? 1 : 0)};
        else if (s[i])
          d[i / 8] |= std::byte{static_cast<unsigned char>(0x80u >> (i % 8))};
      }
      break;
    }
  }
  return out;
}

void write_dat_file(const std::filesystem::path& path, const Tensor& tensor, std::optional<DatEncoding> encoding) {
  const auto bytes = write_dat(tensor, encoding);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(SourceLocation::in_file(path.string()), "cannot open for writing");
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!out.flush()) throw Error(SourceLocation::in_file(path.string()), "write error");
}

}  // namespace rnnconf::nnef

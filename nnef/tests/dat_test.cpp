// Tests of nnef/dat.hpp: round trips for every dtype and shape (rank 0, empty,
// rank 8), the exact byte layout, every readable encoding, and malformed files
// (nnef_format.md §6 items 6-14), each error naming the file, offset and problem.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>

#include <unistd.h>

#include "rnnconf/nnef/dat.hpp"

namespace rnnconf::nnef {
namespace {

using Bytes = std::vector<std::byte>;

void put_u32(Bytes& b, size_t off, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[off + i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFu);
}

// A header with the given fields followed by `data_bytes` bytes of `fill`.
Bytes make_file(std::vector<uint32_t> extents, uint32_t bits, uint32_t item_type, uint32_t data_length,
                size_t data_bytes, std::byte fill = std::byte{0}) {
  Bytes b(128 + data_bytes, fill);
  std::memset(b.data(), 0, 128);
  b[0] = std::byte{0x4E};
  b[1] = std::byte{0xEF};
  b[2] = std::byte{1};
  put_u32(b, 4, data_length);
  put_u32(b, 8, static_cast<uint32_t>(extents.size()));
  for (size_t i = 0; i < extents.size() && i < 8; ++i) put_u32(b, 12 + 4 * i, extents[i]);
  put_u32(b, 44, bits);
  put_u32(b, 48, item_type);
  return b;
}

// Asserts that `f` throws rnnconf::Error whose text contains every needle.
void expect_error(const std::function<void()>& f, const std::vector<std::string>& needles) {
  try {
    f();
    ADD_FAILURE() << "no error thrown; expected one containing '" << needles.front() << "'";
  } catch (const Error& e) {
    for (const auto& n : needles) EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << "missing '" << n << "' in: " << e.what();
  }
}

void expect_dat_error(const Bytes& b, const std::vector<std::string>& needles) {
  expect_error([&] { (void)read_dat(b, "x.dat"); }, needles);
}

template <class T>
void round_trip(const Shape& shape, const std::vector<T>& values) {
  const Tensor t = Tensor::from<T>(shape, values);
  const Bytes b = write_dat(t);
  EXPECT_EQ(b.size(), 128 + (dtype_of<T>() == DType::boolean ? (values.size() + 7) / 8 : values.size() * sizeof(T)));
  const Tensor back = read_dat(b, "rt.dat");
  EXPECT_EQ(back.dtype(), t.dtype());
  EXPECT_EQ(back.shape(), t.shape());
  EXPECT_TRUE(back == t) << shape_str(shape);
}

TEST(DatRoundTrip, F32AllShapes) {
  round_trip<float>({}, {3.5f});
  round_trip<float>({0}, {});
  round_trip<float>({2, 0, 3}, {});
  round_trip<float>({3}, {1.0f, -2.0f, 0.25f});
  round_trip<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  round_trip<float>({1, 2, 1, 2, 1, 2, 1, 2}, std::vector<float>(16, 0.5f));
  const float nan_payload = std::bit_cast<float>(0x7FC12345u);
  round_trip<float>({6}, {-0.0f, std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(),
                          nan_payload, std::numeric_limits<float>::denorm_min(), std::numeric_limits<float>::max()});
}

TEST(DatRoundTrip, F64I64Bool) {
  round_trip<double>({}, {0.1});
  round_trip<double>({2, 2}, {1e300, -0.0, std::bit_cast<double>(0x7FF0000000000ABCull), 5e-324});
  round_trip<int64_t>({}, {-7});
  round_trip<int64_t>({0, 4}, {});
  round_trip<int64_t>({3}, {std::numeric_limits<int64_t>::min(), 0, std::numeric_limits<int64_t>::max()});
  round_trip<bool>({}, {true});
  round_trip<bool>({0}, {});
  for (size_t n : {1u, 7u, 8u, 9u, 17u}) {
    std::vector<bool> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = (i * 7 + 3) % 3 == 0;
    round_trip<bool>({static_cast<int64_t>(n)}, v);
  }
}

TEST(DatLayout, SpecExampleF32) {
  const Tensor t = Tensor::from<float>({1, 1, 4}, {1, 2, 3, 4});
  const Bytes b = write_dat(t);
  ASSERT_EQ(b.size(), 144u);
  const Bytes expected_head = make_file({1, 1, 4}, 32, 0, 16, 0);
  EXPECT_TRUE(std::equal(expected_head.begin(), expected_head.end(), b.begin()));
  EXPECT_EQ(b[128 + 3], std::byte{0x3F});  // 1.0f = 00 00 80 3F
  EXPECT_EQ(b[128 + 2], std::byte{0x80});
}

TEST(DatLayout, DefaultEncodings) {
  EXPECT_EQ(default_encoding(DType::f32), (DatEncoding{DatCode::ieee_float, 32}));
  EXPECT_EQ(default_encoding(DType::f64), (DatEncoding{DatCode::ieee_float, 64}));
  EXPECT_EQ(default_encoding(DType::i64), (DatEncoding{DatCode::signed_int, 64}));
  EXPECT_EQ(default_encoding(DType::boolean), (DatEncoding{DatCode::boolean, 1}));
}

TEST(DatLayout, BoolIsPackedMsbFirst) {
  const Bytes b = write_dat(Tensor::from<bool>({10}, {true, false, false, false, false, false, false, true, false, true}));
  ASSERT_EQ(b.size(), 130u);
  EXPECT_EQ(b[128], std::byte{0x81});
  EXPECT_EQ(b[129], std::byte{0x40});
}

TEST(DatRead, HalfFloatWidensExactly) {
  Bytes b = make_file({6}, 16, 0, 12, 12);
  const uint16_t halves[6] = {0x3C00, 0x0001, 0x7BFF, 0xFC00, 0x8000, 0x3555};
  for (size_t i = 0; i < 6; ++i) {
    b[128 + 2 * i] = static_cast<std::byte>(halves[i] & 0xFF);
    b[129 + 2 * i] = static_cast<std::byte>(halves[i] >> 8);
  }
  const Tensor t = read_dat(b, "h.dat");
  ASSERT_EQ(t.dtype(), DType::f32);
  const auto v = t.span<const float>();
  EXPECT_EQ(v[0], 1.0f);
  EXPECT_EQ(v[1], std::ldexp(1.0f, -24));
  EXPECT_EQ(v[2], 65504.0f);
  EXPECT_EQ(v[3], -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::signbit(v[4]) && v[4] == 0.0f);
  EXPECT_EQ(v[5], 0.333251953125f);
}

TEST(DatRead, IntegerCodesAndWidths) {
  // (code, bits, raw bytes of one item, expected value)
  struct Case { uint32_t code, bits; std::vector<uint8_t> raw; int64_t want; };
  const std::vector<Case> cases = {
      {1, 8, {0xFF}, 255},           {4, 8, {0xFF}, -1},
      {2, 16, {0xFF, 0xFF}, 65535},  {3, 16, {0xFE, 0xFF}, -2},
      {3, 32, {0, 0, 0, 0x80}, std::numeric_limits<int32_t>::min()},
      {4, 64, {1, 0, 0, 0, 0, 0, 0, 0x80}, std::numeric_limits<int64_t>::min() + 1},
      {1, 64, {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, std::numeric_limits<int64_t>::max()},
      {1, 32, {0xFF, 0xFF, 0xFF, 0xFF}, 4294967295},
  };
  for (const auto& c : cases) {
    Bytes b = make_file({1}, c.bits, c.code, c.bits / 8, c.bits / 8);
    for (size_t i = 0; i < c.raw.size(); ++i) b[128 + i] = std::byte{c.raw[i]};
    const Tensor t = read_dat(b, "i.dat");
    ASSERT_EQ(t.dtype(), DType::i64);
    EXPECT_EQ(t.span<const int64_t>()[0], c.want) << "code " << c.code << " bits " << c.bits;
  }
}

TEST(DatRead, LegacyUnsignedWithQuantWordIsSigned) {
  Bytes b = make_file({2}, 8, 1, 2, 2, std::byte{0xFF});
  put_u32(b, 52, 1);
  const Tensor t = read_dat(b, "legacy.dat");
  EXPECT_EQ(t.span<const int64_t>()[0], -1);
}

TEST(DatRead, EightBitBoolNonzeroIsTrue) {
  Bytes b = make_file({3}, 8, 5, 3, 3);
  b[128] = std::byte{0};
  b[129] = std::byte{2};
  b[130] = std::byte{0xFF};
  const Tensor t = read_dat(b, "b8.dat");
  ASSERT_EQ(t.dtype(), DType::boolean);
  EXPECT_EQ(t.span<const bool>()[0], false);
  EXPECT_EQ(t.span<const bool>()[1], true);
  EXPECT_EQ(t.span<const bool>()[2], true);
}

TEST(DatRead, HeaderReportsEncoding) {
  const DatHeader h = read_dat_header(make_file({2, 3}, 16, 3, 12, 12), "q.dat");
  EXPECT_EQ(h.shape, (Shape{2, 3}));
  EXPECT_EQ(h.encoding, (DatEncoding{DatCode::quantized_signed, 16}));
  EXPECT_EQ(h.dtype(), DType::i64);
}

TEST(DatWrite, ExplicitEncodingsRoundTrip) {
  const Tensor f = Tensor::from<float>({3}, {1.0f, -0.5f, 65504.0f});
  EXPECT_TRUE(read_dat(write_dat(f, DatEncoding{DatCode::ieee_float, 16}), "f16") == f);
  EXPECT_TRUE(read_dat(write_dat(f, DatEncoding{DatCode::ieee_float, 64}), "f64").cast(DType::f32) == f);
  const Tensor i = Tensor::from<int64_t>({3}, {-128, 0, 127});
  for (uint32_t bits : {8u, 16u, 32u, 64u})
    for (DatCode c : {DatCode::signed_int, DatCode::quantized_signed})
      EXPECT_TRUE(read_dat(write_dat(i, DatEncoding{c, bits}), "i") == i) << bits;
  const Tensor u = Tensor::from<int64_t>({2}, {0, 255});
  EXPECT_TRUE(read_dat(write_dat(u, DatEncoding{DatCode::unsigned_int, 8}), "u8") == u);
  const Tensor bb = Tensor::from<bool>({3}, {true, false, true});
  const Bytes b8 = write_dat(bb, DatEncoding{DatCode::boolean, 8});
  EXPECT_EQ(b8.size(), 131u);
  EXPECT_TRUE(read_dat(b8, "b8") == bb);
}

TEST(DatWrite, HalfNanPayloadsSurviveReadWrite) {
  // Signalling NaN 0xFD38 (found by fuzz_dat): a trip through double would quiet it.
  Bytes b = make_file({2}, 16, 0, 4, 4);
  b[128] = std::byte{0x38};
  b[129] = std::byte{0xFD};
  b[130] = std::byte{0x01};
  b[131] = std::byte{0x7E};
  const Tensor t = read_dat(b, "nan.dat");
  EXPECT_EQ(write_dat(t, DatEncoding{DatCode::ieee_float, 16}), b);
}

TEST(DatWrite, RefusesInexactOrInvalidEncodings) {
  expect_error([] { (void)write_dat(Tensor::from<float>({1}, {0.1f}), DatEncoding{DatCode::ieee_float, 16}); },
               {"item 0", "not exactly representable in f16"});
  expect_error([] { (void)write_dat(Tensor::from<int64_t>({2}, {1, 300}), DatEncoding{DatCode::signed_int, 8}); },
               {"item 1 = 300", "8-bit signed"});
  expect_error([] { (void)write_dat(Tensor::from<int64_t>({1}, {-1}), DatEncoding{DatCode::unsigned_int, 64}); },
               {"item 0 = -1", "unsigned"});
  expect_error([] { (void)write_dat(Tensor::from<float>({1}, {1.0f}), DatEncoding{DatCode::signed_int, 32}); },
               {"cannot write a f32 tensor"});
  expect_error([] { (void)write_dat(Tensor(DType::f32, Shape(9, 1))); }, {"rank 9"});
}

// ---- malformed files (§6 items 6-14) ----

TEST(DatMalformed, ShorterThanHeader) {
  expect_dat_error(Bytes(10, std::byte{0}), {"x.dat@10:", "10 bytes", "128-byte header"});
  expect_dat_error(Bytes{}, {"x.dat@0:", "0 bytes"});
}

TEST(DatMalformed, BadMagic) {
  Bytes b = make_file({1}, 32, 0, 4, 4);
  b[1] = std::byte{0xEE};
  expect_dat_error(b, {"x.dat@0:", "bad magic 4E EE", "expected 4E EF"});
}

TEST(DatMalformed, BadVersion) {
  Bytes b = make_file({1}, 32, 0, 4, 4);
  b[3] = std::byte{1};
  expect_dat_error(b, {"x.dat@2:", "version 1.1", "expected 1.0"});
  b[2] = std::byte{2};
  b[3] = std::byte{0};
  expect_dat_error(b, {"x.dat@2:", "version 2.0"});
}

TEST(DatMalformed, RankAboveEight) {
  Bytes b = make_file({}, 32, 0, 4, 4);
  put_u32(b, 8, 9);
  expect_dat_error(b, {"x.dat@8:", "rank 9", "maximum of 8"});
}

TEST(DatMalformed, VolumeOverflowAndCap) {
  expect_dat_error(make_file({2, 0xFFFFFFFF, 0xFFFFFFFF}, 32, 0, 0, 0), {"x.dat@16:", "axis 1", "exceed the cap"});
  expect_dat_error(make_file({65536, 65536}, 8, 5, 0, 0), {"x.dat@16:", "exceed the cap"});
}

TEST(DatMalformed, NonzeroUnusedExtent) {
  Bytes b = make_file({2}, 32, 0, 8, 8);
  put_u32(b, 16, 5);
  expect_dat_error(b, {"x.dat@16:", "unused extent 1", "expected 0"});
}

TEST(DatMalformed, DataLengthMismatch) {
  expect_dat_error(make_file({2, 3}, 32, 0, 40, 40), {"x.dat@4: data_length 40 but shape [2, 3] of f32 needs 24 bytes"});
  expect_dat_error(make_file({9}, 1, 5, 1, 1), {"x.dat@4:", "data_length 1", "needs 2 bytes"});
}

TEST(DatMalformed, TruncatedData) {
  expect_dat_error(make_file({2, 3}, 32, 0, 24, 20), {"x.dat@148:", "truncated", "152"});
}

TEST(DatMalformed, TrailingBytes) {
  // The "4 stray bytes" of old exporters.
  expect_dat_error(make_file({2}, 32, 0, 8, 12), {"x.dat@136:", "4 trailing bytes"});
}

TEST(DatMalformed, UnknownCodeOrVendor) {
  expect_dat_error(make_file({1}, 32, 6, 4, 4), {"x.dat@48:", "unknown item type code 6"});
  expect_dat_error(make_file({1}, 32, 0x54520000u, 4, 4), {"x.dat@50:", "vendor 0x5452", "tract"});
  expect_dat_error(make_file({1}, 32, 0x00010000u, 4, 4), {"x.dat@50:", "vendor 0x0001"});
}

TEST(DatMalformed, BitsInvalidForCode) {
  expect_dat_error(make_file({1}, 8, 0, 1, 1), {"x.dat@44:", "bits_per_item 8", "float"});
  expect_dat_error(make_file({2}, 4, 5, 1, 1), {"x.dat@44:", "bits_per_item 4", "bool"});
  expect_dat_error(make_file({1}, 0, 4, 0, 0), {"x.dat@44:", "bits_per_item 0", "signed int"});
  expect_dat_error(make_file({1}, 65, 1, 9, 9), {"x.dat@44:", "bits_per_item 65", "unsigned int"});
  expect_dat_error(make_file({2}, 12, 3, 3, 3), {"x.dat@44:", "bits_per_item 12"});
}

TEST(DatMalformed, UnsignedAboveInt64Max) {
  Bytes b = make_file({2}, 64, 1, 16, 16);
  for (size_t i = 136; i < 144; ++i) b[i] = std::byte{0xFF};
  expect_dat_error(b, {"x.dat@136:", "18446744073709551615", "item 1", "int64"});
}

TEST(DatFile, MissingFileAndDirectory) {
  expect_error([] { (void)read_dat_file("/nonexistent/none.dat"); }, {"/nonexistent/none.dat", "no such tensor file"});
  expect_error([] { (void)read_dat_file("/tmp"); }, {"/tmp", "not a regular file"});
}

TEST(DatFile, WriteThenReadFile) {
  const auto p = std::filesystem::temp_directory_path() / ("rnnconf_dat_test_" + std::to_string(::getpid()) + ".dat");
  const Tensor t = Tensor::from<double>({2}, {1.5, -2.25});
  write_dat_file(p, t);
  EXPECT_TRUE(read_dat_file(p) == t);
  std::filesystem::remove(p);
}

}  // namespace
}  // namespace rnnconf::nnef

// Tests of parse_byte_size (--max-memory values) and format_bytes.
#include "rnnconf/core/byte_size.hpp"

#include <gtest/gtest.h>

#include <string>

#include "rnnconf/core/error.hpp"

namespace rnnconf {
namespace {

TEST(ByteSize, ParsesBytesAndBinaryUnits) {
  EXPECT_EQ(parse_byte_size("1"), 1);
  EXPECT_EQ(parse_byte_size("1048576"), 1048576);
  EXPECT_EQ(parse_byte_size("4096B"), 4096);
  EXPECT_EQ(parse_byte_size("512M"), int64_t{512} << 20);
  EXPECT_EQ(parse_byte_size("512m"), int64_t{512} << 20);
  EXPECT_EQ(parse_byte_size("512MB"), int64_t{512} << 20);
  EXPECT_EQ(parse_byte_size("2G"), int64_t{2} << 30);
  EXPECT_EQ(parse_byte_size("1.5GiB"), int64_t{3} << 29);
  EXPECT_EQ(parse_byte_size("0.5k"), 512);
  EXPECT_EQ(parse_byte_size("3T"), int64_t{3} << 40);
  EXPECT_EQ(parse_byte_size("1.0"), 1);
  EXPECT_EQ(parse_byte_size("4194304T"), int64_t{1} << 62);  // the largest accepted
}

TEST(ByteSize, RefusesGarbageNamingIt) {
  for (const char* bad : {"", "M", "-1", "-1G", "0", "0M", "1.5", "12X", "1.2.3G", ".5G", "1.G", "1 G", "G1",
                          "99999999999999999999", "8E", "4194305T", "nan", "2Gx"}) {
    try {
      (void)parse_byte_size(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("bad size '" + std::string(bad) + "'"), std::string::npos) << msg;
      EXPECT_NE(msg.find("512M, 2G, 1.5GiB"), std::string::npos) << msg;
    }
  }
}

TEST(ByteSize, Formats) {
  EXPECT_EQ(format_bytes(0), "0 bytes");
  EXPECT_EQ(format_bytes(1), "1 byte");
  EXPECT_EQ(format_bytes(1023), "1023 bytes");
  EXPECT_EQ(format_bytes(1024), "1.0 KiB");
  EXPECT_EQ(format_bytes(int64_t{512} << 20), "512.0 MiB");
  EXPECT_EQ(format_bytes(int64_t{3} << 29), "1.5 GiB");
  EXPECT_EQ(format_bytes(int64_t{2} << 40), "2.0 TiB");
}

}  // namespace
}  // namespace rnnconf

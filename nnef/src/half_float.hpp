// IEEE binary16 <-> binary32 conversion (private to the .dat reader and writer).
// half_to_float is exact for every input, NaN payloads included (shifted into
// the top of the f32 mantissa); float_to_half_exact succeeds only when the f32
// value is representable as a half without rounding.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>

namespace rnnconf::nnef::detail {

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1Fu;
  uint32_t mant = h & 0x3FFu;
  uint32_t bits = 0;
  if (exp == 0x1F) {
    bits = sign | 0x7F800000u | (mant << 13);  // inf or NaN, payload kept
  } else if (exp != 0) {
    bits = sign | ((exp + 112u) << 23) | (mant << 13);  // 127 - 15 = 112
  } else if (mant == 0) {
    bits = sign;  // signed zero
  } else {
    // Subnormal half: normalise. value = mant * 2^-24.
    int e = -1;
    do {
      mant <<= 1;
      ++e;
    } while ((mant & 0x400u) == 0);
    mant &= 0x3FFu;
    bits = sign | (static_cast<uint32_t>(112 - e) << 23) | (mant << 13);
  }
  return std::bit_cast<float>(bits);
}

inline std::optional<uint16_t> float_to_half_exact(float f) {
  const uint32_t bits = std::bit_cast<uint32_t>(f);
  const auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  const uint32_t exp = (bits >> 23) & 0xFFu;
  const uint32_t mant = bits & 0x7FFFFFu;
  if (exp == 0xFF) {
    if (mant == 0) return static_cast<uint16_t>(sign | 0x7C00u);
    if ((mant & 0x1FFFu) != 0) return std::nullopt;  // NaN payload would be cut
    return static_cast<uint16_t>(sign | 0x7C00u | (mant >> 13));
  }
  if (exp == 0 && mant == 0) return sign;
  if (exp == 0) return std::nullopt;  // f32 subnormals are far below the half range
  const int e = static_cast<int>(exp) - 127;
  if (e > 15) return std::nullopt;
  if (e >= -14) {
    if ((mant & 0x1FFFu) != 0) return std::nullopt;
    return static_cast<uint16_t>(sign | static_cast<uint32_t>(e + 15) << 10 | (mant >> 13));
  }
  // Half subnormal: value = m * 2^-24 with m < 1024.
  if (e < -24) return std::nullopt;
  const uint32_t full = mant | 0x800000u;        // 1.mant * 2^23
  const int shift = 13 + (-14 - e);              // bits dropped
  if ((full & ((1u << shift) - 1u)) != 0) return std::nullopt;
  return static_cast<uint16_t>(sign | (full >> shift));
}

}  // namespace rnnconf::nnef::detail

// Little-endian loads and stores on byte buffers, independent of the host byte
// order (private to the .dat reader and writer).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rnnconf::nnef::detail {

template <class U>
inline U load_le(const std::byte* p) {
  U v = 0;
  for (size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>(v | (static_cast<U>(p[i]) << (8 * i)));
  return v;
}

template <class U>
inline void store_le(std::byte* p, U v) {
  for (size_t i = 0; i < sizeof(U); ++i) p[i] = static_cast<std::byte>((v >> (8 * i)) & 0xFFu);
}

}  // namespace rnnconf::nnef::detail

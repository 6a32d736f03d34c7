// libFuzzer target: read_dat on arbitrary bytes must either throw rnnconf::Error
// or return a tensor that survives write_dat -> read_dat unchanged (bitwise),
// both with the default encoding and with the file's own encoding.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rnnconf/nnef/dat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rnnconf;
  const std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
  Tensor t;
  nnef::DatHeader h;
  try {
    h = nnef::read_dat_header(bytes, "fuzz.dat");
    t = nnef::read_dat(bytes, "fuzz.dat");
  } catch (const Error&) {
    return 0;  // refused with a located error: fine
  }
  // Whatever was accepted must round-trip exactly.
  const Tensor again = nnef::read_dat(nnef::write_dat(t), "again.dat");
  if (!(again == t)) std::abort();
  // Re-encoding with the file's own encoding reproduces the tensor too (f16 and
  // narrow ints hold exactly what they decoded to).
  // A legacy file (code 1 + nonzero word at 52) holds signed ints.
  nnef::DatEncoding own = h.encoding;
  if (h.legacy_signed) own.code = nnef::DatCode::signed_int;
  const Tensor same = nnef::read_dat(nnef::write_dat(t, own), "same.dat");
  if (!(same == t)) std::abort();
  return 0;
}

// NNEF tensor files (.dat, nnef_format.md §4): a 128-byte little-endian header
// followed by row-major data. Reading accepts every encoding the Khronos tools,
// tract and torch_to_nnef write; writing uses one encoding per dtype that both
// the Khronos `nnef` package and tract read (see default_encoding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rnnconf/core/tensor.hpp"

namespace rnnconf::nnef {

inline constexpr size_t kDatHeaderSize = 128;

// item_type codes of vendor 0 (Khronos).
enum class DatCode : uint32_t {
  ieee_float = 0,
  unsigned_int = 1,
  quantized_unsigned = 2,  // tract/torch_to_nnef write plain unsigned ints with this code
  quantized_signed = 3,    // tract/torch_to_nnef write plain signed ints with this code
  signed_int = 4,
  boolean = 5,
};

// How the items are stored in a file: code and bits_per_item.
struct DatEncoding {
  DatCode code = DatCode::ieee_float;
  uint32_t bits = 32;
  friend bool operator==(const DatEncoding&, const DatEncoding&) = default;
};

// The encoding write_dat uses when none is given:
//   f32 -> (0, 32), f64 -> (0, 64), i64 -> (4, 64), bool -> (5, 1) bit-packed.
// Khronos `nnef.read_tensor` knows (5, 1) but not (5, 8), and it reads codes 2/3 as
// "quantized"; tract reads all four. See nnef/README.md.
DatEncoding default_encoding(DType dtype);

// Decoded header fields, validated against the byte count of the file.
struct DatHeader {
  Shape shape;
  DatEncoding encoding;
  bool legacy_signed = false;  // code 1 with a nonzero word at offset 52: signed ints
  uint32_t data_length = 0;
  DType dtype() const;         // the Tensor dtype the data decodes to
};

// Parses and checks the header of a whole file (`bytes` is all of it: sizes are
// checked too). Throws rnnconf::Error "name@offset: what was expected".
DatHeader read_dat_header(std::span<const std::byte> bytes, const std::string& name_for_errors);

// Decodes a whole .dat file. f16 widens to f32 exactly; integers of every width
// and signedness (codes 1-4) become i64 (u64 above INT64_MAX is refused); 1- and
// 8-bit bools become boolean.
Tensor read_dat(std::span<const std::byte> bytes, const std::string& name_for_errors);

// Reads `path` (refusing files larger than the biggest tensor allowed) and decodes it.
Tensor read_dat_file(const std::filesystem::path& path);

// Encodes `tensor`. With an explicit encoding the values must be representable
// exactly (f32 -> f16, i64 -> int32, ...), else Error. Rank <= 8 and extents < 2^32.
std::vector<std::byte> write_dat(const Tensor& tensor, std::optional<DatEncoding> encoding = std::nullopt);
void write_dat_file(const std::filesystem::path& path, const Tensor& tensor,
                    std::optional<DatEncoding> encoding = std::nullopt);

}  // namespace rnnconf::nnef

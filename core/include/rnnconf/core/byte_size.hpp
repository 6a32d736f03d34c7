// Byte counts as people write and read them: parse_byte_size for options such
// as `--max-memory 512M` and format_bytes for messages ("2.0 GiB").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace rnnconf {

// A positive byte count: plain bytes ("1048576", "4096B") or a number with a
// binary unit K, M, G, T (also written KB/KiB, MB/MiB, ...; case-insensitive;
// all are powers of 1024, as in docker and ulimit): "512M", "2G", "1.5GiB".
// A fraction is allowed with a unit and rounded down to whole bytes. Throws
// rnnconf::Error naming the text for anything else (empty, negative, zero,
// garbage, an unknown unit, a fraction of a byte, more than 2^62 bytes).
int64_t parse_byte_size(std::string_view text);

// "17 bytes", "1.0 KiB", "512.0 MiB", "2.0 GiB", "1.5 TiB" (one decimal; the
// largest binary unit the value reaches).
std::string format_bytes(int64_t bytes);

}  // namespace rnnconf

// dat_tool: command-line access to nnef/dat.hpp for the Python cross-checks.
//   dat_tool read FILE                  dtype, shape, then one element per line:
//                                       floats as the hex bit pattern of their
//                                       f32/f64 value (exact, NaN payloads too),
//                                       ints in decimal, bools as 0/1
//   dat_tool copy IN OUT [CODE:BITS]    read IN, write OUT (default encoding, or
//                                       the given item-type code and bits)
// Errors go to stderr with exit status 1.
#include <bit>
#include <cstdio>
#include <optional>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "rnnconf/nnef/dat.hpp"

namespace {

using namespace rnnconf;

void print_tensor(const Tensor& t) {
  fmt::print("dtype {}\n", dtype_name(t.dtype()));
  std::string shape = "shape";
  for (int64_t d : t.shape()) shape += " " + std::to_string(d);
  fmt::print("{}\n", shape);
  switch (t.dtype()) {
    case DType::f32:
      for (float v : t.span<const float>()) fmt::print("{:08x}\n", std::bit_cast<uint32_t>(v));
      break;
    case DType::f64:
      for (double v : t.span<const double>()) fmt::print("{:016x}\n", std::bit_cast<uint64_t>(v));
      break;
    case DType::i64:
      for (int64_t v : t.span<const int64_t>()) fmt::print("{}\n", v);
      break;
    case DType::boolean:
      for (bool v : t.span<const bool>()) fmt::print("{}\n", v ? 1 : 0);
      break;
  }
}

nnef::DatEncoding parse_encoding(const std::string& s) {
  const auto colon = s.find(':');
  if (colon == std::string::npos) throw Error("encoding '" + s + "': expected CODE:BITS, e.g. 4:32");
  return nnef::DatEncoding{static_cast<nnef::DatCode>(std::stoul(s.substr(0, colon))),
                           static_cast<uint32_t>(std::stoul(s.substr(colon + 1)))};
}

int usage() {
  std::fputs("usage: dat_tool read FILE | dat_tool copy IN OUT [CODE:BITS]\n", stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    if (argc >= 3 && std::strcmp(argv[1], "read") == 0 && argc == 3) {
      print_tensor(nnef::read_dat_file(argv[2]));
      return 0;
    }
    if (argc >= 4 && std::strcmp(argv[1], "copy") == 0 && argc <= 5) {
      const Tensor t = nnef::read_dat_file(argv[2]);
      std::optional<nnef::DatEncoding> enc;
      if (argc == 5) enc = parse_encoding(argv[4]);
      nnef::write_dat_file(argv[3], t, enc);
      return 0;
    }
    return usage();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dat_tool: %s\n", e.what());
    return 1;
  }
}

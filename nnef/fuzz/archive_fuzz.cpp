// libFuzzer target: open_model_archive_bytes on arbitrary bytes (tar or
// gzip-tar, in memory) must either throw rnnconf::Error or give a model whose
// .dat members each decode or throw Error. Small caps keep a gzip bomb from
// exceeding libFuzzer's memory limit; they are part of what is tested.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/dat.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace rnnconf;
  nnef::ArchiveLimits limits;
  limits.max_entries = 1000;
  limits.max_member_bytes = 16 << 20;
  limits.max_total_bytes = 64 << 20;
  limits.max_archive_file_bytes = 64 << 20;
  limits.max_graph_bytes = 4 << 20;
  nnef::ModelFiles m;
  try {
    m = nnef::open_model_archive_bytes(std::span(reinterpret_cast<const std::byte*>(data), size), "fuzz.tgz", limits);
  } catch (const Error&) {
    return 0;
  }
  for (const auto& member : nnef::list_dat_members(m)) {
    Tensor t;
    try {
      t = nnef::read_member_tensor(m, member);
    } catch (const Error&) {
      continue;
    }
    // Every accepted member path is a valid label + ".dat", and the label path
    // reads the same tensor.
    const std::string label = member.substr(0, member.size() - 4);
    if (!(nnef::read_variable(m, label, t.shape(), t.dtype()) == t)) std::abort();
  }
  return 0;
}

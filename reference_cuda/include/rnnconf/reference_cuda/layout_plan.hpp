// rnnconf::cuda layout plans: every orchestration op of the exports
// (transpose, slice, concat, tile, reshape, squeeze, unsqueeze, and the
// rnn_bidi_pack fragment) as strided gathers, computed on the host from the
// input shapes and the op's integer attributes. A plan is either an alias
// (the output is input 0's elements under a new shape: reshape, squeeze,
// unsqueeze) or a list of copies, each
//
//   out[dst_offset + Σ_k i_k·dst_stride_k] = in_j[src_offset + Σ_k (i_k mod period_k)·src_stride_k]
//
// over the index space `extents` (period 0 = no modulo; tile uses it). The
// same index arithmetic (gather_source / gather_destination, host and
// device) runs in the CUDA gather kernel and in run_layout_plan_host, which
// the CPU tests compare bit for bit with the CPU interpreter's ops. Pure
// host code: no CUDA runtime call here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rnnconf/core/tensor.hpp"

#if defined(__CUDACC__)
#define RNNCONF_HOST_DEVICE __host__ __device__
#else
#define RNNCONF_HOST_DEVICE
#endif

namespace rnnconf::cuda {

constexpr int kMaxGatherRank = 6;

// One strided copy, padded to kMaxGatherRank axes (leading extents 1).
struct GatherCopy {
  int input = 0;  // which input of the op is read
  int64_t extent[kMaxGatherRank] = {1, 1, 1, 1, 1, 1};
  int64_t src_stride[kMaxGatherRank] = {};
  int64_t period[kMaxGatherRank] = {};  // 0: index used as is
  int64_t dst_stride[kMaxGatherRank] = {};
  int64_t src_offset = 0, dst_offset = 0;
  int64_t count = 0;  // product of the extents
};

// Element `flat` (row-major over the extents) of a copy: where it is read / written.
RNNCONF_HOST_DEVICE inline void gather_offsets(const GatherCopy& c, int64_t flat, int64_t& src, int64_t& dst) {
  src = c.src_offset;
  dst = c.dst_offset;
  for (int k = kMaxGatherRank - 1; k >= 0; --k) {
    const int64_t e = c.extent[k];
    const int64_t i = flat % e;
    flat /= e;
    src += (c.period[k] > 0 ? i % c.period[k] : i) * c.src_stride[k];
    dst += i * c.dst_stride[k];
  }
}

struct LayoutPlan {
  Shape out_shape;
  bool alias = false;               // output = input 0's elements, new shape, nothing copied
  std::vector<GatherCopy> copies;   // together they write every output element once
};

// Integer and integer-list attributes by parameter name (an integer is a list of one).
using LayoutAttributes = std::map<std::string, std::vector<int64_t>>;

// The plan of `op` on inputs of `input_shapes`; nullopt (and `why_not`) when
// the op is not a layout op, its attributes are missing or invalid, or it
// needs more than kMaxGatherRank axes. A caller then runs the op on the CPU,
// which gives the CPU's own result or error text.
std::optional<LayoutPlan> plan_layout_op(const std::string& op, const std::vector<Shape>& input_shapes,
                                         const LayoutAttributes& attributes, std::string& why_not);

// The ops plan_layout_op knows (for messages and tests).
const std::vector<std::string>& layout_op_names();

// Executes a plan on host float arrays (inputs contiguous, row-major; `out`
// holds shape_volume(out_shape) floats). For alias plans it copies input 0.
void run_layout_plan_host(const LayoutPlan& plan, const std::vector<const float*>& inputs, float* out);

}  // namespace rnnconf::cuda

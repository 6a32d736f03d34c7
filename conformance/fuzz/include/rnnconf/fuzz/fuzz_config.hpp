// One configuration of `rnnconf fuzz`: an RnnSpec plus the seed and scales of
// its data, printable as one line that `rnnconf fuzz --replay` reads back
// ("lstm_l2_bidi_bf_nobias_h0_I5H7P3_B3T4/seed=123/w=1/x=4"), the seeded
// generator of such configurations across every axis of RnnSpec, and the
// candidates a failing configuration is shrunk through.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"

namespace rnnconf::fuzz {

struct FuzzConfig {
  RnnSpec spec;
  uint64_t data_seed = 0;    // weights, biases, inputs and initial states
  double weight_scale = 1;   // weights ~ U(-w/sqrt(H), w/sqrt(H)) (w = 1: PyTorch's default)
  double input_scale = 1;    // x ~ U(-x, x); h0, c0 ~ U(-1, 1)
  friend bool operator==(const FuzzConfig&, const FuzzConfig&) = default;
};

// The scales the generator draws from (small, PyTorch's, large; Elman layers
// not the large one: see fuzz_config.cpp).
inline constexpr double kWeightScales[] = {0.25, 1.0, 3.0};
inline constexpr double kInputScales[] = {0.1, 1.0, 4.0};

// Configuration number `index` of the sequence seeded by `seed` (deterministic).
// Sizes I, H in 1..96, proj in 0..H-1, layers 1..4, T 1..40, B 1..8, every
// flag, cells, both entry points (module, aten).
FuzzConfig random_config(uint64_t seed, uint64_t index);

std::string to_line(const FuzzConfig& c);
// Throws rnnconf::Error naming the line and what was expected.
FuzzConfig parse_line(std::string_view line);

// Strictly smaller configurations, most aggressive first (fewer layers, one
// direction, shorter, narrower, no bias/state/projection, default scales).
std::vector<FuzzConfig> shrink_candidates(const FuzzConfig& c);

}  // namespace rnnconf::fuzz

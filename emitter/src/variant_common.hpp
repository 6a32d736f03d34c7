// Helpers shared by the per-variant extraction files (not by the orchestration).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "variant_params.hpp"

namespace rnnconf::emitter::detail {

std::string lower(std::string s);

// "m.l{layer}_{param lowercased}" forward, "m.l{layer}_{reverse_infix}{param}"
// for the reverse direction (the exporter's spelling differs per variant:
// LSTM "back_", GRU/RNN "b").
std::string sequence_label(const DirectionParams& p, const std::string& reverse_infix, const std::string& param);

// Gate `gate` of a stacked [G*H, F] weight as [1, H, F].
Tensor gate_weight(const Tensor& stacked, int gate, int64_t H);
// Gate `gate` of a stacked [G*H] bias as [H] (nullopt when absent).
std::optional<Tensor> gate_bias(const std::optional<Tensor>& stacked, int gate, int64_t H);
// Sum of the present terms as [1, 1, H]; [1, 1] zeros when none is present.
Tensor sequence_bias(const RnnSpec& spec, std::initializer_list<std::optional<Tensor>> terms);

}  // namespace rnnconf::emitter::detail

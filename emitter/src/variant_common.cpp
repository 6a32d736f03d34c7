// Shared pieces of the per-variant extraction: state names, label
// construction, gate blocks and the kind dispatch.
#include "variant_common.hpp"

#include <cctype>

#include "tensor_pieces.hpp"

namespace rnnconf::emitter::detail {

std::vector<std::string> sequence_state_names(const RnnSpec& spec) {
  if (spec.kind == RnnSpec::Kind::lstm) return {"c_0", "h_0"};
  return {"h_0"};
}

std::vector<std::string> cell_state_names(const RnnSpec& spec) {
  if (spec.kind == RnnSpec::Kind::lstm) return {"h_0", "c_0"};
  return {"h_0"};
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string sequence_label(const DirectionParams& p, const std::string& reverse_infix, const std::string& param) {
  return std::string(kModuleLabel) + ".l" + std::to_string(p.layer) + "_" + (p.direction == 1 ? reverse_infix : "") +
         lower(param);
}

Tensor gate_weight(const Tensor& stacked, int gate, int64_t H) {
  return with_leading_ones(rows(stacked, gate * H, H), 1);
}

std::optional<Tensor> gate_bias(const std::optional<Tensor>& stacked, int gate, int64_t H) {
  if (!stacked) return std::nullopt;
  return rows(*stacked, gate * H, H);
}

Tensor sequence_bias(const RnnSpec& spec, std::initializer_list<std::optional<Tensor>> terms) {
  std::optional<Tensor> acc;
  for (const auto& t : terms) {
    if (!t) continue;
    acc = acc ? sum(*acc, *t) : *t;
  }
  // bias = false: a zero that broadcasts against [T, B, H], as the exporter writes it.
  if (!acc) return Tensor(spec.dtype, Shape{1, 1});
  return with_leading_ones(*acc, 2);
}

VariantCall sequence_call(const RnnSpec& spec, const DirectionParams& p) {
  switch (spec.kind) {
    case RnnSpec::Kind::lstm:
      return lstm_sequence_call(spec, p);
    case RnnSpec::Kind::gru:
      return gru_sequence_call(spec, p);
    case RnnSpec::Kind::rnn_tanh:
    case RnnSpec::Kind::rnn_relu:
      return rnn_sequence_call(spec, p);
  }
  throw Error("sequence_call: unknown RnnSpec kind");
}

}  // namespace rnnconf::emitter::detail

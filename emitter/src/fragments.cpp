// Lookup of the embedded fragment files and which of them a spec uses.
#include "rnnconf/emitter/fragments.hpp"

#include "rnnconf/core/error.hpp"

namespace rnnconf::emitter {

std::string_view fragment_file_text(std::string_view stem) {
  std::string known;
  for (const FragmentFile& f : fragment_files()) {
    if (f.stem == stem) return f.text;
    known += (known.empty() ? "" : ", ") + std::string(f.stem);
  }
  throw Error("no embedded fragment file '" + std::string(stem) + "' (known: " + known + ")");
}

std::string fragment_for(const RnnSpec& spec) {
  std::string base(kind_name(spec.kind));  // lstm, gru, rnn_tanh, rnn_relu
  if (spec.cell) return base + "_cell";
  if (spec.kind == RnnSpec::Kind::lstm && spec.proj > 0) return "lstm_with_projection";
  return base;
}

std::vector<std::string> fragment_files_for(const RnnSpec& spec) {
  std::vector<std::string> out{fragment_for(spec)};
  if (!spec.cell && spec.bidirectional) out.push_back("rnn_bidi_pack");
  return out;
}

}  // namespace rnnconf::emitter

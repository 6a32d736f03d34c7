// rnnconf's own NNEF fragment definitions (fragments/*.nnef), embedded in the
// library at configure time. One file per top-level fragment; a sequence file
// also defines its scan body (`lstm` + `lstm_scan_loop`). Names, parameters
// and results match torch_to_nnef's fragments so that graph statements
// compare one to one; the bodies are ours (see fragments/README.md).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rnnconf/core/rnn_spec.hpp"

namespace rnnconf::emitter {

struct FragmentFile {
  std::string_view stem;  // file name without ".nnef": "lstm", "gru_cell", "rnn_bidi_pack"
  std::string_view text;  // the file, verbatim
};

// Every embedded file, sorted by stem.
std::span<const FragmentFile> fragment_files();

// The file of one top-level fragment; throws rnnconf::Error naming the known ones.
std::string_view fragment_file_text(std::string_view stem);

// The top-level fragment a spec calls once per (layer, direction) or once
// for a cell: "lstm", "lstm_with_projection", "gru", "rnn_tanh", "rnn_relu",
// "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell".
std::string fragment_for(const RnnSpec& spec);

// The fragment files an emitted graph of `spec` embeds, in document order:
// the variant's file, then "rnn_bidi_pack" for bidirectional sequences.
std::vector<std::string> fragment_files_for(const RnnSpec& spec);

}  // namespace rnnconf::emitter

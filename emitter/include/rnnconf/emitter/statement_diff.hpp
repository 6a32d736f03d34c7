// Statement-level comparison of two NNEF exports (`rnnconf diff A B`): the
// graph signature and every graph statement, each in the canonical printed
// form (whitespace, comments and quote style do not matter). Fragment
// definitions' text and tract_core_properties are ignored: our emitter and
// torch_to_nnef define the same fragment names with different bodies.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "rnnconf/nnef/ast.hpp"

namespace rnnconf::emitter {

struct Statement {
  std::string text;  // canonical: "graph network(x, h0) -> (y, hn)" or "lhs = rhs"
  int line = 0;      // line in graph.nnef
};

struct DiffOptions {
  // Compare variables by position, not by name: the k-th `variable` of each
  // graph is renamed `var<k>` (declaration and every use) and its label is
  // blanked. torch_to_nnef's aten entry point labels weights
  // `aten_lstm.y.l0_w_ii` where the module entry point writes `m.l0_w_ii`;
  // with this option such exports compare by structure alone.
  bool ignore_labels = false;
};

// Statement 0 is the graph signature, then the body in order.
std::vector<Statement> graph_statements(const nnef::Document& doc, const DiffOptions& options = {});

struct StatementDiff {
  std::vector<Statement> a, b;
  bool identical = false;
  size_t first = 0;       // index of the first differing statement (when !identical)
  size_t differing = 0;   // positions i < max(|a|, |b|) whose statements differ
};

StatementDiff diff_statements(const nnef::Document& a, const nnef::Document& b, const DiffOptions& options = {});

// Opens both models (folder, .tar, .tgz, or a bare graph.nnef), parses them
// in the tract dialect and compares.
StatementDiff diff_models(const std::filesystem::path& a, const std::filesystem::path& b,
                          const DiffOptions& options = {});

// The report: the first differing statements with `context` statements
// around them, each prefixed by its graph.nnef line, and a one-line verdict
// as the last line ("identical (N statements)" or "differs at statement k
// (A line x, B line y); d of N statements differ").
std::string format_statement_diff(const StatementDiff& d, const std::string& name_a, const std::string& name_b,
                                  size_t context = 3);
std::string verdict_line(const StatementDiff& d);

}  // namespace rnnconf::emitter

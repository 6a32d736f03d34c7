// Every emitted graph parses with our parser (tract dialect) and passes
// check_document; every declared variable has its tensor with the declared
// shape; every embedded fragment file parses on its own and prints back.
#include <gtest/gtest.h>

#include "emitter_test_support.hpp"
#include "rnnconf/emitter/emitter.hpp"
#include "rnnconf/emitter/fragments.hpp"
#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace rnnconf::emitter {
namespace {

using namespace testing;

Shape shape_of_variable(const nnef::Invocation& inv) {
  for (const nnef::Argument& a : inv.args)
    if (a.name == "shape") {
      Shape s;
      for (const nnef::Expr& e : std::get<nnef::ArrayExpr>(a.value->node).items)
        s.push_back(std::get<nnef::IntegerLiteral>(e.node).value);
      return s;
    }
  return {};
}

std::string label_of_variable(const nnef::Invocation& inv) {
  for (const nnef::Argument& a : inv.args)
    if (a.name == "label") return std::get<nnef::StringLiteral>(a.value->node).value;
  return {};
}

TEST(ParseCheck, EveryEmittedGraphParsesAndChecks) {
  int checked = 0;
  for (const std::string& name : small_cases()) {
    SCOPED_TRACE(name);
    const RnnSpec spec = case_spec(name);
    const EmittedModel m = emit_module(spec, case_params(name));
    nnef::Document doc;
    ASSERT_NO_THROW(doc = nnef::parse_document(m.graph_text, name + "/graph.nnef"));
    ASSERT_NO_THROW(nnef::check_document(doc, name + "/graph.nnef"));
    // Printed and reparsed: the same document.
    EXPECT_EQ(nnef::parse_document(nnef::print_document(doc), "printed"), doc);
    // Variables: one tensor per label, with the declared shape.
    size_t declared = 0;
    for (const nnef::Assignment& a : doc.graph->body) {
      const auto* inv = std::get_if<nnef::Invocation>(&a.rvalue.node);
      if (!inv || inv->op != "variable") continue;
      ++declared;
      const std::string label = label_of_variable(*inv);
      ASSERT_TRUE(m.variables.count(label)) << label;
      EXPECT_EQ(m.variables.at(label).shape(), shape_of_variable(*inv)) << label;
    }
    EXPECT_EQ(declared, m.variables.size());
    ++checked;
  }
  EXPECT_GT(checked, 300);
}

TEST(ParseCheck, EveryFragmentFileParsesAlone) {
  ASSERT_EQ(fragment_files().size(), 10u);
  for (const FragmentFile& f : fragment_files()) {
    SCOPED_TRACE(std::string(f.stem));
    nnef::Document doc;
    ASSERT_NO_THROW(doc = nnef::parse_fragment_file(f.text, std::string(f.stem) + ".nnef"));
    // The file defines the fragment named after it, last (its scan body first).
    ASSERT_FALSE(doc.fragments.empty());
    EXPECT_EQ(doc.fragments.back().name, f.stem);
    for (const nnef::Fragment& frag : doc.fragments) EXPECT_TRUE(frag.body.has_value()) << frag.name;
  }
}

}  // namespace
}  // namespace rnnconf::emitter

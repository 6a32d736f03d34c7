// Parser tests: every data document parses and checks in its dialect(s), and
// the AST has the expected shape (positions, precedence, argument order).
#include <cmath>

#include <gtest/gtest.h>

#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "text_test_support.hpp"

namespace rnnconf::nnef {
namespace {

using testing::nnef_files;
using testing::options_for;
using testing::read_text;

TEST(NnefParser, StandardDocumentsParseAndCheckInBothDialects) {
  auto files = nnef_files("standard");
  ASSERT_GE(files.size(), 6u);
  for (const auto& path : files) {
    for (Dialect d : {Dialect::strict, Dialect::tract}) {
      SCOPED_TRACE(path.string() + " " + dialect_name(d));
      Document doc = parse_document(read_text(path), path.string(), options_for(d));
      EXPECT_TRUE(doc.graph.has_value());
      EXPECT_NO_THROW(check_document(doc, path.string(), options_for(d)));
    }
  }
}

TEST(NnefParser, TractDocumentsParseAndCheckInTractDialect) {
  auto files = nnef_files("tract");
  ASSERT_GE(files.size(), 4u);
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    Document doc = parse_document(read_text(path), path.string(), options_for(Dialect::tract));
    EXPECT_TRUE(doc.graph.has_value());
    EXPECT_FALSE(doc.fragments.empty() && doc.extensions.empty());
    EXPECT_NO_THROW(check_document(doc, path.string(), options_for(Dialect::tract)));
  }
}

TEST(NnefParser, TractDocumentsAreRejectedInStrictDialect) {
  for (const auto& path : nnef_files("tract")) {
    SCOPED_TRACE(path.string());
    EXPECT_THROW(parse_document(read_text(path), path.string(), options_for(Dialect::strict)), Error);
  }
}

TEST(NnefParser, UnknownTractRegistryOpsAreUncheckedInTractAndUnknownInStrict) {
  const std::string text =
      "version 1.0;\nextension KHR_enable_operator_expressions;\ngraph g( x ) -> ( y )\n{\n"
      "    x = external(shape = [2, 2]);\n    y = tract_core_einsum(inputs = [x, x], expr = 'ij,jk->ik', acc = 'f32');\n}\n";
  Document tract_doc = parse_document(text, "g.nnef", options_for(Dialect::tract));
  EXPECT_NO_THROW(check_document(tract_doc, "g.nnef", options_for(Dialect::tract)));
  Document strict_doc = parse_document(text, "g.nnef", options_for(Dialect::strict));
  try {
    check_document(strict_doc, "g.nnef", options_for(Dialect::strict));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.where().line, 6);
    EXPECT_NE(e.message().find("undefined operation 'tract_core_einsum'"), std::string::npos) << e.what();
  }
}

// torch_to_nnef 0.24.12 repeats `b_aligned_rank_expanded = unsqueeze(b, axes = [0]);` before
// each call of an RNN cell stepped in Python, and tract loads it: the tract dialect accepts an
// identical re-assignment; a different right-hand side, or the strict dialect, is still refused.
TEST(NnefParser, TractDialectAcceptsOnlyAnIdenticalReassignment) {
  auto doc_text = [](const std::string& second) {
    return "version 1.0;\ngraph g( x ) -> ( y )\n{\n    x = external(shape = [2, 2]);\n"
           "    e = unsqueeze(x, axes = [0]);\n    a = relu(e);\n    " + second + "\n    y = add(a, e);\n}\n";
  };
  const std::string same = doc_text("e = unsqueeze(x, axes = [0]);");
  Document tract_doc = parse_document(same, "g.nnef", options_for(Dialect::tract));
  EXPECT_NO_THROW(check_document(tract_doc, "g.nnef", options_for(Dialect::tract)));
  for (const auto& [text, dialect] : {std::pair{same, Dialect::strict},
                                      std::pair{doc_text("e = unsqueeze(x, axes = [1]);"), Dialect::tract}}) {
    Document doc = parse_document(text, "g.nnef", options_for(dialect));
    try {
      check_document(doc, "g.nnef", options_for(dialect));
      FAIL() << "expected an error";
    } catch (const Error& e) {
      EXPECT_EQ(e.where().line, 7);
      EXPECT_NE(e.message().find("identifier 'e' assigned twice (first at 5:5)"), std::string::npos) << e.what();
    }
  }
}

TEST(NnefParser, KeepsVersionExtensionsAndPositions) {
  const std::string text =
      "version 1.0;\nextension tract_registry tract_core;\n\ngraph g( x ) -> ( y )\n{\n  x = external(shape = [1]);\n"
      "  y = relu(x);\n}\n";
  Document doc = parse_document(text, "g.nnef", options_for(Dialect::tract));
  ASSERT_TRUE(doc.version);
  EXPECT_EQ(doc.version->major, 1);
  EXPECT_EQ(doc.version->minor, 0);
  ASSERT_EQ(doc.extensions.size(), 1u);
  EXPECT_EQ(doc.extensions[0].name, "tract_registry");
  EXPECT_EQ(doc.extensions[0].text, "tract_core");
  EXPECT_EQ(doc.extensions[0].pos.line, 2);
  EXPECT_EQ(doc.extensions[0].pos.column, 11);
  ASSERT_TRUE(doc.graph);
  EXPECT_EQ(doc.graph->name, "g");
  EXPECT_EQ(doc.graph->pos.line, 4);
  ASSERT_EQ(doc.graph->body.size(), 2u);
  const Assignment& second = doc.graph->body[1];
  EXPECT_EQ(second.pos.line, 7);
  EXPECT_EQ(second.pos.column, 3);
  EXPECT_EQ(second.rvalue.pos.column, 7);
  const auto& call = std::get<Invocation>(second.rvalue.node);
  EXPECT_EQ(call.op, "relu");
  ASSERT_EQ(call.args.size(), 1u);
  EXPECT_EQ(call.args[0].value->pos.column, 12);
}

TEST(NnefParser, KhronosExtensionListBecomesOneEntryPerName) {
  const std::string text =
      "version 1.0;\nextension KHR_enable_fragment_definitions, KHR_enable_operator_expressions;\n"
      "graph g( x ) -> ( y ) { x = external(shape = [1]); y = -x; }";
  for (Dialect d : {Dialect::strict, Dialect::tract}) {
    Document doc = parse_document(text, "g.nnef", options_for(d));
    ASSERT_EQ(doc.extensions.size(), 2u);
    EXPECT_EQ(doc.extensions[1].name, "KHR_enable_operator_expressions");
    EXPECT_TRUE(doc.extensions[1].text.empty());
  }
}

Expr rvalue_of(const std::string& expr_text) {
  std::string text = "version 1.0;\nfragment f( a: integer, b: integer, c: integer ) -> ( r: integer ) { r = " +
                     expr_text + "; }\n";
  Document doc = parse_fragment_file(text, "f.nnef", options_for(Dialect::tract));
  return doc.fragments.at(0).body->at(0).rvalue;
}

TEST(NnefParser, BinaryPrecedenceAndAssociativity) {
  Expr e = rvalue_of("a + b * c ^ 2");
  const auto& add = std::get<BinaryExpr>(e.node);
  EXPECT_EQ(add.op, "+");
  const auto& mul = std::get<BinaryExpr>(add.rhs->node);
  EXPECT_EQ(mul.op, "*");
  EXPECT_EQ(std::get<BinaryExpr>(mul.rhs->node).op, "^");

  Expr left = rvalue_of("a - b - c");  // left-assoc: (a - b) - c
  const auto& outer = std::get<BinaryExpr>(left.node);
  EXPECT_TRUE(std::holds_alternative<Identifier>(outer.rhs->node));
  EXPECT_EQ(std::get<BinaryExpr>(outer.lhs->node).op, "-");

  Expr logic = rvalue_of("a < b && b >= c || !(a == c)");
  const auto& top = std::get<BinaryExpr>(logic.node);  // && and || share a level, left-assoc
  EXPECT_EQ(top.op, "||");
  EXPECT_EQ(std::get<BinaryExpr>(top.lhs->node).op, "&&");
  EXPECT_EQ(std::get<UnaryExpr>(top.rhs->node).op, "!");

  Expr neg = rvalue_of("-a ^ 2");  // unary binds tighter than ^
  EXPECT_EQ(std::get<BinaryExpr>(neg.node).op, "^");

  Expr member = rvalue_of("a in [1, 2] && b");  // `in` is the loosest binary operator
  EXPECT_EQ(std::get<BinaryExpr>(member.node).op, "in");
}

TEST(NnefParser, ConditionalSubscriptsComprehensionsAndBuiltins) {
  Expr cond = rvalue_of("a if b > 0 else c");
  const auto& c = std::get<ConditionalExpr>(cond.node);
  EXPECT_EQ(std::get<Identifier>(c.then_value->node).name, "a");
  EXPECT_EQ(std::get<BinaryExpr>(c.condition->node).op, ">");

  Expr slice = rvalue_of("[a, b, c][1:][0]");
  const auto& index = std::get<IndexExpr>(slice.node);
  const auto& sl = std::get<SliceExpr>(index.base->node);
  EXPECT_TRUE(sl.begin.has_value());
  EXPECT_FALSE(sl.end.has_value());

  Expr comp = rvalue_of("[for i in range_of([a, b]), j in [c] if i < j yield i * j]");
  const auto& cp = std::get<ComprehensionExpr>(comp.node);
  EXPECT_EQ(cp.iters.size(), 2u);
  EXPECT_TRUE(cp.condition.has_value());
  EXPECT_EQ(std::get<BuiltinCall>(cp.iters[0].range->node).function, "range_of");

  Expr cast = rvalue_of("integer(scalar(a) * 2.5)");
  EXPECT_EQ(std::get<BuiltinCall>(cast.node).function, "integer");
}

TEST(NnefParser, GenericInvocationIsToldApartFromLessThan) {
  Expr generic = rvalue_of("f<scalar>(a)");
  EXPECT_EQ(std::get<Invocation>(generic.node).generic_arg, TypeName::scalar);
  Expr compare = rvalue_of("a < integer(b)");
  EXPECT_EQ(std::get<BinaryExpr>(compare.node).op, "<");
}

TEST(NnefParser, ArgumentsKeepSourceOrderAndNames) {
  Expr call = rvalue_of("g(a, b, name = 1, other = [2, 3])");
  const auto& inv = std::get<Invocation>(call.node);
  ASSERT_EQ(inv.args.size(), 4u);
  EXPECT_TRUE(inv.args[1].name.empty());
  EXPECT_EQ(inv.args[2].name, "name");
  EXPECT_EQ(inv.args[3].name, "other");
  EXPECT_EQ(std::get<ArrayExpr>(inv.args[3].value->node).items.size(), 2u);
}

TEST(NnefParser, LiteralsKeepValueAndSpelling) {
  Expr e = rvalue_of("[1., 1e-2, 2.5E+3, 'x', \"y\", true, 42]");
  const auto& items = std::get<ArrayExpr>(e.node).items;
  EXPECT_EQ(std::get<ScalarLiteral>(items[0].node).text, "1.");
  EXPECT_DOUBLE_EQ(std::get<ScalarLiteral>(items[1].node).value, 0.01);
  EXPECT_DOUBLE_EQ(std::get<ScalarLiteral>(items[2].node).value, 2500.0);
  EXPECT_EQ(std::get<StringLiteral>(items[3].node).value, "x");
  EXPECT_EQ(std::get<StringLiteral>(items[4].node).value, "y");
  EXPECT_TRUE(std::get<LogicalLiteral>(items[5].node).value);
  EXPECT_EQ(std::get<IntegerLiteral>(items[6].node).value, 42);
}

TEST(NnefParser, TractEscapesInfAndEscapedIdentifiers) {
  const std::string text =
      "version 1.0;\ngraph g( i\"in.0\" ) -> ( y ) { i\"in.0\" = tract_core_external(shape = [1], datum_type = 'f32');"
      " y = clamp(i\"in.0\", -inf, 'it\\'s'); }";
  Document doc = parse_document(text, "g.nnef", options_for(Dialect::tract));
  EXPECT_EQ(doc.graph->inputs[0].name, "in.0");
  const auto& call = std::get<Invocation>(doc.graph->body[1].rvalue.node);
  const auto& minus = std::get<UnaryExpr>(call.args[1].value->node);
  EXPECT_TRUE(std::isinf(std::get<ScalarLiteral>(minus.operand->node).value));
  EXPECT_EQ(std::get<StringLiteral>(call.args[2].value->node).value, "it's");
}

TEST(NnefParser, StrictStringsAreRawText) {
  const std::string text =
      "version 1.0;\ngraph g( x ) -> ( x2 ) { x = external(shape = [1]); x2 = variable(shape = [1], label = "
      "\"a\\b'c\"); }";
  Document doc = parse_document(text, "g.nnef", options_for(Dialect::strict));
  const auto& call = std::get<Invocation>(doc.graph->body[1].rvalue.node);
  EXPECT_EQ(std::get<StringLiteral>(call.args[1].value->node).value, "a\\b'c");
}

TEST(NnefParser, FragmentFileLayout) {
  const std::string text =
      "extension tract_registry tract_core;\n# comment\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar> )\n"
      "{\n  y = x * 2.0;\n}\nfragment decl<? = integer>( x: tensor<?>, n: integer[] = [] ) -> ( y: tensor<?> );\n";
  Document doc = parse_fragment_file(text, "frag.nnef");
  EXPECT_FALSE(doc.version);
  EXPECT_FALSE(doc.graph);
  ASSERT_EQ(doc.fragments.size(), 2u);
  EXPECT_FALSE(doc.fragments[1].body);
  EXPECT_EQ(doc.fragments[1].generic, GenericKind::with_default);
  EXPECT_EQ(doc.fragments[1].generic_default, TypeName::integer);
  EXPECT_EQ(doc.fragments[1].params[1].type.array_depth, 1);
  EXPECT_NO_THROW(check_document(doc, "frag.nnef"));
}

TEST(NnefParser, TypeSpecForms) {
  const std::string text =
      "fragment f( a: tensor<>, b: (integer, tensor<scalar>)[][], c: logical[] ) -> ( y: tensor<scalar> );";
  Document doc = parse_fragment_file(text, "t.nnef");
  const auto& params = doc.fragments[0].params;
  EXPECT_EQ(params[0].type.kind, TypeSpec::Kind::tensor);
  EXPECT_EQ(params[0].type.name, TypeName::none);
  EXPECT_EQ(params[1].type.kind, TypeSpec::Kind::tuple);
  EXPECT_EQ(params[1].type.items.size(), 2u);
  EXPECT_EQ(params[1].type.array_depth, 2);
  EXPECT_EQ(params[2].type.name, TypeName::logical);
}

TEST(NnefParser, AstEqualityIgnoresPositionsOnly) {
  const std::string a = "version 1.0;\ngraph g( x ) -> ( y ) { x = external(shape = [1]); y = relu(x); }";
  const std::string b = "version 1.0;\n\n\ngraph g(x)->(y)\n{\n    x = external(shape=[1]);\n    y = relu(x);\n}\n";
  const std::string c = "version 1.0;\ngraph g( x ) -> ( y ) { x = external(shape = [2]); y = relu(x); }";
  EXPECT_EQ(parse_document(a, "a"), parse_document(b, "b"));
  EXPECT_FALSE(parse_document(a, "a") == parse_document(c, "c"));
}

TEST(NnefParser, DeepNestingIsAnErrorNotACrash) {
  std::string deep = "version 1.0;\ngraph g( x ) -> ( y ) { x = external(shape = [1]); y = " + std::string(5000, '(') +
                     "x" + std::string(5000, ')') + "; }";
  try {
    parse_document(deep, "deep.nnef");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("nesting too deep"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().line, 2);
  }
  std::string chain = "version 1.0;\ngraph g( x ) -> ( y ) { x = external(shape = [1]); y = x";
  for (int i = 0; i < 100000; ++i) chain += " + x";
  chain += "; }";
  EXPECT_THROW(parse_document(chain, "chain.nnef"), Error);
}

TEST(NnefParser, OversizedInputIsRefused) {
  ParseOptions options;
  options.max_input_bytes = 16;
  try {
    parse_document("version 1.0; graph g( x ) -> ( y ) {}", "big.nnef", options);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("too large"), std::string::npos);
  }
}

}  // namespace
}  // namespace rnnconf::nnef

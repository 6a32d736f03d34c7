// Printer tests: parse(print(doc)) == doc and print is a fixed point for every
// data document in each dialect that accepts it; canonical spellings of
// scalars, strings and identifiers; normalized fragment bodies and hashes.
#include <cstdlib>

#include <gtest/gtest.h>

#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"
#include "text_test_support.hpp"

namespace rnnconf::nnef {
namespace {

using testing::nnef_files;
using testing::options_for;
using testing::read_text;

void expect_round_trip(const std::string& text, const std::string& name, Dialect dialect) {
  SCOPED_TRACE(name + " (" + dialect_name(dialect) + ")");
  Document doc = parse_document(text, name, options_for(dialect));
  std::string printed = print_document(doc, PrintOptions{dialect});
  Document again = parse_document(printed, name + " (printed)", options_for(dialect));
  EXPECT_EQ(again, doc) << printed;
  EXPECT_EQ(print_document(again, PrintOptions{dialect}), printed);
}

TEST(NnefPrinter, StandardDocumentsRoundTripInBothDialects) {
  for (const auto& path : nnef_files("standard"))
    for (Dialect d : {Dialect::strict, Dialect::tract}) expect_round_trip(read_text(path), path.string(), d);
}

TEST(NnefPrinter, TractDocumentsRoundTrip) {
  for (const auto& path : nnef_files("tract")) expect_round_trip(read_text(path), path.string(), Dialect::tract);
}

TEST(NnefPrinter, CanonicalLayout) {
  const std::string text =
      "version 1.0;extension tract_registry   tract_core ;\n"
      "fragment f(x:tensor<scalar>,n:integer=-1)->(y:tensor<scalar>){y=x*2.0+x;}\n"
      "graph g(a,b)->(c){a=external(shape=[1]);b=external(shape=[1]);c=f(a,n=2)+b;}";
  Document doc = parse_document(text, "g.nnef");
  EXPECT_EQ(print_document(doc),
            "version 1.0;\n"
            "extension tract_registry tract_core;\n"
            "\n"
            "fragment f( x: tensor<scalar>, n: integer = -1 ) -> ( y: tensor<scalar> )\n"
            "{\n"
            "    y = x * 2.0 + x;\n"
            "}\n"
            "\n"
            "graph g( a, b ) -> ( c )\n"
            "{\n"
            "    a = external(shape = [1]);\n"
            "    b = external(shape = [1]);\n"
            "    c = f(a, n = 2) + b;\n"
            "}\n");
}

TEST(NnefPrinter, ScalarsAlwaysReadBackAsScalars) {
  EXPECT_EQ(format_scalar(1.0), "1.0");
  EXPECT_EQ(format_scalar(0.1), "0.1");
  EXPECT_EQ(format_scalar(1e-05), "1e-05");
  EXPECT_EQ(format_scalar(1e300), "1e+300");
  EXPECT_EQ(format_scalar(123456789.125), "123456789.125");
  EXPECT_EQ(format_scalar(0.0), "0.0");
  const double values[] = {0.30000000000000004, 5e-324, 1.7976931348623157e308, 3.14159f, 2.5e-8};
  for (double v : values) {
    std::string text = format_scalar(v);
    EXPECT_NE(text.find_first_of(".e"), std::string::npos) << text;
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), v) << text;
  }
}

TEST(NnefPrinter, ParenthesesFollowPrecedence) {
  const std::string text =
      "fragment f( a: integer, b: integer, c: integer ) -> ( r: integer[] ) {\n"
      "  r = [(a + b) * c, a + b * c, a - (b - c), (a - b) - c, -(a + b), (a if b > 0 else c) + 1, "
      "(a ^ b) ^ c, a ^ (b ^ c), (-a)[0], [a, b][1:], (a, b)[0]];\n}";
  Document doc = parse_fragment_file(text, "p.nnef");
  std::string printed = print_fragment(doc.fragments[0]);
  EXPECT_NE(printed.find("(a + b) * c, a + b * c, a - (b - c), a - b - c, -(a + b), (a if b > 0 else c) + 1, "
                         "a ^ b ^ c, a ^ (b ^ c), (-a)[0], [a, b][1:], (a, b)[0]"),
            std::string::npos)
      << printed;
  EXPECT_EQ(parse_fragment_file(printed, "again.nnef").fragments[0], doc.fragments[0]);
}

TEST(NnefPrinter, StringsAndIdentifiersPerDialect) {
  const std::string tract_text =
      "version 1.0;\ngraph g( i\"a b\" ) -> ( y ) { i\"a b\" = tract_core_external(shape = [1], datum_type = 'f32'); "
      "y = tract_core_cast(i\"a b\", to = 'it\\'s \\\\ \\\"q\\\"'); }";
  Document doc = parse_document(tract_text, "g.nnef", options_for(Dialect::tract));
  std::string printed = print_document(doc, PrintOptions{Dialect::tract});
  EXPECT_NE(printed.find("i\"a b\" = "), std::string::npos) << printed;
  EXPECT_NE(printed.find("to = 'it\\'s \\\\ \\\"q\\\"'"), std::string::npos) << printed;
  EXPECT_EQ(parse_document(printed, "p.nnef", options_for(Dialect::tract)), doc);
  // Strict NNEF cannot spell these: the printer says so instead of writing text that reads back differently.
  EXPECT_THROW(print_document(doc, PrintOptions{Dialect::strict}), Error);

  const std::string strict_text =
      "version 1.0;\ngraph g( x ) -> ( y ) { x = external(shape = [1]); y = variable(shape = [1], label = \"it's\"); }";
  Document strict_doc = parse_document(strict_text, "s.nnef", options_for(Dialect::strict));
  std::string strict_printed = print_document(strict_doc, PrintOptions{Dialect::strict});
  EXPECT_NE(strict_printed.find("label = \"it's\""), std::string::npos) << strict_printed;
  EXPECT_EQ(parse_document(strict_printed, "p.nnef", options_for(Dialect::strict)), strict_doc);
}

TEST(NnefPrinter, NormalizedBodyIgnoresLayoutAndComments) {
  const std::string a =
      "fragment f( x: tensor<scalar>, w: tensor<scalar> ) -> ( y: tensor<scalar> ) {\n"
      "  # gate\n  y = sigmoid( matmul(x, w, transposeB=true) + 1.0 ) if true else x;\n}";
  const std::string b =
      "fragment f(x: tensor<scalar>, w: tensor<scalar>) -> (y: tensor<scalar>)\n{ y = sigmoid(matmul(x,w,\n"
      "transposeB = true) + 1.) if true else x; }";
  const std::string c =
      "fragment f(x: tensor<scalar>, w: tensor<scalar>) -> (y: tensor<scalar>)\n{ y = sigmoid(matmul(x,w,\n"
      "transposeB = true) + 2.0) if true else x; }";
  Fragment fa = parse_fragment_file(a, "a").fragments[0];
  Fragment fb = parse_fragment_file(b, "b").fragments[0];
  Fragment fc = parse_fragment_file(c, "c").fragments[0];
  EXPECT_EQ(normalized_body_text(fa), "y=sigmoid(matmul(x,w,transposeB=true)+1.0)if true else x;");
  EXPECT_EQ(normalized_body_text(fa), normalized_body_text(fb));
  EXPECT_EQ(normalized_body_hash(fa), normalized_body_hash(fb));
  EXPECT_NE(normalized_body_hash(fa), normalized_body_hash(fc));
  EXPECT_EQ(normalized_signature_text(fa), "f(x:tensor<scalar>,w:tensor<scalar>)->(y:tensor<scalar>)");
}

TEST(NnefPrinter, Fnv1aMatchesPublishedVectors) {
  // Reference values of 64-bit FNV-1a (Fowler/Noll/Vo test suite).
  EXPECT_EQ(fnv1a_64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(fnv1a_64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a_64("foobar"), 0x85944171f73967e8ULL);
}

TEST(NnefPrinter, DeclarationsAndEmptyParameterLists) {
  const std::string text =
      "fragment p() -> ( properties: (string, tensor<scalar>)[] ) { properties = [('a', 'b')]; }\n"
      "fragment d<?>( x: tensor<?> ) -> ( y: tensor<?> );\n";
  Document doc = parse_fragment_file(text, "d.nnef");
  std::string printed = print_document(doc);
  EXPECT_NE(printed.find("fragment p() -> ( properties: (string, tensor<scalar>)[] )"), std::string::npos) << printed;
  EXPECT_NE(printed.find("fragment d<?>( x: tensor<?> ) -> ( y: tensor<?> );"), std::string::npos) << printed;
  EXPECT_EQ(parse_fragment_file(printed, "again"), doc);
}

}  // namespace
}  // namespace rnnconf::nnef

namespace rnnconf::nnef {
namespace {

// The body hash binds fused kernels: a change of the normalization or of the hash silently unbinds every
// known fragment, so the values of two fragments (the same bodies as torch_to_nnef 0.24.12's lstm.nnef) are pinned.
TEST(NnefPrinter, BodyHashesOfKnownFragmentsArePinned) {
  Document doc = parse_document(testing::read_text(testing::text_data_dir() / "tract" / "lstm_scan.nnef"), "lstm_scan");
  ASSERT_EQ(doc.fragments.size(), 2u);
  EXPECT_EQ(doc.fragments[0].name, "lstm_scan_loop");
  EXPECT_EQ(normalized_body_hash(doc.fragments[0]), 0xee8b8e980759af36ULL);
  EXPECT_EQ(doc.fragments[1].name, "lstm");
  EXPECT_EQ(normalized_body_hash(doc.fragments[1]), 0xe45a3632caedb2d0ULL);
}

}  // namespace
}  // namespace rnnconf::nnef

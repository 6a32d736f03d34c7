// Malformed NNEF text (spec §6 items 16–34 and more): each case must be
// refused with an rnnconf::Error whose location is the offending line:col
// and whose message says what is wrong and what was expected.
#include <gtest/gtest.h>

#include "text_test_support.hpp"

namespace rnnconf::nnef {
namespace {

struct MalformedCase {
  const char* name;
  Dialect dialect;
  const char* text;
  int line;
  int column;
  const char* message_part;  // a substring the message must contain
};

std::ostream& operator<<(std::ostream& os, const MalformedCase& c) { return os << c.name; }

// A graph with one input `x` and output `y`; `{BODY}` lines follow from line 4.
#define G(body) "version 1.0;\ngraph g( x ) -> ( y )\n{\n" body "}\n"
#define EXT "    x = external(shape = [1, 4]);\n"
#define TEXT "    x = tract_core_external(shape = [1, 4], datum_type = 'f32');\n"
// A graph with operator expressions enabled; `{BODY}` lines follow from line 6.
#define EXPR_G(body) "version 1.0;\nextension KHR_enable_operator_expressions;\ngraph g( x ) -> ( y )\n{\n" EXT body "}\n"
// A valid graph after fragment definitions (documents need one).
#define TAIL "graph t( a ) -> ( b ) { a = external(shape = [1]); b = relu(a); }\n"

const MalformedCase kCases[] = {
    // 16: version
    {"VersionMissing", Dialect::strict, "graph g( x ) -> ( y ) {}", 1, 1, "expected 'version'"},
    {"VersionInteger", Dialect::strict, "version 1;\n", 1, 9, "expected version number such as 1.0, found integer '1'"},
    {"VersionThreeParts", Dialect::strict, "version 1.0.5;\n", 1, 9, "malformed number '1.0.5'"},
    {"VersionNoSemicolon", Dialect::strict, "version 1.0\ngraph g( x ) -> ( y ) {}", 2, 1, "expected ';' after the version, found keyword 'graph'"},
    {"VersionTooNew", Dialect::strict, "version 1.1;\n", 1, 9, "unsupported version 1.1: expected at most 1.0"},
    // 17: strings
    {"UnterminatedString", Dialect::strict, G(EXT "    y = variable(shape = [1], label = 'abc);\n"), 5, 39, "unterminated string: expected closing '"},
    {"TractUnescapedQuote", Dialect::tract, G(TEXT "    y = variable(shape = [1], label = \"a'b\");\n"), 5, 41, "unescaped quote ' inside a string"},
    // 18: stray characters
    {"StrayAt", Dialect::strict, G(EXT "    y = relu(@x);\n"), 5, 14, "unexpected character '@'"},
    {"StrayDollar", Dialect::tract, G(TEXT "    y = $x;\n"), 5, 9, "unexpected character '$'"},
    {"NonAsciiIdentifier", Dialect::strict, G(EXT "    y = rel\xc3\xbc(x);\n"), 5, 12, "unexpected character byte 0xc3"},
    {"SlashSlashIsNotAComment", Dialect::strict, G(EXT "    y = relu(x); // note\n"), 5, 18, "found '/'"},
    // 19: numbers
    {"ExponentWithoutDigits", Dialect::strict, G(EXT "    y = mul(x, 1e);\n"), 5, 16, "malformed number '1e': expected digits after the exponent"},
    {"LeadingDot", Dialect::strict, G(EXT "    y = mul(x, .5);\n"), 5, 16, "numbers need a digit before '.'"},
    {"TwoDots", Dialect::strict, G(EXT "    y = mul(x, 1.2.3);\n"), 5, 16, "malformed number '1.2.3'"},
    {"IntegerOverflowStrict", Dialect::strict, G(EXT "    y = reshape(x, shape = [99999999999999999999]);\n"), 5, 29, "integer literal '99999999999999999999' out of range"},
    {"IntegerOverflowInt32Strict", Dialect::strict, G(EXT "    y = reshape(x, shape = [2147483648]);\n"), 5, 29, "expected at most 2147483647"},
    {"IntegerOverflowTract", Dialect::tract, G(TEXT "    y = reshape(x, shape = [9223372036854775808]);\n"), 5, 29, "expected at most 9223372036854775807"},
    {"ScalarOverflow", Dialect::tract, G(TEXT "    y = mul(x, 1e999);\n"), 5, 16, "scalar literal '1e999' out of range"},
    {"InfIsNotALiteralInStrict", Dialect::strict,
     "version 1.0;\nextension KHR_enable_operator_expressions;\ngraph g( x ) -> ( y )\n{\n" EXT "    y = clamp(x, -inf, 1.0);\n}\n", 6, 19, "undeclared identifier 'inf'"},
    // 20: identifiers
    {"IdentifierStartsWithDigit", Dialect::strict, G(EXT "    1y = relu(x);\n"), 5, 5, "identifiers cannot start with a digit"},
    {"KeywordAsIdentifier", Dialect::strict, G(EXT "    tensor = relu(x);\n"), 5, 5, "found keyword 'tensor'"},
    {"KeywordAsGraphInput", Dialect::strict, "version 1.0;\ngraph g( yield ) -> ( y ) {}", 2, 10, "expected identifier (graph input), found keyword 'yield'"},
    {"ShapeOfInStrict", Dialect::strict,
     "version 1.0;\nextension KHR_enable_operator_expressions;\ngraph g( x ) -> ( y )\n{\n" EXT "    y = reshape(x, shape = shape_of(x));\n}\n", 6, 28, "'shape_of' is deprecated"},
    // 21: structure
    {"MissingSemicolon", Dialect::strict, G(EXT "    y = relu(x)\n") , 6, 1, "expected ';' to end the assignment, found '}'"},
    {"UnbalancedParen", Dialect::strict, G(EXT "    y = relu(x;\n"), 5, 15, "expected ')' to close the argument list of 'relu', found ';'"},
    {"UnbalancedBracket", Dialect::strict, G(EXT "    y = reshape(x, shape = [1, 4);\n"), 5, 33, "expected ']' to close the array, found ')'"},
    {"UnclosedBody", Dialect::strict, "version 1.0;\ngraph g( x ) -> ( y )\n{\n" EXT "    y = relu(x);\n", 6, 1, "expected '}' to close the body of graph 'g' opened at 3:1, found end of input"},
    {"TextAfterGraph", Dialect::strict, G(EXT "    y = relu(x);\n") "y = relu(x);\n", 7, 1, "after the graph's closing '}': expected end of input"},
    {"EmptyGraphBodyStrict", Dialect::strict, "version 1.0;\ngraph g( x ) -> ( y )\n{\n}\n", 4, 1, "expected an assignment in the body of graph 'g', found '}'"},
    // 22: extensions
    {"UnknownExtensionStrict", Dialect::strict, "version 1.0;\nextension KHR_unknown_thing;\n", 2, 11, "could not handle extension 'KHR_unknown_thing'"},
    {"FragmentWithoutExtension", Dialect::strict,
     "version 1.0;\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar> ) { y = relu(x); }\n", 2, 1, "expected token 'graph', found 'fragment'"},
    {"ExpressionWithoutExtension", Dialect::strict, G(EXT "    y = x;\n"), 5, 9, "expected operation invocation, found identifier 'x'"},
    {"OperatorWithoutExtension", Dialect::strict, G(EXT "    z = relu(x);\n    y = z + z;\n"), 6, 9, "expected operation invocation"},
    {"NestedCallWithoutExtension", Dialect::strict, G(EXT "    y = relu(abs(x));\n"), 5, 14, "nested invocation of 'abs'"},
    {"EmptyParamsStrict", Dialect::strict,
     "version 1.0;\nextension KHR_enable_fragment_definitions;\nfragment f() -> ( y: tensor<scalar> );\n", 3, 12, "expected parameter"},
    // 23: SSA
    {"Reassignment", Dialect::strict, G(EXT "    y = relu(x);\n    y = abs(x);\n"), 6, 5, "identifier 'y' assigned twice (first at 5:5)"},
    {"ParamReassigned", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar> )\n{\n    x = relu(x);\n    y = x;\n}\n"
     "graph g( a ) -> ( b ) { a = external(shape = [1]); b = f(a); }", 4, 5, "identifier 'x' is a parameter of fragment 'f' (declared at 2:13)"},
    // 24: use before definition
    {"UseBeforeDefinition", Dialect::strict, G(EXT "    y = add(x, z);\n    z = relu(x);\n"), 5, 16, "undeclared identifier 'z'"},
    {"UndefinedInFragment", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar> )\n{\n    y = x + h1;\n}\n"
     "graph g( a ) -> ( b ) { a = external(shape = [1]); b = f(a); }", 4, 13, "undeclared identifier 'h1': expected a parameter of fragment 'f'"},
    // 25: graph inputs/outputs
    {"InputNotAssigned", Dialect::strict, "version 1.0;\ngraph g( x, w ) -> ( y )\n{\n" EXT "    y = relu(x);\n}\n", 2, 13, "graph input 'w' is never assigned"},
    {"InputAssignedByOtherOp", Dialect::strict, "version 1.0;\ngraph g( x ) -> ( y )\n{\n    x = variable(shape = [1], label = 'x');\n    y = relu(x);\n}\n", 4, 5, "graph input 'x' must be assigned by external(...), found 'variable'"},
    {"OutputNeverAssigned", Dialect::strict, "version 1.0;\ngraph g( x ) -> ( y, z )\n{\n" EXT "    y = relu(x);\n}\n", 2, 22, "graph output 'z' is never assigned"},
    {"InputIsAlsoOutput", Dialect::strict, "version 1.0;\ngraph g( x ) -> ( x )\n{\n" EXT "}\n", 2, 19, "'x' is both a graph input"},
    {"ExternalOnNonInput", Dialect::strict, G(EXT "    z = external(shape = [1]);\n    y = relu(x);\n"), 5, 5, "'external' can only assign graph inputs; 'z' is not an input"},
    // 26: forbidden inside fragments, update
    {"VariableInsideFragment", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar> )\n{\n    w = variable(shape = [1], label = 'w');\n    y = x * w;\n}\n" TAIL,
     4, 9, "'variable' is not allowed inside fragment 'f'"},
    {"UpdateOfNonVariable", Dialect::strict, G(EXT "    z = relu(x);\n    y = update(z, x);\n"), 6, 16, "first argument of 'update' must be an identifier assigned by variable"},
    // 27: op lookup
    {"UnknownOp", Dialect::strict, G(EXT "    y = frobnicate(x);\n"), 5, 9, "undefined operation 'frobnicate'"},
    {"UnknownOpTract", Dialect::tract, G(TEXT "    y = lstm_cell(x);\n"), 5, 9, "undefined operation 'lstm_cell'"},
    {"RedefineStdlibStrict", Dialect::strict,
     "version 1.0;\nextension KHR_enable_fragment_definitions;\nfragment relu( x: tensor<scalar> ) -> ( y: tensor<scalar> );\n" TAIL, 3, 1, "operation 'relu' already defined"},
    {"RedefineFragment", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar> );\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar> );\n" TAIL, 3, 1, "operation 'f' already defined at 2:1"},
    {"CallToLaterFragment", Dialect::strict,  // tract resolves later fragments (torch_to_nnef's dyn_slice)
     "version 1.0;\nextension KHR_enable_fragment_definitions;\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar> )\n{\n    y = g2(x);\n}\nfragment g2( x: tensor<scalar> ) -> ( y: tensor<scalar> );\n" TAIL,
     5, 9, "operation 'g2' is defined later (at 7:1)"},
    // 28: arity
    {"TooManyArgs", Dialect::strict, G(EXT "    y = relu(x, x);\n"), 5, 17, "too many arguments to 'relu': expected at most 1"},
    {"MissingRequiredArg", Dialect::strict, G(EXT "    y = concat([x, x]);\n"), 5, 9, "missing argument 'axis' in the call to 'concat'"},
    {"UnknownNamedArg", Dialect::strict, G(EXT "    y = reshape(x, shapes = [4]);\n"), 5, 20, "operation 'reshape' has no parameter 'shapes': expected one of input, shape, axis_start, axis_count"},
    {"DuplicateNamedArg", Dialect::strict, G(EXT "    y = concat([x], axis = 0, axis = 1);\n"), 5, 31, "argument 'axis' of 'concat' given twice (first at 5:21)"},
    {"PositionalAfterNamed", Dialect::tract, G(TEXT "    y = matmul(A = x, x);\n"), 5, 23, "positional argument after a named argument"},
    {"AttributePassedPositionally", Dialect::strict, G(EXT "    y = reshape(x, [4, 1]);\n"), 5, 20, "expected named argument 'shape = ...' for attribute parameter 'shape'"},
    // 29: types
    {"StringForIntegerArray", Dialect::strict, G(EXT "    y = reshape(x, shape = 'four');\n"), 5, 28, "argument 'shape' of 'reshape' has type string: expected integer[]"},
    {"IntegerForScalar", Dialect::strict, G(EXT "    y = elu(x, alpha = 1);\n"), 5, 24, "integer is not converted to scalar"},
    {"IntegerForScalarTensor", Dialect::strict, G(EXT "    y = add(x, 1);\n"), 5, 16, "argument 'y' of 'add' has type integer: expected tensor<scalar>"},
    {"TensorForAttribute", Dialect::strict, G(EXT "    y = reshape(x, shape = x);\n"), 5, 28, "a tensor cannot be passed to an attribute parameter"},
    {"MixedArray", Dialect::strict, G(EXT "    y = reshape(x, shape = [1, 2.0]);\n"), 5, 32, "array items of different types: scalar here, integer at 5:29"},
    {"NonStringLabel", Dialect::strict, G(EXT "    w = variable(shape = [1], label = 3);\n    y = relu(x);\n"), 5, 39, "argument 'label' of 'variable' has type integer: expected string"},
    {"NestedArrayForTensor", Dialect::strict, G(EXT "    y = add(x, [[1.0]]);\n"), 5, 16, "an array literal cannot stand for a tensor"},
    {"NotGeneric", Dialect::strict, G(EXT "    y = relu<scalar>(x);\n"), 5, 9, "operation 'relu' is not generic"},
    {"GenericBindingClash", Dialect::strict, G(EXT "    c = gt(x, 0.0);\n    y = select(c, x, true);\n"), 6, 22, "argument 'false_value' of 'select' has type logical: expected tensor<?>"},
    {"LogicalOperatorOnTensorStrict", Dialect::strict,
     "version 1.0;\nextension KHR_enable_operator_expressions;\ngraph g( x ) -> ( y )\n{\n" EXT "    c = gt(x, 0.0);\n    y = c && c;\n}\n", 7, 9, "operator '&&' on a tensor is not supported in strict mode: expected and(a, b)"},
    {"ArrayPlusIntegerStrict", Dialect::strict, EXPR_G("    y = reshape(x, shape = [4] + 1);\n"), 6, 28, "invalid operand types integer[] and integer for operator '+'"},
    {"IntegerWithScalarTensorStrict", Dialect::strict, EXPR_G("    y = x * 2;\n"), 6, 9, "invalid operand types tensor<scalar> and integer for operator '*'"},
    {"ScalarIndexStrict", Dialect::strict, EXPR_G("    y = reshape(x, shape = [[4, 1][0.0]]);\n"), 6, 36, "array index has type scalar: expected integer"},
    {"NonLogicalConditionStrict", Dialect::strict, EXPR_G("    y = reshape(x, shape = [4] if 1 else [2, 2]);\n"), 6, 35, "condition has type integer: expected a logical value"},
    {"UnaryPlusStrict", Dialect::strict, EXPR_G("    y = +x;\n"), 6, 9, "unary '+' is not supported in strict mode"},
    {"LengthOfTensorStrict", Dialect::strict, EXPR_G("    y = reshape(x, shape = [length_of(x)]);\n"), 6, 39, "argument of length_of() has type tensor<scalar>: expected an array or string"},
    // 30: LHS
    {"TupleLhsForOneResult", Dialect::strict, G(EXT "    y, z = relu(x);\n"), 5, 5, "operation 'relu' has 1 result: expected a single identifier on the left-hand side, found a tuple of 2"},
    {"ArrayLhsForOneResult", Dialect::strict, G(EXT "    [y] = relu(x);\n"), 5, 5, "found an array of 1"},
    {"TupleLhsForArrayResultStrict", Dialect::strict, G(EXT "    (a, y) = split(x, axis = 1, ratios = [1, 1]);\n"), 5, 5, "returns an array (tensor<?>[]): expected an identifier or an array"},
    {"TooFewResultNames", Dialect::strict, G(EXT "    y = moments(x, axes = [1]);\n"), 5, 5, "operation 'moments' has 2 results: expected 2 identifiers"},
    {"LiteralOnLhs", Dialect::strict, G(EXT "    1 = relu(x);\n"), 5, 5, "expected identifier, array or tuple on the left-hand side of an assignment, found integer '1'"},
    // 31: fragment signatures
    {"GenericWithoutDeclaration", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<?> ) -> ( y: tensor<?> );\n" TAIL, 2, 1, "fragment 'f' uses '?' in its signature: expected a generic declaration 'f<?>'"},
    {"DeclarationWithoutGeneric", Dialect::tract,
     "version 1.0;\nfragment f<?>( x: tensor<scalar> ) -> ( y: tensor<scalar> );\n" TAIL, 2, 1, "is declared generic but its signature has no '?'"},
    {"TensorAfterAttribute", Dialect::strict,
     "version 1.0;\nextension KHR_enable_fragment_definitions;\nfragment f( n: integer, x: tensor<scalar> ) -> ( y: tensor<scalar> );\n" TAIL, 3, 25, "tensor parameter 'x' of fragment 'f' follows an attribute parameter"},
    {"DuplicateParam", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<scalar>, x: tensor<scalar> ) -> ( y: tensor<scalar> );\n" TAIL, 2, 32, "duplicate parameter name 'x' in fragment 'f' (first at 2:13)"},
    {"ParamAndResultSameName", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<scalar> ) -> ( x: tensor<scalar> );\n" TAIL, 2, 38, "name 'x' used twice in the signature"},
    {"BadDefaultType", Dialect::strict,
     "version 1.0;\nextension KHR_enable_fragment_definitions;\nfragment f( x: tensor<scalar>, n: integer = 'a' ) -> ( y: tensor<scalar> );\n" TAIL, 3, 45, "default value of parameter 'n' has type string: expected integer"},
    // 32: fragment results
    {"ResultNeverAssigned", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<scalar> ) -> ( y: tensor<scalar>, z: tensor<scalar> )\n{\n    y = relu(x);\n}\n" TAIL, 2, 57, "result 'z' of fragment 'f' is never assigned"},
    {"AttributeResultGetsTensor", Dialect::tract,
     "version 1.0;\nfragment f( x: tensor<scalar> ) -> ( n: integer )\n{\n    n = relu(x);\n}\n" TAIL, 4, 5, "result 'n' of fragment 'f' is declared integer but assigned tensor<scalar>"},
    // 34: tract_core_scan
    {"ScanUnknownBody", Dialect::tract,
     G(TEXT "    (y) = tract_core_scan(body = 'nope', scan = [('a', x, 0, 1)], full = [], state = [], output = [('b', 'full', 0, 1)]);\n"),
     5, 34, "tract_core_scan body 'nope' is not a fragment of this document"},
};

#undef G
#undef EXT
#undef TEXT
#undef TAIL
#undef EXPR_G

class NnefMalformed : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(NnefMalformed, IsRejectedWithLocationAndReason) {
  const MalformedCase& c = GetParam();
  Error error = testing::expect_failure(c.text, c.dialect);
  EXPECT_EQ(error.where().file, "test.nnef");
  EXPECT_EQ(error.where().line, c.line) << error.what();
  EXPECT_EQ(error.where().column, c.column) << error.what();
  EXPECT_NE(error.message().find(c.message_part), std::string::npos)
      << "message: " << error.message() << "\nexpected to contain: " << c.message_part;
}

INSTANTIATE_TEST_SUITE_P(Cases, NnefMalformed, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<MalformedCase>& case_info) { return std::string(case_info.param.name); });

// tract_core_scan rules (spec §6 item 34) on a minimal body.
std::string scan_document(const std::string& scan_call) {
  return "version 1.0;\nextension tract_registry tract_core;\n"
         "fragment step( h: tensor<scalar>, x: tensor<scalar>, w: tensor<scalar> ) -> ( h_next: tensor<scalar> )\n"
         "{\n    h_next = tanh(x + matmul(h, w));\n}\n"
         "graph g( x, h0 ) -> ( y )\n{\n"
         "    x = tract_core_external(shape = [5, 1, 2], datum_type = 'f32');\n"
         "    h0 = tract_core_external(shape = [1, 2], datum_type = 'f32');\n"
         "    w = variable<scalar>(label = 'w', shape = [2, 2]);\n" +
         scan_call + "\n}\n";
}

struct ScanCase {
  const char* name;
  const char* call;  // line 12
  int column;
  const char* message_part;
};

const ScanCase kScanCases[] = {
    {"Valid", "    (y) = tract_core_scan(body = 'step', scan = [('x', x, 0, 1)], full = [('w', w)], state = [('h', h0, 'h_next')], output = [('h_next', 'full', 0, 1)]);", 0, ""},
    {"ParamBoundTwice", "    (y) = tract_core_scan(body = 'step', scan = [('x', x, 0, 1)], full = [('w', w), ('x', w)], state = [('h', h0, 'h_next')], output = [('h_next', 'full', 0, 1)]);", 86, "scan body parameter 'x' bound twice"},
    {"ParamUnbound", "    (y) = tract_core_scan(body = 'step', scan = [('x', x, 0, 1)], full = [], state = [('h', h0, 'h_next')], output = [('h_next', 'full', 0, 1)]);", 27, "scan body parameter 'w' of 'step' is not bound"},
    {"NotAParam", "    (y) = tract_core_scan(body = 'step', scan = [('x', x, 0, 1)], full = [('w', w), ('q', w)], state = [('h', h0, 'h_next')], output = [('h_next', 'full', 0, 1)]);", 86, "'q' in full is not a parameter of scan body 'step'"},
    {"StateResultUnknown", "    (y) = tract_core_scan(body = 'step', scan = [('x', x, 0, 1)], full = [('w', w)], state = [('h', h0, 'h_new')], output = [('h_next', 'full', 0, 1)]);", 105, "state result 'h_new' is not a result"},
    {"OutputKind", "    (y) = tract_core_scan(body = 'step', scan = [('x', x, 0, 1)], full = [('w', w)], state = [('h', h0, 'h_next')], output = [('h_next', 'all', 0, 1)]);", 138, "output kind 'all': expected \"full\" or \"last\""},
    {"ChunkZero", "    (y) = tract_core_scan(body = 'step', scan = [('x', x, 0, 0)], full = [('w', w)], state = [('h', h0, 'h_next')], output = [('h_next', 'full', 0, 1)]);", 62, "scan chunk is 0"},
    {"LhsCount", "    (y, z) = tract_core_scan(body = 'step', scan = [('x', x, 0, 1)], full = [('w', w)], state = [('h', h0, 'h_next')], output = [('h_next', 'full', 0, 1)]);", 5, "tract_core_scan has 1 outputs: expected as many names on the left-hand side, found 2"},
};

std::ostream& operator<<(std::ostream& os, const ScanCase& c) { return os << c.name; }

class NnefScanRules : public ::testing::TestWithParam<ScanCase> {};

TEST_P(NnefScanRules, AreChecked) {
  const ScanCase& c = GetParam();
  std::string text = scan_document(c.call);
  if (c.column == 0) {
    Document doc = parse_document(text, "test.nnef");
    EXPECT_NO_THROW(check_document(doc, "test.nnef"));
    return;
  }
  Error error = testing::expect_failure(text, Dialect::tract);
  EXPECT_EQ(error.where().line, 12) << error.what();
  EXPECT_EQ(error.where().column, c.column) << error.what();
  EXPECT_NE(error.message().find(c.message_part), std::string::npos) << error.message();
}

INSTANTIATE_TEST_SUITE_P(Cases, NnefScanRules, ::testing::ValuesIn(kScanCases),
                         [](const ::testing::TestParamInfo<ScanCase>& case_info) { return std::string(case_info.param.name); });

}  // namespace
}  // namespace rnnconf::nnef

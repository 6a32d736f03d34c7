// libFuzzer target for the NNEF text parser, checker and printer: any input
// must either be refused with rnnconf::Error or parse, check (or be refused)
// and print to text that parses back to the same AST with the same check
// verdict, in both dialects and both layouts. Anything else aborts.
//   cmake -DRNNCONF_FUZZ=ON (clang) && ninja fuzz_parser
//   ./fuzz_parser -dict=nnef/fuzz/parser.dict <copy of nnef/fuzz/corpus/parser>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace {

using namespace rnnconf::nnef;

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "parser_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

bool passes_checks(const Document& doc, const ParseOptions& options) {
  try {
    check_document(doc, "fuzz.nnef", options);
    return true;
  } catch (const rnnconf::Error&) {
    return false;
  }
}

void round_trip(std::string_view text, const ParseOptions& options) {
  Document doc;
  try {
    doc = parse_document(text, "fuzz.nnef", options);
  } catch (const rnnconf::Error&) {
    return;  // refused with a located error: fine
  }
  const bool checked = passes_checks(doc, options);
  std::string printed;
  try {
    printed = print_document(doc, PrintOptions{options.dialect});
  } catch (const rnnconf::Error& error) {
    die("printer refused a parsed document", error.what());
  }
  Document again;
  try {
    again = parse_document(printed, "printed.nnef", options);
  } catch (const rnnconf::Error& error) {
    die("printed text does not parse", std::string(error.what()) + "\n" + printed);
  }
  if (!(again == doc)) die("parse(print(doc)) != doc", printed);
  if (print_document(again, PrintOptions{options.dialect}) != printed) die("print is not a fixed point", printed);
  if (passes_checks(again, options) != checked) die("check verdict changed after printing", printed);
  for (const auto& fragment : doc.fragments) (void)normalized_body_hash(fragment);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (std::size_t{1} << 16)) return 0;  // bound the work per input
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (Dialect dialect : {Dialect::strict, Dialect::tract}) {
    for (bool fragments_only : {false, true}) {
      ParseOptions options;
      options.dialect = dialect;
      options.fragments_only = fragments_only;
      round_trip(text, options);
    }
  }
  return 0;
}

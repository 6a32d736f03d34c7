// nnef_print: parse (and check) an NNEF text file and print its canonical
// form to stdout; used by the Python cross-checks.
//   nnef_print [--strict|--tract] [--fragments] [--no-check] [--hashes] FILE
// --hashes prints, instead of the text, one line per fragment with a body:
// "<name>\t<16 hex digits of normalized_body_hash>\t<normalized signature>".
// Exit status 0 on success; 1 with "file:line:col: message" on stderr for
// bad input; 2 for bad usage.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"

namespace {

int usage() {
  std::cerr << "usage: nnef_print [--strict|--tract] [--fragments] [--no-check] [--hashes] FILE\n"
               "  --strict     Khronos reference-parser rules\n"
               "  --tract      tract-compat relaxations (default)\n"
               "  --fragments  fragment file: no version, no graph\n"
               "  --no-check   parse only, skip the static checks\n"
               "  --hashes     print name, body hash and signature of each fragment\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace rnnconf::nnef;
  ParseOptions options;
  bool run_checks = true;
  bool print_hashes = false;
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--strict") options.dialect = Dialect::strict;
    else if (arg == "--tract") options.dialect = Dialect::tract;
    else if (arg == "--fragments") options.fragments_only = true;
    else if (arg == "--no-check") run_checks = false;
    else if (arg == "--hashes") print_hashes = true;
    else if (!arg.empty() && arg[0] == '-') return usage();
    else if (path.empty()) path = arg;
    else return usage();
  }
  if (path.empty()) return usage();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << path << ": cannot open file\n";
    return 1;
  }
  std::ostringstream text;
  text << in.rdbuf();
  try {
    Document doc = parse_document(text.str(), path, options);
    if (run_checks) check_document(doc, path, options);
    if (print_hashes) {
      for (const auto& fragment : doc.fragments) {
        if (!fragment.body) continue;
        char hex[17];
        std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(normalized_body_hash(fragment)));
        std::cout << fragment.name << '\t' << hex << '\t' << normalized_signature_text(fragment) << '\n';
      }
    } else {
      std::cout << print_document(doc, PrintOptions{options.dialect});
    }
  } catch (const rnnconf::Error& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
  return 0;
}

// Shared helpers of the NNEF text tests: locating test data through
// RNNCONF_SOURCE_DIR, reading files, and catching the expected Error.
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/check.hpp"
#include "rnnconf/nnef/parser.hpp"

namespace rnnconf::nnef::testing {

inline std::filesystem::path text_data_dir() {
  return std::filesystem::path(RNNCONF_SOURCE_DIR) / "nnef" / "tests" / "data";
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Sorted .nnef files of data/<subdir>.
inline std::vector<std::filesystem::path> nnef_files(const std::string& subdir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(text_data_dir() / subdir))
    if (entry.path().extension() == ".nnef") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

inline ParseOptions options_for(Dialect dialect) {
  ParseOptions options;
  options.dialect = dialect;
  return options;
}

// Parses and checks `text`; returns the Error thrown (fails the test when none is).
inline Error expect_failure(const std::string& text, Dialect dialect) {
  try {
    Document doc = parse_document(text, "test.nnef", options_for(dialect));
    check_document(doc, "test.nnef", options_for(dialect));
  } catch (const Error& error) {
    return error;
  }
  ADD_FAILURE() << "expected an error for:\n" << text;
  return Error("no error");
}

}  // namespace rnnconf::nnef::testing

// torch_to_nnef releases for `exporter-ci --exporter-release`: which releases
// exist (pip's index), version order, and each release installed once with
// `pip install --no-deps --target` into a folder of its own that the
// exporter's python (the project venv with the pinned torch) imports first
// through PYTHONPATH; no venv per release.
//
// Cache: $RNNCONF_T2N_RELEASES, else $XDG_CACHE_HOME/rnnconf/t2n-releases,
// else ~/.cache/rnnconf/t2n-releases; one folder per version, reused. A folder
// is complete when it holds the marker file written after pip succeeded.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace rnnconf::exporter_ci {

// The oldest release `all` selects (the first with the recurrent handlers the
// matrix needs).
inline constexpr const char* kOldestRelease = "0.20.1";
inline constexpr const char* kExporterPackage = "torch-to-nnef";

// "0.24.12" -> {0, 24, 12}; throws Error unless dot-separated non-negative integers.
std::vector<int> parse_version(const std::string& text);
// Numeric order (0.9 < 0.10).
bool version_less(const std::string& a, const std::string& b);
// Ascending, duplicates dropped.
std::vector<std::string> sorted_versions(std::vector<std::string> versions);

// The versions in the output of `pip index versions PACKAGE` ("Available
// versions: 0.24.12, 0.24.10, ..."), ascending; throws Error when absent.
std::vector<std::string> parse_pip_index_output(const std::string& output);
// Asks pip (PYTHON -m pip index versions torch-to-nnef).
std::vector<std::string> available_releases(const std::string& python);

// WANTED: "all" (every AVAILABLE release from kOldestRelease on) or a comma
// list of versions (each must be AVAILABLE when AVAILABLE is not empty).
// Ascending; throws Error naming an unknown or malformed version.
std::vector<std::string> select_releases(const std::string& wanted, const std::vector<std::string>& available);

std::filesystem::path default_release_cache();

// The folder holding release VERSION's torch_to_nnef/ package, installed
// there first when the cache lacks it. LOG receives pip's output when pip ran.
std::filesystem::path install_release(const std::string& python, const std::string& version,
                                      const std::filesystem::path& cache, std::string& log);

}  // namespace rnnconf::exporter_ci

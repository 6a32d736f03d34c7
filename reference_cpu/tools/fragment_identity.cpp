// fragment_identity: prints the identity (fragment_identity.hpp) of every
// fragment defined in the given inputs, as JSON in the format of
// reference_cpu/known_fragments.json. An input is
//   * a model (folder with graph.nnef, .tar, .tgz): the fragments of graph.nnef;
//   * a .nnef file: a document or a fragment file;
//   * a folder of .nnef fragment files (torch_to_nnef's op/fragment): each file
//     on its own (a file is one document; torch_to_nnef ships a fragment with
//     its scan body in one file, and two files may define the same name, e.g.
//     lstm.nnef and lstm_opti_latency.nnef).
// Options: --only a,b,c keeps those fragment names; --source-prefix P sets
// "source" to P + file name (default: the path read).
// Regenerate the known table:
//   cd $SITE/torch_to_nnef/op/fragment && fragment_identity
//     --source-prefix "torch_to_nnef 0.24.12 op/fragment/" --only lstm,lstm_with_projection,gru,rnn_tanh,
//     rnn_relu,rnn_bidi_pack,lstm_cell,gru_cell,rnn_tanh_cell,rnn_relu_cell  (one list, no spaces)
//     lstm.nnef lstm_with_projection.nnef gru.nnef rnn_tanh.nnef rnn_relu.nnef rnn_bidi_pack.nnef
//     lstm_cell.nnef gru_cell.nnef rnn_tanh_cell.nnef rnn_relu_cell.nnef > known_fragments.json
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "rnnconf/core/error.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/reference_cpu/fragment_identity.hpp"

namespace fs = std::filesystem;
using namespace rnnconf;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(SourceLocation::in_file(p.string()), "cannot open");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

nnef::Document parse_any(const std::string& text, const std::string& name) {
  if (text.find("graph") != std::string::npos) {
    try {
      return nnef::parse_document(text, name);
    } catch (const Error&) {
      // not a whole document: read it as a fragment file below
    }
  }
  return nnef::parse_fragment_file(text, name);
}

struct Pool {
  std::vector<nnef::Fragment> fragments;
  std::map<std::string, std::string> source_file;  // fragment name -> file name
};

void add(Pool& pool, nnef::Document doc, const std::string& file) {
  for (auto& f : doc.fragments) {
    pool.source_file[f.name] = file;
    pool.fragments.push_back(std::move(f));
  }
}

std::vector<Pool> load(const fs::path& in) {
  std::vector<Pool> pools(1);
  Pool& pool = pools[0];
  const bool is_model = fs::is_regular_file(in) ? in.extension() != ".nnef" : fs::exists(in / "graph.nnef");
  if (is_model) {
    const nnef::ModelFiles files = nnef::open_model(in);
    add(pool, nnef::parse_document(files.graph_text, files.graph_name), files.graph_name);
  } else if (fs::is_regular_file(in)) {
    add(pool, parse_any(read_text(in), in.string()), in.filename().string());
  } else {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(in))
      if (e.path().extension() == ".nnef") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    // A folder may hold templates or files our parser refuses: they are
    // skipped with a note on stderr (they cannot define a known fragment).
    for (const auto& f : files) {
      try {
        Pool one;
        add(one, parse_any(read_text(f), f.string()), f.filename().string());
        pools.push_back(std::move(one));
      } catch (const Error& e) {
        std::cerr << "fragment_identity: skipped " << e.what() << "\n";
      }
    }
  }
  return pools;
}

std::set<std::string> split_names(const std::string& s) {
  std::set<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.insert(item);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::set<std::string> only;
  std::string prefix;
  bool has_prefix = false;
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--only" && i + 1 < argc) only = split_names(argv[++i]);
    else if (a == "--source-prefix" && i + 1 < argc) prefix = argv[++i], has_prefix = true;
    else if (a == "-h" || a == "--help") {
      std::cout << "usage: fragment_identity [--only a,b] [--source-prefix P] PATH...\n";
      return 0;
    } else inputs.emplace_back(a);
  }
  if (inputs.empty()) {
    std::cerr << "usage: fragment_identity [--only a,b] [--source-prefix P] PATH...\n";
    return 2;
  }
  try {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& in : inputs) {
      for (const Pool& pool : load(in))
      for (const auto& id : cpu::all_fragment_identities(pool.fragments)) {
        if (!only.empty() && !only.count(id.name)) continue;
        const std::string& file = pool.source_file.at(id.name);
        list.push_back({{"name", id.name},
                        {"signature", id.signature},
                        {"hash", id.hash_hex()},
                        {"source", has_prefix ? prefix + fs::path(file).filename().string() : file},
                        {"closure", id.closure}});
      }
    }
    nlohmann::json out = {{"rule", "see reference_cpu/include/rnnconf/reference_cpu/fragment_identity.hpp"},
                          {"fragments", list}};
    std::cout << out.dump(2) << "\n";
  } catch (const Error& e) {
    std::cerr << "fragment_identity: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

// emitter_diff_table [REPO_ROOT]: for every small-tier matrix case with a
// torch_to_nnef export, emits our model from the case's params and prints one
// markdown table row with `rnnconf diff`'s verdict (ours = A, t2n = B), the
// first differing statements, and the golden's recorded verdict for the
// t2n export (goldens/data/<case>/meta.json). Used to generate the table of
// emitter/README.md.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "rnnconf/core/rnn_spec.hpp"
#include "rnnconf/emitter/emit_inputs.hpp"
#include "rnnconf/emitter/emitter.hpp"
#include "rnnconf/emitter/statement_diff.hpp"
#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/parser.hpp"

namespace fs = std::filesystem;
using namespace rnnconf;

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string cell_text(std::string s) {
  for (char& c : s)
    if (c == '|') c = '/';
  if (s.size() > 160) s = s.substr(0, 157) + "...";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path root = argc > 1 ? fs::path(argv[1]) : fs::path(RNNCONF_SOURCE_DIR);
  const auto matrix = nlohmann::json::parse(read_text(root / "conformance" / "matrix.json"));
  std::cout << "| case | t2n golden verdict | diff (ours = A, t2n = B) | first difference (A / B) | diff --ignore-labels |\n"
               "|---|---|---|---|---|\n";
  for (const auto& c : matrix.at("cases")) {
    if (c.value("tier", "") != "small") continue;
    const std::string name = c.at("name").get<std::string>();
    const fs::path dir = root / "goldens" / "data" / name;
    if (!fs::exists(dir / "meta.json")) continue;
    const auto meta = nlohmann::json::parse(read_text(dir / "meta.json"));
    const std::string verdict = meta.value("verdict", "?");
    std::cout << "| " << name << " | " << verdict << " | ";
    try {
      const RnnSpec spec = parse_rnn_spec(name);
      const emitter::EmittedModel ours = emitter::emit_module(spec, emitter::read_params_dir(spec, dir / "params"));
      const fs::path t2n = dir / "export" / "model.nnef.tgz";
      if (!fs::exists(t2n)) {
        std::cout << "no t2n export (" << cell_text(meta.at("export").value("status", "?")) << ") | | |\n";
        continue;
      }
      const nnef::ModelFiles files = nnef::open_model(t2n);
      const nnef::Document a = nnef::parse_document(ours.graph_text, "ours");
      const nnef::Document b = nnef::parse_document(files.graph_text, files.graph_name);
      const auto d = emitter::diff_statements(a, b);
      emitter::DiffOptions blind;
      blind.ignore_labels = true;
      const auto d_blind = emitter::diff_statements(a, b, blind);
      std::cout << emitter::verdict_line(d) << " | ";
      if (!d.identical) {
        const auto show = [&](const std::vector<emitter::Statement>& s) {
          return d.first < s.size() ? "`" + cell_text(s[d.first].text) + "`" : std::string("(none)");
        };
        std::cout << show(d.a) << " / " << show(d.b);
      }
      std::cout << " | " << emitter::verdict_line(d_blind);
      if (!d_blind.identical && d_blind.first < d_blind.a.size() && d_blind.first < d_blind.b.size())
        std::cout << ": `" << cell_text(d_blind.a[d_blind.first].text) << "` / `" << cell_text(d_blind.b[d_blind.first].text) << "`";
      std::cout << " |\n";
    } catch (const std::exception& e) {
      std::cout << "ERROR " << cell_text(e.what()) << " | | |\n";
    }
  }
  return 0;
}

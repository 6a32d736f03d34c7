// model_tool: command-line access to nnef/container.hpp for the Python checks.
//   model_tool list MODEL        graph name, then every .dat member with dtype and shape
//   model_tool repack IN OUT     open IN (folder/.tar/.tgz), write OUT with write_model:
//                                every .dat member "<label>.dat" becomes variable <label>
// Errors go to stderr with exit status 1.
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "rnnconf/nnef/container.hpp"
#include "rnnconf/nnef/dat.hpp"

int main(int argc, char** argv) {
  using namespace rnnconf;
  try {
    if (argc == 3 && std::strcmp(argv[1], "list") == 0) {
      const nnef::ModelFiles m = nnef::open_model(argv[2]);
      fmt::print("graph {} ({} bytes)\n", m.graph_name, m.graph_text.size());
      for (const auto& member : nnef::list_dat_members(m)) {
        const Tensor t = nnef::read_member_tensor(m, member);
        fmt::print("{} {} {}\n", member, dtype_name(t.dtype()), shape_str(t.shape()));
      }
      return 0;
    }
    if (argc == 4 && std::strcmp(argv[1], "repack") == 0) {
      const nnef::ModelFiles m = nnef::open_model(argv[2]);
      std::map<std::string, Tensor> vars;
      for (const auto& member : nnef::list_dat_members(m))
        vars.emplace(member.substr(0, member.size() - 4), nnef::read_member_tensor(m, member));
      nnef::write_model(argv[3], m.graph_text, vars, m.quant_text);
      return 0;
    }
    std::fputs("usage: model_tool list MODEL | model_tool repack IN OUT\n", stderr);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_tool: %s\n", e.what());
    return 1;
  }
}

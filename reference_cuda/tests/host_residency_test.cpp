// The device executor as it ships (src/executor/: DeviceSequenceBackend with
// its tensor store, plans, pending and paired projections, lane events,
// capture and replay; run_on_device), run on the emulated device
// (emulated_device.hpp) over every committed torch_to_nnef export and our
// emitter's cell models, without a GPU. The emulated device reports any
// read or overwrite that the executor's event waits and synchronizes do not
// order, a host pointer used as a device one, and memory used after release,
// and it delivers copies to the host only at a synchronize: placeholders stay
// NaN until then, so a host read the interpreter forgets to announce shows up
// in the outputs. Checked per export: outputs within the CUDA executor's
// bound of the CPU executor (the device steps use other GEMM kernels than the
// CPU's fused ones); on the fragment exports every layout op on the device
// (no CPU-fallback warning), one upload per graph input and one download per
// graph output, one paired projection per bidirectional layer; a second run
// uploads no weights, captures nothing and gives the same bits; one lane,
// no pairing and no graphs give the same bits too. Recording gives the CPU's
// records; ops the device does not run fall back with a warning; unknown
// fragments run literally.
#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "emulated_device.hpp"
#include "executor/device_run.hpp"
#include "golden_test_support.hpp"
#include "numeric_test_support.hpp"
#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"

namespace rnnconf::cuda::testing {
namespace {

// The CUDA executor's bound against the CPU executor (executor_residency_test.cpp).
constexpr double kVsCpuBound = 2 * kFloatBound;

struct Config {
  bool graphs = true;
  int lanes = 2;
  bool pair = true;
};

// An executor on its own emulated device, as CudaExecutor is on a CudaDevice.
struct EmulatedExecutor {
  EmulatedExecutor(const nnef::Model& m, Config c = {}) : model(m), backend(dev, c.graphs, c.lanes, c.pair) {
    backend.set_persistent(variable_keys(m));
  }
  cpu::RunResult run(const std::map<std::string, Tensor>& inputs, bool record = false) {
    return run_on_device(backend, model, inputs, record);
  }
  const nnef::Model& model;
  EmulatedDevice dev;
  DeviceSequenceBackend backend;
};

void expect_outputs_near(const cpu::RunResult& got, const cpu::RunResult& want) {
  ASSERT_EQ(got.outputs.size(), want.outputs.size());
  for (const auto& [name, t] : want.outputs) {
    ASSERT_TRUE(got.outputs.count(name)) << name;
    EXPECT_EQ(got.outputs.at(name).shape(), t.shape()) << name;
    EXPECT_LE(max_rel_error(as_double(got.outputs.at(name)), as_double(t)), kVsCpuBound)
        << name << " differs from the CPU executor";
  }
}

void expect_same_bits(const cpu::RunResult& got, const cpu::RunResult& want, const std::string& what) {
  for (const auto& [name, t] : want.outputs) EXPECT_TRUE(same_bits(got.outputs.at(name), t)) << name << ": " << what;
}

// "..._l2_bidi_..." -> 2 (bidirectional layers of a golden case), else 0.
int bidirectional_layers(const std::string& name) {
  std::smatch m;
  static const std::regex re("_l([0-9]+)_bidi_");
  return std::regex_search(name, m, re) ? std::stoi(m[1]) : 0;
}

TEST(HostResidency, EveryCommittedExportMatchesCpuThroughTheShippedBookkeeping) {
  int fragment_cases = 0, primitive_cases = 0, paired_cases = 0;
  for (const auto& dir : std::filesystem::directory_iterator(source_root() / "goldens" / "data")) {
    const conformance::Golden g = conformance::load_golden(dir.path());
    if (!g.export_path) continue;
    SCOPED_TRACE(g.name);
    nnef::Model model;
    cpu::RunResult want;
    try {
      model = nnef::load_model(*g.export_path);
      want = cpu::run_model(model, g.inputs, cpu::RunOptions{});
    } catch (const Error&) {
      continue;  // exports the CPU executor itself refuses (known exporter defects)
    }
    EmulatedExecutor exec(model);
    const cpu::RunResult got = exec.run(g.inputs);
    expect_outputs_near(got, want);
    const DeviceSequenceBackend& b = exec.backend;
    const int64_t uploads = b.host_to_device(), downloads = b.device_to_host(), weights = b.weight_uploads(),
                  captures = b.graph_captures(), replays = b.graph_replays();
    bool all_fused = !want.calls.empty();
    for (const auto& c : want.calls) all_fused = all_fused && c.fused;
    if (g.export_path_kind == "fragment" && all_fused) {
      ++fragment_cases;
      for (const auto& w : got.warnings) EXPECT_FALSE(fallback_warning(w)) << w;
      EXPECT_EQ(uploads, static_cast<int64_t>(g.inputs.size())) << "uploads per run != graph inputs";
      EXPECT_EQ(downloads, static_cast<int64_t>(want.outputs.size())) << "downloads per run != graph outputs";
      EXPECT_GT(weights, 0) << "no fused call reached the device";
      EXPECT_EQ(b.paired_projections(), bidirectional_layers(g.name)) << "one paired projection per bidirectional layer";
      paired_cases += b.paired_projections() > 0 ? 1 : 0;
    } else {
      ++primitive_cases;
      bool warned = false;
      for (const auto& w : got.warnings) warned = warned || fallback_warning(w);
      EXPECT_TRUE(warned || weights > 0) << "neither fused nor a fallback warning";
    }
    // A second run: weights and captured loops reused, the same bits, the same transfers.
    const cpu::RunResult again = exec.run(g.inputs);
    expect_same_bits(again, got, "second run");
    EXPECT_EQ(b.weight_uploads(), weights) << "weights uploaded again";
    EXPECT_EQ(b.graph_captures(), captures) << "loops captured again";
    EXPECT_EQ(b.graph_replays(), 2 * replays);
    EXPECT_EQ(b.host_to_device(), 2 * uploads);
    EXPECT_EQ(b.device_to_host(), 2 * downloads);
    EXPECT_TRUE(exec.dev.misuses().empty());
    // One lane, no pairing, no graphs: the same work in another order, the same bits.
    EmulatedExecutor plain(model, Config{false, 1, false});
    expect_same_bits(plain.run(g.inputs), got, "one lane, no pairing, no graphs");
    EXPECT_EQ(plain.backend.paired_projections(), 0);
  }
  EXPECT_GT(fragment_cases, 250) << "too few fragment exports checked";
  EXPECT_GT(primitive_cases, 0);
  EXPECT_GT(paired_cases, 50) << "too few bidirectional exports paired";
  std::cout << "checked " << fragment_cases << " fragment exports (" << paired_cases << " with paired projections) and "
            << primitive_cases << " others\n";
}

TEST(HostResidency, RecordsMatchCpu) {
  for (const char* name : {"lstm_l2_bidi_bf_bias_noh0_I5H7_B3T4", "gru_l2_bidi_bf_bias_h0_I5H7_B3T4", "lstm_cell_bias_h0_I5H7_B3"}) {
    SCOPED_TRACE(name);
    const conformance::Golden g = conformance::load_golden(golden_dir(name));
    const nnef::Model model = nnef::load_model(*g.export_path);
    cpu::RunOptions opt;
    opt.record = true;
    const cpu::RunResult want = cpu::run_model(model, g.inputs, opt);
    EmulatedExecutor exec(model);
    const cpu::RunResult got = exec.run(g.inputs, /*record=*/true);
    ASSERT_FALSE(want.records.empty());
    ASSERT_EQ(got.records.size(), want.records.size());
    for (size_t k = 0; k < want.records.size(); ++k) {
      EXPECT_EQ(got.records[k].name, want.records[k].name);
      EXPECT_LE(max_rel_error(as_double(got.records[k].value), as_double(want.records[k].value)), kVsCpuBound)
          << want.records[k].name;
    }
    expect_outputs_near(got, want);
    EXPECT_EQ(exec.backend.paired_projections(), 0) << "recorded calls are not paired";
  }
}

TEST(HostResidency, TracedCellFallsBackWithWarningsNamingOps) {
  // torch_to_nnef exports nn.GRUCell as primitives: matmul/linear/add/sigmoid... run on the CPU, named.
  const conformance::Golden g = conformance::load_golden(golden_dir("gru_cell_bias_h0_I5H7_B3"));
  const nnef::Model model = nnef::load_model(*g.export_path);
  const cpu::RunResult want = cpu::run_model(model, g.inputs, cpu::RunOptions{});
  EmulatedExecutor exec(model);
  const cpu::RunResult got = exec.run(g.inputs);
  expect_same_bits(got, want, "the CPU ops ran on the CPU, the device only moved data");
  std::set<std::string> named;
  for (const auto& w : got.warnings)
    if (fallback_warning(w)) named.insert(w.substr(0, w.find(" ran on the CPU")));
  EXPECT_FALSE(named.empty());
  for (const auto& n : named) EXPECT_EQ(n.find("device emulated: op '"), 0u) << n;
}

TEST(HostResidency, EmitterCellAndBidiModelsMatchCpu) {
  // Our emitter's models: the only source of gru_cell / rnn_*_cell fragment calls.
  const auto matrix = conformance::load_matrix(source_root() / "conformance" / "matrix.json");
  for (const char* name : {"gru_cell_bias_h0_I13H37_B3", "rnn_relu_cell_bias_h0_I13H37_B3", "rnn_tanh_cell_bias_h0_I13H37_B3",
                           "lstm_cell_bias_noh0_I5H7_B3", "gru_cell_nobias_noh0_I5H7_B3", "lstm_l2_bidi_bf_bias_h0_I5H7_B3T4"}) {
    SCOPED_TRACE(name);
    const auto dir = golden_dir(name);
    const conformance::Golden g = conformance::load_golden(dir);
    const auto sel = conformance::select_cases(matrix, std::string("^") + name + "$", "");
    ASSERT_EQ(sel.size(), 1u);
    const auto tar = std::filesystem::temp_directory_path() / (std::string("rnnconf_residency_test_") + name + ".tar");
    conformance::emit_golden_model(sel.front(), dir, tar);
    const nnef::Model model = nnef::load_model(tar);
    const cpu::RunResult want = cpu::run_model(model, g.inputs, cpu::RunOptions{});
    EmulatedExecutor exec(model);
    const cpu::RunResult got = exec.run(g.inputs);
    expect_outputs_near(got, want);
    for (const auto& w : got.warnings) EXPECT_FALSE(fallback_warning(w)) << w;
    EXPECT_GT(exec.backend.weight_uploads(), 0);
    EXPECT_EQ(exec.backend.host_to_device(), static_cast<int64_t>(g.inputs.size()));
    EXPECT_EQ(exec.backend.device_to_host(), static_cast<int64_t>(want.outputs.size()));
  }
}

// A fragment of unknown identity runs literally (never fused), its layout ops
// may still run on the device, and the warnings say it ran literally.
TEST(HostResidency, UnknownFragmentRunsLiterally) {
  const UnknownFragmentCase c = unknown_fragment_case();
  const cpu::RunResult want = cpu::run_model(c.model, c.inputs, cpu::RunOptions{});
  EmulatedExecutor exec(c.model);
  const cpu::RunResult got = exec.run(c.inputs);
  EXPECT_TRUE(same_bits(got.outputs.at("z"), want.outputs.at("z")));
  ASSERT_EQ(got.calls.size(), 1u);
  EXPECT_FALSE(got.calls[0].fused);
  bool unknown = false, literal = false;
  for (const auto& w : got.warnings) {
    unknown = unknown || w.find("unknown identity") != std::string::npos;
    literal = literal || (w.find("device emulated: fragment 'my_pack'") == 0 && w.find("ran literally on the CPU") != std::string::npos);
  }
  // 'my_pack' names no fused kernel: a helper fragment, run literally without an
  // "unknown identity" warning (that one is for an lstm/gru/... whose body differs);
  // the device still says it ran on the CPU.
  EXPECT_FALSE(unknown);
  EXPECT_TRUE(literal);
  EXPECT_EQ(exec.backend.device_layout_ops(), 2);
  EXPECT_EQ(exec.backend.device_to_host(), 1);
}

}  // namespace
}  // namespace rnnconf::cuda::testing

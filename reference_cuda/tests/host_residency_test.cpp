// The device-residency protocol of the CUDA executor (sequence_backend.hpp,
// cuda_sequence_backend.hpp), checked without a GPU: an emulated device
// (EmulatedDevice below, host vectors standing for device buffers, the same
// layout plans and host gather the CUDA path plans with, the CPU kernels for
// the fused calls) is plugged into the CPU executor exactly as
// CudaSequenceBackend is. Placeholders stay NaN until to_host, so a host read
// the interpreter forgets to announce shows up as NaN in the outputs. On every
// committed torch_to_nnef export (and our emitter's cell models) the outputs
// must be bit-identical to the CPU executor's; on the fragment exports every
// layout op must run on the "device" (no CPU-fallback warning) with one
// upload per graph input and one download per graph output; recording gives
// the CPU's records; ops the device does not run fall back with a warning.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "golden_test_support.hpp"
#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/matrix.hpp"
#include "rnnconf/conformance/runner.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cpu/rnn_kernels.hpp"
#include "rnnconf/reference_cpu/sequence_backend.hpp"
#include "rnnconf/reference_cuda/layout_plan.hpp"

namespace rnnconf::cuda {
namespace {

using testing::fallback_warning;
using testing::golden_dir;
using testing::same_bits;
using testing::source_root;

class EmulatedDevice final : public cpu::SequenceBackend {
 public:
  int64_t uploads = 0, variable_uploads = 0, downloads = 0, layout_ops = 0, fused_calls = 0;
  std::set<const void*> variables;  // as CudaExecutor: model variables count apart (kept across runs there)

  explicit EmulatedDevice(const nnef::Model& m) {
    for (const auto& [label, t] : m.variables) variables.insert(t.bytes());
  }

  std::string name() const override { return "emulated"; }
  bool keeps_tensors() const override { return true; }

  std::shared_ptr<const Tensor> run_op(const cpu::BackendOp& op, std::string& why_not) override {
    std::vector<Shape> shapes;
    for (const auto& t : op.tensors) shapes.push_back(t->shape());
    const auto plan = plan_layout_op(op.op, shapes, op.attributes, why_not);
    if (!plan) return nullptr;
    ++layout_ops;
    std::vector<const float*> src;
    for (const auto& t : op.tensors) src.push_back(device(t));
    auto out = placeholder(plan->out_shape);
    if (out->numel() > 0) run_layout_plan_host(*plan, src, mem_.at(out->bytes()).device.data());
    return out;
  }
  std::shared_ptr<Tensor> new_output(const Shape& shape) override { return placeholder(shape); }
  void will_read(const std::vector<std::shared_ptr<const Tensor>>& ts) override {
    for (const auto& t : ts) device(t);
  }
  void to_host(const Tensor& t) override {
    auto it = mem_.find(t.bytes());
    if (it == mem_.end() || it->second.host_valid) return;
    std::memcpy(it->second.placeholder->data<float>(), it->second.device.data(), it->second.device.size() * sizeof(float));
    it->second.host_valid = true;
    ++downloads;
  }

  void run_sequence(const void*, const cpu::RnnWeights<float>& w, const cpu::SequenceArgs<float>& a,
                    const cpu::StepRecorder<float>& recorder) override {
    ++fused_calls;
    cpu::SequenceArgs<float> d = a;
    d.x = find(a.x);
    d.h0 = find(a.h0);
    d.c0 = find(a.c0);
    d.y = target(a.y);
    d.h_last = target(a.h_last);
    d.c_last = target(a.c_last);
    cpu::run_sequence(w, d, ws_, recorder);
  }
  void run_cell(const void*, const cpu::RnnWeights<float>& w, const cpu::CellArgs<float>& a) override {
    ++fused_calls;
    cpu::CellArgs<float> d = a;
    d.x = find(a.x);
    d.h_prev = find(a.h_prev);
    d.c_prev = find(a.c_prev);
    d.h_new = target(a.h_new);
    d.c_new = target(a.c_new);
    cpu::run_cell(w, d, ws_);
  }

 private:
  struct Entry {
    std::shared_ptr<const Tensor> host;
    Tensor* placeholder = nullptr;
    bool host_valid = true;
    std::vector<float> device;
  };
  std::shared_ptr<Tensor> placeholder(const Shape& shape) {
    auto t = std::make_shared<Tensor>(DType::f32, shape);
    for (float& v : t->span<float>()) v = std::numeric_limits<float>::quiet_NaN();
    if (t->numel() == 0) return t;
    mem_[t->bytes()] = Entry{t, t.get(), false, std::vector<float>(static_cast<size_t>(t->numel()), std::numeric_limits<float>::quiet_NaN())};
    return t;
  }
  const float* device(const std::shared_ptr<const Tensor>& t) {
    if (t->numel() == 0) return nullptr;
    auto it = mem_.find(t->bytes());
    if (it == mem_.end()) {
      auto s = t->span<float>();
      it = mem_.emplace(t->bytes(), Entry{t, nullptr, true, std::vector<float>(s.begin(), s.end())}).first;
      ++(variables.count(t->bytes()) ? variable_uploads : uploads);
    }
    return it->second.device.data();
  }
  // The "device" copy of a fused call's input (all are announced by will_read).
  const float* find(const float* host) {
    if (host == nullptr) return nullptr;
    auto it = mem_.find(host);
    if (it == mem_.end()) throw Error("emulated device: a fused call reads a tensor that was not announced");
    return it->second.device.data();
  }
  float* target(float* host) {
    if (host == nullptr) return nullptr;
    auto it = mem_.find(host);
    if (it == mem_.end() || it->second.placeholder == nullptr) throw Error("emulated device: output is not a placeholder");
    return it->second.device.data();
  }
  std::map<const void*, Entry> mem_;
  cpu::SequenceWorkspace<float> ws_;
};




TEST(HostResidency, EveryCommittedExportBitIdenticalToCpu) {
  int fragment_cases = 0, primitive_cases = 0;
  for (const auto& dir : std::filesystem::directory_iterator(testing::source_root() / "goldens" / "data")) {
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
    EmulatedDevice dev(model);
    cpu::RunOptions opt;
    opt.backend = &dev;
    const cpu::RunResult got = cpu::run_model(model, g.inputs, opt);
    ASSERT_EQ(got.outputs.size(), want.outputs.size());
    for (const auto& [name, t] : want.outputs) {
      ASSERT_TRUE(got.outputs.count(name)) << name;
      EXPECT_TRUE(same_bits(got.outputs.at(name), t)) << name << " differs from the CPU executor";
    }
    bool all_fused = !want.calls.empty();
    for (const auto& c : want.calls) all_fused = all_fused && c.fused;
    if (g.export_path_kind == "fragment" && all_fused) {
      ++fragment_cases;
      for (const auto& w : got.warnings) EXPECT_FALSE(fallback_warning(w)) << w;
      EXPECT_EQ(dev.uploads, static_cast<int64_t>(g.inputs.size())) << "uploads per run != graph inputs";
      EXPECT_EQ(dev.downloads, static_cast<int64_t>(want.outputs.size())) << "downloads per run != graph outputs";
      EXPECT_GT(dev.fused_calls, 0);
    } else {
      ++primitive_cases;
      bool warned = false;
      for (const auto& w : got.warnings) warned = warned || fallback_warning(w);
      EXPECT_TRUE(warned || dev.fused_calls > 0) << "neither fused nor a fallback warning";
    }
  }
  EXPECT_GT(fragment_cases, 250) << "too few fragment exports checked";
  EXPECT_GT(primitive_cases, 0);
  std::cout << "checked " << fragment_cases << " fragment exports and " << primitive_cases << " others\n";
}

TEST(HostResidency, RecordsEqualCpu) {
  for (const char* name : {"lstm_l2_bidi_bf_bias_noh0_I5H7_B3T4", "gru_l2_bidi_bf_bias_h0_I5H7_B3T4", "lstm_cell_bias_h0_I5H7_B3"}) {
    SCOPED_TRACE(name);
    const conformance::Golden g = conformance::load_golden(golden_dir(name));
    const nnef::Model model = nnef::load_model(*g.export_path);
    cpu::RunOptions opt;
    opt.record = true;
    const cpu::RunResult want = cpu::run_model(model, g.inputs, opt);
    EmulatedDevice dev(model);
    opt.backend = &dev;
    const cpu::RunResult got = cpu::run_model(model, g.inputs, opt);
    ASSERT_FALSE(want.records.empty());
    ASSERT_EQ(got.records.size(), want.records.size());
    for (size_t k = 0; k < want.records.size(); ++k) {
      EXPECT_EQ(got.records[k].name, want.records[k].name);
      EXPECT_TRUE(same_bits(got.records[k].value, want.records[k].value)) << want.records[k].name;
    }
  }
}

TEST(HostResidency, TracedCellFallsBackWithWarningsNamingOps) {
  // torch_to_nnef exports nn.GRUCell as primitives: matmul/linear/add/sigmoid... run on the CPU, named.
  const conformance::Golden g = conformance::load_golden(golden_dir("gru_cell_bias_h0_I5H7_B3"));
  const nnef::Model model = nnef::load_model(*g.export_path);
  const cpu::RunResult want = cpu::run_model(model, g.inputs, cpu::RunOptions{});
  EmulatedDevice dev(model);
  cpu::RunOptions opt;
  opt.backend = &dev;
  const cpu::RunResult got = cpu::run_model(model, g.inputs, opt);
  for (const auto& [name, t] : want.outputs) EXPECT_TRUE(same_bits(got.outputs.at(name), t)) << name;
  std::set<std::string> named;
  for (const auto& w : got.warnings)
    if (fallback_warning(w)) named.insert(w.substr(0, w.find(" ran on the CPU")));
  EXPECT_FALSE(named.empty());
  for (const auto& n : named) EXPECT_EQ(n.find("device emulated: op '"), 0u) << n;
}

TEST(HostResidency, EmitterCellAndBidiModelsBitIdenticalToCpu) {
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
    EmulatedDevice dev(model);
    cpu::RunOptions opt;
    opt.backend = &dev;
    const cpu::RunResult got = cpu::run_model(model, g.inputs, opt);
    for (const auto& [out, t] : want.outputs) EXPECT_TRUE(same_bits(got.outputs.at(out), t)) << out;
    for (const auto& w : got.warnings) EXPECT_FALSE(fallback_warning(w)) << w;
    EXPECT_GT(dev.fused_calls, 0);
    EXPECT_EQ(dev.uploads, static_cast<int64_t>(g.inputs.size()));
    EXPECT_EQ(dev.downloads, static_cast<int64_t>(want.outputs.size()));
  }
}

// A fragment of unknown identity runs literally (never fused), its layout ops
// may still run on the device, and the warnings say it ran literally.
TEST(HostResidency, UnknownFragmentRunsLiterally) {
  const testing::UnknownFragmentCase c = testing::unknown_fragment_case();
  const nnef::Model& model = c.model;
  const auto& inputs = c.inputs;
  const cpu::RunResult want = cpu::run_model(model, inputs, cpu::RunOptions{});
  EmulatedDevice dev(model);
  cpu::RunOptions opt;
  opt.backend = &dev;
  const cpu::RunResult got = cpu::run_model(model, inputs, opt);
  EXPECT_TRUE(same_bits(got.outputs.at("z"), want.outputs.at("z")));
  ASSERT_EQ(got.calls.size(), 1u);
  EXPECT_FALSE(got.calls[0].fused);
  bool said = false;
  for (const auto& w : got.warnings) said = said || w.find("unknown identity") != std::string::npos;
  EXPECT_TRUE(said);
  EXPECT_EQ(dev.layout_ops, 2);
  EXPECT_EQ(dev.downloads, 1);
}

}  // namespace
}  // namespace rnnconf::cuda

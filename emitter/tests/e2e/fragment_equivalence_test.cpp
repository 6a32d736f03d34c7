// Our fragments compute what torch_to_nnef's fragments of the same name
// compute. For every small-tier case whose torch_to_nnef export calls
// fragments, the export is run literally twice by the reference executor:
// as exported, and with every fragment definition replaced by ours (same
// names and signatures, our bodies). In float64 both runs agree to rounding
// (1e-12); in float32 within the policy's accumulation floor A. Statements
// are theirs in both runs, so the exporter's statement-level defects do not
// matter here: only the fragment bodies differ.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "emitter_test_support.hpp"
#include "rnnconf/conformance/golden.hpp"
#include "rnnconf/conformance/policy.hpp"
#include "rnnconf/emitter/fragments.hpp"
#include "rnnconf/nnef/model.hpp"
#include "rnnconf/nnef/parser.hpp"
#include "rnnconf/nnef/printer.hpp"
#include "rnnconf/reference_cpu/executor.hpp"
#include "rnnconf/reference_cpu/fragment_identity.hpp"

namespace rnnconf::emitter {
namespace {

using namespace testing;

std::map<std::string, nnef::Fragment> our_fragments() {
  std::map<std::string, nnef::Fragment> out;
  for (const FragmentFile& f : fragment_files())
    for (nnef::Fragment& frag : nnef::parse_fragment_file(f.text, std::string(f.stem) + ".nnef").fragments)
      out.emplace(frag.name, std::move(frag));
  return out;
}

double max_abs_diff(const Tensor& a, const Tensor& b) {
  const Tensor x = a.cast(DType::f64), y = b.cast(DType::f64);
  EXPECT_EQ(x.shape(), y.shape());
  double worst = 0;
  auto xs = x.span<double>();
  auto ys = y.span<double>();
  for (size_t i = 0; i < xs.size() && i < ys.size(); ++i) worst = std::max(worst, std::abs(xs[i] - ys[i]));
  return worst;
}

TEST(FragmentEquivalence, OurBodiesComputeWhatTheExportersCompute) {
  const auto ours = our_fragments();
  const conformance::Policy policy = conformance::load_policy(repo_root() / "conformance" / "POLICY.md");
  std::set<std::string> swapped_names;
  int cases = 0;
  for (const std::string& name : small_cases()) {
    const auto export_path = case_dir(name) / "export" / "model.nnef.tgz";
    if (!std::filesystem::exists(export_path)) continue;
    SCOPED_TRACE(name);
    const conformance::Golden golden = conformance::load_golden(case_dir(name));
    // Only exports that call fragments: t2n traces GRU/RNN cells (and cells
    // without state) to primitive ops, with no fragment to compare.
    if (golden.export_path_kind != "fragment") continue;
    const nnef::Model theirs = nnef::load_model(export_path);
    nnef::Model swapped = theirs;
    int swaps = 0;
    for (nnef::Fragment& f : swapped.doc.fragments) {
      auto it = ours.find(f.name);
      if (it == ours.end()) continue;
      ASSERT_EQ(nnef::normalized_signature_text(f), nnef::normalized_signature_text(it->second)) << f.name;
      f = it->second;
      swapped_names.insert(f.name);
      ++swaps;
    }
    if (swaps == 0) continue;  // primitive-only export (cells traced to linear/slice/...)
    ++cases;
    for (cpu::Precision precision : {cpu::Precision::f64, cpu::Precision::f32}) {
      cpu::RunOptions options;
      options.precision = precision;
      options.mode = cpu::FragmentMode::literal;
      cpu::RunResult a, b;
      try {
        a = cpu::run_model(theirs, golden.inputs, options);
      } catch (const Error&) {
        // The export itself does not run (e.g. rnn_bidi_pack shape = 2H with
        // proj): nothing to compare the bodies on for this case.
        break;
      }
      ASSERT_NO_THROW(b = cpu::run_model(swapped, golden.inputs, options));
      const double tol = precision == cpu::Precision::f64 ? 1e-12 : conformance::accumulation_floor(policy, case_spec(name));
      for (const auto& [out, value] : a.outputs) {
        ASSERT_TRUE(b.outputs.count(out)) << out;
        EXPECT_LE(max_abs_diff(value, b.outputs.at(out)), tol) << out << (precision == cpu::Precision::f64 ? " f64" : " f32");
      }
    }
  }
  EXPECT_GT(cases, 200);
  // Every sequence fragment, scan body and cell fragment we define took part
  // at least once (gru_cell/rnn_*_cell: t2n expands those cells to primitives).
  for (const char* f : {"lstm", "lstm_scan_loop", "lstm_with_projection", "lstm_with_projection_scan_loop", "gru",
                        "gru_scan_loop", "rnn_tanh", "rnn_tanh_scan_loop", "rnn_relu", "rnn_relu_scan_loop",
                        "rnn_bidi_pack", "lstm_cell"})
    EXPECT_TRUE(swapped_names.count(f)) << f;
}

// The identity (name, signature, closure hash) of each of our fragments, as
// reference_cpu binds fused kernels to it. Printed so that the entries can be
// added to reference_cpu/known_fragments.json; asserts that each is
// computable and that its closure is the fragment plus its scan body.
TEST(FragmentEquivalence, OurFragmentIdentities) {
  for (const FragmentFile& f : fragment_files()) {
    const nnef::Document doc = nnef::parse_fragment_file(f.text, std::string(f.stem) + ".nnef");
    const cpu::FragmentIdentity id = cpu::fragment_identity(doc.fragments, std::string(f.stem));
    EXPECT_EQ(id.closure.size(), doc.fragments.size()) << f.stem;
    std::cout << "{\"name\": \"" << id.name << "\", \"signature\": \"" << id.signature << "\", \"hash\": \""
              << id.hash_hex() << "\", \"source\": \"rnnconf fragments/" << f.stem << ".nnef\", \"known\": "
              << (cpu::find_known_fragment(id) ? "true" : "false") << "}\n";
  }
}

}  // namespace
}  // namespace rnnconf::emitter

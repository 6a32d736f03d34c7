// Defect classes of errors: the telling line, without where it happened,
// numbers and paths masked, so that one defect is one class across cases.
#include <gtest/gtest.h>

#include "rnnconf/exporter_ci/triage.hpp"

namespace rnnconf::exporter_ci {
namespace {

TEST(ErrorClass, TheExportersErrorIsItsFirstLine) {
  EXPECT_EQ(error_class("T2NErrorNotImplemented: 'unsafe_chunk' operator as not yet been translated\nTraceback ..."),
            "T2NErrorNotImplemented: 'unsafe_chunk' operator as not yet been translated");
}

TEST(ErrorClass, OneDefectOfCasesOfDifferentSizesIsOneClass) {
  const std::string a = error_class(
      "/tmp/rnnconf-exporter-ci-17066/exports/lstm_l1_bidi_tm_bias_h0_I5H7P3_B3T4/model.nnef.tgz!graph.nnef:35:15: "
      "reshape: shape [14] (volume 14) does not match the input's volume 6");
  const std::string b = error_class(
      "/tmp/other/exports/lstm_l2_bidi_tm_bias_h0_I37H37P13_B2T9/model.nnef.tgz!graph.nnef:41:3: "
      "reshape: shape [74] (volume 74) does not match the input's volume 26");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, "reshape: shape [#] (volume #) does not match the input's volume #");
}

TEST(ErrorClass, TheInnermostCauseOfAChain) {
  EXPECT_EQ(error_class("TractError: opening file \"<case_dir>/export/model.nnef.tgz\"\n\nCaused by:\n"
                        "    0: In ModelBuilder::translate\n    1: Wiring root graph body\n"
                        "    2: 512 should be equal to 2048\n"),
            "# should be equal to #");
}

TEST(ErrorClass, DigitsInsideNamesStay) {
  EXPECT_EQ(error_class("T2NErrorNotImplemented: 'lstm' operator, 3 inputs"),
            "T2NErrorNotImplemented: 'lstm' operator, # inputs");
  EXPECT_EQ(error_class("err 2.5e-06 > 1e-3"), "err # > #");
}

TEST(ErrorClass, PathsAreMaskedAndLongLinesCut) {
  EXPECT_EQ(error_class("FileNotFoundError: [Errno 2] No such file: '/home/u/x/y.nnef'"),
            "FileNotFoundError: [Errno #] No such file: '<path>'");
  EXPECT_LE(error_class(std::string(500, 'x')).size(), 160u);
  EXPECT_EQ(error_class(""), "");
}

}  // namespace
}  // namespace rnnconf::exporter_ci

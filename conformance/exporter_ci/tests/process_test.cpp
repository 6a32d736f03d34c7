// Spawning helper programs: captured output and status, added environment,
// the export driver's command line and PYTHONPATH order.
#include <gtest/gtest.h>

#include <cstdlib>

#include "rnnconf/core/error.hpp"
#include "rnnconf/exporter_ci/launch.hpp"
#include "rnnconf/exporter_ci/process.hpp"

namespace rnnconf::exporter_ci {
namespace {

TEST(Process, CapturesOutputAndStatus) {
  const ProcessResult r = run_process({"sh", "-c", "echo out; echo err >&2; exit 3"});
  EXPECT_EQ(r.status, 3);
  EXPECT_NE(r.output.find("out"), std::string::npos);
  EXPECT_NE(r.output.find("err"), std::string::npos);
  EXPECT_EQ(run_process({"sh", "-c", "kill -TERM $$"}).status, 128 + 15);
  EXPECT_THROW(run_process({"/nonexistent/program"}), Error);
}

TEST(Process, SetsAndReplacesEnvironmentVariables) {
  setenv("RNNCONF_XCI_TEST_VAR", "old", 1);
  const ProcessResult r = run_process({"sh", "-c", "printf '%s %s' \"$RNNCONF_XCI_TEST_VAR\" \"$RNNCONF_XCI_NEW\""},
                                      {"RNNCONF_XCI_TEST_VAR=new", "RNNCONF_XCI_NEW=x"});
  EXPECT_EQ(r.output, "new x");
  unsetenv("RNNCONF_XCI_TEST_VAR");
}

TEST(Process, QuotesForTheShell) {
  EXPECT_EQ(shell_quote("plain/path-1.2"), "plain/path-1.2");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(command_text({"a", "b c"}), "a 'b c'");
}

TEST(Launch, TheExporterFolderComesFirstOnPythonPath) {
  LaunchSpec s;
  s.python = "python3";
  s.exporter_path = "/releases/0.20.1";
  s.script = "conformance/exporter_ci_export.py";
  s.out = "/w/exports";
  s.cases_file = "/w/cases.txt";
  s.jobs = 3;
  setenv("PYTHONPATH", "/mine", 1);
  const auto env = driver_environment(s);
  unsetenv("PYTHONPATH");
  EXPECT_EQ(env, (std::vector<std::string>{"PYTHONHASHSEED=0", "PYTHONPATH=/releases/0.20.1:/mine"}));
  const auto argv = driver_argv(s);
  EXPECT_EQ(argv.front(), "python3");
  EXPECT_EQ(command_text(argv),
            "python3 conformance/exporter_ci_export.py --out /w/exports --cases-file /w/cases.txt -j 3 --timeout 600");
  s.exporter_path.clear();
  EXPECT_EQ(driver_environment(s), (std::vector<std::string>{"PYTHONHASHSEED=0"}));
}

}  // namespace
}  // namespace rnnconf::exporter_ci

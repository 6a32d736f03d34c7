// Spawning helper programs (process.hpp).
#include "rnnconf/exporter_ci/process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include "rnnconf/core/error.hpp"

extern char** environ;

namespace rnnconf::exporter_ci {

namespace {

std::vector<std::string> child_environment(const std::vector<std::string>& set_env) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string kv = *e;
    bool replaced = false;
    for (const auto& s : set_env)
      if (kv.rfind(s.substr(0, s.find('=') + 1), 0) == 0) replaced = true;
    if (!replaced) env.push_back(kv);
  }
  env.insert(env.end(), set_env.begin(), set_env.end());
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

int wait_for(pid_t pid, const std::string& what) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error("waiting for " + what + ": " + std::strerror(errno));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

}  // namespace

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=,:@+") ==
                        std::string::npos)
    return s;
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string command_text(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += (out.empty() ? "" : " ") + shell_quote(a);
  return out;
}

ProcessResult run_process(const std::vector<std::string>& argv, const std::vector<std::string>& set_env,
                          bool capture) {
  if (argv.empty()) throw Error("run_process: no program");
  std::vector<std::string> args = argv;
  std::vector<std::string> env = child_environment(set_env);
  auto argp = pointers(args);
  auto envp = pointers(env);
  int fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (capture) {
    if (pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  }
  std::cout << std::flush;
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (capture) close(fds[1]);
  if (rc != 0) {
    if (capture) close(fds[0]);
    throw Error("cannot start '" + argv[0] + "': " + std::strerror(rc));
  }
  ProcessResult r;
  if (capture) {
    char buf[65536];
    for (;;) {
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n > 0) r.output.append(buf, static_cast<size_t>(n));
      else if (n == 0 || errno != EINTR) break;
    }
    close(fds[0]);
  }
  r.status = wait_for(pid, command_text(argv));
  return r;
}

}  // namespace rnnconf::exporter_ci

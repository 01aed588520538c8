#include "pg_server.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string_view>
#include <system_error>

#include "failure.h"

// bench/meson.build defines it as the source tree's root.
#ifndef CASEWORK_SOURCE_ROOT
#define CASEWORK_SOURCE_ROOT ""
#endif

namespace casework::bench {
namespace {

namespace fs = std::filesystem;

std::string ShellQuoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

// What the signal handler runs, prepared beforehand: a handler may only
// call async-signal-safe functions (getpid, fork, execv, waitpid, raise).
struct StopOnSignal {
  pid_t owner = 0;  // the children the bench forks inherit the handler
  std::string script, dir;
  char* argv[5] = {};
};

StopOnSignal& SignalStop() {
  static StopOnSignal stop;
  return stop;
}

constexpr int kStopSignals[] = {SIGINT, SIGTERM, SIGHUP};

void StopServerThenDie(int signal_number) {
  StopOnSignal& stop = SignalStop();
  if (getpid() == stop.owner) {
    pid_t pid = fork();
    if (pid == 0) {
      execv("/bin/bash", stop.argv);
      _exit(127);
    }
    if (pid > 0) waitpid(pid, nullptr, 0);
  }
  signal(signal_number, SIG_DFL);
  raise(signal_number);
}

void InstallStopOnSignal(const fs::path& script, const fs::path& dir) {
  StopOnSignal& stop = SignalStop();
  stop.owner = getpid();
  stop.script = script.string();
  stop.dir = dir.string();
  static char bash[] = "bash", command[] = "stop";
  stop.argv[0] = bash;
  stop.argv[1] = stop.script.data();
  stop.argv[2] = command;
  stop.argv[3] = stop.dir.data();
  stop.argv[4] = nullptr;
  for (int s : kStopSignals) signal(s, StopServerThenDie);
}

void UninstallStopOnSignal() {
  for (int s : kStopSignals) signal(s, SIG_DFL);
  SignalStop().owner = 0;
}

// Copies the server's log to stderr: why it did not start.
void ShowLog(const fs::path& log) {
  std::ifstream in(log);
  if (in) std::cerr << in.rdbuf();
}

}  // namespace

fs::path PgServerScript() {
  const std::string_view root = CASEWORK_SOURCE_ROOT;
  if (!root.empty() && fs::exists(fs::path(root) / "scripts/pg-server"))
    return fs::path(root) / "scripts/pg-server";
  // build/bench/casework-bench: the source tree holds the build directory.
  std::error_code error;
  fs::path program = fs::read_symlink("/proc/self/exe", error);
  fs::path beside = program.parent_path().parent_path().parent_path() / "scripts/pg-server";
  if (!error && fs::exists(beside)) return beside;
  Die("cannot find scripts/pg-server: name a running server with --pg URI");
}

ThrowawayServer::ThrowawayServer(const fs::path& script, const fs::path& dir)
    : script_(script), dir_(dir) {
  std::string command = "bash " + ShellQuoted(script.string()) + " start " +
                        ShellQuoted(dir.string()) + " --fsync";
  std::FILE* out = popen(command.c_str(), "r");
  if (!out) Die("cannot run " + script.string());
  // From here on there may be a server to stop, even if it half started.
  running_ = true;
  InstallStopOnSignal(script, dir);
  std::string printed;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, out)) printed += buffer;
  int status = pclose(out);
  while (!printed.empty() && (printed.back() == '\n' || printed.back() == ' ')) printed.pop_back();
  if (status != 0 || printed.empty()) {
    ShowLog(dir / "server.log");
    Stop();
    Die("the throwaway PostgreSQL server did not start (scripts/pg-server start)");
  }
  uri_ = printed;
}

ThrowawayServer::~ThrowawayServer() { Stop(); }

void ThrowawayServer::Stop() {
  if (!running_) return;
  running_ = false;
  UninstallStopOnSignal();
  std::string command = "bash " + ShellQuoted(script_.string()) + " stop " +
                        ShellQuoted(dir_.string());
  if (std::system(command.c_str()) != 0)
    std::fprintf(stderr, "casework-bench: could not stop the server in %s\n", dir_.c_str());
}

}  // namespace casework::bench

// casework-bench: a throwaway PostgreSQL server for one run, started with
// scripts/pg-server in a directory of the run's when no --pg server is
// given.
#ifndef CASEWORK_BENCH_PG_SERVER_H_
#define CASEWORK_BENCH_PG_SERVER_H_

#include <filesystem>
#include <string>

namespace casework::bench {

// scripts/pg-server of the source tree this program was built from, or
// else the one beside the build directory the program runs from.
std::filesystem::path PgServerScript();

// Starts with fsync on, as a server in service runs: durable_create
// measures commits that reach the disk. Stopped (and its directory
// removed) by Stop, by the destructor, and by SIGINT, SIGTERM or SIGHUP to
// the process that started it.
class ThrowawayServer {
 public:
  // `dir` must not exist yet. Dies when the server does not start.
  ThrowawayServer(const std::filesystem::path& script, const std::filesystem::path& dir);
  ~ThrowawayServer();
  ThrowawayServer(const ThrowawayServer&) = delete;
  ThrowawayServer& operator=(const ThrowawayServer&) = delete;

  // The admin URI pg-server printed.
  const std::string& uri() const { return uri_; }

  // Idempotent; never dies.
  void Stop();

 private:
  std::filesystem::path script_, dir_;
  std::string uri_;
  bool running_ = false;
};

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_PG_SERVER_H_

// Concurrent writers: 2 processes x 4 threads, each thread with its own
// Engine (one connection per thread), increment a counter on a few shared
// cases by read-modify-write with the expected version. Afterwards:
//   - no update is lost: every success is the event at the version it
//     returned, each case's versions run 1..n without a gap, and each
//     counter equals the number of successful increments (n = version - 1);
//   - every refusal was a typed conflict or busy, never another error, and
//     no process crashed.
// One process waits up to the default busy timeout; the other gives up
// after 2 ms, so busy refusals happen and must change nothing either.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "casework/casework.h"
#include "fixture.h"

namespace casework {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr int kProcesses = 2;
constexpr int kThreads = 4;
constexpr int kUpdatesPerThread = 400;
constexpr int kCases = 3;

struct ThreadResult {
  std::vector<std::string> successes;  // "case version actor"
  std::int64_t conflicts = 0;
  std::int64_t busy = 0;
  std::vector<std::string> unexpected;  // anything else
};

// One writer thread of one process: its own Engine, kUpdatesPerThread
// successful increments.
ThreadResult Writer(const std::string& path, const std::vector<std::string>& ids, int process,
                    int thread) {
  ThreadResult r;
  Options options;
  options.durability = process == 0 ? Durability::kFull : Durability::kNormal;
  if (process == 1) options.busy_timeout = std::chrono::milliseconds(2);
  std::unique_ptr<Engine> engine;
  while (!engine) {
    auto opened = Engine::Open(options, path);
    if (opened.ok()) {
      engine = std::move(opened).value();
    } else if (opened.status().code() == Code::kBusy) {
      ++r.busy;
    } else {
      r.unexpected.push_back("open: " + opened.status().ToString());
      return r;
    }
  }
  std::mt19937 rng(static_cast<unsigned>(process * 100 + thread));
  for (int i = 0; i < kUpdatesPerThread && r.unexpected.size() < 10;) {
    const std::string& id = ids[rng() % ids.size()];
    auto current = engine->Get(id);
    if (!current.ok()) {
      if (current.status().code() == Code::kBusy) {
        ++r.busy;
      } else {
        r.unexpected.push_back("get: " + current.status().ToString());
      }
      continue;
    }
    std::int64_t n = current->schema.at(0).value.as_int64();
    // Think time between the read and the write, as a person or a service
    // has: other writers get in between, and the version must catch them.
    if (rng() % 2 != 0) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 500));
    WriteOptions write;
    write.expected_version = current->version;
    write.actor = "p" + std::to_string(process) + "t" + std::to_string(thread) + "i" +
                  std::to_string(i) + "@race.example";
    auto updated = engine->UpdateData(id, json::object{{"n", n + 1}}, write);
    if (updated.ok()) {
      r.successes.push_back(id + " " + std::to_string(updated->version) + " " + write.actor);
      ++i;
    } else if (updated.status().code() == Code::kConflict) {
      ++r.conflicts;
      if (!updated.status().current_version() ||
          *updated.status().current_version() <= current->version)
        r.unexpected.push_back("conflict without a newer current version: " +
                               updated.status().ToString());
    } else if (updated.status().code() == Code::kBusy) {
      ++r.busy;
    } else {
      r.unexpected.push_back("update: " + updated.status().ToString());
    }
  }
  return r;
}

// A writer process: kThreads threads; writes what they saw to `out`.
[[noreturn]] void WriterProcess(const std::string& path, const std::vector<std::string>& ids,
                                int process, const std::string& out) {
  std::vector<ThreadResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] { results[t] = Writer(path, ids, process, t); });
  for (auto& t : threads) t.join();
  std::ofstream file(out);
  for (const auto& r : results) {
    for (const auto& s : r.successes) file << "S " << s << "\n";
    for (const auto& u : r.unexpected) file << "U " << u << "\n";
    file << "C " << r.conflicts << " " << r.busy << "\n";
  }
  file.close();
  _exit(file ? 0 : 5);
}

TEST_CASE("2 processes x 4 threads with expected versions lose no update, refusals are typed") {
  testing::EngineFixture fx;
  std::vector<std::string> ids;
  for (int i = 0; i < kCases; ++i)
    ids.push_back(fx.MustCreate(R"({"title": "shared", "schema": [{"key": "n", "type": "integer", "value": 0}]})").id);
  fx.engine.reset();  // no connection crosses fork()

  const auto start = Clock::now();
  std::vector<pid_t> children;
  std::vector<std::string> outputs;
  std::fflush(nullptr);
  for (int p = 0; p < kProcesses; ++p) {
    outputs.push_back(fx.dir.file("writer" + std::to_string(p) + ".txt"));
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) WriterProcess(fx.path(), ids, p, outputs.back());
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK_MESSAGE(WIFEXITED(status), "a writer process died of signal " << WTERMSIG(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  std::int64_t conflicts = 0, busy = 0;
  std::map<std::string, std::map<std::int64_t, std::string>> successes;  // case -> version -> actor
  std::int64_t success_count = 0;
  for (const auto& out : outputs) {
    std::ifstream in(out);
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line.substr(2));
      if (line[0] == 'S') {
        std::string id, actor;
        std::int64_t version = 0;
        words >> id >> version >> actor;
        CHECK_MESSAGE(successes[id].emplace(version, actor).second,
                      "two successes made version " << version << " of " << id);
        ++success_count;
      } else if (line[0] == 'C') {
        std::int64_t c = 0, b = 0;
        words >> c >> b;
        conflicts += c;
        busy += b;
      } else {
        FAIL_CHECK("untyped or unexpected refusal: " << line);
      }
    }
  }
  CHECK(success_count == kProcesses * kThreads * kUpdatesPerThread);

  fx.Reopen();
  std::int64_t events_total = 0;
  for (const auto& id : ids) {
    CAPTURE(id);
    Case c = testing::MustGet(fx, id);
    std::vector<Event> events = testing::MustHistory(fx, id);
    events_total += static_cast<std::int64_t>(events.size());
    REQUIRE(c.version == static_cast<std::int64_t>(events.size()));
    // n counts the increments: none was lost, none applied twice.
    CHECK(c.schema.at(0).value == json::value(c.version - 1));
    for (std::size_t i = 0; i < events.size(); ++i) {
      CHECK(events[i].seq == static_cast<std::int64_t>(i + 1));
      if (i == 0) continue;
      CHECK(events[i].kind == "data_updated");
      REQUIRE(events[i].changes.size() == 1);
      CHECK(events[i].changes[0].after == json::value(static_cast<std::int64_t>(i)));
    }
    // Every version after the first is exactly one reported success.
    const auto& mine = successes[id];
    CHECK(static_cast<std::int64_t>(mine.size()) == c.version - 1);
    for (const auto& entry : mine) {
      std::int64_t version = entry.first;
      const std::string& actor = entry.second;
      REQUIRE(version >= 2);
      REQUIRE(version <= c.version);
      CHECK(events[static_cast<std::size_t>(version - 1)].actor == actor);
    }
  }
  CHECK(events_total == kCases + success_count);
  auto report = fx.engine->Verify();
  REQUIRE(report.ok());
  CHECK_MESSAGE(report->clean(), ToJsonText(json::value_from(*report)));

  std::printf(
      "concurrency: %d processes x %d threads, %lld updates acknowledged on %d cases in %.1f s; "
      "%lld conflicts and %lld busy refusals (all typed), 0 untyped; lost 0, gaps 0\n",
      kProcesses, kThreads, static_cast<long long>(success_count), kCases, seconds,
      static_cast<long long>(conflicts), static_cast<long long>(busy));
}

// Engines of two processes on one database: what one commits, the other
// reads, and a write from the second is seen by the first's next read.
TEST_CASE("a case one process writes is seen by another process's engine") {
  testing::EngineFixture fx;
  Case mine = fx.MustCreate(R"({"title": "from the parent"})");
  fx.engine.reset();  // no connection crosses fork()
  int to_parent[2];
  REQUIRE(pipe(to_parent) == 0);
  std::fflush(nullptr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child: its own engine, never the parent's connection.
    close(to_parent[0]);
    auto opened = Engine::Open(testing::FastOptions(), fx.path());
    if (!opened.ok()) _exit(3);
    auto seen = (*opened)->Get(mine.id);
    if (!seen.ok() || seen->title != "from the parent") _exit(4);
    auto draft = DraftFromJson(json::parse(R"({"title": "from the child"})"), DraftKind::kCreate);
    auto created = (*opened)->Create(*draft);
    if (!created.ok()) _exit(5);
    if (!(*opened)->Patch(mine.id, json::parse(R"({"description": "child"})").as_object()).ok())
      _exit(6);
    std::string id = created->id;
    _exit(write(to_parent[1], id.data(), id.size()) == static_cast<ssize_t>(id.size()) ? 0 : 7);
  }
  close(to_parent[1]);
  char buffer[64] = {};
  ssize_t n = read(to_parent[0], buffer, sizeof buffer);
  close(to_parent[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE_MESSAGE(WEXITSTATUS(status) == 0, "the child failed at step " << WEXITSTATUS(status));
  REQUIRE(n == 36);
  fx.Reopen();
  Case theirs = testing::MustGet(fx, std::string(buffer, static_cast<std::size_t>(n)));
  CHECK(theirs.title == "from the child");
  Case patched = testing::MustGet(fx, mine.id);
  CHECK(patched.description == "child");
  CHECK(patched.version == 2);
}

// New emails offered by two processes at once: each becomes one user or
// one contact, whichever process gets there first, and every case links it.
TEST_CASE("two processes creating cases with the same new emails make one contact per email") {
  testing::EngineFixture fx;
  fx.engine.reset();  // no connection crosses fork()
  constexpr int kEach = 40, kEmails = 4;
  std::vector<pid_t> children;
  std::fflush(nullptr);
  for (int p = 0; p < 2; ++p) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      auto opened = Engine::Open(testing::FastOptions(), fx.path());
      if (!opened.ok()) _exit(3);
      for (int i = 0; i < kEach; ++i) {
        const std::string n = std::to_string(i % kEmails);
        auto draft = DraftFromJson(
            json::parse(R"({"title": "race", "owner": {"email": "owner)" + n +
                        R"(@example.com"}, "contacts": [{"key": "client", "email": "client)" + n +
                        R"(@example.com", "name": "P)" + std::to_string(p) + R"("}]})"),
            DraftKind::kCreate);
        auto created = (*opened)->Create(*draft);
        if (!created.ok()) _exit(4);
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK_MESSAGE(WEXITSTATUS(status) == 0, "a creator failed at step " << WEXITSTATUS(status));
  }
  testing::RawDatabase raw(fx.path());
  CHECK(raw.Int("SELECT count(*) FROM cases") == 2 * kEach);
  CHECK(raw.Int("SELECT count(*) FROM contacts") == kEmails);
  CHECK(raw.Int("SELECT count(*) FROM users") == kEmails);
  CHECK(raw.Int("SELECT count(DISTINCT contact_id) FROM case_contacts") == kEmails);
  fx.Reopen();
  auto report = fx.engine->Verify();
  REQUIRE(report.ok());
  CHECK_MESSAGE(report->clean(), ToJsonText(json::value_from(*report)));
}

}  // namespace
}  // namespace casework

// Crash safety: a child process changes cases and acknowledges each
// operation on a pipe only after the engine call returned; the parent kills
// it with SIGKILL at a random moment, then checks the file:
//   - the database's own checks pass (on SQLite PRAGMA integrity_check and
//     foreign_key_check), and every case's history replays to its stored state (Engine::Verify);
//   - every acknowledged operation is there: the event at the version it
//     returned was written by it (each operation has its own actor);
//   - the operation in flight at the kill is wholly there or wholly absent,
//     on every case it touches (a link changes two cases, a batch create
//     makes three); nothing else changed.
// Cycles alternate Durability::kFull and kNormal. The seed is printed; set
// CASEWORK_CRASH_SEED to replay a run, CASEWORK_CRASH_CYCLES to change the
// count (at least 200 by default).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include "casework/casework.h"
#include "cli_harness.h"
#include "fixture.h"

namespace casework {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

std::uint64_t EnvNumber(const char* name, std::uint64_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  return std::strtoull(text, nullptr, 10);
}

// What the parent knows to be in the file: every case and its version.
struct Ledger {
  std::map<std::string, std::int64_t> versions;
  // Every acknowledged change: (case, version it produced, actor).
  struct Ack {
    std::string case_id;
    std::int64_t version;
    std::string actor;
  };
  std::vector<Ack> acks;
};

// ------------------------------------------------------------------ child

// Writes one line on the pipe; a line is shorter than PIPE_BUF, so it
// arrives whole or not at all.
void Say(int fd, const std::string& line) {
  std::string text = line + "\n";
  const char* p = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      _exit(4);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

constexpr const char* kSchema = R"("schema": [{"key": "n", "type": "integer", "value": 0},
    {"key": "s", "type": "text"}],
    "steps": [{"id": "s1", "title": "One"}, {"id": "s2", "title": "Two"}])";

// Runs operations until killed. Every call names the version the ledger
// says the case is at, so a ledger that is wrong shows as a conflict.
[[noreturn]] void RunChild(const std::string& path, Ledger ledger, std::uint64_t seed, int cycle,
                           int fd) {
  std::mt19937_64 rng(seed);
  Options options;
  options.durability = cycle % 2 == 0 ? Durability::kFull : Durability::kNormal;
  auto opened = Engine::Open(options, path);
  if (!opened.ok()) {
    Say(fd, "F " + opened.status().ToString());
    _exit(3);
  }
  Engine& engine = **opened;
  auto payload = ParseJson(std::string("{\"title\": \"new\", ") + kSchema + "}");
  auto base = payload.ok() ? DraftFromJson(*payload, DraftKind::kCreate) : payload.status();
  if (!base.ok()) {
    Say(fd, "F " + base.status().ToString());
    _exit(3);
  }
  Say(fd, "R");
  std::vector<std::string> ids;
  for (const auto& [id, version] : ledger.versions) ids.push_back(id);
  auto pick = [&] { return ids[rng() % ids.size()]; };
  static const char* const kTargets[] = {"pending", "in_progress", "draft", "Close", "Reopen"};

  for (int n = 0;; ++n) {
    const std::string token = "op" + std::to_string(cycle) + "-" + std::to_string(n);
    WriteOptions write;
    write.actor = token + "@crash.example";
    const unsigned roll = static_cast<unsigned>(rng() % 100);
    const bool create = ids.size() < 3 || (ids.size() < 60 && roll < 12);
    if (create && ids.size() < 57 && rng() % 3 == 0) {
      // Three cases in one transaction: all or none.
      Say(fd, "B " + token + " batch - -");
      std::vector<CaseDraft> drafts(3, *base);
      for (int i = 0; i < 3; ++i) drafts[i].title = token + "#" + std::to_string(i);
      auto created = engine.CreateMany(drafts, write);
      if (!created.ok()) {
        Say(fd, "E " + token + " " + std::string(CodeName(created.status().code())));
        continue;
      }
      std::string line = "A " + token;
      for (const auto& id : *created) {
        ids.push_back(id);
        ledger.versions[id] = 1;
        line += " " + id + " 1";
      }
      Say(fd, line);
      continue;
    }
    if (create) {
      Say(fd, "B " + token + " create - -");
      CaseDraft draft = *base;
      draft.title = token;
      auto created = engine.Create(draft, write);
      if (!created.ok()) {
        Say(fd, "E " + token + " " + std::string(CodeName(created.status().code())));
        continue;
      }
      ids.push_back(created->id);
      ledger.versions[created->id] = created->version;
      Say(fd, "A " + token + " " + created->id + " " + std::to_string(created->version));
      continue;
    }

    const std::string id = pick();
    std::string other = pick();
    const bool link = roll < 22 && other != id;
    write.expected_version = ledger.versions[id];
    Say(fd, "B " + token + " op " + id + " " + (link ? other : "-"));
    Result<Case> done = Status::StorageError("no operation");
    if (link) {
      // Link or unlink, whichever changes something.
      done = engine.Link(id, other, write);
      if (done.ok() && done->version == ledger.versions[id]) done = engine.Unlink(id, other, write);
    } else if (roll < 55) {
      json::object data{{"n", n}, {"s", token}};
      done = engine.UpdateData(id, data, write);
    } else if (roll < 67) {
      json::object patch{{"description", token},
                         {"tag_names", json::array{"t" + std::to_string(rng() % 4)}}};
      done = engine.Patch(id, patch, write);
    } else if (roll < 77) {
      StepChange change;
      change.status = rng() % 2 ? StepStatus::kDone : StepStatus::kInProgress;
      change.data = json::object{{"op", token}};
      done = engine.UpdateStep(id, rng() % 2 ? "s1" : "s2", change, write);
    } else if (roll < 87) {
      done = engine.Archive(id, write);
      if (done.ok() && done->version == ledger.versions[id]) done = engine.Unarchive(id, write);
    } else {
      TransitionRequest request;
      request.to = kTargets[rng() % std::size(kTargets)];
      request.reason = token;
      auto moved = engine.Transition(id, request, write);
      if (moved.ok())
        done = moved->result;
      else
        done = moved.status();
    }
    if (!done.ok()) {
      Say(fd, "E " + token + " " + std::string(CodeName(done.status().code())));
      continue;
    }
    if (done->version == ledger.versions[id]) {
      Say(fd, "N " + token);
      continue;
    }
    ledger.versions[id] = done->version;
    std::string line = "A " + token + " " + id + " " + std::to_string(done->version);
    if (link) {
      ledger.versions[other] += 1;
      line += " " + other + " " + std::to_string(ledger.versions[other]);
    }
    Say(fd, line);
  }
}

// ----------------------------------------------------------------- parent

struct Line {
  char kind = 0;
  std::vector<std::string> words;
};

std::vector<Line> ParseLines(const std::string& text) {
  std::vector<Line> lines;
  std::istringstream in(text);
  std::string raw;
  while (std::getline(in, raw)) {
    if (raw.empty()) continue;
    Line line;
    line.kind = raw[0];
    std::istringstream words(raw.substr(1));
    for (std::string w; words >> w;) line.words.push_back(w);
    lines.push_back(std::move(line));
  }
  return lines;
}

struct Figures {
  int cycles = 0;
  int killed_before_ready = 0;
  std::int64_t acknowledged = 0;
  std::int64_t unchanged = 0;  // acknowledged operations that changed nothing
  std::int64_t refused = 0;    // typed refusals (transition not allowed)
  int in_flight_applied = 0;
  int in_flight_absent = 0;
  int lost = 0;
  int partial = 0;
};

// How many operations the child has answered (acknowledged, found
// unchanged or refused) since it said it was ready; -1 before it did.
int AnswersAfterReady(const std::string& said) {
  const std::size_t ready = said.find("R\n");
  if (ready == std::string::npos) return -1;
  int answers = 0;
  for (std::size_t at = ready + 2; at < said.size();) {
    const std::size_t end = said.find('\n', at);
    if (end == std::string::npos) break;  // a line still being written
    const char kind = said[at];
    if (kind == 'A' || kind == 'N' || kind == 'E') ++answers;
    at = end + 1;
  }
  return answers;
}

// Starts a child, kills it with SIGKILL at a random moment, and returns
// everything it said.
std::string RunAndKill(const std::string& path, const Ledger& ledger, std::uint64_t seed, int cycle,
                       std::mt19937_64& rng) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(nullptr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    RunChild(path, ledger, seed, cycle, fds[1]);
  }
  close(fds[1]);

  // Mostly a moment while operations run; sometimes one during Open. So
  // that kills land among operations however slow the machine is (other
  // suites load it, sanitizers slow it), the moment is counted from the
  // child's `settle`-th answer (0 to 2 operations done) rather than from its
  // start.
  const bool early = rng() % 5 == 0;
  const int settle = early ? 0 : static_cast<int>(rng() % 3);
  const auto delay = std::chrono::microseconds(early ? rng() % 10'000 : rng() % 50'000);
  std::string said;
  bool armed = early;  // the delay runs from now
  auto deadline = Clock::now() + delay;
  // A child that never gets there is killed all the same, and the checks
  // below see what it did.
  const auto give_up = Clock::now() + std::chrono::seconds(30);
  char buffer[4096];
  for (;;) {
    const auto until = armed ? deadline : give_up;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n <= 0) break;  // the child died on its own: reported below
    said.append(buffer, static_cast<std::size_t>(n));
    if (!armed && AnswersAfterReady(said) >= settle) {
      armed = true;
      deadline = Clock::now() + delay;
    }
  }
  kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    said.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  INFO("child output: " << said.substr(said.size() > 2000 ? said.size() - 2000 : 0));
  REQUIRE_MESSAGE(WIFSIGNALED(status), "the child exited on its own with " << WEXITSTATUS(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  return said;
}

std::string Actor(const std::string& token) { return token + "@crash.example"; }

std::string UuidText(const std::string& hex) {
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// The ids of the cases titled `title`, read behind the engine's back.
// Titles are the test's own tokens: no quote to escape.
std::vector<std::string> CasesTitled(const std::string& path, const std::string& title) {
  const char* id = testing::OnPostgres() ? "replace(uuid::text, '-', '')" : "lower(hex(uuid))";
  std::vector<std::string> ids;
  for (const std::string& hex : testing::RawDatabase(path).Column(
           "SELECT " + std::string(id) + " FROM cases WHERE title = '" + title + "'"))
    ids.push_back(UuidText(hex));
  return ids;
}

std::int64_t CountCases(const std::string& path) {
  return testing::RawDatabase(path).Int("SELECT count(*) FROM cases");
}

// The actors of the events of each case, read once per check.
class Actors {
 public:
  explicit Actors(Engine& engine) : engine_(engine) {}

  // The actor of event `seq` of case `id`, or "" when there is none.
  std::string At(const std::string& id, std::int64_t seq) {
    auto found = actors_.find(id);
    if (found == actors_.end()) {
      auto events = engine_.History(id);
      REQUIRE_MESSAGE(events.ok(), events.status().ToString());
      std::vector<std::string> actors;
      for (const Event& e : *events) actors.push_back(e.actor);
      found = actors_.emplace(id, std::move(actors)).first;
    }
    if (seq < 1 || seq > static_cast<std::int64_t>(found->second.size())) return "";
    return found->second[static_cast<std::size_t>(seq - 1)];
  }

 private:
  Engine& engine_;
  std::map<std::string, std::vector<std::string>> actors_;
};

std::int64_t VersionOf(Engine& engine, const std::string& id) {
  auto c = engine.Get(id);
  REQUIRE_MESSAGE(c.ok(), id << ": " << c.status().ToString());
  return c->version;
}

// Checks the file after a kill, and brings the ledger up to date.
void CheckAfterKill(const std::string& path, const std::string& said, Ledger& ledger,
                    Figures& figures) {
  std::vector<Line> lines = ParseLines(said);
  INFO("child output: " << said.substr(said.size() > 2000 ? said.size() - 2000 : 0));
  bool ready = !lines.empty() && lines.front().kind == 'R';
  if (!ready) ++figures.killed_before_ready;
  for (const Line& line : lines) REQUIRE_MESSAGE(line.kind != 'F', "the child could not open");

  auto opened = Engine::Open(testing::FastOptions(), path);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  Engine& engine = **opened;
  Actors actors(engine);

  auto report = engine.Verify();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK_MESSAGE(report->clean(), ToJsonText(json::value_from(*report)));
  if (!report->clean()) ++figures.partial;

  // The acknowledged operations, then the one in flight, if any.
  const Line* in_flight = nullptr;
  for (const Line& line : lines) {
    if (line.kind == 'B') {
      in_flight = &line;
    } else if (line.kind == 'A') {
      REQUIRE(line.words.size() >= 3);
      const std::string actor = Actor(line.words[0]);
      for (std::size_t i = 1; i + 1 < line.words.size(); i += 2) {
        const std::string& id = line.words[i];
        std::int64_t version = std::stoll(line.words[i + 1]);
        if (actors.At(id, version) != actor) {
          ++figures.lost;
          FAIL_CHECK("acknowledged " << line.words[0] << " is not event " << version << " of " << id);
        }
        ledger.versions[id] = version;
        ledger.acks.push_back({id, version, actor});
      }
      ++figures.acknowledged;
      in_flight = nullptr;
    } else if (line.kind == 'N' || line.kind == 'E') {
      if (line.kind == 'N') ++figures.unchanged, ++figures.acknowledged;
      if (line.kind == 'E') {
        REQUIRE(line.words.size() == 2);
        CHECK_MESSAGE(line.words[1] == "transition_not_allowed", "unexpected refusal " << line.words[1]);
        ++figures.refused;
      }
      in_flight = nullptr;
    }
  }

  if (in_flight != nullptr) {
    REQUIRE(in_flight->words.size() == 4);
    const std::string& token = in_flight->words[0];
    const std::string actor = Actor(token);
    if (in_flight->words[1] == "batch") {
      std::vector<std::string> found;
      for (int i = 0; i < 3; ++i) {
        auto titled = CasesTitled(path, token + "#" + std::to_string(i));
        REQUIRE(titled.size() <= 1);
        found.insert(found.end(), titled.begin(), titled.end());
      }
      if (!found.empty() && found.size() != 3) {
        ++figures.partial;
        FAIL_CHECK(token << " created " << found.size() << " of its 3 cases");
      }
      for (const auto& id : found) {
        CHECK(VersionOf(engine, id) == 1);
        CHECK(actors.At(id, 1) == actor);
        ledger.versions[id] = 1;
        ledger.acks.push_back({id, 1, actor});
      }
      ++(found.empty() ? figures.in_flight_absent : figures.in_flight_applied);
    } else if (in_flight->words[1] == "create") {
      std::vector<std::string> found = CasesTitled(path, token);
      REQUIRE(found.size() <= 1);
      if (found.empty()) {
        ++figures.in_flight_absent;
      } else {
        CHECK(VersionOf(engine, found[0]) == 1);
        CHECK(actors.At(found[0], 1) == actor);
        ledger.versions[found[0]] = 1;
        ledger.acks.push_back({found[0], 1, actor});
        ++figures.in_flight_applied;
      }
    } else {
      std::vector<std::string> touched{in_flight->words[2]};
      if (in_flight->words[3] != "-") touched.push_back(in_flight->words[3]);
      int applied = 0;
      for (const auto& id : touched) {
        std::int64_t now = VersionOf(engine, id);
        std::int64_t known = ledger.versions.at(id);
        if (now == known + 1 && actors.At(id, now) == actor) {
          ++applied;
        } else {
          CHECK_MESSAGE(now == known, id << " is at " << now << ", the ledger says " << known);
        }
      }
      if (applied != 0 && applied != static_cast<int>(touched.size())) {
        ++figures.partial;
        FAIL_CHECK(token << " changed " << applied << " of the " << touched.size() << " cases it touches");
      }
      if (applied == 0) {
        ++figures.in_flight_absent;
      } else {
        for (const auto& id : touched) {
          ledger.versions[id] += 1;
          ledger.acks.push_back({id, ledger.versions[id], actor});
        }
        ++figures.in_flight_applied;
      }
    }
  }

  // Nothing else changed, and nothing appeared.
  for (const auto& entry : ledger.versions)
    CHECK_MESSAGE(VersionOf(engine, entry.first) == entry.second,
                  entry.first << " moved without an acknowledgement");
  CHECK(CountCases(path) == static_cast<std::int64_t>(ledger.versions.size()));
}

TEST_CASE("SIGKILL at random moments loses no acknowledged operation and leaves none half-done") {
  testing::TempDir dir;
  testing::TestDatabase database(dir.path().string(), "crash.db");
  const std::string& path = database.path();
  const std::uint64_t seed = EnvNumber("CASEWORK_CRASH_SEED", std::random_device{}());
  // Fewer on PostgreSQL, whose cycles are longer (each child connects and
  // its kills wait for wider windows): about the same time as SQLite's.
  const int cycles =
      static_cast<int>(EnvNumber("CASEWORK_CRASH_CYCLES", testing::OnPostgres() ? 120 : 200));
  MESSAGE("seed " << seed << " (CASEWORK_CRASH_SEED), " << cycles << " cycles");
  std::mt19937_64 rng(seed);
  Ledger ledger;
  Figures figures;
  const auto start = Clock::now();

  for (int cycle = 0; cycle < cycles; ++cycle) {
    CAPTURE(cycle);
    std::string said = RunAndKill(path, ledger, rng(), cycle, rng);
    CheckAfterKill(path, said, ledger, figures);
    ++figures.cycles;
  }

  // Every acknowledgement of the whole run, against the final file.
  {
    auto opened = Engine::Open(testing::FastOptions(), path);
    REQUIRE(opened.ok());
    std::map<std::string, std::vector<Event>> histories;
    for (const auto& [id, version] : ledger.versions) histories[id] = *(*opened)->History(id);
    for (const auto& ack : ledger.acks) {
      const auto& events = histories[ack.case_id];
      bool present = ack.version <= static_cast<std::int64_t>(events.size()) &&
                     events[static_cast<std::size_t>(ack.version - 1)].actor == ack.actor;
      if (!present) ++figures.lost;
      CHECK_MESSAGE(present, ack.actor << " lost from " << ack.case_id);
    }
  }

  // And the command-line check agrees.
  std::vector<std::string> args{"--db", path, "verify"};
  testing::Outcome verified = testing::Spawn(args, "", dir.path());
  INFO("stderr: " << verified.err);
  CHECK(verified.exit_code == 0);
  json::object report = verified.Json();
  CHECK(report.at("clean") == json::value(true));

  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf(
      "crash: %d SIGKILL cycles in %.1f s (%d before the engine was open); %lld operations "
      "acknowledged, %lld refused as typed errors; in flight at the kill: %d applied whole, "
      "%d absent; %zu cases, %lld events; lost %d, partial %d\n",
      figures.cycles, seconds, figures.killed_before_ready,
      static_cast<long long>(figures.acknowledged), static_cast<long long>(figures.refused), figures.in_flight_applied, figures.in_flight_absent,
      ledger.versions.size(), static_cast<long long>(report.at("events").as_int64()), figures.lost,
      figures.partial);
  CHECK(figures.lost == 0);
  CHECK(figures.partial == 0);
  CHECK(figures.cycles == cycles);
  // The kills must have landed while operations ran, not only before.
  CHECK(figures.acknowledged > figures.cycles / 2);
  CHECK(figures.in_flight_applied + figures.in_flight_absent > figures.cycles / 4);
}

}  // namespace
}  // namespace casework

// Storage faults: a full disk and a read-only file are storage_error with a
// message that says so; the operation changes nothing, the file stays sound
// (Verify is clean), and the same engine works again once the fault is
// gone. (A newer schema and a lock held past the busy timeout are in
// storage_test.cc.)
//
// Faults come from three places: PRAGMA max_page_count on the engine's own
// connection (the test hook of storage/connection.h) for a database that
// cannot grow; RLIMIT_FSIZE in a child process for writes the operating
// system refuses; and file permissions, in a child process that is not
// root when the test runs as root (root ignores them).
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include "casework/casework.h"
#include "fixture.h"
#include "storage/connection.h"

namespace casework {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using testing::DraftOf;
using testing::FastOptions;
using testing::ObjectOf;
using testing::TempDir;


std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string Counts(const std::string& path) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet(
               "SELECT (SELECT count(*) FROM cases) || '/' || (SELECT count(*) FROM case_events) "
               "|| '/' || (SELECT count(*) FROM case_fields) || '/' || (SELECT count(*) FROM "
               "case_steps) || '/' || (SELECT total(version) FROM cases)")
      .getString();
}

// An engine whose SQLite handle the test holds, to inject faults with.
struct Hooked {
  TempDir dir;
  sqlite3* handle = nullptr;
  std::unique_ptr<Engine> engine;

  Hooked() {
    storage::SetConnectionHookForTesting([this](sqlite3* h) { handle = h; });
    auto opened = Engine::Open(FastOptions(), path());
    storage::SetConnectionHookForTesting({});
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    engine = std::move(opened).value();
    REQUIRE(handle != nullptr);
  }

  std::string path() const { return dir.file("faults.db"); }

  // Runs SQL on the engine's connection (between its calls, on this thread).
  void Exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error);
    std::string message = error ? error : "";
    sqlite3_free(error);
    REQUIRE_MESSAGE(rc == SQLITE_OK, message);
  }

  std::int64_t PageCount() {
    sqlite3_stmt* q = nullptr;
    REQUIRE(sqlite3_prepare_v2(handle, "PRAGMA page_count", -1, &q, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(q) == SQLITE_ROW);
    std::int64_t pages = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return pages;
  }

  // No transaction was left open by a failed call.
  bool Idle() const { return sqlite3_get_autocommit(handle) != 0; }

  void CheckClean() {
    auto report = engine->Verify();
    REQUIRE_MESSAGE(report.ok(), report.status().ToString());
    CHECK_MESSAGE(report->clean(), ToJsonText(json::value_from(*report)));
  }
};

void CheckStorageError(const Status& status, std::string_view says) {
  INFO(status.ToString());
  CHECK(status.code() == Code::kStorageError);
  CHECK(status.message().find(says) != std::string::npos);
}

std::string Big(std::size_t bytes) { return std::string(bytes, 'x'); }

// A draft with only a title, built without doctest (usable in a child).
CaseDraft Titled(std::string title) {
  CaseDraft draft;
  draft.title = std::move(title);
  return draft;
}

// -------------------------------------------------------------- full disk

TEST_CASE("a full disk is storage_error, changes nothing, and the engine works once there is room") {
  Hooked fx;
  Case existing = *fx.engine->Create(DraftOf(R"({"title": "Existing",
      "schema": [{"key": "note", "type": "text"}], "steps": [{"id": "s", "title": "S"}]})"));
  const std::string before = Counts(fx.path());
  fx.Exec("PRAGMA max_page_count = " + std::to_string(fx.PageCount()));

  // Each fails at a different statement of its transaction: the case row,
  // a field row, a step row, the created event, a later update.
  CaseDraft big_row = DraftOf(R"({"title": "Big row"})");
  big_row.description = Big(200'000);
  CheckStorageError(fx.engine->Create(big_row).status(), "full");
  CHECK(fx.Idle());

  CaseDraft big_field = DraftOf(R"({"title": "Big field", "schema": [{"key": "note", "type": "text"}]})");
  big_field.schema[0].value = Big(200'000);
  CheckStorageError(fx.engine->Create(big_field).status(), "full");
  CHECK(fx.Idle());

  CaseDraft big_step = DraftOf(R"({"title": "Big step", "steps": [{"id": "s", "title": "S"}]})");
  big_step.steps[0].data = json::object{{"blob", Big(200'000)}};
  CheckStorageError(fx.engine->Create(big_step).status(), "full");

  std::vector<CaseDraft> batch(30, DraftOf(R"({"title": "Batch"})"));
  for (auto& d : batch) d.description = Big(20'000);
  CheckStorageError(fx.engine->CreateMany(batch).status(), "full");

  CheckStorageError(
      fx.engine->UpdateData(existing.id, json::object{{"note", Big(300'000)}}).status(), "full");
  CheckStorageError(fx.engine->Patch(existing.id, json::object{{"description", Big(300'000)}}).status(),
                    "full");
  StepChange change;
  change.data = json::object{{"blob", Big(300'000)}};
  CheckStorageError(fx.engine->UpdateStep(existing.id, "s", change).status(), "full");
  CHECK(fx.Idle());

  // Nothing of any of them is there; reads still work.
  CHECK(Counts(fx.path()) == before);
  CHECK(fx.engine->Get(existing.id)->version == 1);
  CHECK(fx.engine->History(existing.id)->size() == 1);
  fx.CheckClean();

  // Room again: the same engine writes, and the file is sound.
  fx.Exec("PRAGMA max_page_count = 1073741823");
  auto created = fx.engine->Create(big_field);
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  auto updated = fx.engine->UpdateData(existing.id, json::object{{"note", Big(300'000)}});
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  CHECK(updated->version == 2);
  REQUIRE(fx.engine->CreateMany(batch).ok());
  fx.CheckClean();

  fx.engine.reset();
  auto reopened = Engine::Open(FastOptions(), fx.path());
  REQUIRE(reopened.ok());
  CHECK((*reopened)->Get(existing.id)->version == 2);
  auto report = (*reopened)->Verify();
  REQUIRE(report.ok());
  CHECK(report->clean());
}

TEST_CASE("a file that turned read-only under an open engine is storage_error, and nothing changes") {
  Hooked fx;
  Case existing = *fx.engine->Create(DraftOf(R"({"title": "Existing"})"));
  const std::string before = Counts(fx.path());
  fx.Exec("PRAGMA query_only = 1");
  CheckStorageError(fx.engine->Create(DraftOf(R"({"title": "New"})")).status(), "readonly");
  CheckStorageError(fx.engine->Patch(existing.id, ObjectOf(R"({"title": "T2"})")).status(),
                    "readonly");
  CheckStorageError(fx.engine->Archive(existing.id).status(), "readonly");
  CHECK(fx.Idle());
  CHECK(fx.engine->Get(existing.id)->title == "Existing");  // reads still work
  CHECK(Counts(fx.path()) == before);
  fx.CheckClean();
  fx.Exec("PRAGMA query_only = 0");
  CHECK(fx.engine->Patch(existing.id, ObjectOf(R"({"title": "T2"})")).ok());
  fx.CheckClean();
}

// ------------------------------------------------------ in a child process

// Runs `work` in a child process and returns what it printed on the pipe,
// or the way it died. The child must not use doctest.
std::string InChild(const std::function<std::string()>& work) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(nullptr);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    std::string said = work();
    ssize_t ignored = write(fds[1], said.data(), said.size());
    (void)ignored;
    _exit(0);
  }
  close(fds[1]);
  std::string said;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    said.append(buffer, static_cast<std::size_t>(n));
  close(fds[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  if (!WIFEXITED(status)) return "died of signal " + std::to_string(WTERMSIG(status));
  if (WEXITSTATUS(status) != 0) return "exited with " + std::to_string(WEXITSTATUS(status));
  return said;
}

std::string Line(const Status& status) {
  return std::string(CodeName(status.code())) + ": " + status.message() + "\n";
}

TEST_CASE("writes the operating system refuses (RLIMIT_FSIZE) are storage_error and leave the file sound") {
  TempDir dir;
  const std::string path = dir.file("fsize.db");
  std::string said = InChild([&] {
    std::string out;
    signal(SIGXFSZ, SIG_IGN);  // a refused write is then EFBIG, not a signal
    auto opened = Engine::Open(Options{}, path);  // kFull: every commit reaches the file
    if (!opened.ok()) return "open " + Line(opened.status());
    Engine& engine = **opened;
    auto existing = engine.Create(Titled("Existing"));
    if (!existing.ok()) return "create " + Line(existing.status());
    std::error_code ec;
    std::uintmax_t largest = std::max(fs::file_size(path, ec), fs::file_size(path + "-wal", ec));
    rlimit limit{};
    getrlimit(RLIMIT_FSIZE, &limit);
    rlimit tight = limit;
    tight.rlim_cur = largest + 8192;
    setrlimit(RLIMIT_FSIZE, &tight);
    CaseDraft big = Titled("Big");
    big.description = Big(1 << 20);
    auto refused = engine.Create(big);
    out += "refused " + (refused.ok() ? std::string("ok\n") : Line(refused.status()));
    auto patched = engine.Patch(existing->id, json::object{{"description", Big(1 << 20)}});
    out += "patch " + (patched.ok() ? std::string("ok\n") : Line(patched.status()));
    setrlimit(RLIMIT_FSIZE, &limit);
    auto version = engine.Get(existing->id);
    out += "version " + (version.ok() ? std::to_string(version->version) + "\n" : Line(version.status()));
    auto again = engine.Create(big);
    out += "again " + (again.ok() ? std::string("ok\n") : Line(again.status()));
    auto report = engine.Verify();
    out += "verify " + (report.ok() ? std::string(report->clean() ? "clean\n" : "problems\n")
                                    : Line(report.status()));
    return out;
  });
  INFO(said);
  std::istringstream lines(said);
  std::string refused, patch, version, again, verify;
  std::getline(lines, refused);
  std::getline(lines, patch);
  std::getline(lines, version);
  std::getline(lines, again);
  std::getline(lines, verify);
  CHECK(refused.rfind("refused storage_error: SQLite: ", 0) == 0);
  CHECK(patch.rfind("patch storage_error: SQLite: ", 0) == 0);
  CHECK(version == "version 1");
  CHECK(again == "again ok");
  CHECK(verify == "verify clean");

  // And a fresh engine in this process finds the file sound.
  auto opened = Engine::Open(FastOptions(), path);
  REQUIRE(opened.ok());
  auto report = (*opened)->Verify();
  REQUIRE(report.ok());
  CHECK(report->cases == 2);
  CHECK(report->clean());
}

// ---------------------------------------------------------- read-only file

// Opens `path` in a child process that cannot write it (as nobody when this
// runs as root, which permissions do not stop) and returns the outcome.
std::string OpenAsReader(const std::string& path) {
  return InChild([&] {
    if (geteuid() == 0 && (setresgid(65534, 65534, 65534) != 0 || setresuid(65534, 65534, 65534) != 0))
      return std::string("cannot drop root\n");
    auto opened = Engine::Open(FastOptions(), path);
    if (opened.ok()) return std::string("opened\n");
    return Line(opened.status());
  });
}

TEST_CASE("a read-only database file is refused with storage_error and left intact and usable") {
  TempDir dir;
  const std::string path = dir.file("ro.db");
  std::string id;
  {
    auto opened = Engine::Open(FastOptions(), path);
    REQUIRE(opened.ok());
    id = (*opened)->Create(DraftOf(R"({"title": "Kept"})"))->id;
  }  // closing the last connection folds the WAL into the file
  REQUIRE_FALSE(fs::exists(path + "-wal"));
  const std::string bytes = ReadFile(path);
  fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);

  std::string said = OpenAsReader(path);
  if (said == "cannot drop root\n") {
    MESSAGE("skipped: running as root without the right to become another user");
    return;
  }
  INFO(said);
  CHECK(said.rfind("storage_error: ", 0) == 0);
  CHECK(said.find("read-only") != std::string::npos);
  CHECK(said.find(path) != std::string::npos);
  CHECK(ReadFile(path) == bytes);
  CHECK_FALSE(fs::exists(path + "-wal"));

  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  auto opened = Engine::Open(FastOptions(), path);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  CHECK((*opened)->Get(id)->title == "Kept");
  CHECK((*opened)->Patch(id, ObjectOf(R"({"title": "Changed"})")).ok());
  auto report = (*opened)->Verify();
  REQUIRE(report.ok());
  CHECK(report->clean());
}

}  // namespace
}  // namespace casework

#include <doctest/doctest.h>

#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "fixture.h"
#include "storage/connection.h"
#include "storage/migrations.h"

using namespace casework;
using casework::testing::EngineFixture;
using casework::testing::TempDir;

namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string DataFile(const char* name) {
  const char* dir = std::getenv("CASEWORK_TEST_DATA");
  REQUIRE_MESSAGE(dir != nullptr, "CASEWORK_TEST_DATA is not set");
  return std::string(dir) + "/" + name;
}

// Inspects a database file behind casework's back.
std::string PragmaText(const std::string& path, const char* pragma) {
  SQLite::Database db(path, SQLite::OPEN_READONLY);
  return db.execAndGet(pragma).getString();
}

Options Fast() {
  Options options;
  options.durability = Durability::kNormal;
  return options;
}

}  // namespace

TEST_CASE("a new database is at the latest schema version, in WAL, with the default workspace") {
  EngineFixture f;
  CHECK(PragmaText(f.path(), "PRAGMA user_version") ==
        std::to_string(storage::LatestSchemaVersion()));
  CHECK(PragmaText(f.path(), "PRAGMA journal_mode") == "wal");
  auto workspaces = f.engine->ListWorkspaces();
  REQUIRE(workspaces.ok());
  REQUIRE(workspaces->size() == 1);
  CHECK((*workspaces)[0].slug == "default");
}

TEST_CASE("each connection enforces foreign keys and the chosen durability") {
  TempDir dir;
  Options full;
  auto strict = storage::Connection::Open(dir.file("a.db"), full);
  CHECK(strict->database().execAndGet("PRAGMA foreign_keys").getInt() == 1);
  CHECK(strict->database().execAndGet("PRAGMA synchronous").getInt() == 2);  // FULL
  auto fast = storage::Connection::Open(dir.file("a.db"), Fast());
  CHECK(fast->database().execAndGet("PRAGMA synchronous").getInt() == 1);  // NORMAL
  CHECK_THROWS(fast->Exec("INSERT INTO users (uuid, workspace_id, email) VALUES (x'00', 999, 'a@b.c')"));
}

TEST_CASE("a database of schema version 1 migrates and keeps its cases") {
  TempDir dir;
  std::string path = dir.file("v1.db");
  {
    SQLite::Database old(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec(ReadFile(DataFile("schema_v1.sql")));
  }
  auto opened = Engine::Open(Fast(), path);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  CHECK(PragmaText(path, "PRAGMA user_version") == std::to_string(storage::LatestSchemaVersion()));
  CHECK(PragmaText(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'case_fields_by_value'") == "1");

  auto c = (*opened)->Get("018bcfe5-6800-7000-8000-000000000003");
  REQUIRE_MESSAGE(c.ok(), c.status().ToString());
  CHECK(c->title == "Water damage claim");
  CHECK(c->owner->given_name == "Claire");
  REQUIRE(c->contacts.size() == 1);
  CHECK(c->contacts[0].email == "marie.dupont@example.com");
  CHECK(c->schema[0].value == boost::json::value(2450.5));
  CHECK(c->tags == std::vector<std::string>{"water"});

  // And it keeps working: a migrated case takes changes.
  auto updated = (*opened)->UpdateData(c->id, {{"claim_amount", 3000}});
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  CHECK(updated->version == 2);
  CHECK((*opened)->History(c->id)->size() == 2);

  // The event the file had is numbered first in the change feed, with an
  // id of its own; the new one follows.
  auto feed = (*opened)->Changes(0, 10);
  REQUIRE_MESSAGE(feed.ok(), feed.status().ToString());
  REQUIRE(feed->size() == 2);
  CHECK((*feed)[0].event.change == 1);
  CHECK((*feed)[0].event.kind == "created");
  CHECK((*feed)[0].event.id.size() == 36);
  CHECK((*feed)[1].event.change == 2);
  CHECK((*feed)[0].event.id != (*feed)[1].event.id);
  CHECK((*opened)->DatabaseId()->size() == 36);
}

TEST_CASE("a database from a newer casework is refused and left untouched") {
  TempDir dir;
  std::string path = dir.file("future.db");
  {
    SQLite::Database future(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    future.exec("CREATE TABLE t (x); PRAGMA user_version = 99;");
  }
  std::string before = ReadFile(path);
  auto opened = Engine::Open(Fast(), path);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kStorageError);
  CHECK(opened.status().message().find("newer") != std::string::npos);
  CHECK(ReadFile(path) == before);
  CHECK_FALSE(std::filesystem::exists(path + "-wal"));
  CHECK(PragmaText(path, "PRAGMA journal_mode") == "delete");
}

TEST_CASE("without create_if_missing a missing file is a storage error and stays missing") {
  TempDir dir;
  Options options = Fast();
  options.create_if_missing = false;
  auto opened = Engine::Open(options, dir.file("absent.db"));
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kStorageError);
  CHECK_FALSE(std::filesystem::exists(dir.file("absent.db")));
}

TEST_CASE("a postgresql:// path is a storage error naming PostgreSQL, and creates no file") {
  auto opened = Engine::Open(Fast(), "postgresql://user@localhost/cases");
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kStorageError);
  CHECK(opened.status().message().find("PostgreSQL") != std::string::npos);
  CHECK(opened.status().message().find("user@") == std::string::npos);  // no credentials
  CHECK_FALSE(std::filesystem::exists("postgresql:"));
}

TEST_CASE("a file that is not a database is a storage error, not a crash") {
  TempDir dir;
  std::string path = dir.file("junk.db");
  std::ofstream(path) << std::string(8192, 'x');
  auto opened = Engine::Open(Fast(), path);
  REQUIRE_FALSE(opened.ok());
  CHECK(opened.status().code() == Code::kStorageError);
}

TEST_CASE("several engines opening one fresh file at once all succeed and migrate once") {
  TempDir dir;
  std::string path = dir.file("race.db");
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      auto opened = Engine::Open(Fast(), path);
      if (!opened.ok()) ++failures;
    });
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  CHECK(PragmaText(path, "SELECT count(*) FROM workspaces") == "1");
}

TEST_CASE("a write held by another connection past the busy timeout is busy, and nothing changes") {
  EngineFixture f;
  Case c = f.MustCreate(R"({"title": "locked"})");
  Options quick = Fast();
  quick.busy_timeout = std::chrono::milliseconds(50);
  auto second = Engine::Open(quick, f.path());
  REQUIRE(second.ok());

  SQLite::Database blocker(f.path(), SQLite::OPEN_READWRITE);
  blocker.exec("BEGIN IMMEDIATE");
  auto refused = (*second)->Archive(c.id);
  blocker.exec("ROLLBACK");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kBusy);
  CHECK(f.engine->Get(c.id)->version == 1);
  CHECK((*second)->Archive(c.id).ok());
}

TEST_CASE("a write transaction rolls back unless committed") {
  TempDir dir;
  auto db = storage::Connection::Open(dir.file("tx.db"), Fast());
  {
    storage::WriteTransaction tx(*db);
    db->Exec("UPDATE workspaces SET name = 'changed'");
  }
  CHECK(db->database().execAndGet("SELECT name FROM workspaces").getString() == "Default");
  {
    storage::WriteTransaction tx(*db);
    db->Exec("UPDATE workspaces SET name = 'kept'");
    tx.Commit();
  }
  CHECK(db->database().execAndGet("SELECT name FROM workspaces").getString() == "kept");
}

TEST_CASE("a cached statement is reset when its borrower leaves scope") {
  TempDir dir;
  std::string path = dir.file("stmt.db");
  auto db = storage::Connection::Open(path, Fast());
  db->Exec("UPDATE workspaces SET name = 'in the wal'");
  static constexpr char kSql[] = "SELECT slug FROM workspaces WHERE slug = ?1";
  {
    auto q = db->Use(kSql);
    q.Bind(1, std::string_view("default"));
    REQUIRE(q.Step());
  }
  // A statement left mid-result would pin its WAL snapshot and make a full
  // checkpoint from another connection report busy.
  SQLite::Database other(path, SQLite::OPEN_READWRITE);
  SQLite::Statement checkpoint(other, "PRAGMA wal_checkpoint(TRUNCATE)");
  REQUIRE(checkpoint.executeStep());
  CHECK(checkpoint.getColumn(0).getInt() == 0);

  auto again = db->Use(kSql);
  CHECK_FALSE(again.Step());  // bindings were cleared: NULL matches nothing
}

TEST_CASE("one engine shared by threads serializes their writes without losing one") {
  EngineFixture f;
  Case c = f.MustCreate(R"({"title": "shared", "schema": [{"key": "n", "type": "integer", "value": 0}]})");
  constexpr int kThreads = 4, kWrites = 25;
  std::atomic<int> conflicts{0}, successes{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kWrites; ++i) {
        for (;;) {  // read-modify-write with the version, retried on conflict
          auto current = f.engine->Get(c.id);
          if (!current.ok()) return;
          WriteOptions options;
          options.expected_version = current->version;
          auto n = current->schema[0].value.as_int64();
          auto written = f.engine->UpdateData(c.id, {{"n", n + 1}}, options);
          if (written.ok()) {
            ++successes;
            break;
          }
          if (written.status().code() != Code::kConflict) return;
          ++conflicts;
        }
      }
    });
  for (auto& thread : threads) thread.join();
  CHECK(successes == kThreads * kWrites);
  Case final_state = *f.engine->Get(c.id);
  CHECK(final_state.schema[0].value.as_int64() == kThreads * kWrites);
  CHECK(final_state.version == 1 + kThreads * kWrites);
  CHECK(f.engine->History(c.id)->size() == static_cast<std::size_t>(1 + kThreads * kWrites));
}

// storage::pg::Connection against a real PostgreSQL server (pg_main.cc):
// values round-trip through parameters, and every kind of server failure
// becomes the typed error the engine reports.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>

#include "casework/status.h"
#include "pg_fixture.h"
#include "storage/pg/connection.h"

namespace pg = casework::storage::pg;
using casework::Code;
using casework::Error;

namespace {

std::unique_ptr<pg::Connection> Connect(
    std::chrono::milliseconds busy_timeout = std::chrono::milliseconds(5000)) {
  return pgtest::Connect(pgtest::ServerUri(), busy_timeout);
}

// A table of this process alone, so that suites may run side by side.
std::string TableName(const char* stem) { return std::string(stem) + "_" + std::to_string(getpid()); }

using pgtest::CodeOf;

// A table `t` of (id, n) holding the row (1, 0), dropped at scope exit.
struct ScratchTable {
  explicit ScratchTable(pg::Connection& db, const char* stem) : db(db), name(TableName(stem)) {
    db.RunDynamic("DROP TABLE IF EXISTS " + name);
    db.RunDynamic("CREATE TABLE " + name + " (id bigint PRIMARY KEY, n bigint NOT NULL)");
    db.RunDynamic("INSERT INTO " + name + " VALUES (1, 0)");
  }
  ~ScratchTable() {
    try {
      db.RunDynamic("DROP TABLE IF EXISTS " + name);
    } catch (...) {
    }
  }
  pg::Connection& db;
  std::string name;
};

}  // namespace

TEST_CASE("IsUri recognises postgresql:// and postgres:// and nothing else") {
  CHECK(pg::IsUri("postgresql://u@h/db"));
  CHECK(pg::IsUri("postgres:///db?host=/tmp"));
  CHECK_FALSE(pg::IsUri("cases.db"));
  CHECK_FALSE(pg::IsUri("/var/postgresql://x"));
  CHECK_FALSE(pg::IsUri("postgresql:"));
}

TEST_CASE("parameters of every kind round-trip as their values") {
  auto db = Connect();
  const char* sql = "SELECT $1::bigint, $2::text, $3::text IS NULL, $4::double precision";
  auto rows = db->Run(sql, pg::Params()
                               .Add(std::int64_t{-9007199254740993})
                               .Add("it's \"quoted\"; DROP TABLE x; --")
                               .AddNull()
                               .Add(0.1));
  REQUIRE(rows.size() == 1);
  CHECK(rows.Int(0, 0) == -9007199254740993);
  CHECK(rows.View(0, 1) == "it's \"quoted\"; DROP TABLE x; --");
  CHECK(rows.Bool(0, 2));
  CHECK(rows.Double(0, 3) == 0.1);
}

TEST_CASE("a prepared statement is reused with new values") {
  auto db = Connect();
  static const char kSquare[] = "SELECT $1::bigint * $1::bigint";
  CHECK(db->Run(kSquare, pg::Params().Add(3)).Int(0, 0) == 9);
  CHECK(db->Run(kSquare, pg::Params().Add(12)).Int(0, 0) == 144);
}

TEST_CASE("NULL columns read as empty optionals") {
  auto db = Connect();
  auto rows = db->RunDynamic("SELECT NULL::text, NULL::bigint, 'x', 7");
  CHECK(rows.IsNull(0, 0));
  CHECK_FALSE(rows.OptionalText(0, 0));
  CHECK_FALSE(rows.OptionalInt(0, 1));
  CHECK(rows.OptionalText(0, 2) == "x");
  CHECK(rows.OptionalInt(0, 3) == 7);
}

TEST_CASE("changed() counts the rows a write changed") {
  auto db = Connect();
  ScratchTable t(*db, "changed");
  CHECK(db->RunDynamic("UPDATE " + t.name + " SET n = n + 1").changed() == 1);
  CHECK(db->RunDynamic("UPDATE " + t.name + " SET n = 0 WHERE id = 2").changed() == 0);
}

TEST_CASE("a server error is storage_error with the server's message, and the connection stays usable") {
  auto db = Connect();
  try {
    db->RunDynamic("SELEC 1");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.status().code() == Code::kStorageError);
    CHECK(e.status().message().find("syntax error") != std::string::npos);
  }
  CHECK(db->RunDynamic("SELECT 2").Int(0, 0) == 2);
}

TEST_CASE("a server that cannot be reached is storage_error naming the failure") {
  casework::Options options;
  try {
    pg::Connection::Open("postgresql:///casework?host=/nonexistent-socket-dir", options);
    FAIL("connected");
  } catch (const Error& e) {
    CHECK(e.status().code() == Code::kStorageError);
    CHECK(e.status().message().find("cannot connect") != std::string::npos);
  }
}

TEST_CASE("a transaction not committed leaves nothing behind") {
  auto db = Connect();
  ScratchTable t(*db, "rollback");
  {
    pg::Transaction tx(*db);
    db->RunDynamic("UPDATE " + t.name + " SET n = 5");
  }
  CHECK(db->RunDynamic("SELECT n FROM " + t.name).Int(0, 0) == 0);
  {
    pg::Transaction tx(*db);
    db->RunDynamic("UPDATE " + t.name + " SET n = 6");
    tx.Commit();
  }
  CHECK(db->RunDynamic("SELECT n FROM " + t.name).Int(0, 0) == 6);
}

TEST_CASE("committing a transaction a failed statement aborted is storage_error, and nothing is written") {
  auto db = Connect();
  ScratchTable t(*db, "aborted");
  pg::Transaction tx(*db);
  db->RunDynamic("UPDATE " + t.name + " SET n = 7");
  CHECK(CodeOf([&] { db->RunDynamic("INSERT INTO " + t.name + " VALUES (1, 1)"); }) ==
        Code::kStorageError);
  CHECK(CodeOf([&] { tx.Commit(); }) == Code::kStorageError);
  CHECK(db->RunDynamic("SELECT n FROM " + t.name).Int(0, 0) == 0);
}

TEST_CASE("a row lock held past busy_timeout is busy") {
  auto holder = Connect();
  auto waiter = Connect(std::chrono::milliseconds(100));
  ScratchTable t(*holder, "locked");
  pg::Transaction hold(*holder);
  holder->RunDynamic("SELECT n FROM " + t.name + " WHERE id = 1 FOR UPDATE");
  auto started = std::chrono::steady_clock::now();
  CHECK(CodeOf([&] { waiter->RunDynamic("UPDATE " + t.name + " SET n = 1"); }) == Code::kBusy);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(100));
  CHECK(waiter->RunDynamic("SELECT 1").Int(0, 0) == 1);
}

TEST_CASE("a serialization failure is busy") {
  auto first = Connect();
  auto second = Connect();
  ScratchTable t(*first, "serial");
  first->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
  second->Exec("BEGIN ISOLATION LEVEL REPEATABLE READ");
  first->RunDynamic("SELECT n FROM " + t.name);
  second->RunDynamic("SELECT n FROM " + t.name);
  first->RunDynamic("UPDATE " + t.name + " SET n = 1");
  // second's update waits for first's row lock, then finds the row changed
  // since its snapshot: serialization_failure.
  std::thread committer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    first->Exec("COMMIT");
  });
  Code code = CodeOf([&] { second->RunDynamic("UPDATE " + t.name + " SET n = 2"); });
  committer.join();
  second->Exec("ROLLBACK");
  CHECK(code == Code::kBusy);
  CHECK(first->RunDynamic("SELECT n FROM " + t.name).Int(0, 0) == 1);
}

TEST_CASE("a connection the server dropped is storage_error, and stays so") {
  auto victim = Connect();
  auto admin = Connect();
  std::int64_t pid = victim->RunDynamic("SELECT pg_backend_pid()").Int(0, 0);
  CHECK(admin->Run("SELECT pg_terminate_backend($1::int)", pg::Params().Add(pid)).Bool(0, 0));
  try {
    victim->RunDynamic("SELECT 1");
    FAIL("the dropped connection answered");
  } catch (const Error& e) {
    CHECK(e.status().code() == Code::kStorageError);
  }
  CHECK_FALSE(victim->alive());
  CHECK(CodeOf([&] { victim->RunDynamic("SELECT 1"); }) == Code::kStorageError);
}

// The statement the pipeline tests send around the others.
constexpr char kEcho[] = "SELECT $1::bigint";

TEST_CASE("a pipeline returns each statement's rows in the order sent") {
  auto db = Connect();
  static const char kSeries[] = "SELECT generate_series(1, $1::int)";
  const pg::Params seven = pg::Params().Add(7), three = pg::Params().Add(3);
  const pg::Statement statements[] = {{kEcho, seven}, {kSeries, three}, {kEcho, three}};
  std::vector<pg::Rows> rows = db->RunPipelined(statements);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].Int(0, 0) == 7);
  REQUIRE(rows[1].size() == 3);
  CHECK(rows[1].Int(2, 0) == 3);
  CHECK(rows[2].Int(0, 0) == 3);
  // The connection is out of pipeline mode: a plain statement runs.
  CHECK(db->Run(kEcho, seven).Int(0, 0) == 7);
}

TEST_CASE("a statement failing in a pipeline throws its error, and the connection stays usable") {
  auto db = Connect();
  static const char kDivide[] = "SELECT 1 / $1::int";
  const pg::Params one = pg::Params().Add(1), zero = pg::Params().Add(0);
  const pg::Statement statements[] = {{kEcho, one}, {kDivide, zero}, {kEcho, one}};
  try {
    db->RunPipelined(statements);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.status().code() == Code::kStorageError);
    CHECK(e.status().message().find("division by zero") != std::string::npos);
  }
  CHECK(db->Run(kEcho, one).Int(0, 0) == 1);
}

TEST_CASE("a failure in a pipeline inside a transaction leaves nothing of it written") {
  auto db = Connect();
  ScratchTable t(*db, "pipeline");
  // Prepared by address: the texts outlive every use of the connection.
  const std::string update_sql = "UPDATE " + t.name + " SET n = n + 1";
  const std::string insert_sql = "INSERT INTO " + t.name + " VALUES ($1::bigint, 0)";
  const pg::Params none, duplicate = pg::Params().Add(1);
  const pg::Statement statements[] = {{update_sql.c_str(), none},
                                      {insert_sql.c_str(), duplicate},
                                      {update_sql.c_str(), none}};
  {
    pg::Transaction tx(*db);
    CHECK(CodeOf([&] { db->RunPipelined(statements); }) == Code::kStorageError);
  }
  CHECK(db->RunDynamic("SELECT n FROM " + t.name).Int(0, 0) == 0);
}

TEST_CASE("a pipeline on a connection the server dropped is storage_error") {
  auto victim = Connect();
  auto admin = Connect();
  std::int64_t pid = victim->RunDynamic("SELECT pg_backend_pid()").Int(0, 0);
  const pg::Params one = pg::Params().Add(1);
  victim->Run(kEcho, one);  // prepared while the server still answers
  CHECK(admin->Run("SELECT pg_terminate_backend($1::int)", pg::Params().Add(pid)).Bool(0, 0));
  const pg::Statement statements[] = {{kEcho, one}, {kEcho, one}};
  CHECK(CodeOf([&] { victim->RunPipelined(statements); }) == Code::kStorageError);
  CHECK_FALSE(victim->alive());
}

namespace {

std::int64_t PreparedOnServer(pg::Connection& db, const char* prefix) {
  return db.Run("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE $1 || '%'",
                pg::Params().Add(prefix))
      .Int(0, 0);
}

}  // namespace

TEST_CASE("a composed statement is prepared once and reused with new values") {
  auto db = Connect();
  const std::string sql = std::string("SELECT $1::bigint + ") + "1";
  CHECK(db->RunComposed(sql, pg::Params().Add(1)).Int(0, 0) == 2);
  CHECK(db->RunComposed(sql, pg::Params().Add(41)).Int(0, 0) == 42);
  CHECK(PreparedOnServer(*db, "c") == 1);
}

TEST_CASE("composed statements beyond the kept number are forgotten, the least used first") {
  auto db = Connect();
  const std::size_t kept = pg::Connection::kComposedKept;
  auto text = [](std::size_t i) { return "SELECT " + std::to_string(i) + " + $1::bigint"; };
  for (std::size_t i = 0; i < kept; ++i) db->RunComposed(text(i), pg::Params().Add(0));
  // Used again: the first text becomes the last one used.
  db->RunComposed(text(0), pg::Params().Add(0));
  for (std::size_t i = kept; i < kept + 3; ++i)
    CHECK(db->RunComposed(text(i), pg::Params().Add(1)).Int(0, 0) ==
          static_cast<std::int64_t>(i) + 1);
  CHECK(PreparedOnServer(*db, "c") == static_cast<std::int64_t>(kept));
  // Both the kept and the forgotten texts still run, and give their values.
  CHECK(db->RunComposed(text(0), pg::Params().Add(5)).Int(0, 0) == 5);
  CHECK(db->RunComposed(text(1), pg::Params().Add(5)).Int(0, 0) == 6);
  CHECK(PreparedOnServer(*db, "c") == static_cast<std::int64_t>(kept));
}

TEST_CASE("a composed statement the server rejects is storage_error and is not kept") {
  auto db = Connect();
  CHECK(CodeOf([&] { db->RunComposed("SELEC $1", pg::Params().Add(1)); }) == Code::kStorageError);
  CHECK(PreparedOnServer(*db, "c") == 0);
  CHECK(db->RunComposed("SELECT $1::int", pg::Params().Add(3)).Int(0, 0) == 3);
}

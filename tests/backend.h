// The backend the engine suites run on. Each suite of tests/meson.build's
// `backend_suites` runs twice: on SQLite files, and (its "_pg" variant,
// CASEWORK_TEST_BACKEND=postgresql) on the PostgreSQL server that
// scripts/test starts and names in CASEWORK_TEST_POSTGRESQL, each test in a
// fresh database of its own. One suite, two backends: a test opens
// whatever TestDatabase::path() names, a file or a URI.
#ifndef CASEWORK_TESTS_BACKEND_H_
#define CASEWORK_TESTS_BACKEND_H_

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include "pg_fixture.h"
#include "storage/pg/migrations.h"

namespace casework::testing {

inline bool OnPostgres() {
  const char* backend = std::getenv("CASEWORK_TEST_BACKEND");
  return backend != nullptr && std::string_view(backend) == "postgresql";
}

// For the tests of what only one backend has (SQLite's files, pragmas and
// query plans): TEST_CASE("..." * doctest::skip(SqliteOnly())).
inline bool SqliteOnly() { return OnPostgres(); }

// A migrated empty database that every test database of this process
// copies (CREATE DATABASE ... TEMPLATE): migrating once instead of once a
// test.
class PgTemplate {
 public:
  static const std::string& Name() {
    static PgTemplate made;
    return made.database_.name();
  }

 private:
  PgTemplate() {
    auto connection = pgtest::Connect(database_.uri());
    storage::pg::Migrate(*connection);
  }  // the connection closes: a template must have none
  pgtest::FreshDatabase database_;
};

// One database of a test: the file `name` in `directory` on SQLite, a fresh
// database on PostgreSQL (dropped with the object).
class TestDatabase {
 public:
  TestDatabase(const std::string& directory, const std::string& name) {
    if (!OnPostgres()) {
      path_ = directory + "/" + name;
      return;
    }
    pg_ = std::make_unique<pgtest::FreshDatabase>(PgTemplate::Name());
    path_ = pg_->uri();
    // A copy of the template would share its id: a database made anew has
    // its own.
    pgtest::Connect(path_)->RunDynamic("UPDATE casework_database SET uuid = gen_random_uuid()");
  }
  const std::string& path() const { return path_; }

 private:
  std::unique_ptr<pgtest::FreshDatabase> pg_;
  std::string path_;
};

// SQL run on a test database behind the engine's back, as another program
// would: to count rows, or to damage them. The SQL must read alike in both
// dialects (UuidLiteral helps).
class RawDatabase {
 public:
  explicit RawDatabase(const std::string& path) {
    if (path.find("://") != std::string::npos)
      pg_ = pgtest::Connect(path);
    else
      sqlite_ = std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
  }

  void Exec(const std::string& sql) {
    if (pg_)
      pg_->RunDynamic(sql);
    else
      sqlite_->exec(sql);
  }

  // The first column of the first row, as text.
  std::string Text(const std::string& sql) {
    if (pg_) {
      auto rows = pg_->RunDynamic(sql);
      return rows.empty() ? std::string() : rows.Text(0, 0);
    }
    return sqlite_->execAndGet(sql).getString();
  }

  std::int64_t Int(const std::string& sql) { return std::stoll(Text(sql)); }

  // The first column of every row, as text.
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> values;
    if (pg_) {
      auto rows = pg_->RunDynamic(sql);
      for (int i = 0; i < rows.size(); ++i) values.push_back(rows.Text(i, 0));
      return values;
    }
    SQLite::Statement q(*sqlite_, sql);
    while (q.executeStep()) values.push_back(q.getColumn(0).getString());
    return values;
  }

 private:
  std::unique_ptr<SQLite::Database> sqlite_;
  std::unique_ptr<storage::pg::Connection> pg_;
};

// The SQL literal of the case id `id` as its backend stores it: a blob on
// SQLite, a uuid on PostgreSQL.
inline std::string UuidLiteral(const std::string& id) {
  if (OnPostgres()) return "'" + id + "'::uuid";
  std::string hex;
  for (char c : id)
    if (c != '-') hex += c;
  return "X'" + hex + "'";
}

}  // namespace casework::testing

#endif  // CASEWORK_TESTS_BACKEND_H_

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
  }
  const std::string& path() const { return path_; }

 private:
  std::unique_ptr<pgtest::FreshDatabase> pg_;
  std::string path_;
};

}  // namespace casework::testing

#endif  // CASEWORK_TESTS_BACKEND_H_

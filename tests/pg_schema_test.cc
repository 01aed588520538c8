// The PostgreSQL schema (storage/pg/schema.h) and its migrations, each test
// in a database of its own: migrating is idempotent and safe to race, every
// table is keyed by workspace first, and the kept case counts follow the
// cases.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "pg_fixture.h"
#include "storage/pg/connection.h"
#include "storage/pg/migrations.h"

namespace pg = casework::storage::pg;
using casework::Code;
using pgtest::CodeOf;
using pgtest::Connect;
using pgtest::FreshDatabase;

namespace {

std::int64_t Scalar(pg::Connection& db, const std::string& sql) {
  return db.RunDynamic(sql).Int(0, 0);
}

// The casework tables of the database's public schema.
std::vector<std::string> Tables(pg::Connection& db) {
  auto rows = db.RunDynamic(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
      "AND tablename <> 'casework_migrations' ORDER BY tablename");
  std::vector<std::string> names;
  for (int i = 0; i < rows.size(); ++i) names.push_back(rows.Text(i, 0));
  return names;
}

// Inserts a case in workspace 1 with `status` (parent in_progress).
void InsertCase(pg::Connection& db, const char* uuid, const char* status) {
  db.Run(
      "INSERT INTO cases (workspace_id, uuid, title, status, parent_status, waiting_for, "
      "metadata, closure_conditions, created_at, updated_at, version) "
      "VALUES (1, $1::uuid, 't', $2, 'in_progress', 'none', '{}', '[]', 0, 0, 1)",
      pg::Params().Add(uuid).Add(status));
}

std::int64_t Counted(pg::Connection& db, const char* status, bool archived) {
  auto rows = db.Run(
      "SELECT coalesce(sum(n), 0) FROM case_counts WHERE workspace_id = 1 AND status = $1 "
      "AND archived = $2::boolean",
      pg::Params().Add(status).Add(archived ? "true" : "false"));
  return rows.Int(0, 0);
}

// A fresh database, migrated, and a connection to it.
struct Migrated {
  Migrated() : db(Connect(fresh.uri())) { pg::Migrate(*db); }
  FreshDatabase fresh;
  std::unique_ptr<pg::Connection> db;
};

}  // namespace

TEST_CASE("migrating a new database creates every table and the default workspace") {
  Migrated m;
  auto& db = m.db;
  CHECK(Scalar(*db, "SELECT max(version) FROM casework_migrations") == pg::kSchemaVersion);
  CHECK(Tables(*db) == std::vector<std::string>{
                           "case_assignees", "case_contacts", "case_counts", "case_events",
                           "case_fields", "case_links", "case_steps", "case_tags", "cases",
                           "casework_database", "contacts", "sync_conflicts", "sync_peers",
                           "template_versions", "templates", "users", "workspaces"});
  auto rows = db->RunDynamic("SELECT slug, name, uuid::text FROM workspaces");
  REQUIRE(rows.size() == 1);
  CHECK(rows.View(0, 0) == "default");
  CHECK(rows.View(0, 1) == "Default");
  CHECK(rows.View(0, 2).size() == 36);
}

TEST_CASE("migrating twice changes nothing") {
  Migrated m;
  auto& db = m.db;
  pg::Migrate(*db);
  CHECK(Scalar(*db, "SELECT count(*) FROM casework_migrations") == pg::kSchemaVersion);
  CHECK(Scalar(*db, "SELECT count(*) FROM workspaces") == 1);
}

TEST_CASE("processes migrating one database at once take turns") {
  FreshDatabase fresh;
  std::vector<std::thread> openers;
  std::vector<Code> codes(4, Code::kOk);
  for (std::size_t i = 0; i < codes.size(); ++i)
    openers.emplace_back([&, i] {
      codes[i] = CodeOf([&] {
        auto db = Connect(fresh.uri());
        pg::Migrate(*db);
      });
    });
  for (auto& opener : openers) opener.join();
  for (Code code : codes) CHECK(code == Code::kOk);
  auto db = Connect(fresh.uri());
  CHECK(Scalar(*db, "SELECT count(*) FROM workspaces") == 1);
  CHECK(Scalar(*db, "SELECT count(*) FROM casework_migrations") == pg::kSchemaVersion);
}

TEST_CASE("a database of a newer casework is storage_error naming both versions") {
  Migrated m;
  auto& db = m.db;
  db->RunDynamic("INSERT INTO casework_migrations (version) VALUES (99)");
  try {
    pg::Migrate(*db);
    FAIL("migrated a newer database");
  } catch (const casework::Error& e) {
    CHECK(e.status().code() == Code::kStorageError);
    CHECK(e.status().message().find("99") != std::string::npos);
  }
}

// The database's own rows (its id, its sync peers) belong to no workspace.
TEST_CASE("every table of workspace data has workspace_id first in its primary key") {
  Migrated m;
  auto& db = m.db;
  // The first column of each primary key, by table.
  auto rows = db->RunDynamic(
      "SELECT t.relname, a.attname FROM pg_index i "
      "JOIN pg_class t ON t.oid = i.indrelid "
      "JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public' "
      "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] "
      "WHERE i.indisprimary AND t.relname <> 'casework_migrations' ORDER BY t.relname");
  CHECK(rows.size() == 17);
  for (int i = 0; i < rows.size(); ++i) {
    std::string table = rows.Text(i, 0);
    CAPTURE(table);
    const char* first = table == "workspaces" || table == "casework_database" ? "id"
                        : table == "sync_peers"                               ? "peer"
                                                                              : "workspace_id";
    CHECK(rows.View(i, 1) == first);
  }
}

namespace {

// The plan of `sql` in the database, one line of EXPLAIN a row, joined.
std::string Plan(pg::Connection& db, const std::string& sql) {
  auto rows = db.RunDynamic("EXPLAIN " + sql);
  std::string plan;
  for (int i = 0; i < rows.size(); ++i) plan += rows.Text(i, 0) + "\n";
  return plan;
}

}  // namespace

// A new database has no statistics: every index leading with workspace_id
// then looks as cheap as the key for a lookup by key, and a plan a
// connection keeps (foreign-key checks, prepared statements) would scan a
// whole workspace for each row once the tables have grown.
TEST_CASE("in a new database, a lookup by primary key uses the primary key") {
  Migrated m;
  auto& db = m.db;
  auto keys = db->RunDynamic(
      // Each key's columns as a foreign-key check's WHERE: col = '1' AND ...
      "SELECT t.relname, ix.relname, string_agg(a.attname || ' = ' || CASE a.atttypid "
      "WHEN 'uuid'::regtype THEN '''00000000-0000-0000-0000-000000000001''' ELSE '''1''' END, "
      "' AND ' ORDER BY k.n) "
      "FROM pg_index i "
      "JOIN pg_class t ON t.oid = i.indrelid "
      "JOIN pg_class ix ON ix.oid = i.indexrelid "
      "JOIN pg_namespace s ON s.oid = t.relnamespace AND s.nspname = 'public' "
      "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, n) "
      "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum "
      "WHERE i.indisprimary AND t.relname <> 'casework_migrations' "
      "GROUP BY t.relname, ix.relname ORDER BY t.relname");
  REQUIRE(keys.size() == 17);
  for (int i = 0; i < keys.size(); ++i) {
    std::string table = keys.Text(i, 0), index = keys.Text(i, 1), where = keys.Text(i, 2);
    std::string plan =
        Plan(*db, "SELECT 1 FROM ONLY " + table + " x WHERE " + where + " FOR KEY SHARE OF x");
    CAPTURE(plan);
    CHECK(plan.find("using " + index + " on") != std::string::npos);
  }
}

TEST_CASE("every foreign key between workspace tables carries workspace_id") {
  Migrated m;
  auto& db = m.db;
  // Foreign keys to a table other than workspaces lacking workspace_id.
  auto rows = db->RunDynamic(
      "SELECT c.conname FROM pg_constraint c "
      "JOIN pg_class target ON target.oid = c.confrelid "
      "WHERE c.contype = 'f' AND target.relname <> 'workspaces' AND NOT EXISTS ("
      " SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid "
      " AND a.attnum = ANY (c.conkey) AND a.attname = 'workspace_id')");
  CHECK(rows.size() == 0);
  CHECK(Scalar(*db, "SELECT count(*) FROM pg_constraint WHERE contype = 'f'") >= 12);
}

TEST_CASE("case counts follow inserts, status moves, archiving and deletes") {
  Migrated m;
  auto& db = m.db;
  InsertCase(*db, "00000000-0000-7000-8000-000000000001", "open");
  InsertCase(*db, "00000000-0000-7000-8000-000000000002", "open");
  CHECK(Counted(*db, "open", false) == 2);
  db->RunDynamic("UPDATE cases SET status = 'review' WHERE uuid = '00000000-0000-7000-8000-000000000001'");
  CHECK(Counted(*db, "open", false) == 1);
  CHECK(Counted(*db, "review", false) == 1);
  db->RunDynamic("UPDATE cases SET archived_at = 5 WHERE uuid = '00000000-0000-7000-8000-000000000002'");
  CHECK(Counted(*db, "open", false) == 0);
  CHECK(Counted(*db, "open", true) == 1);
  // A write that leaves status and archiving alone counts nothing.
  db->RunDynamic("UPDATE cases SET title = 'u', archived_at = 6");
  CHECK(Counted(*db, "open", true) == 1);
  CHECK(Counted(*db, "review", true) == 1);
  db->RunDynamic("DELETE FROM cases");
  CHECK(Scalar(*db, "SELECT coalesce(sum(n), 0) FROM case_counts") == 0);
}

TEST_CASE("a case's uuid is unique within its workspace") {
  Migrated m;
  auto& db = m.db;
  InsertCase(*db, "00000000-0000-7000-8000-000000000001", "open");
  CHECK(CodeOf([&] { InsertCase(*db, "00000000-0000-7000-8000-000000000001", "open"); }) ==
        Code::kStorageError);
}

TEST_CASE("deleting a case deletes its children with it") {
  Migrated m;
  auto& db = m.db;
  InsertCase(*db, "00000000-0000-7000-8000-000000000001", "open");
  auto id = Scalar(*db, "SELECT id FROM cases");
  db->Run("INSERT INTO case_tags (workspace_id, case_id, tag) VALUES (1, $1, 'x')",
          pg::Params().Add(id));
  db->Run("INSERT INTO case_events (workspace_id, case_id, seq, at, actor, kind, changes, details) "
          "VALUES (1, $1, 1, 0, 'system', 'created', '[]', '{}')",
          pg::Params().Add(id));
  db->RunDynamic("DELETE FROM cases");
  CHECK(Scalar(*db, "SELECT count(*) FROM case_tags") == 0);
  CHECK(Scalar(*db, "SELECT count(*) FROM case_events") == 0);
}

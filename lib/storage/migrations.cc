// Forward-only migrations. Version N is reached by running migration N on a
// database at version N-1; a released migration is never edited, only
// followed by a new one.
#include "storage/migrations.h"

#include <random>
#include <string>

#include <SQLiteCpp/Statement.h>

#include "casework/status.h"
#include "storage/sql.h"
#include "uuid.h"

namespace casework::storage {
namespace {

// 1: the tables, and the workspace every database has.
void CreateTables(SQLite::Database& db) {
  db.exec(sql::kSchemaV1);
  SQLite::Statement insert(db, sql::kInsertDefaultWorkspace);
  Uuid uuid = RandomUuid();
  insert.bind(1, uuid.data(), static_cast<int>(uuid.size()));
  insert.exec();
}

// 2: the indexes behind the list filters.
void CreateListIndexes(SQLite::Database& db) { db.exec(sql::kSchemaV2); }

// 3: templates and their versions.
void CreateTemplates(SQLite::Database& db) { db.exec(sql::kSchemaV3); }

// 4: list indexes ordered like list pages, and the full-text search index
// (filled with the existing cases).
void CreateSearch(SQLite::Database& db) { db.exec(sql::kSchemaV4); }

// 5: the field type in the data. index, so that data. filters read it alone.
void CoverFieldTypes(SQLite::Database& db) { db.exec(sql::kSchemaV5); }
// 6: case counts per workspace, status and archived, for list totals.
void CountCases(SQLite::Database& db) { db.exec(sql::kSchemaV6); }

// 7: event ids and change numbers, the database's own id, sync state.
void CreateChangeFeed(SQLite::Database& db) {
  db.exec(sql::kSchemaV7);
  SQLite::Statement insert(db, sql::kInsertDatabaseId);
  Uuid uuid = RandomUuid();
  insert.bind(1, uuid.data(), static_cast<int>(uuid.size()));
  insert.exec();
}

using Migration = void (*)(SQLite::Database&);
constexpr Migration kMigrations[] = {CreateTables, CreateListIndexes, CreateTemplates,
                                     CreateSearch, CoverFieldTypes, CountCases,
                                     CreateChangeFeed};

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

int SchemaVersion(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

void Migrate(SQLite::Database& db, int target) {
  if (target < 0) target = LatestSchemaVersion();
  int version = SchemaVersion(db);
  if (version > LatestSchemaVersion())
    throw Error(Status::StorageError("database schema version " + std::to_string(version) +
                                     " is newer than this casework (" +
                                     std::to_string(LatestSchemaVersion()) + ")"));
  for (; version < target; ++version) {
    kMigrations[version](db);
    db.exec("PRAGMA user_version = " + std::to_string(version + 1));
  }
}

}  // namespace casework::storage

// The schema of a casework database and its forward-only migrations.
#ifndef CASEWORK_LIB_STORAGE_MIGRATIONS_H_
#define CASEWORK_LIB_STORAGE_MIGRATIONS_H_

#include <SQLiteCpp/Database.h>

namespace casework::storage {

// The schema version this library writes (PRAGMA user_version).
int LatestSchemaVersion();

// Brings the schema from its current user_version up to `target` (default:
// the latest), one migration at a time, inside the caller's transaction.
// Refuses (casework::Error, storage_error) a version newer than the latest.
void Migrate(SQLite::Database& db, int target = -1);

// PRAGMA user_version.
int SchemaVersion(SQLite::Database& db);

}  // namespace casework::storage

#endif  // CASEWORK_LIB_STORAGE_MIGRATIONS_H_

// Brings a PostgreSQL database to the schema this build of casework knows
// (pg/schema.h), as storage/migrations.h does for SQLite files.
#ifndef CASEWORK_LIB_STORAGE_PG_MIGRATIONS_H_
#define CASEWORK_LIB_STORAGE_PG_MIGRATIONS_H_

namespace casework::storage::pg {

class Connection;

// The schema version this build writes.
inline constexpr int kSchemaVersion = 2;

// Applies every migration the database lacks, each in one transaction with
// the version it records, under a lock that makes processes opening one
// database at once take turns. Throws Error: kStorageError when the
// database is of a newer casework (a version above kSchemaVersion).
void Migrate(Connection& db);

}  // namespace casework::storage::pg

#endif  // CASEWORK_LIB_STORAGE_PG_MIGRATIONS_H_

#include "storage/pg/migrations.h"

#include <string>

#include "casework/status.h"
#include "storage/pg/connection.h"
#include "storage/pg/schema.h"
#include "uuid.h"

namespace casework::storage::pg {
namespace {

void CreateTables(Connection& db) {
  db.Exec(schema::kSchemaV1);
  db.Run(schema::kInsertDefaultWorkspace, Params().Add(UuidToString(RandomUuid())));
}

// Event ids and change numbers, the database's own id, sync state.
void CreateChangeFeed(Connection& db) {
  db.Exec(schema::kSchemaV2);
  db.Run(schema::kInsertDatabaseId, Params().Add(UuidToString(RandomUuid())));
}

using Step = void (*)(Connection&);
// Step i brings the schema from version i to i + 1. Released steps never
// change: a database migrated by one release must match a new one.
constexpr Step kSteps[kSchemaVersion] = {CreateTables, CreateChangeFeed};

}  // namespace

void Migrate(Connection& db) {
  // CREATE TABLE IF NOT EXISTS can still race another process's: the lock
  // below is taken first, in a transaction of its own.
  {
    Transaction tx(db);
    db.Run(schema::kLockMigrations);
    db.Run(schema::kCreateMigrations);
    tx.Commit();
  }
  for (;;) {
    Transaction tx(db);
    db.Run(schema::kLockMigrations);
    auto version = db.Run(schema::kAppliedVersion).Int(0, 0);
    if (version > kSchemaVersion)
      throw Error(Status::StorageError(
          "the database has schema version " + std::to_string(version) +
          ", newer than this casework's " + std::to_string(kSchemaVersion)));
    if (version == kSchemaVersion) return;
    kSteps[version](db);
    db.Run(schema::kRecordVersion, Params().Add(version + 1));
    tx.Commit();
  }
}

}  // namespace casework::storage::pg

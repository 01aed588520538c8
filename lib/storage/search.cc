#include "storage/search.h"

#include "storage/connection.h"
#include "storage/sql.h"

namespace casework::storage {

bool SearchPending(Connection& db) {
  auto pending = db.Use(sql::kSearchPending);
  return pending.Step() && pending.Int(0) != 0;
}

void IndexPendingCases(Connection& db) {
  if (!SearchPending(db)) return;
  db.Use(sql::kSearchDropPending).Run();
  db.Use(sql::kSearchIndexPending).Run();
  db.Use(sql::kSearchClearPending).Run();
}

}  // namespace casework::storage

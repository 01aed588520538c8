#include "storage/repository.h"

#include "casework/status.h"
#include "listing/filter.h"
#include "storage/pg/connection.h"
#include "storage/pg/repository.h"
#include "storage/sqlite_repository.h"

namespace casework::storage {

std::unique_ptr<Repository> Repository::Open(const std::string& path, const Options& options) {
  if (pg::IsUri(path)) return pg::OpenRepository(path, options);
  return OpenSqliteRepository(path, options);
}

void Repository::ExpectOneRow(std::int64_t changed, const CaseKey& key) {
  // Under a write transaction with the case locked a lost race is a bug;
  // refuse it rather than write over another change.
  if (changed != 1)
    throw Error(Status::Conflict(key.version, "the case changed during the operation"));
}

Transaction::Transaction(Repository& repository, Access access) : repository_(repository) {
  repository_.Begin(access);
}

Transaction::~Transaction() {
  if (open_) repository_.Rollback();
}

void Transaction::Commit() {
  // A COMMIT that failed may have left the transaction open (SQLite's
  // BUSY): the destructor then rolls it back.
  repository_.Commit();
  open_ = false;
}

bool ListNeedsPage(const listing::ListFilter& filter, std::int64_t total) {
  return filter.cursor.has_value() || filter.offset < total;
}

}  // namespace casework::storage

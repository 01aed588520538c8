#include "storage/connection.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include <SQLiteCpp/Exception.h>

#include "casework/status.h"
#include "storage/migrations.h"
#include "storage/search.h"

namespace casework::storage {

// ---- Stmt ----

Stmt::~Stmt() {
  // sqlite3_reset repeats the last step's error, which its caller has seen.
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void Stmt::Throw(int rc) const { throw SQLite::Exception(sqlite3_db_handle(statement_), rc); }

bool Stmt::Step() {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Throw(rc);
}

Stmt& Stmt::Bind(int index, std::int64_t value) {
  Check(sqlite3_bind_int64(handle(), index, value));
  return *this;
}

Stmt& Stmt::Bind(int index, double value) {
  Check(sqlite3_bind_double(handle(), index, value));
  return *this;
}

Stmt& Stmt::Bind(int index, std::string_view text) {
  Check(sqlite3_bind_text64(handle(), index, text.data(), text.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8));
  return *this;
}

Stmt& Stmt::Bind(int index, const Uuid& uuid) {
  Check(sqlite3_bind_blob(handle(), index, uuid.data(), static_cast<int>(uuid.size()),
                          SQLITE_TRANSIENT));
  return *this;
}

Stmt& Stmt::BindNull(int index) {
  Check(sqlite3_bind_null(handle(), index));
  return *this;
}

int Stmt::Run() {
  while (Step()) {
  }
  return sqlite3_changes(sqlite3_db_handle(statement_));
}

bool Stmt::IsNull(int column) const {
  return sqlite3_column_type(handle(), column) == SQLITE_NULL;
}
int Stmt::Type(int column) const { return sqlite3_column_type(handle(), column); }
std::int64_t Stmt::Int(int column) const { return sqlite3_column_int64(handle(), column); }
double Stmt::Double(int column) const { return sqlite3_column_double(handle(), column); }

std::string Stmt::Text(int column) const { return std::string(View(column)); }

std::string_view Stmt::View(int column) const {
  const unsigned char* text = sqlite3_column_text(handle(), column);
  int size = sqlite3_column_bytes(handle(), column);
  if (text == nullptr) return {};
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(size)};
}

std::optional<std::string> Stmt::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

std::optional<std::int64_t> Stmt::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

Uuid Stmt::UuidAt(int column) const {
  Uuid uuid{};
  const void* blob = sqlite3_column_blob(handle(), column);
  if (blob && sqlite3_column_bytes(handle(), column) == static_cast<int>(uuid.size()))
    std::memcpy(uuid.data(), blob, uuid.size());
  return uuid;
}

std::optional<Uuid> Stmt::OptionalUuid(int column) const {
  if (IsNull(column)) return std::nullopt;
  return UuidAt(column);
}

// ---- Connection ----

namespace {

// See SetConnectionHookForTesting.
std::function<void(sqlite3*)>& ConnectionHook() {
  static std::function<void(sqlite3*)> hook;
  return hook;
}

bool IsBusy(const SQLite::Exception& e) {
  int code = e.getErrorCode() & 0xff;
  return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

// Switching to WAL takes an exclusive lock and, unlike ordinary statements,
// does not wait in the busy handler: processes opening a fresh file together
// collide here. Retry with backoff until the busy timeout is spent.
void EnableWal(SQLite::Database& db, std::chrono::milliseconds budget) {
  auto deadline = std::chrono::steady_clock::now() + budget;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    try {
      std::string mode = db.execAndGet("PRAGMA journal_mode").getString();
      if (mode == "wal") return;
      mode = db.execAndGet("PRAGMA journal_mode=WAL").getString();
      if (mode == "wal") return;
      throw Error(Status::StorageError("cannot switch the database to WAL (journal mode is " +
                                       mode + ")"));
    } catch (const SQLite::Exception& e) {
      if (!IsBusy(e) || std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

void ApplyPragmas(SQLite::Database& db, const Options& options) {
  int enabled = 0;
  sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_DEFENSIVE, 1, &enabled);
  db.exec("PRAGMA foreign_keys = ON");
  db.exec("PRAGMA trusted_schema = OFF");
  db.exec(options.durability == Durability::kFull ? "PRAGMA synchronous = FULL"
                                                  : "PRAGMA synchronous = NORMAL");
  // Debian's build defaults to secure_delete=ON, which rewrites freed pages;
  // FAST still zeroes deleted content in pages already being written.
  db.exec("PRAGMA secure_delete = FAST");
  db.exec("PRAGMA temp_store = MEMORY");
  db.exec("PRAGMA cache_size = -16384");  // 16 MiB
}

}  // namespace

Connection::Connection(const std::string& path, int flags, const Options& options)
    : db_(path, flags, static_cast<int>(options.busy_timeout.count())) {}

std::unique_ptr<Connection> Connection::Open(const std::string& path, const Options& options) {
  int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX;
  if (options.create_if_missing) flags |= SQLite::OPEN_CREATE;
  std::unique_ptr<Connection> connection(new Connection(path, flags, options));
  SQLite::Database& db = connection->db_;
  if (sqlite3_db_readonly(db.getHandle(), "main") == 1)
    throw Error(Status::StorageError("database file " + path + " is read-only"));

  // Refuse a newer schema before anything (even the journal mode) is written.
  int found = SchemaVersion(db);
  if (found > LatestSchemaVersion())
    throw Error(Status::StorageError(
        "database schema version " + std::to_string(found) + " is newer than this casework (" +
        std::to_string(LatestSchemaVersion()) + "); refusing to open it"));

  ApplyPragmas(db, options);
  EnableWal(db, options.busy_timeout);
  if (found < LatestSchemaVersion()) {
    WriteTransaction tx(*connection);
    Migrate(db);  // re-reads the version: another process may have migrated
    tx.Commit();
  }
  if (ConnectionHook()) ConnectionHook()(db.getHandle());
  return connection;
}

Stmt Connection::Use(const char* sql) {
  auto& slot = cache_[sql];
  if (!slot) {
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v3(db_.getHandle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &statement,
                                nullptr);
    if (rc != SQLITE_OK) throw SQLite::Exception(db_.getHandle(), rc);
    slot.reset(statement);
  }
  return Stmt(slot.get());
}

Stmt Connection::UseDynamic(const std::string& sql) {
  if (auto found = dynamic_index_.find(sql); found != dynamic_index_.end()) {
    dynamic_.splice(dynamic_.begin(), dynamic_, found->second);
    return Stmt(found->second->second.get());
  }
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v3(db_.getHandle(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) throw SQLite::Exception(db_.getHandle(), rc);
  Prepared prepared(statement);
  if (dynamic_.size() >= kDynamicCapacity) {
    dynamic_index_.erase(dynamic_.back().first);
    dynamic_.pop_back();
  }
  dynamic_.emplace_front(sql, std::move(prepared));
  dynamic_index_.emplace(dynamic_.front().first, dynamic_.begin());
  return Stmt(dynamic_.front().second.get());
}

// ---- Transactions ----

WriteTransaction::WriteTransaction(Connection& connection) : connection_(connection) {
  connection_.Exec("BEGIN IMMEDIATE");
}

WriteTransaction::~WriteTransaction() {
  // Also after a failed COMMIT: BUSY leaves the transaction open, and FULL or
  // IOERR may already have rolled it back, which makes this a no-op.
  if (open_) connection_.database().tryExec("ROLLBACK");
}

void WriteTransaction::Commit() {
  // The full-text index follows the rows in the same transaction.
  IndexPendingCases(connection_);
  connection_.Exec("COMMIT");
  open_ = false;
}

ReadTransaction::ReadTransaction(Connection& connection) : connection_(connection) {
  connection_.Exec("BEGIN");
}

ReadTransaction::~ReadTransaction() { connection_.database().tryExec("COMMIT"); }

// ---- Fault injection ----

void SetConnectionHookForTesting(std::function<void(sqlite3*)> hook) {
  ConnectionHook() = std::move(hook);
}

}  // namespace casework::storage

// One SQLite connection with its prepared statements and transactions.
//
// Not thread-safe: a Connection belongs to one thread at a time (the Engine
// serializes calls on it). SQLite and SQLiteCpp errors surface as
// SQLite::Exception; the engine boundary turns them into Status values.
#ifndef CASEWORK_LIB_STORAGE_CONNECTION_H_
#define CASEWORK_LIB_STORAGE_CONNECTION_H_

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include <SQLiteCpp/Database.h>

#include "casework/options.h"
#include "uuid.h"

namespace casework::storage {

// A borrowed cached statement. Binding is positional from 1; leaving scope
// resets the statement and clears its bindings, so it never holds a read
// transaction open or leaks a value into the next use.
//
// Statements are prepared with the C API rather than SQLite::Statement:
// binding a std::string_view or reading a column then costs no copy and no
// reference-counted handle.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* statement) : statement_(statement) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& Bind(int index, std::int64_t value);
  Stmt& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
  Stmt& Bind(int index, double value);
  Stmt& Bind(int index, std::string_view text);  // copied by SQLite
  Stmt& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Stmt& Bind(int index, const Uuid& uuid);
  Stmt& BindNull(int index);
  template <typename T>
  Stmt& Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Steps once; true while a row is available.
  bool Step();
  // Runs a statement that returns no rows; returns the rows changed.
  int Run();

  bool IsNull(int column) const;
  std::int64_t Int(int column) const;
  double Double(int column) const;
  std::string Text(int column) const;
  // The text without a copy: valid until the next Step or the Stmt's end.
  std::string_view View(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const;
  Uuid UuidAt(int column) const;
  std::optional<Uuid> OptionalUuid(int column) const;
  // The SQLite storage class of a column (SQLITE_INTEGER, ...).
  int Type(int column) const;

 private:
  sqlite3_stmt* handle() const { return statement_; }
  [[noreturn]] void Throw(int rc) const;
  void Check(int rc) const {
    if (rc != SQLITE_OK) Throw(rc);
  }
  sqlite3_stmt* statement_;
};

class Connection {
 public:
  // Opens or creates the file, applies the per-connection pragmas, switches
  // to WAL, and migrates the schema. Throws casework::Error (storage_error,
  // busy) or SQLite::Exception.
  static std::unique_ptr<Connection> Open(const std::string& path, const Options& options);

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The statement for `sql`, prepared on first use and reused after. `sql`
  // must be a string with static storage (the cache is keyed by address):
  // the constants of sql.h.
  Stmt Use(const char* sql);

  // The statement for SQL text composed at run time (the list query
  // compiler's), prepared on first use and reused while it is among the
  // kDynamicCapacity texts used most recently; the least recently used one is
  // finalized to make room. The text must hold no user values: bind them.
  // A statement borrowed from here stays valid until kDynamicCapacity other
  // texts have been used, so borrow few at a time.
  Stmt UseDynamic(const std::string& sql);
  static constexpr std::size_t kDynamicCapacity = 256;

  // Runs SQL text without rows (pragmas, DDL, BEGIN/COMMIT).
  void Exec(const char* sql) { db_.exec(sql); }

  std::int64_t LastInsertRowid() const { return db_.getLastInsertRowid(); }
  SQLite::Database& database() { return db_; }

 private:
  Connection(const std::string& path, int flags, const Options& options);

  struct Finalizer {
    void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
  };
  using Prepared = std::unique_ptr<sqlite3_stmt, Finalizer>;

  // Declared before the cache: statements must be finalized before the
  // database closes, or closing fails.
  SQLite::Database db_;
  std::unordered_map<const char*, Prepared> cache_;
  // UseDynamic's cache: most recently used first; the index's keys view the
  // texts held by the list's nodes, which never move.
  std::list<std::pair<std::string, Prepared>> dynamic_;
  std::unordered_map<std::string_view, std::list<std::pair<std::string, Prepared>>::iterator>
      dynamic_index_;
};

// BEGIN IMMEDIATE ... COMMIT. Taking the write lock up front means a
// read-then-write never fails half-way with SQLITE_BUSY: it waits for the
// lock (busy_timeout) at BEGIN or not at all. Rolls back unless committed,
// including when COMMIT itself failed.
class WriteTransaction {
 public:
  explicit WriteTransaction(Connection& connection);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void Commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

// A read transaction: one consistent snapshot for a multi-statement read.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& connection);
  ~ReadTransaction();
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;

 private:
  Connection& connection_;
};

// ---- Fault injection, for tests ----
//
// When set, Open calls `hook` with the SQLite handle of every connection it
// makes, after the pragmas and migrations and before anything else uses it.
// Tests inject faults through it: PRAGMA max_page_count for a full disk,
// PRAGMA query_only for a file that turned read-only. An empty function
// (the default) does nothing. Not synchronized: set it while no connection
// is being opened.
void SetConnectionHookForTesting(std::function<void(sqlite3*)> hook);

}  // namespace casework::storage

#endif  // CASEWORK_LIB_STORAGE_CONNECTION_H_

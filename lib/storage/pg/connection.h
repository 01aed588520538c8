// One PostgreSQL connection (libpq), with its prepared statements and
// transactions: the PostgreSQL counterpart of storage/connection.h.
//
// Not thread-safe: a Connection belongs to one thread at a time. Every
// failure is thrown as casework::Error with the code DOMAIN.md gives it:
// serialization failures, deadlocks and lock timeouts are kBusy (retrying
// may succeed), a lost or refused connection and every other server error
// are kStorageError. No libpq type appears in this header.
#ifndef CASEWORK_LIB_STORAGE_PG_CONNECTION_H_
#define CASEWORK_LIB_STORAGE_PG_CONNECTION_H_

#include <charconv>
#include <cstdint>
#include <memory>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "casework/options.h"
#include "casework/status.h"
#include "uuid.h"

struct pg_conn;
struct pg_result;

namespace casework::storage::pg {

// True when `path` names a PostgreSQL database rather than a SQLite file:
// a postgresql:// or postgres:// URI.
bool IsUri(std::string_view path);

// The values of a statement's $1, $2, ... in order, sent as text (the
// server converts each to its column's type).
class Params {
 public:
  Params& Add(std::int64_t value);
  Params& Add(int value) { return Add(static_cast<std::int64_t>(value)); }
  Params& Add(double value);
  Params& Add(std::string_view text);
  Params& Add(const char* text) { return Add(std::string_view(text)); }
  Params& AddNull();
  template <typename T>
  Params& Add(const std::optional<T>& value) {
    return value ? Add(*value) : AddNull();
  }

  std::size_t size() const { return values_.size(); }
  // For libpq: one pointer a value, nullptr for NULL; valid while *this is.
  std::vector<const char*> Pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// The text of one array parameter ({"a","b",NULL}), for a statement that
// writes many rows at once (unnest($1::text[])). Every element is quoted,
// so any text survives; the server converts each to the element type.
class ArrayParam {
 public:
  ArrayParam& Add(std::string_view text) {
    text_ += text_.size() > 1 ? ",\"" : "\"";
    for (char c : text) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
    return *this;
  }
  ArrayParam& Add(std::int64_t value) { return Add(std::string_view(std::to_string(value))); }
  ArrayParam& Add(double value) {
    char buffer[32];  // the shortest text that reads back as the same double
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return Add(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
  }
  ArrayParam& Add(const char* text) { return Add(std::string_view(text)); }
  ArrayParam& AddBool(bool value) { return Add(std::string_view(value ? "t" : "f")); }
  ArrayParam& AddNull() {
    text_ += text_.size() > 1 ? ",NULL" : "NULL";
    return *this;
  }
  template <typename T>
  ArrayParam& Add(const std::optional<T>& value) {
    return value ? Add(*value) : AddNull();
  }

  std::string Text() const { return text_ + "}"; }

 private:
  std::string text_ = "{";
};

// The rows of one statement, read by row and column from 0. Values are in
// PostgreSQL's text format: an integer reads as its digits, a boolean as
// "t" or "f".
class Rows {
 public:
  explicit Rows(pg_result* result);
  ~Rows();
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;

  int size() const;
  bool empty() const { return size() == 0; }
  // Rows a statement without rows (INSERT, UPDATE, DELETE) changed.
  std::int64_t changed() const;

  bool IsNull(int row, int column) const;
  // The text without a copy: valid while *this is.
  std::string_view View(int row, int column) const;
  std::string Text(int row, int column) const { return std::string(View(row, column)); }
  std::int64_t Int(int row, int column) const;
  double Double(int row, int column) const;
  bool Bool(int row, int column) const;
  std::optional<std::string> OptionalText(int row, int column) const;
  std::optional<std::int64_t> OptionalInt(int row, int column) const;

 private:
  friend class Connection;
  pg_result* result_;
};

// One row of Rows, read by column from 0 as storage/case_rows.h reads a
// backend's row. A uuid column is read from its text form.
class RowView {
 public:
  RowView(const Rows& rows, int row) : rows_(rows), row_(row) {}

  bool IsNull(int column) const { return rows_.IsNull(row_, column); }
  std::string_view View(int column) const { return rows_.View(row_, column); }
  std::string Text(int column) const { return rows_.Text(row_, column); }
  std::int64_t Int(int column) const { return rows_.Int(row_, column); }
  double Double(int column) const { return rows_.Double(row_, column); }
  std::optional<std::string> OptionalText(int column) const {
    return rows_.OptionalText(row_, column);
  }
  std::optional<std::int64_t> OptionalInt(int column) const {
    return rows_.OptionalInt(row_, column);
  }
  // Throws Error (kStorageError) for text that is not a uuid: only a
  // damaged database, or a statement reading the wrong column, gives one.
  Uuid UuidAt(int column) const {
    std::string_view text = View(column);
    if (auto uuid = UuidFromString(text)) return *uuid;
    throw Error(Status::StorageError("PostgreSQL: not a uuid: \"" +
                                     std::string(text.substr(0, 40)) + "\""));
  }

 private:
  const Rows& rows_;
  int row_;
};

// One statement of a pipeline (Connection::RunPipelined): a prepared text,
// as Connection::Run takes, and its parameters.
struct Statement {
  const char* sql;
  const Params& params;
};

class Connection {
 public:
  // Connects to the database `uri` names (postgresql://user@host/db, or a
  // unix socket: postgresql:///db?host=/run/postgresql). Waits at most
  // options.busy_timeout for a row or table lock before kBusy. Throws Error
  // (kStorageError) when the server cannot be reached.
  static std::unique_ptr<Connection> Open(const std::string& uri, const Options& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL text without parameters, several statements allowed (DDL,
  // BEGIN/COMMIT, SET).
  void Exec(const char* sql);

  // Runs `sql`, prepared on the server on first use and reused after. `sql`
  // must be a string with static storage: the cache is keyed by address.
  Rows Run(const char* sql, const Params& params = {});

  // Runs `statements` in order in one round trip to the server (libpq's
  // pipeline mode) and returns their rows in the same order: reading a case
  // and its six kinds of child rows costs one network wait, not seven. The
  // first failure is thrown, as Run throws it, after the server has
  // answered every statement; inside a transaction it aborts the
  // transaction, as it would one statement at a time.
  std::vector<Rows> RunPipelined(std::span<const Statement> statements);

  // Runs SQL text composed at run time (it must hold no user values: pass
  // them as params), without keeping a prepared statement.
  Rows RunDynamic(const std::string& sql, const Params& params = {});

  // Runs composed SQL text as RunDynamic does, but prepared on first use and
  // kept while it is one of the kComposedKept texts used last: a list
  // statement is composed from the shape of the filter, so the same few
  // texts come back call after call, and planning each would cost more than
  // running it.
  Rows RunComposed(const std::string& sql, const Params& params = {});
  static constexpr std::size_t kComposedKept = 64;

  // False once the server has gone away; every later call then fails.
  bool alive() const;

  // Sends COMMIT; false when the server rolled back instead.
  bool CommitReportsCommitted();

 private:
  explicit Connection(pg_conn* conn);
  // Takes a result of libpq: returns it as Rows when it succeeded, else
  // throws the Error it stands for.
  Rows Checked(pg_result* result) const;
  // Throws the Error a failed (or null) result stands for.
  void ThrowIfFailed(const pg_result* result) const;
  // The name `sql` is prepared under, preparing it on first use.
  const std::string& PreparedName(const char* sql);
  // Deallocates the statement RunComposed used least recently.
  void ForgetLeastUsedComposed();
  // Reads a pipeline's results up to its sync point, whatever they are, so
  // that the connection leaves pipeline mode ready for the next statement.
  std::vector<pg_result*> DrainPipeline(std::size_t statements);

  pg_conn* conn_;
  std::unordered_map<const char*, std::string> prepared_;  // text -> name
  // RunComposed's statements: their texts, the last used first, and for
  // each text its name and place in that order.
  struct Composed {
    std::string name;
    std::list<std::string>::iterator use;
  };
  std::list<std::string> composed_uses_;
  std::unordered_map<std::string, Composed> composed_;
  std::uint64_t composed_made_ = 0;
};

// BEGIN ... COMMIT. Rolls back unless committed, including when COMMIT
// itself failed (libpq leaves nothing open either way).
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

}  // namespace casework::storage::pg

#endif  // CASEWORK_LIB_STORAGE_PG_CONNECTION_H_

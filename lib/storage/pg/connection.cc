#include "storage/pg/connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <utility>

#include "casework/status.h"

namespace casework::storage::pg {
namespace {

// SQLSTATEs after which the same work may succeed when tried again: the
// engine reports them as kBusy, as it does SQLite's SQLITE_BUSY.
bool IsRetryable(std::string_view state) {
  return state == "40001"     // serialization_failure
         || state == "40P01"  // deadlock_detected
         || state == "55P03"  // lock_not_available: lock_timeout passed
         || state == "57014"; // query_canceled: statement_timeout passed
}

std::string Trimmed(const char* message) {
  std::string text = message ? message : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

[[noreturn]] void ThrowStorage(std::string message) {
  throw Error(Status::StorageError("PostgreSQL: " + std::move(message)));
}

// Parses an integer column; libpq gives every value as text.
std::int64_t ParseInt(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    ThrowStorage("not an integer: \"" + std::string(text.substr(0, 40)) + "\"");
  return value;
}

}  // namespace

bool IsUri(std::string_view path) {
  return path.starts_with("postgresql://") || path.starts_with("postgres://");
}

// ---- Params ----

Params& Params::Add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::Add(double value) {
  // Shortest text that reads back as the same double.
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  values_.emplace_back(std::string(buffer, end));
  return *this;
}

Params& Params::Add(std::string_view text) {
  values_.emplace_back(std::string(text));
  return *this;
}

Params& Params::AddNull() {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::vector<const char*> Params::Pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

// ---- Rows ----

Rows::Rows(pg_result* result) : result_(result) {}
Rows::~Rows() { PQclear(result_); }
Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}

int Rows::size() const { return PQntuples(result_); }

std::int64_t Rows::changed() const {
  const char* text = PQcmdTuples(result_);
  return text && *text ? ParseInt(text) : 0;
}

bool Rows::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) == 1; }

std::string_view Rows::View(int row, int column) const {
  return {PQgetvalue(result_, row, column),
          static_cast<std::size_t>(PQgetlength(result_, row, column))};
}

std::int64_t Rows::Int(int row, int column) const { return ParseInt(View(row, column)); }

double Rows::Double(int row, int column) const {
  std::string text(View(row, column));
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0') ThrowStorage("not a number: \"" + text.substr(0, 40) + "\"");
  return value;
}

bool Rows::Bool(int row, int column) const { return View(row, column) == "t"; }

std::optional<std::string> Rows::OptionalText(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Text(row, column);
}

std::optional<std::int64_t> Rows::OptionalInt(int row, int column) const {
  if (IsNull(row, column)) return std::nullopt;
  return Int(row, column);
}

// ---- Connection ----

std::unique_ptr<Connection> Connection::Open(const std::string& uri, const Options& options) {
  pg_conn* conn = PQconnectdb(uri.c_str());
  if (conn == nullptr) throw Error(Status::StorageError("PostgreSQL: out of memory"));
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    ThrowStorage("cannot connect: " + message);
  }
  // The server's notices and warnings (ANALYZE skipping a table another
  // holds, say) are for a person at psql: libpq would print them on the
  // host's stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  std::unique_ptr<Connection> connection(new Connection(conn));
  // lock_timeout is SQLite's busy_timeout: how long to wait for a lock
  // another transaction holds. Notices are not even sent.
  std::string setup = "SET lock_timeout = " + std::to_string(options.busy_timeout.count()) +
                      "; SET client_min_messages = warning; SET TIME ZONE 'UTC'";
  connection->Exec(setup.c_str());
  return connection;
}

Connection::Connection(pg_conn* conn) : conn_(conn) {}
Connection::~Connection() { PQfinish(conn_); }

bool Connection::alive() const { return PQstatus(conn_) == CONNECTION_OK; }

Rows Connection::Checked(pg_result* result) const {
  Rows rows(result);
  ThrowIfFailed(result);
  return rows;
}

void Connection::ThrowIfFailed(const pg_result* result) const {
  ExecStatusType status = PQresultStatus(result);
  if (result != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)) return;
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = Trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = Trimmed(PQerrorMessage(conn_));
  if (!alive()) ThrowStorage("the connection to the server was lost: " + message);
  if (state && IsRetryable(state))
    throw Error(Status::Busy("the database is locked by another transaction: " + message));
  ThrowStorage(message);
}

void Connection::Exec(const char* sql) { Checked(PQexec(conn_, sql)); }

bool Connection::CommitReportsCommitted() {
  Rows rows = Checked(PQexec(conn_, "COMMIT"));
  return std::string_view(PQcmdStatus(rows.result_)) == "COMMIT";
}

const std::string& Connection::PreparedName(const char* sql) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    Checked(PQprepare(conn_, name.c_str(), sql, 0, nullptr));
    found = prepared_.emplace(sql, std::move(name)).first;
  }
  return found->second;
}

Rows Connection::Run(const char* sql, const Params& params) {
  const std::string& name = PreparedName(sql);
  auto values = params.Pointers();
  return Checked(PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()),
                                values.data(), nullptr, nullptr, 0));
}

std::vector<Rows> Connection::RunPipelined(std::span<const Statement> statements) {
  // Prepared before the pipeline opens: a statement's first use then costs
  // its own round trip once per connection, and a text the server rejects
  // fails alone.
  std::vector<const std::string*> names;
  names.reserve(statements.size());
  for (const Statement& statement : statements) names.push_back(&PreparedName(statement.sql));
  if (PQenterPipelineMode(conn_) != 1) Checked(nullptr);
  std::size_t sent = 0;
  for (; sent < statements.size(); ++sent) {
    auto values = statements[sent].params.Pointers();
    if (PQsendQueryPrepared(conn_, names[sent]->c_str(), static_cast<int>(values.size()),
                            values.data(), nullptr, nullptr, 0) != 1)
      break;
  }
  // Sent or not, the statements already sent are answered up to the sync.
  bool synced = PQpipelineSync(conn_) == 1;
  std::vector<pg_result*> results = DrainPipeline(synced ? sent : 0);
  PQexitPipelineMode(conn_);
  // Every result is owned by a Rows before any is checked, so that the
  // throw of the first failure frees them all.
  std::vector<Rows> rows(results.begin(), results.end());
  for (const Rows& each : rows) ThrowIfFailed(each.result_);
  // A statement that could not be sent, or a connection lost on the way.
  if (rows.size() < statements.size()) ThrowIfFailed(nullptr);
  return rows;
}

std::vector<pg_result*> Connection::DrainPipeline(std::size_t statements) {
  std::vector<pg_result*> results;
  results.reserve(statements);
  for (std::size_t i = 0; i < statements; ++i) {
    pg_result* result = PQgetResult(conn_);
    results.push_back(result);
    if (result == nullptr) return results;  // the connection is gone
    // Each statement's results end with a null: only then comes the next.
    while (pg_result* extra = PQgetResult(conn_)) PQclear(extra);
  }
  // The sync point's own result, PGRES_PIPELINE_SYNC.
  while (pg_result* result = PQgetResult(conn_)) {
    bool sync = PQresultStatus(result) == PGRES_PIPELINE_SYNC;
    PQclear(result);
    if (sync) break;
  }
  return results;
}

Rows Connection::RunComposed(const std::string& sql, const Params& params) {
  auto found = composed_.find(sql);
  if (found != composed_.end()) {
    composed_uses_.splice(composed_uses_.begin(), composed_uses_, found->second.use);
  } else {
    if (composed_.size() == kComposedKept) ForgetLeastUsedComposed();
    std::string name = "c" + std::to_string(++composed_made_);
    Checked(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    composed_uses_.push_front(sql);
    found = composed_.emplace(sql, Composed{std::move(name), composed_uses_.begin()}).first;
  }
  auto values = params.Pointers();
  return Checked(PQexecPrepared(conn_, found->second.name.c_str(),
                                static_cast<int>(values.size()), values.data(), nullptr, nullptr,
                                0));
}

void Connection::ForgetLeastUsedComposed() {
  auto least = composed_.find(composed_uses_.back());
  std::string deallocate = "DEALLOCATE " + least->second.name;
  composed_.erase(least);
  composed_uses_.pop_back();
  // Names are never reused, so a statement the server could not forget (in
  // a transaction a failure aborted) only takes its memory until the
  // connection closes.
  PQclear(PQexec(conn_, deallocate.c_str()));
}

Rows Connection::RunDynamic(const std::string& sql, const Params& params) {
  auto values = params.Pointers();
  return Checked(PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0));
}

// ---- Transaction ----

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.Exec("BEGIN");
}

Transaction::~Transaction() {
  if (!open_) return;
  try {
    connection_.Exec("ROLLBACK");
  } catch (...) {
    // The connection is gone or the transaction already ended: the server
    // rolls back whatever was open, so there is nothing left to undo.
  }
}

void Transaction::Commit() {
  open_ = false;
  // COMMIT of a transaction a failed statement aborted answers ROLLBACK,
  // not an error: the work is lost and the caller must hear it.
  if (!connection_.CommitReportsCommitted())
    throw Error(Status::StorageError("PostgreSQL: the transaction was rolled back"));
}

}  // namespace casework::storage::pg

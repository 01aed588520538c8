#include "raw_sqlite.h"

#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include <boost/json.hpp>

#include "raw_common.h"
#include "uuid.h"

namespace casework::bench {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(sqlite3* db, const char* what) {
  std::fprintf(stderr, "raw sqlite: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  std::exit(1);
}

class Db {
 public:
  Db(const std::string& path, const RawOptions& options) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      Die(db_, "open");
    Exec("PRAGMA journal_mode = WAL");
    Exec(options.full_sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
    Exec("PRAGMA foreign_keys = ON");
    Exec("PRAGMA cache_size = -16384");
    Exec("PRAGMA temp_store = MEMORY");
    Exec("PRAGMA secure_delete = FAST");
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Db() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }
  void Exec(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) Die(db_, sql);
  }
  // Prepared once, reset before each use.
  sqlite3_stmt* Use(const char* sql) {
    sqlite3_stmt*& stmt = statements_[sql];
    if (!stmt && sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK)
      Die(db_, sql);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return stmt;
  }
  void Done(sqlite3_stmt* stmt) {
    int rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) Die(db_, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
  }
  bool Row(sqlite3_stmt* stmt) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) Die(db_, sqlite3_sql(stmt));
    return false;
  }
  std::int64_t LastId() const { return sqlite3_last_insert_rowid(db_); }

  // Commits a write transaction after re-indexing, for full-text search,
  // the cases its triggers noted: the same upkeep as the engine's.
  void CommitWrite() {
    IndexPending();
    Exec("COMMIT");
  }

  // Re-indexes the cases noted so far (full-text search).
  void IndexPending() {
    sqlite3_stmt* pending = Use("SELECT EXISTS (SELECT 1 FROM case_search_pending)");
    bool any = Row(pending) && sqlite3_column_int(pending, 0) != 0;
    sqlite3_reset(pending);
    if (any) {
      Done(Use("DELETE FROM case_search WHERE rowid IN (SELECT case_id FROM case_search_pending)"));
      Done(Use("INSERT INTO case_search (rowid, title, description, reference, contacts) "
               "SELECT c.id, c.title, c.description, c.reference, "
               "(SELECT group_concat(coalesce(ct.name, '') || ' ' || coalesce(ct.given_name, '') "
               "|| ' ' || coalesce(ct.family_name, ''), ' ') FROM case_contacts cc "
               "JOIN contacts ct ON ct.id = cc.contact_id WHERE cc.case_id = c.id) "
               "FROM case_search_pending p JOIN cases c ON c.id = p.case_id"));
      Done(Use("DELETE FROM case_search_pending"));
    }
  }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> statements_;
};

void BindText(sqlite3_stmt* s, int i, const std::string& text) {
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
void BindUuid(sqlite3_stmt* s, int i, const Uuid& u) {
  sqlite3_bind_blob(s, i, u.data(), 16, SQLITE_TRANSIENT);
}
std::string ColumnText(sqlite3_stmt* s, int i) {
  const unsigned char* text = sqlite3_column_text(s, i);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(s, i)) : "";
}

// The event a create records: every member from null, as JSON text of
// about the size the engine writes.
std::string CreatedChanges(const CaseSpec& c) {
  std::string j = "[";
  auto change = [&](const char* path, const std::string& after) {
    if (j.size() > 1) j += ",";
    j += "{\"path\":\"";
    j += path;
    j += "\",\"before\":null,\"after\":" + after + "}";
  };
  change("title", Quoted(c.title));
  change("reference", Quoted(c.reference));
  change("status", Quoted(c.status));
  change("parent_status", Quoted(c.status));
  change("waiting_for", "\"none\"");
  change("owner", "{\"email\":" + Quoted(c.owner_email) + "}");
  std::string tags = "[" + Quoted(c.tags[0]) + "," + Quoted(c.tags[1]) + "]";
  change("tags", tags);
  std::string contacts = "[";
  for (const auto& k : c.contacts)
    contacts += "{\"key\":" + Quoted(k.key) + ",\"email\":" + Quoted(k.email) + ",\"given_name\":" +
                Quoted(k.given_name) + ",\"family_name\":" + Quoted(k.family_name) + "},";
  contacts.back() = ']';
  change("contacts", contacts);
  change("schema", "[{\"key\":\"amount\",\"type\":\"number\",\"value\":" + std::to_string(c.amount) +
                       "},{\"key\":\"policy\",\"type\":\"text\",\"value\":" + Quoted(c.policy) +
                       "},{\"key\":\"notes\",\"type\":\"text\",\"value\":" + Quoted(c.notes) + "}]");
  change("created_at", "\"2024-01-01T00:00:00Z\"");
  change("opened_at", "\"2024-01-01T00:00:00Z\"");
  return j + "]";
}

std::int64_t FindOrInsertUser(Db& db, UuidGenerator& ids, const std::string& email, Timestamp now) {
  sqlite3_stmt* find = db.Use("SELECT id FROM users WHERE workspace_id = 1 AND email = ?1");
  BindText(find, 1, email);
  if (db.Row(find)) {
    std::int64_t id = sqlite3_column_int64(find, 0);
    sqlite3_reset(find);
    return id;
  }
  sqlite3_stmt* insert = db.Use("INSERT INTO users (uuid, workspace_id, email) VALUES (?1, 1, ?2)");
  BindUuid(insert, 1, ids.Next(now));
  BindText(insert, 2, email);
  db.Done(insert);
  return db.LastId();
}

std::int64_t FindOrInsertContact(Db& db, UuidGenerator& ids, const CaseSpec::Contact& c, Timestamp now) {
  sqlite3_stmt* find = db.Use(
      "SELECT id, name, given_name, family_name, phone FROM contacts "
      "WHERE workspace_id = 1 AND email = ?1");
  BindText(find, 1, c.email);
  if (db.Row(find)) {
    std::int64_t id = sqlite3_column_int64(find, 0);
    sqlite3_reset(find);
    return id;
  }
  sqlite3_stmt* insert = db.Use(
      "INSERT INTO contacts (uuid, workspace_id, email, given_name, family_name) "
      "VALUES (?1, 1, ?2, ?3, ?4)");
  BindUuid(insert, 1, ids.Next(now));
  BindText(insert, 2, c.email);
  BindText(insert, 3, c.given_name);
  BindText(insert, 4, c.family_name);
  db.Done(insert);
  return db.LastId();
}

void InsertTypedField(Db& db, std::int64_t row, const char* key, int position, const char* type,
                      const std::string& json, double number) {
  sqlite3_stmt* s = db.Use(
      "INSERT INTO case_fields (case_id, key, position, type, name, value, typed_value, "
      "required, options) VALUES (?1, ?2, ?3, ?4, ?2, ?5, ?6, 0, NULL)");
  sqlite3_bind_int64(s, 1, row);
  sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 3, position);
  sqlite3_bind_text(s, 4, type, -1, SQLITE_STATIC);
  BindText(s, 5, json);
  sqlite3_bind_double(s, 6, number);
  db.Done(s);
}

void InsertTextField(Db& db, std::int64_t row, const char* key, int position, const char* type,
                     const std::string& text) {
  sqlite3_stmt* s = db.Use(
      "INSERT INTO case_fields (case_id, key, position, type, name, value, typed_value, "
      "required, options) VALUES (?1, ?2, ?3, ?4, ?2, ?5, ?6, 0, NULL)");
  sqlite3_bind_int64(s, 1, row);
  sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
  sqlite3_bind_int(s, 3, position);
  sqlite3_bind_text(s, 4, type, -1, SQLITE_STATIC);
  BindText(s, 5, Quoted(text));
  BindText(s, 6, text);
  db.Done(s);
}

// Every event has its own id (a UUIDv7, as the engine makes it) and the
// database's next change number, taken in the INSERT itself as the
// engine's is (sql::kInsertEvent): the write lock makes it one past the
// largest.
void AppendEvent(Db& db, UuidGenerator& ids, std::int64_t row, const char* kind,
                 const std::string& changes, std::int64_t now) {
  sqlite3_stmt* next = db.Use("SELECT COALESCE(MAX(seq), 0) + 1 FROM case_events WHERE case_id = ?1");
  sqlite3_bind_int64(next, 1, row);
  db.Row(next);
  std::int64_t seq = sqlite3_column_int64(next, 0);
  sqlite3_reset(next);
  sqlite3_stmt* insert = db.Use(
      "INSERT INTO case_events (case_id, seq, at, actor, kind, changes, details, uuid, change_seq) "
      "VALUES (?1, ?2, ?3, 'system', ?4, ?5, '{}', ?6, "
      "(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM case_events))");
  sqlite3_bind_int64(insert, 1, row);
  sqlite3_bind_int64(insert, 2, seq);
  sqlite3_bind_int64(insert, 3, now);
  sqlite3_bind_text(insert, 4, kind, -1, SQLITE_STATIC);
  BindText(insert, 5, changes);
  BindUuid(insert, 6, ids.Next(Timestamp{std::chrono::milliseconds(now)}));
  db.Done(insert);
}

void CreateOne(Db& db, UuidGenerator& ids, const CaseSpec& c) {
  std::int64_t now = NowMs();
  Timestamp stamp{std::chrono::milliseconds(now)};
  std::int64_t owner = FindOrInsertUser(db, ids, c.owner_email, stamp);
  sqlite3_stmt* s = db.Use(
      "INSERT INTO cases (uuid, workspace_id, title, reference, status, parent_status, "
      "waiting_for, owner_id, metadata, closure_conditions, created_at, updated_at, opened_at, "
      "version) VALUES (?1, 1, ?2, ?3, ?4, ?4, 'none', ?5, '{}', ?6, ?7, ?7, ?7, 1)");
  BindUuid(s, 1, ids.Next(stamp));
  BindText(s, 2, c.title);
  BindText(s, 3, c.reference);
  BindText(s, 4, c.status);
  sqlite3_bind_int64(s, 5, owner);
  std::string conditions = std::string("[{\"name\":\"amount\",\"formula\":\"") + kCloseCondition + "\"}]";
  BindText(s, 6, conditions);
  sqlite3_bind_int64(s, 7, now);
  db.Done(s);
  std::int64_t row = db.LastId();
  for (const auto& tag : c.tags) {
    sqlite3_stmt* t = db.Use("INSERT INTO case_tags (case_id, tag) VALUES (?1, ?2)");
    sqlite3_bind_int64(t, 1, row);
    BindText(t, 2, tag);
    db.Done(t);
  }
  int position = 0;
  for (const auto& contact : c.contacts) {
    std::int64_t id = FindOrInsertContact(db, ids, contact, stamp);
    sqlite3_stmt* link = db.Use(
        "INSERT INTO case_contacts (case_id, key, position, contact_id) VALUES (?1, ?2, ?3, ?4)");
    sqlite3_bind_int64(link, 1, row);
    BindText(link, 2, contact.key);
    sqlite3_bind_int(link, 3, position++);
    sqlite3_bind_int64(link, 4, id);
    db.Done(link);
  }
  InsertTypedField(db, row, "amount", 0, "number", std::to_string(c.amount), c.amount);
  InsertTypedField(db, row, "rooms", 1, "integer", std::to_string(c.rooms), static_cast<double>(c.rooms));
  InsertTextField(db, row, "policy", 2, "text", c.policy);
  InsertTypedField(db, row, "urgent", 3, "boolean", c.urgent ? "true" : "false", c.urgent ? 1 : 0);
  InsertTextField(db, row, "incident", 4, "date", c.incident_date);
  InsertTypedField(db, row, "reported", 5, "datetime", Quoted(c.reported_at), 1705303800000.0);
  InsertTextField(db, row, "adjuster", 6, "email", c.adjuster);
  InsertTextField(db, row, "phone", 7, "phone", c.phone);
  InsertTextField(db, row, "kind", 8, "choice", c.kind);
  InsertTextField(db, row, "notes", 9, "text", c.notes);
  AppendEvent(db, ids, row, "created", CreatedChanges(c), now);
}

std::int64_t CaseRow(Db& db, const std::string& id, std::int64_t* version = nullptr) {
  sqlite3_stmt* find = db.Use("SELECT id, version FROM cases WHERE uuid = ?1 AND workspace_id = 1");
  BindUuid(find, 1, *UuidFromString(id));
  if (!db.Row(find)) Die(nullptr, "case not found");
  std::int64_t row = sqlite3_column_int64(find, 0);
  if (version) *version = sqlite3_column_int64(find, 1);
  sqlite3_reset(find);
  return row;
}

}  // namespace

double RawCreate(const std::string& path, std::size_t n, std::size_t count, std::size_t batch,
                 const RawOptions& options) {
  Db db(path, options);
  UuidGenerator ids;
  auto start = Clock::now();
  for (std::size_t i = 0; i < count; i += batch) {
    db.Exec("BEGIN IMMEDIATE");
    for (std::size_t j = i; j < std::min(count, i + batch); ++j) CreateOne(db, ids, MakeCase(j, n));
    db.CommitWrite();
  }
  return PerSecond(count, start);
}

namespace json = boost::json;

double RawImport(const std::string& path, const std::string& ndjson, const RawOptions& options) {
  Db db(path, options);
  UuidGenerator ids;
  std::ifstream in(ndjson, std::ios::binary);
  if (!in) Die(nullptr, "cannot read the import file");
  auto start = Clock::now();
  std::size_t count = 0;
  db.Exec("BEGIN IMMEDIATE");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    CreateOne(db, ids, SpecFromPayload(json::parse(line).as_object()));
    if (++count % 1000 == 0) db.IndexPending();  // as Engine::Import does
  }
  db.CommitWrite();
  return PerSecond(count, start);
}

namespace {

// Reads every column of a case and its child rows, as the engine's get
// does; returns the bytes read so the work cannot be optimized away.
std::size_t ReadWholeCase(Db& db, std::int64_t row) {
  std::size_t bytes = 0;
  {
    sqlite3_stmt* record = db.Use(
        "SELECT c.uuid, w.uuid, w.slug, c.title, c.description, c.locale, c.reference, "
        "c.status, c.parent_status, c.waiting_for, c.priority, u.uuid, u.email, u.given_name, "
        "u.family_name, c.template_uuid, c.metadata, c.closure_conditions, c.created_at, "
        "c.updated_at, c.opened_at, c.resolved_at, c.archived_at, c.version, "
        "c.last_transition_uuid FROM cases c JOIN workspaces w ON w.id = c.workspace_id "
        "LEFT JOIN users u ON u.id = c.owner_id WHERE c.id = ?1");
    sqlite3_bind_int64(record, 1, row);
    while (db.Row(record))
      for (int i = 0; i < 25; ++i) bytes += ColumnText(record, i).size();
    const char* children[] = {
        "SELECT u.uuid, u.email, u.given_name, u.family_name FROM case_assignees a "
        "JOIN users u ON u.id = a.user_id WHERE a.case_id = ?1 ORDER BY a.position",
        "SELECT tag FROM case_tags WHERE case_id = ?1 ORDER BY tag",
        "SELECT ct.uuid, cc.key, ct.email, ct.name, ct.given_name, ct.family_name, ct.phone "
        "FROM case_contacts cc JOIN contacts ct ON ct.id = cc.contact_id "
        "WHERE cc.case_id = ?1 ORDER BY cc.position",
        "SELECT key, type, name, value, required, options FROM case_fields "
        "WHERE case_id = ?1 ORDER BY position",
        "SELECT step_id, title, status, data FROM case_steps WHERE case_id = ?1 ORDER BY position",
        "SELECT o.uuid FROM case_links l JOIN cases o ON o.id = l.other_id "
        "WHERE l.case_id = ?1 ORDER BY o.uuid"};
    for (const char* sql : children) {
      sqlite3_stmt* s = db.Use(sql);
      sqlite3_bind_int64(s, 1, row);
      int columns = sqlite3_column_count(s);
      while (db.Row(s))
        for (int i = 0; i < columns; ++i) bytes += ColumnText(s, i).size();
    }
  }
  return bytes;
}

}  // namespace

double RawGet(const std::string& path, const std::vector<std::string>& ids, std::size_t reads,
              const RawOptions& options) {
  Db db(path, options);
  std::mt19937_64 random(7);
  std::size_t bytes = 0;  // keeps the reads from being optimized away
  auto start = Clock::now();
  for (std::size_t r = 0; r < reads; ++r) {
    db.Exec("BEGIN");
    bytes += ReadWholeCase(db, CaseRow(db, ids[random() % ids.size()]));
    db.Exec("COMMIT");
  }
  double rate = PerSecond(reads, start);
  if (bytes == 0) std::fprintf(stderr, "raw get read nothing\n");
  return rate;
}

double RawUpdateData(const std::string& path, const std::vector<std::string>& ids,
                     std::size_t updates, const RawOptions& options) {
  Db db(path, options);
  UuidGenerator uuids;  // the events' ids
  std::mt19937_64 random(11);
  auto start = Clock::now();
  for (std::size_t u = 0; u < updates; ++u) {
    db.Exec("BEGIN IMMEDIATE");
    std::int64_t version = 0;
    std::int64_t row = CaseRow(db, ids[random() % ids.size()], &version);
    std::string changes = "[";
    const char* keys[] = {"amount", "rooms", "policy", "urgent", "notes"};
    for (const char* key : keys) {
      sqlite3_stmt* s = db.Use(
          "UPDATE case_fields SET value = ?3, typed_value = ?4 WHERE case_id = ?1 AND key = ?2");
      sqlite3_bind_int64(s, 1, row);
      sqlite3_bind_text(s, 2, key, -1, SQLITE_STATIC);
      std::string value = std::to_string(u);
      BindText(s, 3, value);
      sqlite3_bind_int64(s, 4, static_cast<std::int64_t>(u));
      db.Done(s);
      changes += std::string(changes.size() > 1 ? "," : "") + "{\"path\":\"data." + key +
                 "\",\"before\":0,\"after\":" + value + "}";
    }
    sqlite3_stmt* touch = db.Use(
        "UPDATE cases SET updated_at = ?3, version = version + 1 WHERE id = ?1 AND version = ?2");
    sqlite3_bind_int64(touch, 1, row);
    sqlite3_bind_int64(touch, 2, version);
    sqlite3_bind_int64(touch, 3, NowMs());
    db.Done(touch);
    AppendEvent(db, uuids, row, "data_updated", changes + "]", NowMs());
    db.CommitWrite();
  }
  return PerSecond(updates, start);
}

double RawTransition(const std::string& path, const std::vector<std::string>& ids,
                     std::size_t moves, const RawOptions& options) {
  Db db(path, options);
  UuidGenerator uuids;
  std::unordered_map<std::int64_t, bool> closed;
  std::mt19937_64 random(13);
  auto start = Clock::now();
  for (std::size_t m = 0; m < moves; ++m) {
    db.Exec("BEGIN IMMEDIATE");
    sqlite3_stmt* find = db.Use(
        "SELECT id, version, status, closure_conditions FROM cases WHERE uuid = ?1 AND workspace_id = 1");
    BindUuid(find, 1, *UuidFromString(ids[random() % ids.size()]));
    db.Row(find);
    std::int64_t row = sqlite3_column_int64(find, 0), version = sqlite3_column_int64(find, 1);
    std::string status = ColumnText(find, 2);
    std::string conditions = ColumnText(find, 3);
    sqlite3_reset(find);
    bool closing = status != "closed";
    // A closure condition may read any member of the case: like the engine,
    // read the whole case before deciding.
    ReadWholeCase(db, row);
    if (closing) {  // the condition reads one field: case.data.amount >= 0
      sqlite3_stmt* value = db.Use("SELECT value FROM case_fields WHERE case_id = ?1 AND key = 'amount'");
      sqlite3_bind_int64(value, 1, row);
      bool met = db.Row(value) && std::strtod(ColumnText(value, 0).c_str(), nullptr) >= 0;
      sqlite3_reset(value);
      if (!met || conditions.empty()) Die(nullptr, "condition unmet");
    }
    std::int64_t now = NowMs();
    sqlite3_stmt* set = db.Use(
        "UPDATE cases SET status = ?3, parent_status = ?3, resolved_at = ?4, "
        "last_transition_uuid = ?5, updated_at = ?6, version = version + 1 "
        "WHERE id = ?1 AND version = ?2");
    sqlite3_bind_int64(set, 1, row);
    sqlite3_bind_int64(set, 2, version);
    sqlite3_bind_text(set, 3, closing ? "closed" : "in_progress", -1, SQLITE_STATIC);
    if (closing) sqlite3_bind_int64(set, 4, now);
    BindUuid(set, 5, uuids.Next(Timestamp{std::chrono::milliseconds(now)}));
    sqlite3_bind_int64(set, 6, now);
    db.Done(set);
    std::string changes = "[{\"path\":\"status\",\"before\":\"" + status + "\",\"after\":\"" +
                          (closing ? "closed" : "in_progress") + "\"}]";
    AppendEvent(db, uuids, row, "status_changed", changes, now);
    db.CommitWrite();
    closed[row] = closing;
  }
  return PerSecond(moves, start);
}

namespace {

// One page as the engine serves it, in one read transaction: the exact
// count (and, after a cursor, the position), then page[size] + 1 row ids
// in page order, then each of the page's cases read whole.
struct RawPageQuery {
  const char* count_sql;
  const char* page_sql;
  std::function<void(sqlite3_stmt*)> bind;  // the same values for both
};

std::size_t RawPage(Db& db, const RawPageQuery& q) {
  db.Exec("BEGIN");
  sqlite3_stmt* count = db.Use(q.count_sql);
  q.bind(count);
  std::size_t total = db.Row(count) ? static_cast<std::size_t>(sqlite3_column_int64(count, 0)) : 0;
  sqlite3_reset(count);
  sqlite3_stmt* page = db.Use(q.page_sql);
  q.bind(page);
  std::vector<std::int64_t> rows;
  while (db.Row(page)) rows.push_back(sqlite3_column_int64(page, 0));
  std::size_t bytes = total;
  for (std::size_t i = 0; i < rows.size() && i < 10; ++i) bytes += ReadWholeCase(db, rows[i]);
  db.Exec("COMMIT");
  return bytes;
}

struct Key {
  std::int64_t created_at = 0;
  std::string uuid;
};

// The sort key of the case at `offset` in the default order: where a
// cursor after it points.
Key KeyAt(Db& db, std::size_t offset) {
  sqlite3_stmt* s = db.Use(
      "SELECT created_at, uuid FROM cases WHERE workspace_id = 1 AND archived_at IS NULL "
      "ORDER BY created_at DESC, uuid DESC LIMIT 1 OFFSET ?1");
  sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(offset));
  if (!db.Row(s)) Die(nullptr, "no case at the cursor's offset");
  Key key{sqlite3_column_int64(s, 0),
          std::string(static_cast<const char*>(sqlite3_column_blob(s, 1)),
                      static_cast<std::size_t>(sqlite3_column_bytes(s, 1)))};
  sqlite3_reset(s);
  return key;
}

}  // namespace

std::vector<double> RawList(const std::string& path, const ListPlan& plan,
                            const RawOptions& options) {
  Db db(path, options);
  std::vector<double> timings;
  std::size_t bytes = 0;
  auto probe = [&](const std::function<RawPageQuery(std::size_t)>& make) {
    TimeCalls(plan.reps, timings, [&](std::size_t rep) { bytes += RawPage(db, make(rep)); });
  };
  probe([](std::size_t) {
    return RawPageQuery{
        "SELECT coalesce(sum(n), 0) FROM case_counts WHERE workspace_id = 1 AND archived = 0 "
        "AND parent_status = 'pending'",
        "SELECT id FROM cases WHERE workspace_id = 1 AND parent_status = 'pending' "
        "AND archived_at IS NULL ORDER BY created_at DESC, uuid DESC LIMIT 11",
        [](sqlite3_stmt*) {}};
  });
  probe([&](std::size_t rep) {
    std::string email = ProbeEmail(rep, plan.n);
    return RawPageQuery{
        "SELECT count(*) FROM cases c WHERE c.id IN (SELECT cc.case_id FROM contacts ct "
        "JOIN case_contacts cc ON cc.contact_id = ct.id WHERE ct.workspace_id = 1 AND "
        "ct.email = ?1) AND +c.workspace_id = 1 AND c.archived_at IS NULL",
        "SELECT c.id FROM cases c WHERE c.id IN (SELECT cc.case_id FROM contacts ct "
        "JOIN case_contacts cc ON cc.contact_id = ct.id WHERE ct.workspace_id = 1 AND "
        "ct.email = ?1) AND +c.workspace_id = 1 AND c.archived_at IS NULL "
        "ORDER BY c.created_at DESC, c.uuid DESC LIMIT 11",
        [email](sqlite3_stmt* s) { BindText(s, 1, email); }};
  });
  probe([&](std::size_t rep) {
    double low = ProbeAmount(rep, plan.n), high = low + ProbeWidth(plan.n);
    return RawPageQuery{
        "SELECT count(*) FROM cases c WHERE c.id IN (SELECT case_id FROM case_fields "
        "WHERE key = 'amount' AND typed_value >= ?1 AND typed_value < ?2) "
        "AND +c.workspace_id = 1 AND c.archived_at IS NULL",
        "SELECT c.id FROM cases c WHERE c.id IN (SELECT case_id FROM case_fields "
        "WHERE key = 'amount' AND typed_value >= ?1 AND typed_value < ?2) "
        "AND +c.workspace_id = 1 AND c.archived_at IS NULL "
        "ORDER BY c.created_at DESC, c.uuid DESC LIMIT 11",
        [low, high](sqlite3_stmt* s) {
          sqlite3_bind_double(s, 1, low);
          sqlite3_bind_double(s, 2, high);
        }};
  });
  // Keyset pages: the rows after the cursor's key; the total from the kept
  // counts, and the page number from the position the caller carries (as
  // the engine's cursor does).
  for (std::size_t page : {std::size_t{1}, plan.deep_page - 1}) {
    Key key = KeyAt(db, page * 10 - 1);
    probe([key](std::size_t) {
      return RawPageQuery{
          "SELECT coalesce(sum(n), 0) FROM case_counts WHERE workspace_id = 1 AND archived = 0 "
          "AND ?1 IS NOT NULL AND ?2 IS NOT NULL",
          "SELECT id FROM cases WHERE workspace_id = 1 AND archived_at IS NULL AND "
          "(created_at, uuid) < (?1, ?2) ORDER BY created_at DESC, uuid DESC LIMIT 11",
          [key](sqlite3_stmt* s) {
            sqlite3_bind_int64(s, 1, key.created_at);
            sqlite3_bind_blob(s, 2, key.uuid.data(), static_cast<int>(key.uuid.size()),
                              SQLITE_TRANSIENT);
          }};
    });
  }
  if (bytes == 0) Die(nullptr, "raw list read nothing");
  return timings;
}

namespace {

// The text of the engine's sql::kSelectChanges: the events after change
// ?1, at most ?2, with their case and workspace, along the change index.
constexpr char kSelectChanges[] =
    "SELECT e.seq, e.at, e.actor, e.kind, e.changes, e.details, e.uuid, e.change_seq, "
    "c.uuid, w.slug FROM case_events e "
    "CROSS JOIN cases c ON c.id = e.case_id CROSS JOIN workspaces w ON w.id = c.workspace_id "
    "WHERE e.change_seq > ?1 ORDER BY e.change_seq LIMIT ?2";

std::string_view ColumnView(sqlite3_stmt* s, int i) {
  const unsigned char* text = sqlite3_column_text(s, i);
  return {reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(s, i))};
}

// A 16-byte id column as the engine's id text.
std::string UuidColumn(sqlite3_stmt* s, int i) {
  if (sqlite3_column_bytes(s, i) != 16) Die(nullptr, "an id that is not 16 bytes");
  Uuid uuid;
  std::memcpy(uuid.data(), sqlite3_column_blob(s, i), 16);
  return UuidToString(uuid);
}

FeedRow FeedRowAt(sqlite3_stmt* s) {
  FeedRow row;
  row.seq = sqlite3_column_int64(s, 0);
  row.at = sqlite3_column_int64(s, 1);
  row.actor = ColumnText(s, 2);
  row.kind = ColumnText(s, 3);
  row.changes = json::parse(ColumnView(s, 4));
  row.details = json::parse(ColumnView(s, 5));
  if (!row.changes.is_array() || !row.details.is_object()) Die(nullptr, "an event's JSON is damaged");
  row.id = UuidColumn(s, 6);
  row.change = sqlite3_column_int64(s, 7);
  row.case_id = UuidColumn(s, 8);
  row.workspace = ColumnText(s, 9);
  return row;
}

// One page of the feed after `since`, in a read transaction of its own as
// each Engine::Changes call is.
std::vector<FeedRow> ReadFeedPage(Db& db, std::int64_t since) {
  std::vector<FeedRow> page;
  db.Exec("BEGIN");
  sqlite3_stmt* q = db.Use(kSelectChanges);
  sqlite3_bind_int64(q, 1, since);
  sqlite3_bind_int64(q, 2, kChangesPage);
  while (db.Row(q)) page.push_back(FeedRowAt(q));
  db.Exec("COMMIT");
  return page;
}

}  // namespace

std::vector<double> RawChanges(const std::string& path, const RawOptions& options) {
  Db db(path, options);
  std::int64_t since = 0;
  std::size_t events = 0;
  auto start = Clock::now();
  for (bool full = true; full;) {
    std::vector<FeedRow> page = ReadFeedPage(db, since);
    events += page.size();
    if (!page.empty()) since = page.back().change;
    full = page.size() == static_cast<std::size_t>(kChangesPage);
  }
  return {PerSecond(events, start), static_cast<double>(events)};
}

}  // namespace casework::bench

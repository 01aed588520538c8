// The raw-PostgreSQL baselines: raw_sqlite.cc's work on the engine's
// PostgreSQL schema, writing the rows the engine writes there, byte for
// byte but for ids and times. Where a server changes what the same work
// costs, the baseline follows the engine rather than raw_sqlite.cc:
//  - every statement is a round trip, so the child rows of one kind (tags,
//    contact links, fields) go in one statement, as arrays;
//  - the history events hold what the engine's hold (the created case in
//    full, every value before an update, the transition's details), where
//    raw_sqlite.cc writes shorter text: on SQLite a longer row costs little,
//    here it is bytes sent and TOASTed;
//  - an update reads the values it replaces (one statement) and writes only
//    those that change, as the engine does;
//  - a transition takes the amount its condition reads from the case it
//    read whole instead of reading it again.
// Nothing is batched across cases that the engine writes case by case.
#include "raw_pg.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "pq_handles.h"
#include "raw_common.h"
#include "uuid.h"

namespace casework::bench::raw_pg {
namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "raw postgresql: %s\n", what.c_str());
  std::exit(1);
}

// ---- The statements ----
// Parameters are sent as text. Where the server cannot infer a parameter's
// type from the column it meets (a SELECT list, unnest), the text casts it.
// Every child row is addressed by its workspace first, as its key is.

constexpr char kBeginWrite[] = "BEGIN";
// One snapshot for the whole read, as the engine reads.
constexpr char kBeginRead[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";

constexpr char kDefaultWorkspace[] = "SELECT id FROM workspaces WHERE slug = 'default'";

constexpr char kFindUser[] =
    "SELECT id, uuid, given_name, family_name FROM users WHERE workspace_id = $1 AND email = $2";
// No row back: another writer has the email, and the conflict waited for
// it to commit, so kFindUser now sees its row.
constexpr char kInsertUser[] =
    "INSERT INTO users (workspace_id, uuid, email) VALUES ($1, $2, $3) "
    "ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id";
constexpr char kFindContact[] =
    "SELECT id, uuid, name, given_name, family_name, phone FROM contacts "
    "WHERE workspace_id = $1 AND email = $2";
constexpr char kInsertContact[] =
    "INSERT INTO contacts (workspace_id, uuid, email, given_name, family_name) "
    "VALUES ($1, $2, $3, $4, $5) "
    "ON CONFLICT (workspace_id, email) WHERE email IS NOT NULL DO NOTHING RETURNING id";

constexpr char kInsertCase[] =
    "INSERT INTO cases (workspace_id, uuid, title, reference, status, parent_status, "
    "waiting_for, owner_id, metadata, closure_conditions, created_at, updated_at, opened_at, "
    "version) VALUES ($1, $2, $3, $4, $5, $5, 'none', $6, '{}', $7, $8, $8, $8, 1) RETURNING id";
constexpr char kInsertTags[] =
    "INSERT INTO case_tags (workspace_id, case_id, tag) "
    "SELECT $1::bigint, $2::bigint, tag FROM unnest($3::text[]) AS tag";
constexpr char kInsertContactLinks[] =
    "INSERT INTO case_contacts (workspace_id, case_id, key, position, contact_id) "
    "SELECT $1::bigint, $2::bigint, l.key, l.position, l.contact "
    "FROM unnest($3::text[], $4::integer[], $5::bigint[]) AS l (key, position, contact)";
constexpr char kInsertFields[] =
    "INSERT INTO case_fields (workspace_id, case_id, key, position, type, name, value, "
    "typed_number, typed_text, required, options) "
    "SELECT $1::bigint, $2::bigint, f.key, f.position, f.type, f.key, f.value, f.number, f.text, "
    "false, f.options FROM unnest($3::text[], $4::integer[], $5::text[], $6::text[], "
    "$7::float8[], $8::text[], $9::text[]) "
    "AS f (key, position, type, value, number, text, options)";

// The search document of the cases $2 (rows of workspace $1): title,
// description, reference and the names of the linked contacts, unaccented,
// in the 'simple' configuration: the words the engine indexes.
constexpr char kIndexCases[] =
    "UPDATE cases c SET search = to_tsvector('simple', unaccent(concat_ws(' ', c.title, "
    "c.description, c.reference, (SELECT string_agg(concat_ws(' ', ct.name, ct.given_name, "
    "ct.family_name), ' ' ORDER BY cc.position) FROM case_contacts cc JOIN contacts ct "
    "ON ct.workspace_id = cc.workspace_id AND ct.id = cc.contact_id "
    "WHERE cc.workspace_id = c.workspace_id AND cc.case_id = c.id)))) "
    "WHERE c.workspace_id = $1 AND c.id = ANY ($2::bigint[])";

// Taken before a transaction's first event and held to its end, as the
// engine takes it (pg/sql.h kLockChanges): change numbers are then given
// one writer at a time, each one past the largest committed.
constexpr char kLockChanges[] = "SELECT pg_advisory_xact_lock(25464)";
// The next event of a case, numbered in the same statement: its seq in the
// case and its change number in the database. $7 is the event's id.
constexpr char kAppendEvent[] =
    "INSERT INTO case_events (workspace_id, case_id, seq, at, actor, kind, changes, details, "
    "uuid, change_seq) SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, 'system', $4, $5, $6, "
    "$7::uuid, (SELECT coalesce(max(change_seq), 0) + 1 FROM case_events) FROM case_events "
    "WHERE workspace_id = $1 AND case_id = $2";
constexpr char kInsertEvent[] =
    "INSERT INTO case_events (workspace_id, case_id, seq, at, actor, kind, changes, details, "
    "uuid, change_seq) VALUES ($1, $2, $3, $4, 'system', $5, $6, $7, $8::uuid, "
    "(SELECT coalesce(max(change_seq), 0) + 1 FROM case_events))";

constexpr char kFindCase[] =
    "SELECT id, version FROM cases WHERE workspace_id = $1 AND uuid = $2::uuid";
// Locked until the transaction ends: a concurrent writer waits, then reads
// the version this one wrote. Columns: id, version, status, conditions.
constexpr char kLockCase[] =
    "SELECT id, version, status, closure_conditions FROM cases "
    "WHERE workspace_id = $1 AND uuid = $2::uuid FOR UPDATE";

// A whole case: its row with owner and workspace, then each kind of child
// rows, one statement each, as the engine reads it.
constexpr char kSelectCase[] =
    "SELECT c.uuid, w.uuid, w.slug, c.title, c.description, c.locale, c.reference, c.status, "
    "c.parent_status, c.waiting_for, c.priority, u.uuid, u.email, u.given_name, u.family_name, "
    "c.template_uuid, c.metadata, c.closure_conditions, c.created_at, c.updated_at, "
    "c.opened_at, c.resolved_at, c.archived_at, c.version, c.last_transition_uuid "
    "FROM cases c JOIN workspaces w ON w.id = c.workspace_id "
    "LEFT JOIN users u ON u.workspace_id = c.workspace_id AND u.id = c.owner_id "
    "WHERE c.workspace_id = $1 AND c.id = $2";
constexpr char kSelectAssignees[] =
    "SELECT u.uuid, u.email, u.given_name, u.family_name FROM case_assignees a "
    "JOIN users u ON u.workspace_id = a.workspace_id AND u.id = a.user_id "
    "WHERE a.workspace_id = $1 AND a.case_id = $2 ORDER BY a.position";
constexpr char kSelectTags[] =
    "SELECT tag FROM case_tags WHERE workspace_id = $1 AND case_id = $2 ORDER BY tag COLLATE \"C\"";
constexpr char kSelectContacts[] =
    "SELECT ct.uuid, cc.key, ct.email, ct.name, ct.given_name, ct.family_name, ct.phone "
    "FROM case_contacts cc JOIN contacts ct "
    "ON ct.workspace_id = cc.workspace_id AND ct.id = cc.contact_id "
    "WHERE cc.workspace_id = $1 AND cc.case_id = $2 ORDER BY cc.position";
// Columns: key, type, name, value, required, options.
constexpr char kSelectFields[] =
    "SELECT key, type, name, value, required, options FROM case_fields "
    "WHERE workspace_id = $1 AND case_id = $2 ORDER BY position";
constexpr char kSelectSteps[] =
    "SELECT step_id, title, status, data FROM case_steps "
    "WHERE workspace_id = $1 AND case_id = $2 ORDER BY position";
constexpr char kSelectLinks[] =
    "SELECT o.uuid FROM case_links l "
    "JOIN cases o ON o.workspace_id = l.workspace_id AND o.id = l.other_id "
    "WHERE l.workspace_id = $1 AND l.case_id = $2 ORDER BY o.uuid";
constexpr const char* kWholeCase[] = {kSelectCase,   kSelectAssignees, kSelectTags, kSelectContacts,
                                      kSelectFields, kSelectSteps,     kSelectLinks};

// The values the fields $3 hold before an update: the event records them.
constexpr char kFieldValues[] =
    "SELECT key, value FROM case_fields "
    "WHERE workspace_id = $1 AND case_id = $2 AND key = ANY ($3::text[])";
// Every changed field in one statement: keys $3, JSON values $4, typed
// values $5 / $6.
constexpr char kUpdateFields[] =
    "UPDATE case_fields f SET value = u.value, typed_number = u.typed_number, "
    "typed_text = u.typed_text "
    "FROM unnest($3::text[], $4::text[], $5::float8[], $6::text[]) "
    "AS u (key, value, typed_number, typed_text) "
    "WHERE f.workspace_id = $1 AND f.case_id = $2 AND f.key = u.key";
// Guarded by the version read ($3), as the engine's writes are.
constexpr char kTouchCase[] =
    "UPDATE cases SET updated_at = $4, version = version + 1 "
    "WHERE workspace_id = $1 AND id = $2 AND version = $3";
constexpr char kSetStatus[] =
    "UPDATE cases SET status = $4, parent_status = $4, resolved_at = $5, "
    "last_transition_uuid = $6, updated_at = $7, version = version + 1 "
    "WHERE workspace_id = $1 AND id = $2 AND version = $3";

// ---- libpq ----

// The rows of one statement, in PostgreSQL's text format.
class Rows {
 public:
  explicit Rows(PqResult result) : result_(std::move(result)) {}

  int size() const { return PQntuples(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  std::string_view View(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
  }
  std::string Text(int row, int column) const { return std::string(View(row, column)); }
  std::int64_t Int(int row, int column) const {
    std::string_view text = View(row, column);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
      Die("not an integer: " + std::string(text));
    return value;
  }
  std::optional<std::string> OptionalText(int row, int column) const {
    if (PQgetisnull(result_.get(), row, column)) return std::nullopt;
    return Text(row, column);
  }
  // Rows an INSERT, UPDATE or DELETE changed.
  std::int64_t changed() const { return std::atoll(PQcmdTuples(result_.get())); }

 private:
  PqResult result_;
};

// The text of an array parameter ({"a","b",NULL}): every element quoted,
// so that any text survives; NULL bare.
class ArrayText {
 public:
  ArrayText& Add(std::string_view element) {
    text_ += text_.size() > 1 ? ",\"" : "\"";
    for (char c : element) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
    return *this;
  }
  ArrayText& AddOptional(const std::optional<std::string>& element) {
    if (element) return Add(*element);
    text_ += text_.size() > 1 ? ",NULL" : "NULL";
    return *this;
  }
  std::string Text() const { return text_ + "}"; }

 private:
  std::string text_ = "{";
};

// One connection, its statements prepared on first use, and the cases
// whose search document the open transaction still owes.
class Db {
 public:
  explicit Db(const std::string& uri) : conn_(PQconnectdb(uri.c_str())) {
    if (!conn_ || PQstatus(conn_.get()) != CONNECTION_OK)
      Die(std::string("connect: ") + (conn_ ? PQerrorMessage(conn_.get()) : "out of memory"));
    Rows found = Run(kDefaultWorkspace, {});
    if (found.size() != 1) Die("the database has no default workspace");
    workspace_ = found.Text(0, 0);
  }

  // The default workspace's row, as a parameter.
  const char* workspace() const { return workspace_.c_str(); }

  void Exec(const char* sql) { Checked(PQexec(conn_.get(), sql), sql); }

  // Runs `sql` with `params` in order ($1, $2, ...; nullptr is NULL).
  Rows Run(const char* sql, std::initializer_list<const char*> params) {
    return Prepared(sql, static_cast<int>(params.size()), params.begin());
  }
  Rows Run(const char* sql, const std::vector<std::string>& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) values.push_back(p.c_str());
    return Prepared(sql, static_cast<int>(values.size()), values.data());
  }

  // Runs every statement of `sqls` with the same `params`, in one round
  // trip (libpq's pipeline mode), as the engine reads a case.
  template <std::size_t N>
  std::vector<Rows> RunPipelined(const char* const (&sqls)[N],
                                 std::initializer_list<const char*> params) {
    std::vector<Statement> statements;
    for (const char* sql : sqls) statements.push_back({sql, params});
    return Pipeline(statements);
  }

  // A write transaction, whose first event will take the change lock.
  void BeginWrite() {
    Exec(kBeginWrite);
    holds_change_lock_ = false;
  }

  // An event's INSERT. The transaction's first is preceded by kLockChanges
  // in the same round trip, as the engine writes it
  // (PostgresRepository::WriteEvent): the INSERT, a statement of its own,
  // reads max(change_seq) once the lock is granted. The later ones hold it.
  void WriteEvent(const char* sql, std::initializer_list<const char*> params) {
    if (holds_change_lock_) {
      Run(sql, params);
      return;
    }
    Pipeline({{kLockChanges, {}}, {sql, params}});
    holds_change_lock_ = true;
  }

  // A case this transaction created: its search document is written once
  // its contacts are in, with the others' (IndexPending).
  void NoteCreated(std::string_view row) {
    unindexed_.Add(row);
    ++unindexed_count_;
  }

  // Writes the search document of the cases noted so far.
  void IndexPending() {
    if (unindexed_count_ == 0) return;
    Run(kIndexCases, {workspace(), unindexed_.Text().c_str()});
    unindexed_ = ArrayText();
    unindexed_count_ = 0;
  }

  // Commits a write transaction after writing the search documents it owes:
  // the same upkeep as the engine's.
  void CommitWrite() {
    IndexPending();
    Exec("COMMIT");
    holds_change_lock_ = false;  // the commit released it
  }

 private:
  struct Statement {
    const char* sql;
    std::initializer_list<const char*> params;
  };

  // Sends `statements` in one round trip (libpq's pipeline mode) and
  // returns their rows in order.
  std::vector<Rows> Pipeline(const std::vector<Statement>& statements) {
    for (const Statement& s : statements) Name(s.sql);
    PGconn* conn = conn_.get();
    if (PQenterPipelineMode(conn) != 1) Die("pipeline mode");
    for (const Statement& s : statements)
      if (PQsendQueryPrepared(conn, names_[s.sql].c_str(), static_cast<int>(s.params.size()),
                              s.params.begin(), nullptr, nullptr, 0) != 1)
        Die(std::string("send: ") + PQerrorMessage(conn));
    if (PQpipelineSync(conn) != 1) Die("pipeline sync");
    std::vector<Rows> rows;
    for (const Statement& s : statements) {
      rows.push_back(Checked(PQgetResult(conn), s.sql));
      while (PGresult* end = PQgetResult(conn)) PQclear(end);
    }
    PqResult sync(PQgetResult(conn));
    if (PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC) Die("no pipeline sync");
    if (PQexitPipelineMode(conn) != 1) Die("pipeline exit");
    return rows;
  }

  // The name `sql` is prepared under, preparing it on first use.
  const std::string& Name(const char* sql) {
    auto [found, fresh] = names_.try_emplace(sql);
    if (fresh) {
      found->second = "raw" + std::to_string(names_.size());
      Checked(PQprepare(conn_.get(), found->second.c_str(), sql, 0, nullptr), sql);
    }
    return found->second;
  }

  Rows Prepared(const char* sql, int count, const char* const* values) {
    return Checked(
        PQexecPrepared(conn_.get(), Name(sql).c_str(), count, values, nullptr, nullptr, 0), sql);
  }

  Rows Checked(PGresult* raw, const char* sql) {
    PqResult result(raw);
    if (!Succeeded(result))
      Die(std::string(sql).substr(0, 80) + ": " +
          (result ? PQresultErrorMessage(result.get()) : PQerrorMessage(conn_.get())));
    return Rows(std::move(result));
  }

  PqConn conn_;
  std::unordered_map<const char*, std::string> names_;  // statement text -> name
  std::string workspace_;
  ArrayText unindexed_;
  std::size_t unindexed_count_ = 0;
  bool holds_change_lock_ = false;  // this transaction took kLockChanges
};

// ---- Values as the engine stores them ----

// The shortest text that reads back as the same double, as the engine
// writes a number.
std::string NumberText(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, end);
}

// A double as JSON text, as the engine writes it: the shortest text, kept
// a double when read back ("12.0", not "12").
std::string JsonNumber(double value) {
  std::string text = NumberText(value);
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

// RFC 3339 in UTC ("2026-12-03T12:10:24.381Z"; without the fraction when
// it is zero), as the engine writes a time into an event.
std::string FormatTime(std::int64_t ms) {
  namespace chrono = std::chrono;
  chrono::sys_time<chrono::milliseconds> at{chrono::milliseconds(ms)};
  chrono::sys_days date = chrono::floor<chrono::days>(at);
  chrono::year_month_day ymd{date};
  chrono::hh_mm_ss<chrono::milliseconds> time{at - date};
  char text[32];
  int length = std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
      static_cast<int>(time.seconds().count()));
  if (auto fraction = time.subseconds().count(); fraction != 0)
    std::snprintf(text + length, sizeof text - static_cast<std::size_t>(length), ".%03d",
                  static_cast<int>(fraction));
  return std::string(text) + "Z";
}

// Epoch milliseconds of a time as the workload writes it
// ("2024-03-05T08:30:00+01:00"): a datetime field's typed value.
std::int64_t EpochMs(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, oh = 0, om = 0;
  char sign = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &y, &mo, &d, &h, &mi, &s, &sign, &oh,
                  &om) != 9)
    Die("not a time: " + text);
  namespace chrono = std::chrono;
  chrono::sys_days date{chrono::year{y} / chrono::month{static_cast<unsigned>(mo)} /
                        chrono::day{static_cast<unsigned>(d)}};
  chrono::minutes offset = chrono::hours{oh} + chrono::minutes{om};
  auto local = date + chrono::hours{h} + chrono::minutes{mi} + chrono::seconds{s};
  auto utc = sign == '-' ? local + offset : local - offset;
  return chrono::duration_cast<chrono::milliseconds>(utc.time_since_epoch()).count();
}

// A schema field's row: its value as JSON text and, by the field's type,
// its typed value (numbers, datetimes and booleans as a number; text and
// dates as text).
struct FieldRow {
  const char* key;
  const char* type;
  std::string value;
  std::optional<std::string> number, text;
  std::optional<std::string> options;  // a choice's, as JSON text
};

FieldRow NumberField(const char* key, const char* type, std::string value, std::string number) {
  return {key, type, std::move(value), std::move(number), std::nullopt, std::nullopt};
}
FieldRow TextField(const char* key, const char* type, const std::string& text) {
  return {key, type, Quoted(text), std::nullopt, text, std::nullopt};
}

std::vector<FieldRow> FieldRowsOf(const CaseSpec& c) {
  std::vector<FieldRow> rows;
  rows.reserve(10);
  rows.push_back(NumberField("amount", "number", JsonNumber(c.amount), NumberText(c.amount)));
  rows.push_back(NumberField("rooms", "integer", std::to_string(c.rooms), std::to_string(c.rooms)));
  rows.push_back(TextField("policy", "text", c.policy));
  rows.push_back(
      NumberField("urgent", "boolean", c.urgent ? "true" : "false", c.urgent ? "1" : "0"));
  rows.push_back(TextField("incident", "date", c.incident_date));
  rows.push_back(NumberField("reported", "datetime", Quoted(c.reported_at),
                             std::to_string(EpochMs(c.reported_at))));
  rows.push_back(TextField("adjuster", "email", c.adjuster));
  rows.push_back(TextField("phone", "phone", c.phone));
  rows.push_back(TextField("kind", "choice", c.kind));
  rows.back().options = "[\"water\",\"fire\",\"theft\"]";
  rows.push_back(TextField("notes", "text", c.notes));
  return rows;
}

// ---- Writing ----

// A user or contact: its row (as a parameter) and its id (for the event).
struct Person {
  std::string row, uuid;
};

// The person of `inserted`'s first row (uuid `uuid`), or else the one
// `find` finds for `email`.
Person InsertedOrFound(Db& db, const Rows& inserted, std::string uuid, const char* find,
                       const std::string& email) {
  if (inserted.size() > 0) return {inserted.Text(0, 0), std::move(uuid)};
  Rows found = db.Run(find, {db.workspace(), email.c_str()});
  if (found.size() == 0) Die("an email was taken by a row that cannot be found");
  return {found.Text(0, 0), found.Text(0, 1)};
}

Person FindOrInsertUser(Db& db, UuidGenerator& ids, const std::string& email, Timestamp now) {
  Rows found = db.Run(kFindUser, {db.workspace(), email.c_str()});
  if (found.size() > 0) return {found.Text(0, 0), found.Text(0, 1)};
  std::string uuid = UuidToString(ids.Next(now));
  Rows inserted = db.Run(kInsertUser, {db.workspace(), uuid.c_str(), email.c_str()});
  return InsertedOrFound(db, inserted, std::move(uuid), kFindUser, email);
}

Person FindOrInsertContact(Db& db, UuidGenerator& ids, const CaseSpec::Contact& c, Timestamp now) {
  Rows found = db.Run(kFindContact, {db.workspace(), c.email.c_str()});
  if (found.size() > 0) return {found.Text(0, 0), found.Text(0, 1)};
  std::string uuid = UuidToString(ids.Next(now));
  Rows inserted = db.Run(kInsertContact, {db.workspace(), uuid.c_str(), c.email.c_str(),
                                          c.given_name.c_str(), c.family_name.c_str()});
  return InsertedOrFound(db, inserted, std::move(uuid), kFindContact, c.email);
}

void InsertFields(Db& db, const std::string& row, const std::vector<FieldRow>& fields) {
  ArrayText keys, positions, types, values, numbers, texts, options;
  int position = 0;
  for (const FieldRow& f : fields) {
    keys.Add(f.key);
    positions.Add(std::to_string(position++));
    types.Add(f.type);
    values.Add(f.value);
    numbers.AddOptional(f.number);
    texts.AddOptional(f.text);
    options.AddOptional(f.options);
  }
  db.Run(kInsertFields, {db.workspace(), row.c_str(), keys.Text().c_str(),
                         positions.Text().c_str(), types.Text().c_str(), values.Text().c_str(),
                         numbers.Text().c_str(), texts.Text().c_str(), options.Text().c_str()});
}

// An event's id: a UUIDv7 of its time, as the engine makes it.
std::string EventId(UuidGenerator& ids, const std::string& now) {
  return UuidToString(ids.Next(Timestamp{std::chrono::milliseconds(std::stoll(now))}));
}

void InsertEvent(Db& db, UuidGenerator& ids, const std::string& row, const char* seq,
                 const char* kind, const std::string& changes, const std::string& details,
                 const std::string& now) {
  std::string id = EventId(ids, now);
  db.WriteEvent(kInsertEvent, {db.workspace(), row.c_str(), seq, now.c_str(), kind,
                               changes.c_str(), details.c_str(), id.c_str()});
}

// The next event of a case that has some.
void AppendEvent(Db& db, UuidGenerator& ids, const std::string& row, const char* kind,
                 const std::string& changes, const std::string& details, const std::string& now) {
  std::string id = EventId(ids, now);
  db.WriteEvent(kAppendEvent, {db.workspace(), row.c_str(), now.c_str(), kind, changes.c_str(),
                               details.c_str(), id.c_str()});
}

// The changes a history event records, as JSON text: [{"path", "before",
// "after"}, ...], each value JSON text already.
class Changes {
 public:
  Changes& Add(std::string_view path, std::string_view before, std::string_view after) {
    text_ += text_.size() > 1 ? ",{\"path\":\"" : "{\"path\":\"";
    text_ += path;
    text_ += "\",\"before\":";
    text_ += before;
    text_ += ",\"after\":";
    text_ += after;
    text_ += '}';
    return *this;
  }
  bool empty() const { return text_.size() == 1; }
  std::string Text() const { return text_ + "]"; }

 private:
  std::string text_ = "[";
};

// The case's closure conditions, as JSON text.
const std::string& ConditionsText() {
  static const std::string text =
      std::string("[{\"name\":\"amount\",\"formula\":\"") + kCloseCondition + "\"}]";
  return text;
}

// What a created event records: every member of the new case, from null,
// as the engine writes it.
std::string CreatedChanges(const CaseSpec& c, const Person& owner,
                           const std::vector<Person>& contacts,
                           const std::vector<FieldRow>& fields, const std::string& at) {
  std::string tags = "[";
  for (const auto& tag : c.tags) tags += (tags.size() > 1 ? "," : "") + Quoted(tag);
  std::string linked = "[";
  for (std::size_t i = 0; i < c.contacts.size(); ++i) {
    const auto& k = c.contacts[i];
    linked += (linked.size() > 1 ? ",{\"id\":" : "{\"id\":") + Quoted(contacts[i].uuid) +
              ",\"key\":" + Quoted(k.key) + ",\"name\":null,\"email\":" + Quoted(k.email) +
              ",\"given_name\":" + Quoted(k.given_name) +
              ",\"family_name\":" + Quoted(k.family_name) + ",\"phone\":null}";
  }
  std::string schema = "[";
  for (const FieldRow& f : fields) {
    schema += std::string(schema.size() > 1 ? "," : "") + "{\"key\":\"" + f.key +
              "\",\"type\":\"" + f.type + "\",\"name\":\"" + f.key + "\",\"value\":" + f.value +
              (f.options ? ",\"options\":" + *f.options : "") + "}";
  }
  Changes changes;
  changes.Add("title", "null", Quoted(c.title))
      .Add("description", "null", "null")
      .Add("locale", "null", "null")
      .Add("reference", "null", Quoted(c.reference))
      .Add("status", "null", Quoted(c.status))
      .Add("parent_status", "null", Quoted(c.status))
      .Add("waiting_for", "null", "\"none\"")
      .Add("priority", "null", "null")
      .Add("owner", "null",
           "{\"id\":" + Quoted(owner.uuid) + ",\"email\":" + Quoted(c.owner_email) +
               ",\"given_name\":null,\"family_name\":null}")
      .Add("assignees", "null", "[]")
      .Add("tags", "null", tags + "]")
      .Add("metadata", "null", "{}")
      .Add("contacts", "null", linked + "]")
      .Add("template", "null", "null")
      .Add("schema", "null", schema + "]")
      .Add("steps", "null", "[]")
      .Add("closure_conditions", "null", ConditionsText())
      .Add("linked_cases", "null", "[]")
      .Add("created_at", "null", at)
      .Add("opened_at", "null", at)
      .Add("resolved_at", "null", "null")
      .Add("archived_at", "null", "null")
      .Add("last_transition_id", "null", "null");
  return changes.Text();
}

void CreateOne(Db& db, UuidGenerator& ids, const CaseSpec& c) {
  std::int64_t now_ms = NowMs();
  Timestamp now{std::chrono::milliseconds(now_ms)};
  std::string now_text = std::to_string(now_ms);
  Person owner = FindOrInsertUser(db, ids, c.owner_email, now);
  std::string uuid = UuidToString(ids.Next(now));
  Rows inserted = db.Run(kInsertCase, {db.workspace(), uuid.c_str(), c.title.c_str(),
                                       c.reference.c_str(), c.status.c_str(), owner.row.c_str(),
                                       ConditionsText().c_str(), now_text.c_str()});
  std::string row = inserted.Text(0, 0);
  ArrayText tags;
  for (const auto& tag : c.tags) tags.Add(tag);
  db.Run(kInsertTags, {db.workspace(), row.c_str(), tags.Text().c_str()});
  ArrayText keys, positions, rows;
  std::vector<Person> contacts;
  for (const auto& contact : c.contacts) {
    contacts.push_back(FindOrInsertContact(db, ids, contact, now));
    keys.Add(contact.key);
    positions.Add(std::to_string(contacts.size() - 1));
    rows.Add(contacts.back().row);
  }
  db.Run(kInsertContactLinks, {db.workspace(), row.c_str(), keys.Text().c_str(),
                               positions.Text().c_str(), rows.Text().c_str()});
  std::vector<FieldRow> fields = FieldRowsOf(c);
  InsertFields(db, row, fields);
  // A new case's first event, as the engine numbers it without asking.
  InsertEvent(db, ids, row, "1", "created",
              CreatedChanges(c, owner, contacts, fields, Quoted(FormatTime(now_ms))), "{}",
              now_text);
  db.NoteCreated(row);
}

// ---- Reading ----

// The case's row (and what `sql` reads with it) by its id; dies when none.
Rows FindCase(Db& db, const char* sql, const std::string& id) {
  Rows found = db.Run(sql, {db.workspace(), id.c_str()});
  if (found.size() != 1) Die("case not found: " + id);
  return found;
}

// What the workloads use of a case read whole.
struct CaseRead {
  std::size_t bytes = 0;  // read, so that the reads cannot be optimized away
  std::string amount;     // the value of data.amount, as JSON text
  std::optional<std::string> resolved_at, last_transition;  // epoch ms, uuid
};


// Reads every column of a case and its child rows in one round trip, as
// the engine's get does, each copied out as raw_sqlite.cc copies its columns.
CaseRead ReadWholeCase(Db& db, const std::string& row) {
  CaseRead read;
  std::vector<Rows> all = db.RunPipelined(kWholeCase, {db.workspace(), row.c_str()});
  for (std::size_t i = 0; i < all.size(); ++i) {
    const Rows& rows = all[i];
    const char* sql = kWholeCase[i];
    for (int r = 0; r < rows.size(); ++r) {
      for (int c = 0; c < rows.columns(); ++c) read.bytes += rows.Text(r, c).size();
      if (sql == kSelectFields && rows.View(r, 0) == "amount") read.amount = rows.Text(r, 3);
    }
    if (sql == kSelectCase && rows.size() == 1) {
      read.resolved_at = rows.OptionalText(0, 21);
      read.last_transition = rows.OptionalText(0, 24);
    }
  }
  return read;
}

}  // namespace

double Create(const std::string& uri, std::size_t n, std::size_t count, std::size_t batch) {
  Db db(uri);
  UuidGenerator ids;
  auto start = Clock::now();
  for (std::size_t i = 0; i < count; i += batch) {
    db.BeginWrite();
    for (std::size_t j = i; j < std::min(count, i + batch); ++j) CreateOne(db, ids, MakeCase(j, n));
    db.CommitWrite();
  }
  return PerSecond(count, start);
}

double Import(const std::string& uri, const std::string& ndjson) {
  Db db(uri);
  UuidGenerator ids;
  std::ifstream in(ndjson, std::ios::binary);
  if (!in) Die("cannot read the import file");
  auto start = Clock::now();
  std::size_t count = 0;
  db.BeginWrite();
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    CreateOne(db, ids, SpecFromPayload(boost::json::parse(line).as_object()));
    if (++count % 1000 == 0) db.IndexPending();  // as Engine::Import does
  }
  db.CommitWrite();
  return PerSecond(count, start);
}

double Get(const std::string& uri, const std::vector<std::string>& ids, std::size_t reads) {
  Db db(uri);
  std::mt19937_64 random(7);
  std::size_t bytes = 0;
  auto start = Clock::now();
  for (std::size_t r = 0; r < reads; ++r) {
    db.Exec(kBeginRead);
    Rows found = FindCase(db, kFindCase, ids[random() % ids.size()]);
    bytes += ReadWholeCase(db, found.Text(0, 0)).bytes;
    db.Exec("COMMIT");
  }
  double rate = PerSecond(reads, start);
  if (bytes == 0) Die("get read nothing");
  return rate;
}

namespace {

// A field's new value, as UpdateData sets it: its JSON text and its typed
// value in the column the field's type picks.
struct FieldUpdate {
  const char* key;
  std::string value;
  std::optional<std::string> number, text;
};

std::vector<FieldUpdate> UpdatesFor(std::size_t u) {
  std::string digits = std::to_string(u);
  bool urgent = (u % 2) == 0;
  return {{"amount", digits, digits, std::nullopt},
          {"rooms", digits, digits, std::nullopt},
          {"policy", Quoted(digits), std::nullopt, digits},
          {"urgent", urgent ? "true" : "false", urgent ? "1" : "0", std::nullopt},
          {"notes", Quoted(digits), std::nullopt, digits}};
}

constexpr char kUpdatedKeys[] = "{amount,rooms,policy,urgent,notes}";

const char* OrNull(const std::optional<std::string>& text) {
  return text ? text->c_str() : nullptr;
}

// The value `key` held, from kFieldValues' rows; null when it had none.
std::string ValueBefore(const Rows& before, std::string_view key) {
  for (int r = 0; r < before.size(); ++r)
    if (before.View(r, 0) == key) return before.Text(r, 1);
  return "null";
}

}  // namespace

double UpdateData(const std::string& uri, const std::vector<std::string>& ids,
                  std::size_t updates) {
  Db db(uri);
  UuidGenerator uuids;  // the events' ids
  std::mt19937_64 random(11);
  auto start = Clock::now();
  for (std::size_t u = 0; u < updates; ++u) {
    db.BeginWrite();
    Rows found = FindCase(db, kLockCase, ids[random() % ids.size()]);
    std::string row = found.Text(0, 0), version = found.Text(0, 1);
    // The event records each value before, and a value that does not change
    // is neither written nor recorded, as the engine does. raw_sqlite.cc
    // writes placeholders instead; on a server the read is a round trip that
    // an honest event cannot skip, so this baseline pays it.
    Rows before = db.Run(kFieldValues, {db.workspace(), row.c_str(), kUpdatedKeys});
    Changes changes;
    ArrayText keys, values, numbers, texts;
    for (const FieldUpdate& f : UpdatesFor(u)) {
      std::string was = ValueBefore(before, f.key);
      if (was == f.value) continue;
      keys.Add(f.key);
      values.Add(f.value);
      numbers.AddOptional(f.number);
      texts.AddOptional(f.text);
      changes.Add("data." + std::string(f.key), was, f.value);
    }
    if (changes.empty()) {
      db.Exec("COMMIT");
      continue;
    }
    db.Run(kUpdateFields, {db.workspace(), row.c_str(), keys.Text().c_str(),
                           values.Text().c_str(), numbers.Text().c_str(), texts.Text().c_str()});
    std::string now = std::to_string(NowMs());
    Rows touched = db.Run(kTouchCase, {db.workspace(), row.c_str(), version.c_str(), now.c_str()});
    if (touched.changed() != 1) Die("the case changed during the update");
    AppendEvent(db, uuids, row, "data_updated", changes.Text(), "{}", now);
    db.CommitWrite();
  }
  return PerSecond(updates, start);
}

namespace {

std::string QuotedOrNull(const std::optional<std::string>& text) {
  return text ? Quoted(*text) : "null";
}

std::string TimeOrNull(const std::optional<std::string>& ms) {
  return ms ? Quoted(FormatTime(std::stoll(*ms))) : "null";
}

// What a status_changed event records of Close or Reopen in the built-in
// workflow, where a status is its own parent status.
struct Move {
  std::string changes, details;
};

Move Recorded(const std::string& status, const char* next, bool closing, const CaseRead& whole,
              const std::optional<std::string>& resolved_at, const std::string& transition) {
  Changes changes;
  changes.Add("status", Quoted(status), Quoted(next))
      .Add("parent_status", Quoted(status), Quoted(next))
      .Add("resolved_at", TimeOrNull(whole.resolved_at), TimeOrNull(resolved_at))
      .Add("last_transition_id", QuotedOrNull(whole.last_transition), Quoted(transition));
  // Close evaluated the one condition, which held; Reopen has none.
  const char* conditions =
      closing ? "[{\"name\":\"amount\",\"passed\":true,\"reason\":\"\"}]" : "[]";
  std::string details = "{\"from\":" + Quoted(status) + ",\"to\":" + Quoted(next) +
                        ",\"transition\":" + (closing ? "\"Close\"" : "\"Reopen\"") +
                        ",\"reason\":\"bench\",\"conditions\":" + conditions + "}";
  return {changes.Text(), details};
}

}  // namespace

double Transition(const std::string& uri, const std::vector<std::string>& ids, std::size_t moves) {
  Db db(uri);
  UuidGenerator uuids;
  std::mt19937_64 random(13);
  auto start = Clock::now();
  for (std::size_t m = 0; m < moves; ++m) {
    db.BeginWrite();
    Rows found = FindCase(db, kLockCase, ids[random() % ids.size()]);
    std::string row = found.Text(0, 0), version = found.Text(0, 1), status = found.Text(0, 2);
    bool closing = status != "closed";
    // A closure condition may read any member of the case: like the engine,
    // read the whole case before deciding. The condition reads one field:
    // case.data.amount >= 0.
    CaseRead whole = ReadWholeCase(db, row);
    if (closing && (whole.amount.empty() || std::strtod(whole.amount.c_str(), nullptr) < 0 ||
                    found.View(0, 3).empty()))
      Die("condition unmet");
    std::int64_t now_ms = NowMs();
    std::string now = std::to_string(now_ms);
    std::optional<std::string> resolved_at;
    if (closing) resolved_at = now;
    std::string transition = UuidToString(uuids.Next(Timestamp{std::chrono::milliseconds(now_ms)}));
    const char* next = closing ? "closed" : "in_progress";
    Rows set = db.Run(kSetStatus, {db.workspace(), row.c_str(), version.c_str(), next,
                                   OrNull(resolved_at), transition.c_str(), now.c_str()});
    if (set.changed() != 1) Die("the case changed during the transition");
    Move move = Recorded(status, next, closing, whole, resolved_at, transition);
    AppendEvent(db, uuids, row, "status_changed", move.changes, move.details, now);
    db.CommitWrite();
  }
  return PerSecond(moves, start);
}

namespace {

// One page as the engine serves it, in one read transaction: the exact
// count, then page size + 1 row ids in page order, then each of the page's
// cases read whole.
struct PageQuery {
  const char* count_sql;
  std::vector<std::string> count_params;
  const char* page_sql;
  std::vector<std::string> page_params;
};

std::size_t ReadPage(Db& db, const PageQuery& q) {
  db.Exec(kBeginRead);
  Rows count = db.Run(q.count_sql, q.count_params);
  std::size_t bytes = count.size() > 0 ? static_cast<std::size_t>(count.Int(0, 0)) : 0;
  Rows page = db.Run(q.page_sql, q.page_params);
  for (int i = 0; i < page.size() && i < 10; ++i) bytes += ReadWholeCase(db, page.Text(i, 0)).bytes;
  db.Exec("COMMIT");
  return bytes;
}

// Totals of a page filtered by parent status or archived alone come from
// the counts the triggers keep, as the engine takes them.
constexpr char kCountLive[] =
    "SELECT coalesce(sum(n), 0) FROM case_counts WHERE workspace_id = $1 AND NOT archived";
constexpr char kCountLivePending[] =
    "SELECT coalesce(sum(n), 0) FROM case_counts WHERE workspace_id = $1 AND NOT archived "
    "AND parent_status = 'pending'";
constexpr char kPagePending[] =
    "SELECT id FROM cases WHERE workspace_id = $1 AND parent_status = 'pending' "
    "AND archived_at IS NULL ORDER BY created_at DESC, uuid DESC LIMIT 11";

// The cases linking the contact with email $2.
constexpr char kCountContact[] =
    "SELECT count(*) FROM cases c WHERE c.workspace_id = $1 AND c.archived_at IS NULL "
    "AND c.id IN (SELECT cc.case_id FROM contacts ct JOIN case_contacts cc "
    "ON cc.workspace_id = ct.workspace_id AND cc.contact_id = ct.id "
    "WHERE ct.workspace_id = $1 AND ct.email = $2)";
constexpr char kPageContact[] =
    "SELECT c.id FROM cases c WHERE c.workspace_id = $1 AND c.archived_at IS NULL "
    "AND c.id IN (SELECT cc.case_id FROM contacts ct JOIN case_contacts cc "
    "ON cc.workspace_id = ct.workspace_id AND cc.contact_id = ct.id "
    "WHERE ct.workspace_id = $1 AND ct.email = $2) "
    "ORDER BY c.created_at DESC, c.uuid DESC LIMIT 11";

// The cases whose numeric field amount is in [$2, $3).
constexpr char kCountAmount[] =
    "SELECT count(*) FROM cases c WHERE c.workspace_id = $1 AND c.archived_at IS NULL "
    "AND c.id IN (SELECT f.case_id FROM case_fields f WHERE f.workspace_id = $1 "
    "AND f.key = 'amount' AND f.type IN ('number', 'integer') "
    "AND f.typed_number >= $2::float8 AND f.typed_number < $3::float8)";
constexpr char kPageAmount[] =
    "SELECT c.id FROM cases c WHERE c.workspace_id = $1 AND c.archived_at IS NULL "
    "AND c.id IN (SELECT f.case_id FROM case_fields f WHERE f.workspace_id = $1 "
    "AND f.key = 'amount' AND f.type IN ('number', 'integer') "
    "AND f.typed_number >= $2::float8 AND f.typed_number < $3::float8) "
    "ORDER BY c.created_at DESC, c.uuid DESC LIMIT 11";

// The rows after a cursor's (created_at, uuid) in the default order.
constexpr char kPageAfter[] =
    "SELECT id FROM cases WHERE workspace_id = $1 AND archived_at IS NULL "
    "AND (created_at, uuid) < ($2::bigint, $3::uuid) ORDER BY created_at DESC, uuid DESC LIMIT 11";
// The sort key of the case at offset $2 in the default order.
constexpr char kKeyAt[] =
    "SELECT created_at, uuid FROM cases WHERE workspace_id = $1 AND archived_at IS NULL "
    "ORDER BY created_at DESC, uuid DESC LIMIT 1 OFFSET $2";

}  // namespace

std::vector<double> List(const std::string& uri, const ListPlan& plan) {
  Db db(uri);
  const std::string workspace = db.workspace();
  std::vector<double> timings;
  std::size_t bytes = 0;
  auto probe = [&](const std::function<PageQuery(std::size_t)>& make) {
    TimeCalls(plan.reps, timings, [&](std::size_t rep) { bytes += ReadPage(db, make(rep)); });
  };
  probe([&](std::size_t) {
    return PageQuery{kCountLivePending, {workspace}, kPagePending, {workspace}};
  });
  probe([&](std::size_t rep) {
    std::string email = ProbeEmail(rep, plan.n);
    return PageQuery{kCountContact, {workspace, email}, kPageContact, {workspace, email}};
  });
  probe([&](std::size_t rep) {
    double low = ProbeAmount(rep, plan.n);
    std::string from = NumberText(low), to = NumberText(low + ProbeWidth(plan.n));
    return PageQuery{kCountAmount, {workspace, from, to}, kPageAmount, {workspace, from, to}};
  });
  // Keyset pages: the rows after the cursor's key; the total from the kept
  // counts, and the page number from the position the caller carries (as
  // the engine's cursor does).
  for (std::size_t page : {std::size_t{1}, plan.deep_page - 1}) {
    Rows key = db.Run(kKeyAt, {workspace.c_str(), std::to_string(page * 10 - 1).c_str()});
    if (key.size() != 1) Die("no case at the cursor's offset");
    std::string created_at = key.Text(0, 0), uuid = key.Text(0, 1);
    probe([&, created_at, uuid](std::size_t) {
      return PageQuery{kCountLive, {workspace}, kPageAfter, {workspace, created_at, uuid}};
    });
  }
  if (bytes == 0) Die("list read nothing");
  return timings;
}

namespace {

// The text of the engine's pg::sql::kSelectChanges: the events after
// change $1, at most $2, with their case and workspace.
constexpr char kSelectChanges[] =
    "SELECT e.seq, e.at, e.actor, e.kind, e.changes, e.details, e.uuid, e.change_seq, "
    "c.uuid, w.slug FROM case_events e "
    "JOIN cases c ON c.workspace_id = e.workspace_id AND c.id = e.case_id "
    "JOIN workspaces w ON w.id = e.workspace_id "
    "WHERE e.change_seq > $1 ORDER BY e.change_seq LIMIT $2";

// The server sends ids as their text already, so building an id is a copy.
FeedRow FeedRowAt(const Rows& rows, int r) {
  FeedRow row;
  row.seq = rows.Int(r, 0);
  row.at = rows.Int(r, 1);
  row.actor = rows.Text(r, 2);
  row.kind = rows.Text(r, 3);
  row.changes = boost::json::parse(rows.View(r, 4));
  row.details = boost::json::parse(rows.View(r, 5));
  if (!row.changes.is_array() || !row.details.is_object()) Die("an event's JSON is damaged");
  row.id = rows.Text(r, 6);
  row.change = rows.Int(r, 7);
  row.case_id = rows.Text(r, 8);
  row.workspace = rows.Text(r, 9);
  return row;
}

// One page of the feed after `since`, in a read transaction of its own as
// each Engine::Changes call is: three round trips.
std::vector<FeedRow> ReadFeedPage(Db& db, std::int64_t since) {
  std::string after = std::to_string(since), limit = std::to_string(kChangesPage);
  db.Exec(kBeginRead);
  Rows rows = db.Run(kSelectChanges, {after.c_str(), limit.c_str()});
  std::vector<FeedRow> page;
  page.reserve(static_cast<std::size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) page.push_back(FeedRowAt(rows, r));
  db.Exec("COMMIT");
  return page;
}

}  // namespace

std::vector<double> ChangeFeed(const std::string& uri) {
  Db db(uri);
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

}  // namespace casework::bench::raw_pg

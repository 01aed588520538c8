#include "case_store.h"

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/status.h"
#include "fields.h"
#include "storage/sql.h"

namespace casework {
namespace {

namespace json = boost::json;
namespace sql = storage::sql;
using storage::Stmt;

std::optional<std::string_view> NameOf(const std::optional<Priority>& p) {
  if (!p) return std::nullopt;
  return PriorityName(*p);
}

std::optional<std::int64_t> MillisOf(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return Millis(*t);
}

std::optional<Timestamp> TimeAt(const Stmt& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return FromMillis(row.Int(column));
}

std::optional<std::string> UuidTextAt(const Stmt& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return UuidToString(row.UuidAt(column));
}

// Stored JSON is ours, so a parse failure means a damaged file.
json::value ParseStored(std::string_view text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) throw Error(Status::StorageError("damaged JSON in the database: " + ec.message()));
  return value;
}

// A stored object (metadata, step data), most often {}.
json::object ParseStoredObject(std::string_view text) {
  if (text == "{}") return {};
  json::value value = ParseStored(text);
  if (!value.is_object()) throw Error(Status::StorageError("damaged JSON in the database: not an object"));
  return std::move(value.get_object());
}

// A field value: most are strings with nothing escaped in them, which need
// no parser (a page of ten cases reads a hundred values).
json::value ParseStoredValue(std::string_view text) {
  const std::size_t n = text.size();
  if (n >= 2 && text.front() == '"' && text.find_first_of("\"\\", 1) == n - 1)
    return json::string(text.substr(1, n - 2));
  return ParseStored(text);
}

void ReadRecord(Stmt& row, Case& c) {
  c.id = UuidToString(row.UuidAt(0));
  c.workspace = {UuidToString(row.UuidAt(1)), row.Text(2)};
  c.title = row.Text(3);
  c.description = row.OptionalText(4);
  c.locale = row.OptionalText(5);
  c.reference = row.OptionalText(6);
  c.status = row.Text(7);
  c.parent_status = ParentStatusFromName(row.View(8)).value_or(ParentStatus::kDraft);
  c.waiting_for = WaitingForFromName(row.View(9)).value_or(WaitingFor::kNone);
  if (!row.IsNull(10)) c.priority = PriorityFromName(row.View(10));
  if (!row.IsNull(11))
    c.owner = User{UuidToString(row.UuidAt(11)), row.Text(12), row.OptionalText(13),
                   row.OptionalText(14)};
  c.template_id = UuidTextAt(row, 15);
  c.metadata = ParseStoredObject(row.View(16));
  if (std::string_view conditions = row.View(17); conditions != "[]")
    c.closure_conditions = json::value_to<std::vector<ClosureCondition>>(ParseStored(conditions));
  c.created_at = FromMillis(row.Int(18));
  c.updated_at = FromMillis(row.Int(19));
  c.opened_at = TimeAt(row, 20);
  c.resolved_at = TimeAt(row, 21);
  c.archived_at = TimeAt(row, 22);
  c.version = row.Int(23);
  c.last_transition_id = UuidTextAt(row, 24);
}

Field ReadField(Stmt& row) {
  Field f;
  f.key = row.Text(0);
  f.type = FieldTypeFromName(row.View(1)).value_or(FieldType::kJson);
  f.name = row.Text(2);
  f.value = ParseStoredValue(row.View(3));
  f.required = row.Int(4) != 0;
  if (!row.IsNull(5))
    f.options = json::value_to<std::vector<std::string>>(ParseStored(row.View(5)));
  return f;
}

Step ReadStep(Stmt& row) {
  Step s;
  s.id = row.Text(0);
  s.title = row.Text(1);
  s.status = StepStatusFromName(row.View(2)).value_or(StepStatus::kTodo);
  s.data = ParseStoredObject(row.View(3));
  return s;
}

void DeleteChildren(storage::Connection& db, const char* statement, std::int64_t row) {
  db.Use(statement).Bind(1, row).Run();
}

// A version race lost despite BEGIN IMMEDIATE would be a bug; refuse it.
void ExpectOneRow(int changed, const CaseKey& key) {
  if (changed != 1)
    throw Error(Status::Conflict(key.version, "the case changed during the operation"));
}

}  // namespace

std::optional<CaseKey> FindCase(storage::Connection& db, std::int64_t workspace, const Uuid& id) {
  auto find = db.Use(sql::kFindCase);
  find.Bind(1, id).Bind(2, workspace);
  if (!find.Step()) return std::nullopt;
  return CaseKey{find.Int(0), find.Int(1)};
}

Case LoadCase(storage::Connection& db, std::int64_t row) {
  Case c;
  {
    auto record = db.Use(sql::kSelectCase);
    record.Bind(1, row);
    if (!record.Step()) throw Error(Status::NotFound("case row vanished"));
    ReadRecord(record, c);
  }
  {
    auto q = db.Use(sql::kSelectAssignees);
    q.Bind(1, row);
    while (q.Step())
      c.assignees.push_back(
          {UuidToString(q.UuidAt(0)), q.Text(1), q.OptionalText(2), q.OptionalText(3)});
  }
  {
    auto q = db.Use(sql::kSelectTags);
    q.Bind(1, row);
    while (q.Step()) c.tags.push_back(q.Text(0));
  }
  {
    auto q = db.Use(sql::kSelectContacts);
    q.Bind(1, row);
    while (q.Step())
      c.contacts.push_back({UuidToString(q.UuidAt(0)), q.Text(1), q.OptionalText(2),
                            q.OptionalText(3), q.OptionalText(4), q.OptionalText(5),
                            q.OptionalText(6)});
  }
  {
    auto q = db.Use(sql::kSelectFields);
    q.Bind(1, row);
    while (q.Step()) c.schema.push_back(ReadField(q));
  }
  {
    auto q = db.Use(sql::kSelectSteps);
    q.Bind(1, row);
    while (q.Step()) c.steps.push_back(ReadStep(q));
  }
  {
    auto q = db.Use(sql::kSelectLinks);
    q.Bind(1, row);
    while (q.Step()) c.linked_cases.push_back(UuidToString(q.UuidAt(0)));
  }
  return c;
}

std::optional<std::int64_t> FindCaseInAnyWorkspace(storage::Connection& db, const Uuid& id) {
  auto find = db.Use(sql::kFindCaseInAnyWorkspace);
  find.Bind(1, id);
  if (!find.Step()) return std::nullopt;
  return find.Int(0);
}

std::int64_t InsertCase(WriteContext& ctx, const Uuid& id, const CaseRecord& r,
                        const InitialState& state) {
  const Restored* kept = state.restored;
  std::optional<std::int64_t> resolved;
  if (kept != nullptr)
    resolved = MillisOf(kept->resolved_at);
  else if (state.parent_status == ParentStatus::kClosed)
    resolved = Millis(ctx.now);
  ctx.db.Use(sql::kInsertCase)
      .Bind(1, id)
      .Bind(2, ctx.workspace)
      .Bind(3, r.title)
      .Bind(4, r.description)
      .Bind(5, r.locale)
      .Bind(6, r.reference)
      .Bind(7, state.status)
      .Bind(8, ParentStatusName(state.parent_status))
      .Bind(9, WaitingForName(r.waiting_for))
      .Bind(10, NameOf(r.priority))
      .Bind(11, r.owner)
      .Bind(12, state.template_id)
      .Bind(13, r.metadata)
      .Bind(14, r.closure_conditions)
      .Bind(15, Millis(kept != nullptr ? kept->created_at : ctx.now))
      .Bind(16, Millis(kept != nullptr ? kept->updated_at : ctx.now))
      .Bind(17, MillisOf(r.opened_at))
      .Bind(18, resolved)
      .Bind(19, kept != nullptr ? MillisOf(kept->archived_at) : std::nullopt)
      .Bind(20, state.template_version)
      .Bind(21, kept != nullptr ? kept->last_transition_id : std::nullopt)
      .Run();
  return ctx.db.LastInsertRowid();
}

void UpdateCaseRecord(WriteContext& ctx, const CaseKey& key, const CaseRecord& r) {
  int changed = ctx.db.Use(sql::kUpdateCaseRecord)
                    .Bind(1, key.row)
                    .Bind(2, key.version)
                    .Bind(3, r.title)
                    .Bind(4, r.description)
                    .Bind(5, r.locale)
                    .Bind(6, r.reference)
                    .Bind(7, WaitingForName(r.waiting_for))
                    .Bind(8, NameOf(r.priority))
                    .Bind(9, r.owner)
                    .Bind(10, r.metadata)
                    .Bind(11, r.closure_conditions)
                    .Bind(12, MillisOf(r.opened_at))
                    .Bind(13, Millis(ctx.now))
                    .Run();
  ExpectOneRow(changed, key);
}

void TouchCase(WriteContext& ctx, const CaseKey& key) {
  ExpectOneRow(
      ctx.db.Use(sql::kTouchCase).Bind(1, key.row).Bind(2, key.version).Bind(3, Millis(ctx.now)).Run(),
      key);
}

void SetArchivedAt(WriteContext& ctx, const CaseKey& key, std::optional<Timestamp> at) {
  ExpectOneRow(ctx.db.Use(sql::kSetArchivedAt)
                   .Bind(1, key.row)
                   .Bind(2, key.version)
                   .Bind(3, MillisOf(at))
                   .Bind(4, Millis(ctx.now))
                   .Run(),
               key);
}

void SetStatus(WriteContext& ctx, const CaseKey& key, std::string_view status,
               ParentStatus parent_status, std::optional<Timestamp> resolved_at,
               const Uuid& transition_id) {
  ExpectOneRow(ctx.db.Use(sql::kSetStatus)
                   .Bind(1, key.row)
                   .Bind(2, key.version)
                   .Bind(3, status)
                   .Bind(4, ParentStatusName(parent_status))
                   .Bind(5, MillisOf(resolved_at))
                   .Bind(6, transition_id)
                   .Bind(7, Millis(ctx.now))
                   .Run(),
               key);
}

void InsertAssignees(storage::Connection& db, std::int64_t row,
                     const std::vector<std::int64_t>& users) {
  for (std::size_t i = 0; i < users.size(); ++i)
    db.Use(sql::kInsertAssignee).Bind(1, row).Bind(2, users[i]).Bind(3, static_cast<std::int64_t>(i)).Run();
}

void InsertTags(storage::Connection& db, std::int64_t row, const std::vector<std::string>& tags) {
  for (const auto& tag : tags) db.Use(sql::kInsertTag).Bind(1, row).Bind(2, tag).Run();
}

void InsertContactLinks(storage::Connection& db, std::int64_t row,
                        const std::vector<ContactLink>& links) {
  for (std::size_t i = 0; i < links.size(); ++i)
    db.Use(sql::kInsertCaseContact)
        .Bind(1, row)
        .Bind(2, links[i].key)
        .Bind(3, static_cast<std::int64_t>(i))
        .Bind(4, links[i].contact_id)
        .Run();
}

namespace {

Stmt& BindTyped(Stmt& statement, int index, const TypedValue& typed) {
  return std::visit(
      [&](const auto& v) -> Stmt& {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return statement.BindNull(index);
        else
          return statement.Bind(index, v);
      },
      typed);
}

std::optional<std::string> OptionsText(const Field& f) {
  if (f.options.empty()) return std::nullopt;
  return ToJsonText(json::value_from(f.options));
}

}  // namespace

void InsertFields(storage::Connection& db, std::int64_t row, const std::vector<Field>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    auto insert = db.Use(sql::kInsertField);
    insert.Bind(1, row)
        .Bind(2, f.key)
        .Bind(3, static_cast<std::int64_t>(i))
        .Bind(4, FieldTypeName(f.type))
        .Bind(5, f.name)
        .Bind(6, ToJsonText(f.value));
    BindTyped(insert, 7, TypedValueOf(f.type, f.value))
        .Bind(8, f.required ? 1 : 0)
        .Bind(9, OptionsText(f))
        .Run();
  }
}

void InsertSteps(storage::Connection& db, std::int64_t row, const std::vector<Step>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i)
    db.Use(sql::kInsertStep)
        .Bind(1, row)
        .Bind(2, steps[i].id)
        .Bind(3, static_cast<std::int64_t>(i))
        .Bind(4, steps[i].title)
        .Bind(5, StepStatusName(steps[i].status))
        .Bind(6, ToJsonText(steps[i].data))
        .Run();
}

void ReplaceAssignees(storage::Connection& db, std::int64_t row,
                      const std::vector<std::int64_t>& users) {
  DeleteChildren(db, sql::kDeleteAssignees, row);
  InsertAssignees(db, row, users);
}

void ReplaceTags(storage::Connection& db, std::int64_t row, const std::vector<std::string>& tags) {
  DeleteChildren(db, sql::kDeleteTags, row);
  InsertTags(db, row, tags);
}

void ReplaceContactLinks(storage::Connection& db, std::int64_t row,
                         const std::vector<ContactLink>& links) {
  DeleteChildren(db, sql::kDeleteCaseContacts, row);
  InsertContactLinks(db, row, links);
}

void ReplaceFields(storage::Connection& db, std::int64_t row, const std::vector<Field>& fields) {
  DeleteChildren(db, sql::kDeleteFields, row);
  InsertFields(db, row, fields);
}

void ReplaceSteps(storage::Connection& db, std::int64_t row, const std::vector<Step>& steps) {
  DeleteChildren(db, sql::kDeleteSteps, row);
  InsertSteps(db, row, steps);
}

void UpdateFieldValue(storage::Connection& db, std::int64_t row, const Field& f) {
  auto update = db.Use(sql::kUpdateFieldValue);
  update.Bind(1, row).Bind(2, f.key).Bind(3, ToJsonText(f.value));
  BindTyped(update, 4, TypedValueOf(f.type, f.value)).Run();
}

void UpdateStepRow(storage::Connection& db, std::int64_t row, const Step& step) {
  db.Use(sql::kUpdateStep)
      .Bind(1, row)
      .Bind(2, step.id)
      .Bind(3, step.title)
      .Bind(4, StepStatusName(step.status))
      .Bind(5, ToJsonText(step.data))
      .Run();
}

void InsertLink(storage::Connection& db, std::int64_t a, std::int64_t b) {
  db.Use(sql::kInsertLink).Bind(1, a).Bind(2, b).Run();
  db.Use(sql::kInsertLink).Bind(1, b).Bind(2, a).Run();
}

void DeleteLink(storage::Connection& db, std::int64_t a, std::int64_t b) {
  db.Use(sql::kDeleteLink).Bind(1, a).Bind(2, b).Run();
  db.Use(sql::kDeleteLink).Bind(1, b).Bind(2, a).Run();
}

}  // namespace casework

// The SQLite repository: cases and their child rows.
#include <type_traits>
#include <variant>

#include "casework/json.h"
#include "casework/status.h"
#include "fields.h"
#include "storage/case_rows.h"
#include "storage/sql.h"
#include "storage/sqlite_repository.h"

namespace casework::storage {
namespace {

std::optional<std::string_view> NameOf(const std::optional<Priority>& p) {
  if (!p) return std::nullopt;
  return PriorityName(*p);
}

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

const char* DeleteStatement(Children children) {
  switch (children) {
    case Children::kAssignees:
      return sql::kDeleteAssignees;
    case Children::kTags:
      return sql::kDeleteTags;
    case Children::kContacts:
      return sql::kDeleteCaseContacts;
    case Children::kFields:
      return sql::kDeleteFields;
    case Children::kSteps:
      return sql::kDeleteSteps;
  }
  return sql::kDeleteTags;  // unreachable
}

}  // namespace

std::optional<CaseKey> SqliteRepository::FindCase(std::int64_t workspace, const Uuid& id, Lock) {
  // Lock is moot: BEGIN IMMEDIATE already excludes every other writer.
  auto find = db_->Use(sql::kFindCase);
  find.Bind(1, id).Bind(2, workspace);
  if (!find.Step()) return std::nullopt;
  return CaseKey{workspace, find.Int(0), find.Int(1)};
}

std::optional<CaseKey> SqliteRepository::FindCaseInAnyWorkspace(const Uuid& id) {
  auto find = db_->Use(sql::kFindCaseInAnyWorkspace);
  find.Bind(1, id);
  if (!find.Step()) return std::nullopt;
  return CaseKey{find.Int(1), find.Int(0), find.Int(2)};
}

Case SqliteRepository::LoadCase(const CaseKey& key) {
  const std::int64_t row = key.row;
  Case c;
  {
    auto record = db_->Use(sql::kSelectCase);
    record.Bind(1, row);
    if (!record.Step()) throw Error(Status::NotFound("case row vanished"));
    ReadCaseRecord(record, c);
  }
  {
    auto q = db_->Use(sql::kSelectAssignees);
    q.Bind(1, row);
    while (q.Step()) c.assignees.push_back(ReadUser(q));
  }
  {
    auto q = db_->Use(sql::kSelectTags);
    q.Bind(1, row);
    while (q.Step()) c.tags.push_back(q.Text(0));
  }
  {
    auto q = db_->Use(sql::kSelectContacts);
    q.Bind(1, row);
    while (q.Step()) c.contacts.push_back(ReadCaseContact(q));
  }
  {
    auto q = db_->Use(sql::kSelectFields);
    q.Bind(1, row);
    while (q.Step()) c.schema.push_back(ReadField(q));
  }
  {
    auto q = db_->Use(sql::kSelectSteps);
    q.Bind(1, row);
    while (q.Step()) c.steps.push_back(ReadStep(q));
  }
  {
    auto q = db_->Use(sql::kSelectLinks);
    q.Bind(1, row);
    while (q.Step()) c.linked_cases.push_back(UuidToString(q.UuidAt(0)));
  }
  return c;
}

std::int64_t SqliteRepository::CountCases(std::int64_t workspace) {
  auto count = db_->Use(sql::kCountWorkspaceCases);
  count.Bind(1, workspace);
  return count.Step() ? count.Int(0) : 0;
}

void SqliteRepository::ForEachCase(std::optional<std::int64_t> workspace,
                                   const std::function<void(const CaseKey&, const Uuid&)>& visit) {
  auto cases = db_->Use(workspace ? sql::kSelectWorkspaceCaseRows : sql::kSelectAllCaseRows);
  if (workspace) cases.Bind(1, *workspace);
  while (cases.Step())
    visit(CaseKey{cases.Int(2), cases.Int(0), cases.Int(3)}, cases.UuidAt(1));
}

CaseKey SqliteRepository::InsertCase(std::int64_t workspace, const Uuid& id, const CaseRecord& r,
                                     const InitialState& state, Timestamp now) {
  const Restored* kept = state.restored;
  std::optional<std::int64_t> resolved;
  if (kept != nullptr)
    resolved = MillisOf(kept->resolved_at);
  else if (state.parent_status == ParentStatus::kClosed)
    resolved = MillisOf(now);
  db_->Use(sql::kInsertCase)
      .Bind(1, id)
      .Bind(2, workspace)
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
      .Bind(15, MillisOf(kept != nullptr ? kept->created_at : now))
      .Bind(16, MillisOf(kept != nullptr ? kept->updated_at : now))
      .Bind(17, MillisOf(r.opened_at))
      .Bind(18, resolved)
      .Bind(19, kept != nullptr ? MillisOf(kept->archived_at) : std::nullopt)
      .Bind(20, state.template_version)
      .Bind(21, kept != nullptr ? kept->last_transition_id : std::nullopt)
      .Run();
  return {workspace, db_->LastInsertRowid(), 1};
}

void SqliteRepository::UpdateCaseRecord(const CaseKey& key, const CaseRecord& r, Timestamp now) {
  ExpectOneRow(db_->Use(sql::kUpdateCaseRecord)
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
                   .Bind(13, MillisOf(now))
                   .Run(),
               key);
}

void SqliteRepository::TouchCase(const CaseKey& key, Timestamp now) {
  ExpectOneRow(
      db_->Use(sql::kTouchCase).Bind(1, key.row).Bind(2, key.version).Bind(3, MillisOf(now)).Run(),
      key);
}

void SqliteRepository::SetArchivedAt(const CaseKey& key, std::optional<Timestamp> at,
                                     Timestamp now) {
  ExpectOneRow(db_->Use(sql::kSetArchivedAt)
                   .Bind(1, key.row)
                   .Bind(2, key.version)
                   .Bind(3, MillisOf(at))
                   .Bind(4, MillisOf(now))
                   .Run(),
               key);
}

void SqliteRepository::SetStatus(const CaseKey& key, std::string_view status,
                                 ParentStatus parent_status, std::optional<Timestamp> resolved_at,
                                 const Uuid& transition_id, Timestamp now) {
  ExpectOneRow(db_->Use(sql::kSetStatus)
                   .Bind(1, key.row)
                   .Bind(2, key.version)
                   .Bind(3, status)
                   .Bind(4, ParentStatusName(parent_status))
                   .Bind(5, MillisOf(resolved_at))
                   .Bind(6, transition_id)
                   .Bind(7, MillisOf(now))
                   .Run(),
               key);
}

void SqliteRepository::InsertAssignees(const CaseKey& key, const std::vector<std::int64_t>& users) {
  for (std::size_t i = 0; i < users.size(); ++i)
    db_->Use(sql::kInsertAssignee)
        .Bind(1, key.row)
        .Bind(2, users[i])
        .Bind(3, static_cast<std::int64_t>(i))
        .Run();
}

void SqliteRepository::InsertTags(const CaseKey& key, const std::vector<std::string>& tags) {
  for (const auto& tag : tags) db_->Use(sql::kInsertTag).Bind(1, key.row).Bind(2, tag).Run();
}

void SqliteRepository::InsertContactLinks(const CaseKey& key,
                                          const std::vector<ContactLink>& links) {
  for (std::size_t i = 0; i < links.size(); ++i)
    db_->Use(sql::kInsertCaseContact)
        .Bind(1, key.row)
        .Bind(2, links[i].key)
        .Bind(3, static_cast<std::int64_t>(i))
        .Bind(4, links[i].contact_row)
        .Run();
}

void SqliteRepository::InsertFields(const CaseKey& key, const std::vector<Field>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    auto insert = db_->Use(sql::kInsertField);
    insert.Bind(1, key.row)
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

void SqliteRepository::InsertSteps(const CaseKey& key, const std::vector<Step>& steps) {
  for (std::size_t i = 0; i < steps.size(); ++i)
    db_->Use(sql::kInsertStep)
        .Bind(1, key.row)
        .Bind(2, steps[i].id)
        .Bind(3, static_cast<std::int64_t>(i))
        .Bind(4, steps[i].title)
        .Bind(5, StepStatusName(steps[i].status))
        .Bind(6, ToJsonText(steps[i].data))
        .Run();
}

void SqliteRepository::DeleteChildren(const CaseKey& key, Children children) {
  db_->Use(DeleteStatement(children)).Bind(1, key.row).Run();
}

// One prepared statement a field: in process, a statement costs no round
// trip.
void SqliteRepository::UpdateFieldValues(const CaseKey& key,
                                         std::span<const Field* const> fields) {
  for (const Field* f : fields) {
    auto update = db_->Use(sql::kUpdateFieldValue);
    update.Bind(1, key.row).Bind(2, f->key).Bind(3, ToJsonText(f->value));
    BindTyped(update, 4, TypedValueOf(f->type, f->value)).Run();
  }
}

void SqliteRepository::UpdateStep(const CaseKey& key, const Step& step) {
  db_->Use(sql::kUpdateStep)
      .Bind(1, key.row)
      .Bind(2, step.id)
      .Bind(3, step.title)
      .Bind(4, StepStatusName(step.status))
      .Bind(5, ToJsonText(step.data))
      .Run();
}

void SqliteRepository::SetLinked(const CaseKey& a, const CaseKey& b, bool linked) {
  const char* statement = linked ? sql::kInsertLink : sql::kDeleteLink;
  db_->Use(statement).Bind(1, a.row).Bind(2, b.row).Run();
  db_->Use(statement).Bind(1, b.row).Bind(2, a.row).Run();
}

}  // namespace casework::storage

// The PostgreSQL repository: the rows of a case (its cases row and its
// children), as storage/case_store.cc writes them on SQLite.
#include <charconv>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/status.h"
#include "fields.h"
#include "storage/case_rows.h"
#include "storage/pg/repository.h"
#include "storage/pg/sql.h"

namespace casework::storage::pg {
namespace {

// The parameters that address a case's rows: $1 workspace, $2 row.
Params At(const CaseKey& key) { return Params().Add(key.workspace).Add(key.row); }

// The same and $3 its version, for an update the version guards.
Params AtVersion(const CaseKey& key) { return At(key).Add(key.version); }

std::optional<std::string> UuidText(const std::optional<Uuid>& id) {
  if (!id) return std::nullopt;
  return UuidToString(*id);
}

std::optional<std::string_view> PriorityText(const std::optional<Priority>& priority) {
  if (!priority) return std::nullopt;
  return PriorityName(*priority);
}

// Every row of `rows`, each made by `read` from its RowView.
template <typename Read>
auto ReadAll(const Rows& rows, Read read) {
  std::vector<decltype(read(RowView(rows, 0)))> all;
  all.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) all.push_back(read(RowView(rows, i)));
  return all;
}

// A field's typed value, in the column its kind has (pg/schema.h): numbers,
// datetimes and booleans in typed_number, text and dates in typed_text.
struct TypedColumns {
  std::optional<std::string> number, text;
};

std::string NumberText(std::int64_t number) { return std::to_string(number); }

std::string NumberText(double number) {
  char buffer[32];  // the shortest text that reads back as the same double
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  return std::string(buffer, end);
}

TypedColumns TypedColumnsOf(const Field& field) {
  return std::visit(
      [](const auto& v) -> TypedColumns {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>)
          return {};
        else if constexpr (std::is_same_v<T, std::string>)
          return {std::nullopt, v};
        else
          return {NumberText(v), std::nullopt};
      },
      TypedValueOf(field.type, field.value));
}

}  // namespace

// ---- Finding and reading ----

std::optional<CaseKey> PostgresRepository::FindCase(std::int64_t workspace, const Uuid& id,
                                                    Lock lock) {
  Rows rows = db_->Run(lock == Lock::kForUpdate ? sql::kFindCaseForUpdate : sql::kFindCase,
                       Params().Add(workspace).Add(UuidToString(id)));
  if (rows.empty()) return std::nullopt;
  return CaseKey{workspace, rows.Int(0, 0), rows.Int(0, 1)};
}

std::optional<CaseKey> PostgresRepository::FindCaseInAnyWorkspace(const Uuid& id) {
  Rows rows = db_->Run(sql::kFindCaseInAnyWorkspace, Params().Add(UuidToString(id)));
  if (rows.empty()) return std::nullopt;
  return CaseKey{rows.Int(0, 0), rows.Int(0, 1), rows.Int(0, 2)};
}

// One round trip: the cases row and its six kinds of child rows, pipelined.
Case PostgresRepository::LoadCase(const CaseKey& key) {
  const Params at = At(key);
  const Statement statements[] = {{sql::kSelectCase, at},     {sql::kSelectAssignees, at},
                                  {sql::kSelectTags, at},     {sql::kSelectContacts, at},
                                  {sql::kSelectFields, at},   {sql::kSelectSteps, at},
                                  {sql::kSelectLinks, at}};
  std::vector<Rows> rows = db_->RunPipelined(statements);
  Case c;
  if (rows[0].empty()) throw Error(Status::NotFound("case row vanished"));
  ReadCaseRecord(RowView(rows[0], 0), c);
  c.assignees = ReadAll(rows[1], [](const RowView& row) { return ReadUser(row); });
  c.tags = ReadAll(rows[2], [](const RowView& row) { return row.Text(0); });
  c.contacts = ReadAll(rows[3], [](const RowView& row) { return ReadCaseContact(row); });
  c.schema = ReadAll(rows[4], [](const RowView& row) { return ReadField(row); });
  c.steps = ReadAll(rows[5], [](const RowView& row) { return ReadStep(row); });
  c.linked_cases =
      ReadAll(rows[6], [](const RowView& row) { return UuidToString(row.UuidAt(0)); });
  return c;
}

std::int64_t PostgresRepository::CountCases(std::int64_t workspace) {
  return db_->Run(sql::kCountWorkspaceCases, Params().Add(workspace)).Int(0, 0);
}

namespace {

// Closes the cursor of ForEachCase however the visit ends. A failure to
// close is one of the transaction's, which is then rolled back anyway.
class EachCaseCursor {
 public:
  explicit EachCaseCursor(Connection& db) : db_(db) {}
  ~EachCaseCursor() {
    try {
      db_.Run(sql::kCloseCases);
    } catch (...) {
    }
  }
  EachCaseCursor(const EachCaseCursor&) = delete;
  EachCaseCursor& operator=(const EachCaseCursor&) = delete;

 private:
  Connection& db_;
};

}  // namespace

// Through a cursor, in batches: an export of a million cases holds one
// batch of keys in memory at a time, and `visit` may read each case on the
// same connection in between.
void PostgresRepository::ForEachCase(
    std::optional<std::int64_t> workspace,
    const std::function<void(const CaseKey&, const Uuid&)>& visit) {
  if (workspace)
    db_->Run(sql::kDeclareWorkspaceCases, Params().Add(*workspace));
  else
    db_->Run(sql::kDeclareAllCases);
  EachCaseCursor cursor(*db_);
  for (;;) {
    Rows batch = db_->Run(sql::kFetchCases);
    if (batch.empty()) return;
    for (int i = 0; i < batch.size(); ++i) {
      RowView row(batch, i);
      visit(CaseKey{row.Int(0), row.Int(1), row.Int(2)}, row.UuidAt(3));
    }
  }
}

// ---- The cases row ----

CaseKey PostgresRepository::InsertCase(std::int64_t workspace, const Uuid& id, const CaseRecord& r,
                                       const InitialState& state, Timestamp now) {
  const Restored* kept = state.restored;
  std::optional<std::int64_t> resolved;
  if (kept != nullptr)
    resolved = MillisOf(kept->resolved_at);
  else if (state.parent_status == ParentStatus::kClosed)
    resolved = MillisOf(now);
  Params params;
  params.Add(workspace)
      .Add(UuidToString(id))
      .Add(r.title)
      .Add(r.description)
      .Add(r.locale)
      .Add(r.reference)
      .Add(state.status)
      .Add(ParentStatusName(state.parent_status))
      .Add(WaitingForName(r.waiting_for))
      .Add(PriorityText(r.priority))
      .Add(r.owner)
      .Add(UuidText(state.template_id))
      .Add(state.template_version)
      .Add(r.metadata)
      .Add(r.closure_conditions)
      .Add(MillisOf(kept != nullptr ? kept->created_at : now))
      .Add(MillisOf(kept != nullptr ? kept->updated_at : now))
      .Add(MillisOf(r.opened_at))
      .Add(resolved)
      .Add(kept != nullptr ? MillisOf(kept->archived_at) : std::nullopt)
      .Add(UuidText(kept != nullptr ? kept->last_transition_id : std::nullopt));
  Rows inserted = db_->Run(sql::kInsertCase, params);
  CaseKey key{workspace, inserted.Int(0, 0), 1};
  MarkSearch(key);
  NoteInsertedCase();
  return key;
}

void PostgresRepository::UpdateCaseRecord(const CaseKey& key, const CaseRecord& r, Timestamp now) {
  Rows updated = db_->Run(sql::kUpdateCaseRecord, AtVersion(key)
                                                      .Add(r.title)
                                                      .Add(r.description)
                                                      .Add(r.locale)
                                                      .Add(r.reference)
                                                      .Add(WaitingForName(r.waiting_for))
                                                      .Add(PriorityText(r.priority))
                                                      .Add(r.owner)
                                                      .Add(r.metadata)
                                                      .Add(r.closure_conditions)
                                                      .Add(MillisOf(r.opened_at))
                                                      .Add(MillisOf(now)));
  ExpectOneRow(updated.changed(), key);
  MarkSearch(key);
}

void PostgresRepository::TouchCase(const CaseKey& key, Timestamp now) {
  ExpectOneRow(db_->Run(sql::kTouchCase, AtVersion(key).Add(MillisOf(now))).changed(), key);
}

void PostgresRepository::SetArchivedAt(const CaseKey& key, std::optional<Timestamp> at,
                                       Timestamp now) {
  ExpectOneRow(
      db_->Run(sql::kSetArchivedAt, AtVersion(key).Add(MillisOf(at)).Add(MillisOf(now))).changed(),
      key);
}

void PostgresRepository::SetStatus(const CaseKey& key, std::string_view status,
                                   ParentStatus parent_status, std::optional<Timestamp> resolved_at,
                                   const Uuid& transition_id, Timestamp now) {
  Rows updated = db_->Run(sql::kSetStatus, AtVersion(key)
                                               .Add(status)
                                               .Add(ParentStatusName(parent_status))
                                               .Add(MillisOf(resolved_at))
                                               .Add(UuidToString(transition_id))
                                               .Add(MillisOf(now)));
  ExpectOneRow(updated.changed(), key);
}

// ---- Child rows: each kind in one statement ----

void PostgresRepository::InsertAssignees(const CaseKey& key,
                                         const std::vector<std::int64_t>& users) {
  if (users.empty()) return;
  ArrayParam rows;
  for (std::int64_t user : users) rows.Add(user);
  db_->Run(sql::kInsertAssignees, At(key).Add(rows.Text()));
}

void PostgresRepository::InsertTags(const CaseKey& key, const std::vector<std::string>& tags) {
  if (tags.empty()) return;
  ArrayParam texts;
  for (const std::string& tag : tags) texts.Add(tag);
  db_->Run(sql::kInsertTags, At(key).Add(texts.Text()));
}

void PostgresRepository::InsertContactLinks(const CaseKey& key,
                                            const std::vector<ContactLink>& links) {
  if (links.empty()) return;
  ArrayParam keys, contacts;
  for (const ContactLink& link : links) {
    keys.Add(link.key);
    contacts.Add(link.contact_row);
  }
  db_->Run(sql::kInsertCaseContacts, At(key).Add(keys.Text()).Add(contacts.Text()));
  MarkSearch(key);
}

void PostgresRepository::InsertFields(const CaseKey& key, const std::vector<Field>& fields) {
  if (fields.empty()) return;
  ArrayParam keys, types, names, values, numbers, texts, required, options;
  for (const Field& f : fields) {
    TypedColumns typed = TypedColumnsOf(f);
    keys.Add(f.key);
    types.Add(FieldTypeName(f.type));
    names.Add(f.name);
    values.Add(ToJsonText(f.value));
    numbers.Add(typed.number);
    texts.Add(typed.text);
    required.AddBool(f.required);
    options.Add(OptionsText(f));
  }
  db_->Run(sql::kInsertFields, At(key)
                                   .Add(keys.Text())
                                   .Add(types.Text())
                                   .Add(names.Text())
                                   .Add(values.Text())
                                   .Add(numbers.Text())
                                   .Add(texts.Text())
                                   .Add(required.Text())
                                   .Add(options.Text()));
}

void PostgresRepository::InsertSteps(const CaseKey& key, const std::vector<Step>& steps) {
  if (steps.empty()) return;
  ArrayParam ids, titles, statuses, data;
  for (const Step& step : steps) {
    ids.Add(step.id);
    titles.Add(step.title);
    statuses.Add(StepStatusName(step.status));
    data.Add(ToJsonText(step.data));
  }
  db_->Run(sql::kInsertSteps,
           At(key).Add(ids.Text()).Add(titles.Text()).Add(statuses.Text()).Add(data.Text()));
}

void PostgresRepository::DeleteChildren(const CaseKey& key, Children children) {
  const char* statement = nullptr;
  switch (children) {
    case Children::kAssignees:
      statement = sql::kDeleteAssignees;
      break;
    case Children::kTags:
      statement = sql::kDeleteTags;
      break;
    case Children::kContacts:
      statement = sql::kDeleteCaseContacts;
      MarkSearch(key);
      break;
    case Children::kFields:
      statement = sql::kDeleteFields;
      break;
    case Children::kSteps:
      statement = sql::kDeleteSteps;
      break;
  }
  db_->Run(statement, At(key));
}

void PostgresRepository::UpdateFieldValues(const CaseKey& key,
                                           std::span<const Field* const> fields) {
  if (fields.empty()) return;
  ArrayParam keys, values, numbers, texts;
  for (const Field* f : fields) {
    TypedColumns typed = TypedColumnsOf(*f);
    keys.Add(f->key);
    values.Add(ToJsonText(f->value));
    numbers.Add(typed.number);
    texts.Add(typed.text);
  }
  db_->Run(sql::kUpdateFieldValues,
           At(key).Add(keys.Text()).Add(values.Text()).Add(numbers.Text()).Add(texts.Text()));
}

void PostgresRepository::UpdateStep(const CaseKey& key, const Step& step) {
  db_->Run(sql::kUpdateStep, At(key)
                                 .Add(step.id)
                                 .Add(step.title)
                                 .Add(StepStatusName(step.status))
                                 .Add(ToJsonText(step.data)));
}

// Links stay within a workspace: the rows carry a's, and b of another
// workspace fails its foreign key (kStorageError).
void PostgresRepository::SetLinked(const CaseKey& a, const CaseKey& b, bool linked) {
  db_->Run(linked ? sql::kInsertLink : sql::kDeleteLink,
           Params().Add(a.workspace).Add(a.row).Add(b.row));
}

}  // namespace casework::storage::pg

// The PostgreSQL repository: transactions and search upkeep, workspaces,
// users and contacts, templates, history, listing and verify. The rows of a
// case are in case_rows.cc.
#include "storage/pg/repository.h"

#include <set>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "casework/status.h"
#include "listing.h"
#include "listing/filter.h"
#include "listing/pg_sql.h"
#include "storage/case_rows.h"
#include "storage/pg/migrations.h"
#include "storage/pg/sql.h"

namespace casework::storage::pg {
namespace {

// Columns: row, uuid, slug, name.
WorkspaceRow ReadWorkspace(const RowView& row) {
  return {row.Int(0), {UuidToString(row.UuidAt(1)), row.Text(2), row.Text(3)}};
}

std::optional<WorkspaceRow> FirstWorkspace(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return ReadWorkspace(RowView(rows, 0));
}

// Columns: row, uuid, name, given_name, family_name, phone.
StoredContact ReadContact(const RowView& row) {
  return {row.Int(0),          row.UuidAt(1),       row.OptionalText(2),
          row.OptionalText(3), row.OptionalText(4), row.OptionalText(5)};
}

std::optional<StoredContact> FirstContact(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return ReadContact(RowView(rows, 0));
}

// Columns as pg/sql.h's kSelectTemplate returns them.
StoredTemplate ReadTemplate(const RowView& row) {
  StoredTemplate t;
  t.row = row.Int(0);
  t.id = row.UuidAt(1);
  t.workspace = {UuidToString(row.UuidAt(2)), row.Text(3)};
  t.name = row.Text(4);
  t.version = row.Int(5);
  t.created_at = TimeFromMillis(row.Int(6));
  t.updated_at = TimeFromMillis(row.Int(7));
  t.definition = row.Text(8);
  return t;
}

// The row an INSERT ... ON CONFLICT DO NOTHING RETURNING id made; none
// when another writer had the email. The conflict waited for that writer
// to commit, so its row is visible to the next statement of a READ
// COMMITTED transaction, where the engine finds it.
std::optional<std::int64_t> Inserted(const Rows& inserted) {
  if (inserted.empty()) return std::nullopt;
  return inserted.Int(0, 0);
}

// The (workspace, row) pairs as two parallel array parameters.
std::pair<std::string, std::string> AsArrayParams(
    const std::set<std::pair<std::int64_t, std::int64_t>>& keys) {
  ArrayParam workspaces, rows;
  for (const auto& [workspace, row] : keys) {
    workspaces.Add(workspace);
    rows.Add(row);
  }
  return {workspaces.Text(), rows.Text()};
}

// The values of a compiled list statement; WorkspaceParam is `workspace`.
Params ListParams(const std::vector<SqlValue>& values, std::int64_t workspace) {
  Params params;
  for (const SqlValue& value : values) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>)
            params.AddNull();
          else if constexpr (std::is_same_v<T, WorkspaceParam>)
            params.Add(workspace);
          else if constexpr (std::is_same_v<T, Uuid>)
            params.Add(UuidToString(v));
          else if constexpr (std::is_same_v<T, std::string>)
            params.Add(std::string_view(v));
          else
            params.Add(v);
        },
        value);
  }
  return params;
}

// The sort key of a page row: column 2 in text, read as column 3 tags it
// (listing/pg_sql.h): 'i' an integer, 'f' a double, 't' text, NULL none.
SqlValue SortKeyAt(const RowView& row) {
  if (row.IsNull(3)) return nullptr;
  const std::string_view tag = row.View(3);
  if (tag == "i") return row.Int(2);
  if (tag == "f") return row.Double(2);
  if (tag == "t") return row.Text(2);
  throw Error(Status::StorageError("PostgreSQL: a sort key tagged \"" + std::string(tag) + "\""));
}

}  // namespace

std::unique_ptr<Repository> OpenRepository(const std::string& uri, const Options& options) {
  std::unique_ptr<Connection> db = Connection::Open(uri, options);
  Migrate(*db);
  return std::make_unique<PostgresRepository>(std::move(db));
}

PostgresRepository::PostgresRepository(std::unique_ptr<Connection> db) : db_(std::move(db)) {}

// ---- Transactions ----

namespace {

// The first number of cases a transaction inserts after which it looks at
// the statistics; then every tenfold.
constexpr std::int64_t kFirstStatisticsCheck = 1000;

}  // namespace

void PostgresRepository::Begin(Access access) {
  search_cases_.clear();
  renamed_contacts_.clear();
  inserted_cases_ = 0;
  next_statistics_check_ = kFirstStatisticsCheck;
  holds_change_lock_ = false;
  db_->Exec(access == Access::kWrite ? sql::kBeginWrite : sql::kBeginRead);
  in_transaction_ = true;
}

void PostgresRepository::Commit() {
  // Commit leaves no transaction open, whatever fails: a statement that
  // failed before aborted the transaction, and the search update fails too.
  try {
    FlushSearchIndex();
  } catch (...) {
    Rollback();
    throw;
  }
  // Whatever COMMIT answers, no transaction is open after it.
  in_transaction_ = false;
  // COMMIT of a transaction a failed statement aborted answers ROLLBACK,
  // not an error: the work is lost and the caller must hear it.
  if (!db_->CommitReportsCommitted())
    throw Error(Status::StorageError("PostgreSQL: the transaction was rolled back"));
}

void PostgresRepository::Rollback() noexcept {
  search_cases_.clear();
  renamed_contacts_.clear();
  // After a COMMIT that failed there is nothing to roll back, and a
  // ROLLBACK would only have the server warn of it.
  if (!std::exchange(in_transaction_, false)) return;
  try {
    db_->Exec(sql::kRollback);
  } catch (...) {
    // The connection is gone: the server rolls back whatever was open, so
    // there is nothing left to undo.
  }
}

void PostgresRepository::FlushSearchIndex() {
  if (search_cases_.empty() && renamed_contacts_.empty()) return;
  if (renamed_contacts_.empty()) {
    // One statement a workspace (nearly always one): search_cases_ is
    // ordered by workspace.
    for (auto first = search_cases_.begin(); first != search_cases_.end();) {
      ArrayParam rows;
      auto last = first;
      for (; last != search_cases_.end() && last->first == first->first; ++last)
        rows.Add(last->second);
      db_->Run(sql::kRefreshSearch, Params().Add(first->first).Add(rows.Text()));
      first = last;
    }
  } else {
    auto [case_workspaces, case_rows] = AsArrayParams(search_cases_);
    auto [contact_workspaces, contact_rows] = AsArrayParams(renamed_contacts_);
    // The cases of a renamed contact are not the ones this transaction locked.
    db_->Run(sql::kLockCasesOfContacts, Params().Add(contact_workspaces).Add(contact_rows));
    db_->Run(sql::kRefreshSearchWithContacts, Params()
                                                  .Add(case_workspaces)
                                                  .Add(case_rows)
                                                  .Add(contact_workspaces)
                                                  .Add(contact_rows));
  }
  search_cases_.clear();
  renamed_contacts_.clear();
}

// ---- Workspaces ----

std::optional<WorkspaceRow> PostgresRepository::FindWorkspaceBySlug(std::string_view slug) {
  return FirstWorkspace(db_->Run(sql::kFindWorkspaceBySlug, Params().Add(slug)));
}

std::optional<WorkspaceRow> PostgresRepository::FindWorkspaceById(const Uuid& id) {
  return FirstWorkspace(db_->Run(sql::kFindWorkspaceByUuid, Params().Add(UuidToString(id))));
}

void PostgresRepository::InsertWorkspace(const Uuid& id, std::string_view slug,
                                         std::string_view name, Timestamp now) {
  db_->Run(sql::kInsertWorkspace,
           Params().Add(UuidToString(id)).Add(slug).Add(name).Add(MillisOf(now)));
}

std::vector<Workspace> PostgresRepository::ListWorkspaces() {
  Rows rows = db_->Run(sql::kListWorkspaces);
  std::vector<Workspace> all;
  all.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) all.push_back(ReadWorkspace(RowView(rows, i)).workspace);
  return all;
}

// ---- Users and contacts ----

std::optional<StoredUser> PostgresRepository::FindUser(std::int64_t workspace,
                                                       std::string_view email) {
  Rows rows = db_->Run(sql::kFindUser, Params().Add(workspace).Add(email));
  if (rows.empty()) return std::nullopt;
  RowView row(rows, 0);
  return StoredUser{row.Int(0), row.UuidAt(1), row.OptionalText(2), row.OptionalText(3)};
}

std::optional<std::int64_t> PostgresRepository::InsertUser(std::int64_t workspace, const Uuid& id,
                                            const UserInput& user) {
  Rows inserted = db_->Run(sql::kInsertUser, Params()
                                                 .Add(workspace)
                                                 .Add(UuidToString(id))
                                                 .Add(user.email)
                                                 .Add(user.given_name)
                                                 .Add(user.family_name));
  return Inserted(inserted);
}

void PostgresRepository::UpdateUserNames(std::int64_t workspace, const StoredUser& user) {
  db_->Run(sql::kUpdateUserNames,
           Params().Add(workspace).Add(user.row).Add(user.given_name).Add(user.family_name));
}

std::optional<StoredContact> PostgresRepository::FindContactByEmail(std::int64_t workspace,
                                                                    std::string_view email) {
  return FirstContact(db_->Run(sql::kFindContactByEmail, Params().Add(workspace).Add(email)));
}

std::optional<StoredContact> PostgresRepository::FindOwnContact(const CaseKey& key,
                                                                std::string_view contact_key) {
  return FirstContact(
      db_->Run(sql::kFindOwnContact, Params().Add(key.workspace).Add(key.row).Add(contact_key)));
}

std::optional<std::int64_t> PostgresRepository::InsertContact(std::int64_t workspace, const Uuid& id,
                                               const ContactInput& contact) {
  Rows inserted = db_->Run(sql::kInsertContact, Params()
                                                    .Add(workspace)
                                                    .Add(UuidToString(id))
                                                    .Add(contact.email)
                                                    .Add(contact.name)
                                                    .Add(contact.given_name)
                                                    .Add(contact.family_name)
                                                    .Add(contact.phone));
  return Inserted(inserted);
}

void PostgresRepository::UpdateContact(std::int64_t workspace, const StoredContact& contact) {
  db_->Run(sql::kUpdateContact, Params()
                                    .Add(workspace)
                                    .Add(contact.row)
                                    .Add(contact.name)
                                    .Add(contact.given_name)
                                    .Add(contact.family_name)
                                    .Add(contact.phone));
  renamed_contacts_.insert({workspace, contact.row});
}

// ---- Templates ----

std::optional<StoredTemplate> PostgresRepository::FindTemplate(std::int64_t workspace,
                                                               const Uuid& id) {
  Rows rows = db_->Run(sql::kSelectTemplate, Params().Add(workspace).Add(UuidToString(id)));
  if (rows.empty()) return std::nullopt;
  return ReadTemplate(RowView(rows, 0));
}

std::vector<StoredTemplate> PostgresRepository::ListTemplates(std::int64_t workspace) {
  Rows rows = db_->Run(sql::kListTemplates, Params().Add(workspace));
  std::vector<StoredTemplate> all;
  all.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) all.push_back(ReadTemplate(RowView(rows, i)));
  return all;
}

void PostgresRepository::InsertTemplate(std::int64_t workspace, const Uuid& id,
                                        std::string_view name, std::string_view definition,
                                        Timestamp now) {
  Rows inserted =
      db_->Run(sql::kInsertTemplate,
               Params().Add(workspace).Add(UuidToString(id)).Add(name).Add(MillisOf(now)));
  db_->Run(sql::kInsertTemplateVersion, Params()
                                            .Add(workspace)
                                            .Add(inserted.Int(0, 0))
                                            .Add(std::int64_t{1})
                                            .Add(definition)
                                            .Add(MillisOf(now)));
}

void PostgresRepository::UpdateTemplate(std::int64_t workspace, const StoredTemplate& current,
                                        std::string_view name, std::string_view definition,
                                        Timestamp now) {
  Rows updated = db_->Run(
      sql::kUpdateTemplate,
      Params().Add(workspace).Add(current.row).Add(current.version).Add(name).Add(MillisOf(now)));
  if (updated.changed() != 1)
    throw Error(Status::Conflict(current.version, "the template changed during the update"));
  db_->Run(sql::kInsertTemplateVersion, Params()
                                            .Add(workspace)
                                            .Add(current.row)
                                            .Add(current.version + 1)
                                            .Add(definition)
                                            .Add(MillisOf(now)));
}

std::optional<std::string> PostgresRepository::CaseTemplateDefinition(const CaseKey& key) {
  Rows rows =
      db_->Run(sql::kSelectCaseTemplateDefinition, Params().Add(key.workspace).Add(key.row));
  if (rows.empty()) return std::nullopt;
  return rows.Text(0, 0);
}

// ---- History ----

namespace {

// kInsertEvent and kAppendEvent take the same $1 - $8.
Params EventParams(const CaseKey& key, const StoredEvent& event) {
  return Params()
      .Add(key.workspace)
      .Add(key.row)
      .Add(MillisOf(event.at))
      .Add(event.actor)
      .Add(event.kind)
      .Add(event.changes)
      .Add(event.details)
      .Add(UuidToString(event.id));
}

// Columns 0-7 of kSelectEvents and kSelectChanges.
StoredEvent EventAt(const RowView& row) {
  return {row.Int(0),  TimeFromMillis(row.Int(1)), row.Text(2), row.Text(3), row.Text(4),
          row.Text(5), row.UuidAt(6),              row.Int(7)};
}

}  // namespace

void PostgresRepository::WriteEvent(const char* statement, const Params& params) {
  if (holds_change_lock_) {
    db_->Run(statement, params);
    return;
  }
  // The lock and the event in one round trip: the INSERT, a statement of
  // its own, reads max(change_seq) after the lock is granted.
  Params none;
  const Statement both[] = {{sql::kLockChanges, none}, {statement, params}};
  db_->RunPipelined(both);
  holds_change_lock_ = true;
}

void PostgresRepository::InsertEvent(const CaseKey& key, const StoredEvent& event) {
  WriteEvent(sql::kInsertEvent, EventParams(key, event).Add(event.seq));
}

void PostgresRepository::AppendEvent(const CaseKey& key, const StoredEvent& event) {
  WriteEvent(sql::kAppendEvent, EventParams(key, event));
}

std::vector<StoredEvent> PostgresRepository::LoadEvents(const CaseKey& key) {
  Rows rows = db_->Run(sql::kSelectEvents, Params().Add(key.workspace).Add(key.row));
  std::vector<StoredEvent> events;
  events.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) events.push_back(EventAt(RowView(rows, i)));
  return events;
}

// ---- Change feed and sync ----

std::vector<FeedEvent> PostgresRepository::LoadChanges(std::int64_t after, std::int64_t limit) {
  Rows rows = db_->Run(sql::kSelectChanges, Params().Add(after).Add(limit));
  std::vector<FeedEvent> changes;
  changes.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) {
    RowView row(rows, i);
    changes.push_back({EventAt(row), row.UuidAt(8), row.Text(9)});
  }
  return changes;
}

std::optional<Uuid> PostgresRepository::EventIdAtChange(std::int64_t change) {
  Rows rows = db_->Run(sql::kSelectEventIdAtChange, Params().Add(change));
  if (rows.size() == 0) return std::nullopt;
  return RowView(rows, 0).UuidAt(0);
}

Uuid PostgresRepository::DatabaseId() {
  Rows rows = db_->Run(sql::kSelectDatabaseId);
  if (rows.size() == 0)
    throw Error(Status::StorageError("the database has no id (casework_database)"));
  return RowView(rows, 0).UuidAt(0);
}

std::optional<SyncPeer> PostgresRepository::FindSyncPeer(const Uuid& peer) {
  Rows rows = db_->Run(sql::kSelectSyncPeer, Params().Add(UuidToString(peer)));
  if (rows.size() == 0) return std::nullopt;
  RowView row(rows, 0);
  SyncPeer progress{row.Int(0), std::nullopt};
  if (!row.IsNull(1)) progress.event = row.UuidAt(1);
  return progress;
}

void PostgresRepository::SaveSyncPeer(const Uuid& peer, const SyncPeer& progress) {
  std::optional<std::string> event;
  if (progress.event) event = UuidToString(*progress.event);
  db_->Run(sql::kUpsertSyncPeer, Params().Add(UuidToString(peer)).Add(progress.change).Add(event));
}

std::optional<StoredConflict> PostgresRepository::FindConflict(const CaseKey& key) {
  Rows rows = db_->Run(sql::kSelectConflict, Params().Add(key.workspace).Add(key.row));
  if (rows.size() == 0) return std::nullopt;
  RowView row(rows, 0);
  return StoredConflict{{}, row.UuidAt(0), TimeFromMillis(row.Int(1)), row.Text(2)};
}

void PostgresRepository::SaveConflict(const CaseKey& key, const StoredConflict& conflict) {
  db_->Run(sql::kUpsertConflict, Params()
                                     .Add(key.workspace)
                                     .Add(key.row)
                                     .Add(UuidToString(conflict.peer))
                                     .Add(MillisOf(conflict.at))
                                     .Add(conflict.remote));
}

void PostgresRepository::DeleteConflict(const CaseKey& key) {
  db_->Run(sql::kDeleteConflict, Params().Add(key.workspace).Add(key.row));
}

std::vector<StoredConflict> PostgresRepository::ListConflicts(std::int64_t workspace) {
  Rows rows = db_->Run(sql::kSelectConflicts, Params().Add(workspace));
  std::vector<StoredConflict> conflicts;
  for (int i = 0; i < rows.size(); ++i) {
    RowView row(rows, i);
    conflicts.push_back(
        {row.UuidAt(0), row.UuidAt(1), TimeFromMillis(row.Int(2)), row.Text(3)});
  }
  return conflicts;
}

void PostgresRepository::SetVersion(const CaseKey& key, std::int64_t version,
                                    Timestamp updated_at) {
  Rows updated = db_->Run(sql::kSetCaseVersion, Params()
                                                    .Add(key.workspace)
                                                    .Add(key.row)
                                                    .Add(key.version)
                                                    .Add(version)
                                                    .Add(MillisOf(updated_at)));
  ExpectOneRow(updated.changed(), key);
}

// ---- Statistics ----

// The tables of a new database have no statistics: to the planner, a lookup
// by key then costs the same through any index that leads with
// workspace_id, and the plans a connection keeps (prepared statements,
// foreign-key checks) may scan a whole workspace for each row once the
// tables have grown. Autovacuum analyzes only what is committed, so one
// transaction that fills a new database (an import, CreateMany) analyzes
// the tables itself, which counts its own rows and makes every kept plan be
// planned again. ANALYZE in a transaction is allowed; SKIP_LOCKED leaves a
// table another ANALYZE holds rather than wait for it.
void PostgresRepository::NoteInsertedCase() {
  if (++inserted_cases_ < next_statistics_check_) return;
  next_statistics_check_ *= 10;
  double described = db_->Run(sql::kCasesInStatistics).Double(0, 0);
  if (described < static_cast<double>(inserted_cases_)) db_->Exec(sql::kAnalyzeCaseTables);
}

// ---- Listing ----

ListRows PostgresRepository::List(const listing::ListFilter& filter, std::int64_t workspace) {
  const CompiledList plan = listing::PostgresList(filter);
  ListRows listed;
  {
    Rows count = db_->RunComposed(plan.count.sql, ListParams(plan.count.params, workspace));
    if (!count.empty()) {
      listed.total = count.Int(0, 0);
      if (filter.cursor && !filter.cursor->position) listed.not_after_cursor = count.Int(0, 1);
    }
  }
  if (!ListNeedsPage(filter, listed.total)) return listed;
  Rows page = db_->RunComposed(plan.page.sql, ListParams(plan.page.params, workspace));
  listed.cases.reserve(static_cast<std::size_t>(page.size()));
  for (int i = 0; i < page.size(); ++i) {
    RowView row(page, i);
    listed.cases.push_back({row.Int(0), row.UuidAt(1), SortKeyAt(row)});
  }
  return listed;
}

// ---- Verify ----

// PostgreSQL checks its own pages and keeps every foreign key: what is left
// to check below the cases is the kept counts.
std::vector<StorageProblem> PostgresRepository::CheckStorage() {
  std::vector<StorageProblem> problems;
  Rows differing = db_->Run(sql::kCountsDiffering);
  for (int i = 0; i < differing.size(); ++i) {
    RowView row(differing, i);
    problems.push_back({"case_counts", "the count kept for workspace row " + row.Text(0) +
                                           ", status \"" + row.Text(1) + "\" (" + row.Text(2) +
                                           (row.Int(3) != 0 ? "), archived," : "), not archived,") +
                                           " is not the number of its cases",
                           row.Int(5), row.Int(4)});
  }
  return problems;
}

}  // namespace casework::storage::pg

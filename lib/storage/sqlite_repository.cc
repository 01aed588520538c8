// The SQLite repository: transactions, workspaces, people, templates,
// history, listing and verify. Cases and their child rows are in
// sqlite_cases.cc.
#include "storage/sqlite_repository.h"

#include <type_traits>

#include "casework/status.h"
#include "listing/filter.h"
#include "listing/sqlite_sql.h"
#include "storage/case_rows.h"
#include "storage/search.h"
#include "storage/sql.h"

namespace casework {

void BindAll(storage::Stmt& stmt, const std::vector<SqlValue>& params, std::int64_t workspace) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>)
            stmt.BindNull(index);
          else if constexpr (std::is_same_v<T, WorkspaceParam>)
            stmt.Bind(index, workspace);
          else if constexpr (std::is_same_v<T, std::string>)
            stmt.Bind(index, std::string_view(value));
          else
            stmt.Bind(index, value);
        },
        params[i]);
  }
}

namespace storage {
namespace {

WorkspaceRow ReadWorkspace(const Stmt& q) {
  return {q.Int(0), {UuidToString(q.UuidAt(1)), q.Text(2), q.Text(3)}};
}

// Columns: id, uuid, email, name, given_name, family_name, phone.
StoredContact ReadContact(const Stmt& q) {
  return {q.Int(0), q.UuidAt(1), q.OptionalText(3), q.OptionalText(4), q.OptionalText(5),
          q.OptionalText(6)};
}

StoredTemplate ReadTemplate(const Stmt& q) {
  return {q.Int(0),
          q.UuidAt(1),
          {UuidToString(q.UuidAt(2)), q.Text(3)},
          q.Text(4),
          q.Int(5),
          TimeFromMillis(q.Int(6)),
          TimeFromMillis(q.Int(7)),
          q.Text(8)};
}

SqlValue KeyAt(const Stmt& row, int column) {
  switch (row.Type(column)) {
    case SQLITE_INTEGER:
      return row.Int(column);
    case SQLITE_FLOAT:
      return row.Double(column);
    case SQLITE_TEXT:
      return row.Text(column);
    case SQLITE_NULL:
      return nullptr;
    default:
      throw Error(Status::StorageError("a sort key of an unexpected type"));
  }
}

}  // namespace

std::unique_ptr<Repository> OpenSqliteRepository(const std::string& path, const Options& options) {
  return std::make_unique<SqliteRepository>(Connection::Open(path, options));
}

// ---- Transactions ----

void SqliteRepository::Begin(Access access) {
  if (access == Access::kWrite)
    write_.emplace(*db_);
  else
    read_.emplace(*db_);
}

void SqliteRepository::Commit() {
  if (write_) {
    write_->Commit();
    write_.reset();
  }
  read_.reset();
}

void SqliteRepository::Rollback() noexcept {
  write_.reset();  // rolls back
  read_.reset();
}

// ---- Workspaces ----

std::optional<WorkspaceRow> SqliteRepository::FindWorkspaceBySlug(std::string_view slug) {
  auto q = db_->Use(sql::kFindWorkspaceBySlug);
  q.Bind(1, slug);
  if (!q.Step()) return std::nullopt;
  return ReadWorkspace(q);
}

std::optional<WorkspaceRow> SqliteRepository::FindWorkspaceById(const Uuid& id) {
  auto q = db_->Use(sql::kFindWorkspaceByUuid);
  q.Bind(1, id);
  if (!q.Step()) return std::nullopt;
  return ReadWorkspace(q);
}

void SqliteRepository::InsertWorkspace(const Uuid& id, std::string_view slug,
                                       std::string_view name, Timestamp now) {
  db_->Use(sql::kInsertWorkspace).Bind(1, id).Bind(2, slug).Bind(3, name).Bind(4, MillisOf(now)).Run();
}

std::vector<Workspace> SqliteRepository::ListWorkspaces() {
  std::vector<Workspace> all;
  auto q = db_->Use(sql::kListWorkspaces);
  while (q.Step()) all.push_back(ReadWorkspace(q).workspace);
  return all;
}

// ---- Users and contacts ----

std::optional<StoredUser> SqliteRepository::FindUser(std::int64_t workspace,
                                                     std::string_view email) {
  auto q = db_->Use(sql::kFindUser);
  q.Bind(1, workspace).Bind(2, email);
  if (!q.Step()) return std::nullopt;
  return StoredUser{q.Int(0), q.UuidAt(1), q.OptionalText(3), q.OptionalText(4)};
}

std::optional<std::int64_t> SqliteRepository::InsertUser(std::int64_t workspace, const Uuid& id,
                                          const UserInput& user) {
  db_->Use(sql::kInsertUser)
      .Bind(1, id)
      .Bind(2, workspace)
      .Bind(3, user.email)
      .Bind(4, user.given_name)
      .Bind(5, user.family_name)
      .Run();
  return db_->LastInsertRowid();
}

void SqliteRepository::UpdateUserNames(std::int64_t, const StoredUser& user) {
  db_->Use(sql::kUpdateUserNames)
      .Bind(1, user.row)
      .Bind(2, user.given_name)
      .Bind(3, user.family_name)
      .Run();
}

std::optional<StoredContact> SqliteRepository::FindContactByEmail(std::int64_t workspace,
                                                                  std::string_view email) {
  auto q = db_->Use(sql::kFindContactByEmail);
  q.Bind(1, workspace).Bind(2, email);
  if (!q.Step()) return std::nullopt;
  return ReadContact(q);
}

std::optional<StoredContact> SqliteRepository::FindOwnContact(const CaseKey& key,
                                                              std::string_view contact_key) {
  auto q = db_->Use(sql::kFindLinkedContactWithoutEmail);
  q.Bind(1, key.row).Bind(2, contact_key);
  if (!q.Step()) return std::nullopt;
  return ReadContact(q);
}

std::optional<std::int64_t> SqliteRepository::InsertContact(std::int64_t workspace, const Uuid& id,
                                             const ContactInput& c) {
  db_->Use(sql::kInsertContact)
      .Bind(1, id)
      .Bind(2, workspace)
      .Bind(3, c.email)
      .Bind(4, c.name)
      .Bind(5, c.given_name)
      .Bind(6, c.family_name)
      .Bind(7, c.phone)
      .Run();
  return db_->LastInsertRowid();
}

void SqliteRepository::UpdateContact(std::int64_t, const StoredContact& c) {
  db_->Use(sql::kUpdateContact)
      .Bind(1, c.row)
      .Bind(2, c.name)
      .Bind(3, c.given_name)
      .Bind(4, c.family_name)
      .Bind(5, c.phone)
      .Run();
}

// ---- Templates ----

std::optional<StoredTemplate> SqliteRepository::FindTemplate(std::int64_t workspace,
                                                             const Uuid& id) {
  auto q = db_->Use(sql::kSelectTemplate);
  q.Bind(1, id).Bind(2, workspace);
  if (!q.Step()) return std::nullopt;
  return ReadTemplate(q);
}

std::vector<StoredTemplate> SqliteRepository::ListTemplates(std::int64_t workspace) {
  std::vector<StoredTemplate> all;
  auto q = db_->Use(sql::kListTemplates);
  q.Bind(1, workspace);
  while (q.Step()) all.push_back(ReadTemplate(q));
  return all;
}

void SqliteRepository::InsertTemplate(std::int64_t workspace, const Uuid& id,
                                      std::string_view name, std::string_view definition,
                                      Timestamp now) {
  db_->Use(sql::kInsertTemplate).Bind(1, id).Bind(2, workspace).Bind(3, name).Bind(4, MillisOf(now)).Run();
  db_->Use(sql::kInsertTemplateVersion)
      .Bind(1, db_->LastInsertRowid())
      .Bind(2, 1)
      .Bind(3, definition)
      .Bind(4, MillisOf(now))
      .Run();
}

void SqliteRepository::UpdateTemplate(std::int64_t, const StoredTemplate& current,
                                      std::string_view name, std::string_view definition,
                                      Timestamp now) {
  int changed = db_->Use(sql::kUpdateTemplate)
                    .Bind(1, current.row)
                    .Bind(2, current.version)
                    .Bind(3, name)
                    .Bind(4, MillisOf(now))
                    .Run();
  if (changed != 1)
    throw Error(Status::Conflict(current.version, "the template changed during the update"));
  db_->Use(sql::kInsertTemplateVersion)
      .Bind(1, current.row)
      .Bind(2, current.version + 1)
      .Bind(3, definition)
      .Bind(4, MillisOf(now))
      .Run();
}

std::optional<std::string> SqliteRepository::CaseTemplateDefinition(const CaseKey& key) {
  auto q = db_->Use(sql::kSelectCaseWorkflow);
  q.Bind(1, key.row);
  if (!q.Step()) return std::nullopt;
  return q.Text(0);
}

// ---- History ----

namespace {

// kInsertEvent and kAppendEvent take the same ?1 - ?7.
Stmt& BindEvent(Stmt& insert, const CaseKey& key, const StoredEvent& e) {
  return insert.Bind(1, key.row)
      .Bind(2, MillisOf(e.at))
      .Bind(3, e.actor)
      .Bind(4, e.kind)
      .Bind(5, e.changes)
      .Bind(6, e.details)
      .Bind(7, e.id);
}

// Columns 0-7 of kSelectEvents and kSelectChanges.
StoredEvent EventAt(const Stmt& q) {
  return {q.Int(0),  TimeFromMillis(q.Int(1)), q.Text(2), q.Text(3), q.Text(4),
          q.Text(5), q.UuidAt(6),              q.Int(7)};
}

}  // namespace

void SqliteRepository::InsertEvent(const CaseKey& key, const StoredEvent& e) {
  auto insert = db_->Use(sql::kInsertEvent);
  BindEvent(insert, key, e).Bind(8, e.seq).Run();
}

void SqliteRepository::AppendEvent(const CaseKey& key, const StoredEvent& e) {
  auto append = db_->Use(sql::kAppendEvent);
  BindEvent(append, key, e).Run();
}

std::vector<StoredEvent> SqliteRepository::LoadEvents(const CaseKey& key) {
  std::vector<StoredEvent> events;
  auto q = db_->Use(sql::kSelectEvents);
  q.Bind(1, key.row);
  while (q.Step()) events.push_back(EventAt(q));
  return events;
}

// ---- Change feed and sync ----

std::vector<FeedEvent> SqliteRepository::LoadChanges(std::int64_t after, std::int64_t limit) {
  std::vector<FeedEvent> changes;
  auto q = db_->Use(sql::kSelectChanges);
  q.Bind(1, after).Bind(2, limit);
  while (q.Step()) changes.push_back({EventAt(q), q.UuidAt(8), q.Text(9)});
  return changes;
}

std::optional<Uuid> SqliteRepository::EventIdAtChange(std::int64_t change) {
  auto q = db_->Use(sql::kSelectEventIdAtChange);
  q.Bind(1, change);
  if (!q.Step()) return std::nullopt;
  return q.UuidAt(0);
}

Uuid SqliteRepository::DatabaseId() {
  auto q = db_->Use(sql::kSelectDatabaseId);
  if (!q.Step()) throw Error(Status::StorageError("the database has no id (casework_database)"));
  return q.UuidAt(0);
}

std::optional<SyncPeer> SqliteRepository::FindSyncPeer(const Uuid& peer) {
  auto q = db_->Use(sql::kSelectSyncPeer);
  q.Bind(1, peer);
  if (!q.Step()) return std::nullopt;
  return SyncPeer{q.Int(0), q.OptionalUuid(1)};
}

void SqliteRepository::SaveSyncPeer(const Uuid& peer, const SyncPeer& progress) {
  auto upsert = db_->Use(sql::kUpsertSyncPeer);
  upsert.Bind(1, peer).Bind(2, progress.change).Bind(3, progress.event).Run();
}

std::optional<StoredConflict> SqliteRepository::FindConflict(const CaseKey& key) {
  auto q = db_->Use(sql::kSelectConflict);
  q.Bind(1, key.row);
  if (!q.Step()) return std::nullopt;
  return StoredConflict{{}, q.UuidAt(0), TimeFromMillis(q.Int(1)), q.Text(2)};
}

void SqliteRepository::SaveConflict(const CaseKey& key, const StoredConflict& conflict) {
  auto upsert = db_->Use(sql::kUpsertConflict);
  upsert.Bind(1, key.row)
      .Bind(2, conflict.peer)
      .Bind(3, MillisOf(conflict.at))
      .Bind(4, conflict.remote)
      .Run();
}

void SqliteRepository::DeleteConflict(const CaseKey& key) {
  db_->Use(sql::kDeleteConflict).Bind(1, key.row).Run();
}

std::vector<StoredConflict> SqliteRepository::ListConflicts(std::int64_t workspace) {
  std::vector<StoredConflict> conflicts;
  auto q = db_->Use(sql::kSelectConflicts);
  q.Bind(1, workspace);
  while (q.Step())
    conflicts.push_back({q.UuidAt(0), q.UuidAt(1), TimeFromMillis(q.Int(2)), q.Text(3)});
  return conflicts;
}

void SqliteRepository::SetVersion(const CaseKey& key, std::int64_t version, Timestamp updated_at) {
  auto update = db_->Use(sql::kSetCaseVersion);
  ExpectOneRow(update.Bind(1, key.row).Bind(2, key.version).Bind(3, version)
                   .Bind(4, MillisOf(updated_at)).Run(),
               key);
}

// ---- Listing ----

void SqliteRepository::PrepareSearch() {
  // Changes written behind casework's back await indexing: a write
  // transaction indexes them as it commits.
  if (!SearchPending(*db_)) return;
  WriteTransaction sync(*db_);
  sync.Commit();
}

void SqliteRepository::FlushSearchIndex() { IndexPendingCases(*db_); }

ListRows SqliteRepository::List(const listing::ListFilter& filter, std::int64_t workspace) {
  const CompiledList plan = listing::SqliteList(filter);
  ListRows rows;
  {
    auto count = db_->UseDynamic(plan.count.sql);
    BindAll(count, plan.count.params, workspace);
    if (count.Step()) {
      rows.total = count.Int(0);
      if (plan.after_cursor && !plan.cursor_position) rows.not_after_cursor = count.Int(1);
    }
  }
  if (!ListNeedsPage(filter, rows.total)) return rows;
  auto select = db_->UseDynamic(plan.page.sql);
  BindAll(select, plan.page.params, workspace);
  while (select.Step()) rows.cases.push_back({select.Int(0), select.UuidAt(1), KeyAt(select, 2)});
  return rows;
}

// ---- Verify ----

std::vector<StorageProblem> SqliteRepository::CheckStorage() {
  std::vector<StorageProblem> problems;
  {
    auto check = db_->Use(sql::kIntegrityCheck);
    while (check.Step())
      if (std::string line = check.Text(0); line != "ok")
        problems.push_back({"integrity_check", std::move(line), std::nullopt, std::nullopt});
  }
  {
    auto check = db_->Use(sql::kForeignKeyCheck);
    while (check.Step())
      problems.push_back({"foreign_key_check", "row " + check.Text(1) + " of " + check.Text(0) +
                                                   " refers to a missing row of " + check.Text(2),
                          std::nullopt, std::nullopt});
  }
  auto differing = db_->Use(sql::kCountsDiffering);
  while (differing.Step())
    problems.push_back(
        {"case_counts",
         "the count kept for workspace row " + differing.Text(0) + ", status \"" +
             differing.Text(1) + "\" (" + differing.Text(2) +
             (differing.Int(3) != 0 ? "), archived," : "), not archived,") +
             " is not the number of its cases",
         differing.Int(5), differing.Int(4)});
  return problems;
}

}  // namespace storage
}  // namespace casework

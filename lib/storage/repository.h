// The repository: every read and write the engine makes of its database,
// as operations on rows rather than SQL. One implementation a backend:
// SQLite (storage/sqlite_repository.h) and PostgreSQL
// (storage/pg/repository.h). The engine knows only this interface.
//
// Every operation runs inside the caller's Transaction and throws on
// failure: casework::Error (a lost version race is kConflict; busy and
// storage errors as each backend maps them) or the backend's own exception,
// which the engine boundary turns into a Status.
//
// A case is addressed by its workspace and row (CaseKey): the workspace
// leads every key of the PostgreSQL tables, so that a workspace's rows can
// live together on one node.
#ifndef CASEWORK_LIB_STORAGE_REPOSITORY_H_
#define CASEWORK_LIB_STORAGE_REPOSITORY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "casework/case.h"
#include "casework/history.h"
#include "casework/options.h"
#include "casework/workspace.h"
#include "listing.h"
#include "uuid.h"

namespace casework::listing {
struct ListFilter;
}

namespace casework::storage {

// ---- Rows ----

// Where a case is, and the version it had when found.
struct CaseKey {
  std::int64_t workspace = 0;
  std::int64_t row = 0;
  std::int64_t version = 0;
};

struct WorkspaceRow {
  std::int64_t row = 0;
  Workspace workspace;
};

struct StoredUser {
  std::int64_t row = 0;
  Uuid id{};
  std::optional<std::string> given_name, family_name;
};

struct StoredContact {
  std::int64_t row = 0;
  Uuid id{};
  std::optional<std::string> name, given_name, family_name, phone;
};

// A case's link to a contact, under its key, with the contact as stored.
struct ContactLink {
  std::string key;
  std::int64_t contact_row = 0;
  CaseContact contact;
};

// The columns of the cases row that create, replace and patch set.
struct CaseRecord {
  std::string title;
  std::optional<std::string> description, locale, reference;
  WaitingFor waiting_for = WaitingFor::kNone;
  std::optional<Priority> priority;
  std::optional<std::int64_t> owner;  // users row
  std::string metadata;               // JSON object text
  std::string closure_conditions;     // JSON array text
  std::optional<Timestamp> opened_at;
};

// What an imported case keeps from the database it was exported from,
// instead of what a new case gets.
struct Restored {
  Uuid id;
  Timestamp created_at, updated_at;
  std::optional<Timestamp> resolved_at, archived_at;
  std::optional<Uuid> last_transition_id;
  std::int64_t version = 0;  // the exported case's, 0 when not given
};

// The workflow state a case starts in.
struct InitialState {
  std::string status;
  ParentStatus parent_status = ParentStatus::kDraft;
  std::optional<Uuid> template_id;
  std::optional<std::int64_t> template_version;
  const Restored* restored = nullptr;  // set for a case an import restores
};

// The current version of a template; `definition` is its payload as JSON
// text, which the engine parses.
struct StoredTemplate {
  std::int64_t row = 0;
  Uuid id{};
  WorkspaceRef workspace;
  std::string name;
  std::int64_t version = 0;
  Timestamp created_at, updated_at;
  std::string definition;
};

// One event, its changes and details as JSON text. `id` is the event's
// own, kept by every database the event is copied to; `change` is its
// place in this database's change feed, given by the repository.
struct StoredEvent {
  std::int64_t seq = 0;
  Timestamp at;
  std::string actor, kind, changes, details;
  Uuid id{};
  std::int64_t change = 0;
};

// An event of the change feed, with the case it belongs to.
struct FeedEvent {
  StoredEvent event;
  Uuid case_id{};
  std::string workspace;  // slug
};

// How far this database has applied a peer's change feed: up to `change`,
// whose event was `event` (a peer whose event there differs is another
// database with the same id, a file copy: its feed is read again).
struct SyncPeer {
  std::int64_t change = 0;
  std::optional<Uuid> event;
};

// A case whose local changes met a peer's: the peer's side, as JSON text.
struct StoredConflict {
  Uuid case_id{};
  Uuid peer{};
  Timestamp at;
  std::string remote;
};

// The rows of one list page, and the total they are counted from.
struct ListedCase {
  std::int64_t row = 0;
  Uuid id{};
  SqlValue key;  // the sort key, for the next cursor
};
struct ListRows {
  std::int64_t total = 0;
  // After a cursor that does not carry its position: the matching rows
  // not after it.
  std::optional<std::int64_t> not_after_cursor;
  std::vector<ListedCase> cases;  // at most page_size + 1
};

// What verify found wrong below the cases.
struct StorageProblem {
  std::string check;  // "integrity_check", "foreign_key_check", "case_counts"
  std::string message;
  std::optional<std::int64_t> expected, actual;  // case_counts: cases counted, count kept
};

enum class Access { kRead, kWrite };

// Whether a case found for a write is locked against other writers until
// the transaction ends (SQLite's write transaction already excludes them).
enum class Lock { kNone, kForUpdate };

// The child rows of a case that a replace rewrites whole.
enum class Children { kAssignees, kTags, kContacts, kFields, kSteps };

class Repository {
 public:
  // The backend `path` names: a PostgreSQL URI (postgresql://...) or a
  // SQLite file. Opens or creates it and migrates its schema.
  static std::unique_ptr<Repository> Open(const std::string& path, const Options& options);

  virtual ~Repository() = default;

  // ---- Transactions (use Transaction) ----
  // A write transaction excludes lost updates: a case read under
  // Lock::kForUpdate cannot change before it ends. A read transaction sees
  // one snapshot.
  virtual void Begin(Access access) = 0;
  virtual void Commit() = 0;
  virtual void Rollback() noexcept = 0;

  // ---- Workspaces ----
  virtual std::optional<WorkspaceRow> FindWorkspaceBySlug(std::string_view slug) = 0;
  virtual std::optional<WorkspaceRow> FindWorkspaceById(const Uuid& id) = 0;
  virtual void InsertWorkspace(const Uuid& id, std::string_view slug, std::string_view name,
                               Timestamp now) = 0;
  virtual std::vector<Workspace> ListWorkspaces() = 0;  // by slug

  // ---- Users and contacts (emails are normalized by the caller) ----
  virtual std::optional<StoredUser> FindUser(std::int64_t workspace, std::string_view email) = 0;
  // Returns the new row, or nullopt when another writer has just inserted
  // a user with this email (find that one then).
  virtual std::optional<std::int64_t> InsertUser(std::int64_t workspace, const Uuid& id,
                                                 const UserInput& user) = 0;
  virtual void UpdateUserNames(std::int64_t workspace, const StoredUser& user) = 0;

  virtual std::optional<StoredContact> FindContactByEmail(std::int64_t workspace,
                                                          std::string_view email) = 0;
  // The contact without email that the case links under `key`: the case's
  // own, never merged with another's.
  virtual std::optional<StoredContact> FindOwnContact(const CaseKey& key,
                                                      std::string_view contact_key) = 0;
  // As InsertUser: nullopt when another writer has just inserted a contact
  // with this email.
  virtual std::optional<std::int64_t> InsertContact(std::int64_t workspace, const Uuid& id,
                                                    const ContactInput& contact) = 0;
  // Writes the names and phone of `contact`.
  virtual void UpdateContact(std::int64_t workspace, const StoredContact& contact) = 0;

  // ---- Cases ----
  virtual std::optional<CaseKey> FindCase(std::int64_t workspace, const Uuid& id, Lock lock) = 0;
  // Ids are unique in a database, across workspaces.
  virtual std::optional<CaseKey> FindCaseInAnyWorkspace(const Uuid& id) = 0;
  virtual Case LoadCase(const CaseKey& key) = 0;
  virtual std::int64_t CountCases(std::int64_t workspace) = 0;
  // Every case of `workspace` in creation order, or of every workspace.
  virtual void ForEachCase(std::optional<std::int64_t> workspace,
                           const std::function<void(const CaseKey&, const Uuid&)>& visit) = 0;

  // Inserts the cases row at version 1 (a new case's times are `now`).
  virtual CaseKey InsertCase(std::int64_t workspace, const Uuid& id, const CaseRecord& record,
                             const InitialState& state, Timestamp now) = 0;
  // Each of these bumps the version; `key.version` must still be current
  // (kConflict otherwise).
  virtual void UpdateCaseRecord(const CaseKey& key, const CaseRecord& record, Timestamp now) = 0;
  // Version and updated_at only: the change is in child rows.
  virtual void TouchCase(const CaseKey& key, Timestamp now) = 0;
  virtual void SetArchivedAt(const CaseKey& key, std::optional<Timestamp> at, Timestamp now) = 0;
  // The status columns move together.
  virtual void SetStatus(const CaseKey& key, std::string_view status, ParentStatus parent_status,
                         std::optional<Timestamp> resolved_at, const Uuid& transition_id,
                         Timestamp now) = 0;

  // Child rows, in the order given. Insert* add to a case that has none.
  virtual void InsertAssignees(const CaseKey& key, const std::vector<std::int64_t>& users) = 0;
  virtual void InsertTags(const CaseKey& key, const std::vector<std::string>& tags) = 0;
  virtual void InsertContactLinks(const CaseKey& key, const std::vector<ContactLink>& links) = 0;
  virtual void InsertFields(const CaseKey& key, const std::vector<Field>& fields) = 0;
  virtual void InsertSteps(const CaseKey& key, const std::vector<Step>& steps) = 0;
  virtual void DeleteChildren(const CaseKey& key, Children children) = 0;
  // The values of `fields` (each one of the case's, by key), at once: a
  // bulk update_data is one statement on a server.
  virtual void UpdateFieldValues(const CaseKey& key, std::span<const Field* const> fields) = 0;
  virtual void UpdateStep(const CaseKey& key, const Step& step) = 0;
  // Adds or removes the link in both directions.
  virtual void SetLinked(const CaseKey& a, const CaseKey& b, bool linked) = 0;

  // ---- Templates ----
  virtual std::optional<StoredTemplate> FindTemplate(std::int64_t workspace, const Uuid& id) = 0;
  virtual std::vector<StoredTemplate> ListTemplates(std::int64_t workspace) = 0;  // by name
  // Inserts the template at version 1 with its definition.
  virtual void InsertTemplate(std::int64_t workspace, const Uuid& id, std::string_view name,
                              std::string_view definition, Timestamp now) = 0;
  // Writes version `current.version + 1`; kConflict when `current` is no
  // longer current.
  virtual void UpdateTemplate(std::int64_t workspace, const StoredTemplate& current,
                              std::string_view name, std::string_view definition,
                              Timestamp now) = 0;
  // The definition of the template version the case was created from;
  // nullopt for a case without template.
  virtual std::optional<std::string> CaseTemplateDefinition(const CaseKey& key) = 0;

  // ---- History ----
  // Inserts `event` under its own seq: the first event (1) of a case just
  // inserted, which needs no look at the others.
  virtual void InsertEvent(const CaseKey& key, const StoredEvent& event) = 0;
  // Appends `event` as the case's next: its seq is ignored, the number one
  // past the case's last is given in the same statement.
  virtual void AppendEvent(const CaseKey& key, const StoredEvent& event) = 0;
  virtual std::vector<StoredEvent> LoadEvents(const CaseKey& key) = 0;  // oldest first

  // ---- Change feed and sync ----
  // The events whose change number is above `after`, at most `limit`, in
  // change order.
  virtual std::vector<FeedEvent> LoadChanges(std::int64_t after, std::int64_t limit) = 0;
  virtual std::optional<Uuid> EventIdAtChange(std::int64_t change) = 0;
  // Made with the database; a file copy shares it.
  virtual Uuid DatabaseId() = 0;
  virtual std::optional<SyncPeer> FindSyncPeer(const Uuid& peer) = 0;
  virtual void SaveSyncPeer(const Uuid& peer, const SyncPeer& progress) = 0;
  virtual std::optional<StoredConflict> FindConflict(const CaseKey& key) = 0;
  virtual void SaveConflict(const CaseKey& key, const StoredConflict& conflict) = 0;
  virtual void DeleteConflict(const CaseKey& key) = 0;
  virtual std::vector<StoredConflict> ListConflicts(std::int64_t workspace) = 0;
  // Sets the version (a synced case's is its number of events) and
  // updated_at; `key.version` must still be current.
  virtual void SetVersion(const CaseKey& key, std::int64_t version, Timestamp updated_at) = 0;

  // ---- Listing ----
  // Brings the full-text index up to date before a search, outside any
  // transaction (SQLite indexes changes made behind the engine's back).
  virtual void PrepareSearch() {}
  // Within a long write (an import): index what the transaction has
  // written so far, so that memory does not grow with it.
  virtual void FlushSearchIndex() {}
  // The total and the rows of the page `filter` asks for, in `workspace`.
  virtual ListRows List(const listing::ListFilter& filter, std::int64_t workspace) = 0;

  // ---- Verify ----
  // The backend's own checks of its files and tables, and the kept counts
  // against the cases.
  virtual std::vector<StorageProblem> CheckStorage() = 0;

 protected:
  // For an update guarded by the version: refuses any count but one.
  static void ExpectOneRow(std::int64_t changed, const CaseKey& key);
};

// A transaction of the repository: rolls back unless committed, including
// when Commit itself failed. A read transaction needs no commit.
class Transaction {
 public:
  Transaction(Repository& repository, Access access);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Repository& repository_;
  bool open_ = true;
};

// Whether a list must read its page: after a cursor always, else only
// when the offset is before the end.
bool ListNeedsPage(const listing::ListFilter& filter, std::int64_t total);

}  // namespace casework::storage

#endif  // CASEWORK_LIB_STORAGE_REPOSITORY_H_

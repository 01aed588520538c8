// The PostgreSQL repository: storage::Repository over one pg::Connection,
// for the schema of pg/schema.h, with every statement in pg/sql.h.
//
// Concurrency. A write transaction is READ COMMITTED: the engine finds the
// case it changes with Lock::kForUpdate, which locks its row until the
// transaction ends, so writers of one case (in any process) take turns and
// each reads the version the one before wrote; every update of a case is
// also guarded by that version. A user or contact inserted with an email
// another writer has just taken becomes that one's row. A read
// transaction is REPEATABLE READ READ ONLY: one snapshot.
//
// Search. cases.search (a tsvector, pg/schema.h's casework_case_search) is
// rewritten just before COMMIT for every case whose title, description,
// reference or contacts the transaction changed, and for the cases linking
// a contact it renamed: the index changes with the rows it mirrors.
#ifndef CASEWORK_LIB_STORAGE_PG_REPOSITORY_H_
#define CASEWORK_LIB_STORAGE_PG_REPOSITORY_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "casework/options.h"
#include "storage/pg/connection.h"
#include "storage/repository.h"

namespace casework::storage::pg {

// Connects to `uri` (postgresql://...), migrates its schema and returns
// the repository. Throws Error: kStorageError when the server cannot be
// reached or the database is of a newer casework, kBusy when a lock
// waited for passes options.busy_timeout.
std::unique_ptr<Repository> OpenRepository(const std::string& uri, const Options& options);

class PostgresRepository final : public Repository {
 public:
  // Takes a connection to a migrated database.
  explicit PostgresRepository(std::unique_ptr<Connection> db);

  void Begin(Access access) override;
  void Commit() override;
  void Rollback() noexcept override;

  std::optional<WorkspaceRow> FindWorkspaceBySlug(std::string_view slug) override;
  std::optional<WorkspaceRow> FindWorkspaceById(const Uuid& id) override;
  void InsertWorkspace(const Uuid& id, std::string_view slug, std::string_view name,
                       Timestamp now) override;
  std::vector<Workspace> ListWorkspaces() override;

  std::optional<StoredUser> FindUser(std::int64_t workspace, std::string_view email) override;
  std::optional<std::int64_t> InsertUser(std::int64_t workspace, const Uuid& id,
                                         const UserInput& user) override;
  void UpdateUserNames(std::int64_t workspace, const StoredUser& user) override;
  std::optional<StoredContact> FindContactByEmail(std::int64_t workspace,
                                                  std::string_view email) override;
  std::optional<StoredContact> FindOwnContact(const CaseKey& key,
                                              std::string_view contact_key) override;
  std::optional<std::int64_t> InsertContact(std::int64_t workspace, const Uuid& id,
                                            const ContactInput& contact) override;
  void UpdateContact(std::int64_t workspace, const StoredContact& contact) override;

  std::optional<CaseKey> FindCase(std::int64_t workspace, const Uuid& id, Lock lock) override;
  std::optional<CaseKey> FindCaseInAnyWorkspace(const Uuid& id) override;
  Case LoadCase(const CaseKey& key) override;
  std::int64_t CountCases(std::int64_t workspace) override;
  void ForEachCase(std::optional<std::int64_t> workspace,
                   const std::function<void(const CaseKey&, const Uuid&)>& visit) override;

  CaseKey InsertCase(std::int64_t workspace, const Uuid& id, const CaseRecord& record,
                     const InitialState& state, Timestamp now) override;
  void UpdateCaseRecord(const CaseKey& key, const CaseRecord& record, Timestamp now) override;
  void TouchCase(const CaseKey& key, Timestamp now) override;
  void SetArchivedAt(const CaseKey& key, std::optional<Timestamp> at, Timestamp now) override;
  void SetStatus(const CaseKey& key, std::string_view status, ParentStatus parent_status,
                 std::optional<Timestamp> resolved_at, const Uuid& transition_id,
                 Timestamp now) override;

  void InsertAssignees(const CaseKey& key, const std::vector<std::int64_t>& users) override;
  void InsertTags(const CaseKey& key, const std::vector<std::string>& tags) override;
  void InsertContactLinks(const CaseKey& key, const std::vector<ContactLink>& links) override;
  void InsertFields(const CaseKey& key, const std::vector<Field>& fields) override;
  void InsertSteps(const CaseKey& key, const std::vector<Step>& steps) override;
  void DeleteChildren(const CaseKey& key, Children children) override;
  void UpdateFieldValues(const CaseKey& key, std::span<const Field* const> fields) override;
  void UpdateStep(const CaseKey& key, const Step& step) override;
  void SetLinked(const CaseKey& a, const CaseKey& b, bool linked) override;

  std::optional<StoredTemplate> FindTemplate(std::int64_t workspace, const Uuid& id) override;
  std::vector<StoredTemplate> ListTemplates(std::int64_t workspace) override;
  void InsertTemplate(std::int64_t workspace, const Uuid& id, std::string_view name,
                      std::string_view definition, Timestamp now) override;
  void UpdateTemplate(std::int64_t workspace, const StoredTemplate& current, std::string_view name,
                      std::string_view definition, Timestamp now) override;
  std::optional<std::string> CaseTemplateDefinition(const CaseKey& key) override;

  void InsertEvent(const CaseKey& key, const StoredEvent& event) override;
  void AppendEvent(const CaseKey& key, const StoredEvent& event) override;
  std::vector<StoredEvent> LoadEvents(const CaseKey& key) override;

  std::vector<FeedEvent> LoadChanges(std::int64_t after, std::int64_t limit) override;
  std::optional<Uuid> EventIdAtChange(std::int64_t change) override;
  Uuid DatabaseId() override;
  std::optional<SyncPeer> FindSyncPeer(const Uuid& peer) override;
  void SaveSyncPeer(const Uuid& peer, const SyncPeer& progress) override;
  std::optional<StoredConflict> FindConflict(const CaseKey& key) override;
  void SaveConflict(const CaseKey& key, const StoredConflict& conflict) override;
  void DeleteConflict(const CaseKey& key) override;
  std::vector<StoredConflict> ListConflicts(std::int64_t workspace) override;
  void SetVersion(const CaseKey& key, std::int64_t version, Timestamp updated_at) override;

  void FlushSearchIndex() override;
  ListRows List(const listing::ListFilter& filter, std::int64_t workspace) override;

  std::vector<StorageProblem> CheckStorage() override;

  // The connection, for tests that look at the rows themselves.
  Connection& connection() { return *db_; }

 private:
  // (workspace, row) of a case or a contact.
  using RowKey = std::pair<std::int64_t, std::int64_t>;

  // Notes that the search document of the case changed.
  void MarkSearch(const CaseKey& key) { search_cases_.insert({key.workspace, key.row}); }
  // Counts a case this transaction inserted, and brings the planner's
  // statistics up to date when they describe fewer cases than it has
  // inserted (repository.cc).
  void NoteInsertedCase();
  // Runs an event INSERT, taking the change lock first when this
  // transaction does not hold it yet.
  void WriteEvent(const char* statement, const Params& params);

  std::unique_ptr<Connection> db_;
  bool in_transaction_ = false;  // from Begin until Commit or Rollback
  // What this transaction changed of the search documents, until COMMIT.
  std::set<RowKey> search_cases_;
  std::set<RowKey> renamed_contacts_;
  // Cases this transaction inserted, and the count at which it next looks
  // at the statistics.
  std::int64_t inserted_cases_ = 0;
  std::int64_t next_statistics_check_ = 0;
  // Whether this transaction holds the lock under which events take their
  // change numbers (sql::kLockChanges).
  bool holds_change_lock_ = false;
};

}  // namespace casework::storage::pg

#endif  // CASEWORK_LIB_STORAGE_PG_REPOSITORY_H_

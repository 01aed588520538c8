// The repository on one SQLite file: the statements of storage/sql.h
// behind the interface of storage/repository.h.
#ifndef CASEWORK_LIB_STORAGE_SQLITE_REPOSITORY_H_
#define CASEWORK_LIB_STORAGE_SQLITE_REPOSITORY_H_

#include <memory>
#include <optional>
#include <string>

#include "storage/connection.h"
#include "storage/repository.h"

namespace casework::storage {

class SqliteRepository final : public Repository {
 public:
  explicit SqliteRepository(std::unique_ptr<Connection> db) : db_(std::move(db)) {}

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
  void UpdateTemplate(std::int64_t workspace, const StoredTemplate& current,
                      std::string_view name, std::string_view definition,
                      Timestamp now) override;
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

  void PrepareSearch() override;
  void FlushSearchIndex() override;
  ListRows List(const listing::ListFilter& filter, std::int64_t workspace) override;

  std::vector<StorageProblem> CheckStorage() override;

  Connection& connection() { return *db_; }

 private:
  std::unique_ptr<Connection> db_;
  // The open transaction, if any: one of the two.
  std::optional<WriteTransaction> write_;
  std::optional<ReadTransaction> read_;
};

std::unique_ptr<Repository> OpenSqliteRepository(const std::string& path, const Options& options);

}  // namespace casework::storage

#endif  // CASEWORK_LIB_STORAGE_SQLITE_REPOSITORY_H_

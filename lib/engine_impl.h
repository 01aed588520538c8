// The engine's implementation, shared by the files that define its
// operations: cases.cc (cases and workspaces), templates.cc (templates) and
// transitions.cc (transitions, condition checks, formula evaluation).
//
// Every operation runs on the calling thread under Impl's mutex (Run), in
// one transaction, and reports failure by throwing Error or SQLite
// exceptions, which Run turns into a Status.
#ifndef CASEWORK_LIB_ENGINE_IMPL_H_
#define CASEWORK_LIB_ENGINE_IMPL_H_

#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "casework/engine.h"
#include "contacts.h"
#include "formula/cache.h"
#include "storage/repository.h"
#include "uuid.h"
#include "workflow.h"
#include "workspaces.h"
#include "write_context.h"

namespace casework {

// Runs `work`, turning every exception into the Status it stands for. This
// is the only place library exceptions are caught.
template <typename F>
auto Guarded(F&& work) -> Result<std::invoke_result_t<F>>;

class Engine::Impl {
 public:
  Impl(std::unique_ptr<storage::Repository> repo, Clock clock);

  template <typename F>
  auto Run(F&& work) {
    std::lock_guard lock(mu_);
    return Guarded(std::forward<F>(work));
  }

  // cases.cc
  Case Create(const CaseDraft& input, const WriteOptions& options);
  std::vector<std::string> CreateMany(std::span<const CaseDraft> drafts,
                                      const WriteOptions& options);
  Case Get(std::string_view id, const ReadOptions& options);
  Case Replace(std::string_view id, const CaseDraft& input, const WriteOptions& options);
  Case Patch(std::string_view id, const boost::json::object& patch, const WriteOptions& options);
  Case UpdateData(std::string_view id, const boost::json::object& data, const WriteOptions& options);
  Case SetArchived(std::string_view id, bool archived, const WriteOptions& options);
  Case SetLinked(std::string_view id, std::string_view other_id, bool linked,
                 const WriteOptions& options);
  Case UpdateStep(std::string_view id, std::string_view step_id, const StepChange& change,
                  const WriteOptions& options);
  std::vector<Event> History(std::string_view id, const ReadOptions& options);
  Workspace CreateWorkspace(std::string_view slug, std::string_view name);
  std::vector<Workspace> Workspaces();

  // templates.cc
  Template CreateTemplate(const TemplateDraft& input, const WriteOptions& options);
  Template GetTemplate(std::string_view id, const ReadOptions& options);
  std::vector<Template> ListTemplates(const ReadOptions& options);
  Template UpdateTemplate(std::string_view id, const TemplateDraft& input,
                          const WriteOptions& options);

  // transitions.cc
  TransitionOutcome Transition(std::string_view id, const TransitionRequest& request,
                               const WriteOptions& options);
  std::vector<ConditionResult> Check(std::string_view id, const ReadOptions& options);
  boost::json::value Evaluate(std::string_view formula, std::optional<std::string_view> case_id,
                              const ReadOptions& options);

  // transfer.cc
  ImportSummary Import(std::istream& ndjson, const ImportOptions& options);
  std::int64_t Export(std::ostream& ndjson, const ExportOptions& options);

  // listing.cc
  CasePage List(const ListQuery& query, const ReadOptions& options);

  // verify.cc
  VerifyReport Verify(const ReadOptions& options);

  // changes.cc
  std::vector<ChangeEntry> Changes(std::int64_t since, std::int64_t limit);
  Uuid OwnId();
  storage::SyncPeer SyncProgress(const Uuid& source);  // {0} before the first pull
  std::optional<Uuid> EventIdAtChange(std::int64_t change);

  // sync.cc
  std::int64_t WriteChanges(std::ostream& out, std::int64_t since, std::int64_t limit);
  SyncSummary ApplyChanges(std::istream& in, const SyncOptions& options);
  std::vector<Conflict> Conflicts(const ReadOptions& options);
  Case Resolve(std::string_view id, const Resolution& resolution, const WriteOptions& options);

 private:
  // The case a write operation works on, as it was before.
  struct Target {
    WriteContext ctx;
    storage::CaseKey key;
    Case before;
  };

  WriteContext Context(std::int64_t workspace) { return {*repo_, ids_, clock_(), workspace}; }
  // ResolveWorkspace, remembering slugs found: workspaces are never renamed
  // or deleted, and nearly every call names one.
  WorkspaceRow Scope(const std::optional<std::string>& scope,
                     const std::optional<WorkspaceSelector>& selector = std::nullopt);
  // Create inside the caller's transaction; with `restored`, the case an
  // import restores (its id, times and links kept, no template applied).
  // Takes the draft by value: an import hands over the one it decoded.
  // Without `created_event`, the case gets no event (sync copies the
  // source's).
  Case Insert(CaseDraft input, const WriteOptions& options,
              const storage::Restored* restored = nullptr, bool created_event = true);
  // The case rebuilt from its history as options.as_of or .version name.
  Case CaseAsOf(const storage::CaseKey& key, const ReadOptions& options);
  Target Open(std::string_view id, const WriteOptions& options,
              const std::optional<WorkspaceSelector>& selector = std::nullopt);
  Case Finish(storage::Transaction& tx, Target& target, std::string_view kind,
              const std::vector<Change>& changes, const WriteOptions& options, Case after);
  Case ApplyDraft(storage::Transaction& tx, Target& target, const CaseDraft& draft,
                  std::string_view kind, const WriteOptions& options);
  // Writes the record and child rows of `draft` over the case's (the
  // version moves by one); returns what was offered and not taken.
  IgnoredValues WriteDraft(WriteContext& ctx, const storage::CaseKey& key,
                           const CaseDraft& draft);

  // sync.cc: the case at `key` (as `before`) takes the state `target` (the
  // case shape), its history gains `events`, and its version becomes its
  // number of events.
  // `events_before` is the number of events the case has.
  void Overwrite(WriteContext& ctx, storage::CaseKey key, const Case& before,
                 const boost::json::object& target, const std::vector<Event>& events,
                 std::int64_t events_before, Timestamp updated_at);
  struct SyncBatch;
  void ApplyRemoteCase(WriteContext& ctx, SyncBatch& batch, const boost::json::object& remote,
                       std::vector<Event> remote_events);
  void CreateFromRemote(WriteContext& ctx, const boost::json::object& remote,
                        const std::vector<Event>& events);
  void CopyTemplate(WriteContext& ctx, const Template& t);
  WorkspaceRow EnsureWorkspace(WriteContext& ctx, const WorkspaceRef& ref);
  void SyncLinks(const storage::CaseKey& key, const std::vector<std::string>& had,
                 const std::vector<std::string>& wanted);
  void SettleConflict(const storage::CaseKey& key, const storage::StoredConflict& conflict);
  static storage::CaseRecord MakeRecord(const CaseDraft& draft, const std::optional<ResolvedUser>& owner,
                               std::optional<Timestamp> default_opened_at);
  std::optional<ResolvedUser> ResolveOwner(WriteContext& ctx, const CaseDraft& draft,
                                           IgnoredValues& ignored);
  std::vector<ResolvedUser> ResolveAssignees(WriteContext& ctx, const CaseDraft& draft,
                                             IgnoredValues& ignored);
  void RecordLinks(WriteContext& ctx, const storage::CaseKey& key, const Case& before,
                   const char* kind,
                   const std::string& other_id, const WriteOptions& options);

  // The workflow of the case `c` at `key`: its template version's, or the
  // built-in one.
  Workflow CaseWorkflowAt(const storage::CaseKey& key, const Case& c);
  // Every closure condition of `c` and its required fields, evaluated now.
  std::vector<ConditionResult> EvaluateConditions(const Case& c, Timestamp now);
  // Refuses (closure_conditions_unmet) when a result failed.
  static void RequireConditions(const std::vector<ConditionResult>& results);

  std::mutex mu_;
  std::unique_ptr<storage::Repository> repo_;
  UuidGenerator ids_;
  Clock clock_;
  FormulaCache formulas_;
  std::unordered_map<std::string, WorkspaceRow> workspaces_;
};

// ---- Guarded ----

Status StatusFromException();  // for use inside a catch (...) block only

template <typename F>
auto Guarded(F&& work) -> Result<std::invoke_result_t<F>> {
  try {
    return work();
  } catch (...) {
    return StatusFromException();
  }
}

}  // namespace casework

#endif  // CASEWORK_LIB_ENGINE_IMPL_H_

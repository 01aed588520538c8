// The engine's public face: each call locks the engine, runs one operation
// of Impl (cases.cc, templates.cc, transitions.cc) and turns whatever it
// throws into a Status.
#include "casework/engine.h"

#include <new>
#include <sstream>

#include <SQLiteCpp/Exception.h>

#include "engine_impl.h"

namespace casework {

Status StatusFromException() {
  try {
    throw;
  } catch (const Error& e) {
    return e.status();
  } catch (const SQLite::Exception& e) {
    int primary = e.getErrorCode() & 0xff;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
      return Status::Busy(std::string("the database is locked by another connection: ") +
                          e.what());
    return Status::StorageError(std::string("SQLite: ") + e.what());
  } catch (const std::bad_alloc&) {
    return Status::StorageError("out of memory");
  } catch (const std::exception& e) {
    return Status::StorageError(std::string("internal error: ") + e.what());
  } catch (...) {
    return Status::StorageError("internal error");
  }
}

Engine::Impl::Impl(std::unique_ptr<storage::Repository> repo, Clock clock)
    : repo_(std::move(repo)), clock_(clock ? std::move(clock) : Clock(SystemNow)) {}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Open(const Options& options, const std::string& path) {
  return Guarded([&] {
    return std::unique_ptr<Engine>(
        new Engine(std::make_unique<Impl>(storage::Repository::Open(path, options), options.clock)));
  });
}

Result<Case> Engine::Create(const CaseDraft& draft, const WriteOptions& options) {
  return impl_->Run([&] { return impl_->Create(draft, options); });
}

Result<std::vector<std::string>> Engine::CreateMany(std::span<const CaseDraft> drafts,
                                                    const WriteOptions& options) {
  return impl_->Run([&] { return impl_->CreateMany(drafts, options); });
}

Result<ImportSummary> Engine::Import(std::istream& ndjson, const ImportOptions& options) {
  return impl_->Run([&] { return impl_->Import(ndjson, options); });
}

Result<std::int64_t> Engine::Export(std::ostream& ndjson, const ExportOptions& options) const {
  return impl_->Run([&] { return impl_->Export(ndjson, options); });
}

Result<Case> Engine::Get(std::string_view id, const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->Get(id, options); });
}

Result<Case> Engine::Replace(std::string_view id, const CaseDraft& draft,
                             const WriteOptions& options) {
  return impl_->Run([&] { return impl_->Replace(id, draft, options); });
}

Result<Case> Engine::Patch(std::string_view id, const boost::json::object& patch,
                           const WriteOptions& options) {
  return impl_->Run([&] { return impl_->Patch(id, patch, options); });
}

Result<Case> Engine::UpdateData(std::string_view id, const boost::json::object& data,
                                const WriteOptions& options) {
  return impl_->Run([&] { return impl_->UpdateData(id, data, options); });
}

Result<Case> Engine::Archive(std::string_view id, const WriteOptions& options) {
  return impl_->Run([&] { return impl_->SetArchived(id, true, options); });
}

Result<Case> Engine::Unarchive(std::string_view id, const WriteOptions& options) {
  return impl_->Run([&] { return impl_->SetArchived(id, false, options); });
}

Result<Case> Engine::Link(std::string_view id, std::string_view other, const WriteOptions& options) {
  return impl_->Run([&] { return impl_->SetLinked(id, other, true, options); });
}

Result<Case> Engine::Unlink(std::string_view id, std::string_view other,
                            const WriteOptions& options) {
  return impl_->Run([&] { return impl_->SetLinked(id, other, false, options); });
}

Result<Case> Engine::UpdateStep(std::string_view id, std::string_view step_id,
                                const StepChange& change, const WriteOptions& options) {
  return impl_->Run([&] { return impl_->UpdateStep(id, step_id, change, options); });
}

Result<std::vector<Event>> Engine::History(std::string_view id, const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->History(id, options); });
}

Result<Workspace> Engine::CreateWorkspace(std::string_view slug, std::string_view name) {
  return impl_->Run([&] { return impl_->CreateWorkspace(slug, name); });
}

Result<std::vector<Workspace>> Engine::ListWorkspaces() const {
  return impl_->Run([&] { return impl_->Workspaces(); });
}

Result<Template> Engine::CreateTemplate(const TemplateDraft& draft, const WriteOptions& options) {
  return impl_->Run([&] { return impl_->CreateTemplate(draft, options); });
}

Result<Template> Engine::GetTemplate(std::string_view id, const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->GetTemplate(id, options); });
}

Result<std::vector<Template>> Engine::ListTemplates(const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->ListTemplates(options); });
}

Result<Template> Engine::UpdateTemplate(std::string_view id, const TemplateDraft& draft,
                                        const WriteOptions& options) {
  return impl_->Run([&] { return impl_->UpdateTemplate(id, draft, options); });
}

Result<TransitionOutcome> Engine::Transition(std::string_view id, const TransitionRequest& request,
                                             const WriteOptions& options) {
  return impl_->Run([&] { return impl_->Transition(id, request, options); });
}

Result<std::vector<ConditionResult>> Engine::Check(std::string_view id,
                                                   const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->Check(id, options); });
}

Result<boost::json::value> Engine::Evaluate(std::string_view formula,
                                            std::optional<std::string_view> case_id,
                                            const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->Evaluate(formula, case_id, options); });
}

Result<VerifyReport> Engine::Verify(const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->Verify(options); });
}

Result<CasePage> Engine::List(const ListQuery& query, const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->List(query, options); });
}

Result<std::vector<ChangeEntry>> Engine::Changes(std::int64_t since, std::int64_t limit) const {
  return impl_->Run([&] { return impl_->Changes(since, limit); });
}

Result<std::string> Engine::DatabaseId() const {
  return impl_->Run([&] { return UuidToString(impl_->OwnId()); });
}

namespace {

void Accumulate(SyncSummary& total, const SyncSummary& batch) {
  total.changes += batch.changes;
  total.created += batch.created;
  total.updated += batch.updated;
  total.merged += batch.merged;
  total.conflicts += batch.conflicts;
  total.unchanged += batch.unchanged;
  total.last_change = batch.last_change;
}

}  // namespace

// Batch by batch: the source writes the change set after where this
// database got, and this database applies it in one transaction with its
// new progress. Each engine is locked in turn, never both at once.
Result<SyncSummary> Engine::Pull(Engine& source, const SyncOptions& options) {
  if (&source == this)
    return Status::ValidationFailed("source", "a database cannot pull from itself");
  if (options.batch < 1 || options.batch > 10000)
    return Status::ValidationFailed("batch", "must be from 1 to 10000");
  auto source_id = source.impl_->Run([&] { return source.impl_->OwnId(); });
  if (!source_id.ok()) return source_id.status();
  SyncSummary total;
  for (;;) {
    auto progress = impl_->Run([&] { return impl_->SyncProgress(*source_id); });
    if (!progress.ok()) return progress.status();
    std::int64_t since = progress->change;
    // A source whose event there is not the one recorded is another
    // database with the same id (a file copy): its feed is read again.
    if (since > 0) {
      auto event = source.impl_->Run([&] { return source.impl_->EventIdAtChange(since); });
      if (!event.ok()) return event.status();
      if (*event != progress->event) since = 0;
    }
    std::stringstream set;
    auto written = source.impl_->Run([&] { return source.impl_->WriteChanges(set, since, options.batch); });
    if (!written.ok()) return written.status();
    if (*written == 0) break;
    auto applied = impl_->Run([&] { return impl_->ApplyChanges(set, options); });
    if (!applied.ok()) return applied.status();
    Accumulate(total, *applied);
  }
  return total;
}

Result<SyncSummary> Engine::Push(Engine& target, const SyncOptions& options) {
  return target.Pull(*this, options);
}

Result<std::int64_t> Engine::WriteChanges(std::ostream& out, std::int64_t since,
                                          std::int64_t limit) const {
  return impl_->Run([&] { return impl_->WriteChanges(out, since, limit); });
}

Result<SyncSummary> Engine::ApplyChanges(std::istream& in, const SyncOptions& options) {
  return impl_->Run([&] { return impl_->ApplyChanges(in, options); });
}

Result<std::vector<Conflict>> Engine::Conflicts(const ReadOptions& options) const {
  return impl_->Run([&] { return impl_->Conflicts(options); });
}

Result<Case> Engine::Resolve(std::string_view id, const Resolution& resolution,
                             const WriteOptions& options) {
  return impl_->Run([&] { return impl_->Resolve(id, resolution, options); });
}

}  // namespace casework

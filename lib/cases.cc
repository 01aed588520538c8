// Case operations of the engine: create, read, change, link, history; and
// workspaces.
#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "casework/json.h"
#include "draft_validation.h"
#include "engine_impl.h"
#include "fields.h"
#include "history.h"
#include "templates.h"
#include "workspaces.h"

namespace casework {
namespace {

namespace json = boost::json;
using storage::CaseKey;
using storage::CaseRecord;
using storage::Children;
using storage::InitialState;
using storage::Restored;

Uuid ParseCaseId(std::string_view id) {
  auto uuid = UuidFromString(id);
  if (!uuid) throw Error(Status::NotFound("no case with id \"" + std::string(id) + "\""));
  return *uuid;
}

std::vector<std::int64_t> Rows(const std::vector<ResolvedUser>& users) {
  std::vector<std::int64_t> rows;
  rows.reserve(users.size());
  for (const auto& u : users) rows.push_back(u.row);
  return rows;
}

json::object DetailsWithIgnored(const IgnoredValues& ignored) {
  json::object details;
  if (!ignored.empty()) details["ignored"] = ignored;
  return details;
}

CaseKey MustFindCase(storage::Repository& repo, std::int64_t workspace, std::string_view id,
                     storage::Lock lock) {
  auto key = repo.FindCase(workspace, ParseCaseId(id), lock);
  if (!key) throw Error(Status::NotFound("no case with id \"" + std::string(id) + "\""));
  return *key;
}

void CheckExpectedVersion(const CaseKey& key, const WriteOptions& options) {
  if (options.expected_version && *options.expected_version != key.version)
    throw Error(Status::Conflict(key.version, "the case is at version " +
                                                  std::to_string(key.version) + ", not " +
                                                  std::to_string(*options.expected_version)));
}

std::string ConditionsText(const std::vector<ClosureCondition>& conditions) {
  return ToJsonText(json::value_from(conditions));
}

// Members a replace may carry only unchanged: they move by other means.
void CheckFixedMembers(const Case& before, const CaseDraft& draft) {
  if (draft.status && *draft.status != before.status)
    throw Error(Status::ValidationFailed("status", "the status changes only by a transition"));
  if (draft.template_id && draft.template_id != before.template_id)
    throw Error(Status::ValidationFailed("template", "the template is fixed at creation"));
  if (draft.linked_cases) {
    std::vector<std::string> given = *draft.linked_cases;
    for (auto& id : given)
      for (auto& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::sort(given.begin(), given.end());
    given.erase(std::unique(given.begin(), given.end()), given.end());
    if (given != before.linked_cases)
      throw Error(Status::ValidationFailed("linked_cases", "links change only by link and unlink"));
  }
}

// A closed case has a resolved_at and an open one none, as transitions keep
// them.
void CheckRestoredTimes(const Restored& restored, ParentStatus parent) {
  const bool closed = parent == ParentStatus::kClosed;
  if (closed && !restored.resolved_at)
    throw Error(Status::ValidationFailed("resolved_at", "a case in a closed status has a resolved_at"));
  if (!closed && restored.resolved_at)
    throw Error(Status::ValidationFailed("resolved_at", "only a case in a closed status has a resolved_at"));
}

// The members a restored case keeps, over those a new one would get. Its
// links are written once every case of the import is in (transfer.cc).
void RestoreInto(Case& c, const Restored& restored,
                 const std::optional<std::vector<std::string>>& links) {
  c.created_at = restored.created_at;
  c.updated_at = restored.updated_at;
  c.resolved_at = restored.resolved_at;
  c.archived_at = restored.archived_at;
  if (restored.last_transition_id) c.last_transition_id = UuidToString(*restored.last_transition_id);
  if (links) c.linked_cases = *links;
}

}  // namespace

Case Engine::Impl::Create(const CaseDraft& input, const WriteOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Case created = Insert(input, options);
  tx.Commit();
  return created;
}

std::vector<std::string> Engine::Impl::CreateMany(std::span<const CaseDraft> drafts,
                                                  const WriteOptions& options) {
  std::vector<std::string> ids;
  ids.reserve(drafts.size());
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  for (std::size_t i = 0; i < drafts.size(); ++i) {
    try {
      ids.push_back(Insert(drafts[i], options).id);
    } catch (const Error& e) {
      // Name the draft that failed: "[3].contacts[0].email".
      throw Error(e.status().WithFieldPrefix("[" + std::to_string(i) + "]"));
    }
  }
  tx.Commit();
  return ids;
}

Case Engine::Impl::Insert(CaseDraft input, const WriteOptions& options,
                          const Restored* restored, bool created_event) {
  CaseDraft draft = ValidateDraft(std::move(input), formulas_);
  if (draft.linked_cases && restored == nullptr)
    throw Error(Status::ValidationFailed("linked_cases", "cases are linked after creation"));
  if (restored != nullptr && repo_->FindCaseInAnyWorkspace(restored->id))
    throw Error(Status::ValidationFailed("id", "a case with this id already exists"));
  WorkspaceRow workspace = Scope(options.workspace, draft.workspace);
  WriteContext ctx = Context(workspace.row);
  InitialState state;
  const Workflow* workflow = &BuiltinWorkflow();
  std::optional<Workflow> from_template;
  if (draft.template_id) {
    TemplateRecord t = MustFindTemplate(*repo_, ctx.workspace, *draft.template_id);
    // A restored case already holds what its template gave it.
    if (restored == nullptr) draft = ValidateDraft(ApplyTemplate(std::move(draft), t.tmpl), formulas_);
    from_template = WorkflowOf(t.tmpl);
    workflow = &*from_template;
    state.template_id = UuidFromString(t.tmpl.id);
    state.template_version = t.tmpl.version;
  }
  state.status = draft.status.value_or(workflow->initial_status);
  auto parent = workflow->ParentOf(state.status);
  if (!parent)
    throw Error(Status::ValidationFailed(
        "status", "\"" + state.status + "\" is not a status of the case's workflow"));
  state.parent_status = *parent;
  state.restored = restored;
  if (restored != nullptr) CheckRestoredTimes(*restored, state.parent_status);
  IgnoredValues ignored;
  std::optional<ResolvedUser> owner = ResolveOwner(ctx, draft, ignored);
  std::vector<ResolvedUser> assignees = ResolveAssignees(ctx, draft, ignored);
  CaseRecord record = MakeRecord(draft, owner, ctx.now);
  Uuid id = restored != nullptr ? restored->id : ids_.Next(ctx.now);
  CaseKey key = repo_->InsertCase(ctx.workspace, id, record, state, ctx.now);
  repo_->InsertAssignees(key, Rows(assignees));
  repo_->InsertTags(key, draft.tags);
  std::vector<ContactLink> contacts = ResolveContacts(ctx, std::nullopt, draft.contacts, ignored);
  repo_->InsertContactLinks(key, contacts);
  repo_->InsertFields(key, draft.schema);
  repo_->InsertSteps(key, draft.steps);
  // The case as LoadCase would read it back, without reading it back.
  Case created;
  created.id = UuidToString(id);
  created.workspace = {workspace.workspace.id, workspace.workspace.slug};
  created.title = std::move(draft.title);
  created.description = std::move(draft.description);
  created.locale = std::move(draft.locale);
  created.reference = std::move(draft.reference);
  created.status = state.status;
  created.parent_status = state.parent_status;
  created.waiting_for = draft.waiting_for;
  created.priority = draft.priority;
  if (owner) created.owner = std::move(owner->user);
  for (auto& assignee : assignees) created.assignees.push_back(std::move(assignee.user));
  created.tags = std::move(draft.tags);
  created.metadata = std::move(draft.metadata);
  for (auto& link : contacts) created.contacts.push_back(std::move(link.contact));
  if (state.template_id) created.template_id = UuidToString(*state.template_id);
  created.schema = std::move(draft.schema);
  created.steps = std::move(draft.steps);
  created.closure_conditions = std::move(draft.closure_conditions);
  created.created_at = created.updated_at = ctx.now;
  created.opened_at = record.opened_at;
  if (state.parent_status == ParentStatus::kClosed) created.resolved_at = ctx.now;
  created.version = 1;
  json::object details = DetailsWithIgnored(ignored);
  if (restored != nullptr) {
    RestoreInto(created, *restored, draft.linked_cases);
    details["imported"] = true;
    // What the copy stands for in the source's history (sync.cc).
    if (restored->version > 0) details["source_version"] = restored->version;
  } else if (created.parent_status == ParentStatus::kClosed) {
    // Starting closed is entering a closed status: the same conditions hold.
    // A restored case was closed under them once; its data may since have
    // changed, as a closed case's may.
    RequireConditions(EvaluateConditions(created, ctx.now));
  }
  if (created_event) AppendCreatedEvent(ctx, key, options.actor, created, details);
  return created;
}

Case Engine::Impl::Get(std::string_view id, const ReadOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  std::int64_t workspace = Scope(options.workspace).row;
  CaseKey key = MustFindCase(*repo_, workspace, id, storage::Lock::kNone);
  if (options.as_of || options.version) return CaseAsOf(key, options);
  return repo_->LoadCase(key);
}

Case Engine::Impl::Replace(std::string_view id, const CaseDraft& input, const WriteOptions& options) {
  CaseDraft draft = ValidateDraft(input, formulas_);
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Target target = Open(id, options, draft.workspace);
  return ApplyDraft(tx, target, draft, "replaced", options);
}

Case Engine::Impl::Patch(std::string_view id, const json::object& patch, const WriteOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Target target = Open(id, options);
  json::value document = json::value_from(target.before);
  // A patch may use Tines' names for the assignee and tag sets; they then
  // replace the members of the case shape rather than clash with them.
  if (patch.contains("assignee_emails")) document.as_object().erase("assignees");
  if (patch.contains("tag_names")) document.as_object().erase("tags");
  ApplyMergePatch(document, patch);
  auto draft = DraftFromJson(document, DraftKind::kReplace);
  if (!draft.ok()) throw Error(draft.status());
  return ApplyDraft(tx, target, ValidateDraft(std::move(*draft), formulas_), "patched", options);
}

Case Engine::Impl::UpdateData(std::string_view id, const json::object& data, const WriteOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Target target = Open(id, options);
  std::vector<Field> schema = target.before.schema;
  std::vector<Change> changes;
  std::vector<const Field*> changed;
  for (const auto& member : data) {
    // Not a structured binding: clang before 16 cannot capture one.
    std::string_view key = member.key();
    const json::value& value = member.value();
    std::string path = "data." + std::string(key);
    auto field = std::find_if(schema.begin(), schema.end(),
                              [&](const Field& f) { return f.key == key; });
    if (field == schema.end())
      throw Error(Status::UnknownField(path, "the case's schema has no field \"" +
                                                 std::string(key) + "\""));
    CheckFieldValue(*field, value, path);
    json::value stored = CanonicalFieldValue(field->type, value);
    if (field->value == stored) continue;
    changes.push_back({path, field->value, stored});
    field->value = std::move(stored);
    changed.push_back(&*field);
  }
  if (changes.empty()) return target.before;
  repo_->UpdateFieldValues(target.key, changed);
  repo_->TouchCase(target.key, target.ctx.now);
  Case after = std::move(target.before);
  after.schema = std::move(schema);
  return Finish(tx, target, "data_updated", changes, options, std::move(after));
}

Case Engine::Impl::SetArchived(std::string_view id, bool archived, const WriteOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Target target = Open(id, options);
  if (target.before.archived_at.has_value() == archived) return target.before;
  std::optional<Timestamp> at;
  if (archived) at = target.ctx.now;
  repo_->SetArchivedAt(target.key, at, target.ctx.now);
  json::value before = at ? json::value(nullptr) : json::value(FormatTimestamp(*target.before.archived_at));
  json::value after = at ? json::value(FormatTimestamp(*at)) : json::value(nullptr);
  Case next = target.before;
  next.archived_at = at;
  return Finish(tx, target, archived ? "archived" : "unarchived",
                {{"archived_at", before, after}}, options, std::move(next));
}

Case Engine::Impl::SetLinked(std::string_view id, std::string_view other_id, bool linked,
               const WriteOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Target target = Open(id, options);
  CaseKey other = MustFindCase(*repo_, target.ctx.workspace, other_id, storage::Lock::kForUpdate);
  if (other.row == target.key.row)
    throw Error(Status::ValidationFailed("other", "a case cannot be linked to itself"));
  Case other_before = repo_->LoadCase(other);
  const auto& links = target.before.linked_cases;
  bool is_linked = std::find(links.begin(), links.end(), other_before.id) != links.end();
  if (is_linked == linked) return target.before;
  repo_->SetLinked(target.key, other, linked);
  const char* kind = linked ? "linked" : "unlinked";
  // The other case changes too: it gets its own version and event.
  repo_->TouchCase(other, target.ctx.now);
  RecordLinks(target.ctx, other, other_before, kind, target.before.id, options);
  repo_->TouchCase(target.key, target.ctx.now);
  Case after = repo_->LoadCase(target.key);
  AppendEvent(target.ctx, target.key, options.actor, kind,
              {{"linked_cases", json::value_from(target.before.linked_cases),
                json::value_from(after.linked_cases)}},
              {{"case", other_before.id}});
  tx.Commit();
  return after;
}

Case Engine::Impl::UpdateStep(std::string_view id, std::string_view step_id, const StepChange& change,
                const WriteOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Target target = Open(id, options);
  const auto& steps = target.before.steps;
  auto found = std::find_if(steps.begin(), steps.end(), [&](const Step& s) { return s.id == step_id; });
  if (found == steps.end())
    throw Error(Status::NotFound("the case has no step \"" + std::string(step_id) + "\""));
  Step step = *found;
  if (change.title) step.title = *change.title;
  if (change.status) step.status = *change.status;
  if (change.data) step.data = *change.data;
  ValidateStep(step, "steps[" + std::to_string(found - steps.begin()) + "]");
  json::value before = json::value_from(*found), after = json::value_from(step);
  if (before == after) return target.before;
  repo_->UpdateStep(target.key, step);
  repo_->TouchCase(target.key, target.ctx.now);
  Case next = target.before;
  next.steps[found - steps.begin()] = step;
  return Finish(tx, target, "step_updated", {{"steps." + step.id, before, after}}, options,
                std::move(next));
}

std::vector<Event> Engine::Impl::History(std::string_view id, const ReadOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  std::int64_t workspace = Scope(options.workspace).row;
  std::vector<Event> events =
      LoadEvents(*repo_, MustFindCase(*repo_, workspace, id, storage::Lock::kNone));
  std::erase_if(events, [&](const Event& e) {
    return e.seq <= options.since || (options.version && e.seq > *options.version) ||
           (options.as_of && e.at > *options.as_of);
  });
  return events;
}

Workspace Engine::Impl::CreateWorkspace(std::string_view slug, std::string_view name) {
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Timestamp now = clock_();
  Workspace created = InsertWorkspace(*repo_, ids_.Next(now), slug, name, now);
  tx.Commit();
  return created;
}

std::vector<Workspace> Engine::Impl::Workspaces() {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  return repo_->ListWorkspaces();
}


WorkspaceRow Engine::Impl::Scope(const std::optional<std::string>& scope,
                                 const std::optional<WorkspaceSelector>& selector) {
  if (selector) return ResolveWorkspace(*repo_, scope, selector);
  std::string slug = scope.value_or(kDefaultWorkspace);
  auto known = workspaces_.find(slug);
  if (known != workspaces_.end()) return known->second;
  WorkspaceRow found = ResolveWorkspace(*repo_, scope);
  workspaces_.emplace(std::move(slug), found);
  return found;
}

Engine::Impl::Target Engine::Impl::Open(std::string_view id, const WriteOptions& options,
            const std::optional<WorkspaceSelector>& selector) {
  WriteContext ctx = Context(Scope(options.workspace, selector).row);
  CaseKey key = MustFindCase(*repo_, ctx.workspace, id, storage::Lock::kForUpdate);
  CheckExpectedVersion(key, options);
  return {ctx, key, repo_->LoadCase(key)};
}

// The caller has written the rows and bumped the version; `after` is the
// case as it now reads, but for the version and updated_at set here.
Case Engine::Impl::Finish(storage::Transaction& tx, Target& target, std::string_view kind,
                          const std::vector<Change>& changes, const WriteOptions& options,
                          Case after) {
  AppendEvent(target.ctx, target.key, options.actor, kind, changes);
  after.version = target.key.version + 1;
  after.updated_at = target.ctx.now;
  tx.Commit();
  return after;
}

void Engine::Impl::RecordLinks(WriteContext& ctx, const CaseKey& key, const Case& before,
                               const char* kind,
                 const std::string& other_id, const WriteOptions& options) {
  std::vector<std::string> links = before.linked_cases;
  if (std::string_view(kind) == "linked") {
    links.insert(std::upper_bound(links.begin(), links.end(), other_id), other_id);
  } else {
    links.erase(std::remove(links.begin(), links.end(), other_id), links.end());
  }
  AppendEvent(ctx, key, options.actor, kind,
              {{"linked_cases", json::value_from(before.linked_cases), json::value_from(links)}},
              {{"case", other_id}});
}

CaseRecord Engine::Impl::MakeRecord(const CaseDraft& draft, const std::optional<ResolvedUser>& owner,
                                    std::optional<Timestamp> default_opened_at) {
  CaseRecord r;
  r.title = draft.title;
  r.description = draft.description;
  r.locale = draft.locale;
  r.reference = draft.reference;
  r.waiting_for = draft.waiting_for;
  r.priority = draft.priority;
  if (owner) r.owner = owner->row;
  r.metadata = ToJsonText(draft.metadata);
  r.closure_conditions = ConditionsText(draft.closure_conditions);
  r.opened_at = draft.opened_at ? draft.opened_at : default_opened_at;
  return r;
}

std::optional<ResolvedUser> Engine::Impl::ResolveOwner(WriteContext& ctx, const CaseDraft& draft,
                                                       IgnoredValues& ignored) {
  if (!draft.owner) return std::nullopt;
  return ResolveUser(ctx, *draft.owner, "owner", ignored);
}

std::vector<ResolvedUser> Engine::Impl::ResolveAssignees(WriteContext& ctx, const CaseDraft& draft,
                                                         IgnoredValues& ignored) {
  std::vector<ResolvedUser> users;
  users.reserve(draft.assignees.size());
  for (std::size_t i = 0; i < draft.assignees.size(); ++i)
    users.push_back(
        ResolveUser(ctx, draft.assignees[i], "assignees[" + std::to_string(i) + "]", ignored));
  return users;
}

// Replace and patch: the whole mutable record becomes the draft's.
Case Engine::Impl::ApplyDraft(storage::Transaction& tx, Target& target, const CaseDraft& draft,
                std::string_view kind, const WriteOptions& options) {
  CheckFixedMembers(target.before, draft);
  WriteContext& ctx = target.ctx;
  const CaseKey& key = target.key;
  storage::Repository& repo = *repo_;
  IgnoredValues ignored = WriteDraft(ctx, key, draft);
  Case after = repo.LoadCase(key);
  std::vector<Change> changes =
      DiffSnapshots(HistorySnapshot(target.before), HistorySnapshot(after));
  if (changes.empty()) return target.before;  // rolls back the version bump
  AppendEvent(ctx, key, options.actor, kind, changes, DetailsWithIgnored(ignored));
  tx.Commit();
  return after;
}

IgnoredValues Engine::Impl::WriteDraft(WriteContext& ctx, const CaseKey& key,
                                       const CaseDraft& draft) {
  storage::Repository& repo = *repo_;
  IgnoredValues ignored;
  std::optional<ResolvedUser> owner = ResolveOwner(ctx, draft, ignored);
  repo.UpdateCaseRecord(key, MakeRecord(draft, owner, std::nullopt), ctx.now);
  std::vector<ResolvedUser> assignees = ResolveAssignees(ctx, draft, ignored);
  repo.DeleteChildren(key, Children::kAssignees);
  repo.InsertAssignees(key, Rows(assignees));
  repo.DeleteChildren(key, Children::kTags);
  repo.InsertTags(key, draft.tags);
  // Resolved before the old links go: a contact without email is found
  // through them.
  std::vector<ContactLink> contacts = ResolveContacts(ctx, key, draft.contacts, ignored);
  repo.DeleteChildren(key, Children::kContacts);
  repo.InsertContactLinks(key, contacts);
  repo.DeleteChildren(key, Children::kFields);
  repo.InsertFields(key, draft.schema);
  repo.DeleteChildren(key, Children::kSteps);
  repo.InsertSteps(key, draft.steps);
  return ignored;
}

}  // namespace casework

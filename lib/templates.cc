#include "templates.h"

#include <algorithm>

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/status.h"
#include "draft_validation.h"
#include "engine_impl.h"
#include "workspaces.h"

namespace casework {
namespace {

namespace json = boost::json;

// The stored definition is the template payload itself, minus workspace.
std::string DefinitionText(const TemplateDraft& draft) {
  TemplateDraft stored = draft;
  stored.workspace.reset();
  return ToJsonText(json::value_from(stored));
}

TemplateDraft ParseDefinition(const std::string& text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) throw Error(Status::StorageError("damaged template definition: " + ec.message()));
  auto draft = TemplateDraftFromJson(value);
  if (!draft.ok()) throw Error(Status::StorageError("damaged template definition: " +
                                                    draft.status().ToString()));
  return std::move(draft).value();
}

// The template and the row it is stored at.
TemplateRecord FromStored(storage::StoredTemplate stored) {
  TemplateDraft d = ParseDefinition(stored.definition);
  Template t;
  t.id = UuidToString(stored.id);
  t.workspace = std::move(stored.workspace);
  t.name = std::move(stored.name);
  MoveDefinition(std::move(d), t);
  t.version = stored.version;
  t.created_at = stored.created_at;
  t.updated_at = stored.updated_at;
  return {stored.row, std::move(t)};
}

template <typename T, typename Key>
bool Contains(const std::vector<T>& items, const Key& key, std::string T::*member) {
  return std::any_of(items.begin(), items.end(), [&](const T& item) { return item.*member == key; });
}

}  // namespace

TemplateDraft ValidateTemplate(TemplateDraft draft, FormulaCache& formulas) {
  if (draft.initial_status.empty()) draft.initial_status = "draft";
  ValidateWorkflow(draft);
  ValidateSchema(draft.schema);
  ValidateSteps(draft.steps);
  ValidateClosureConditions(draft.closure_conditions, formulas);
  return draft;
}

TemplateRecord MustFindTemplate(storage::Repository& repo, std::int64_t workspace,
                                std::string_view id) {
  auto uuid = UuidFromString(id);
  auto stored = uuid ? repo.FindTemplate(workspace, *uuid) : std::nullopt;
  if (!stored) throw Error(Status::NotFound("no template with id \"" + std::string(id) + "\""));
  return FromStored(std::move(*stored));
}

std::vector<Template> ListTemplates(storage::Repository& repo, std::int64_t workspace) {
  std::vector<Template> all;
  for (auto& stored : repo.ListTemplates(workspace)) all.push_back(FromStored(std::move(stored)).tmpl);
  return all;
}

Template InsertTemplate(WriteContext& ctx, const Uuid& id, const TemplateDraft& draft) {
  ctx.repo.InsertTemplate(ctx.workspace, id, draft.name, DefinitionText(draft), ctx.now);
  return MustFindTemplate(ctx.repo, ctx.workspace, UuidToString(id)).tmpl;
}

Template UpdateTemplate(WriteContext& ctx, const TemplateRecord& current,
                        const TemplateDraft& draft) {
  storage::StoredTemplate stored;
  stored.row = current.row;
  stored.version = current.tmpl.version;
  ctx.repo.UpdateTemplate(ctx.workspace, stored, draft.name, DefinitionText(draft), ctx.now);
  return MustFindTemplate(ctx.repo, ctx.workspace, current.tmpl.id).tmpl;
}

std::optional<Workflow> CaseWorkflow(storage::Repository& repo, const storage::CaseKey& key) {
  std::optional<std::string> definition = repo.CaseTemplateDefinition(key);
  if (!definition) return std::nullopt;
  TemplateDraft d = ParseDefinition(*definition);
  return Workflow{std::move(d.statuses), std::move(d.initial_status), std::move(d.transitions)};
}

void MoveDefinition(TemplateDraft&& draft, Template& t) {
  t.statuses = std::move(draft.statuses);
  t.initial_status = std::move(draft.initial_status);
  t.transitions = std::move(draft.transitions);
  t.schema = std::move(draft.schema);
  t.steps = std::move(draft.steps);
  t.closure_conditions = std::move(draft.closure_conditions);
  t.priority = draft.priority;
}

Workflow WorkflowOf(const Template& t) { return {t.statuses, t.initial_status, t.transitions}; }

CaseDraft ApplyTemplate(CaseDraft draft, const Template& t) {
  std::vector<Field> schema = t.schema;
  for (auto& field : draft.schema) {
    auto same = std::find_if(schema.begin(), schema.end(),
                             [&](const Field& f) { return f.key == field.key; });
    if (same != schema.end()) *same = std::move(field);
    else schema.push_back(std::move(field));
  }
  draft.schema = std::move(schema);

  std::vector<Step> steps = t.steps;
  for (auto& step : draft.steps) {
    if (Contains(steps, step.id, &Step::id))
      throw Error(Status::ValidationFailed("steps", "step \"" + step.id +
                                                        "\" is already defined by the template"));
    steps.push_back(std::move(step));
  }
  draft.steps = std::move(steps);

  std::vector<ClosureCondition> conditions = t.closure_conditions;
  for (auto& condition : draft.closure_conditions) {
    if (Contains(conditions, condition.name, &ClosureCondition::name))
      throw Error(Status::ValidationFailed(
          "closure_conditions", "condition \"" + condition.name +
                                    "\" is already defined by the template"));
    conditions.push_back(std::move(condition));
  }
  draft.closure_conditions = std::move(conditions);

  if (!draft.priority) draft.priority = t.priority;
  return draft;
}

// ---- Engine operations ----

Template Engine::Impl::CreateTemplate(const TemplateDraft& input, const WriteOptions& options) {
  TemplateDraft draft = ValidateTemplate(input, formulas_);
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  WriteContext ctx = Context(Scope(options.workspace, draft.workspace).row);
  Template created = InsertTemplate(ctx, ids_.Next(ctx.now), draft);
  tx.Commit();
  return created;
}

Template Engine::Impl::GetTemplate(std::string_view id, const ReadOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  return MustFindTemplate(*repo_, Scope(options.workspace).row, id).tmpl;
}

std::vector<Template> Engine::Impl::ListTemplates(const ReadOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  return casework::ListTemplates(*repo_, Scope(options.workspace).row);
}

Template Engine::Impl::UpdateTemplate(std::string_view id, const TemplateDraft& input,
                                      const WriteOptions& options) {
  TemplateDraft draft = ValidateTemplate(input, formulas_);
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  WriteContext ctx = Context(Scope(options.workspace, draft.workspace).row);
  TemplateRecord current = MustFindTemplate(*repo_, ctx.workspace, id);
  if (options.expected_version && *options.expected_version != current.tmpl.version)
    throw Error(Status::Conflict(current.tmpl.version,
                                 "the template is at version " +
                                     std::to_string(current.tmpl.version) + ", not " +
                                     std::to_string(*options.expected_version)));
  Template updated = casework::UpdateTemplate(ctx, current, draft);
  tx.Commit();
  return updated;
}

}  // namespace casework

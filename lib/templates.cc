#include "templates.h"

#include <algorithm>

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/status.h"
#include "draft_validation.h"
#include "engine_impl.h"
#include "storage/sql.h"
#include "workspaces.h"

namespace casework {
namespace {

namespace json = boost::json;
namespace sql = storage::sql;

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

Template ReadTemplate(storage::Stmt& q) {
  TemplateDraft d = ParseDefinition(q.Text(8));
  Template t;
  t.id = UuidToString(q.UuidAt(1));
  t.workspace = {UuidToString(q.UuidAt(2)), q.Text(3)};
  t.name = q.Text(4);
  MoveDefinition(std::move(d), t);
  t.version = q.Int(5);
  t.created_at = FromMillis(q.Int(6));
  t.updated_at = FromMillis(q.Int(7));
  return t;
}

void WriteVersion(WriteContext& ctx, std::int64_t row, std::int64_t version,
                  const TemplateDraft& draft) {
  ctx.db.Use(sql::kInsertTemplateVersion)
      .Bind(1, row)
      .Bind(2, version)
      .Bind(3, DefinitionText(draft))
      .Bind(4, Millis(ctx.now))
      .Run();
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

TemplateRecord MustFindTemplate(storage::Connection& db, std::int64_t workspace,
                                std::string_view id) {
  auto uuid = UuidFromString(id);
  std::string quoted = "\"" + std::string(id) + "\"";
  if (!uuid) throw Error(Status::NotFound("no template with id " + quoted));
  auto q = db.Use(sql::kSelectTemplate);
  q.Bind(1, *uuid).Bind(2, workspace);
  if (!q.Step()) throw Error(Status::NotFound("no template with id " + quoted));
  return {q.Int(0), ReadTemplate(q)};
}

std::vector<Template> ListTemplates(storage::Connection& db, std::int64_t workspace) {
  std::vector<Template> all;
  auto q = db.Use(sql::kListTemplates);
  q.Bind(1, workspace);
  while (q.Step()) all.push_back(ReadTemplate(q));
  return all;
}

Template InsertTemplate(WriteContext& ctx, const Uuid& id, const TemplateDraft& draft) {
  ctx.db.Use(sql::kInsertTemplate)
      .Bind(1, id)
      .Bind(2, ctx.workspace)
      .Bind(3, draft.name)
      .Bind(4, Millis(ctx.now))
      .Run();
  std::int64_t row = ctx.db.LastInsertRowid();
  WriteVersion(ctx, row, 1, draft);
  return MustFindTemplate(ctx.db, ctx.workspace, UuidToString(id)).tmpl;
}

Template UpdateTemplate(WriteContext& ctx, const TemplateRecord& current,
                        const TemplateDraft& draft) {
  int changed = ctx.db.Use(sql::kUpdateTemplate)
                    .Bind(1, current.row)
                    .Bind(2, current.tmpl.version)
                    .Bind(3, draft.name)
                    .Bind(4, Millis(ctx.now))
                    .Run();
  if (changed != 1)
    throw Error(Status::Conflict(current.tmpl.version, "the template changed during the update"));
  WriteVersion(ctx, current.row, current.tmpl.version + 1, draft);
  return MustFindTemplate(ctx.db, ctx.workspace, current.tmpl.id).tmpl;
}

std::optional<Workflow> CaseWorkflow(storage::Connection& db, std::int64_t case_row) {
  auto q = db.Use(sql::kSelectCaseWorkflow);
  q.Bind(1, case_row);
  if (!q.Step()) return std::nullopt;
  TemplateDraft d = ParseDefinition(q.Text(0));
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
  storage::WriteTransaction tx(*db_);
  WriteContext ctx = Context(Scope(options.workspace, draft.workspace).row);
  Template created = InsertTemplate(ctx, ids_.Next(ctx.now), draft);
  tx.Commit();
  return created;
}

Template Engine::Impl::GetTemplate(std::string_view id, const ReadOptions& options) {
  storage::ReadTransaction tx(*db_);
  return MustFindTemplate(*db_, Scope(options.workspace).row, id).tmpl;
}

std::vector<Template> Engine::Impl::ListTemplates(const ReadOptions& options) {
  storage::ReadTransaction tx(*db_);
  return casework::ListTemplates(*db_, Scope(options.workspace).row);
}

Template Engine::Impl::UpdateTemplate(std::string_view id, const TemplateDraft& input,
                                      const WriteOptions& options) {
  TemplateDraft draft = ValidateTemplate(input, formulas_);
  storage::WriteTransaction tx(*db_);
  WriteContext ctx = Context(Scope(options.workspace, draft.workspace).row);
  TemplateRecord current = MustFindTemplate(*db_, ctx.workspace, id);
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

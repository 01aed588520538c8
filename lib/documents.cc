#include "documents.h"

#include <utility>

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/listing.h"

namespace casework::documents {
namespace {

namespace json = boost::json;

Document CaseDocument(const Result<Case>& result) {
  if (!result.ok()) return result.status();
  return json::value_from(*result);
}

Document TemplateDocument(const Result<Template>& result) {
  if (!result.ok()) return result.status();
  return json::value_from(*result);
}

// {"data": [...]} of any list the engine returns.
template <typename T>
Document DataDocument(const Result<T>& result) {
  if (!result.ok()) return result.status();
  return json::value(json::object{{"data", json::value_from(*result)}});
}

// update-data's payload is exactly {"data": {...}}: strict like every
// payload, so a misspelt wrapper is reported rather than ignored.
Result<json::object> DataMember(const json::value& payload) {
  const json::object* object = payload.if_object();
  if (object == nullptr) {
    return Status::ValidationFailed("", "update-data's payload must be a JSON object");
  }
  for (const auto& member : *object) {
    if (member.key() != "data") {
      return Status::ValidationFailed(
          std::string(member.key()),
          "unknown member \"" + std::string(member.key()) +
              "\": update-data takes {\"data\": {...}}");
    }
  }
  const json::value* data = object->if_contains("data");
  if (data == nullptr) return Status::ValidationFailed("data", "missing member \"data\"");
  if (!data->is_object()) {
    return Status::ValidationFailed("data", "\"data\" must be an object");
  }
  return data->as_object();
}

json::object ConflictDocument(const Conflict& c) {
  json::array paths;
  for (const std::string& p : c.paths) paths.emplace_back(p);
  return {{"case_id", c.case_id},
          {"workspace", c.workspace},
          {"peer", c.peer},
          {"at", FormatTimestamp(c.at)},
          {"paths", std::move(paths)},
          {"local", json::value_from(c.local)},
          {"remote", c.remote},
          {"remote_events", json::value_from(c.remote_events)}};
}

}  // namespace

Document Create(Engine& engine, const json::value& payload, const WriteOptions& options) {
  auto draft = DraftFromJson(payload, DraftKind::kCreate);
  if (!draft.ok()) return draft.status();
  return CaseDocument(engine.Create(*draft, options));
}

Document Get(Engine& engine, std::string_view id, const ReadOptions& options) {
  return CaseDocument(engine.Get(id, options));
}

Document Replace(Engine& engine, std::string_view id, const json::value& payload,
                 const WriteOptions& options) {
  auto draft = DraftFromJson(payload, DraftKind::kReplace);
  if (!draft.ok()) return draft.status();
  return CaseDocument(engine.Replace(id, *draft, options));
}

Document Patch(Engine& engine, std::string_view id, const json::value& patch,
               const WriteOptions& options) {
  const json::object* object = patch.if_object();
  if (object == nullptr) return Status::ValidationFailed("", "a patch must be a JSON object");
  return CaseDocument(engine.Patch(id, *object, options));
}

Document UpdateData(Engine& engine, std::string_view id, const json::value& payload,
                    const WriteOptions& options) {
  auto data = DataMember(payload);
  if (!data.ok()) return data.status();
  return CaseDocument(engine.UpdateData(id, *data, options));
}

Document Archive(Engine& engine, std::string_view id, const WriteOptions& options) {
  return CaseDocument(engine.Archive(id, options));
}

Document Unarchive(Engine& engine, std::string_view id, const WriteOptions& options) {
  return CaseDocument(engine.Unarchive(id, options));
}

Document Link(Engine& engine, std::string_view id, std::string_view other,
              const WriteOptions& options) {
  return CaseDocument(engine.Link(id, other, options));
}

Document Unlink(Engine& engine, std::string_view id, std::string_view other,
                const WriteOptions& options) {
  return CaseDocument(engine.Unlink(id, other, options));
}

Document UpdateStep(Engine& engine, std::string_view id, std::string_view step_id,
                    const json::value& change, const WriteOptions& options) {
  // value_to's only way to fail is casework::Error, which names the member.
  StepChange decoded;
  try {
    decoded = json::value_to<StepChange>(change);
  } catch (const Error& error) {
    return error.status();
  }
  return CaseDocument(engine.UpdateStep(id, step_id, decoded, options));
}

Document History(Engine& engine, std::string_view id, const ReadOptions& options) {
  auto events = engine.History(id, options);
  if (!events.ok()) return events.status();
  return json::value(json::object{{"case_id", id}, {"events", json::value_from(*events)}});
}

Document Transition(Engine& engine, std::string_view id, const TransitionRequest& request,
                    const WriteOptions& options) {
  auto outcome = engine.Transition(id, request, options);
  if (!outcome.ok()) return outcome.status();
  return json::value_from(*outcome);
}

Document Check(Engine& engine, std::string_view id, const ReadOptions& options) {
  auto results = engine.Check(id, options);
  if (!results.ok()) return results.status();
  bool passed = true;
  for (const auto& r : *results) passed = passed && r.passed;
  return json::value(json::object{
      {"case_id", id}, {"passed", passed}, {"conditions", json::value_from(*results)}});
}

Document Evaluate(Engine& engine, std::string_view formula,
                  std::optional<std::string_view> case_id, const ReadOptions& options) {
  auto value = engine.Evaluate(formula, case_id, options);
  if (!value.ok()) return value.status();
  return json::value(json::object{{"value", std::move(*value)}});
}

Document CreateTemplate(Engine& engine, const json::value& payload, const WriteOptions& options) {
  auto draft = TemplateDraftFromJson(payload);
  if (!draft.ok()) return draft.status();
  return TemplateDocument(engine.CreateTemplate(*draft, options));
}

Document UpdateTemplate(Engine& engine, std::string_view id, const json::value& payload,
                        const WriteOptions& options) {
  auto draft = TemplateDraftFromJson(payload);
  if (!draft.ok()) return draft.status();
  return TemplateDocument(engine.UpdateTemplate(id, *draft, options));
}

Document GetTemplate(Engine& engine, std::string_view id, const ReadOptions& options) {
  return TemplateDocument(engine.GetTemplate(id, options));
}

Document ListTemplates(Engine& engine, const ReadOptions& options) {
  return DataDocument(engine.ListTemplates(options));
}

Document CreateWorkspace(Engine& engine, std::string_view slug, std::string_view name) {
  // An empty name is the slug (Engine::CreateWorkspace).
  auto created = engine.CreateWorkspace(slug, name);
  if (!created.ok()) return created.status();
  return json::value_from(*created);
}

Document ListWorkspaces(Engine& engine) { return DataDocument(engine.ListWorkspaces()); }

Document List(Engine& engine, const json::value& params, const ReadOptions& options) {
  auto query = ListQueryFromJson(params);
  if (!query.ok()) return query.status();
  auto page = engine.List(*query, options);
  if (!page.ok()) return page.status();
  return json::value_from(*page);
}

Document Verify(Engine& engine, const ReadOptions& options) {
  auto report = engine.Verify(options);
  if (!report.ok()) return report.status();
  return json::value_from(*report);
}

json::object ImportSummaryDocument(const ImportSummary& summary) {
  return {{"imported", summary.cases()},
          {"created", summary.created},
          {"restored", summary.restored}};
}

json::object ChangeLine(const ChangeEntry& entry) {
  json::value line = json::value_from(entry.event);
  json::object& object = line.as_object();
  object["case_id"] = entry.case_id;
  object["workspace"] = entry.workspace;
  return std::move(object);
}

Document Changes(Engine& engine, std::int64_t since, std::int64_t limit) {
  auto entries = engine.Changes(since, limit);
  if (!entries.ok()) return entries.status();
  json::array data;
  std::int64_t last = since;
  for (const ChangeEntry& entry : *entries) {
    data.push_back(ChangeLine(entry));
    last = entry.event.change;
  }
  return json::value(json::object{{"data", std::move(data)}, {"last_change", last}});
}

json::object SyncSummaryDocument(const SyncSummary& s) {
  return {{"changes", s.changes},     {"created", s.created},     {"updated", s.updated},
          {"merged", s.merged},       {"conflicts", s.conflicts}, {"unchanged", s.unchanged},
          {"last_change", s.last_change}};
}

Document Conflicts(Engine& engine, const ReadOptions& options) {
  auto conflicts = engine.Conflicts(options);
  if (!conflicts.ok()) return conflicts.status();
  json::array data;
  for (const Conflict& c : *conflicts) data.push_back(ConflictDocument(c));
  return json::value(json::object{{"data", std::move(data)}});
}

Document Resolve(Engine& engine, std::string_view id, const Resolution& resolution,
                 const WriteOptions& options) {
  return CaseDocument(engine.Resolve(id, resolution, options));
}

}  // namespace casework::documents

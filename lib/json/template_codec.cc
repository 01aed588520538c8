// JSON of templates, condition results and transition outcomes.
#include <string>
#include <vector>

#include "casework/json.h"
#include "json/decode.h"
#include "templates.h"

namespace casework {
namespace json = boost::json;

namespace {

using json_internal::ObjectReader;

constexpr std::string_view kTemplateMembers[] = {
    "name",  "statuses",           "initial_status", "transitions", "schema",
    "steps", "closure_conditions", "priority",       "workspace",
    // A fetched template may be sent back: its read-only members are ignored.
    "id", "version", "created_at", "updated_at"};
constexpr std::string_view kStatusMembers[] = {"name", "parent_status"};
constexpr std::string_view kTransitionMembers[] = {"from", "to", "name"};
constexpr std::string_view kSelectorMembers[] = {"id", "slug"};

json::value Text(std::string_view s) { return json::value(json::string_view(s.data(), s.size())); }

template <typename T>
json::array ArrayOf(const std::vector<T>& items) {
  json::array out;
  out.reserve(items.size());
  for (const auto& item : items) out.push_back(json::value_from(item));
  return out;
}

StatusDefinition DecodeStatus(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kStatusMembers);
  StatusDefinition s;
  s.name = r.RequiredString("name");
  std::string parent = r.RequiredString("parent_status");
  auto known = ParentStatusFromName(parent);
  if (!known)
    json_internal::Fail(r.PathOf("parent_status"),
                        "must be one of draft, pending, in_progress, closed");
  s.parent_status = *known;
  return s;
}

TransitionDefinition DecodeTransition(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kTransitionMembers);
  return {r.RequiredString("from"), r.RequiredString("to"), r.StringOr("name", "")};
}

std::optional<Priority> DecodePriority(const ObjectReader& r) {
  auto name = r.NullableString("priority");
  if (!name) return std::nullopt;
  auto priority = PriorityFromName(*name);
  if (!priority)
    json_internal::Fail(r.PathOf("priority"), "must be one of critical, high, medium, low, info");
  return priority;
}

std::optional<WorkspaceSelector> DecodeSelector(const ObjectReader& r) {
  auto object = r.Object("workspace");
  if (!object) return std::nullopt;
  json::value value(*object);
  ObjectReader w(value, r.PathOf("workspace"));
  w.RejectUnknown(kSelectorMembers);
  WorkspaceSelector selector{w.NullableString("id"), w.NullableString("slug")};
  if (!selector.id && !selector.slug) json_internal::Fail(w.path(), "give an id or a slug");
  return selector;
}

TemplateDraft DecodeTemplateDraft(const json::value& v) {
  ObjectReader r(v, "");
  r.RejectUnknown(kTemplateMembers);
  TemplateDraft t;
  t.name = r.RequiredString("name");
  t.statuses = r.ArrayOf("statuses", DecodeStatus);
  t.initial_status = r.StringOr("initial_status", "");
  t.transitions = r.ArrayOf("transitions", DecodeTransition);
  t.schema = r.ArrayOf("schema", json_internal::DecodeField);
  t.steps = r.ArrayOf("steps", json_internal::DecodeStep);
  t.closure_conditions = r.ArrayOf("closure_conditions", json_internal::DecodeClosureCondition);
  t.priority = DecodePriority(r);
  t.workspace = DecodeSelector(r);
  return t;
}

json::value PriorityValue(const std::optional<Priority>& p) {
  return p ? Text(PriorityName(*p)) : json::value(nullptr);
}

}  // namespace

Result<TemplateDraft> TemplateDraftFromJson(const json::value& value) {
  try {
    return DecodeTemplateDraft(value);
  } catch (const Error& e) {
    return e.status();
  }
}

TemplateDraft tag_invoke(json::value_to_tag<TemplateDraft>, const json::value& v) {
  return DecodeTemplateDraft(v);
}

Template tag_invoke(json::value_to_tag<Template>, const json::value& v) {
  TemplateDraft draft = DecodeTemplateDraft(v);
  ObjectReader r(v, "");
  Template t;
  t.id = r.RequiredString("id");
  if (draft.workspace)
    t.workspace = {draft.workspace->id.value_or(""), draft.workspace->slug.value_or("")};
  t.name = std::move(draft.name);
  MoveDefinition(std::move(draft), t);
  t.version = r.RequiredInt("version");
  t.created_at = r.RequiredTimestamp("created_at");
  t.updated_at = r.RequiredTimestamp("updated_at");
  return t;
}

StatusDefinition tag_invoke(json::value_to_tag<StatusDefinition>, const json::value& v) {
  return DecodeStatus(v, "");
}

TransitionDefinition tag_invoke(json::value_to_tag<TransitionDefinition>, const json::value& v) {
  return DecodeTransition(v, "");
}

void tag_invoke(json::value_from_tag, json::value& out, const StatusDefinition& s) {
  out = json::object{{"name", s.name}, {"parent_status", Text(ParentStatusName(s.parent_status))}};
}

void tag_invoke(json::value_from_tag, json::value& out, const TransitionDefinition& t) {
  out = json::object{{"from", t.from}, {"to", t.to}, {"name", t.name}};
}

void tag_invoke(json::value_from_tag, json::value& out, const TemplateDraft& t) {
  json::object& o = out.emplace_object();
  o["name"] = t.name;
  o["statuses"] = ArrayOf(t.statuses);
  o["initial_status"] = t.initial_status;
  o["transitions"] = ArrayOf(t.transitions);
  o["schema"] = ArrayOf(t.schema);
  o["steps"] = ArrayOf(t.steps);
  o["closure_conditions"] = ArrayOf(t.closure_conditions);
  o["priority"] = PriorityValue(t.priority);
}

void tag_invoke(json::value_from_tag, json::value& out, const Template& t) {
  json::object& o = out.emplace_object();
  o["id"] = t.id;
  o["workspace"] = json::value_from(t.workspace);
  o["name"] = t.name;
  o["statuses"] = ArrayOf(t.statuses);
  o["initial_status"] = t.initial_status;
  o["transitions"] = ArrayOf(t.transitions);
  o["schema"] = ArrayOf(t.schema);
  o["steps"] = ArrayOf(t.steps);
  o["closure_conditions"] = ArrayOf(t.closure_conditions);
  o["priority"] = PriorityValue(t.priority);
  o["version"] = t.version;
  o["created_at"] = FormatTimestamp(t.created_at);
  o["updated_at"] = FormatTimestamp(t.updated_at);
}

void tag_invoke(json::value_from_tag, json::value& out, const ConditionResult& c) {
  out = json::object{{"name", c.name},     {"formula", c.formula}, {"passed", c.passed},
                     {"value", c.value},   {"reason", c.reason}};
}

void tag_invoke(json::value_from_tag, json::value& out, const TransitionOutcome& t) {
  json::object& o = out.emplace_object();
  o["applied"] = t.applied;
  o["from"] = t.from;
  o["to"] = t.to;
  o["transition"] = t.transition ? json::value(*t.transition) : json::value(nullptr);
  o["conditions"] = ArrayOf(t.conditions);
  o["case"] = json::value_from(t.result);
}

}  // namespace casework

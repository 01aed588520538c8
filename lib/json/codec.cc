// The JSON shapes of the product contract (DOMAIN.md): output through
// value_from, strict input through value_to and DraftFromJson.
//
// Output writes every documented member, with optional values as explicit
// nulls, in the documented order; only Field's "required"/"options" and
// Status's extras are left out when they carry nothing. Input rejects any
// member the shape does not know, naming its path, and checks JSON types
// only: emails, key patterns, blank titles and field values are the
// engine's to validate.
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "casework/json.h"
#include "json/decode.h"

namespace casework {
namespace json = boost::json;

namespace {

// ---------------------------------------------------------------- output

// The helpers build each value in the storage of the object that will hold
// it (`sp`), so that a case converted into an arena (history) allocates
// nothing else and moving the value in copies nothing.
json::value Str(std::string_view s, const json::storage_ptr& sp = {}) {
  return json::value(json::string_view(s.data(), s.size()), sp);
}

json::value Nullable(const std::optional<std::string>& s, const json::storage_ptr& sp = {}) {
  return s ? json::value(json::string_view(s->data(), s->size()), sp) : json::value(nullptr, sp);
}

json::value NullableTime(const std::optional<Timestamp>& t, const json::storage_ptr& sp = {}) {
  return t ? Str(FormatTimestamp(*t), sp) : json::value(nullptr, sp);
}

template <typename T>
json::value NullableValue(const std::optional<T>& v, const json::storage_ptr& sp = {}) {
  return v ? json::value_from(*v, sp) : json::value(nullptr, sp);
}

template <typename T>
json::array ToArray(const std::vector<T>& items, const json::storage_ptr& sp = {}) {
  json::array out(sp);
  out.reserve(items.size());
  for (const T& item : items) out.push_back(json::value_from(item, sp));
  return out;
}

json::value PriorityValue(const std::optional<Priority>& p, const json::storage_ptr& sp = {}) {
  return p ? Str(PriorityName(*p), sp) : json::value(nullptr, sp);
}

json::value SelectorValue(const std::optional<WorkspaceSelector>& w) {
  if (!w) return nullptr;
  json::object o;
  if (w->id) o["id"] = *w->id;
  if (w->slug) o["slug"] = *w->slug;
  return o;
}

// ----------------------------------------------------------------- input

using json_internal::DecodeClosureCondition;
using json_internal::DecodeContactInput;
using json_internal::DecodeField;
using json_internal::DecodeInt;
using json_internal::DecodeStep;
using json_internal::DecodeString;
using json_internal::DecodeTimestamp;
using json_internal::DecodeUser;
using json_internal::DecodeUserInput;
using json_internal::Fail;
using json_internal::ObjectReader;

using Names = std::span<const std::string_view>;

constexpr std::string_view kUserMembers[] = {"id", "email", "given_name", "family_name"};
constexpr std::string_view kContactMembers[] = {"id",         "key",         "email", "name",
                                                "given_name", "family_name", "phone"};
constexpr std::string_view kFieldMembers[] = {"key",   "type",     "name",
                                              "value", "required", "options"};
constexpr std::string_view kStepMembers[] = {"id", "title", "status", "data"};
constexpr std::string_view kStepChangeMembers[] = {"title", "status", "data"};
constexpr std::string_view kConditionMembers[] = {"name", "formula"};
constexpr std::string_view kIdOnly[] = {"id"};
constexpr std::string_view kSelectorMembers[] = {"id", "slug"};
constexpr std::string_view kWorkspaceMembers[] = {"id", "slug", "name"};
constexpr std::string_view kChangeMembers[] = {"path", "before", "after"};

// The create payload: Penbox's create fields, Tines' extras, and ours.
constexpr std::string_view kCreateMembers[] = {
    "title",      "reference",   "description",     "locale",          "status",
    "template",   "workspace",   "owner",           "contacts",        "schema",
    "priority",   "waiting_for", "assignee_emails", "assignees",       "tag_names",
    "tags",       "metadata",    "closure_conditions", "opened_at",    "steps"};
// Replace also takes the case shape's linked_cases and read-only members
// (accepted and ignored, so that a fetched case can be sent back).
constexpr std::string_view kReplaceExtraMembers[] = {
    "linked_cases", "id",          "parent_status", "created_at",        "updated_at",
    "resolved_at",  "archived_at", "version",       "last_transition_id"};
constexpr std::string_view kCaseMembers[] = {
    "id",          "workspace",   "title",        "description", "locale",
    "reference",   "status",      "parent_status", "waiting_for", "priority",
    "owner",       "assignees",   "tags",         "metadata",    "contacts",
    "template",    "schema",      "steps",        "closure_conditions",
    "linked_cases", "created_at", "updated_at",   "opened_at",   "resolved_at",
    "archived_at", "version",     "last_transition_id"};

const json::value kNull;

// The member's value, or null when absent: for members holding any JSON.
const json::value& AnyOrNull(const ObjectReader& r, std::string_view member) {
  const json::value* v = r.Find(member);
  return v == nullptr ? kNull : *v;
}

// An enumeration given by name; anything else is "must be one of <choices>".
template <typename Enum>
Enum DecodeEnum(const json::value& v, const std::string& path,
                std::optional<Enum> (*from_name)(std::string_view), const char* choices) {
  std::optional<Enum> e;
  if (v.is_string()) e = from_name(v.get_string());
  if (!e) Fail(path, std::string("must be one of ") + choices);
  return *e;
}

std::optional<Priority> DecodePriority(const ObjectReader& r) {
  const json::value* v = r.Find("priority");
  if (v == nullptr || v->is_null()) return std::nullopt;
  return DecodeEnum(*v, r.PathOf("priority"), &PriorityFromName,
                    "critical, high, medium, low, info");
}

WaitingFor DecodeWaitingFor(const ObjectReader& r) {
  const json::value* v = r.Find("waiting_for");
  if (v == nullptr) return WaitingFor::kNone;
  return DecodeEnum(*v, r.PathOf("waiting_for"), &WaitingForFromName, "none, owner, contact");
}

std::optional<UserInput> DecodeOwnerInput(const ObjectReader& r) {
  const json::value* v = r.Find("owner");
  if (v == nullptr || v->is_null()) return std::nullopt;
  return DecodeUserInput(*v, r.PathOf("owner"));
}

// "template": an id, {"id": id} (Penbox), or null.
std::optional<std::string> DecodeTemplateRef(const ObjectReader& r) {
  const json::value* v = r.Find("template");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (!v->is_object()) Fail(r.PathOf("template"), "expected a template id, {\"id\": ...} or null");
  ObjectReader t(*v, r.PathOf("template"));
  t.RejectUnknown(kIdOnly);
  return t.RequiredString("id");
}

std::optional<WorkspaceSelector> DecodeWorkspaceSelector(const ObjectReader& r) {
  const json::value* v = r.Find("workspace");
  if (v == nullptr || v->is_null()) return std::nullopt;
  ObjectReader w(*v, r.PathOf("workspace"));
  w.RejectUnknown(kSelectorMembers);
  WorkspaceSelector selector;
  if (w.Has("id")) selector.id = w.RequiredString("id");
  if (w.Has("slug")) selector.slug = w.RequiredString("slug");
  if (!selector.id && !selector.slug) Fail(w.path(), "give id or slug");
  return selector;
}

// Penbox-style "assignees" (user objects) or Tines-style "assignee_emails".
std::vector<UserInput> DecodeAssigneeInputs(const ObjectReader& r) {
  if (r.Has("assignees") && r.Has("assignee_emails"))
    Fail(r.PathOf("assignees"), "give assignees or assignee_emails, not both");
  if (r.Has("assignees")) return r.ArrayOf("assignees", DecodeUserInput);
  std::vector<UserInput> out;
  for (std::string& email : r.StringArray("assignee_emails"))
    out.push_back(UserInput{std::move(email), std::nullopt, std::nullopt});
  return out;
}

std::vector<std::string> DecodeTags(const ObjectReader& r) {
  if (r.Has("tags") && r.Has("tag_names"))
    Fail(r.PathOf("tags"), "give tags or tag_names, not both");
  return r.StringArray(r.Has("tags") ? "tags" : "tag_names");
}

CaseDraft DecodeDraft(const json::value& v, DraftKind kind) {
  ObjectReader r(v, "");
  r.RejectUnknown(kCreateMembers, kind == DraftKind::kReplace ? Names(kReplaceExtraMembers)
                                                              : Names());
  CaseDraft d;
  d.title = r.RequiredString("title");
  d.description = r.NullableString("description");
  d.locale = r.NullableString("locale");
  d.reference = r.NullableString("reference");
  d.status = r.NullableString("status");
  d.template_id = DecodeTemplateRef(r);
  // A replaced case keeps its workspace: the member is the read-only
  // {id, slug} of the fetched case, not a selector.
  if (kind == DraftKind::kCreate) d.workspace = DecodeWorkspaceSelector(r);
  d.waiting_for = DecodeWaitingFor(r);
  d.priority = DecodePriority(r);
  d.owner = DecodeOwnerInput(r);
  d.assignees = DecodeAssigneeInputs(r);
  d.tags = DecodeTags(r);
  d.metadata = r.Object("metadata").value_or(json::object());
  d.contacts = r.ArrayOf("contacts", DecodeContactInput);
  d.schema = r.ArrayOf("schema", DecodeField);
  d.steps = r.ArrayOf("steps", DecodeStep);
  d.closure_conditions = r.ArrayOf("closure_conditions", DecodeClosureCondition);
  if (kind == DraftKind::kReplace && r.Has("linked_cases"))
    d.linked_cases = r.StringArray("linked_cases");
  d.opened_at = r.NullableTimestamp("opened_at");
  return d;
}

WorkspaceRef DecodeWorkspaceRef(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kSelectorMembers);
  return WorkspaceRef{r.StringOr("id", ""), r.StringOr("slug", "")};
}

Change DecodeChange(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kChangeMembers);
  return Change{r.RequiredString("path"), AnyOrNull(r, "before"), AnyOrNull(r, "after")};
}

// Members of the case shape that read-only output and import share.
void DecodeCaseIdentity(const ObjectReader& r, Case& c) {
  c.id = r.RequiredString("id");
  if (const json::value* w = r.Find("workspace"))
    c.workspace = DecodeWorkspaceRef(*w, r.PathOf("workspace"));
  if (const json::value* p = r.Find("parent_status"))
    c.parent_status = DecodeEnum(*p, r.PathOf("parent_status"), &ParentStatusFromName,
                                 "draft, pending, in_progress, closed");
  c.created_at = r.TimestampOr("created_at", Timestamp());
  c.updated_at = r.TimestampOr("updated_at", Timestamp());
  c.resolved_at = r.NullableTimestamp("resolved_at");
  c.archived_at = r.NullableTimestamp("archived_at");
  c.version = r.Int("version").value_or(0);
  c.last_transition_id = r.NullableString("last_transition_id");
}

Case DecodeCase(const json::value& v) {
  ObjectReader r(v, "");
  r.RejectUnknown(kCaseMembers);
  Case c;
  DecodeCaseIdentity(r, c);
  c.title = r.RequiredString("title");
  c.description = r.NullableString("description");
  c.locale = r.NullableString("locale");
  c.reference = r.NullableString("reference");
  c.status = r.StringOr("status", "");
  c.waiting_for = DecodeWaitingFor(r);
  c.priority = DecodePriority(r);
  if (const json::value* o = r.Find("owner"); o != nullptr && !o->is_null())
    c.owner = DecodeUser(*o, r.PathOf("owner"));
  c.assignees = r.ArrayOf("assignees", DecodeUser);
  c.tags = r.StringArray("tags");
  c.metadata = r.Object("metadata").value_or(json::object());
  c.contacts = r.ArrayOf("contacts", json_internal::DecodeCaseContact);
  c.template_id = DecodeTemplateRef(r);
  c.schema = r.ArrayOf("schema", DecodeField);
  c.steps = r.ArrayOf("steps", DecodeStep);
  c.closure_conditions = r.ArrayOf("closure_conditions", DecodeClosureCondition);
  c.linked_cases = r.StringArray("linked_cases");
  c.opened_at = r.NullableTimestamp("opened_at");
  return c;
}

bool IsEventMember(std::string_view name) {
  return name == "seq" || name == "at" || name == "actor" || name == "kind" ||
         name == "changes" || name == "id" || name == "change";
}

}  // namespace

// ------------------------------------------------------- shape decoders

namespace json_internal {

UserInput DecodeUserInput(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kUserMembers);  // "id" is accepted: a fetched user may be sent back
  return UserInput{r.RequiredString("email"), r.NullableString("given_name"),
                   r.NullableString("family_name")};
}

User DecodeUser(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kUserMembers);
  return User{r.StringOr("id", ""), r.RequiredString("email"), r.NullableString("given_name"),
              r.NullableString("family_name")};
}

ContactInput DecodeContactInput(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kContactMembers);
  return ContactInput{r.RequiredString("key"),        r.NullableString("email"),
                      r.NullableString("name"),       r.NullableString("given_name"),
                      r.NullableString("family_name"), r.NullableString("phone")};
}

CaseContact DecodeCaseContact(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kContactMembers);
  return CaseContact{r.StringOr("id", ""),         r.RequiredString("key"),
                     r.NullableString("email"),    r.NullableString("name"),
                     r.NullableString("given_name"), r.NullableString("family_name"),
                     r.NullableString("phone")};
}

Field DecodeField(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kFieldMembers);
  Field f;
  f.key = r.RequiredString("key");
  const std::string type = r.RequiredString("type");
  std::optional<FieldType> t = FieldTypeFromName(type);
  if (!t) Fail(r.PathOf("type"), "unknown type \"" + type + "\"");
  f.type = *t;
  f.name = r.StringOr("name", "");
  f.value = AnyOrNull(r, "value");
  f.required = r.BoolOr("required", false);
  f.options = r.StringArray("options");
  return f;
}

StepStatus DecodeStepStatus(const json::value& v, const std::string& path) {
  return DecodeEnum(v, path, &StepStatusFromName, "todo, in_progress, done, skipped");
}

Step DecodeStep(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kStepMembers);
  Step s;
  s.id = r.RequiredString("id");
  s.title = r.StringOr("title", "");
  if (const json::value* status = r.Find("status"))
    s.status = DecodeStepStatus(*status, r.PathOf("status"));
  s.data = r.Object("data").value_or(json::object());
  return s;
}

StepChange DecodeStepChange(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kStepChangeMembers);
  StepChange change;
  if (r.Has("title")) change.title = r.RequiredString("title");
  if (const json::value* status = r.Find("status"))
    change.status = DecodeStepStatus(*status, r.PathOf("status"));
  change.data = r.Object("data");
  return change;
}

ClosureCondition DecodeClosureCondition(const json::value& v, const std::string& path) {
  ObjectReader r(v, path);
  r.RejectUnknown(kConditionMembers);
  return ClosureCondition{r.RequiredString("name"), r.RequiredString("formula")};
}

}  // namespace json_internal

// ---------------------------------------------------------- public API

Result<CaseDraft> DraftFromJson(const json::value& v, DraftKind kind) {
  try {
    return DecodeDraft(v, kind);
  } catch (const Error& e) {
    return e.status();
  }
}

// value_from

void tag_invoke(json::value_from_tag, json::value& out, const Case& c) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o.reserve(27);
  o["id"] = c.id;
  o["workspace"] = json::value_from(c.workspace, sp);
  o["title"] = c.title;
  o["description"] = Nullable(c.description, sp);
  o["locale"] = Nullable(c.locale, sp);
  o["reference"] = Nullable(c.reference, sp);
  o["status"] = c.status;
  o["parent_status"] = Str(ParentStatusName(c.parent_status), sp);
  o["waiting_for"] = Str(WaitingForName(c.waiting_for), sp);
  o["priority"] = PriorityValue(c.priority, sp);
  o["owner"] = NullableValue(c.owner, sp);
  o["assignees"] = ToArray(c.assignees, sp);
  o["tags"] = ToArray(c.tags, sp);
  o["metadata"] = c.metadata;
  o["contacts"] = ToArray(c.contacts, sp);
  o["template"] = Nullable(c.template_id, sp);
  o["schema"] = ToArray(c.schema, sp);
  o["steps"] = ToArray(c.steps, sp);
  o["closure_conditions"] = ToArray(c.closure_conditions, sp);
  o["linked_cases"] = ToArray(c.linked_cases, sp);
  o["created_at"] = FormatTimestamp(c.created_at);
  o["updated_at"] = FormatTimestamp(c.updated_at);
  o["opened_at"] = NullableTime(c.opened_at, sp);
  o["resolved_at"] = NullableTime(c.resolved_at, sp);
  o["archived_at"] = NullableTime(c.archived_at, sp);
  o["version"] = c.version;
  o["last_transition_id"] = Nullable(c.last_transition_id, sp);
}

// The create payload shape (with "linked_cases" only when the draft has
// them, as replace takes them), in the member order of the case shape.
void tag_invoke(json::value_from_tag, json::value& out, const CaseDraft& d) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["workspace"] = SelectorValue(d.workspace);
  o["title"] = d.title;
  o["description"] = Nullable(d.description, sp);
  o["locale"] = Nullable(d.locale, sp);
  o["reference"] = Nullable(d.reference, sp);
  o["status"] = Nullable(d.status, sp);
  o["waiting_for"] = Str(WaitingForName(d.waiting_for), sp);
  o["priority"] = PriorityValue(d.priority, sp);
  o["owner"] = NullableValue(d.owner, sp);
  o["assignees"] = ToArray(d.assignees, sp);
  o["tags"] = ToArray(d.tags, sp);
  o["metadata"] = d.metadata;
  o["contacts"] = ToArray(d.contacts, sp);
  o["template"] = Nullable(d.template_id, sp);
  o["schema"] = ToArray(d.schema, sp);
  o["steps"] = ToArray(d.steps, sp);
  o["closure_conditions"] = ToArray(d.closure_conditions, sp);
  if (d.linked_cases) o["linked_cases"] = ToArray(*d.linked_cases, sp);
  o["opened_at"] = NullableTime(d.opened_at, sp);
}

void tag_invoke(json::value_from_tag, json::value& out, const User& u) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["id"] = u.id;
  o["email"] = u.email;
  o["given_name"] = Nullable(u.given_name, sp);
  o["family_name"] = Nullable(u.family_name, sp);
}

void tag_invoke(json::value_from_tag, json::value& out, const UserInput& u) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["email"] = u.email;
  o["given_name"] = Nullable(u.given_name, sp);
  o["family_name"] = Nullable(u.family_name, sp);
}

void tag_invoke(json::value_from_tag, json::value& out, const CaseContact& c) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["id"] = c.id;
  o["key"] = c.key;
  o["name"] = Nullable(c.name, sp);
  o["email"] = Nullable(c.email, sp);
  o["given_name"] = Nullable(c.given_name, sp);
  o["family_name"] = Nullable(c.family_name, sp);
  o["phone"] = Nullable(c.phone, sp);
}

void tag_invoke(json::value_from_tag, json::value& out, const ContactInput& c) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["key"] = c.key;
  o["name"] = Nullable(c.name, sp);
  o["email"] = Nullable(c.email, sp);
  o["given_name"] = Nullable(c.given_name, sp);
  o["family_name"] = Nullable(c.family_name, sp);
  o["phone"] = Nullable(c.phone, sp);
}

void tag_invoke(json::value_from_tag, json::value& out, const Field& f) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["key"] = f.key;
  o["type"] = Str(FieldTypeName(f.type), sp);
  o["name"] = f.name;
  o["value"] = f.value;
  if (f.required) o["required"] = true;
  if (!f.options.empty()) o["options"] = ToArray(f.options, sp);
}

void tag_invoke(json::value_from_tag, json::value& out, const Step& s) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["id"] = s.id;
  o["title"] = s.title;
  o["status"] = Str(StepStatusName(s.status), sp);
  o["data"] = s.data;
}

void tag_invoke(json::value_from_tag, json::value& out, const ClosureCondition& c) {
  json::object& o = out.emplace_object();
  o["name"] = c.name;
  o["formula"] = c.formula;
}

void tag_invoke(json::value_from_tag, json::value& out, const Workspace& w) {
  json::object& o = out.emplace_object();
  o["id"] = w.id;
  o["slug"] = w.slug;
  o["name"] = w.name;
}

void tag_invoke(json::value_from_tag, json::value& out, const WorkspaceRef& w) {
  json::object& o = out.emplace_object();
  o["id"] = w.id;
  o["slug"] = w.slug;
}

void tag_invoke(json::value_from_tag, json::value& out, const Change& c) {
  json::object& o = out.emplace_object();
  o["path"] = c.path;
  o["before"] = c.before;
  o["after"] = c.after;
}

// The kind-specific details sit beside the common members ("from", "to",
// "reason", ...), as the history's documented shape has them; a detail may
// not shadow a common member.
void tag_invoke(json::value_from_tag, json::value& out, const Event& e) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["seq"] = e.seq;
  o["at"] = FormatTimestamp(e.at);
  o["actor"] = e.actor;
  o["kind"] = e.kind;
  o["changes"] = ToArray(e.changes, sp);
  if (!e.id.empty()) o["id"] = e.id;
  if (e.change != 0) o["change"] = e.change;
  for (const auto& detail : e.details)
    if (!IsEventMember(detail.key())) o[detail.key()] = detail.value();
}

void tag_invoke(json::value_from_tag, json::value& out, const Status& s) {
  json::object& o = out.emplace_object();
  const json::storage_ptr& sp = o.storage();
  o["code"] = Str(CodeName(s.code()), sp);
  o["message"] = s.message();
  if (!s.field().empty()) o["field"] = s.field();
  if (s.current_version()) o["current_version"] = *s.current_version();
  if (s.position()) o["position"] = *s.position();
  if (!s.failures().empty()) {
    json::array& conditions = o["conditions"].emplace_array();
    for (const auto& failure : s.failures())
      conditions.push_back(json::object{{"name", failure.name}, {"reason", failure.reason}});
  }
}

// value_to: each throws casework::Error naming the offending path.

CaseDraft tag_invoke(json::value_to_tag<CaseDraft>, const json::value& v) {
  return DecodeDraft(v, DraftKind::kCreate);
}

Case tag_invoke(json::value_to_tag<Case>, const json::value& v) { return DecodeCase(v); }

WorkspaceRef tag_invoke(json::value_to_tag<WorkspaceRef>, const json::value& v) {
  return DecodeWorkspaceRef(v, "");
}

Change tag_invoke(json::value_to_tag<Change>, const json::value& v) { return DecodeChange(v, ""); }

User tag_invoke(json::value_to_tag<User>, const json::value& v) { return DecodeUser(v, ""); }

UserInput tag_invoke(json::value_to_tag<UserInput>, const json::value& v) {
  return DecodeUserInput(v, "");
}

CaseContact tag_invoke(json::value_to_tag<CaseContact>, const json::value& v) {
  return json_internal::DecodeCaseContact(v, "");
}

ContactInput tag_invoke(json::value_to_tag<ContactInput>, const json::value& v) {
  return DecodeContactInput(v, "");
}

Field tag_invoke(json::value_to_tag<Field>, const json::value& v) { return DecodeField(v, ""); }

Step tag_invoke(json::value_to_tag<Step>, const json::value& v) { return DecodeStep(v, ""); }

StepChange tag_invoke(json::value_to_tag<StepChange>, const json::value& v) {
  return json_internal::DecodeStepChange(v, "");
}

ClosureCondition tag_invoke(json::value_to_tag<ClosureCondition>, const json::value& v) {
  return DecodeClosureCondition(v, "");
}

Workspace tag_invoke(json::value_to_tag<Workspace>, const json::value& v) {
  ObjectReader r(v, "");
  r.RejectUnknown(kWorkspaceMembers);
  return Workspace{r.RequiredString("id"), r.RequiredString("slug"), r.StringOr("name", "")};
}

// Members beyond the common ones are the kind's details, kept as given.
Event tag_invoke(json::value_to_tag<Event>, const json::value& v) {
  ObjectReader r(v, "");
  Event e;
  e.seq = r.RequiredInt("seq");
  e.at = r.RequiredTimestamp("at");
  e.actor = r.RequiredString("actor");
  e.kind = r.RequiredString("kind");
  e.changes = r.ArrayOf("changes", DecodeChange);
  e.id = r.StringOr("id", "");
  e.change = r.Int("change").value_or(0);
  for (const auto& member : r.object())
    if (!IsEventMember(member.key())) e.details[member.key()] = member.value();
  return e;
}

}  // namespace casework

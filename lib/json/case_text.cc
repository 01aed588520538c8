#include "json/case_text.h"

#include <charconv>

#include "casework/json.h"
#include "casework/time.h"

namespace casework {
namespace {

// Writes the members of one JSON object: Member("id") then the value.
class ObjectText {
 public:
  explicit ObjectText(std::string& out) : out_(out) { out_ += '{'; }
  ~ObjectText() { out_ += '}'; }

  std::string& Member(std::string_view name) {
    if (!first_) out_ += ',';
    first_ = false;
    AppendJsonString(name, out_);
    out_ += ':';
    return out_;
  }

 private:
  std::string& out_;
  bool first_ = true;
};

void Text(std::string_view s, std::string& out) { AppendJsonString(s, out); }
void Text(const std::string& s, std::string& out) { AppendJsonString(s, out); }

void Text(const std::optional<std::string>& s, std::string& out) {
  if (s) AppendJsonString(*s, out);
  else out += "null";
}

void Text(Timestamp t, std::string& out) { AppendJsonString(FormatTimestamp(t), out); }

void Text(const std::optional<Timestamp>& t, std::string& out) {
  if (t) Text(*t, out);
  else out += "null";
}

void Text(std::int64_t i, std::string& out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, i);
  out.append(buffer, end);
}

void Text(const User& u, std::string& out) {
  ObjectText o(out);
  Text(u.id, o.Member("id"));
  Text(u.email, o.Member("email"));
  Text(u.given_name, o.Member("given_name"));
  Text(u.family_name, o.Member("family_name"));
}

void Text(const CaseContact& c, std::string& out) {
  ObjectText o(out);
  Text(c.id, o.Member("id"));
  Text(c.key, o.Member("key"));
  Text(c.name, o.Member("name"));
  Text(c.email, o.Member("email"));
  Text(c.given_name, o.Member("given_name"));
  Text(c.family_name, o.Member("family_name"));
  Text(c.phone, o.Member("phone"));
}

template <typename T>
void Text(const std::vector<T>& items, std::string& out);

void Text(const Field& f, std::string& out) {
  ObjectText o(out);
  Text(f.key, o.Member("key"));
  Text(FieldTypeName(f.type), o.Member("type"));
  Text(f.name, o.Member("name"));
  AppendJsonText(f.value, o.Member("value"));
  if (f.required) o.Member("required") += "true";
  if (!f.options.empty()) Text(f.options, o.Member("options"));
}

void Text(const Step& s, std::string& out) {
  ObjectText o(out);
  Text(s.id, o.Member("id"));
  Text(s.title, o.Member("title"));
  Text(StepStatusName(s.status), o.Member("status"));
  AppendJsonText(s.data, o.Member("data"));
}

void Text(const ClosureCondition& c, std::string& out) {
  ObjectText o(out);
  Text(c.name, o.Member("name"));
  Text(c.formula, o.Member("formula"));
}

template <typename T>
void Text(const std::vector<T>& items, std::string& out) {
  out += '[';
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    Text(items[i], out);
  }
  out += ']';
}

}  // namespace

void ForEachCaseMemberText(const Case& c,
                           const std::function<void(std::string_view, std::string_view)>& member) {
  std::string value;
  auto emit = [&](std::string_view name, auto&& write) {
    value.clear();
    write(value);
    member(name, value);
  };
  emit("id", [&](std::string& out) { Text(c.id, out); });
  emit("workspace", [&](std::string& out) {
    ObjectText o(out);
    Text(c.workspace.id, o.Member("id"));
    Text(c.workspace.slug, o.Member("slug"));
  });
  emit("title", [&](std::string& out) { Text(c.title, out); });
  emit("description", [&](std::string& out) { Text(c.description, out); });
  emit("locale", [&](std::string& out) { Text(c.locale, out); });
  emit("reference", [&](std::string& out) { Text(c.reference, out); });
  emit("status", [&](std::string& out) { Text(c.status, out); });
  emit("parent_status", [&](std::string& out) { Text(ParentStatusName(c.parent_status), out); });
  emit("waiting_for", [&](std::string& out) { Text(WaitingForName(c.waiting_for), out); });
  emit("priority", [&](std::string& out) {
    if (c.priority) Text(PriorityName(*c.priority), out);
    else out += "null";
  });
  emit("owner", [&](std::string& out) {
    if (c.owner) Text(*c.owner, out);
    else out += "null";
  });
  emit("assignees", [&](std::string& out) { Text(c.assignees, out); });
  emit("tags", [&](std::string& out) { Text(c.tags, out); });
  emit("metadata", [&](std::string& out) { AppendJsonText(c.metadata, out); });
  emit("contacts", [&](std::string& out) { Text(c.contacts, out); });
  emit("template", [&](std::string& out) { Text(c.template_id, out); });
  emit("schema", [&](std::string& out) { Text(c.schema, out); });
  emit("steps", [&](std::string& out) { Text(c.steps, out); });
  emit("closure_conditions", [&](std::string& out) { Text(c.closure_conditions, out); });
  emit("linked_cases", [&](std::string& out) { Text(c.linked_cases, out); });
  emit("created_at", [&](std::string& out) { Text(c.created_at, out); });
  emit("updated_at", [&](std::string& out) { Text(c.updated_at, out); });
  emit("opened_at", [&](std::string& out) { Text(c.opened_at, out); });
  emit("resolved_at", [&](std::string& out) { Text(c.resolved_at, out); });
  emit("archived_at", [&](std::string& out) { Text(c.archived_at, out); });
  emit("version", [&](std::string& out) { Text(c.version, out); });
  emit("last_transition_id", [&](std::string& out) { Text(c.last_transition_id, out); });
}

void AppendCaseText(const Case& c, std::string& out) {
  ObjectText o(out);
  ForEachCaseMemberText(c, [&](std::string_view name, std::string_view json) { o.Member(name) += json; });
}

}  // namespace casework

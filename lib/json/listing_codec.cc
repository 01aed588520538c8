// JSON of listing: Penbox's query parameters in, the page out.
#include <charconv>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/listing.h"
#include "casework/status.h"

namespace casework {
namespace {

namespace json = boost::json;

// A filter given as JSON text (a query-string parameter) may be this long.
constexpr std::size_t kMaxFilterBytes = 256 * 1024;

[[noreturn]] void Invalid(const std::string& field, const std::string& message) {
  throw Error(Status::ValidationFailed(field, message));
}

// The parameters whose bracketed names may come as nested objects:
// {"page": {"number": 2}} is "page[number]": 2.
constexpr std::string_view kNested[] = {"page",    "template",   "owner",     "workspace",
                                        "contact", "assignee",   "created_at", "updated_at"};

bool IsNested(std::string_view key) {
  for (std::string_view n : kNested)
    if (n == key) return true;
  return false;
}

std::string Text(const json::value& v, const std::string& name) {
  if (!v.is_string()) Invalid(name, "must be a string");
  return std::string(v.get_string());
}

// An integer, or its decimal text (query strings carry text).
std::int64_t Integer(const json::value& v, const std::string& name) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_string()) {
    std::string_view s = v.get_string();
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (!s.empty() && ec == std::errc() && end == s.data() + s.size()) return n;
  }
  Invalid(name, "must be an integer (at most 19 digits)");
}

bool Boolean(const json::value& v, const std::string& name) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_string() && v.get_string() == "true") return true;
  if (v.is_string() && v.get_string() == "false") return false;
  Invalid(name, "must be true or false");
}

Timestamp Time(const json::value& v, const std::string& name) {
  std::string text = Text(v, name);
  if (auto t = ParseTimestamp(text)) return *t;
  if (IsValidDate(text)) {
    if (auto midnight = ParseTimestamp(text + "T00:00:00Z")) return *midnight;
  }
  Invalid(name, "must be an RFC 3339 date-time or a YYYY-MM-DD date");
}

template <typename T>
T Named(const json::value& v, const std::string& name, std::optional<T> (*from)(std::string_view),
        const char* choices) {
  auto value = from(Text(v, name));
  if (!value) Invalid(name, std::string("must be one of ") + choices);
  return *value;
}

json::value Filter(const json::value& v) {
  if (!v.is_string()) return v;
  JsonLimits limits;
  limits.max_bytes = kMaxFilterBytes;
  auto parsed = ParseJson(v.get_string(), limits);
  if (!parsed.ok()) Invalid("filter", parsed.status().message());
  return std::move(parsed).value();
}

void Set(ListQuery& q, const std::string& name, const json::value& v) {
  if (v.is_null()) return;  // not given
  if (name == "template[id]") {
    q.template_id = Text(v, name);
  } else if (name == "status") {
    q.status = Text(v, name);
  } else if (name == "parent_status") {
    q.parent_status = Named(v, name, ParentStatusFromName, "draft, pending, in_progress, closed");
  } else if (name == "archived") {
    q.archived = Boolean(v, name);
  } else if (name == "waiting_for") {
    q.waiting_for = Named(v, name, WaitingForFromName, "none, owner, contact");
  } else if (name == "reference") {
    q.reference = Text(v, name);
  } else if (name == "owner[id]") {
    q.owner_id = Text(v, name);
  } else if (name == "owner[email]") {
    q.owner_email = Text(v, name);
  } else if (name == "workspace[id]") {
    if (!q.workspace) q.workspace.emplace();
    q.workspace->id = Text(v, name);
  } else if (name == "workspace[slug]") {
    if (!q.workspace) q.workspace.emplace();
    q.workspace->slug = Text(v, name);
  } else if (name == "contact[given_name]") {
    q.contact_given_name = Text(v, name);
  } else if (name == "contact[family_name]") {
    q.contact_family_name = Text(v, name);
  } else if (name == "contact[email]") {
    q.contact_email = Text(v, name);
  } else if (name == "priority") {
    q.priority = Named(v, name, PriorityFromName, "critical, high, medium, low, info");
  } else if (name == "tag") {
    q.tag = Text(v, name);
  } else if (name == "assignee[email]") {
    q.assignee_email = Text(v, name);
  } else if (name == "created_at[after]") {
    q.created_after = Time(v, name);
  } else if (name == "created_at[before]") {
    q.created_before = Time(v, name);
  } else if (name == "updated_at[after]") {
    q.updated_after = Time(v, name);
  } else if (name == "updated_at[before]") {
    q.updated_before = Time(v, name);
  } else if (name == "filter") {
    q.filter = Filter(v);
  } else if (name == "q") {
    q.q = Text(v, name);
  } else if (name == "page[number]") {
    q.page_number = Integer(v, name);
  } else if (name == "page[size]") {
    q.page_size = Integer(v, name);
  } else if (name == "sort") {
    q.sort = Text(v, name);
  } else if (name == "after") {
    q.after = Text(v, name);
  } else {
    Invalid(name, "unknown list parameter \"" + name + "\"");
  }
}

}  // namespace

Result<ListQuery> ListQueryFromJson(const json::value& params) {
  try {
    if (!params.is_object()) Invalid("", "list parameters must be a JSON object");
    ListQuery q;
    for (const auto& member : params.get_object()) {
      const std::string key(member.key());
      if (IsNested(key) && member.value().is_object()) {
        for (const auto& inner : member.value().get_object())
          Set(q, key + "[" + std::string(inner.key()) + "]", inner.value());
      } else {
        Set(q, key, member.value());
      }
    }
    return q;
  } catch (const Error& e) {
    return e.status();
  }
}

void tag_invoke(json::value_from_tag, json::value& out, const ListMeta& meta) {
  out = json::object{{"total_count", meta.total_count},
                     {"total_pages", meta.total_pages},
                     {"page_size", meta.page_size},
                     {"current_page", meta.current_page}};
}

void tag_invoke(json::value_from_tag, json::value& out, const CasePage& page) {
  json::object o;
  o["meta"] = json::value_from(page.meta);
  o["data"] = json::value_from(page.cases);
  if (page.next_cursor) o["next_cursor"] = *page.next_cursor;
  out = std::move(o);
}

}  // namespace casework

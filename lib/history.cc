#include "history.h"

#include <initializer_list>

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/status.h"
#include "formats.h"
#include "json/case_text.h"
#include "storage/case_rows.h"

namespace casework {
namespace {

namespace json = boost::json;

constexpr std::string_view kUnrecorded[] = {"id", "workspace", "updated_at", "version"};

bool IsUnrecorded(std::string_view member) {
  for (auto name : kUnrecorded)
    if (name == member) return true;
  return false;
}

// Moves the values out of the parsed array: copying them built every tree
// twice, and reading the change feed spent its time allocating.
std::vector<Change> ChangesFromJson(json::value stored) {
  std::vector<Change> changes;
  json::array& items = stored.as_array();
  changes.reserve(items.size());
  for (auto& item : items) {
    auto& o = item.as_object();
    changes.push_back({json::value_to<std::string>(o.at("path")), std::move(o.at("before")),
                       std::move(o.at("after"))});
  }
  return changes;
}

}  // namespace

json::object HistorySnapshot(const Case& c) {
  // Copied rather than erased from: object::erase moves the last member
  // into the hole, and history keeps the case shape's member order.
  json::value value = json::value_from(c);  // not .as_object() of a temporary: a deep copy
  json::object& full = value.as_object();
  json::object snapshot;
  snapshot.reserve(full.size());
  for (auto& [member, value] : full)
    if (!IsUnrecorded(member)) snapshot.emplace(member, std::move(value));
  return snapshot;
}

std::vector<Change> DiffSnapshots(const json::object& before, const json::object& after) {
  static const json::value kNull;
  std::vector<Change> changes;
  for (const auto& [member, value] : after) {
    if (IsUnrecorded(member)) continue;
    const json::value* old = before.if_contains(member);
    const json::value& previous = old ? *old : kNull;
    if (previous != value) changes.push_back({std::string(member), previous, value});
  }
  return changes;
}

namespace {

// The element of `array` whose member `name` is `id`, if any.
json::value* ElementWith(json::array& array, std::string_view name, std::string_view id) {
  for (json::value& item : array) {
    if (!item.is_object()) continue;
    const json::value* v = item.as_object().if_contains(name);
    if (v != nullptr && v->is_string() && v->get_string() == id) return &item;
  }
  return nullptr;
}

}  // namespace

Replayed Replay(std::span<const Event> events) {
  Replayed r;
  for (const Event& e : events) {
    for (const Change& change : e.changes) {
      std::string_view path = change.path;
      std::size_t dot = path.find('.');
      if (dot == std::string_view::npos) {
        r.state[path] = change.after;
        continue;
      }
      std::string_view head = path.substr(0, dot), key = path.substr(dot + 1);
      const char* array = head == "data" ? "schema" : head == "steps" ? "steps" : nullptr;
      json::value* element = nullptr;
      if (array != nullptr) {
        json::value* list = r.state.if_contains(array);
        if (list != nullptr && list->is_array())
          element = ElementWith(list->as_array(), head == "data" ? "key" : "id", key);
      }
      if (element == nullptr) {
        r.error = "event " + std::to_string(e.seq) + " (" + e.kind + ") changes \"" +
                  std::string(path) + "\", which the events before it do not define";
        return r;
      }
      if (head == "data")
        element->as_object()["value"] = change.after;
      else
        *element = change.after;
    }
  }
  return r;
}

// The actor as history records it (DOMAIN.md: an email or "system"): an
// email compared like every other, trimmed and lower-cased, so one person's
// events read alike; blank means "system". Anything else fails the whole
// operation, as would text that could forge lines in a log.
std::string ActorName(std::string_view actor) {
  std::string_view trimmed = Trim(actor);
  if (trimmed.empty() || EqualsIgnoringAsciiCase(trimmed, "system")) return "system";
  if (!IsValidUtf8(actor) || HasControlCharacter(actor) || !IsValidEmail(actor))
    // Not quoted: the text may be of any length, or forge a log line.
    throw Error(Status::ValidationFailed("actor", "must be an email address or \"system\""));
  return NormalizeEmail(actor);
}

// Contacts and users are shared records: compare which ones a case links,
// by what identifies them in a workspace (an email; a contact without one
// is the case's own, under its key). Their ids are each database's own: a
// case synced from another database links the contacts of this one.
namespace {

json::value AsLink(const json::value& person, std::initializer_list<const char*> keep) {
  if (!person.is_object()) return person;
  json::object link;
  for (const char* member : keep) {
    const json::value* v = person.as_object().if_contains(member);
    link[member] = v != nullptr ? *v : json::value(nullptr);
  }
  return link;
}

void SharedRecordsAsLinks(json::object& snapshot) {
  if (json::value* contacts = snapshot.if_contains("contacts"); contacts && contacts->is_array())
    for (json::value& c : contacts->as_array()) c = AsLink(c, {"key", "email"});
  if (json::value* users = snapshot.if_contains("assignees"); users && users->is_array())
    for (json::value& u : users->as_array()) u = AsLink(u, {"email"});
  if (json::value* owner = snapshot.if_contains("owner"))
    *owner = AsLink(*owner, {"email"});
}

}  // namespace

std::vector<MemberDifference> CompareWithHistory(json::object replayed, json::object snapshot) {
  for (auto member : kUnrecorded) snapshot.erase(member);
  SharedRecordsAsLinks(replayed);
  SharedRecordsAsLinks(snapshot);
  static const json::value kNull;
  std::vector<MemberDifference> differences;
  for (const auto& [member, value] : snapshot) {
    const json::value* want = replayed.if_contains(member);
    const json::value& e = want != nullptr ? *want : kNull;
    if (e != value) differences.push_back({std::string(member), e, value, true});
  }
  for (const auto& [member, value] : replayed)
    if (!snapshot.contains(member)) differences.push_back({std::string(member), value, nullptr, false});
  return differences;
}

namespace {

// One {"path", "before", "after"} object of the stored changes array,
// `before` and `after` being JSON text.
void AppendChange(std::string_view path, std::string_view before, std::string_view after,
                  std::string& out) {
  out += out.size() > 1 ? ",{\"path\":" : "{\"path\":";
  AppendJsonString(path, out);
  out += ",\"before\":";
  out += before;
  out += ",\"after\":";
  out += after;
  out += '}';
}

storage::StoredEvent MakeEvent(const WriteContext& ctx, std::int64_t seq, std::string_view actor,
                               std::string_view kind, std::string changes,
                               const json::object& details) {
  return {seq,
           ctx.now,
           ActorName(actor),
           std::string(kind),
           std::move(changes),
           details.empty() ? std::string("{}") : ToJsonText(details),
           ctx.ids.Next(ctx.now)};
}

}  // namespace

void AppendCreatedEvent(WriteContext& ctx, const storage::CaseKey& key, std::string_view actor,
                        const Case& c, const json::object& details) {
  // Every case created passes here: its members go straight to text, with
  // no DOM in between (json/case_text.h).
  std::string changes = "[";
  ForEachCaseMemberText(c, [&](std::string_view member, std::string_view json) {
    if (!IsUnrecorded(member)) AppendChange(member, "null", json, changes);
  });
  changes += ']';
  ctx.repo.InsertEvent(key, MakeEvent(ctx, 1, actor, "created", std::move(changes), details));
}

void AppendEvent(WriteContext& ctx, const storage::CaseKey& key, std::string_view actor,
                 std::string_view kind, const std::vector<Change>& changes,
                 const json::object& details) {
  std::string text = "[", before, after;
  for (const auto& change : changes) {
    before.clear();
    after.clear();
    AppendJsonText(change.before, before);
    AppendJsonText(change.after, after);
    AppendChange(change.path, before, after, text);
  }
  text += ']';
  // Numbered by the repository: 0 is not stored.
  ctx.repo.AppendEvent(key, MakeEvent(ctx, 0, actor, kind, std::move(text), details));
}

Event EventFromStored(storage::StoredEvent stored) {
  Event e;
  e.seq = stored.seq;
  e.at = stored.at;
  e.actor = std::move(stored.actor);
  e.kind = std::move(stored.kind);
  e.changes = ChangesFromJson(storage::ParseStored(stored.changes));
  json::value details = storage::ParseStored(stored.details);
  if (!details.is_object())
    throw Error(Status::StorageError("damaged JSON in the database: event details"));
  e.details = std::move(details.get_object());
  e.id = UuidToString(stored.id);
  e.change = stored.change;
  return e;
}

std::vector<Event> LoadEvents(storage::Repository& repo, const storage::CaseKey& key) {
  std::vector<Event> events;
  for (storage::StoredEvent& stored : repo.LoadEvents(key))
    events.push_back(EventFromStored(std::move(stored)));
  return events;
}

}  // namespace casework

// Sync between databases (casework/sync.h, docs/SYNC.md): the change set a
// source writes, and how a database applies one, case by case.
#include <algorithm>
#include <istream>
#include <ostream>
#include <set>
#include <unordered_set>

#include <boost/json.hpp>

#include "casework/json.h"
#include "engine_impl.h"
#include "history.h"
#include "json/decode.h"
#include "line_reader.h"
#include "restored.h"
#include "storage/case_rows.h"
#include "templates.h"
#include "workspaces.h"

namespace casework {
namespace {

namespace json = boost::json;
using json_internal::Fail;
using json_internal::ObjectReader;
using storage::CaseKey;

constexpr std::int64_t kFormat = 1;
constexpr std::int64_t kMaxBatch = 10000;

// ---- Writing ----

void WriteLine(std::ostream& out, const json::value& line) {
  std::string text = ToJsonText(line);
  text += '\n';
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw Error(Status::StorageError("cannot write the change set"));
}

json::value UuidOrNull(const std::optional<Uuid>& id) {
  return id ? json::value(UuidToString(*id)) : json::value(nullptr);
}

// The cases a batch of the feed touches, in feed order, and the cases its
// link events name: a link changes both ends, and both ends travel
// together so that neither is left linked alone.
std::vector<Uuid> CasesOf(const std::vector<storage::FeedEvent>& feed) {
  std::vector<Uuid> cases;
  std::set<Uuid> seen;
  auto add = [&](const Uuid& id) {
    if (seen.insert(id).second) cases.push_back(id);
  };
  for (const storage::FeedEvent& e : feed) {
    add(e.case_id);
    if (e.event.kind != "linked" && e.event.kind != "unlinked") continue;
    json::value details = storage::ParseStored(e.event.details);
    if (const json::value* other = details.as_object().if_contains("case"); other && other->is_string())
      if (auto id = UuidFromString(other->get_string())) add(*id);
  }
  return cases;
}

// ---- Reading ----

// The header line of a change set.
struct Header {
  Uuid source{};
  std::int64_t after = 0, to = 0, events = 0, cases = 0, templates = 0;
  std::optional<Uuid> after_event, to_event;
};

Uuid RequiredUuid(const ObjectReader& r, std::string_view member) {
  auto id = UuidFromString(r.RequiredString(member));
  if (!id) Fail(r.PathOf(member), "must be a UUID");
  return *id;
}

std::optional<Uuid> NullableUuid(const ObjectReader& r, std::string_view member) {
  auto text = r.NullableString(member);
  if (!text) return std::nullopt;
  auto id = UuidFromString(*text);
  if (!id) Fail(r.PathOf(member), "must be a UUID or null");
  return id;
}

std::int64_t Count(const ObjectReader& r, std::string_view member) {
  std::int64_t n = r.RequiredInt(member);
  if (n < 0) Fail(r.PathOf(member), "must be 0 or more");
  return n;
}

Header ReadHeader(const json::value& line) {
  static constexpr std::string_view kMembers[] = {"casework_changes", "source", "after",
                                                  "after_event", "to", "to_event",
                                                  "events", "cases", "templates"};
  ObjectReader r(line, "");
  r.RejectUnknown(kMembers);
  if (r.RequiredInt("casework_changes") != kFormat)
    Fail("casework_changes", "this casework reads change sets of format 1");
  Header h;
  h.source = RequiredUuid(r, "source");
  h.after = Count(r, "after");
  h.after_event = NullableUuid(r, "after_event");
  h.to = Count(r, "to");
  h.to_event = NullableUuid(r, "to_event");
  h.events = Count(r, "events");
  h.cases = Count(r, "cases");
  h.templates = Count(r, "templates");
  if (h.to < h.after) Fail("to", "must not be below after");
  if (h.events > h.to - h.after) Fail("events", "more events than changes from after to to");
  return h;
}

// A kind is a word of lower-case letters and underscores, as casework
// writes them: a stream cannot smuggle text into history under one.
bool IsKind(std::string_view kind) {
  return !kind.empty() && kind.size() <= 64 &&
         std::all_of(kind.begin(), kind.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
}

// The events of a case line: numbered 1, 2, ..., each with its own id,
// the first a "created".
std::vector<Event> ReadEvents(const ObjectReader& r) {
  std::vector<Event> events = r.ArrayOf("events", [](const json::value& v, const std::string& path) {
    try {
      return json::value_to<Event>(v);
    } catch (const Error& e) {
      throw Error(e.status().WithFieldPrefix(path));
    }
  });
  if (events.empty()) Fail("events", "a case has at least its created event");
  std::unordered_set<std::string> ids;
  for (std::size_t i = 0; i < events.size(); ++i) {
    std::string path = "events[" + std::to_string(i) + "]";
    const Event& e = events[i];
    if (e.seq != static_cast<std::int64_t>(i + 1)) Fail(path + ".seq", "events are numbered 1, 2, ...");
    if (!UuidFromString(e.id)) Fail(path + ".id", "must be a UUID");
    if (!ids.insert(e.id).second) Fail(path + ".id", "two events have this id");
    if (!IsKind(e.kind)) Fail(path + ".kind", "must be a word of lower-case letters and _");
    if (i == 0 && e.kind != "created") Fail(path + ".kind", "the first event is a created event");
    if (ActorName(e.actor) != e.actor) Fail(path + ".actor", "must be a normalized email or \"system\"");
  }
  return events;
}

// ---- Comparing histories ----

// The version of the source's history that a restored copy's created event
// stands for (transfer.h: an import starts a history afresh), 0 if none.
std::int64_t RestoredVersion(const std::vector<Event>& history) {
  if (history.empty() || history[0].kind != "created") return 0;
  const json::value* imported = history[0].details.if_contains("imported");
  const json::value* version = history[0].details.if_contains("source_version");
  if (imported == nullptr || !imported->is_bool() || !imported->get_bool() || version == nullptr ||
      !version->is_int64())
    return 0;
  return version->get_int64();
}

// Each side's events the other lacks. Events are matched by id; a restored
// copy's created event matches the source's events up to the version it
// was exported at.
struct Divergence {
  std::vector<const Event*> local_only, remote_only;
};

Divergence Diverge(const std::vector<Event>& local, const std::vector<Event>& remote) {
  std::unordered_set<std::string> local_ids, remote_ids;
  for (const Event& e : local) local_ids.insert(e.id);
  for (const Event& e : remote) remote_ids.insert(e.id);
  std::int64_t local_covers = RestoredVersion(local);
  if (local_covers > 0 && remote_ids.count(local[0].id)) local_covers = 0;
  std::int64_t remote_covers = RestoredVersion(remote);
  if (remote_covers > 0 && local_ids.count(remote[0].id)) remote_covers = 0;
  Divergence d;
  for (std::size_t i = 0; i < local.size(); ++i) {
    const Event& e = local[i];
    if (remote_ids.count(e.id) || (i == 0 && local_covers > 0) || e.seq <= remote_covers) continue;
    d.local_only.push_back(&e);
  }
  for (std::size_t i = 0; i < remote.size(); ++i) {
    const Event& e = remote[i];
    if (local_ids.count(e.id) || (i == 0 && remote_covers > 0) || e.seq <= local_covers) continue;
    d.remote_only.push_back(&e);
  }
  return d;
}

// A case's events must rebuild the case that comes with them: what a sync
// copies into history then tells the truth about the state it takes.
void CheckReplaysTo(const std::vector<Event>& events, const json::object& c) {
  Replayed replayed = Replay(events);
  if (replayed.error) Fail("events", *replayed.error);
  auto differences = CompareWithHistory(std::move(replayed.state), c);
  if (!differences.empty())
    Fail("case." + differences.front().member, "is not what the case's events rebuild");
}

std::set<std::string> PathsOf(const std::vector<const Event*>& events) {
  std::set<std::string> paths;
  for (const Event* e : events)
    for (const Change& c : e->changes) paths.insert(c.path);
  return paths;
}

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// Whether changes at `a` and at `b` touch the same value: the same member,
// or a whole schema (steps) and one field (step) of it.
bool Meet(std::string_view a, std::string_view b) {
  auto within = [](std::string_view whole, std::string_view part) {
    return (whole == "schema" && StartsWith(part, "data.")) ||
           (whole == "steps" && StartsWith(part, "steps."));
  };
  return a == b || within(a, b) || within(b, a);
}

// The member of the case shape a change path is in: "data.<key>" is in
// "schema", "steps.<id>" in "steps".
std::string MemberOf(std::string_view path) {
  if (StartsWith(path, "data.")) return "schema";
  if (StartsWith(path, "steps.")) return "steps";
  return std::string(path);
}

// The paths of either side's changes that meet one of the other's.
std::vector<std::string> MeetingPaths(const std::set<std::string>& local,
                                      const std::set<std::string>& remote) {
  std::set<std::string> met;
  for (const std::string& r : remote)
    for (const std::string& l : local)
      if (Meet(l, r)) {
        met.insert(l);
        met.insert(r);
      }
  return {met.begin(), met.end()};
}

json::value* ElementWith(json::value* array, std::string_view name, std::string_view id) {
  if (array == nullptr || !array->is_array()) return nullptr;
  for (json::value& item : array->get_array()) {
    const json::value* v = item.is_object() ? item.get_object().if_contains(name) : nullptr;
    if (v != nullptr && v->is_string() && v->get_string() == id) return &item;
  }
  return nullptr;
}

// Takes the remote's value at `path` into `target` (both the case shape).
void TakeRemote(json::object& target, const json::object& remote, std::string_view path) {
  std::size_t dot = path.find('.');
  if (dot == std::string_view::npos) {
    if (const json::value* v = remote.if_contains(path))
      target[path] = *v;
    else
      target.erase(path);
    return;
  }
  std::string_view head = path.substr(0, dot), key = path.substr(dot + 1);
  const char* array = head == "data" ? "schema" : "steps";
  const char* name = head == "data" ? "key" : "id";
  json::value* mine = ElementWith(target.if_contains(array), name, key);
  const json::value* theirs =
      ElementWith(const_cast<json::value*>(remote.if_contains(array)), name, key);
  if (mine == nullptr || theirs == nullptr) return;
  if (head == "data")
    mine->as_object()["value"] = theirs->as_object().contains("value") ? theirs->as_object().at("value")
                                                                       : json::value(nullptr);
  else
    *mine = *theirs;
}

json::array PathArray(const std::set<std::string>& paths) {
  json::array a;
  for (const std::string& p : paths) a.emplace_back(p);
  return a;
}

storage::StoredEvent ToStored(const Event& e, std::int64_t seq) {
  json::array changes;
  for (const Change& c : e.changes)
    changes.push_back(json::object{{"path", c.path}, {"before", c.before}, {"after", c.after}});
  return {seq,
          e.at,
          e.actor,
          e.kind,
          ToJsonText(changes),
          e.details.empty() ? std::string("{}") : ToJsonText(e.details),
          *UuidFromString(e.id)};
}

// The stored side of a conflict: {"case", "events", "paths"}.
struct RemoteSide {
  json::object remote;
  std::vector<Event> events;
  std::vector<std::string> paths;
};

RemoteSide ReadRemoteSide(const storage::StoredConflict& stored) {
  json::value v = storage::ParseStored(stored.remote);
  RemoteSide side;
  side.remote = v.at("case").as_object();
  for (const json::value& e : v.at("events").as_array()) side.events.push_back(json::value_to<Event>(e));
  for (const json::value& p : v.at("paths").as_array()) side.paths.emplace_back(p.as_string());
  return side;
}

std::string RemoteSideText(const json::object& remote, const std::vector<const Event*>& events,
                           const std::vector<std::string>& paths) {
  json::array list;
  for (const Event* e : events) list.push_back(json::value_from(*e));
  json::array met;
  for (const std::string& p : paths) met.emplace_back(p);
  return ToJsonText(json::object{{"case", remote}, {"events", std::move(list)}, {"paths", std::move(met)}});
}

std::int64_t VersionOf(const json::object& c) {
  const json::value* v = c.if_contains("version");
  return v != nullptr && v->is_int64() ? v->get_int64() : 0;
}

}  // namespace

// What one change set's application shares.
struct Engine::Impl::SyncBatch {
  Uuid source{};
  std::string actor;
  SyncSummary summary;
};

// ---- The source's side ----

std::int64_t Engine::Impl::WriteChanges(std::ostream& out, std::int64_t since, std::int64_t limit) {
  if (since < 0) throw Error(Status::ValidationFailed("since", "must be 0 or more"));
  if (limit < 1 || limit > kMaxBatch)
    throw Error(Status::ValidationFailed("limit", "must be from 1 to 10000"));
  storage::Transaction tx(*repo_, storage::Access::kRead);
  std::vector<storage::FeedEvent> feed = repo_->LoadChanges(since, limit);
  std::vector<std::pair<CaseKey, Uuid>> cases;
  for (const Uuid& id : CasesOf(feed))
    if (auto key = repo_->FindCaseInAnyWorkspace(id)) cases.emplace_back(*key, id);
  std::vector<json::value> templates;
  std::set<std::pair<std::int64_t, std::string>> template_ids;
  std::vector<Case> loaded;
  for (const auto& [key, id] : cases) {
    loaded.push_back(repo_->LoadCase(key));
    const Case& c = loaded.back();
    if (c.template_id && template_ids.insert({key.workspace, *c.template_id}).second)
      templates.push_back(json::value_from(MustFindTemplate(*repo_, key.workspace, *c.template_id).tmpl));
  }
  json::object header{{"casework_changes", kFormat},
                      {"source", UuidToString(repo_->DatabaseId())},
                      {"after", since},
                      {"after_event", UuidOrNull(since > 0 ? repo_->EventIdAtChange(since) : std::nullopt)},
                      {"to", feed.empty() ? since : feed.back().event.change},
                      {"to_event", feed.empty() ? json::value(nullptr)
                                                : json::value(UuidToString(feed.back().event.id))},
                      {"events", static_cast<std::int64_t>(feed.size())},
                      {"cases", static_cast<std::int64_t>(cases.size())},
                      {"templates", static_cast<std::int64_t>(templates.size())}};
  WriteLine(out, header);
  for (const json::value& t : templates) WriteLine(out, json::object{{"template", t}});
  for (std::size_t i = 0; i < cases.size(); ++i) {
    json::array events;
    for (const Event& e : LoadEvents(*repo_, cases[i].first)) events.push_back(json::value_from(e));
    WriteLine(out, json::object{{"case", json::value_from(loaded[i])}, {"events", std::move(events)}});
  }
  WriteLine(out, json::object{{"end", true}});
  out.flush();
  if (!out) throw Error(Status::StorageError("cannot write the change set"));
  return static_cast<std::int64_t>(feed.size());
}

// ---- This database's side ----

SyncSummary Engine::Impl::ApplyChanges(std::istream& in, const SyncOptions& options) {
  const JsonLimits limits;
  LineReader lines(in, limits.max_bytes);
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  WriteContext ctx = Context(0);
  SyncBatch batch{{}, ActorName(options.actor), {}};
  Header header;
  std::int64_t templates = 0, cases = 0;
  bool ended = false;
  std::string line;
  std::int64_t number = 0;
  while (lines.Next(line)) {
    ++number;
    try {
      if (IsBlank(line)) continue;
      if (ended) Fail("", "the change set goes on after its closing line");
      auto parsed = ParseJson(line, limits);
      if (!parsed.ok()) throw Error(parsed.status());
      if (number == 1) {
        header = ReadHeader(*parsed);
        batch.source = header.source;
        storage::SyncPeer progress = repo_->FindSyncPeer(header.source).value_or(storage::SyncPeer{});
        if (header.after != 0 && (header.after != progress.change || header.after_event != progress.event))
          Fail("after", "the changes start after change " + std::to_string(header.after) +
                            " of the source, where this database has not got (it has applied them "
                            "up to change " + std::to_string(progress.change) + ")");
        continue;
      }
      ObjectReader r(*parsed, "");
      if (r.Has("template")) {
        static constexpr std::string_view kMembers[] = {"template"};
        r.RejectUnknown(kMembers);
        if (cases > 0) Fail("template", "templates come before the cases");
        ++templates;
        CopyTemplate(ctx, json::value_to<Template>(*r.Find("template")));
      } else if (r.Has("case")) {
        static constexpr std::string_view kMembers[] = {"case", "events"};
        r.RejectUnknown(kMembers);
        ++cases;
        auto remote = r.Object("case");
        if (!remote) Fail("case", "must be an object");
        ApplyRemoteCase(ctx, batch, *remote, ReadEvents(r));
      } else if (r.Has("end")) {
        static constexpr std::string_view kMembers[] = {"end"};
        r.RejectUnknown(kMembers);
        if (templates != header.templates || cases != header.cases)
          Fail("end", "the change set holds " + std::to_string(templates) + " templates and " +
                          std::to_string(cases) + " cases, not the " +
                          std::to_string(header.templates) + " and " +
                          std::to_string(header.cases) + " its header announces");
        ended = true;
      } else {
        Fail("", "a line of a change set is a template, a case or the end");
      }
    } catch (const Error& e) {
      throw Error(e.status().WithFieldPrefix("line[" + std::to_string(number) + "]"));
    }
  }
  if (number == 0) throw Error(Status::ValidationFailed("line[1]", "the change set is empty"));
  if (!ended)
    throw Error(Status::ValidationFailed("line[" + std::to_string(number + 1) + "]",
                                         "the change set ends before its closing line"));
  if (header.to > header.after)
    repo_->SaveSyncPeer(header.source, {header.to, header.to_event});
  tx.Commit();
  batch.summary.changes = header.events;
  batch.summary.last_change = header.to;
  return batch.summary;
}

// A template the source's cases use and this database lacks is copied as
// the source has it now; one it has is left as it is.
void Engine::Impl::CopyTemplate(WriteContext& ctx, const Template& t) {
  WorkspaceRow workspace = EnsureWorkspace(ctx, t.workspace);
  auto id = UuidFromString(t.id);
  if (!id) Fail("template.id", "must be a UUID");
  if (repo_->FindTemplate(workspace.row, *id)) return;
  TemplateDraft draft{t.name,  t.statuses, t.initial_status,       t.transitions,
                      t.schema, t.steps,   t.closure_conditions, t.priority, std::nullopt};
  WriteContext scoped = Context(workspace.row);
  scoped.now = ctx.now;
  InsertTemplate(scoped, *id, ValidateTemplate(std::move(draft), formulas_));
}

WorkspaceRow Engine::Impl::EnsureWorkspace(WriteContext& ctx, const WorkspaceRef& ref) {
  if (auto found = repo_->FindWorkspaceBySlug(ref.slug)) return *found;
  auto id = UuidFromString(ref.id);
  if (!id || repo_->FindWorkspaceById(*id)) id = ctx.ids.Next(ctx.now);
  InsertWorkspace(*repo_, *id, ref.slug, ref.slug, ctx.now);
  return *repo_->FindWorkspaceBySlug(ref.slug);
}

void Engine::Impl::ApplyRemoteCase(WriteContext& ctx, SyncBatch& batch, const json::object& remote,
                                   std::vector<Event> remote_events) {
  ObjectReader r(remote, "case");
  Uuid id = RequiredUuid(r, "id");
  CheckReplaysTo(remote_events, remote);
  auto key = repo_->FindCaseInAnyWorkspace(id);
  if (!key) {
    CreateFromRemote(ctx, remote, remote_events);
    ++batch.summary.created;
    return;
  }
  Case local = repo_->LoadCase(*key);
  std::vector<Event> history = LoadEvents(*repo_, *key);
  Divergence d = Diverge(history, remote_events);
  if (d.remote_only.empty()) {
    ++batch.summary.unchanged;
    return;
  }
  std::vector<Event> taken;
  for (const Event* e : d.remote_only) taken.push_back(*e);
  auto conflict = repo_->FindConflict(*key);
  if (d.local_only.empty()) {
    // The source has every change made here: the case takes its state.
    auto updated_at = r.RequiredTimestamp("updated_at");
    Overwrite(ctx, *key, local, remote, taken, static_cast<std::int64_t>(history.size()), updated_at);
    if (conflict) SettleConflict(*key, *conflict);
    ++batch.summary.updated;
    return;
  }
  std::set<std::string> mine = PathsOf(d.local_only), theirs = PathsOf(d.remote_only);
  std::vector<std::string> met = MeetingPaths(mine, theirs);
  if (!met.empty() || conflict) {
    if (conflict && met.empty()) met = ReadRemoteSide(*conflict).paths;
    repo_->SaveConflict(*key, {id, batch.source, ctx.now, RemoteSideText(remote, d.remote_only, met)});
    ++batch.summary.conflicts;
    return;
  }
  json::object target = json::value_from(local).as_object();
  for (const std::string& path : theirs) TakeRemote(target, remote, path);
  Event merged;
  merged.at = ctx.now;
  merged.actor = batch.actor;
  merged.kind = "merged";
  merged.id = UuidToString(ctx.ids.Next(ctx.now));
  merged.details = {{"source", UuidToString(batch.source)},
                    {"local_version", local.version},
                    {"remote_version", VersionOf(remote)},
                    {"from_remote", PathArray(theirs)},
                    {"kept_local", PathArray(mine)}};
  taken.push_back(std::move(merged));
  Overwrite(ctx, *key, local, target, taken, static_cast<std::int64_t>(history.size()), ctx.now);
  ++batch.summary.merged;
}

// A case this database does not have: restored as the source has it, with
// the source's whole history.
void Engine::Impl::CreateFromRemote(WriteContext& ctx, const json::object& remote,
                                    const std::vector<Event>& events) {
  ObjectReader r(remote, "case");
  storage::Restored restored = DecodeRestored(r);
  auto ref = r.Object("workspace");
  if (!ref) Fail("case.workspace", "is required");
  WorkspaceRow workspace = EnsureWorkspace(ctx, json::value_to<WorkspaceRef>(json::value(*ref)));
  auto draft = DraftFromJson(remote, DraftKind::kReplace);
  if (!draft.ok()) throw Error(draft.status().WithFieldPrefix("case"));
  std::vector<std::string> links = draft->linked_cases.value_or(std::vector<std::string>{});
  draft->linked_cases.reset();
  WriteOptions write;
  write.workspace = workspace.workspace.slug;
  Case created;
  try {
    created = Insert(std::move(*draft), write, &restored, /*created_event=*/false);
  } catch (const Error& e) {
    throw Error(e.status().WithFieldPrefix("case"));
  }
  CaseKey key = *repo_->FindCaseInAnyWorkspace(restored.id);
  std::int64_t seq = 0;
  for (const Event& e : events) repo_->InsertEvent(key, ToStored(e, ++seq));
  repo_->SetVersion(key, seq, restored.updated_at);
  key.version = seq;
  SyncLinks(key, created.linked_cases, links);
}

void Engine::Impl::Overwrite(WriteContext& ctx, CaseKey key, const Case& before,
                             const json::object& target, const std::vector<Event>& events,
                             std::int64_t events_before, Timestamp updated_at) {
  auto draft = DraftFromJson(target, DraftKind::kReplace);
  if (!draft.ok()) throw Error(draft.status().WithFieldPrefix("case"));
  WriteContext scoped = Context(key.workspace);
  scoped.now = ctx.now;
  WriteDraft(scoped, key, *draft);
  ++key.version;
  ObjectReader r(target, "case");
  std::string status = r.RequiredString("status");
  auto resolved_at = r.NullableTimestamp("resolved_at");
  auto transition = NullableUuid(r, "last_transition_id");
  if (status != before.status || resolved_at != before.resolved_at ||
      (transition && UuidToString(*transition) != before.last_transition_id)) {
    auto parent = CaseWorkflowAt(key, before).ParentOf(status);
    if (!parent)
      Fail("case.status", "\"" + status + "\" is not a status of the case's workflow");
    repo_->SetStatus(key, status, *parent, resolved_at, transition.value_or(ctx.ids.Next(ctx.now)),
                     ctx.now);
    ++key.version;
  }
  auto archived_at = r.NullableTimestamp("archived_at");
  if (archived_at != before.archived_at) {
    repo_->SetArchivedAt(key, archived_at, ctx.now);
    ++key.version;
  }
  std::int64_t seq = events_before;
  for (const Event& e : events) repo_->InsertEvent(key, ToStored(e, ++seq));
  repo_->SetVersion(key, seq, updated_at);
  key.version = seq;
  SyncLinks(key, before.linked_cases, r.StringArray("linked_cases"));
}

// Links the case to the cases `wanted` names and this database has, and
// unlinks it from the others it had (`had`); both ends of a link change.
void Engine::Impl::SyncLinks(const CaseKey& key, const std::vector<std::string>& had,
                             const std::vector<std::string>& wanted) {
  auto other = [&](const std::string& id) -> std::optional<CaseKey> {
    auto uuid = UuidFromString(id);
    if (!uuid) Fail("case.linked_cases", "must be case ids");
    return repo_->FindCaseInAnyWorkspace(*uuid);
  };
  for (const std::string& id : wanted)
    if (std::find(had.begin(), had.end(), id) == had.end())
      if (auto found = other(id); found && found->row != key.row) repo_->SetLinked(key, *found, true);
  for (const std::string& id : had)
    if (std::find(wanted.begin(), wanted.end(), id) == wanted.end())
      if (auto found = other(id)) repo_->SetLinked(key, *found, false);
}

// A conflict whose peer events this case's history now holds is over.
void Engine::Impl::SettleConflict(const CaseKey& key, const storage::StoredConflict& conflict) {
  std::unordered_set<std::string> ids;
  for (const Event& e : LoadEvents(*repo_, key)) ids.insert(e.id);
  for (const Event& e : ReadRemoteSide(conflict).events)
    if (!ids.count(e.id)) return;
  repo_->DeleteConflict(key);
}

// ---- Conflicts ----

std::vector<Conflict> Engine::Impl::Conflicts(const ReadOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  WorkspaceRow workspace = Scope(options.workspace);
  std::vector<Conflict> conflicts;
  for (const storage::StoredConflict& stored : repo_->ListConflicts(workspace.row)) {
    auto key = repo_->FindCase(workspace.row, stored.case_id, storage::Lock::kNone);
    if (!key) continue;
    RemoteSide side = ReadRemoteSide(stored);
    conflicts.push_back({UuidToString(stored.case_id), workspace.workspace.slug,
                         UuidToString(stored.peer), stored.at, repo_->LoadCase(*key),
                         std::move(side.remote), std::move(side.events), std::move(side.paths)});
  }
  return conflicts;
}

Case Engine::Impl::Resolve(std::string_view id, const Resolution& resolution,
                           const WriteOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Target target = Open(id, options);
  auto stored = repo_->FindConflict(target.key);
  if (!stored) throw Error(Status::NotFound("case \"" + std::string(id) + "\" has no conflict"));
  RemoteSide side = ReadRemoteSide(*stored);
  std::vector<Event> history = LoadEvents(*repo_, target.key);
  std::unordered_set<std::string> ids;
  for (const Event& e : history) ids.insert(e.id);
  std::vector<Event> taken;
  for (Event& e : side.events)
    if (!ids.count(e.id)) taken.push_back(std::move(e));

  json::object chosen = json::value_from(target.before).as_object();
  const char* took = "local";
  if (resolution.take == Resolution::Take::kRemote) {
    chosen = side.remote;
    took = "remote";
  } else if (resolution.take == Resolution::Take::kGiven) {
    for (const auto& [member, value] : resolution.given) chosen[member] = value;
    took = "given";
  }
  // What the chosen state changes from the one the history, the peer's
  // events joined, rebuilds.
  std::vector<Event> joined = history;
  joined.insert(joined.end(), taken.begin(), taken.end());
  Replayed replayed = Replay(joined);
  Event resolved;
  resolved.at = target.ctx.now;
  resolved.actor = ActorName(options.actor);
  resolved.kind = "conflict_resolved";
  resolved.id = UuidToString(target.ctx.ids.Next(target.ctx.now));
  // Every member where the sides met is written whole, even where the
  // history here already ends on the chosen value: another database holds
  // the same events in another order, and replays it to the same state
  // only if this event settles those members.
  if (!replayed.error) resolved.changes = DiffSnapshots(replayed.state, chosen);
  static const json::value kNull;
  std::set<std::string> members;
  for (const std::string& path : side.paths) members.insert(MemberOf(path));
  for (const std::string& member : members) {
    auto recorded = [&](const Change& c) { return c.path == member; };
    if (std::any_of(resolved.changes.begin(), resolved.changes.end(), recorded)) continue;
    const json::value* was = replayed.state.if_contains(member);
    const json::value* now = chosen.if_contains(member);
    resolved.changes.push_back({member, was ? *was : kNull, now ? *now : kNull});
  }
  json::array paths;
  for (const std::string& p : side.paths) paths.emplace_back(p);
  resolved.details = {{"took", took},
                      {"source", UuidToString(stored->peer)},
                      {"local_version", target.before.version},
                      {"remote_version", VersionOf(side.remote)},
                      {"paths", std::move(paths)}};
  taken.push_back(std::move(resolved));
  Overwrite(target.ctx, target.key, target.before, chosen, taken,
            static_cast<std::int64_t>(history.size()), target.ctx.now);
  repo_->DeleteConflict(target.key);
  Case after = repo_->LoadCase(target.key);
  tx.Commit();
  return after;
}

}  // namespace casework

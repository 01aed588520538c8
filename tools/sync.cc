// casework command-line program: the change feed, point-in-time options,
// sync between databases and their conflicts (docs/SYNC.md).
#include <iostream>
#include <string>

#include <boost/json.hpp>

#include "casework/json.h"
#include "commands.h"

namespace casework::cli {
namespace {

namespace json = boost::json;

json::object SummaryJson(const SyncSummary& s) {
  return {{"changes", s.changes},     {"created", s.created},     {"updated", s.updated},
          {"merged", s.merged},       {"conflicts", s.conflicts}, {"unchanged", s.unchanged},
          {"last_change", s.last_change}};
}

json::object ConflictJson(const Conflict& c) {
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

// The source of a sync must exist: a typo must not sync from a new, empty
// file.
Result<std::unique_ptr<Engine>> OpenSource(const std::string& path) {
  Options options;
  options.create_if_missing = false;
  return Engine::Open(options, path);
}

}  // namespace

Output ListChanges(Engine& engine, std::int64_t since, std::int64_t limit) {
  auto entries = engine.Changes(since, limit);
  if (!entries.ok()) return entries.status();
  std::int64_t last = since;
  for (const ChangeEntry& entry : *entries) {
    json::value line = json::value_from(entry.event);
    json::object& o = line.as_object();
    o["case_id"] = entry.case_id;
    o["workspace"] = entry.workspace;
    std::cout << ToJsonText(line) << '\n';
    last = entry.event.change;
  }
  std::cout.flush();
  if (!std::cout) return Status::StorageError("cannot write the changes to stdout");
  return json::value(json::object{{"changes", static_cast<std::int64_t>(entries->size())},
                                  {"last_change", last}});
}

int FinishChanges(const Output& output) {
  if (output.ok()) return kExitOk;  // stdout holds the changes themselves
  return Finish(output);
}

Output SyncDatabases(Engine& target, const Context& ctx, const std::string& from,
                     std::int64_t batch) {
  auto source = OpenSource(from);
  if (!source.ok()) return source.status();
  SyncOptions options;
  options.actor = ctx.actor;
  options.batch = batch;
  auto summary = target.Pull(**source, options);
  if (!summary.ok()) return summary.status();
  json::object out = SummaryJson(*summary);
  out["from"] = from;
  out["to"] = ctx.db_path;
  return json::value(std::move(out));
}

Output ListConflicts(Engine& engine, const Context& ctx) {
  auto conflicts = engine.Conflicts(ctx.Read());
  if (!conflicts.ok()) return conflicts.status();
  json::array data;
  for (const Conflict& c : *conflicts) data.push_back(ConflictJson(c));
  return json::value(json::object{{"data", std::move(data)}});
}

Output ResolveConflict(Engine& engine, const Context& ctx, const std::string& id,
                       const std::string& take) {
  Resolution resolution;
  if (take == "local") {
    resolution.take = Resolution::Take::kLocal;
  } else if (take == "remote") {
    resolution.take = Resolution::Take::kRemote;
  } else {
    auto given = ReadJson(take);
    if (!given.ok()) return given.status();
    if (!given->is_object())
      return Status::ValidationFailed(take, InputName(take) + ": expected a JSON object");
    resolution.take = Resolution::Take::kGiven;
    resolution.given = std::move(given->as_object());
  }
  auto resolved = engine.Resolve(id, resolution, ctx.Write());
  if (!resolved.ok()) return resolved.status();
  return json::value_from(*resolved);
}

}  // namespace casework::cli

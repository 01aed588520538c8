// casework command-line program: the change feed, point-in-time options,
// sync between databases and their conflicts (docs/SYNC.md).
#include <iostream>
#include <string>

#include <boost/json.hpp>

#include "casework/json.h"
#include "commands.h"
#include "documents.h"

namespace casework::cli {
namespace {

namespace json = boost::json;

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
    std::cout << ToJsonText(documents::ChangeLine(entry)) << '\n';
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
  json::object out = documents::SyncSummaryDocument(*summary);
  out["from"] = from;
  out["to"] = ctx.db_path;
  return json::value(std::move(out));
}

Output ListConflicts(Engine& engine, const Context& ctx) {
  return documents::Conflicts(engine, ctx.Read());
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
  return documents::Resolve(engine, id, resolution, ctx.Write());
}

}  // namespace casework::cli

// The change feed and point-in-time reads: what a database's history
// answers without a peer (docs/SYNC.md).
#include <algorithm>

#include <boost/json.hpp>

#include "casework/json.h"
#include "engine_impl.h"
#include "history.h"

namespace casework {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMaxChanges = 10000;

}  // namespace

std::vector<ChangeEntry> Engine::Impl::Changes(std::int64_t since, std::int64_t limit) {
  if (since < 0) throw Error(Status::ValidationFailed("since", "must be 0 or more"));
  if (limit < 1 || limit > kMaxChanges)
    throw Error(Status::ValidationFailed("limit", "must be from 1 to 10000"));
  storage::Transaction tx(*repo_, storage::Access::kRead);
  std::vector<ChangeEntry> entries;
  for (storage::FeedEvent& row : repo_->LoadChanges(since, limit))
    entries.push_back(
        {UuidToString(row.case_id), std::move(row.workspace), EventFromStored(std::move(row.event))});
  return entries;
}

Uuid Engine::Impl::OwnId() {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  return repo_->DatabaseId();
}

storage::SyncPeer Engine::Impl::SyncProgress(const Uuid& source) {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  return repo_->FindSyncPeer(source).value_or(storage::SyncPeer{});
}

std::optional<Uuid> Engine::Impl::EventIdAtChange(std::int64_t change) {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  return repo_->EventIdAtChange(change);
}

// The history snapshot of the events up to the point asked for, with the
// members history does not record: the case's id and workspace, and the
// version and updated_at of its last event then.
Case Engine::Impl::CaseAsOf(const storage::CaseKey& key, const ReadOptions& options) {
  if (options.as_of && options.version)
    throw Error(Status::ValidationFailed("version", "give either as_of or version, not both"));
  if (options.version && *options.version < 1)
    throw Error(Status::ValidationFailed("version", "must be 1 or more"));
  std::vector<Event> events = LoadEvents(*repo_, key);
  auto past = std::find_if(events.begin(), events.end(), [&](const Event& e) {
    return options.version ? e.seq > *options.version : e.at > *options.as_of;
  });
  events.erase(past, events.end());
  if (events.empty() || (options.version && events.back().seq != *options.version))
    throw Error(Status::NotFound(options.version
                                     ? "the case has no version " + std::to_string(*options.version)
                                     : "the case did not exist at " + FormatTimestamp(*options.as_of)));
  Replayed replayed = Replay(events);
  if (replayed.error) throw Error(Status::StorageError("cannot rebuild the case: " + *replayed.error));
  Case now = repo_->LoadCase(key);
  json::object& shape = replayed.state;
  shape["id"] = now.id;
  shape["workspace"] = json::value_from(now.workspace);
  shape["version"] = events.back().seq;
  shape["updated_at"] = FormatTimestamp(events.back().at);
  return json::value_to<Case>(json::value(std::move(shape)));
}

}  // namespace casework

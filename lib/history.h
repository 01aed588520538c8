// The append-only history: what each event records, and its rows.
#ifndef CASEWORK_LIB_HISTORY_H_
#define CASEWORK_LIB_HISTORY_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "casework/case.h"
#include "casework/history.h"
#include "write_context.h"

namespace casework {

// The members of a case's JSON shape that history records: all but id,
// workspace, updated_at and version, which every change moves anyway.
boost::json::object HistorySnapshot(const Case& c);

// One Change per member whose value differs (a missing member is null), in
// the order of `after`.
std::vector<Change> DiffSnapshots(const boost::json::object& before,
                                  const boost::json::object& after);

// The history snapshot `events` rebuild, replayed from {} (each change's
// `after` at its path); `error` describes the first change that cannot be
// applied (a data. or steps. path the events before it do not define).
struct Replayed {
  boost::json::object state;
  std::optional<std::string> error;
};
Replayed Replay(std::span<const Event> events);

// A member where a case's snapshot and the state its history replays to
// differ: `in_case` false when the case lacks a member the history records.
// Users and contacts compare by email (a contact without one by its key):
// each database has its own ids for them.
struct MemberDifference {
  std::string member;
  boost::json::value expected, actual;
  bool in_case = true;
};
// `snapshot` is the case shape (the members history does not record are
// left out of the comparison).
std::vector<MemberDifference> CompareWithHistory(boost::json::object replayed,
                                                 boost::json::object snapshot);

// The actor as history records it: an email, trimmed and lower-cased, or
// "system" for a blank one; anything else is kValidationFailed ("actor").
std::string ActorName(std::string_view actor);

// Appends the first event of a new case: seq 1, kind "created", every
// member of its history snapshot (HistorySnapshot) as a change from null.
void AppendCreatedEvent(WriteContext& ctx, const storage::CaseKey& key, std::string_view actor,
                        const Case& created, const boost::json::object& details);

// Appends the case's next event (seq = last + 1) at ctx.now.
void AppendEvent(WriteContext& ctx, const storage::CaseKey& key, std::string_view actor,
                 std::string_view kind, const std::vector<Change>& changes,
                 const boost::json::object& details = {});

// An event as the API gives it, from its row.
Event EventFromStored(storage::StoredEvent stored);

// The case's events, oldest first.
std::vector<Event> LoadEvents(storage::Repository& repo, const storage::CaseKey& key);

}  // namespace casework

#endif  // CASEWORK_LIB_HISTORY_H_

// The append-only history: what each event records, and its rows.
#ifndef CASEWORK_LIB_HISTORY_H_
#define CASEWORK_LIB_HISTORY_H_

#include <cstdint>
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

// Appends the first event of a new case: seq 1, kind "created", every
// member of its history snapshot (HistorySnapshot) as a change from null.
void AppendCreatedEvent(WriteContext& ctx, const storage::CaseKey& key, std::string_view actor,
                        const Case& created, const boost::json::object& details);

// Appends the case's next event (seq = last + 1) at ctx.now.
void AppendEvent(WriteContext& ctx, const storage::CaseKey& key, std::string_view actor,
                 std::string_view kind, const std::vector<Change>& changes,
                 const boost::json::object& details = {});

// The case's events, oldest first.
std::vector<Event> LoadEvents(storage::Repository& repo, const storage::CaseKey& key);

}  // namespace casework

#endif  // CASEWORK_LIB_HISTORY_H_

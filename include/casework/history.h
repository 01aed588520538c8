// casework: the append-only history of a case.
#ifndef CASEWORK_HISTORY_H_
#define CASEWORK_HISTORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "casework/time.h"

namespace casework {

// One changed value. `path` is a top-level field of the case shape ("title",
// "contacts", "schema", ...), "data.<key>" for a field value, or
// "steps.<id>" for one step; before/after are JSON (null when absent).
struct Change {
  std::string path;
  boost::json::value before;
  boost::json::value after;
};

// Every change to a case appends events in the same transaction. Replaying
// the `after` values of a case's events in seq order rebuilds its state.
struct Event {
  std::int64_t seq = 0;  // 1, 2, ... per case
  Timestamp at;
  std::string actor;  // an email, or "system"
  std::string kind;   // created, patched, replaced, data_updated, ...
  std::vector<Change> changes;
  // Kind-specific details, e.g. "ignored": values offered for a known
  // contact that were not taken because the stored ones were not blank.
  boost::json::object details;
  // The event's own id (a UUID), the same in every database sync copies
  // it to, and its place in this database's change feed (1, 2, ... across
  // every case, in commit order; see docs/SYNC.md).
  std::string id;
  std::int64_t change = 0;
};

// An event of the change feed (Engine::Changes): the event and its case.
// `event.seq` is the case's version after the event.
struct ChangeEntry {
  std::string case_id;
  std::string workspace;  // slug
  Event event;
};

}  // namespace casework

#endif  // CASEWORK_HISTORY_H_

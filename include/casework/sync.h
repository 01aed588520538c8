// casework: sync between databases (docs/SYNC.md).
//
// Every event has an id of its own, kept by every database it is copied
// to, and every database numbers its events 1, 2, ... in commit order (its
// change feed, Engine::Changes). A pull reads the source's feed from where
// the last pull from that source stopped, and for each case it names
// compares the events of both sides by id:
//
//  - only the source has new events: the case takes the source's state and
//    its events (a case new here is created with its whole history);
//  - both have: when the members their new events change are disjoint
//    (data fields, steps and other members count apart), the case takes
//    the source's members over its own and a "merged" event records both
//    sides; when they meet, the case is left as it is and kept as a
//    conflict, with the source's side, until Engine::Resolve;
//  - only this side has new events: nothing (a push carries them).
//
// Each batch of the source's feed is applied in one transaction that also
// records how far the pull got: a pull that is killed resumes there, and
// one that is repeated changes nothing.
#ifndef CASEWORK_SYNC_H_
#define CASEWORK_SYNC_H_

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "casework/case.h"
#include "casework/history.h"
#include "casework/time.h"

namespace casework {

struct SyncOptions {
  // Recorded as the actor of merged events: an email or "system".
  std::string actor;
  // Source events read and applied per transaction (1 to 10,000).
  std::int64_t batch = 500;
};

// What a pull (or an applied change set) did, case by case.
struct SyncSummary {
  std::int64_t changes = 0;    // source events read
  std::int64_t created = 0;    // cases new here
  std::int64_t updated = 0;    // cases that took the source's state
  std::int64_t merged = 0;     // cases merged member by member
  std::int64_t conflicts = 0;  // cases left in conflict
  std::int64_t unchanged = 0;  // cases with nothing new from the source
  std::int64_t last_change = 0;  // the source's change applied up to
};

// A case whose changes here and at a peer met. `remote` is the peer's case
// (the shape Engine::Get returns), `remote_events` the peer's events this
// database lacks, `paths` the change paths of either side that meet the
// other's ("title", "data.amount", ...).
struct Conflict {
  std::string case_id;
  std::string workspace;  // slug
  std::string peer;       // the source database's id
  Timestamp at;           // when the pull found it
  Case local;
  boost::json::object remote;
  std::vector<Event> remote_events;
  std::vector<std::string> paths;
};

// How Engine::Resolve settles a conflict.
struct Resolution {
  enum class Take { kLocal, kRemote, kGiven };
  Take take = Take::kLocal;
  // For kGiven: members of the case shape to take over the local case's
  // (a case as `get` prints it, or any part of one).
  boost::json::object given;
};

}  // namespace casework

#endif  // CASEWORK_SYNC_H_

// casework: checking a database file against itself.
//
// Engine::Verify reads the whole file in one snapshot and reports what does
// not hold:
//   - PRAGMA integrity_check: the b-trees, indexes and pages are sound;
//   - PRAGMA foreign_key_check: every reference points at a row;
//   - case counts: the counts kept per workspace and status for list
//     totals are the numbers of cases;
//   - history: for every case, its events are numbered 1..n without a gap,
//     the case is at version n, and replaying the events' changes from
//     nothing rebuilds every recorded member of the stored case.
//
// Replay rules (the event format of history.h): a top-level path takes the
// change's `after`; "data.<key>" sets the value of schema field <key>;
// "steps.<id>" replaces step <id>. Contacts and users are records shared
// between cases (another case may fill one's blanks without an event here),
// so they are compared as links: contacts by {id, key, email}, the owner and
// assignees by {id, email}.
#ifndef CASEWORK_VERIFY_H_
#define CASEWORK_VERIFY_H_

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/value.hpp>
#include <boost/json/value_from.hpp>

namespace casework {

// One thing that does not hold.
struct VerifyProblem {
  // The case concerned; empty for a problem of the whole file.
  std::string case_id;
  // What differs: a member of the case shape ("title", "schema", ...),
  // "version", "history" (events missing, unreadable or malformed),
  // "integrity_check", "foreign_key_check" or "case_counts".
  std::string member;
  // For a member: what the history says it should be, and what is stored
  // (for case_counts: the number of cases, and the count kept). Null when
  // not applicable.
  boost::json::value expected;
  boost::json::value actual;
  // For a person, e.g. "stored value differs from the history's".
  std::string message;
};

struct VerifyReport {
  std::int64_t cases = 0;   // cases replayed
  std::int64_t events = 0;  // events replayed
  std::vector<VerifyProblem> problems;

  // True when nothing was found.
  bool clean() const { return problems.empty(); }
};

// {"clean", "cases", "events", "problems": [{"case_id", "member",
// "expected", "actual", "message"}]}.
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const VerifyProblem& p);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const VerifyReport& r);

}  // namespace casework

#endif  // CASEWORK_VERIFY_H_

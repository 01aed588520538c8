// casework: moving a case through its workflow.
#ifndef CASEWORK_TRANSITION_H_
#define CASEWORK_TRANSITION_H_

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "casework/case.h"

namespace casework {

// One closure condition evaluated on a case. A required schema field is an
// implicit condition named "required: <key>" that holds when the field has
// a value.
struct ConditionResult {
  std::string name;
  std::string formula;       // empty for a required field
  bool passed = false;
  boost::json::value value;  // what the formula evaluated to
  std::string reason;        // why it failed; empty when it passed
};

struct TransitionRequest {
  // A status of the case's workflow, or the name of one of its transitions
  // ("Close", "Reopen" in the built-in workflow).
  std::string to;
  std::string reason;
  // Evaluate and report, change nothing.
  bool dry_run = false;
};

struct TransitionOutcome {
  Case result;  // the case after the move (before it, for a dry run)
  std::string from;
  std::string to;
  std::optional<std::string> transition;  // the transition's name, if any
  bool applied = false;  // false for a dry run
  // The conditions evaluated: all of them when the move enters a closed
  // parent status, none otherwise.
  std::vector<ConditionResult> conditions;
};

}  // namespace casework

#endif  // CASEWORK_TRANSITION_H_

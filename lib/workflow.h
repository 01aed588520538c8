// The workflow a case follows: its statuses and the moves between them.
#ifndef CASEWORK_LIB_WORKFLOW_H_
#define CASEWORK_LIB_WORKFLOW_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casework/case.h"
#include "casework/template.h"

namespace casework {

struct Workflow {
  std::vector<StatusDefinition> statuses;
  std::string initial_status;
  std::vector<TransitionDefinition> transitions;

  std::optional<ParentStatus> ParentOf(std::string_view status) const;
};

// draft, pending, in_progress and closed, each its own parent status; any
// move between the non-closed ones; Close from each of them to closed;
// Reopen from closed to in_progress. Starts in draft.
const Workflow& BuiltinWorkflow();

// A move the workflow allows.
struct Move {
  std::string to;
  ParentStatus parent_status = ParentStatus::kDraft;
  std::optional<std::string> name;  // the transition's name, when it has one
};

// Finds the move from `current` that `target` names: first a transition of
// that name (exact, then ignoring ASCII case), then a transition to a status
// of that name. Throws Error(transition_not_allowed) when there is none.
Move ResolveMove(const Workflow& workflow, std::string_view current, std::string_view target);

// Checks a template's workflow part; throws Error(validation_failed) naming
// the offending item ("statuses[2].name", "transitions[0].to").
void ValidateWorkflow(const TemplateDraft& draft);

}  // namespace casework

#endif  // CASEWORK_LIB_WORKFLOW_H_

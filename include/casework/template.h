// casework: templates, the workflows cases follow.
#ifndef CASEWORK_TEMPLATE_H_
#define CASEWORK_TEMPLATE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "casework/case.h"
#include "casework/field.h"
#include "casework/step.h"
#include "casework/time.h"
#include "casework/workspace.h"

namespace casework {

// A custom status and the parent status it stands for.
struct StatusDefinition {
  std::string name;
  ParentStatus parent_status = ParentStatus::kDraft;
};

// An allowed move. `from` is a status name or "*" (any status but `to`);
// `name` is what a transition request may say instead of the target status
// ("Close", "Escalate").
struct TransitionDefinition {
  std::string from;
  std::string to;
  std::string name;
};

// What a template defines; the input of create and update.
struct TemplateDraft {
  std::string name;  // not blank
  std::vector<StatusDefinition> statuses;  // at least one; names distinct
  // Where new cases start: must be a status whose parent is not closed.
  // Empty means "draft", which the statuses must then have.
  std::string initial_status;
  std::vector<TransitionDefinition> transitions;
  std::vector<Field> schema;  // values are defaults for new cases
  std::vector<Step> steps;
  std::vector<ClosureCondition> closure_conditions;  // formulas must parse
  std::optional<Priority> priority;  // default priority of new cases
  std::optional<WorkspaceSelector> workspace;  // create only
};

// A stored template. Updating one makes a new version: cases keep the
// version they were created from, so a change never rewrites them.
struct Template {
  std::string id;  // UUID
  WorkspaceRef workspace;
  std::string name;
  std::vector<StatusDefinition> statuses;
  std::string initial_status;
  std::vector<TransitionDefinition> transitions;
  std::vector<Field> schema;
  std::vector<Step> steps;
  std::vector<ClosureCondition> closure_conditions;
  std::optional<Priority> priority;
  std::int64_t version = 0;  // 1 at creation, +1 on every update
  Timestamp created_at;
  Timestamp updated_at;
};

}  // namespace casework

#endif  // CASEWORK_TEMPLATE_H_

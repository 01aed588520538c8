// The workflow a case follows: its statuses and where a case starts.
#ifndef CASEWORK_LIB_WORKFLOW_H_
#define CASEWORK_LIB_WORKFLOW_H_

#include <optional>
#include <string>

#include "case_store.h"
#include "casework/case.h"

namespace casework {

// The built-in workflow: draft, pending, in_progress, closed, each its own
// parent status. nullopt for any other name.
std::optional<ParentStatus> BuiltinParentStatus(std::string_view status);

// The state a case created from `draft` starts in: the requested status,
// else "draft". Throws Error(validation_failed) for a status the workflow
// lacks, Error(not_found) for a template (none can exist yet).
InitialState InitialStateFor(const CaseDraft& draft);

}  // namespace casework

#endif  // CASEWORK_LIB_WORKFLOW_H_

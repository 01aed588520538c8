#include "workflow.h"

#include "casework/status.h"

namespace casework {

std::optional<ParentStatus> BuiltinParentStatus(std::string_view status) {
  return ParentStatusFromName(status);
}

InitialState InitialStateFor(const CaseDraft& draft) {
  if (draft.template_id)
    throw Error(Status::NotFound("no template with id \"" + *draft.template_id + "\""));
  std::string status = draft.status.value_or("draft");
  auto parent = BuiltinParentStatus(status);
  if (!parent)
    throw Error(Status::ValidationFailed(
        "status", "\"" + status + "\" is not a status of the workflow (draft, pending, "
                                  "in_progress, closed)"));
  return {status, *parent, std::nullopt};
}

}  // namespace casework

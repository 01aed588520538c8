// Workspaces: finding the one an operation is scoped to.
#ifndef CASEWORK_LIB_WORKSPACES_H_
#define CASEWORK_LIB_WORKSPACES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "casework/case.h"
#include "casework/workspace.h"
#include "storage/repository.h"
#include "uuid.h"

namespace casework {

using storage::WorkspaceRow;

// The operation's workspace: the one `scope` (a slug) names, the one the
// payload's `selector` names, else "default". kNotFound for an unknown one;
// kValidationFailed when scope and selector name different workspaces.
WorkspaceRow ResolveWorkspace(storage::Repository& repo, const std::optional<std::string>& scope,
                              const std::optional<WorkspaceSelector>& selector = std::nullopt);

// kValidationFailed for a malformed or taken slug.
Workspace InsertWorkspace(storage::Repository& repo, const Uuid& id, std::string_view slug,
                          std::string_view name, Timestamp now);

}  // namespace casework

#endif  // CASEWORK_LIB_WORKSPACES_H_

// casework: workspaces, the unit of isolation.
#ifndef CASEWORK_WORKSPACE_H_
#define CASEWORK_WORKSPACE_H_

#include <string>

namespace casework {

// Every case, contact, user and template belongs to exactly one workspace. An
// operation scoped to one workspace never reads, returns, changes or counts
// anything of another. A database always has the workspace "default".
struct Workspace {
  std::string id;    // UUID
  std::string slug;  // unique, [a-z0-9-]{1,64}
  std::string name;
};

// How a case names its workspace in output: {"id", "slug"}.
struct WorkspaceRef {
  std::string id;
  std::string slug;
};

inline constexpr const char* kDefaultWorkspace = "default";

}  // namespace casework

#endif  // CASEWORK_WORKSPACE_H_

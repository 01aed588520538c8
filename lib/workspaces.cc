#include "workspaces.h"

#include "casework/status.h"
#include "formats.h"

namespace casework {
namespace {

std::optional<WorkspaceRow> FindById(storage::Repository& repo, std::string_view id) {
  auto uuid = UuidFromString(id);
  if (!uuid) return std::nullopt;
  return repo.FindWorkspaceById(*uuid);
}

WorkspaceRow MustFindBySlug(storage::Repository& repo, std::string_view slug) {
  auto found = repo.FindWorkspaceBySlug(slug);
  if (!found) throw Error(Status::NotFound("no workspace with slug \"" + std::string(slug) + "\""));
  return *found;
}

WorkspaceRow FromSelector(storage::Repository& repo, const WorkspaceSelector& selector) {
  std::optional<WorkspaceRow> found;
  if (selector.id) {
    found = FindById(repo, *selector.id);
    if (!found) throw Error(Status::NotFound("no workspace with id \"" + *selector.id + "\""));
  }
  if (selector.slug) {
    WorkspaceRow by_slug = MustFindBySlug(repo, *selector.slug);
    if (found && found->row != by_slug.row)
      throw Error(Status::ValidationFailed("workspace", "id and slug name different workspaces"));
    found = by_slug;
  }
  if (!found) throw Error(Status::ValidationFailed("workspace", "give an id or a slug"));
  return *found;
}

}  // namespace

WorkspaceRow ResolveWorkspace(storage::Repository& repo, const std::optional<std::string>& scope,
                              const std::optional<WorkspaceSelector>& selector) {
  if (!selector) return MustFindBySlug(repo, scope.value_or(kDefaultWorkspace));
  WorkspaceRow named = FromSelector(repo, *selector);
  if (scope && *scope != named.workspace.slug)
    throw Error(Status::ValidationFailed(
        "workspace", "the request names workspace \"" + named.workspace.slug +
                         "\" but the operation is scoped to \"" + *scope + "\""));
  return named;
}

Workspace InsertWorkspace(storage::Repository& repo, const Uuid& id, std::string_view slug,
                          std::string_view name, Timestamp now) {
  if (!IsValidSlug(slug))
    throw Error(Status::ValidationFailed("slug", "\"" + std::string(slug) +
                                                     "\" is not a valid slug ([a-z0-9-]{1,64})"));
  if (CountCodePoints(name) > 255 || HasControlCharacter(name) || !IsValidUtf8(name))
    throw Error(Status::ValidationFailed("name", "at most 255 characters of UTF-8, no control characters"));
  if (repo.FindWorkspaceBySlug(slug))
    throw Error(Status::ValidationFailed("slug", "workspace \"" + std::string(slug) + "\" exists"));
  std::string_view label = IsBlank(name) ? slug : name;
  repo.InsertWorkspace(id, slug, label, now);
  return {UuidToString(id), std::string(slug), std::string(label)};
}

}  // namespace casework

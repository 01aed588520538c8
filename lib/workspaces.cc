#include "workspaces.h"

#include "casework/status.h"
#include "formats.h"
#include "storage/sql.h"

namespace casework {
namespace {

namespace sql = storage::sql;

WorkspaceRow ReadRow(storage::Stmt& q) {
  return {q.Int(0), {UuidToString(q.UuidAt(1)), q.Text(2), q.Text(3)}};
}

std::optional<WorkspaceRow> FindBySlug(storage::Connection& db, std::string_view slug) {
  auto q = db.Use(sql::kFindWorkspaceBySlug);
  q.Bind(1, slug);
  if (!q.Step()) return std::nullopt;
  return ReadRow(q);
}

std::optional<WorkspaceRow> FindById(storage::Connection& db, std::string_view id) {
  auto uuid = UuidFromString(id);
  if (!uuid) return std::nullopt;
  auto q = db.Use(sql::kFindWorkspaceByUuid);
  q.Bind(1, *uuid);
  if (!q.Step()) return std::nullopt;
  return ReadRow(q);
}

WorkspaceRow MustFindBySlug(storage::Connection& db, std::string_view slug) {
  auto found = FindBySlug(db, slug);
  if (!found) throw Error(Status::NotFound("no workspace with slug \"" + std::string(slug) + "\""));
  return *found;
}

WorkspaceRow FromSelector(storage::Connection& db, const WorkspaceSelector& selector) {
  std::optional<WorkspaceRow> found;
  if (selector.id) {
    found = FindById(db, *selector.id);
    if (!found) throw Error(Status::NotFound("no workspace with id \"" + *selector.id + "\""));
  }
  if (selector.slug) {
    WorkspaceRow by_slug = MustFindBySlug(db, *selector.slug);
    if (found && found->row != by_slug.row)
      throw Error(Status::ValidationFailed("workspace", "id and slug name different workspaces"));
    found = by_slug;
  }
  if (!found) throw Error(Status::ValidationFailed("workspace", "give an id or a slug"));
  return *found;
}

}  // namespace

WorkspaceRow ResolveWorkspace(storage::Connection& db, const std::optional<std::string>& scope,
                              const std::optional<WorkspaceSelector>& selector) {
  if (!selector) return MustFindBySlug(db, scope.value_or(kDefaultWorkspace));
  WorkspaceRow named = FromSelector(db, *selector);
  if (scope && *scope != named.workspace.slug)
    throw Error(Status::ValidationFailed(
        "workspace", "the request names workspace \"" + named.workspace.slug +
                         "\" but the operation is scoped to \"" + *scope + "\""));
  return named;
}

Workspace InsertWorkspace(storage::Connection& db, const Uuid& id, std::string_view slug,
                          std::string_view name, std::int64_t now_ms) {
  if (!IsValidSlug(slug))
    throw Error(Status::ValidationFailed("slug", "\"" + std::string(slug) +
                                                     "\" is not a valid slug ([a-z0-9-]{1,64})"));
  if (CountCodePoints(name) > 255 || HasControlCharacter(name) || !IsValidUtf8(name))
    throw Error(Status::ValidationFailed("name", "at most 255 characters of UTF-8, no control characters"));
  if (FindBySlug(db, slug))
    throw Error(Status::ValidationFailed("slug", "workspace \"" + std::string(slug) + "\" exists"));
  std::string_view label = IsBlank(name) ? slug : name;
  db.Use(sql::kInsertWorkspace).Bind(1, id).Bind(2, slug).Bind(3, label).Bind(4, now_ms).Run();
  return {UuidToString(id), std::string(slug), std::string(label)};
}

std::vector<Workspace> ListWorkspaces(storage::Connection& db) {
  std::vector<Workspace> all;
  auto q = db.Use(sql::kListWorkspaces);
  while (q.Step()) all.push_back(ReadRow(q).workspace);
  return all;
}

}  // namespace casework

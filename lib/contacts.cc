#include "contacts.h"

#include <boost/json/object.hpp>

#include "casework/status.h"
#include "formats.h"

namespace casework {
namespace {

using storage::StoredContact;

bool IsBlankValue(const std::optional<std::string>& value) { return !value || IsBlank(*value); }

// The fill-blanks rule for one attribute. Returns true when `stored` took
// the offered value.
bool FillBlank(std::optional<std::string>& stored, const std::optional<std::string>& offered,
               const std::string& path, IgnoredValues& ignored) {
  if (IsBlankValue(offered)) return false;
  if (IsBlankValue(stored)) {
    stored = offered;
    return true;
  }
  if (*stored != *offered)
    ignored.push_back(boost::json::object{{"path", path}, {"offered", *offered}, {"kept", *stored}});
  return false;
}

ContactLink Link(const ContactInput& input, const StoredContact& c) {
  return {input.key, c.row,
          CaseContact{UuidToString(c.id), input.key, input.email, c.name, c.given_name,
                      c.family_name, c.phone}};
}

// A contact without email is never merged: its insert always makes a row.
ContactLink InsertContactWithoutEmail(WriteContext& ctx, const ContactInput& input) {
  Uuid id = ctx.ids.Next(ctx.now);
  std::optional<std::int64_t> row = ctx.repo.InsertContact(ctx.workspace, id, input);
  if (!row) throw Error(Status::StorageError("a contact without email was not inserted"));
  return Link(input, {*row, id, input.name, input.given_name, input.family_name, input.phone});
}

// Thrown when another writer took an email between our find and insert,
// and then its row could not be found: it rolled back in between again.
[[noreturn]] void EmailRace(const std::string& path) {
  throw Error(Status::Busy(path + ": another writer is adding the same email; retry"));
}

ContactLink ResolveByEmail(WriteContext& ctx, const ContactInput& input, const std::string& path,
                           IgnoredValues& ignored) {
  std::optional<StoredContact> found = ctx.repo.FindContactByEmail(ctx.workspace, *input.email);
  if (!found) {
    Uuid id = ctx.ids.Next(ctx.now);
    if (auto row = ctx.repo.InsertContact(ctx.workspace, id, input))
      return Link(input, {*row, id, input.name, input.given_name, input.family_name, input.phone});
    // Another writer has just added it: it is the one to link.
    found = ctx.repo.FindContactByEmail(ctx.workspace, *input.email);
    if (!found) EmailRace(path);
  }
  bool changed = FillBlank(found->name, input.name, path + ".name", ignored);
  changed |= FillBlank(found->given_name, input.given_name, path + ".given_name", ignored);
  changed |= FillBlank(found->family_name, input.family_name, path + ".family_name", ignored);
  changed |= FillBlank(found->phone, input.phone, path + ".phone", ignored);
  if (changed) ctx.repo.UpdateContact(ctx.workspace, *found);
  return Link(input, *found);
}

ContactLink ResolveWithoutEmail(WriteContext& ctx, const std::optional<storage::CaseKey>& existing,
                                const ContactInput& input) {
  if (existing) {
    if (auto own = ctx.repo.FindOwnContact(*existing, input.key)) {
      StoredContact updated{own->row, own->id, input.name, input.given_name, input.family_name,
                            input.phone};
      ctx.repo.UpdateContact(ctx.workspace, updated);
      return Link(input, updated);
    }
  }
  return InsertContactWithoutEmail(ctx, input);
}

}  // namespace

ResolvedUser ResolveUser(WriteContext& ctx, const UserInput& user, const std::string& path,
                         IgnoredValues& ignored) {
  std::optional<storage::StoredUser> found = ctx.repo.FindUser(ctx.workspace, user.email);
  if (!found) {
    Uuid id = ctx.ids.Next(ctx.now);
    if (auto row = ctx.repo.InsertUser(ctx.workspace, id, user))
      return {*row, User{UuidToString(id), user.email, user.given_name, user.family_name}};
    // Another writer has just added this user: fill its blanks as any other.
    found = ctx.repo.FindUser(ctx.workspace, user.email);
    if (!found) EmailRace(path);
  }
  bool changed = FillBlank(found->given_name, user.given_name, path + ".given_name", ignored);
  changed |= FillBlank(found->family_name, user.family_name, path + ".family_name", ignored);
  if (changed) ctx.repo.UpdateUserNames(ctx.workspace, *found);
  return {found->row, User{UuidToString(found->id), user.email, std::move(found->given_name),
                           std::move(found->family_name)}};
}

std::vector<ContactLink> ResolveContacts(WriteContext& ctx,
                                         const std::optional<storage::CaseKey>& existing,
                                         const std::vector<ContactInput>& contacts,
                                         IgnoredValues& ignored) {
  std::vector<ContactLink> links;
  links.reserve(contacts.size());
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    const ContactInput& input = contacts[i];
    std::string path = "contacts[" + std::to_string(i) + "]";
    links.push_back(input.email ? ResolveByEmail(ctx, input, path, ignored)
                                : ResolveWithoutEmail(ctx, existing, input));
  }
  return links;
}

}  // namespace casework

// People a case names: users (owner, assignees) and contacts, deduplicated
// by email within a workspace.
#ifndef CASEWORK_LIB_CONTACTS_H_
#define CASEWORK_LIB_CONTACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/array.hpp>

#include "casework/user.h"
#include "write_context.h"

namespace casework {

// Values a request offered for a known person that were not taken because
// the stored value was not blank: {"path", "offered", "kept"} objects, kept
// in the event's details.
using IgnoredValues = boost::json::array;

// The user with this (normalized) email, created on first mention. Blank
// stored names are filled from `user`; others are kept and the offered value
// is recorded in `ignored` under `path` ("owner.given_name").
struct ResolvedUser {
  std::int64_t row = 0;
  User user;  // as stored, blanks filled
};
ResolvedUser ResolveUser(WriteContext& ctx, const UserInput& user, const std::string& path,
                         IgnoredValues& ignored);

using storage::ContactLink;

// Links for `contacts` (paths "contacts[i]"): a contact with a known email
// is the existing one with blanks filled; a contact without email is new,
// or, when the case `existing` already links one without email under the
// same key, that one updated to the request's values.
std::vector<ContactLink> ResolveContacts(WriteContext& ctx,
                                         const std::optional<storage::CaseKey>& existing,
                                         const std::vector<ContactInput>& contacts,
                                         IgnoredValues& ignored);

}  // namespace casework

#endif  // CASEWORK_LIB_CONTACTS_H_

// casework: users (case owners and assignees) and contacts.
#ifndef CASEWORK_PEOPLE_H_
#define CASEWORK_PEOPLE_H_

#include <optional>
#include <string>

namespace casework {

// A user of one workspace, identified by email. Emails are stored trimmed
// and lower-cased (ASCII), so "Ann@X.org " and "ann@x.org" are one user.
struct User {
  std::string id;  // UUID
  std::string email;
  std::optional<std::string> given_name;
  std::optional<std::string> family_name;
};

// A user as a request names one: the email is the identity; the names fill
// blanks of an existing user and never overwrite a stored non-blank value.
struct UserInput {
  std::string email;
  std::optional<std::string> given_name;
  std::optional<std::string> family_name;
};

// A contact linked to a case under a key (its role, e.g. "client").
struct CaseContact {
  std::string id;  // UUID of the contact, shared by every case linking it
  std::string key;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> given_name;
  std::optional<std::string> family_name;
  std::optional<std::string> phone;
};

// A contact as a request gives one. Within a workspace, a contact whose email
// (trimmed, case-insensitive) is already known links the existing contact:
// its blank attributes are filled from the request, its non-blank ones kept
// (the case history records an offered value that was not taken). A contact
// without email is never merged with another.
struct ContactInput {
  std::string key;
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> given_name;
  std::optional<std::string> family_name;
  std::optional<std::string> phone;
};

}  // namespace casework

#endif  // CASEWORK_PEOPLE_H_

#include "draft_validation.h"

#include <algorithm>
#include <set>
#include <string>

#include "casework/formula.h"
#include "casework/status.h"
#include "fields.h"
#include "formats.h"

namespace casework {
namespace {

constexpr std::size_t kMaxTitle = 1000;
constexpr std::size_t kMaxShortText = 255;   // reference, locale, names, tags, keys
constexpr std::size_t kMaxLongText = 1 << 20;  // description, formulas
constexpr std::size_t kMaxMetadataMembers = 1000;

[[noreturn]] void Fail(const std::string& path, std::string message) {
  throw Error(Status::ValidationFailed(path, std::move(message)));
}

std::string At(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void CheckLength(const std::optional<std::string>& text, std::size_t limit,
                 const std::string& path) {
  // Text that is not UTF-8 could not be written back as JSON.
  if (text && !IsValidUtf8(*text)) Fail(path, "is not valid UTF-8");
  if (text && CountCodePoints(*text) > limit)
    Fail(path, "longer than " + std::to_string(limit) + " characters");
}

// Single-line text: names, references, keys. Control characters there are
// always a mistake or an attack (header and log injection).
void CheckLine(const std::optional<std::string>& text, const std::string& path) {
  CheckLength(text, kMaxShortText, path);
  if (text && HasControlCharacter(*text)) Fail(path, "contains a control character");
}

std::string CheckEmail(const std::string& email, const std::string& path) {
  if (HasControlCharacter(email) || !IsValidEmail(email))
    Fail(path, "\"" + email + "\" is not a valid email address");
  return NormalizeEmail(email);
}

void CheckTitle(const std::string& title) {
  if (IsBlank(title)) Fail("title", "must not be blank");
  CheckLength(title, kMaxTitle, "title");
  if (HasControlCharacter(title)) Fail("title", "contains a control character");
}

// Any JSON, within bounds: member names are keys (single-line text).
void CheckMetadata(const boost::json::object& metadata) {
  if (metadata.size() > kMaxMetadataMembers)
    Fail("metadata", "more than " + std::to_string(kMaxMetadataMembers) + " members");
  for (const auto& member : metadata) {
    std::string key(member.key());
    if (!IsValidUtf8(key) || HasControlCharacter(key) || CountCodePoints(key) > kMaxShortText)
      Fail("metadata", "a member name is longer than 255 characters, not UTF-8, or has a control character");
    CheckJsonValue(member.value(), "metadata." + key);
  }
}

std::vector<UserInput> CheckAssignees(std::vector<UserInput> assignees) {
  std::vector<UserInput> distinct;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < assignees.size(); ++i) {
    UserInput user = ValidateUser(std::move(assignees[i]), At("assignees", i));
    if (seen.insert(user.email).second) distinct.push_back(std::move(user));
  }
  return distinct;
}

std::vector<std::string> CheckTags(const std::vector<std::string>& tags) {
  std::set<std::string> distinct;
  for (std::size_t i = 0; i < tags.size(); ++i) {
    std::string tag(Trim(tags[i]));
    if (tag.empty()) Fail(At("tags", i), "a tag is blank");
    CheckLine(tag, At("tags", i));
    distinct.insert(std::move(tag));
  }
  return {distinct.begin(), distinct.end()};
}

void CheckContacts(std::vector<ContactInput>& contacts) {
  std::set<std::string> keys;
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    ContactInput& contact = contacts[i];
    std::string path = At("contacts", i);
    if (IsBlank(contact.key)) Fail(path + ".key", "must not be blank");
    CheckLine(contact.key, path + ".key");
    if (!keys.insert(contact.key).second)
      Fail(path + ".key", "key \"" + contact.key + "\" is used twice");
    if (contact.email) contact.email = CheckEmail(*contact.email, path + ".email");
    CheckLine(contact.name, path + ".name");
    CheckLine(contact.given_name, path + ".given_name");
    CheckLine(contact.family_name, path + ".family_name");
    CheckLine(contact.phone, path + ".phone");
  }
}

}  // namespace

void ValidateSchema(std::vector<Field>& schema) {
  std::set<std::string> keys;
  for (std::size_t i = 0; i < schema.size(); ++i) {
    Field& field = schema[i];
    std::string path = At("schema", i);
    CheckFieldDefinition(field, path);
    if (!keys.insert(field.key).second)
      Fail(path + ".key", "key \"" + field.key + "\" is used twice");
    CheckFieldValue(field, field.value, path + ".value");
    field.value = CanonicalFieldValue(field.type, field.value);
    if (field.name.empty()) field.name = field.key;
  }
}

void ValidateSteps(const std::vector<Step>& steps) {
  std::set<std::string> ids;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    std::string path = At("steps", i);
    ValidateStep(steps[i], path);
    if (!ids.insert(steps[i].id).second)
      Fail(path + ".id", "id \"" + steps[i].id + "\" is used twice");
  }
}

void ValidateClosureConditions(const std::vector<ClosureCondition>& conditions,
                               FormulaCache& formulas) {
  std::set<std::string> names;
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    std::string path = At("closure_conditions", i);
    if (IsBlank(conditions[i].name)) Fail(path + ".name", "must not be blank");
    CheckLine(conditions[i].name, path + ".name");
    if (!names.insert(conditions[i].name).second)
      Fail(path + ".name", "name \"" + conditions[i].name + "\" is used twice");
    if (IsBlank(conditions[i].formula)) Fail(path + ".formula", "must not be blank");
    // Refused when stored, not discovered at close time.
    const auto& parsed = formulas.Get(conditions[i].formula);
    if (!parsed.ok())
      throw Error(Status::FormulaError(path + ".formula", parsed.status().position().value_or(0),
                                       parsed.status().message()));
  }
}

void ValidateStep(const Step& step, const std::string& path) {
  if (IsBlank(step.id)) Fail(path + ".id", "must not be blank");
  CheckLine(step.id, path + ".id");
  CheckLength(step.title, kMaxTitle, path + ".title");
  CheckJsonValue(step.data, path + ".data");
}

UserInput ValidateUser(UserInput user, const std::string& path) {
  user.email = CheckEmail(user.email, path + ".email");
  CheckLine(user.given_name, path + ".given_name");
  CheckLine(user.family_name, path + ".family_name");
  return user;
}

CaseDraft ValidateDraft(CaseDraft draft, FormulaCache& formulas) {
  CheckTitle(draft.title);
  CheckLength(draft.description, kMaxLongText, "description");
  CheckLine(draft.reference, "reference");
  CheckLine(draft.locale, "locale");
  CheckLine(draft.status, "status");
  CheckMetadata(draft.metadata);
  if (draft.owner) draft.owner = ValidateUser(std::move(*draft.owner), "owner");
  draft.assignees = CheckAssignees(std::move(draft.assignees));
  draft.tags = CheckTags(draft.tags);
  CheckContacts(draft.contacts);
  ValidateSchema(draft.schema);
  ValidateSteps(draft.steps);
  ValidateClosureConditions(draft.closure_conditions, formulas);
  return draft;
}

}  // namespace casework

#include "fields.h"

#include <cmath>
#include <limits>
#include <set>

#include "casework/status.h"
#include "casework/time.h"
#include "formats.h"

namespace casework {
namespace {

[[noreturn]] void Fail(const std::string& path, std::string message) {
  throw Error(Status::ValidationFailed(path, std::move(message)));
}

std::string TypeName(const Field& field) { return std::string(FieldTypeName(field.type)); }

bool IsOption(const Field& field, std::string_view value) {
  for (const auto& option : field.options)
    if (option == value) return true;
  return false;
}

bool IsIntegral(const boost::json::value& value) {
  if (value.is_int64()) return true;
  if (value.is_uint64()) return value.get_uint64() <= std::numeric_limits<std::int64_t>::max();
  // JSON has one number type: 12.0 is the integer 12, 12.5 is not.
  if (value.is_double()) {
    double d = value.get_double();
    return std::isfinite(d) && d == std::trunc(d) && std::fabs(d) <= 9007199254740992.0;
  }
  return false;
}

const std::string& NeedString(const Field& field, const boost::json::value& value,
                              const std::string& path, std::string& scratch) {
  if (!value.is_string()) Fail(path, "expected a string for a " + TypeName(field) + " field");
  scratch.assign(value.get_string().data(), value.get_string().size());
  return scratch;
}

void CheckMultiChoice(const Field& field, const boost::json::value& value, const std::string& path) {
  if (!value.is_array()) Fail(path, "expected an array of options for a multi_choice field");
  std::set<std::string_view> seen;
  const auto& items = value.get_array();
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::string item_path = path + "[" + std::to_string(i) + "]";
    if (!items[i].is_string()) Fail(item_path, "expected a string");
    std::string_view item = items[i].get_string();
    if (!IsOption(field, item)) Fail(item_path, "\"" + std::string(item) + "\" is not an option");
    if (!seen.insert(item).second) Fail(item_path, "\"" + std::string(item) + "\" is repeated");
  }
}

void CheckJsonText(std::string_view text, const std::string& path) {
  if (!IsValidUtf8(text)) Fail(path, "is not valid UTF-8");
}

// A member name is a key: never a NUL in it, which C code would cut short.
void CheckJsonKey(std::string_view key, const std::string& path) {
  CheckJsonText(key, path);
  if (key.find('\0') != std::string_view::npos) Fail(path, "a member name contains a NUL character");
}

void CheckJsonAt(const boost::json::value& value, const std::string& path, int depth);

void CheckJsonMembers(const boost::json::object& object, const std::string& path, int depth) {
  for (const auto& member : object) {
    CheckJsonKey(member.key(), path);
    CheckJsonAt(member.value(), path + "." + std::string(member.key()), depth + 1);
  }
}

void CheckJsonAt(const boost::json::value& value, const std::string& path, int depth) {
  constexpr int kMaxDepth = 64;
  if (depth > kMaxDepth) Fail(path, "nesting deeper than 64");
  switch (value.kind()) {
    case boost::json::kind::string:
      CheckJsonText(value.get_string(), path);
      return;
    case boost::json::kind::double_:
      if (!std::isfinite(value.get_double())) Fail(path, "not a finite number");
      return;
    case boost::json::kind::array: {
      const auto& items = value.get_array();
      for (std::size_t i = 0; i < items.size(); ++i)
        CheckJsonAt(items[i], path + "[" + std::to_string(i) + "]", depth + 1);
      return;
    }
    case boost::json::kind::object:
      CheckJsonMembers(value.get_object(), path, depth);
      return;
    default:
      return;
  }
}

}  // namespace

void CheckJsonValue(const boost::json::value& value, const std::string& path) {
  CheckJsonAt(value, path, 1);
}

void CheckJsonValue(const boost::json::object& object, const std::string& path) {
  CheckJsonMembers(object, path, 1);
}

void CheckFieldDefinition(const Field& field, const std::string& path) {
  if (!IsValidFieldKey(field.key))
    Fail(path + ".key", "\"" + field.key + "\" is not a valid key ([A-Za-z_][A-Za-z0-9_]{0,63})");
  if (CountCodePoints(field.name) > 1000) Fail(path + ".name", "longer than 1000 characters");
  CheckJsonText(field.name, path + ".name");
  bool is_choice = field.type == FieldType::kChoice || field.type == FieldType::kMultiChoice;
  if (!is_choice && !field.options.empty())
    Fail(path + ".options", "options belong to choice and multi_choice fields only");
  if (is_choice && field.options.empty())
    Fail(path + ".options", "a " + TypeName(field) + " field needs options");
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < field.options.size(); ++i) {
    std::string option_path = path + ".options[" + std::to_string(i) + "]";
    if (IsBlank(field.options[i])) Fail(option_path, "an option is blank");
    CheckJsonText(field.options[i], option_path);
    if (!seen.insert(field.options[i]).second)
      Fail(option_path, "\"" + field.options[i] + "\" is repeated");
  }
}

void CheckFieldValue(const Field& field, const boost::json::value& value,
                     const std::string& path) {
  if (value.is_null()) return;
  CheckJsonValue(value, path);
  std::string text;
  switch (field.type) {
    case FieldType::kText:
      NeedString(field, value, path, text);
      return;
    case FieldType::kNumber:
      if (!value.is_number()) Fail(path, "expected a number for a number field");
      if (value.is_double() && !std::isfinite(value.get_double())) Fail(path, "not a finite number");
      return;
    case FieldType::kInteger:
      if (!IsIntegral(value)) Fail(path, "expected an integer for an integer field");
      return;
    case FieldType::kBoolean:
      if (!value.is_bool()) Fail(path, "expected true or false for a boolean field");
      return;
    case FieldType::kDate:
      if (!IsValidDate(NeedString(field, value, path, text)))
        Fail(path, "expected a date YYYY-MM-DD, got \"" + text + "\"");
      return;
    case FieldType::kDateTime:
      if (!ParseTimestamp(NeedString(field, value, path, text)))
        Fail(path, "expected an RFC 3339 date-time, got \"" + text + "\"");
      return;
    case FieldType::kEmail:
      if (!IsValidEmail(NeedString(field, value, path, text)))
        Fail(path, "\"" + text + "\" is not a valid email address");
      return;
    case FieldType::kPhone:
      if (!IsValidPhone(NeedString(field, value, path, text)))
        Fail(path, "\"" + text + "\" is not a valid phone number");
      return;
    case FieldType::kChoice:
      if (!IsOption(field, NeedString(field, value, path, text)))
        Fail(path, "\"" + text + "\" is not an option");
      return;
    case FieldType::kMultiChoice:
      CheckMultiChoice(field, value, path);
      return;
    case FieldType::kJson:
      return;
  }
}

boost::json::value CanonicalFieldValue(FieldType type, const boost::json::value& value) {
  if (type != FieldType::kInteger || value.is_int64() || value.is_null()) return value;
  if (value.is_uint64()) return static_cast<std::int64_t>(value.get_uint64());
  return static_cast<std::int64_t>(value.get_double());
}

TypedValue TypedValueOf(FieldType type, const boost::json::value& value) {
  if (value.is_null()) return std::monostate{};
  switch (type) {
    case FieldType::kNumber:
      if (value.is_int64()) return value.get_int64();
      if (value.is_uint64()) return static_cast<double>(value.get_uint64());
      return value.get_double();
    case FieldType::kInteger:
      if (value.is_int64()) return value.get_int64();
      if (value.is_uint64()) return static_cast<std::int64_t>(value.get_uint64());
      return static_cast<std::int64_t>(value.get_double());
    case FieldType::kBoolean:
      return static_cast<std::int64_t>(value.get_bool() ? 1 : 0);
    case FieldType::kDateTime:
      return ParseTimestamp(value.get_string())->time_since_epoch().count();
    case FieldType::kText:
    case FieldType::kDate:
    case FieldType::kEmail:
    case FieldType::kPhone:
    case FieldType::kChoice:
      return std::string(value.get_string());
    case FieldType::kMultiChoice:
    case FieldType::kJson:
      return std::monostate{};
  }
  return std::monostate{};
}

}  // namespace casework

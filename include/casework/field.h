// casework: schema fields, the typed data of a case.
#ifndef CASEWORK_FIELD_H_
#define CASEWORK_FIELD_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

namespace casework {

enum class FieldType {
  kText,         // JSON string
  kNumber,       // JSON number, finite
  kInteger,      // JSON number without fraction, within int64
  kBoolean,      // true / false
  kDate,         // "YYYY-MM-DD", a real calendar date
  kDateTime,     // RFC 3339 date-time with offset
  kEmail,        // a well-formed address
  kPhone,        // digits with an optional leading +, spaces ( ) - . allowed
  kChoice,       // one of options
  kMultiChoice,  // array of distinct options
  kJson,         // any JSON value
};

// "text", "number", ..., "multi_choice", "json".
std::string_view FieldTypeName(FieldType type);
std::optional<FieldType> FieldTypeFromName(std::string_view name);

// One field of a case's schema with its current value. A value of the wrong
// type is rejected, never coerced ("12" is not an integer); null means "no
// value". A required field must hold a value before the case is closed.
struct Field {
  std::string key;   // [A-Za-z_][A-Za-z0-9_]{0,63}, unique within a case
  FieldType type = FieldType::kText;
  std::string name;  // label; defaults to the key when empty
  boost::json::value value;  // null when unset
  bool required = false;
  std::vector<std::string> options;  // for kChoice and kMultiChoice only
};

}  // namespace casework

#endif  // CASEWORK_FIELD_H_

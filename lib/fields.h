// Schema fields: checking definitions and values against their type.
#ifndef CASEWORK_LIB_FIELDS_H_
#define CASEWORK_LIB_FIELDS_H_

#include <cstdint>
#include <string>
#include <variant>

#include <boost/json/value.hpp>

#include "casework/field.h"

namespace casework {

// Throws Error(validation_failed) naming `path` ("schema[2]") when the
// definition is malformed: key pattern, options on a non-choice type, a
// choice type without options, duplicate or blank options.
void CheckFieldDefinition(const Field& field, const std::string& path);

// Throws Error(validation_failed) naming `path` ("schema[2].value",
// "data.amount") when `value` does not fit the field's type. null always fits.
void CheckFieldValue(const Field& field, const boost::json::value& value,
                     const std::string& path);

// Throws Error(validation_failed) naming the path of the first text in
// `value` that is not valid UTF-8, member name that holds a NUL, number that
// is not finite, or nesting deeper than 64 levels: such values could not be
// written back as JSON and read again.
void CheckJsonValue(const boost::json::value& value, const std::string& path);
void CheckJsonValue(const boost::json::object& object, const std::string& path);

// The stored form of a valid value: an integer field's 12.0 becomes 12, so
// that one number has one form and comparing values finds no false change.
boost::json::value CanonicalFieldValue(FieldType type, const boost::json::value& value);

// A valid value as an SQLite scalar that orders the way the type does:
// numbers as numbers, booleans as 0/1, dates as "YYYY-MM-DD", datetimes as
// epoch milliseconds, text-like types as text; null, multi_choice and json
// values have none.
using TypedValue = std::variant<std::monostate, std::int64_t, double, std::string>;
TypedValue TypedValueOf(FieldType type, const boost::json::value& value);

}  // namespace casework

#endif  // CASEWORK_LIB_FIELDS_H_

// casework: private helpers for strict JSON decoding.
//
// Every decoder takes the JSON path of the value it reads ("" for the root,
// "contacts[1]", "schema[0].options[2]") and throws casework::Error with a
// kValidationFailed Status naming the offending path. The public entry points
// (DraftFromJson, the value_to conversions of json.h) are built from these;
// other modules (templates, update-data) may reuse them for their payloads.
#ifndef CASEWORK_LIB_JSON_DECODE_H_
#define CASEWORK_LIB_JSON_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "casework/case.h"
#include "casework/status.h"
#include "casework/time.h"

namespace casework::json_internal {

// Throws casework::Error(Status::ValidationFailed(path, message)).
[[noreturn]] void Fail(std::string path, std::string message);

// "owner" + "email" -> "owner.email"; "" + "title" -> "title".
std::string MemberPath(std::string_view parent, std::string_view member);
// "contacts" + 1 -> "contacts[1]".
std::string ElementPath(std::string_view parent, std::size_t index);

// Reads the members of one JSON object, each with its path in errors.
// "Absent" means the member is not in the object; a member holding null is
// present, and only the Nullable* readers accept it.
class ObjectReader {
 public:
  // Throws "expected a JSON object" unless `value` is an object.
  ObjectReader(const boost::json::value& value, std::string path);
  ObjectReader(const boost::json::object& object, std::string path)
      : object_(object), path_(std::move(path)) {}
  // The reader keeps a reference: a temporary would dangle.
  ObjectReader(boost::json::value&& value, std::string path) = delete;

  // Throws "unknown field" for the first member (in document order) that
  // is in neither list. Two lists so that a payload kind can add members
  // to a shared base list.
  void RejectUnknown(std::span<const std::string_view> known,
                     std::span<const std::string_view> also = {}) const;

  const boost::json::object& object() const { return object_; }
  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view member) const { return MemberPath(path_, member); }

  // The member, or nullptr when absent.
  const boost::json::value* Find(std::string_view member) const;
  bool Has(std::string_view member) const { return Find(member) != nullptr; }

  // A string member that must be present ("is required").
  std::string RequiredString(std::string_view member) const;
  // A string member; `fallback` when absent. Null is a type error.
  std::string StringOr(std::string_view member, std::string fallback) const;
  // A string or null; nullopt when absent or null.
  std::optional<std::string> NullableString(std::string_view member) const;
  // An RFC 3339 date-time string or null; nullopt when absent or null.
  std::optional<Timestamp> NullableTimestamp(std::string_view member) const;
  // An RFC 3339 date-time string; `fallback` when absent. Null is an error.
  Timestamp TimestampOr(std::string_view member, Timestamp fallback) const;
  // The same, required ("is required" when absent).
  Timestamp RequiredTimestamp(std::string_view member) const;
  bool BoolOr(std::string_view member, bool fallback) const;
  // An integer within int64 (given as int64 or uint64); nullopt when absent.
  std::optional<std::int64_t> Int(std::string_view member) const;
  // The same, required.
  std::int64_t RequiredInt(std::string_view member) const;
  // An object member; nullopt when absent.
  std::optional<boost::json::object> Object(std::string_view member) const;
  // An array member; nullptr when absent.
  const boost::json::array* Array(std::string_view member) const;
  // An array of strings; empty when absent.
  std::vector<std::string> StringArray(std::string_view member) const;

  // An array member decoded element by element with
  // `decode(const value&, const std::string& path)`; empty when absent.
  template <typename Decode>
  auto ArrayOf(std::string_view member, Decode decode) const {
    using T = decltype(decode(std::declval<const boost::json::value&>(),
                              std::declval<const std::string&>()));
    std::vector<T> out;
    const boost::json::array* array = Array(member);
    if (array == nullptr) return out;
    const std::string base = PathOf(member);
    out.reserve(array->size());
    for (std::size_t i = 0; i < array->size(); ++i)
      out.push_back(decode((*array)[i], ElementPath(base, i)));
    return out;
  }

 private:
  const boost::json::object& object_;
  std::string path_;
};

// Scalar decoders for a value at `path`.
std::string DecodeString(const boost::json::value& v, const std::string& path);
std::int64_t DecodeInt(const boost::json::value& v, const std::string& path);
Timestamp DecodeTimestamp(const boost::json::value& v, const std::string& path);

// Domain shapes, as DOMAIN.md and json.h describe them.
UserInput DecodeUserInput(const boost::json::value& v, const std::string& path);
User DecodeUser(const boost::json::value& v, const std::string& path);
ContactInput DecodeContactInput(const boost::json::value& v, const std::string& path);
CaseContact DecodeCaseContact(const boost::json::value& v, const std::string& path);
Field DecodeField(const boost::json::value& v, const std::string& path);
Step DecodeStep(const boost::json::value& v, const std::string& path);
StepChange DecodeStepChange(const boost::json::value& v, const std::string& path);
ClosureCondition DecodeClosureCondition(const boost::json::value& v, const std::string& path);
// A step status name at `path`: todo, in_progress, done, skipped.
StepStatus DecodeStepStatus(const boost::json::value& v, const std::string& path);

}  // namespace casework::json_internal

#endif  // CASEWORK_LIB_JSON_DECODE_H_

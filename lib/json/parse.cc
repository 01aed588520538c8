// Reading untrusted JSON: text into a value (ParseJson), and the typed,
// path-aware member readers every strict decoder is built from.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <string>
#include <utility>

// A parser with our own handler needs the implementation of basic_parser.
#include <boost/json/basic_parser_impl.hpp>

#include "casework/json.h"
#include "json/decode.h"

namespace casework {
namespace {

Status Malformed(std::size_t offset, const boost::json::error_code& ec,
                 const JsonLimits& limits) {
  if (ec == boost::json::error::too_deep)
    return Status::ValidationFailed("", "nesting deeper than " + std::to_string(limits.max_depth) +
                                            " at byte " + std::to_string(offset));
  return Status::ValidationFailed(
      "", "malformed JSON at byte " + std::to_string(offset) + ": " + ec.message());
}

bool HasNonFinite(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::double_:
      return !std::isfinite(v.get_double());
    case boost::json::kind::array:
      return std::any_of(v.get_array().begin(), v.get_array().end(), HasNonFinite);
    case boost::json::kind::object:
      return std::any_of(v.get_object().begin(), v.get_object().end(),
                         [](const auto& member) { return HasNonFinite(member.value()); });
    default:
      return false;
  }
}

// A basic_parser handler that accepts everything but a number too large for
// a double, so that the parser stops there and tells its offset.
struct FiniteNumbers {
  using error_code = boost::json::error_code;
  using string_view = boost::json::string_view;
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  bool on_double(double d, string_view, error_code& ec) {
    if (std::isfinite(d)) return true;
    ec = boost::json::error::exponent_overflow;
    return false;
  }
  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t, error_code&) { return true; }
  bool on_object_begin(error_code&) { return true; }
  bool on_object_end(std::size_t, error_code&) { return true; }
  bool on_string_part(string_view, std::size_t, error_code&) { return true; }
  bool on_string(string_view, std::size_t, error_code&) { return true; }
  bool on_key_part(string_view, std::size_t, error_code&) { return true; }
  bool on_key(string_view, std::size_t, error_code&) { return true; }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }
};

// Boost.JSON reads 1e999 as infinity and would write it back as the
// non-JSON token "Infinity", so such numbers are malformed input. They are
// rare: the second pass that finds the offset runs only when there is one.
Status NonFiniteNumber(std::string_view text, const boost::json::parse_options& options,
                       const JsonLimits& limits) {
  boost::json::basic_parser<FiniteNumbers> checker(options);
  boost::json::error_code ec;
  const std::size_t offset = checker.write_some(false, text.data(), text.size(), ec);
  if (!ec) ec = boost::json::error::exponent_overflow;  // unreachable: the value had one
  return Malformed(offset, ec, limits);
}

}  // namespace

Result<boost::json::value> ParseJson(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes)
    return Status::ValidationFailed("", "document is " + std::to_string(text.size()) +
                                            " bytes; the limit is " +
                                            std::to_string(limits.max_bytes));
  boost::json::parse_options options;
  options.max_depth = limits.max_depth;
  try {
    // A parser rather than json::parse: write_some() tells how far it got,
    // which is the byte offset we report for errors and trailing data.
    boost::json::parser parser(boost::json::storage_ptr(), options);
    boost::json::error_code ec;
    const std::size_t consumed = parser.write_some(text.data(), text.size(), ec);
    if (ec) return Malformed(consumed, ec, limits);
    if (consumed < text.size())
      return Status::ValidationFailed("", "malformed JSON at byte " + std::to_string(consumed) +
                                              ": unexpected data after the JSON value");
    boost::json::value value = parser.release();
    if (HasNonFinite(value)) return NonFiniteNumber(text, options, limits);
    return value;
  } catch (const std::exception& e) {
    // Only allocation can throw here; the library never aborts on input.
    return Status::ValidationFailed("", std::string("cannot parse JSON: ") + e.what());
  }
}

namespace json_internal {

void Fail(std::string path, std::string message) {
  throw Error(Status::ValidationFailed(std::move(path), std::move(message)));
}

std::string MemberPath(std::string_view parent, std::string_view member) {
  std::string out(parent);
  if (!out.empty()) out += '.';
  out += member;
  return out;
}

std::string ElementPath(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '[';
  out += std::to_string(index);
  out += ']';
  return out;
}

std::string DecodeString(const boost::json::value& v, const std::string& path) {
  if (!v.is_string()) Fail(path, "expected a string");
  return std::string(v.get_string());
}

std::int64_t DecodeInt(const boost::json::value& v, const std::string& path) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    // The parser gives uint64 only to values above INT64_MAX, but a value
    // built in memory may hold a small one.
    if (v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      Fail(path, "is out of range");
    return static_cast<std::int64_t>(v.get_uint64());
  }
  Fail(path, "expected an integer");
}

Timestamp DecodeTimestamp(const boost::json::value& v, const std::string& path) {
  std::optional<Timestamp> t;
  if (v.is_string()) t = ParseTimestamp(v.get_string());
  if (!t) Fail(path, "expected an RFC 3339 date-time");
  return *t;
}

namespace {

const boost::json::object& AsObject(const boost::json::value& value, const std::string& path) {
  if (!value.is_object()) Fail(path, "expected a JSON object");
  return value.get_object();
}

}  // namespace

ObjectReader::ObjectReader(const boost::json::value& value, std::string path)
    : object_(AsObject(value, path)), path_(std::move(path)) {}

void ObjectReader::RejectUnknown(std::span<const std::string_view> known,
                                 std::span<const std::string_view> also) const {
  auto contains = [](std::span<const std::string_view> list, std::string_view name) {
    for (std::string_view k : list)
      if (k == name) return true;
    return false;
  };
  for (const auto& member : object_)
    if (!contains(known, member.key()) && !contains(also, member.key()))
      Fail(PathOf(member.key()), "unknown field");
}

const boost::json::value* ObjectReader::Find(std::string_view member) const {
  return object_.if_contains(member);
}

std::string ObjectReader::RequiredString(std::string_view member) const {
  const boost::json::value* v = Find(member);
  if (v == nullptr) Fail(PathOf(member), "is required");
  return DecodeString(*v, PathOf(member));
}

std::string ObjectReader::StringOr(std::string_view member, std::string fallback) const {
  const boost::json::value* v = Find(member);
  return v == nullptr ? std::move(fallback) : DecodeString(*v, PathOf(member));
}

std::optional<std::string> ObjectReader::NullableString(std::string_view member) const {
  const boost::json::value* v = Find(member);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) Fail(PathOf(member), "expected a string or null");
  return std::string(v->get_string());
}

std::optional<Timestamp> ObjectReader::NullableTimestamp(std::string_view member) const {
  const boost::json::value* v = Find(member);
  if (v == nullptr || v->is_null()) return std::nullopt;
  return DecodeTimestamp(*v, PathOf(member));
}

Timestamp ObjectReader::TimestampOr(std::string_view member, Timestamp fallback) const {
  const boost::json::value* v = Find(member);
  return v == nullptr ? fallback : DecodeTimestamp(*v, PathOf(member));
}

Timestamp ObjectReader::RequiredTimestamp(std::string_view member) const {
  const boost::json::value* v = Find(member);
  if (v == nullptr) Fail(PathOf(member), "is required");
  return DecodeTimestamp(*v, PathOf(member));
}

bool ObjectReader::BoolOr(std::string_view member, bool fallback) const {
  const boost::json::value* v = Find(member);
  if (v == nullptr) return fallback;
  if (!v->is_bool()) Fail(PathOf(member), "expected a boolean");
  return v->get_bool();
}

std::optional<std::int64_t> ObjectReader::Int(std::string_view member) const {
  const boost::json::value* v = Find(member);
  if (v == nullptr) return std::nullopt;
  return DecodeInt(*v, PathOf(member));
}

std::int64_t ObjectReader::RequiredInt(std::string_view member) const {
  std::optional<std::int64_t> n = Int(member);
  if (!n) Fail(PathOf(member), "is required");
  return *n;
}

std::optional<boost::json::object> ObjectReader::Object(std::string_view member) const {
  const boost::json::value* v = Find(member);
  if (v == nullptr) return std::nullopt;
  if (!v->is_object()) Fail(PathOf(member), "expected a JSON object");
  return v->get_object();
}

const boost::json::array* ObjectReader::Array(std::string_view member) const {
  const boost::json::value* v = Find(member);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) Fail(PathOf(member), "expected an array");
  return &v->get_array();
}

std::vector<std::string> ObjectReader::StringArray(std::string_view member) const {
  return ArrayOf(member, DecodeString);
}

}  // namespace json_internal
}  // namespace casework

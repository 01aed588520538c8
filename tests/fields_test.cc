#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "casework/status.h"
#include "fields.h"

using namespace casework;
namespace json = boost::json;

namespace {

Field Make(FieldType type, std::vector<std::string> options = {}) {
  Field f;
  f.key = "k";
  f.type = type;
  f.options = std::move(options);
  return f;
}

// The Status a value gets, OK when it fits.
Status Check(const Field& f, std::string_view value_json) {
  try {
    CheckFieldValue(f, json::parse(value_json), "data.k");
    return Status();
  } catch (const Error& e) {
    return e.status();
  }
}

Status CheckDefinition(const Field& f) {
  try {
    CheckFieldDefinition(f, "schema[0]");
    return Status();
  } catch (const Error& e) {
    return e.status();
  }
}

void Accepts(FieldType type, std::initializer_list<const char*> values,
             std::vector<std::string> options = {}) {
  for (const char* v : values) {
    CAPTURE(v);
    CHECK(Check(Make(type, options), v).ok());
  }
}

void Rejects(FieldType type, std::initializer_list<const char*> values,
             std::vector<std::string> options = {}) {
  for (const char* v : values) {
    CAPTURE(v);
    Status s = Check(Make(type, options), v);
    CHECK(s.code() == Code::kValidationFailed);
    CHECK(s.field().rfind("data.k", 0) == 0);
  }
}

}  // namespace

TEST_CASE("null fits every type: it clears the value") {
  for (int t = 0; t <= static_cast<int>(FieldType::kJson); ++t)
    CHECK(Check(Make(static_cast<FieldType>(t), {"a"}), "null").ok());
}

TEST_CASE("text takes strings only") {
  Accepts(FieldType::kText, {R"("")", R"("hello")"});
  Rejects(FieldType::kText, {"12", "true", "[]", "{}"});
}

TEST_CASE("number takes finite JSON numbers, never numeric strings") {
  Accepts(FieldType::kNumber, {"12", "-3.5", "1e10", "18446744073709551615"});
  Rejects(FieldType::kNumber, {R"("12")", "true", "[1]"});
}

TEST_CASE("integer takes whole numbers within int64, 12.0 included") {
  Accepts(FieldType::kInteger, {"12", "-7", "12.0", "9223372036854775807"});
  Rejects(FieldType::kInteger, {R"("12")", "1.5", "18446744073709551615", "1e300", "false"});
}

TEST_CASE("boolean takes true and false only") {
  Accepts(FieldType::kBoolean, {"true", "false"});
  Rejects(FieldType::kBoolean, {R"("yes")", "0", "1"});
}

TEST_CASE("date takes a real YYYY-MM-DD") {
  Accepts(FieldType::kDate, {R"("2024-02-29")"});
  Rejects(FieldType::kDate, {R"("2023-02-29")", R"("2024-2-1")", R"("2024-01-15T00:00:00Z")", "20240115"});
}

TEST_CASE("datetime takes RFC 3339 with an offset") {
  Accepts(FieldType::kDateTime, {R"("2024-01-15T08:30:00+01:00")", R"("2024-01-15T07:30:00.5Z")"});
  Rejects(FieldType::kDateTime, {R"("2024-01-15T08:30:00")", R"("2024-01-15")", R"("yesterday")", "1705303800"});
}

TEST_CASE("email and phone fields check their formats") {
  Accepts(FieldType::kEmail, {R"("sam@example.com")"});
  Rejects(FieldType::kEmail, {R"("sam@")", R"("sam")", "1"});
  Accepts(FieldType::kPhone, {R"("+32 2 555 01 02")"});
  Rejects(FieldType::kPhone, {R"("phone")", "3225550102"});
}

TEST_CASE("choice takes one of its options") {
  Accepts(FieldType::kChoice, {R"("water")"}, {"water", "fire"});
  Rejects(FieldType::kChoice, {R"("flood")", R"(["water"])", R"("Water")"}, {"water", "fire"});
}

TEST_CASE("multi_choice takes distinct options and names the bad item") {
  Accepts(FieldType::kMultiChoice, {"[]", R"(["water","fire"])"}, {"water", "fire"});
  Rejects(FieldType::kMultiChoice, {R"("water")", R"(["flood"])", R"(["water","water"])", "[1]"},
          {"water", "fire"});
  CHECK(Check(Make(FieldType::kMultiChoice, {"water", "fire"}), R"(["fire","flood"])").field() ==
        "data.k[1]");
}

TEST_CASE("json takes anything") {
  Accepts(FieldType::kJson, {"1", R"("s")", R"({"a":[1,{"b":null}]})", "[]"});
}

TEST_CASE("definitions: choice types need options, others must not have them") {
  CHECK(CheckDefinition(Make(FieldType::kChoice)).field() == "schema[0].options");
  CHECK(CheckDefinition(Make(FieldType::kText, {"a"})).field() == "schema[0].options");
  CHECK(CheckDefinition(Make(FieldType::kChoice, {"a", "a"})).field() == "schema[0].options[1]");
  CHECK(CheckDefinition(Make(FieldType::kChoice, {"a", " "})).field() == "schema[0].options[1]");
  CHECK(CheckDefinition(Make(FieldType::kMultiChoice, {"a", "b"})).ok());
}

TEST_CASE("definitions: the key must match the key pattern") {
  Field f = Make(FieldType::kText);
  f.key = "bad key";
  CHECK(CheckDefinition(f).field() == "schema[0].key");
}

TEST_CASE("typed values order the way their type does") {
  CHECK(std::get<std::int64_t>(TypedValueOf(FieldType::kInteger, json::parse("12.0"))) == 12);
  CHECK(std::get<double>(TypedValueOf(FieldType::kNumber, json::parse("2.5"))) == 2.5);
  CHECK(std::get<std::int64_t>(TypedValueOf(FieldType::kBoolean, json::parse("true"))) == 1);
  CHECK(std::get<std::string>(TypedValueOf(FieldType::kDate, json::parse(R"("2024-01-15")"))) ==
        "2024-01-15");
  // Two spellings of one instant share a typed value.
  auto a = TypedValueOf(FieldType::kDateTime, json::parse(R"("2024-01-15T08:30:00+01:00")"));
  auto b = TypedValueOf(FieldType::kDateTime, json::parse(R"("2024-01-15T07:30:00Z")"));
  CHECK(a == b);
  CHECK(std::holds_alternative<std::monostate>(TypedValueOf(FieldType::kJson, json::parse("{}"))));
  CHECK(std::holds_alternative<std::monostate>(TypedValueOf(FieldType::kText, json::parse("null"))));
}

// The engine through its public API: create, get, the field types, update
// data, optimistic versions, patch, replace, archive, links, steps,
// workspace isolation, persistence across reopen and the example payloads.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

#include "casework/casework.h"
#include "fixture.h"

namespace casework {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::DraftOf;
using testing::EngineFixture;
using testing::MustGet;
using testing::MustHistory;
using testing::ObjectOf;
using testing::ParseOrFail;

// ------------------------------------------------------------- helpers

Result<Case> TryCreate(EngineFixture& fx, std::string_view payload,
                       const WriteOptions& options = {}) {
  return fx.engine->Create(DraftOf(payload), options);
}

// The case's JSON shape, as get prints it.
json::value Shape(const Case& c) { return json::value_from(c); }

// The shape without the given members.
json::object ShapeWithout(const Case& c, std::initializer_list<std::string_view> members) {
  json::object o = Shape(c).as_object();
  for (std::string_view m : members) o.erase(m);
  return o;
}

// Checks that `result` failed with `code`, naming `field`.
template <typename T>
void CheckFails(const Result<T>& result, Code code, std::string_view field) {
  REQUIRE_FALSE(result.ok());
  CHECK_MESSAGE(result.status().code() == code, result.status().ToString());
  CHECK_MESSAGE(result.status().field() == field, result.status().ToString());
}

template <typename T>
void CheckNotFound(const Result<T>& result) {
  REQUIRE_FALSE(result.ok());
  CHECK_MESSAGE(result.status().code() == Code::kNotFound, result.status().ToString());
}

// The schema field with `key`; the test fails when there is none.
const Field& FieldOf(const Case& c, std::string_view key) {
  auto it = std::find_if(c.schema.begin(), c.schema.end(),
                         [&](const Field& f) { return f.key == key; });
  REQUIRE_MESSAGE(it != c.schema.end(), "no field " << key);
  return *it;
}

// A case with one field of each type, all unset.
constexpr std::string_view kTypedCase = R"({
  "title": "Typed",
  "schema": [
    {"key": "t", "type": "text"},
    {"key": "n", "type": "number"},
    {"key": "i", "type": "integer"},
    {"key": "b", "type": "boolean"},
    {"key": "d", "type": "date"},
    {"key": "dt", "type": "datetime"},
    {"key": "e", "type": "email"},
    {"key": "p", "type": "phone"},
    {"key": "c", "type": "choice", "options": ["red", "green"]},
    {"key": "m", "type": "multi_choice", "options": ["a", "b", "c"]},
    {"key": "j", "type": "json"}
  ]
})";

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::filesystem::path ExamplesDir() {
  if (const char* dir = std::getenv("CASEWORK_EXAMPLES")) return dir;
  return std::filesystem::path(__FILE__).parent_path().parent_path() / "examples";
}

std::string NormalizedEmail(std::string_view email) {
  while (!email.empty() && email.front() == ' ') email.remove_prefix(1);
  while (!email.empty() && email.back() == ' ') email.remove_suffix(1);
  std::string out(email);
  for (char& ch : out)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return out;
}

// ---------------------------------------------------------------- create

TEST_CASE("field values read back exactly, escaped text and every JSON type included") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "t", "schema": [
      {"key": "plain", "type": "text", "name": "P", "value": "POL-778"},
      {"key": "escaped", "type": "text", "name": "E", "value": "a \"quote\", a \\ and\na line"},
      {"key": "unicode", "type": "text", "name": "U", "value": "\u00e9t\u00e9 \ud83d\ude00"},
      {"key": "empty", "type": "text", "name": "Z", "value": ""},
      {"key": "amount", "type": "number", "name": "A", "value": 2450.5},
      {"key": "flag", "type": "boolean", "name": "F", "value": true},
      {"key": "blob", "type": "json", "name": "J", "value": {"list": [1, "two", null]}},
      {"key": "unset", "type": "text", "name": "N"}]})");
  Case got = testing::MustGet(fx, c.id);
  REQUIRE(got.schema.size() == c.schema.size());
  for (std::size_t i = 0; i < got.schema.size(); ++i) {
    CAPTURE(got.schema[i].key);
    CHECK(got.schema[i].value == c.schema[i].value);
  }
  CHECK(got.schema[1].value == boost::json::value("a \"quote\", a \\ and\na line"));
  CHECK(got.schema[2].value == boost::json::value("\xC3\xA9t\xC3\xA9 \xF0\x9F\x98\x80"));
  CHECK(got.schema[3].value == boost::json::value(""));
}

TEST_CASE("create returns version 1, status draft and timestamps at the clock time") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "First"})");
  CHECK(c.version == 1);
  CHECK(c.title == "First");
  CHECK(c.status == "draft");
  CHECK(c.parent_status == ParentStatus::kDraft);
  CHECK(c.created_at == fx.clock->now);
  CHECK(c.updated_at == fx.clock->now);
  REQUIRE(c.opened_at.has_value());
  CHECK(*c.opened_at == fx.clock->now);
  CHECK_FALSE(c.resolved_at.has_value());
  CHECK_FALSE(c.archived_at.has_value());
  CHECK(c.workspace.slug == "default");
  CHECK_FALSE(c.description.has_value());
  CHECK_FALSE(c.template_id.has_value());
}

TEST_CASE("create derives parent_status from the requested status") {
  EngineFixture fx;
  for (std::string_view status : {"draft", "pending", "in_progress", "closed"}) {
    CAPTURE(status);
    Case c = fx.MustCreate(R"({"title": "S", "status": ")" + std::string(status) + "\"}");
    CHECK(c.status == status);
    CHECK(ParentStatusName(c.parent_status) == status);
  }
}

TEST_CASE("create in a closed status sets resolved_at to the creation time") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "Done already", "status": "closed"})");
  REQUIRE(c.resolved_at.has_value());
  CHECK(*c.resolved_at == fx.clock->now);
}

TEST_CASE("create keeps a given opened_at") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "Old", "opened_at": "2020-05-06T07:08:09.123Z"})");
  REQUIRE(c.opened_at.has_value());
  CHECK(FormatTimestamp(*c.opened_at) == "2020-05-06T07:08:09.123Z");
  CHECK(c.created_at == fx.clock->now);
}

TEST_CASE("case ids are UUIDv7 and increase in creation order while the clock stands still") {
  EngineFixture fx;
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i)
    ids.push_back(fx.MustCreate(R"({"title": "Same instant"})").id);
  for (const std::string& id : ids) {
    CAPTURE(id);
    REQUIRE(id.size() == 36);
    CHECK(id[8] == '-');
    CHECK(id[13] == '-');
    CHECK(id[14] == '7');  // version nibble
    CHECK(std::string_view("89ab").find(id[19]) != std::string_view::npos);  // RFC variant
  }
  for (std::size_t i = 1; i < ids.size(); ++i) CHECK(ids[i - 1] < ids[i]);
}

TEST_CASE("case ids increase in creation order as the clock moves") {
  EngineFixture fx;
  std::string first = fx.MustCreate(R"({"title": "A"})").id;
  fx.clock->Advance(1ms);
  std::string second = fx.MustCreate(R"({"title": "B"})").id;
  fx.clock->Advance(1h);
  std::string third = fx.MustCreate(R"({"title": "C"})").id;
  CHECK(first < second);
  CHECK(second < third);
}

// ------------------------------------------------------------------- get

TEST_CASE("get returns exactly what create returned") {
  EngineFixture fx;
  Case created = fx.MustCreate(R"({
    "title": "Full", "description": "d", "reference": "R-1", "locale": "fr-BE",
    "priority": "medium", "waiting_for": "contact",
    "owner": {"email": "Owner@Example.com", "given_name": "Olga"},
    "assignee_emails": ["a@example.com", "b@example.com"],
    "tag_names": ["z", "a"], "metadata": {"k": [1, 2]},
    "contacts": [{"key": "client", "email": "c@example.com", "name": "Cy"}],
    "schema": [{"key": "amount", "type": "number", "value": 12.5}],
    "steps": [{"id": "review", "title": "Review"}]
  })");
  fx.clock->Advance(1s);
  Case got = MustGet(fx, created.id);
  CHECK(Shape(got) == Shape(created));
}

TEST_CASE("create normalizes emails and makes assignees and tags sets") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T", "owner": {"email": " Owner@Example.COM "},
      "assignee_emails": ["Ann@Example.com", "ann@example.com ", "bob@example.com"],
      "tag_names": ["b", " a ", "b", "a"]})");
  REQUIRE(c.owner.has_value());
  CHECK(c.owner->email == "owner@example.com");
  REQUIRE(c.assignees.size() == 2);
  CHECK(c.assignees[0].email == "ann@example.com");
  CHECK(c.assignees[1].email == "bob@example.com");
  CHECK(c.tags == std::vector<std::string>{"a", "b"});
}

TEST_CASE("create rejects a malformed email or a blank tag naming the input") {
  EngineFixture fx;
  CheckFails(TryCreate(fx, R"({"title": "T", "owner": {"email": "nope"}})"), Code::kValidationFailed,
             "owner.email");
  CheckFails(TryCreate(fx, R"({"title": "T", "assignee_emails": ["a@example.com", "b@"]})"),
             Code::kValidationFailed, "assignees[1].email");
  CheckFails(TryCreate(fx, R"({"title": "T", "contacts": [{"key": "client", "email": "x"}]})"),
             Code::kValidationFailed, "contacts[0].email");
  CheckFails(TryCreate(fx, R"({"title": "T", "tag_names": ["ok", "  "]})"), Code::kValidationFailed,
             "tags[1]");
}

TEST_CASE("get of an unknown or malformed id is not_found") {
  EngineFixture fx;
  fx.MustCreate(R"({"title": "Exists"})");
  CheckNotFound(fx.engine->Get("01890a5d-ac96-774b-bcce-b302099a8057"));
  CheckNotFound(fx.engine->Get("not-a-uuid"));
  CheckNotFound(fx.engine->Get(""));
  CheckNotFound(fx.engine->Get("01890a5d-ac96-774b-bcce-b302099a805"));
}

// ------------------------------------------------------ create validation

TEST_CASE("a create payload without title is validation_failed naming title") {
  Result<CaseDraft> draft = DraftFromJson(ParseOrFail(R"({"reference": "R"})"), DraftKind::kCreate);
  CheckFails(draft, Code::kValidationFailed, "title");
}

TEST_CASE("create rejects a blank title") {
  EngineFixture fx;
  CheckFails(TryCreate(fx, R"({"title": ""})"), Code::kValidationFailed, "title");
  CheckFails(TryCreate(fx, R"({"title": "  \t "})"), Code::kValidationFailed, "title");
}

TEST_CASE("create rejects a title over 1000 characters and accepts 1000") {
  EngineFixture fx;
  CaseDraft draft;
  draft.title = std::string(1001, 'x');
  CheckFails(fx.engine->Create(draft), Code::kValidationFailed, "title");
  draft.title = std::string(1000, 'x');
  CHECK(fx.engine->Create(draft).ok());
  // Characters, not bytes: 1000 two-byte characters fit.
  draft.title.clear();
  for (int i = 0; i < 1000; ++i) draft.title += "\xc3\xa9";
  CHECK(fx.engine->Create(draft).ok());
}

TEST_CASE("create rejects a status the workflow does not have") {
  EngineFixture fx;
  CheckFails(TryCreate(fx, R"({"title": "T", "status": "waiting"})"), Code::kValidationFailed,
             "status");
  CheckFails(TryCreate(fx, R"({"title": "T", "status": "Draft"})"), Code::kValidationFailed,
             "status");
}

TEST_CASE("create from a template id is not_found") {
  EngineFixture fx;
  CheckNotFound(TryCreate(fx, R"({"title": "T", "template": "01890a5d-ac96-774b-bcce-b302099a8057"})"));
  CheckNotFound(
      TryCreate(fx, R"({"title": "T", "template": {"id": "01890a5d-ac96-774b-bcce-b302099a8057"}})"));
}

// ---------------------------------------------------------------- fields

TEST_CASE("every field type accepts a value of its type") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({
    "title": "Typed",
    "schema": [
      {"key": "t", "type": "text", "value": "hello"},
      {"key": "n", "type": "number", "value": 2450.5},
      {"key": "i", "type": "integer", "value": -42},
      {"key": "b", "type": "boolean", "value": true},
      {"key": "d", "type": "date", "value": "2024-02-29"},
      {"key": "dt", "type": "datetime", "value": "2024-01-15T08:30:00+01:00"},
      {"key": "e", "type": "email", "value": "ann@example.org"},
      {"key": "p", "type": "phone", "value": "+32 (2) 555-01.02"},
      {"key": "c", "type": "choice", "options": ["red", "green"], "value": "green"},
      {"key": "m", "type": "multi_choice", "options": ["a", "b", "c"], "value": ["c", "a"]},
      {"key": "j", "type": "json", "value": {"nested": [1, "two", null]}}
    ]
  })");
  Case got = MustGet(fx, c.id);
  CHECK(FieldOf(got, "t").value == json::value("hello"));
  CHECK(FieldOf(got, "n").value == json::value(2450.5));
  CHECK(FieldOf(got, "i").value == json::value(-42));
  CHECK(FieldOf(got, "b").value == json::value(true));
  CHECK(FieldOf(got, "d").value == json::value("2024-02-29"));
  CHECK(FieldOf(got, "dt").value == json::value("2024-01-15T08:30:00+01:00"));
  CHECK(FieldOf(got, "e").value == json::value("ann@example.org"));
  CHECK(FieldOf(got, "p").value == json::value("+32 (2) 555-01.02"));
  CHECK(FieldOf(got, "c").value == json::value("green"));
  CHECK(FieldOf(got, "m").value == ParseOrFail(R"(["c", "a"])"));
  CHECK(FieldOf(got, "j").value == ParseOrFail(R"({"nested": [1, "two", null]})"));
  CHECK(FieldOf(got, "c").options == std::vector<std::string>{"red", "green"});
  CHECK(FieldOf(got, "m").type == FieldType::kMultiChoice);
  // A field without a name is labelled with its key.
  CHECK(FieldOf(got, "t").name == "t");
}

TEST_CASE("an integer field accepts 12.0 as the integer 12") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T", "schema": [{"key": "i", "type": "integer", "value": 12.0}]})");
  Case got = MustGet(fx, c.id);  // alive while v refers into it
  const json::value& v = FieldOf(got, "i").value;
  REQUIRE(v.is_number());
  CHECK(v.to_number<double>() == 12.0);

  Result<Case> updated = fx.engine->UpdateData(c.id, ObjectOf(R"({"i": 7.0})"));
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  REQUIRE(FieldOf(*updated, "i").value.is_number());
  CHECK(FieldOf(*updated, "i").value.to_number<double>() == 7.0);
}

TEST_CASE("an integer given as 12.0 is stored as 12, so setting 12 changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T", "schema": [{"key": "i", "type": "integer", "value": 12.0}]})");
  CHECK(FieldOf(c, "i").value.is_int64());
  Result<Case> updated = fx.engine->UpdateData(c.id, ObjectOf(R"({"i": 12})"));
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  CHECK(updated->version == 1);
  CHECK(MustHistory(fx, c.id).size() == 1);
}

TEST_CASE("a value of the wrong type is rejected naming schema[i].value") {
  struct BadValue {
    std::string_view field;  // the field definition's members but value
    std::string_view value;
  };
  const BadValue cases[] = {
      {R"("type": "text")", "5"},
      {R"("type": "number")", R"("12")"},
      {R"("type": "number")", "true"},
      {R"("type": "integer")", R"("12")"},
      {R"("type": "integer")", "1.5"},
      {R"("type": "integer")", "18446744073709551615"},
      {R"("type": "boolean")", R"("yes")"},
      {R"("type": "boolean")", "1"},
      {R"("type": "date")", R"("2023-02-30")"},
      {R"("type": "date")", R"("15/01/2024")"},
      {R"("type": "date")", "20240115"},
      {R"("type": "datetime")", R"("2024-01-15T08:30:00")"},
      {R"("type": "datetime")", R"("2024-01-15T25:00:00Z")"},
      {R"("type": "datetime")", R"("yesterday")"},
      {R"("type": "email")", R"("not-an-email")"},
      {R"("type": "email")", R"("ann@localhost")"},
      {R"("type": "phone")", R"("call me")"},
      {R"("type": "phone")", "3225550102"},
      {R"("type": "choice", "options": ["red", "green"])", R"("blue")"},
      {R"("type": "choice", "options": ["red", "green"])", R"(["red"])"},
      {R"("type": "multi_choice", "options": ["a", "b"])", R"(["a", "a"])"},
      {R"("type": "multi_choice", "options": ["a", "b"])", R"(["z"])"},
      {R"("type": "multi_choice", "options": ["a", "b"])", R"("a")"},
  };
  for (const BadValue& bad : cases) {
    EngineFixture fx;
    std::string payload = R"({"title": "T", "schema": [{"key": "ok", "type": "text", "value": "fine"},)"
                          R"({"key": "f", )" +
                          std::string(bad.field) + R"(, "value": )" + std::string(bad.value) +
                          "}]}";
    CAPTURE(payload);
    Result<Case> created = TryCreate(fx, payload);
    REQUIRE_FALSE(created.ok());
    CHECK(created.status().code() == Code::kValidationFailed);
    // Multi-choice errors name the offending element: schema[1].value[1].
    CHECK_MESSAGE(created.status().field().rfind("schema[1].value", 0) == 0,
                  created.status().ToString());
  }
}

TEST_CASE("a repeated multi_choice item is rejected naming the repeated element") {
  EngineFixture fx;
  CheckFails(TryCreate(fx, R"({"title": "T", "schema": [
      {"key": "m", "type": "multi_choice", "options": ["a", "b"], "value": ["a", "b", "a"]}]})"),
             Code::kValidationFailed, "schema[0].value[2]");
}

TEST_CASE("null is accepted for every field type and clears a value") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTypedCase);
  for (const Field& f : c.schema) CHECK(f.value.is_null());
  Result<Case> set = fx.engine->UpdateData(c.id, ObjectOf(R"({"t": "x", "i": 3, "m": ["b"]})"));
  REQUIRE_MESSAGE(set.ok(), set.status().ToString());
  Result<Case> cleared = fx.engine->UpdateData(c.id, ObjectOf(R"({"t": null, "i": null, "m": null})"));
  REQUIRE_MESSAGE(cleared.ok(), cleared.status().ToString());
  CHECK(FieldOf(*cleared, "t").value.is_null());
  CHECK(FieldOf(*cleared, "i").value.is_null());
  CHECK(FieldOf(*cleared, "m").value.is_null());
  CHECK(Shape(MustGet(fx, c.id)) == Shape(*cleared));
}

TEST_CASE("a choice field needs options") {
  EngineFixture fx;
  CheckFails(TryCreate(fx, R"({"title": "T", "schema": [{"key": "c", "type": "choice"}]})"),
             Code::kValidationFailed, "schema[0].options");
  CheckFails(TryCreate(fx, R"({"title": "T", "schema": [{"key": "m", "type": "multi_choice", "options": []}]})"),
             Code::kValidationFailed, "schema[0].options");
}

TEST_CASE("options on a field that is not a choice are rejected") {
  EngineFixture fx;
  CheckFails(TryCreate(fx, R"({"title": "T", "schema": [{"key": "t", "type": "text", "options": ["a"]}]})"),
             Code::kValidationFailed, "schema[0].options");
}

TEST_CASE("duplicate field keys are rejected") {
  EngineFixture fx;
  CheckFails(TryCreate(fx, R"({"title": "T", "schema": [
      {"key": "amount", "type": "number"}, {"key": "amount", "type": "text"}]})"),
             Code::kValidationFailed, "schema[1].key");
}

TEST_CASE("a field key outside [A-Za-z_][A-Za-z0-9_]{0,63} is rejected") {
  for (std::string key : {std::string("1abc"), std::string("has space"), std::string("dash-ed"),
                          std::string(""), std::string("d\xc3\xa9j\xc3\xa0"), std::string(65, 'k')}) {
    CAPTURE(key);
    EngineFixture fx;
    CheckFails(TryCreate(fx, R"({"title": "T", "schema": [{"key": ")" + key + R"(", "type": "text"}]})"),
               Code::kValidationFailed, "schema[0].key");
  }
  EngineFixture fx;
  CHECK(TryCreate(fx, R"({"title": "T", "schema": [{"key": "_a9", "type": "text"}]})").ok());
  CHECK(TryCreate(fx, R"({"title": "T", "schema": [{"key": ")" + std::string(64, 'k') +
                          R"(", "type": "text"}]})")
            .ok());
}

// ----------------------------------------------------------- update data

TEST_CASE("update-data sets the values, bumps the version by one and moves updated_at") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTypedCase);
  fx.clock->Advance(90s);
  Result<Case> updated =
      fx.engine->UpdateData(c.id, ObjectOf(R"({"t": "new", "n": 3.25, "b": false, "m": ["a", "c"]})"));
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  CHECK(updated->version == 2);
  CHECK(updated->updated_at == fx.clock->now);
  CHECK(updated->created_at == c.created_at);
  CHECK(FieldOf(*updated, "t").value == json::value("new"));
  CHECK(FieldOf(*updated, "n").value == json::value(3.25));
  CHECK(FieldOf(*updated, "b").value == json::value(false));
  CHECK(FieldOf(*updated, "m").value == ParseOrFail(R"(["a", "c"])"));
  CHECK(FieldOf(*updated, "i").value.is_null());
  CHECK(Shape(MustGet(fx, c.id)) == Shape(*updated));
}

TEST_CASE("update-data with one bad value among ten changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTypedCase);
  fx.clock->Advance(1s);
  Result<Case> updated = fx.engine->UpdateData(c.id, ObjectOf(R"({
      "t": "x", "n": 1, "b": true, "d": "2024-01-01", "dt": "2024-01-01T00:00:00Z",
      "i": "12",
      "e": "a@b.co", "p": "+1 555 0100", "c": "red", "m": ["b"]})"));
  CheckFails(updated, Code::kValidationFailed, "data.i");
  Case after = MustGet(fx, c.id);
  CHECK(Shape(after) == Shape(c));
  CHECK(after.version == 1);
  CHECK(MustHistory(fx, c.id).size() == 1);
}

TEST_CASE("update-data with a key the schema lacks is unknown_field and changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTypedCase);
  Result<Case> updated = fx.engine->UpdateData(c.id, ObjectOf(R"({"t": "x", "amount": 3})"));
  CheckFails(updated, Code::kUnknownField, "data.amount");
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
  CHECK(MustHistory(fx, c.id).size() == 1);
}

TEST_CASE("update-data with the values the case already has changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T", "schema": [
      {"key": "t", "type": "text", "value": "same"}, {"key": "i", "type": "integer", "value": 4}]})");
  fx.clock->Advance(1s);
  Result<Case> updated = fx.engine->UpdateData(c.id, ObjectOf(R"({"t": "same", "i": 4})"));
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  CHECK(updated->version == 1);
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
  CHECK(MustHistory(fx, c.id).size() == 1);
}

TEST_CASE("update-data of an unknown case is not_found") {
  EngineFixture fx;
  CheckNotFound(fx.engine->UpdateData("01890a5d-ac96-774b-bcce-b302099a8057", ObjectOf(R"({"t": "x"})")));
}

// ------------------------------------------------------------- conflicts

TEST_CASE("a stale expected_version is a conflict that changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(
      R"({"title": "T", "schema": [{"key": "t", "type": "text"}], "steps": [{"id": "s", "title": "S"}]})");
  Case other = fx.MustCreate(R"({"title": "Other"})");
  Result<Case> bumped = fx.engine->UpdateData(c.id, ObjectOf(R"({"t": "v2"})"));
  REQUIRE(bumped.ok());
  REQUIRE(bumped->version == 2);
  fx.clock->Advance(1s);
  WriteOptions stale;
  stale.expected_version = 1;

  Result<Case> result = Status();
  SUBCASE("update-data") { result = fx.engine->UpdateData(c.id, ObjectOf(R"({"t": "v3"})"), stale); }
  SUBCASE("patch") { result = fx.engine->Patch(c.id, ObjectOf(R"({"title": "New"})"), stale); }
  SUBCASE("replace") {
    result = fx.engine->Replace(c.id, DraftOf(R"({"title": "New"})", DraftKind::kReplace), stale);
  }
  SUBCASE("archive") { result = fx.engine->Archive(c.id, stale); }
  SUBCASE("link") { result = fx.engine->Link(c.id, other.id, stale); }
  SUBCASE("unlink") { result = fx.engine->Unlink(c.id, other.id, stale); }
  SUBCASE("unarchive") { result = fx.engine->Unarchive(c.id, stale); }
  SUBCASE("update step") {
    StepChange change;
    change.status = StepStatus::kDone;
    result = fx.engine->UpdateStep(c.id, "s", change, stale);
  }

  REQUIRE_FALSE(result.ok());
  CHECK(result.status().code() == Code::kConflict);
  CHECK(result.status().current_version() == std::optional<std::int64_t>(2));
  CHECK(Shape(MustGet(fx, c.id)) == Shape(*bumped));
  CHECK(Shape(MustGet(fx, other.id)) == Shape(other));
  CHECK(MustHistory(fx, c.id).size() == 2);
  CHECK(MustHistory(fx, other.id).size() == 1);
}

TEST_CASE("a current expected_version lets the change through") {
  EngineFixture fx;
  Case c = fx.MustCreate(
      R"({"title": "T", "schema": [{"key": "t", "type": "text"}], "steps": [{"id": "s", "title": "S"}]})");
  Case other = fx.MustCreate(R"({"title": "Other"})");
  WriteOptions current;
  current.expected_version = 1;

  Result<Case> result = Status();
  SUBCASE("update-data") { result = fx.engine->UpdateData(c.id, ObjectOf(R"({"t": "v2"})"), current); }
  SUBCASE("patch") { result = fx.engine->Patch(c.id, ObjectOf(R"({"title": "New"})"), current); }
  SUBCASE("replace") {
    result = fx.engine->Replace(c.id, DraftOf(R"({"title": "New"})", DraftKind::kReplace), current);
  }
  SUBCASE("archive") { result = fx.engine->Archive(c.id, current); }
  SUBCASE("link") { result = fx.engine->Link(c.id, other.id, current); }
  SUBCASE("update step") {
    StepChange change;
    change.status = StepStatus::kDone;
    result = fx.engine->UpdateStep(c.id, "s", change, current);
  }

  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(result->version == 2);
}

TEST_CASE("expected_version of link applies to the first case only") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  REQUIRE(fx.engine->Archive(b.id).ok());  // b is at version 2
  WriteOptions options;
  options.expected_version = 1;
  Result<Case> linked = fx.engine->Link(a.id, b.id, options);
  REQUIRE_MESSAGE(linked.ok(), linked.status().ToString());
  CHECK(MustGet(fx, b.id).version == 3);
}

// ----------------------------------------------------------------- patch

constexpr std::string_view kPatchable = R"({
  "title": "Original", "description": "Some words", "reference": "R-1", "locale": "en",
  "priority": "low", "tag_names": ["one", "two"],
  "metadata": {"a": 1, "b": {"x": 1, "y": 2}},
  "assignee_emails": ["ann@example.com"],
  "schema": [{"key": "t", "type": "text", "value": "v"}],
  "steps": [{"id": "review", "title": "Review"}]
})";

TEST_CASE("patch changes only the members it gives") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  fx.clock->Advance(5s);
  Result<Case> patched = fx.engine->Patch(c.id, ObjectOf(R"({"title": "Renamed", "priority": "high"})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(patched->title == "Renamed");
  CHECK(patched->priority == Priority::kHigh);
  CHECK(patched->version == 2);
  CHECK(patched->updated_at == fx.clock->now);
  CHECK(ShapeWithout(*patched, {"title", "priority", "version", "updated_at"}) ==
        ShapeWithout(c, {"title", "priority", "version", "updated_at"}));
  CHECK(Shape(MustGet(fx, c.id)) == Shape(*patched));
}

TEST_CASE("patch with null clears description") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  Result<Case> patched = fx.engine->Patch(c.id, ObjectOf(R"({"description": null, "priority": null})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK_FALSE(patched->description.has_value());
  CHECK_FALSE(patched->priority.has_value());
  CHECK(patched->title == "Original");
  CHECK(patched->reference == std::optional<std::string>("R-1"));
}

TEST_CASE("patch merges metadata: nested keys merge and null removes a key") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  Result<Case> patched =
      fx.engine->Patch(c.id, ObjectOf(R"({"metadata": {"a": null, "b": {"y": null, "z": 3}, "c": "new"}})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(json::value(patched->metadata) == ParseOrFail(R"({"b": {"x": 1, "z": 3}, "c": "new"})"));
}

TEST_CASE("patch with an unknown member is validation_failed naming it") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  CheckFails(fx.engine->Patch(c.id, ObjectOf(R"({"titel": "Typo"})")), Code::kValidationFailed, "titel");
  CheckFails(fx.engine->Patch(c.id, ObjectOf(R"({"schema": [{"key": "t", "type": "text", "colour": 1}]})")),
             Code::kValidationFailed, "schema[0].colour");
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
}

TEST_CASE("patch with null clears opened_at") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  REQUIRE(c.opened_at.has_value());
  Result<Case> patched = fx.engine->Patch(c.id, ObjectOf(R"({"opened_at": null})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK_FALSE(patched->opened_at.has_value());
  CHECK(patched->version == 2);
}

TEST_CASE("patch sets opened_at to a given time") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  Result<Case> patched = fx.engine->Patch(c.id, ObjectOf(R"({"opened_at": "2023-11-07T05:31:56Z"})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  REQUIRE(patched->opened_at.has_value());
  CHECK(FormatTimestamp(*patched->opened_at) == "2023-11-07T05:31:56Z");
}

TEST_CASE("patch accepts read-only members and ignores them") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  fx.clock->Advance(1s);
  Result<Case> patched = fx.engine->Patch(c.id, ObjectOf(R"({
      "id": "01890a5d-ac96-774b-bcce-b302099a8057", "version": 99,
      "created_at": "2000-01-01T00:00:00Z", "updated_at": "2000-01-01T00:00:00Z",
      "parent_status": "closed", "resolved_at": "2000-01-01T00:00:00Z",
      "archived_at": "2000-01-01T00:00:00Z", "last_transition_id": "x",
      "workspace": {"id": "01890a5d-ac96-774b-bcce-b302099a8057", "slug": "elsewhere"},
      "title": "Renamed"})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(patched->id == c.id);
  CHECK(patched->version == 2);
  CHECK(patched->created_at == c.created_at);
  CHECK(patched->updated_at == fx.clock->now);
  CHECK(patched->parent_status == ParentStatus::kDraft);
  CHECK_FALSE(patched->resolved_at.has_value());
  CHECK_FALSE(patched->archived_at.has_value());
  CHECK_FALSE(patched->last_transition_id.has_value());
  CHECK(patched->workspace.slug == "default");
  CHECK(patched->title == "Renamed");
}

TEST_CASE("patch carrying only read-only members changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  Result<Case> patched = fx.engine->Patch(c.id, ObjectOf(R"({"version": 7, "created_at": "2000-01-01T00:00:00Z"})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(patched->version == 1);
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
}

TEST_CASE("patch cannot change the status") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  CheckFails(fx.engine->Patch(c.id, ObjectOf(R"({"status": "pending"})")), Code::kValidationFailed,
             "status");
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
  // Sending the status it already has is fine.
  Result<Case> same = fx.engine->Patch(c.id, ObjectOf(R"({"status": "draft", "title": "X"})"));
  REQUIRE_MESSAGE(same.ok(), same.status().ToString());
  CHECK(same->title == "X");
}

TEST_CASE("patch cannot change the template or the links") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  Case other = fx.MustCreate(R"({"title": "Other"})");
  CheckFails(fx.engine->Patch(c.id, ObjectOf(R"({"template": "01890a5d-ac96-774b-bcce-b302099a8057"})")),
             Code::kValidationFailed, "template");
  CheckFails(fx.engine->Patch(c.id, ObjectOf(R"({"linked_cases": [")" + other.id + "\"]}")),
             Code::kValidationFailed, "linked_cases");
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
}

TEST_CASE("patch with tag_names replaces the tags") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  Result<Case> patched = fx.engine->Patch(c.id, ObjectOf(R"({"tag_names": ["zeta", "alpha", "zeta"]})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(patched->tags == std::vector<std::string>{"alpha", "zeta"});
}

TEST_CASE("patch with assignee_emails replaces the assignees") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  Result<Case> patched = fx.engine->Patch(c.id, ObjectOf(R"({"assignee_emails": ["Bob@Example.com"]})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  REQUIRE(patched->assignees.size() == 1);
  CHECK(patched->assignees[0].email == "bob@example.com");
}

TEST_CASE("patch of an unknown case is not_found") {
  EngineFixture fx;
  CheckNotFound(fx.engine->Patch("01890a5d-ac96-774b-bcce-b302099a8057", ObjectOf(R"({"title": "X"})")));
}

// --------------------------------------------------------------- replace

TEST_CASE("replace replaces the whole mutable record") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  fx.clock->Advance(1s);
  Result<Case> replaced = fx.engine->Replace(
      c.id, DraftOf(R"({"title": "Replaced", "tag_names": ["fresh"]})", DraftKind::kReplace));
  REQUIRE_MESSAGE(replaced.ok(), replaced.status().ToString());
  CHECK(replaced->title == "Replaced");
  CHECK_FALSE(replaced->description.has_value());
  CHECK_FALSE(replaced->reference.has_value());
  CHECK_FALSE(replaced->locale.has_value());
  CHECK_FALSE(replaced->priority.has_value());
  CHECK(replaced->tags == std::vector<std::string>{"fresh"});
  CHECK(replaced->metadata.empty());
  CHECK(replaced->assignees.empty());
  CHECK(replaced->schema.empty());
  CHECK(replaced->steps.empty());
  CHECK(replaced->version == 2);
  CHECK(replaced->updated_at == fx.clock->now);
  CHECK(replaced->id == c.id);
  CHECK(replaced->created_at == c.created_at);
  CHECK(replaced->status == c.status);
  CHECK(Shape(MustGet(fx, c.id)) == Shape(*replaced));
}

TEST_CASE("replacing a case with itself as fetched changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  Case other = fx.MustCreate(R"({"title": "Other"})");
  REQUIRE(fx.engine->Link(c.id, other.id).ok());
  Case fetched = MustGet(fx, c.id);
  fx.clock->Advance(1s);
  Result<Case> replaced =
      fx.engine->Replace(c.id, DraftOf(json::serialize(Shape(fetched)), DraftKind::kReplace));
  REQUIRE_MESSAGE(replaced.ok(), replaced.status().ToString());
  CHECK(replaced->version == fetched.version);
  CHECK(Shape(MustGet(fx, c.id)) == Shape(fetched));
}

TEST_CASE("a fetched case edited and sent back by replace changes only the edit") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  json::value shape = Shape(c);
  shape.as_object()["title"] = "Edited";
  Result<Case> replaced = fx.engine->Replace(c.id, DraftOf(json::serialize(shape), DraftKind::kReplace));
  REQUIRE_MESSAGE(replaced.ok(), replaced.status().ToString());
  CHECK(replaced->title == "Edited");
  CHECK(replaced->version == 2);
  CHECK(ShapeWithout(*replaced, {"title", "version", "updated_at"}) ==
        ShapeWithout(c, {"title", "version", "updated_at"}));
}

TEST_CASE("replace cannot change the status") {
  EngineFixture fx;
  Case c = fx.MustCreate(kPatchable);
  CheckFails(fx.engine->Replace(c.id, DraftOf(R"({"title": "T", "status": "closed"})", DraftKind::kReplace)),
             Code::kValidationFailed, "status");
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
}

// ------------------------------------------------------- archive/unarchive

TEST_CASE("archive sets archived_at and unarchive clears it, each bumping the version") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  fx.clock->Advance(1min);
  Result<Case> archived = fx.engine->Archive(c.id);
  REQUIRE_MESSAGE(archived.ok(), archived.status().ToString());
  REQUIRE(archived->archived_at.has_value());
  CHECK(*archived->archived_at == fx.clock->now);
  CHECK(archived->version == 2);
  CHECK(archived->updated_at == fx.clock->now);
  CHECK(Shape(MustGet(fx, c.id)) == Shape(*archived));

  fx.clock->Advance(1min);
  Result<Case> unarchived = fx.engine->Unarchive(c.id);
  REQUIRE_MESSAGE(unarchived.ok(), unarchived.status().ToString());
  CHECK_FALSE(unarchived->archived_at.has_value());
  CHECK(unarchived->version == 3);
  CHECK(unarchived->updated_at == fx.clock->now);
}

TEST_CASE("archiving an archived case changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  Result<Case> first = fx.engine->Archive(c.id);
  REQUIRE(first.ok());
  fx.clock->Advance(1min);
  Result<Case> second = fx.engine->Archive(c.id);
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  CHECK(second->version == 2);
  CHECK(Shape(*second) == Shape(*first));
  CHECK(Shape(MustGet(fx, c.id)) == Shape(*first));
}

TEST_CASE("unarchiving a case that is not archived changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  Result<Case> result = fx.engine->Unarchive(c.id);
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  CHECK(result->version == 1);
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
}

// ----------------------------------------------------------------- links

TEST_CASE("link is symmetric and bumps both versions") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  fx.clock->Advance(1s);
  Result<Case> linked = fx.engine->Link(a.id, b.id);
  REQUIRE_MESSAGE(linked.ok(), linked.status().ToString());
  CHECK(linked->linked_cases == std::vector<std::string>{b.id});
  CHECK(linked->version == 2);
  Case b_after = MustGet(fx, b.id);
  CHECK(b_after.linked_cases == std::vector<std::string>{a.id});
  CHECK(b_after.version == 2);
  CHECK(b_after.updated_at == fx.clock->now);
  CHECK(Shape(MustGet(fx, a.id)) == Shape(*linked));
}

TEST_CASE("linked_cases lists the links sorted") {
  EngineFixture fx;
  Case hub = fx.MustCreate(R"({"title": "Hub"})");
  std::vector<std::string> spokes;
  for (int i = 0; i < 4; ++i) spokes.push_back(fx.MustCreate(R"({"title": "Spoke"})").id);
  for (auto it = spokes.rbegin(); it != spokes.rend(); ++it) REQUIRE(fx.engine->Link(hub.id, *it).ok());
  CHECK(MustGet(fx, hub.id).linked_cases == spokes);
}

TEST_CASE("linking linked cases changes nothing") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  REQUIRE(fx.engine->Link(a.id, b.id).ok());
  Result<Case> again = fx.engine->Link(b.id, a.id);
  REQUIRE_MESSAGE(again.ok(), again.status().ToString());
  CHECK(again->version == 2);
  CHECK(MustGet(fx, a.id).version == 2);
}

TEST_CASE("a case cannot be linked to itself") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Result<Case> linked = fx.engine->Link(a.id, a.id);
  REQUIRE_FALSE(linked.ok());
  CHECK(linked.status().code() == Code::kValidationFailed);
  CHECK(Shape(MustGet(fx, a.id)) == Shape(a));
}

TEST_CASE("linking an unknown case is not_found") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  CheckNotFound(fx.engine->Link(a.id, "01890a5d-ac96-774b-bcce-b302099a8057"));
  CheckNotFound(fx.engine->Link(a.id, "garbage"));
  CHECK(Shape(MustGet(fx, a.id)) == Shape(a));
}

TEST_CASE("linking a case of another workspace is not_found") {
  EngineFixture fx;
  REQUIRE(fx.engine->CreateWorkspace("acme", "Acme").ok());
  WriteOptions acme;
  acme.workspace = "acme";
  Case here = fx.MustCreate(R"({"title": "Here"})");
  Case there = fx.MustCreate(R"({"title": "There"})", acme);
  CheckNotFound(fx.engine->Link(here.id, there.id));
  CheckNotFound(fx.engine->Link(there.id, here.id, acme));
  CHECK(Shape(MustGet(fx, here.id)) == Shape(here));
  ReadOptions read_acme;
  read_acme.workspace = "acme";
  CHECK(Shape(MustGet(fx, there.id, read_acme)) == Shape(there));
}

TEST_CASE("unlink removes both directions") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  REQUIRE(fx.engine->Link(a.id, b.id).ok());
  Result<Case> unlinked = fx.engine->Unlink(b.id, a.id);
  REQUIRE_MESSAGE(unlinked.ok(), unlinked.status().ToString());
  CHECK(unlinked->linked_cases.empty());
  CHECK(unlinked->version == 3);
  Case a_after = MustGet(fx, a.id);
  CHECK(a_after.linked_cases.empty());
  CHECK(a_after.version == 3);
}

TEST_CASE("unlinking cases that are not linked changes nothing") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  Result<Case> unlinked = fx.engine->Unlink(a.id, b.id);
  REQUIRE_MESSAGE(unlinked.ok(), unlinked.status().ToString());
  CHECK(unlinked->version == 1);
  CHECK(MustGet(fx, b.id).version == 1);
}

// ----------------------------------------------------------------- steps

constexpr std::string_view kWithSteps = R"({"title": "T", "steps": [
  {"id": "collect", "title": "Collect documents"},
  {"id": "review", "title": "Review", "status": "in_progress", "data": {"by": "ann"}}]})";

TEST_CASE("update step changes the step's status") {
  EngineFixture fx;
  Case c = fx.MustCreate(kWithSteps);
  fx.clock->Advance(1s);
  StepChange change;
  change.status = StepStatus::kDone;
  Result<Case> updated = fx.engine->UpdateStep(c.id, "review", change);
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  REQUIRE(updated->steps.size() == 2);
  CHECK(updated->steps[1].status == StepStatus::kDone);
  CHECK(updated->steps[1].title == "Review");
  CHECK(json::value(updated->steps[1].data) == ParseOrFail(R"({"by": "ann"})"));
  CHECK(updated->steps[0].status == StepStatus::kTodo);
  CHECK(updated->version == 2);
  CHECK(updated->updated_at == fx.clock->now);
  CHECK(Shape(MustGet(fx, c.id)) == Shape(*updated));
}

TEST_CASE("update step replaces the step's data and title") {
  EngineFixture fx;
  Case c = fx.MustCreate(kWithSteps);
  StepChange change;
  change.title = "Final review";
  change.data = ObjectOf(R"({"score": 3})");
  Result<Case> updated = fx.engine->UpdateStep(c.id, "review", change);
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  CHECK(updated->steps[1].title == "Final review");
  CHECK(json::value(updated->steps[1].data) == ParseOrFail(R"({"score": 3})"));
  CHECK(updated->steps[1].status == StepStatus::kInProgress);
}

TEST_CASE("update step of an unknown step is not_found and changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(kWithSteps);
  StepChange change;
  change.status = StepStatus::kDone;
  CheckNotFound(fx.engine->UpdateStep(c.id, "approve", change));
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
}

TEST_CASE("update step without a change leaves the version") {
  EngineFixture fx;
  Case c = fx.MustCreate(kWithSteps);
  StepChange change;
  change.status = StepStatus::kInProgress;
  Result<Case> updated = fx.engine->UpdateStep(c.id, "review", change);
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  CHECK(updated->version == 1);
}

TEST_CASE("update-step holds titles to the limit of every draft, naming the step") {
  EngineFixture fx;
  Case c = fx.MustCreate(kWithSteps);
  StepChange change;
  change.title = std::string(1001, 's');
  Result<Case> updated = fx.engine->UpdateStep(c.id, "review", change);
  REQUIRE_FALSE(updated.ok());
  CHECK(updated.status().code() == Code::kValidationFailed);
  CHECK(updated.status().field() == "steps[1].title");
  CHECK(Shape(MustGet(fx, c.id)) == Shape(c));
  // A case is always fit to be sent back as fetched.
  Result<Case> replaced =
      fx.engine->Replace(c.id, DraftOf(json::serialize(Shape(MustGet(fx, c.id))), DraftKind::kReplace));
  CHECK_MESSAGE(replaced.ok(), replaced.status().ToString());
}

// ------------------------------------------------------------ workspaces

TEST_CASE("a case of another workspace is not_found in the default workspace") {
  EngineFixture fx;
  Result<Workspace> ws = fx.engine->CreateWorkspace("acme", "Acme Inc.");
  REQUIRE_MESSAGE(ws.ok(), ws.status().ToString());
  WriteOptions acme;
  acme.workspace = "acme";
  Case there = fx.MustCreate(R"({"title": "Acme case", "schema": [{"key": "t", "type": "text"}]})", acme);
  CHECK(there.workspace.slug == "acme");
  CHECK(there.workspace.id == ws->id);
  Case here = fx.MustCreate(R"({"title": "Default case"})");

  WriteOptions scoped_default;
  scoped_default.workspace = "default";
  ReadOptions read_default;
  read_default.workspace = "default";
  CheckNotFound(fx.engine->Get(there.id));
  CheckNotFound(fx.engine->Get(there.id, read_default));
  CheckNotFound(fx.engine->History(there.id));
  CheckNotFound(fx.engine->Patch(there.id, ObjectOf(R"({"title": "X"})")));
  CheckNotFound(fx.engine->Patch(there.id, ObjectOf(R"({"title": "X"})"), scoped_default));
  CheckNotFound(fx.engine->UpdateData(there.id, ObjectOf(R"({"t": "x"})")));
  CheckNotFound(fx.engine->Replace(there.id, DraftOf(R"({"title": "X"})", DraftKind::kReplace)));
  CheckNotFound(fx.engine->Archive(there.id));
  CheckNotFound(fx.engine->Link(there.id, here.id));
  CheckNotFound(fx.engine->Link(here.id, there.id));

  ReadOptions read_acme;
  read_acme.workspace = "acme";
  Case seen = MustGet(fx, there.id, read_acme);
  CHECK(Shape(seen) == Shape(there));
  CHECK(MustHistory(fx, there.id, read_acme).size() == 1);
  CheckNotFound(fx.engine->Get(here.id, read_acme));

  Result<Case> patched = fx.engine->Patch(there.id, ObjectOf(R"({"title": "Renamed"})"), acme);
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(patched->title == "Renamed");
}

TEST_CASE("a payload naming the operation's workspace is accepted") {
  EngineFixture fx;
  REQUIRE(fx.engine->CreateWorkspace("acme", "").ok());
  Result<Case> created = TryCreate(fx, R"({"title": "T", "workspace": {"slug": "acme"}})");
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  CHECK(created->workspace.slug == "acme");
  WriteOptions acme;
  acme.workspace = "acme";
  Result<Case> scoped = TryCreate(fx, R"({"title": "T", "workspace": {"slug": "acme"}})", acme);
  REQUIRE_MESSAGE(scoped.ok(), scoped.status().ToString());
  CHECK(scoped->workspace.slug == "acme");
}

TEST_CASE("a payload naming another workspace than the operation's is validation_failed") {
  EngineFixture fx;
  REQUIRE(fx.engine->CreateWorkspace("acme", "Acme").ok());
  WriteOptions scoped_default;
  scoped_default.workspace = "default";
  CheckFails(TryCreate(fx, R"({"title": "T", "workspace": {"slug": "acme"}})", scoped_default),
             Code::kValidationFailed, "workspace");
}

TEST_CASE("a payload naming two different workspaces is validation_failed") {
  EngineFixture fx;
  Result<Workspace> acme = fx.engine->CreateWorkspace("acme", "Acme");
  REQUIRE(acme.ok());
  CheckFails(TryCreate(fx, R"({"title": "T", "workspace": {"id": ")" + acme->id + R"(", "slug": "default"}})"),
             Code::kValidationFailed, "workspace");
}

TEST_CASE("an unknown workspace is not_found") {
  EngineFixture fx;
  WriteOptions nowhere;
  nowhere.workspace = "nowhere";
  CheckNotFound(TryCreate(fx, R"({"title": "T"})", nowhere));
  CheckNotFound(TryCreate(fx, R"({"title": "T", "workspace": {"slug": "nowhere"}})"));
  CheckNotFound(TryCreate(fx, R"({"title": "T", "workspace": {"id": "01890a5d-ac96-774b-bcce-b302099a8057"}})"));
  Case c = fx.MustCreate(R"({"title": "T"})");
  ReadOptions read_nowhere;
  read_nowhere.workspace = "nowhere";
  CheckNotFound(fx.engine->Get(c.id, read_nowhere));
}

TEST_CASE("contacts with one email in two workspaces are two contacts") {
  EngineFixture fx;
  REQUIRE(fx.engine->CreateWorkspace("acme", "Acme").ok());
  WriteOptions acme;
  acme.workspace = "acme";
  constexpr std::string_view payload =
      R"({"title": "T", "contacts": [{"key": "client", "email": "ann@example.com", "name": "Ann"}]})";
  Case here = fx.MustCreate(payload);
  Case here_again = fx.MustCreate(payload);
  Case there = fx.MustCreate(payload, acme);
  REQUIRE(here.contacts.size() == 1);
  REQUIRE(here_again.contacts.size() == 1);
  REQUIRE(there.contacts.size() == 1);
  CHECK(here.contacts[0].id == here_again.contacts[0].id);  // one contact per email in a workspace
  CHECK(here.contacts[0].id != there.contacts[0].id);
  CHECK(there.contacts[0].email == std::optional<std::string>("ann@example.com"));
}

TEST_CASE("a workspace slug must be well-formed and unused") {
  EngineFixture fx;
  CheckFails(fx.engine->CreateWorkspace("Acme", ""), Code::kValidationFailed, "slug");
  CheckFails(fx.engine->CreateWorkspace("default", ""), Code::kValidationFailed, "slug");
  REQUIRE(fx.engine->CreateWorkspace("acme", "").ok());
  CheckFails(fx.engine->CreateWorkspace("acme", ""), Code::kValidationFailed, "slug");
  Result<std::vector<Workspace>> all = fx.engine->ListWorkspaces();
  REQUIRE(all.ok());
  CHECK(all->size() == 2);
}

// ---------------------------------------------------------------- reopen

TEST_CASE("reopening the database keeps cases, versions and history exactly") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A", "description": "d", "tag_names": ["t"],
      "contacts": [{"key": "client", "email": "c@example.com"}],
      "schema": [{"key": "n", "type": "number", "value": 0.1}, {"key": "i", "type": "integer", "value": 5}],
      "steps": [{"id": "s", "title": "S"}]})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  fx.clock->Advance(1234ms);
  REQUIRE(fx.engine->UpdateData(a.id, ObjectOf(R"({"n": 2450.5})")).ok());
  REQUIRE(fx.engine->Link(a.id, b.id).ok());
  REQUIRE(fx.engine->Archive(b.id).ok());
  json::value a_before = Shape(MustGet(fx, a.id));
  json::value b_before = Shape(MustGet(fx, b.id));
  json::value a_history = json::value_from(MustHistory(fx, a.id));
  json::value b_history = json::value_from(MustHistory(fx, b.id));

  fx.Reopen();
  CHECK(Shape(MustGet(fx, a.id)) == a_before);
  CHECK(Shape(MustGet(fx, b.id)) == b_before);
  CHECK(json::value_from(MustHistory(fx, a.id)) == a_history);
  CHECK(json::value_from(MustHistory(fx, b.id)) == b_history);
  CHECK(MustGet(fx, a.id).version == 3);

  // The reopened engine carries on from the stored versions.
  Result<Case> patched = fx.engine->Patch(a.id, ObjectOf(R"({"title": "A2"})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(patched->version == 4);
  CHECK(MustHistory(fx, a.id).back().seq == 4);
}

// -------------------------------------------------------------- examples

TEST_CASE("the Penbox example create payload round-trips") {
  EngineFixture fx;
  std::string text = ReadFile(ExamplesDir() / "penbox-create.json");
  json::object given = ParseOrFail(text).as_object();
  Case created = fx.MustCreate(text);
  Case got = MustGet(fx, created.id);
  CHECK(Shape(got) == Shape(created));

  CHECK(got.title == given.at("title").as_string());
  CHECK(got.reference == std::optional<std::string>(given.at("reference").as_string().c_str()));
  CHECK(got.status == given.at("status").as_string());
  CHECK(got.parent_status == ParentStatus::kPending);
  CHECK(got.workspace.slug == "default");
  REQUIRE(got.owner.has_value());
  CHECK(got.owner->email == given.at("owner").at("email").as_string());

  const json::array& contacts = given.at("contacts").as_array();
  REQUIRE(got.contacts.size() == contacts.size());
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    CAPTURE(i);
    const json::object& in = contacts[i].as_object();
    const CaseContact& out = got.contacts[i];
    CHECK(out.key == in.at("key").as_string());
    REQUIRE(out.email.has_value());
    CHECK(*out.email == NormalizedEmail(in.at("email").as_string()));
    CHECK(out.name == std::optional<std::string>(in.at("name").as_string().c_str()));
    CHECK(out.given_name == std::optional<std::string>(in.at("given_name").as_string().c_str()));
    CHECK(out.family_name == std::optional<std::string>(in.at("family_name").as_string().c_str()));
    CHECK(out.phone == std::optional<std::string>(in.at("phone").as_string().c_str()));
    CHECK_FALSE(out.id.empty());
  }
  CHECK(got.contacts[1].email == std::optional<std::string>("luc.peeters@example.com"));

  const json::array& schema = given.at("schema").as_array();
  REQUIRE(got.schema.size() == schema.size());
  for (std::size_t i = 0; i < schema.size(); ++i) {
    // Every given member of the field comes back as given.
    json::value out = json::value_from(got.schema[i]);
    CAPTURE(json::serialize(out));
    for (const auto& [member, value] : schema[i].as_object()) {
      REQUIRE(out.as_object().contains(member));
      CHECK(out.as_object().at(member) == value);
    }
  }
}

TEST_CASE("the Tines example create payload round-trips") {
  EngineFixture fx;
  std::string text = ReadFile(ExamplesDir() / "tines-create.json");
  json::object given = ParseOrFail(text).as_object();
  Case created = fx.MustCreate(text);
  Case got = MustGet(fx, created.id);
  CHECK(Shape(got) == Shape(created));

  CHECK(got.title == given.at("title").as_string());
  CHECK(got.priority == Priority::kHigh);
  CHECK(got.description == std::optional<std::string>(given.at("description").as_string().c_str()));
  std::vector<std::string> assignees;
  for (const User& u : got.assignees) assignees.push_back(u.email);
  CHECK(assignees == json::value_to<std::vector<std::string>>(given.at("assignee_emails")));
  std::vector<std::string> tags = json::value_to<std::vector<std::string>>(given.at("tag_names"));
  std::sort(tags.begin(), tags.end());
  CHECK(got.tags == tags);
  CHECK(json::value(got.metadata) == given.at("metadata"));
  CHECK(json::value_from(got.closure_conditions) == given.at("closure_conditions"));
  REQUIRE(got.opened_at.has_value());
  CHECK(FormatTimestamp(*got.opened_at) == given.at("opened_at").as_string());
  CHECK(got.status == "draft");
}

}  // namespace
}  // namespace casework

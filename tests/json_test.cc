// The JSON layer: parsing untrusted text, the output shapes, strict input
// decoding with error paths, and RFC 7396 merge patch.
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "casework/json.h"
#include "json/case_text.h"

namespace casework {
namespace {

namespace json = boost::json;

// 2023-11-07T05:31:56Z, the instant of the spec's own example.
const Timestamp kCreated = Timestamp(std::chrono::milliseconds(1699335116000));

json::value Json(std::string_view text) { return json::parse(text); }

// The error DraftFromJson gives for `text`; OK when it decodes.
Status DraftError(std::string_view text, DraftKind kind = DraftKind::kCreate) {
  return DraftFromJson(Json(text), kind).status();
}

CaseDraft Draft(std::string_view text, DraftKind kind = DraftKind::kCreate) {
  Result<CaseDraft> draft = DraftFromJson(Json(text), kind);
  REQUIRE_MESSAGE(draft.ok(), draft.status().ToString());
  return std::move(draft).value();
}

std::vector<std::string> Keys(const json::value& v) {
  std::vector<std::string> keys;
  for (const auto& member : v.as_object()) keys.emplace_back(member.key());
  return keys;
}

std::string ReadExample(const std::string& name) {
  const char* dir = std::getenv("CASEWORK_EXAMPLES");
  // Outside `meson test`, find the examples beside the tests' source.
  std::filesystem::path base = dir != nullptr
                                   ? std::filesystem::path(dir)
                                   : std::filesystem::path(__FILE__).parent_path() / "../examples";
  std::ifstream in(base / name);
  REQUIRE_MESSAGE(in.good(), "cannot open example ", (base / name).string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A case with every member set, and values of every JSON kind.
Case FullCase() {
  Case c;
  c.id = "018c4b9e-7f3a-7000-8000-000000000001";
  c.workspace = {"0b5e1f9e-0000-4000-8000-000000000000", "default"};
  c.title = "Water damage claim";
  c.description = "Kitchen flooded";
  c.locale = "fr-BE";
  c.reference = "CLM-2024-0042";
  c.status = "review";
  c.parent_status = ParentStatus::kInProgress;
  c.waiting_for = WaitingFor::kContact;
  c.priority = Priority::kHigh;
  c.owner = User{"u-1", "claire@example.com", "Claire", std::nullopt};
  c.assignees = {User{"u-2", "jane@example.com", std::nullopt, "Doe"},
                 User{"u-3", "sam@example.com", "Sam", "Adjuster"}};
  c.tags = {"security", "water"};
  c.metadata = json::object{{"key", "value"}, {"n", 3}, {"nested", {{"a", json::array{1, 2}}}}};
  c.contacts = {CaseContact{"c-1", "client", "marie@example.com", "Marie Dupont", "Marie",
                            "Dupont", "+32 470 12 34 56"},
                CaseContact{"c-2", "broker", std::nullopt, std::nullopt, std::nullopt,
                            std::nullopt, std::nullopt}};
  c.template_id = "tpl-1";
  Field amount{"claim_amount", FieldType::kNumber, "Claim amount", 2450.5, true, {}};
  Field kind{"damage_kind", FieldType::kChoice, "Kind", "water", false, {"water", "fire"}};
  Field big{"big", FieldType::kJson, "", json::value(std::uint64_t{18446744073709551615u}),
            false, {}};
  c.schema = {amount, kind, big};
  c.steps = {Step{"inspect", "Inspect the site", StepStatus::kDone, {{"by", "sam"}}},
             Step{"pay", "", StepStatus::kTodo, {}}};
  c.closure_conditions = {{"has assignee", "=SIZE(team_case.assignees) > 0"}};
  c.linked_cases = {"018c4b9e-7f3a-7000-8000-000000000002"};
  c.created_at = kCreated;
  c.updated_at = kCreated + std::chrono::milliseconds(1250);
  c.opened_at = kCreated - std::chrono::hours(24);
  c.resolved_at = kCreated + std::chrono::hours(1);
  c.archived_at = kCreated + std::chrono::hours(2);
  c.version = 7;
  c.last_transition_id = "tr-9";
  return c;
}

// A case with only what every case has.
Case MinimalCase() {
  Case c;
  c.id = "018c4b9e-7f3a-7000-8000-000000000003";
  c.workspace = {"w-1", "default"};
  c.title = "Bare";
  c.status = "draft";
  c.created_at = kCreated;
  c.updated_at = kCreated;
  c.version = 1;
  return c;
}

void CheckValidationFailed(const Status& s, const std::string& field, const std::string& message) {
  CHECK(s.code() == Code::kValidationFailed);
  CHECK(s.field() == field);
  CHECK(s.message() == message);
}

// ------------------------------------------------------------- case text

TEST_CASE("the case written straight to text is the text of its JSON value") {
  Case escaped = MinimalCase();
  escaped.title = "Quote \" backslash \\ newline \n tab \t and \xC3\xA9t\xC3\xA9";
  escaped.metadata = json::object{{"pi", 3.25}, {"whole", 2.0}, {"list", json::array{nullptr, true}}};
  for (const Case& c : {FullCase(), MinimalCase(), escaped}) {
    std::string direct;
    AppendCaseText(c, direct);
    CHECK(direct == ToJsonText(json::value_from(c)));
  }
}

TEST_CASE("the members of the case text come in the order of the case shape") {
  Case c = FullCase();
  json::object shape = json::value_from(c).as_object();
  std::vector<std::string> names;
  ForEachCaseMemberText(c, [&](std::string_view name, std::string_view json_text) {
    names.emplace_back(name);
    CHECK(json_text == ToJsonText(shape.at(name)));
  });
  std::vector<std::string> expected;
  for (const auto& member : shape) expected.emplace_back(member.key());
  CHECK(names == expected);
}

// ------------------------------------------------------------- ParseJson

TEST_CASE("ParseJson accepts a document and keeps its values") {
  Result<json::value> v = ParseJson(R"( {"a": [1, 2.5, "x", null, true], "b": {}} )");
  REQUIRE(v.ok());
  CHECK(*v == Json(R"({"a": [1, 2.5, "x", null, true], "b": {}})"));
}

TEST_CASE("ParseJson rejects oversized text before parsing it") {
  JsonLimits limits;
  limits.max_bytes = 10;
  Result<json::value> v = ParseJson(R"({"a": "0123456789"})", limits);
  REQUIRE_FALSE(v.ok());
  CheckValidationFailed(v.status(), "", "document is 19 bytes; the limit is 10");
  CHECK(ParseJson("[1, 2, 3]", limits).ok());
}

TEST_CASE("ParseJson rejects malformed JSON naming the byte offset") {
  Result<json::value> v = ParseJson(R"({"a": 1,, "b": 2})");
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().code() == Code::kValidationFailed);
  CHECK(v.status().field().empty());
  CHECK(v.status().message().rfind("malformed JSON at byte 8: ", 0) == 0);
}

TEST_CASE("ParseJson rejects trailing garbage with a byte offset") {
  Result<json::value> v = ParseJson(R"({"a": 1} x)");
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().message() == "malformed JSON at byte 9: unexpected data after the JSON value");
  CHECK_FALSE(ParseJson("[1] [2]").ok());
  CHECK(ParseJson("[1]  \n").ok());  // trailing whitespace is not garbage
}

TEST_CASE("ParseJson rejects incomplete and empty text") {
  Result<json::value> v = ParseJson(R"({"a": [1, 2)");
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().message().rfind("malformed JSON at byte 11: ", 0) == 0);
  Result<json::value> empty = ParseJson("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.status().message().rfind("malformed JSON at byte 0: ", 0) == 0);
}

TEST_CASE("ParseJson rejects invalid UTF-8 with a byte offset") {
  Result<json::value> v = ParseJson("{\"a\": \"ok\xff\"}");
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().code() == Code::kValidationFailed);
  CHECK(v.status().message().rfind("malformed JSON at byte 9: ", 0) == 0);
  // Overlong encoding of '/' and a lone continuation byte.
  CHECK_FALSE(ParseJson("\"\xc0\xaf\"").ok());
  CHECK_FALSE(ParseJson("\"\x80\"").ok());
  CHECK(ParseJson("\"caf\xc3\xa9\"").ok());
}

TEST_CASE("ParseJson rejects too deep nesting with a byte offset") {
  const std::string at_limit = std::string(64, '[') + std::string(64, ']');
  CHECK(ParseJson(at_limit).ok());
  const std::string too_deep = std::string(65, '[') + std::string(65, ']');
  Result<json::value> v = ParseJson(too_deep);
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().message() == "nesting deeper than 64 at byte 64");

  JsonLimits limits;
  limits.max_depth = 2;
  Result<json::value> shallow = ParseJson(R"({"a": {"b": {}}})", limits);
  REQUIRE_FALSE(shallow.ok());
  CHECK(shallow.status().message().rfind("nesting deeper than 2 at byte ", 0) == 0);
}

TEST_CASE("ParseJson rejects numbers too large for a double with a byte offset") {
  // Boost.JSON would read them as infinity and write back "Infinity".
  Result<json::value> v = ParseJson(R"([1, {"a": -2e400}])");
  REQUIRE_FALSE(v.ok());
  CHECK(v.status().code() == Code::kValidationFailed);
  CHECK(v.status().message().rfind("malformed JSON at byte 16: ", 0) == 0);
  CHECK_FALSE(ParseJson("1e99999").ok());
  CHECK(ParseJson("[1e308, -1e-400]").ok());  // large, and underflow to zero, are fine
}

TEST_CASE("ParseJson never throws on hostile text") {
  const std::vector<std::string> inputs = {
      "nul", "tru", "\"\\u12\"", "\"\\uD800\"", "[1,]", "{,}", "{\"a\"}", "01",
      "1e99999", "-", "\"\x01\"", std::string(100000, '['), "/* c */ 1", "'a'",
      std::string("\"a\0b\"", 5), "NaN", "Infinity"};
  for (const std::string& text : inputs) {
    CAPTURE(text.substr(0, 20));
    Result<json::value> v = [&] { return ParseJson(text); }();
    if (!v.ok()) CHECK(v.status().code() == Code::kValidationFailed);
  }
  CHECK_FALSE(ParseJson("[1,]").ok());
  CHECK_FALSE(ParseJson("/* c */ 1").ok());
  CHECK_FALSE(ParseJson(std::string(100000, '[')).ok());
}

// ----------------------------------------------------- create payloads

TEST_CASE("create payload of the Penbox shape decodes every member") {
  Result<json::value> payload = ParseJson(ReadExample("penbox-create.json"));
  REQUIRE(payload.ok());
  Result<CaseDraft> draft = DraftFromJson(*payload, DraftKind::kCreate);
  REQUIRE_MESSAGE(draft.ok(), draft.status().ToString());
  const CaseDraft& d = *draft;
  CHECK(d.title == "Water damage claim, 12 Rue Haute");
  CHECK(d.reference == "CLM-2024-0042");
  CHECK(d.status == "pending");
  REQUIRE(d.workspace.has_value());
  CHECK(d.workspace->slug == "default");
  CHECK_FALSE(d.workspace->id.has_value());
  REQUIRE(d.owner.has_value());
  CHECK(d.owner->email == "claire.martin@example.com");
  REQUIRE(d.contacts.size() == 2);
  CHECK(d.contacts[0].key == "client");
  CHECK(d.contacts[0].email == "marie.dupont@example.com");
  CHECK(d.contacts[0].name == "Marie Dupont");
  CHECK(d.contacts[0].given_name == "Marie");
  CHECK(d.contacts[0].family_name == "Dupont");
  CHECK(d.contacts[0].phone == "+32 470 12 34 56");
  // The decoder keeps what it is given; trimming is the engine's business.
  CHECK(d.contacts[1].email == "Luc.Peeters@Example.com ");
  REQUIRE(d.schema.size() == 8);
  CHECK(d.schema[0].key == "policy_number");
  CHECK(d.schema[0].type == FieldType::kText);
  CHECK(d.schema[0].name == "Policy number");
  CHECK(d.schema[0].value == json::value("POL-778"));
  CHECK(d.schema[1].type == FieldType::kNumber);
  CHECK(d.schema[1].value == json::value(2450.5));
  CHECK(d.schema[2].value == json::value(2));
  CHECK(d.schema[4].type == FieldType::kDateTime);
  CHECK(d.schema[5].value == json::value(false));
  CHECK(d.schema[6].value.is_null());
  CHECK(d.schema[7].type == FieldType::kChoice);
  CHECK(d.schema[7].options == std::vector<std::string>{"water", "fire", "theft"});
  CHECK_FALSE(d.template_id.has_value());
  CHECK_FALSE(d.priority.has_value());
}

TEST_CASE("create payload of the Tines shape decodes every member") {
  Result<json::value> payload = ParseJson(ReadExample("tines-create.json"));
  REQUIRE(payload.ok());
  Result<CaseDraft> draft = DraftFromJson(*payload, DraftKind::kCreate);
  REQUIRE_MESSAGE(draft.ok(), draft.status().ToString());
  const CaseDraft& d = *draft;
  CHECK(d.title == "Suspicious login detected");
  CHECK(d.priority == Priority::kHigh);
  CHECK(d.description == "This is a high priority case created via the API");
  REQUIRE(d.assignees.size() == 1);
  CHECK(d.assignees[0].email == "jane@example.com");
  CHECK_FALSE(d.assignees[0].given_name.has_value());
  CHECK(d.tags == std::vector<std::string>{"login", "security"});
  CHECK(d.metadata == json::object{{"key", "value"}});
  REQUIRE(d.closure_conditions.size() == 1);
  CHECK(d.closure_conditions[0].name == "has at least 1 assignee");
  CHECK(d.closure_conditions[0].formula == "=SIZE(team_case.assignees) > 0");
  REQUIRE(d.opened_at.has_value());
  CHECK(FormatTimestamp(*d.opened_at) == "2024-01-20T09:15:00Z");
  CHECK_FALSE(d.workspace.has_value());
}

TEST_CASE("create payload decodes our own members") {
  CaseDraft d = Draft(R"({
    "title": "T", "locale": "nl-BE", "waiting_for": "owner",
    "template": {"id": "tpl-7"}, "workspace": {"id": "w-1", "slug": "acme"},
    "owner": {"email": "o@example.com", "given_name": "O", "family_name": null},
    "assignees": [{"email": "a@example.com", "id": "ignored"}],
    "tags": ["x"], "priority": null, "status": null, "description": null,
    "steps": [{"id": "s1", "title": "First", "status": "in_progress", "data": {"k": 1}},
              {"id": "s2"}],
    "schema": [{"key": "k", "type": "multi_choice", "required": true,
                "options": ["a", "b"], "value": ["a"]}]
  })");
  CHECK(d.locale == "nl-BE");
  CHECK(d.waiting_for == WaitingFor::kOwner);
  CHECK(d.template_id == "tpl-7");
  REQUIRE(d.workspace.has_value());
  CHECK(d.workspace->id == "w-1");
  CHECK(d.workspace->slug == "acme");
  CHECK(d.owner->given_name == "O");
  CHECK_FALSE(d.owner->family_name.has_value());
  REQUIRE(d.assignees.size() == 1);
  CHECK(d.assignees[0].email == "a@example.com");
  CHECK(d.tags == std::vector<std::string>{"x"});
  CHECK_FALSE(d.priority.has_value());
  CHECK_FALSE(d.status.has_value());
  CHECK_FALSE(d.description.has_value());
  REQUIRE(d.steps.size() == 2);
  CHECK(d.steps[0].status == StepStatus::kInProgress);
  CHECK(d.steps[0].data == json::object{{"k", 1}});
  CHECK(d.steps[1].title.empty());
  CHECK(d.steps[1].status == StepStatus::kTodo);
  CHECK(d.steps[1].data.empty());
  REQUIRE(d.schema.size() == 1);
  CHECK(d.schema[0].required);
  CHECK(d.schema[0].name.empty());
  CHECK(d.schema[0].value == json::array{"a"});
  CHECK_FALSE(d.linked_cases.has_value());
}

TEST_CASE("absent members take their defaults") {
  CaseDraft d = Draft(R"({"title": "Only a title"})");
  CHECK(d.title == "Only a title");
  CHECK_FALSE(d.description.has_value());
  CHECK_FALSE(d.workspace.has_value());
  CHECK_FALSE(d.owner.has_value());
  CHECK(d.waiting_for == WaitingFor::kNone);
  CHECK(d.assignees.empty());
  CHECK(d.tags.empty());
  CHECK(d.metadata.empty());
  CHECK(d.contacts.empty());
  CHECK(d.schema.empty());
  CHECK(d.steps.empty());
  CHECK_FALSE(d.opened_at.has_value());
}

TEST_CASE("template is an id, an object with an id, or null") {
  CHECK(Draft(R"({"title": "t", "template": "tpl-1"})").template_id == "tpl-1");
  CHECK(Draft(R"({"title": "t", "template": {"id": "tpl-2"}})").template_id == "tpl-2");
  CHECK_FALSE(Draft(R"({"title": "t", "template": null})").template_id.has_value());
  CheckValidationFailed(DraftError(R"({"title": "t", "template": {}})"), "template.id",
                        "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "template": {"id": "x", "nme": 1}})"),
                        "template.nme", "unknown field");
  CHECK(DraftError(R"({"title": "t", "template": 12})").field() == "template");
}

TEST_CASE("workspace names an id or a slug") {
  CHECK_FALSE(Draft(R"({"title": "t", "workspace": null})").workspace.has_value());
  CheckValidationFailed(DraftError(R"({"title": "t", "workspace": {}})"), "workspace",
                        "give id or slug");
  CheckValidationFailed(DraftError(R"({"title": "t", "workspace": {"name": "x"}})"),
                        "workspace.name", "unknown field");
  CheckValidationFailed(DraftError(R"({"title": "t", "workspace": "default"})"), "workspace",
                        "expected a JSON object");
  CheckValidationFailed(DraftError(R"({"title": "t", "workspace": {"slug": 3}})"),
                        "workspace.slug", "expected a string");
}

// ------------------------------------------------------------ strictness

TEST_CASE("unknown member is validation_failed naming its path") {
  CheckValidationFailed(DraftError(R"({"title": "t", "titel": "x"})"), "titel", "unknown field");
  CheckValidationFailed(
      DraftError(R"({"title": "t", "contacts": [{"key": "a"}, {"key": "b", "emial": "x"}]})"),
      "contacts[1].emial", "unknown field");
  CheckValidationFailed(DraftError(R"({"title": "t", "owner": {"email": "o@x", "role": 1}})"),
                        "owner.role", "unknown field");
  CheckValidationFailed(
      DraftError(R"({"title": "t", "schema": [{"key": "k", "type": "text", "label": "K"}]})"),
      "schema[0].label", "unknown field");
  CheckValidationFailed(DraftError(R"({"title": "t", "steps": [{"id": "s", "done": true}]})"),
                        "steps[0].done", "unknown field");
  CheckValidationFailed(
      DraftError(R"({"title": "t", "closure_conditions": [{"name": "n", "formula": "1", "x": 1}]})"),
      "closure_conditions[0].x", "unknown field");
  CHECK(DraftError(R"({"title": "t", "titel": "x"})").ToString() ==
        "validation_failed: titel: unknown field");
}

TEST_CASE("an unknown member is reported before a missing title") {
  CheckValidationFailed(DraftError(R"({"titel": "x"})"), "titel", "unknown field");
}

TEST_CASE("linked_cases is not a create member") {
  CheckValidationFailed(DraftError(R"({"title": "t", "linked_cases": []})"), "linked_cases",
                        "unknown field");
}

TEST_CASE("read-only members are unknown in a create payload") {
  CheckValidationFailed(DraftError(R"({"title": "t", "version": 3})"), "version", "unknown field");
  CheckValidationFailed(DraftError(R"({"title": "t", "id": "x"})"), "id", "unknown field");
}

TEST_CASE("wrong JSON type names the field") {
  CheckValidationFailed(DraftError(R"({"title": 5})"), "title", "expected a string");
  CheckValidationFailed(DraftError(R"({"title": null})"), "title", "expected a string");
  CheckValidationFailed(DraftError(R"({"title": "t", "reference": 42})"), "reference",
                        "expected a string or null");
  CheckValidationFailed(DraftError(R"({"title": "t", "contacts": {}})"), "contacts",
                        "expected an array");
  CheckValidationFailed(DraftError(R"({"title": "t", "contacts": ["a@x"]})"), "contacts[0]",
                        "expected a JSON object");
  CheckValidationFailed(DraftError(R"({"title": "t", "contacts": [{"key": "k", "phone": 123}]})"),
                        "contacts[0].phone", "expected a string or null");
  CheckValidationFailed(DraftError(R"({"title": "t", "metadata": []})"), "metadata",
                        "expected a JSON object");
  CheckValidationFailed(DraftError(R"({"title": "t", "tag_names": ["a", 1]})"), "tag_names[1]",
                        "expected a string");
  CheckValidationFailed(DraftError(R"({"title": "t", "assignee_emails": "a@x"})"),
                        "assignee_emails", "expected an array");
  CheckValidationFailed(
      DraftError(R"({"title": "t", "schema": [{"key": "k", "type": "choice", "options": ["a", "b", 3]}]})"),
      "schema[0].options[2]", "expected a string");
  CheckValidationFailed(
      DraftError(R"({"title": "t", "schema": [{"key": "k", "type": "text", "required": "yes"}]})"),
      "schema[0].required", "expected a boolean");
  CheckValidationFailed(DraftError(R"({"title": "t", "steps": [{"id": "s", "data": []}]})"),
                        "steps[0].data", "expected a JSON object");
  CheckValidationFailed(DraftError(R"({"title": "t", "owner": "o@example.com"})"), "owner",
                        "expected a JSON object");
}

TEST_CASE("a payload that is not an object is rejected at the root") {
  for (const char* text : {"[]", "\"title\"", "null", "3"})
    CheckValidationFailed(DraftError(text), "", "expected a JSON object");
}

TEST_CASE("required members are named when missing") {
  CheckValidationFailed(DraftError(R"({})"), "title", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "contacts": [{"email": "a@x"}]})"),
                        "contacts[0].key", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "owner": {"given_name": "A"}})"),
                        "owner.email", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "assignees": [{"email": "a@x"}, {}]})"),
                        "assignees[1].email", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "schema": [{"type": "text"}]})"),
                        "schema[0].key", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "schema": [{"key": "k"}]})"),
                        "schema[0].type", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "steps": [{"title": "s"}]})"),
                        "steps[0].id", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "closure_conditions": [{"name": "n"}]})"),
                        "closure_conditions[0].formula", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "closure_conditions": [{"formula": "1"}]})"),
                        "closure_conditions[0].name", "is required");
}

TEST_CASE("enumerations must name one of their values") {
  CheckValidationFailed(DraftError(R"({"title": "t", "priority": "urgent"})"), "priority",
                        "must be one of critical, high, medium, low, info");
  CheckValidationFailed(DraftError(R"({"title": "t", "priority": 1})"), "priority",
                        "must be one of critical, high, medium, low, info");
  CheckValidationFailed(DraftError(R"({"title": "t", "priority": "HIGH"})"), "priority",
                        "must be one of critical, high, medium, low, info");
  CheckValidationFailed(DraftError(R"({"title": "t", "waiting_for": "client"})"), "waiting_for",
                        "must be one of none, owner, contact");
  CheckValidationFailed(DraftError(R"({"title": "t", "steps": [{"id": "s", "status": "open"}]})"),
                        "steps[0].status", "must be one of todo, in_progress, done, skipped");
  for (const char* p : {"critical", "high", "medium", "low", "info"}) {
    const std::string text = std::string(R"({"title": "t", "priority": ")") + p + "\"}";
    CHECK(PriorityName(*Draft(text).priority) == p);
  }
}

TEST_CASE("an unknown field type is named with its path") {
  CheckValidationFailed(
      DraftError(R"({"title": "t", "schema": [{"key": "k", "type": "foo"}]})"),
      "schema[0].type", "unknown type \"foo\"");
}

TEST_CASE("tags and tag_names, assignees and assignee_emails exclude each other") {
  CheckValidationFailed(DraftError(R"({"title": "t", "tags": ["a"], "tag_names": ["b"]})"), "tags",
                        "give tags or tag_names, not both");
  CheckValidationFailed(
      DraftError(R"({"title": "t", "assignees": [], "assignee_emails": ["a@x"]})"), "assignees",
      "give assignees or assignee_emails, not both");
  CHECK(Draft(R"({"title": "t", "tags": ["a", "b"]})").tags == std::vector<std::string>{"a", "b"});
}

TEST_CASE("opened_at is an RFC 3339 date-time or null") {
  CaseDraft d = Draft(R"({"title": "t", "opened_at": "2024-01-20T10:15:00.250+01:00"})");
  REQUIRE(d.opened_at.has_value());
  CHECK(FormatTimestamp(*d.opened_at) == "2024-01-20T09:15:00.250Z");
  CHECK_FALSE(Draft(R"({"title": "t", "opened_at": null})").opened_at.has_value());
  for (const char* bad : {R"("yesterday")", R"("2024-02-30T00:00:00Z")", "1705742100"}) {
    const std::string text = std::string(R"({"title": "t", "opened_at": )") + bad + "}";
    CheckValidationFailed(DraftError(text), "opened_at", "expected an RFC 3339 date-time");
  }
}

TEST_CASE("the decoder checks shape only and leaves values to the engine") {
  // A blank title, a malformed email, a bad key, a duplicate key and a value
  // of the wrong type are all the engine's errors, not the decoder's.
  CaseDraft d = Draft(R"({
    "title": "   ",
    "owner": {"email": "not an email"},
    "contacts": [{"key": "bad key!", "email": "@"}, {"key": "bad key!"}],
    "schema": [{"key": "n", "type": "integer", "value": "12"},
               {"key": "n", "type": "integer", "value": 1.5}],
    "tags": ["a", "a"]
  })");
  CHECK(d.title == "   ");
  CHECK(d.owner->email == "not an email");
  CHECK(d.contacts.size() == 2);
  CHECK(d.schema[0].value == json::value("12"));
  CHECK(d.tags.size() == 2);
}

TEST_CASE("field values keep the JSON exactly as given") {
  CaseDraft d = Draft(R"({"title": "t", "schema": [
    {"key": "a", "type": "json", "value": {"x": [1, "2", null], "y": {"z": false}}},
    {"key": "b", "type": "integer", "value": 9223372036854775807},
    {"key": "c", "type": "number", "value": 18446744073709551615},
    {"key": "d", "type": "number", "value": -0.125},
    {"key": "e", "type": "integer", "value": 12}
  ]})");
  CHECK(d.schema[0].value == Json(R"({"x": [1, "2", null], "y": {"z": false}})"));
  CHECK(d.schema[1].value.is_int64());
  CHECK(d.schema[1].value.get_int64() == 9223372036854775807);
  CHECK(d.schema[2].value.is_uint64());
  CHECK(d.schema[3].value == json::value(-0.125));
  CHECK(d.schema[4].value.is_int64());
}

TEST_CASE("value_to<CaseDraft> decodes a create payload and throws casework::Error") {
  CaseDraft d = json::value_to<CaseDraft>(Json(R"({"title": "t", "tag_names": ["a"]})"));
  CHECK(d.tags == std::vector<std::string>{"a"});
  try {
    (void)json::value_to<CaseDraft>(Json(R"({"title": "t", "contacts": [{"kee": "a"}]})"));
    FAIL("expected casework::Error");
  } catch (const Error& e) {
    CheckValidationFailed(e.status(), "contacts[0].kee", "unknown field");
  }
  CHECK_THROWS_AS((void)json::value_to<CaseDraft>(Json(R"({"title": "t", "linked_cases": []})")),
                  Error);
}

// -------------------------------------------------------- replace payloads

TEST_CASE("replace payload ignores read-only members") {
  CaseDraft d = Draft(R"({
    "id": 12, "workspace": "not even an object", "parent_status": "nonsense",
    "created_at": "garbage", "updated_at": null, "resolved_at": [], "archived_at": {},
    "version": "seven", "last_transition_id": false,
    "title": "Replaced", "status": "review", "template": "tpl-1",
    "linked_cases": ["c-2", "c-1"]
  })",
                      DraftKind::kReplace);
  CHECK(d.title == "Replaced");
  CHECK(d.status == "review");
  CHECK(d.template_id == "tpl-1");
  CHECK_FALSE(d.workspace.has_value());
  REQUIRE(d.linked_cases.has_value());
  CHECK(*d.linked_cases == std::vector<std::string>{"c-2", "c-1"});
}

TEST_CASE("replace payload still requires a title and rejects unknown members") {
  CheckValidationFailed(DraftError(R"({"id": "x"})", DraftKind::kReplace), "title", "is required");
  CheckValidationFailed(DraftError(R"({"title": "t", "verison": 3})", DraftKind::kReplace),
                        "verison", "unknown field");
  CheckValidationFailed(DraftError(R"({"title": "t", "linked_cases": [1]})", DraftKind::kReplace),
                        "linked_cases[0]", "expected a string");
  CHECK_FALSE(Draft(R"({"title": "t"})", DraftKind::kReplace).linked_cases.has_value());
}

TEST_CASE("a fetched case decodes as a replace payload") {
  const Case c = FullCase();
  CaseDraft d = Draft(json::serialize(json::value_from(c)), DraftKind::kReplace);
  CHECK(d.title == c.title);
  CHECK(d.description == c.description);
  CHECK(d.status == c.status);
  CHECK(d.template_id == c.template_id);
  CHECK(d.priority == c.priority);
  CHECK(d.waiting_for == c.waiting_for);
  REQUIRE(d.owner.has_value());
  CHECK(d.owner->email == c.owner->email);
  REQUIRE(d.assignees.size() == 2);
  CHECK(d.assignees[1].family_name == "Adjuster");
  REQUIRE(d.contacts.size() == 2);
  CHECK(d.contacts[0].phone == c.contacts[0].phone);
  CHECK(d.schema.size() == 3);
  CHECK(d.steps.size() == 2);
  CHECK(d.linked_cases == c.linked_cases);
  CHECK(d.opened_at == c.opened_at);
  CHECK(d.metadata == c.metadata);
}

// ----------------------------------------------------------------- output

TEST_CASE("case output has the documented member order and nulls") {
  const json::value v = json::value_from(MinimalCase());
  CHECK(Keys(v) == std::vector<std::string>{
                       "id",          "workspace",   "title",        "description",
                       "locale",      "reference",   "status",       "parent_status",
                       "waiting_for", "priority",    "owner",        "assignees",
                       "tags",        "metadata",    "contacts",     "template",
                       "schema",      "steps",       "closure_conditions",
                       "linked_cases", "created_at", "updated_at",   "opened_at",
                       "resolved_at", "archived_at", "version",      "last_transition_id"});
  const json::object& o = v.as_object();
  for (const char* member : {"description", "locale", "reference", "priority", "owner",
                             "template", "opened_at", "resolved_at", "archived_at",
                             "last_transition_id"}) {
    CAPTURE(member);
    CHECK(o.at(member).is_null());
  }
  for (const char* member : {"assignees", "tags", "contacts", "schema", "steps",
                             "closure_conditions", "linked_cases"}) {
    CAPTURE(member);
    CHECK(o.at(member) == json::array());
  }
  CHECK(o.at("metadata") == json::object());
  CHECK(o.at("workspace") == Json(R"({"id": "w-1", "slug": "default"})"));
  CHECK(o.at("parent_status") == "draft");
  CHECK(o.at("waiting_for") == "none");
  CHECK(o.at("created_at") == "2023-11-07T05:31:56Z");
  CHECK(o.at("version") == 1);
}

TEST_CASE("case output writes every member of a full case") {
  const json::value v = json::value_from(FullCase());
  const json::object& o = v.as_object();
  CHECK(o.at("parent_status") == "in_progress");
  CHECK(o.at("waiting_for") == "contact");
  CHECK(o.at("priority") == "high");
  CHECK(o.at("owner") == Json(R"({"id": "u-1", "email": "claire@example.com",
                                  "given_name": "Claire", "family_name": null})"));
  CHECK(o.at("tags") == Json(R"(["security", "water"])"));
  CHECK(o.at("template") == "tpl-1");
  CHECK(o.at("updated_at") == "2023-11-07T05:31:57.250Z");
  CHECK(o.at("closure_conditions") ==
        Json(R"([{"name": "has assignee", "formula": "=SIZE(team_case.assignees) > 0"}])"));
  CHECK(o.at("last_transition_id") == "tr-9");
  CHECK(o.at("version") == 7);
}

TEST_CASE("user, contact, workspace and step shapes") {
  CHECK(Keys(json::value_from(User{"u", "e@x", "G", "F"})) ==
        std::vector<std::string>{"id", "email", "given_name", "family_name"});
  const json::value contact = json::value_from(
      CaseContact{"c", "client", std::nullopt, "N", std::nullopt, std::nullopt, "+1"});
  CHECK(Keys(contact) == std::vector<std::string>{"id", "key", "name", "email", "given_name",
                                                  "family_name", "phone"});
  CHECK(contact.at("email").is_null());
  CHECK(contact.at("phone") == "+1");
  CHECK(json::value_from(Workspace{"w", "acme", "Acme"}) ==
        Json(R"({"id": "w", "slug": "acme", "name": "Acme"})"));
  CHECK(json::value_from(WorkspaceRef{"w", "acme"}) == Json(R"({"id": "w", "slug": "acme"})"));
  const json::value step = json::value_from(Step{"s", "Title", StepStatus::kSkipped, {}});
  CHECK(Keys(step) == std::vector<std::string>{"id", "title", "status", "data"});
  CHECK(step.at("status") == "skipped");
  CHECK(json::value_from(Change{"title", "a", nullptr}) ==
        Json(R"({"path": "title", "before": "a", "after": null})"));
  CHECK(json::value_from(UserInput{"e@x", std::nullopt, "F"}) ==
        Json(R"({"email": "e@x", "given_name": null, "family_name": "F"})"));
}

TEST_CASE("field output has required and options only when they say something") {
  const json::value plain = json::value_from(Field{"k", FieldType::kText, "K", nullptr, false, {}});
  CHECK(Keys(plain) == std::vector<std::string>{"key", "type", "name", "value"});
  CHECK(plain.at("value").is_null());
  const json::value full =
      json::value_from(Field{"k", FieldType::kMultiChoice, "K", json::array{"a"}, true, {"a", "b"}});
  CHECK(full == Json(R"({"key": "k", "type": "multi_choice", "name": "K", "value": ["a"],
                          "required": true, "options": ["a", "b"]})"));
}

TEST_CASE("status output carries only the members that are set") {
  CHECK(json::value_from(Status::NotFound("no such case")) ==
        Json(R"({"code": "not_found", "message": "no such case"})"));
  CHECK(json::value_from(Status::ValidationFailed("contacts[1].email", "unknown field")) ==
        Json(R"({"code": "validation_failed", "message": "unknown field",
                 "field": "contacts[1].email"})"));
  CHECK(json::value_from(Status::Conflict(4, "stale")) ==
        Json(R"({"code": "conflict", "message": "stale", "current_version": 4})"));
  CHECK(json::value_from(Status::FormulaError(7, "unexpected token")) ==
        Json(R"({"code": "formula_error", "message": "unexpected token", "position": 7})"));
}

// -------------------------------------------------------------- history

Event StatusChangedEvent() {
  Event e;
  e.seq = 3;
  e.at = kCreated;
  e.actor = "claire@example.com";
  e.kind = "status_changed";
  e.changes = {Change{"status", "pending", "closed"}, Change{"resolved_at", nullptr,
                                                              "2023-11-07T05:31:56Z"}};
  e.details = json::object{{"from", "pending"}, {"to", "closed"}, {"reason", "done"},
                           {"conditions", json::array{json::object{{"name", "x"}, {"ok", true}}}}};
  return e;
}

TEST_CASE("event details are flattened into the event object") {
  const json::value v = json::value_from(StatusChangedEvent());
  CHECK(Keys(v) == std::vector<std::string>{"seq", "at", "actor", "kind", "changes", "from", "to",
                                            "reason", "conditions"});
  CHECK(v.at("at") == "2023-11-07T05:31:56Z");
  CHECK(v.at("reason") == "done");
  CHECK(v.at("changes").at(1) ==
        Json(R"({"path": "resolved_at", "before": null, "after": "2023-11-07T05:31:56Z"})"));
}

TEST_CASE("event details never shadow the common members") {
  Event e = StatusChangedEvent();
  e.details["kind"] = "forged";
  e.details["seq"] = 99;
  const json::value v = json::value_from(e);
  CHECK(v.at("kind") == "status_changed");
  CHECK(v.at("seq") == 3);
}

TEST_CASE("an event round-trips with unknown members as details") {
  const Event original = StatusChangedEvent();
  const Event e = json::value_to<Event>(Json(json::serialize(json::value_from(original))));
  CHECK(e.seq == 3);
  CHECK(e.at == kCreated);
  CHECK(e.actor == original.actor);
  CHECK(e.kind == original.kind);
  REQUIRE(e.changes.size() == 2);
  CHECK(e.changes[1].path == "resolved_at");
  CHECK(e.changes[1].before.is_null());
  CHECK(e.details == original.details);
  CHECK(json::value_from(e) == json::value_from(original));
}

TEST_CASE("an event needs its common members") {
  CHECK_THROWS_AS((void)json::value_to<Event>(Json(R"({"at": "2024-01-01T00:00:00Z",
      "actor": "system", "kind": "created"})")), Error);
  try {
    (void)json::value_to<Event>(Json(R"({"seq": 1, "at": "2024-01-01T00:00:00Z",
        "actor": "system", "kind": "created", "changes": [{"path": "x", "was": 1}]})"));
    FAIL("expected casework::Error");
  } catch (const Error& e) {
    CheckValidationFailed(e.status(), "changes[0].was", "unknown field");
  }
}

// ------------------------------------------------------------- round trips

TEST_CASE("case round-trips through value_from and value_to") {
  for (const Case& original : {FullCase(), MinimalCase()}) {
    const json::value out = json::value_from(original);
    // Through text too, as export and import do.
    const Case back = json::value_to<Case>(Json(json::serialize(out)));
    CHECK(json::value_from(back) == out);
    CHECK(back.id == original.id);
    CHECK(back.workspace.slug == original.workspace.slug);
    CHECK(back.owner.has_value() == original.owner.has_value());
    CHECK(back.created_at == original.created_at);
    CHECK(back.updated_at == original.updated_at);
    CHECK(back.opened_at == original.opened_at);
    CHECK(back.resolved_at == original.resolved_at);
    CHECK(back.archived_at == original.archived_at);
    CHECK(back.version == original.version);
    CHECK(back.parent_status == original.parent_status);
    CHECK(back.priority == original.priority);
    CHECK(back.tags == original.tags);
    CHECK(back.linked_cases == original.linked_cases);
    CHECK(back.schema.size() == original.schema.size());
  }
  const Case full = json::value_to<Case>(json::value_from(FullCase()));
  CHECK(full.schema[2].value.is_uint64());
  CHECK(full.schema[0].required);
  CHECK(full.contacts[0].id == "c-1");
  CHECK(full.assignees[0].id == "u-2");
}

TEST_CASE("value_to<Case> is strict and needs id and title") {
  CHECK_THROWS_AS((void)json::value_to<Case>(Json(R"({"title": "t"})")), Error);
  CHECK_THROWS_AS((void)json::value_to<Case>(Json(R"({"id": "x"})")), Error);
  const Case c = json::value_to<Case>(Json(R"({"id": "x", "title": "t"})"));
  CHECK(c.version == 0);
  CHECK(c.parent_status == ParentStatus::kDraft);
  try {
    (void)json::value_to<Case>(Json(R"({"id": "x", "title": "t", "parent_status": "open"})"));
    FAIL("expected casework::Error");
  } catch (const Error& e) {
    CheckValidationFailed(e.status(), "parent_status",
                          "must be one of draft, pending, in_progress, closed");
  }
  try {
    (void)json::value_to<Case>(Json(R"({"id": "x", "title": "t", "extra": 1})"));
    FAIL("expected casework::Error");
  } catch (const Error& e) {
    CheckValidationFailed(e.status(), "extra", "unknown field");
  }
}

TEST_CASE("version accepts any integer that fits int64") {
  auto version = [](std::string_view number) {
    return json::value_to<Case>(
               Json(std::string(R"({"id": "x", "title": "t", "version": )") + std::string(number) + "}"))
        .version;
  };
  CHECK(version("42") == 42);
  CHECK(version("9223372036854775807") == 9223372036854775807);
  json::value built = Json(R"({"id": "x", "title": "t"})");
  built.as_object()["version"] = std::uint64_t{5};  // a uint64 that fits
  CHECK(json::value_to<Case>(built).version == 5);
  CHECK_THROWS_AS((void)version("9223372036854775808"), Error);
  CHECK_THROWS_AS((void)version("1.5"), Error);
  CHECK_THROWS_AS((void)version("\"3\""), Error);
}

TEST_CASE("a template round-trips through value_from and value_to") {
  Template t;
  t.id = "018c7a9e-3d2f-7b4a-9c1e-5f6a7b8c9d0e";
  t.workspace = {"0b5e1f9e-0000-4000-8000-000000000000", "default"};
  t.name = "Claims";
  t.statuses = {{"new", ParentStatus::kDraft}, {"paid", ParentStatus::kClosed}};
  t.initial_status = "new";
  t.transitions = {{"new", "paid", "Pay"}, {"*", "new", ""}};
  t.schema = {Field{"amount", FieldType::kNumber, "Amount", 12.5, true, {}}};
  t.steps = {Step{"collect", "Collect", StepStatus::kTodo, json::object{{"k", 1}}}};
  t.closure_conditions = {{"positive", "case.data.amount > 0"}};
  t.priority = Priority::kMedium;
  t.version = 3;
  t.created_at = Timestamp(std::chrono::milliseconds(1704164645000));
  t.updated_at = Timestamp(std::chrono::milliseconds(1704164646123));
  const json::value out = json::value_from(t);
  const Template back = json::value_to<Template>(Json(json::serialize(out)));
  CHECK(json::value_from(back) == out);
  CHECK(back.id == t.id);
  CHECK(back.workspace.id == t.workspace.id);
  CHECK(back.workspace.slug == t.workspace.slug);
  CHECK(back.version == 3);
  CHECK(back.updated_at == t.updated_at);
  CHECK(back.statuses[1].parent_status == ParentStatus::kClosed);
  CHECK(back.transitions[1].from == "*");
  CHECK_THROWS_AS(json::value_to<Template>(Json(R"({"name": "x", "statuses": []})")), Error);
}

TEST_CASE("a workspace reference and a change round-trip") {
  const WorkspaceRef ref{"0b5e1f9e-0000-4000-8000-000000000000", "acme"};
  const WorkspaceRef ref_back = json::value_to<WorkspaceRef>(json::value_from(ref));
  CHECK(ref_back.id == ref.id);
  CHECK(ref_back.slug == ref.slug);
  const Change change{"data.amount", 1, json::array{1, "two"}};
  const Change change_back = json::value_to<Change>(json::value_from(change));
  CHECK(change_back.path == change.path);
  CHECK(change_back.before == change.before);
  CHECK(change_back.after == change.after);
}

TEST_CASE("a draft round-trips through value_from and value_to") {
  const CaseDraft original = Draft(R"({
    "title": "T", "reference": "R", "locale": "en", "status": "pending",
    "template": "tpl", "workspace": {"slug": "acme"}, "waiting_for": "contact",
    "priority": "low", "owner": {"email": "o@x", "given_name": "O"},
    "assignee_emails": ["a@x"], "tag_names": ["t1"], "metadata": {"m": [1]},
    "contacts": [{"key": "client", "email": "c@x"}],
    "schema": [{"key": "k", "type": "date", "value": "2024-01-01"}],
    "steps": [{"id": "s"}], "closure_conditions": [{"name": "n", "formula": "TRUE"}],
    "opened_at": "2024-01-20T09:15:00Z"
  })");
  const json::value out = json::value_from(original);
  CHECK_FALSE(out.as_object().contains("linked_cases"));
  CHECK(out.at("assignees") == Json(R"([{"email": "a@x", "given_name": null, "family_name": null}])"));
  CHECK(out.at("tags") == Json(R"(["t1"])"));
  CHECK(out.at("workspace") == Json(R"({"slug": "acme"})"));
  const CaseDraft back = json::value_to<CaseDraft>(out);
  CHECK(json::value_from(back) == out);
}

TEST_CASE("the smaller shapes decode with value_to") {
  const User u = json::value_to<User>(Json(R"({"id": "u", "email": "e@x", "given_name": null})"));
  CHECK(u.id == "u");
  CHECK_FALSE(u.given_name.has_value());
  const UserInput ui = json::value_to<UserInput>(Json(R"({"email": "e@x", "family_name": "F"})"));
  CHECK(ui.family_name == "F");
  const CaseContact cc = json::value_to<CaseContact>(Json(R"({"id": "c", "key": "k"})"));
  CHECK(cc.id == "c");
  CHECK(cc.key == "k");
  const ContactInput ci = json::value_to<ContactInput>(Json(R"({"key": "k", "name": "N"})"));
  CHECK(ci.name == "N");
  const Field f = json::value_to<Field>(Json(R"({"key": "k", "type": "boolean", "value": true})"));
  CHECK(f.type == FieldType::kBoolean);
  CHECK(f.value == json::value(true));
  const Step s = json::value_to<Step>(Json(R"({"id": "s", "status": "done"})"));
  CHECK(s.status == StepStatus::kDone);
  const ClosureCondition cond =
      json::value_to<ClosureCondition>(Json(R"({"name": "n", "formula": "=1 = 1"})"));
  CHECK(cond.formula == "=1 = 1");
  const Workspace w = json::value_to<Workspace>(Json(R"({"id": "w", "slug": "acme"})"));
  CHECK(w.slug == "acme");
  CHECK(w.name.empty());
  CHECK_THROWS_AS((void)json::value_to<Workspace>(Json(R"({"id": "w"})")), Error);
  CHECK_THROWS_AS((void)json::value_to<User>(Json(R"({"email": "e@x", "mail": 1})")), Error);
}

TEST_CASE("a step change sets only the members it names") {
  const StepChange none = json::value_to<StepChange>(Json("{}"));
  CHECK_FALSE(none.title.has_value());
  CHECK_FALSE(none.status.has_value());
  CHECK_FALSE(none.data.has_value());
  const StepChange all = json::value_to<StepChange>(
      Json(R"({"title": "T", "status": "in_progress", "data": {"x": 1}})"));
  CHECK(all.title == "T");
  CHECK(all.status == StepStatus::kInProgress);
  CHECK(all.data == json::object{{"x", 1}});
  try {
    (void)json::value_to<StepChange>(Json(R"({"stauts": "done"})"));
    FAIL("expected casework::Error");
  } catch (const Error& e) {
    CheckValidationFailed(e.status(), "stauts", "unknown field");
  }
  CHECK_THROWS_AS((void)json::value_to<StepChange>(Json(R"({"status": "finished"})")), Error);
}

// ------------------------------------------------------------ merge patch

struct MergeCase {
  const char* target;
  const char* patch;
  const char* result;
};

TEST_CASE("merge patch follows RFC 7396") {
  // The examples of RFC 7396, appendix A.
  const MergeCase cases[] = {
      {R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
      {R"({"a":"b"})", R"({"a":null})", R"({})"},
      {R"({"a":"b","b":"c"})", R"({"a":null})", R"({"b":"c"})"},
      {R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
      {R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
      {R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})", R"({"a":{"b":"d"}})"},
      {R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
      {R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
      {R"({"a":"b"})", R"(["c"])", R"(["c"])"},
      {R"({"a":"foo"})", "null", "null"},
      {R"({"a":"foo"})", R"("bar")", R"("bar")"},
      {R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
      {R"([1,2])", R"({"a":"b","c":null})", R"({"a":"b"})"},
      {R"({})", R"({"a":{"bb":{"ccc":null}}})", R"({"a":{"bb":{}}})"},
  };
  for (const MergeCase& c : cases) {
    CAPTURE(c.target);
    CAPTURE(c.patch);
    json::value target = Json(c.target);
    ApplyMergePatch(target, Json(c.patch));
    CHECK(target == Json(c.result));
  }
}

TEST_CASE("merge patch edits a case shape in place") {
  json::value target = json::value_from(FullCase());
  ApplyMergePatch(target, Json(R"({"title": "New", "description": null,
                                   "metadata": {"n": null, "added": true}})"));
  CHECK(target.at("title") == "New");
  CHECK_FALSE(target.as_object().contains("description"));
  CHECK(target.at("metadata") == Json(R"({"key": "value", "nested": {"a": [1, 2]}, "added": true})"));
  CHECK(target.at("reference") == "CLM-2024-0042");
}

}  // namespace
}  // namespace casework

TEST_CASE("ToJsonText escapes control characters and quotes and reads back the same") {
  boost::json::value v = boost::json::object{
      {"text", std::string("a\"b\\c\n\x01\x1f/\xc3\xa9", 11)}, {"n", -12}, {"u", 18446744073709551615ull},
      {"d", 2450.5}, {"whole", 12.0}, {"list", boost::json::array{true, false, nullptr}}};
  std::string text = casework::ToJsonText(v);
  CHECK(text.find("\\u0001") != std::string::npos);
  CHECK(text.find("\\u001f") != std::string::npos);
  CHECK(text.find("2450.5") != std::string::npos);
  CHECK(text.find("12.0") != std::string::npos);
  CHECK(boost::json::parse(text) == v);
}

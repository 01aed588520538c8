// Hostile input: each is refused with a typed error, and nothing changes
// (the same rows, versions and events as before; Verify stays clean). The
// library and the command-line program never crash, hang or abort on it.
#include <chrono>
#include <cctype>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include "casework/casework.h"
#include "casework/listing.h"
#include "cli_harness.h"
#include "fixture.h"
#include "storage/connection.h"

namespace casework {
namespace {

namespace json = boost::json;
using testing::DraftOf;
using testing::EngineFixture;
using testing::ObjectOf;

// What a refused operation must leave as it was.
struct Fingerprint {
  std::string counts;  // rows of every table, and the sum of versions
  std::string existing;  // the JSON of one existing case

  bool operator==(const Fingerprint&) const = default;
};

Fingerprint Take(EngineFixture& fx, const std::string& existing_id) {
  Fingerprint f;
  {
    f.counts = testing::RawDatabase(fx.path()).Text(
                     "SELECT (SELECT count(*) FROM cases) || '/' || (SELECT count(*) FROM case_events) "
                     "|| '/' || (SELECT count(*) FROM contacts) || '/' || (SELECT count(*) FROM users) "
                     "|| '/' || (SELECT count(*) FROM case_links) || '/' || "
                     "(SELECT coalesce(sum(version), 0) FROM cases) || '/' || (SELECT count(*) FROM workspaces)");
  }
  f.existing = ToJsonText(json::value_from(testing::MustGet(fx, existing_id)));
  return f;
}

// A fixture with one case in it, to check that refusals leave it alone.
struct Hostile : EngineFixture {
  Case existing;
  Fingerprint before;

  Hostile() {
    existing = MustCreate(R"({"title": "Existing", "reference": "REF-1",
        "owner": {"email": "owner@example.com"},
        "contacts": [{"key": "client", "email": "client@example.com"}],
        "schema": [{"key": "amount", "type": "number", "value": 1}],
        "steps": [{"id": "s1", "title": "One"}]})");
    before = Take(*this, existing.id);
  }

  // Nothing changed since construction, and the file is still sound.
  void CheckUnchanged() {
    CHECK(Take(*this, existing.id) == before);
    auto report = engine->Verify();
    REQUIRE(report.ok());
    CHECK_MESSAGE(report->clean(), ToJsonText(json::value_from(*report)));
  }
};

void CheckRefused(const Status& status, Code code, std::string_view field = {}) {
  INFO(status.ToString());
  CHECK_FALSE(status.ok());
  CHECK(status.code() == code);
  if (!field.empty()) CHECK(status.field() == field);
}

template <typename T>
void CheckRefused(const Result<T>& result, Code code, std::string_view field = {}) {
  CheckRefused(result.status(), code, field);
}

// A create payload as the CLI or a service would send it, through ParseJson.
Status CreateFromText(Engine& engine, std::string_view text) {
  auto json = ParseJson(text);
  if (!json.ok()) return json.status();
  auto draft = DraftFromJson(*json, DraftKind::kCreate);
  if (!draft.ok()) return draft.status();
  return engine.Create(*draft).status();
}

ContactInput Contact(std::string email, std::optional<std::string> name = std::nullopt) {
  ContactInput contact;
  contact.key = "client";
  contact.email = std::move(email);
  contact.name = std::move(name);
  return contact;
}

std::string Nested(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

// ------------------------------------------------------------ JSON text

TEST_CASE("JSON nested 100,000 deep is validation_failed at the depth limit") {
  Hostile fx;
  Status refused = CreateFromText(
      *fx.engine, R"({"title": "deep", "metadata": {"x": )" + Nested(100'000) + "}}");
  CheckRefused(refused, Code::kValidationFailed);
  CHECK(refused.message().find("nesting deeper than 64") != std::string::npos);
  // An object nesting is refused the same way.
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(100'000, '}');
  CheckRefused(ParseJson(objects), Code::kValidationFailed);
  fx.CheckUnchanged();
}

TEST_CASE("a 100 MB string is refused by size before it is parsed") {
  Hostile fx;
  std::string text = R"({"title": ")" + std::string(100u << 20, 'a') + R"("})";
  auto start = std::chrono::steady_clock::now();
  Status refused = CreateFromText(*fx.engine, text);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
  CheckRefused(refused, Code::kValidationFailed);
  CHECK(refused.message().find("the limit is") != std::string::npos);
  fx.CheckUnchanged();
}

TEST_CASE("a title or description past its length limit is refused even under the size limit") {
  Hostile fx;
  CheckRefused(CreateFromText(*fx.engine, R"({"title": ")" + std::string(1001, 'a') + R"("})"),
               Code::kValidationFailed, "title");
  CheckRefused(CreateFromText(*fx.engine, R"({"title": "t", "description": ")" +
                                              std::string((1 << 20) + 1, 'd') + R"("})"),
               Code::kValidationFailed, "description");
  fx.CheckUnchanged();
}

TEST_CASE("invalid UTF-8 in JSON text is validation_failed") {
  Hostile fx;
  for (std::string bad : {std::string("\xff"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                          std::string("\x80"), std::string("\xf4\x90\x80\x80")}) {
    CAPTURE(bad);
    CheckRefused(CreateFromText(*fx.engine, "{\"title\": \"a" + bad + "\"}"),
                 Code::kValidationFailed);
  }
  fx.CheckUnchanged();
}

TEST_CASE("invalid UTF-8 given through the C++ API is validation_failed naming the input") {
  Hostile fx;
  const std::string bad = "caf\xe9";  // Latin-1, not UTF-8
  struct Input {
    const char* field;
    std::function<void(CaseDraft&)> set;
  };
  std::vector<Input> cases = {
      {"title", [&](CaseDraft& d) { d.title = bad; }},
      {"description", [&](CaseDraft& d) { d.description = bad; }},
      {"reference", [&](CaseDraft& d) { d.reference = bad; }},
      {"tags[0]", [&](CaseDraft& d) { d.tags = {bad}; }},
      {"owner.given_name", [&](CaseDraft& d) { d.owner = UserInput{"o@example.com", bad, {}}; }},
      {"contacts[0].name",
       [&](CaseDraft& d) { d.contacts = {Contact("c@example.com", bad)}; }},
      {"metadata.note", [&](CaseDraft& d) { d.metadata["note"] = bad; }},
      {"metadata", [&](CaseDraft& d) { d.metadata[bad] = 1; }},
      {"schema[0].value", [&](CaseDraft& d) {
         Field f;
         f.key = "t";
         f.type = FieldType::kText;
         f.value = bad;
         d.schema = {f};
       }},
      {"steps[0].title", [&](CaseDraft& d) { d.steps = {Step{"s", bad, StepStatus::kTodo, {}}}; }},
  };
  for (const auto& c : cases) {
    std::string field = c.field;
    CAPTURE(field);
    CaseDraft draft;
    draft.title = "t";
    c.set(draft);
    auto created = fx.engine->Create(draft);
    CheckRefused(created, Code::kValidationFailed);
    if (!created.ok()) CHECK(created.status().field().rfind(c.field, 0) == 0);
  }
  CheckRefused(fx.engine->UpdateData(fx.existing.id, json::object{{"amount", 2}, {"x" + bad, 1}}),
               Code::kUnknownField);
  CheckRefused(fx.engine->Patch(fx.existing.id, json::object{{"title", bad}}),
               Code::kValidationFailed, "title");
  fx.CheckUnchanged();
}

TEST_CASE("JSON built in C++ that JSON text could not carry is validation_failed") {
  Hostile fx;
  CaseDraft draft = DraftOf(R"({"title": "t", "schema": [{"key": "j", "type": "json"}]})");
  draft.metadata["x"] = std::numeric_limits<double>::quiet_NaN();
  CheckRefused(fx.engine->Create(draft), Code::kValidationFailed, "metadata.x");
  draft.metadata.clear();
  draft.schema[0].value = json::array{1.0, std::numeric_limits<double>::infinity()};
  CheckRefused(fx.engine->Create(draft), Code::kValidationFailed, "schema[0].value[1]");
  json::value deep = 1;
  for (int i = 0; i < 200; ++i) deep = json::array{std::move(deep)};
  draft.schema[0].value = deep;
  CheckRefused(fx.engine->Create(draft), Code::kValidationFailed);
  CheckRefused(fx.engine->UpdateData(fx.existing.id, json::object{{"amount", deep}}),
               Code::kValidationFailed);
  fx.CheckUnchanged();
}

// ------------------------------------------------------------- NUL bytes

TEST_CASE("a NUL byte (\\u0000) in a title, an email or a key is validation_failed") {
  Hostile fx;
  const std::vector<std::pair<std::string, std::string>> payloads = {
      {"title", R"({"title": "a\u0000b"})"},
      {"owner.email", R"({"title": "t", "owner": {"email": "a\u0000@example.com"}})"},
      {"owner.email", R"({"title": "t", "owner": {"email": "a@example.com\u0000"}})"},
      {"assignees[0].email", R"({"title": "t", "assignee_emails": ["\u0000a@example.com"]})"},
      {"contacts[0].email",
       R"({"title": "t", "contacts": [{"key": "c", "email": "a@exa\u0000mple.com"}]})"},
      {"contacts[0].key", R"({"title": "t", "contacts": [{"key": "c\u0000", "email": "a@example.com"}]})"},
      {"schema[0].key", R"({"title": "t", "schema": [{"key": "k\u0000", "type": "text"}]})"},
      {"steps[0].id", R"({"title": "t", "steps": [{"id": "s\u0000", "title": "S"}]})"},
      {"tags[0]", R"({"title": "t", "tag_names": ["a\u0000"]})"},
      {"reference", R"({"title": "t", "reference": "R\u0000"})"},
      {"metadata", R"({"title": "t", "metadata": {"k\u0000": 1}})"},
      {"closure_conditions[0].name",
       R"({"title": "t", "closure_conditions": [{"name": "c\u0000", "formula": "TRUE"}]})"},
  };
  for (const auto& entry : payloads) {
    const std::string& field = entry.first;
    const std::string& payload = entry.second;
    CAPTURE(payload);
    Status refused = CreateFromText(*fx.engine, payload);
    CheckRefused(refused, Code::kValidationFailed);
    CHECK(refused.field().rfind(field, 0) == 0);
  }
  CheckRefused(fx.engine->Patch(fx.existing.id, ObjectOf(R"({"title": "x\u0000"})")),
               Code::kValidationFailed, "title");
  CheckRefused(fx.engine->UpdateData(fx.existing.id, ObjectOf(R"({"amount\u0000": 1})")),
               Code::kUnknownField);
  fx.CheckUnchanged();
}

TEST_CASE("emails with control characters are validation_failed") {
  Hostile fx;
  for (std::string email : {"ann\n@example.com", "ann@example.com\r\nBcc: eve@example.com",
                            "ann\t@example.com", "ann@exam\x7fple.com", "\x1b[31mann@example.com",
                            "ann@example.com\n"}) {
    CAPTURE(email);
    CaseDraft owner;
    owner.title = "t";
    owner.owner = UserInput{email, {}, {}};
    CheckRefused(fx.engine->Create(owner), Code::kValidationFailed, "owner.email");
    CaseDraft contact;
    contact.title = "t";
    contact.contacts = {Contact(email)};
    CheckRefused(fx.engine->Create(contact), Code::kValidationFailed, "contacts[0].email");
  }
  fx.CheckUnchanged();
}

// -------------------------------------------------------------- formulas

TEST_CASE("a 1 MB formula is formula_error wherever it goes in") {
  Hostile fx;
  const std::string huge = "=" + std::string(1 << 20, '1');
  CaseDraft draft = DraftOf(R"({"title": "t"})");
  draft.closure_conditions = {{"huge", huge}};
  CheckRefused(fx.engine->Create(draft), Code::kFormulaError, "closure_conditions[0].formula");
  CheckRefused(fx.engine->Evaluate(huge), Code::kFormulaError);
  CheckRefused(fx.engine->Evaluate(huge, fx.existing.id), Code::kFormulaError);
  json::object patch{{"closure_conditions", json::array{json::object{{"name", "huge"}, {"formula", huge}}}}};
  CheckRefused(fx.engine->Patch(fx.existing.id, patch), Code::kFormulaError);
  // Deep nesting and long operator chains are bounded too.
  CheckRefused(fx.engine->Evaluate(std::string(100'000, '(') + "1" + std::string(100'000, ')')),
               Code::kFormulaError);
  CheckRefused(fx.engine->Evaluate(std::string(15'000, '-') + "1"), Code::kFormulaError);
  CheckRefused(fx.engine->Evaluate(std::string(15'000, '!') + "1"), Code::kFormulaError);
  fx.CheckUnchanged();
}

// ------------------------------------------------------------------- ids

TEST_CASE("ids that are not UUIDs are not_found everywhere and reach no SQL") {
  Hostile fx;
  const std::string uuid = fx.existing.id;
  const std::vector<std::string> ids = {
      "", "1", "1 OR 1=1", "'; DROP TABLE cases; --", uuid + "'--", uuid + " ", " " + uuid,
      uuid.substr(0, 35), uuid + "0", std::string(uuid).replace(8, 1, "_"),
      std::string(uuid).insert(5, std::string(1, '\0')), std::string(10'000, 'a'),
      "\xff\xfe", "%", "*"};
  for (const std::string& id : ids) {
    CAPTURE(id.substr(0, 60));
    CheckRefused(fx.engine->Get(id), Code::kNotFound);
    CheckRefused(fx.engine->History(id), Code::kNotFound);
    CheckRefused(fx.engine->Check(id), Code::kNotFound);
    CheckRefused(fx.engine->Patch(id, ObjectOf(R"({"title": "x"})")), Code::kNotFound);
    CheckRefused(fx.engine->UpdateData(id, ObjectOf(R"({"amount": 5})")), Code::kNotFound);
    CheckRefused(fx.engine->Archive(id), Code::kNotFound);
    CheckRefused(fx.engine->UpdateStep(id, "s1", StepChange{}), Code::kNotFound);
    CheckRefused(fx.engine->Link(uuid, id), Code::kNotFound);
    CheckRefused(fx.engine->Link(id, uuid), Code::kNotFound);
    CheckRefused(fx.engine->Unlink(uuid, id), Code::kNotFound);
    TransitionRequest to;
    to.to = "pending";
    CheckRefused(fx.engine->Transition(id, to), Code::kNotFound);
    CheckRefused(fx.engine->GetTemplate(id), Code::kNotFound);
    CheckRefused(fx.engine->Evaluate("=case.title", id), Code::kNotFound);
    // The error quotes the id, and is still JSON text.
    std::string document = ToJsonText(json::value_from(fx.engine->Get(id).status()));
    CHECK_MESSAGE(ParseJson(document).ok(), document);
  }
  fx.CheckUnchanged();
}

TEST_CASE("JSON output never carries bytes that are not UTF-8") {
  CHECK(ToJsonText(json::value("ab\xff" "cd")) == R"("ab\ufffdcd")");
  CHECK(ToJsonText(json::value("\xc3")) == R"("\ufffd")");            // cut short
  CHECK(ToJsonText(json::value("\xed\xa0\x80")) == R"("\ufffd\ufffd\ufffd")");  // a surrogate
  CHECK(ToJsonText(json::value("caf\xc3\xa9 \xf0\x9f\x98\x80")) == "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  CHECK(ToJsonText(json::object{{"k\xfe", 1}}) == R"({"k\ufffd":1})");
}

TEST_CASE("a case linked to itself is validation_failed, in any spelling of its id") {
  Hostile fx;
  std::string upper = fx.existing.id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CheckRefused(fx.engine->Link(fx.existing.id, fx.existing.id), Code::kValidationFailed);
  CheckRefused(fx.engine->Link(fx.existing.id, upper), Code::kValidationFailed);
  CheckRefused(fx.engine->Unlink(upper, fx.existing.id), Code::kValidationFailed);
  fx.CheckUnchanged();
}

// -------------------------------------------------------------- metadata

TEST_CASE("metadata with 100,000 keys is validation_failed") {
  Hostile fx;
  json::object metadata;
  for (int i = 0; i < 100'000; ++i) metadata["k" + std::to_string(i)] = i;
  CaseDraft draft = DraftOf(R"({"title": "t"})");
  draft.metadata = metadata;
  CheckRefused(fx.engine->Create(draft), Code::kValidationFailed, "metadata");
  CheckRefused(fx.engine->Patch(fx.existing.id, json::object{{"metadata", metadata}}),
               Code::kValidationFailed, "metadata");
  // As JSON text, too: under the size limit, over the member limit.
  json::object payload{{"title", "t"}, {"metadata", metadata}};
  CheckRefused(CreateFromText(*fx.engine, ToJsonText(payload)), Code::kValidationFailed, "metadata");
  fx.CheckUnchanged();
}

TEST_CASE("an actor or a reason that is not UTF-8 text on one line is validation_failed") {
  Hostile fx;
  for (std::string actor : {std::string("ann@example.com\nforged line"), std::string("ann\0@example.com", 16),
                            std::string("caf\xe9@example.com"), std::string(256, 'a')}) {
    CAPTURE(actor);
    WriteOptions as;
    as.actor = actor;
    CheckRefused(fx.engine->Patch(fx.existing.id, ObjectOf(R"({"title": "x"})"), as),
                 Code::kValidationFailed, "actor");
    CheckRefused(fx.engine->Create(DraftOf(R"({"title": "t"})"), as), Code::kValidationFailed,
                 "actor");
  }
  TransitionRequest to;
  to.to = "pending";
  to.reason = "caf\xe9";
  CheckRefused(fx.engine->Transition(fx.existing.id, to), Code::kValidationFailed, "reason");
  StepChange change;
  change.data = json::object{{"k", "caf\xe9"}};
  CheckRefused(fx.engine->UpdateStep(fx.existing.id, "s1", change), Code::kValidationFailed,
               "steps[0].data.k");
  CheckRefused(fx.engine->CreateWorkspace("w", "caf\xe9"), Code::kValidationFailed, "name");
  fx.CheckUnchanged();
}

// --------------------------------------------------------------- listing
// (The list suite covers every filter; these are the limits and the proof,
// from the connection's own trace, that no hostile byte reaches SQL text.)

int CollectSql(unsigned, void* out, void*, void* text) {
  static_cast<std::vector<std::string>*>(out)->push_back(static_cast<const char*>(text));
  return 0;
}

TEST_CASE("hostile pages, sorts and filters are validation_failed and no byte of them reaches SQL" *
          doctest::skip(testing::SqliteOnly())) {
  testing::TempDir dir;
  sqlite3* handle = nullptr;
  storage::SetConnectionHookForTesting([&](sqlite3* h) { handle = h; });
  auto opened = Engine::Open(testing::FastOptions(), dir.file("list.db"));
  storage::SetConnectionHookForTesting({});
  REQUIRE(opened.ok());
  Engine& engine = **opened;
  for (int i = 0; i < 3; ++i)
    REQUIRE(engine.Create(DraftOf(R"({"title": "T", "schema": [{"key": "amount", "type": "number", "value": 1}]})")).ok());
  std::vector<std::string> sql;
  sqlite3_trace_v2(handle, SQLITE_TRACE_STMT, CollectSql, &sql);

  const std::string marker = "zq9Marker";
  auto refused = [&](std::string_view params, std::string_view field) {
    CAPTURE(params);
    auto query = ListQueryFromJson(testing::ParseOrFail(params));
    Status status = query.ok() ? engine.List(*query).status() : query.status();
    CheckRefused(status, Code::kValidationFailed);
    CHECK(status.field().rfind(field, 0) == 0);
  };
  refused(R"({"page[size]": 1000000000000000000})", "page[size]");
  refused(R"({"page[size]": -1})", "page[size]");
  refused(R"({"page[number]": -1})", "page[number]");
  refused(R"({"page[number]": 0})", "page[number]");
  refused(R"({"sort": "title; DROP TABLE cases; -- zq9Marker"})", "sort");
  refused(R"({"sort": "data.amount) zq9Marker"})", "sort");
  refused(R"({"filter": {"field": "title) OR 1=1 -- zq9Marker", "op": "eq", "value": 1}})",
          "filter");
  refused(R"({"filter": {"field": "title", "op": "zq9Marker", "value": 1}})", "filter");
  refused(R"({"filter": {"data.x') OR 1=1 -- zq9Marker": 1}})", "filter");

  // A page far past the end is empty with the right meta (no overflow in
  // the offset), or refused; never a crash or an SQL error.
  ListQuery far;
  far.page_number = std::numeric_limits<std::int64_t>::max();
  far.page_size = 100;
  auto page = engine.List(far);
  if (page.ok()) {
    CHECK(page->cases.empty());
    CHECK(page->meta.total_count == 3);
  } else {
    CheckRefused(page.status(), Code::kValidationFailed);
  }
  // Values are bound: as text they find nothing and reach no SQL.
  ListQuery by_value;
  by_value.filter = json::object{{"title", "x' OR '1'='1 " + marker}};
  by_value.q = "\"" + marker + "\" OR title:*";
  auto found = engine.List(by_value);
  REQUIRE_MESSAGE(found.ok(), found.status().ToString());
  CHECK(found->cases.empty());

  sqlite3_trace_v2(handle, 0, nullptr, nullptr);
  CHECK_FALSE(sql.empty());
  for (const std::string& text : sql) CHECK_MESSAGE(text.find(marker) == std::string::npos, text);
}

// ------------------------------------------------------------------- CLI

TEST_CASE("the command-line program refuses hostile files with exit 5 and changes nothing") {
  testing::Cli cli;
  auto existing = cli.Create();
  const std::string before = cli.Run({"get", testing::Id(existing)}).out;

  // 100 MB: refused after reading little more than the limit.
  std::string big = R"({"title": ")" + std::string(100u << 20, 'a') + R"("})";
  testing::CheckError(cli.Run({"create", cli.Write("big.json", big)}), 5, "validation_failed");
  big.clear();
  big.shrink_to_fit();
  testing::CheckError(
      cli.Run({"create", cli.Write("deep.json", R"({"title": "d", "metadata": {"x": )" +
                                                    Nested(100'000) + "}}")}),
      5, "validation_failed");
  testing::CheckError(cli.Run({"create", cli.Write("utf8.json", "{\"title\": \"\xc3\x28\"}")}), 5,
                      "validation_failed");
  testing::CheckError(cli.Run({"create", cli.Write("nul.json", R"({"title": "a\u0000"})")}), 5,
                      "validation_failed");
  testing::CheckError(
      cli.Run({"create", cli.Write("formula.json", R"({"title": "f", "closure_conditions": [{"name": "n", "formula": ")" +
                                                       std::string(1 << 20, '1') + R"("}]})")}),
      5, "formula_error");
  testing::CheckError(cli.Run({"link", testing::Id(existing), testing::Id(existing)}), 5,
                      "validation_failed");
  testing::CheckError(cli.Run({"get", "'; DROP TABLE cases; --"}), 3, "not_found");
  testing::CheckError(cli.Run({"get", "ab\xff" "cd"}), 3, "not_found");  // still JSON
  testing::CheckError(cli.Run({"transition", testing::Id(existing), "\xc3("}), 6,
                      "transition_not_allowed");
  testing::CheckError(cli.Run({"list", "--page-size", "1000000000000000000"}), 5, "validation_failed");
  testing::CheckError(cli.Run({"list", "--page", "-1"}), 5, "validation_failed");
  testing::CheckError(cli.Run({"list", "--sort", "title; DROP TABLE cases"}), 5, "validation_failed");
  testing::CheckError(cli.Run({"list", "--filter", R"({"field": "x) OR (1", "op": "eq", "value": 1})"}),
                      5, "validation_failed");
  testing::CheckError(cli.Run({"--actor", "x", "patch", "1 OR 1=1", cli.Write("p.json", "{}")}), 3,
                      "not_found");

  CHECK(cli.Run({"get", testing::Id(existing)}).out == before);
  CHECK(cli.Run({"verify"}).exit_code == 0);
}

}  // namespace
}  // namespace casework

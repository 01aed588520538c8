// NDJSON import and export (casework/transfer.h), through the engine and the
// command-line program.
#include <cctype>
#include <sstream>

#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include "cli_harness.h"
#include "fixture.h"

namespace casework {
namespace {

namespace json = boost::json;
using testing::EngineFixture;
using testing::MustGet;
using testing::MustHistory;

constexpr std::string_view kTemplate = R"({
  "name": "Claims",
  "statuses": [
    {"name": "new", "parent_status": "draft"},
    {"name": "assessing", "parent_status": "in_progress"},
    {"name": "paid", "parent_status": "closed"}
  ],
  "initial_status": "new",
  "transitions": [{"from": "new", "to": "assessing"}, {"from": "assessing", "to": "paid", "name": "Pay"}],
  "schema": [{"key": "amount", "type": "number", "name": "Amount"}],
  "steps": [{"id": "collect", "title": "Collect documents"}],
  "closure_conditions": [{"name": "amount is positive", "formula": "case.data.amount > 0"}]
})";

Result<ImportSummary> ImportText(EngineFixture& fx, const std::string& ndjson,
                                 const ImportOptions& options = {}) {
  std::istringstream in(ndjson);
  return fx.engine->Import(in, options);
}

ImportSummary MustImport(EngineFixture& fx, const std::string& ndjson) {
  auto summary = ImportText(fx, ndjson);
  REQUIRE_MESSAGE(summary.ok(), summary.status().ToString());
  return *summary;
}

std::string MustExport(EngineFixture& fx, const ExportOptions& options = {}) {
  std::ostringstream out;
  auto written = fx.engine->Export(out, options);
  REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  return out.str();
}

std::vector<boost::json::object> Lines(const std::string& ndjson) {
  std::vector<boost::json::object> lines;
  std::istringstream in(ndjson);
  for (std::string line; std::getline(in, line);) lines.push_back(testing::ObjectOf(line));
  return lines;
}

std::int64_t CountCases(const EngineFixture& fx) {
  return testing::RawDatabase(fx.path()).Int("SELECT count(*) FROM cases");
}

// The members a restored case must keep, as JSON.
boost::json::object Kept(const Case& c) {
  boost::json::object shape = boost::json::value_from(c).as_object();
  for (const char* member : {"version", "workspace", "contacts", "owner", "assignees"})
    shape.erase(member);
  return shape;
}

Template MustCreateTemplate(EngineFixture& fx) {
  auto draft = TemplateDraftFromJson(testing::ParseOrFail(kTemplate));
  REQUIRE(draft.ok());
  auto created = fx.engine->CreateTemplate(*draft);
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  return *created;
}

TEST_CASE("import of create payloads creates each case as create would") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx);
  ImportSummary summary = MustImport(
      fx, R"({"title": "one", "contacts": [{"key": "client", "email": "Ann@Example.com"}]})"
          "\n"
          R"({"title": "two", "template": ")" + t.id + R"(", "schema": [{"key": "amount", "type": "number", "name": "Amount", "value": 5}]})"
          "\n");
  CHECK(summary.created == 2);
  CHECK(summary.restored == 0);
  auto lines = Lines(MustExport(fx));
  REQUIRE(lines.size() == 2);
  Case two = MustGet(fx, lines[1].at("id").as_string());
  CHECK(two.status == "new");  // the template applied
  CHECK(two.steps.size() == 1);
  CHECK(two.schema.at(0).value == boost::json::value(5));
  CHECK(MustHistory(fx, two.id).size() == 1);
}

TEST_CASE("export writes every case of the workspace oldest first, archived ones included") {
  EngineFixture fx;
  Case first = fx.MustCreate(R"({"title": "first"})");
  fx.clock->Advance(std::chrono::seconds(1));
  Case second = fx.MustCreate(R"({"title": "second"})");
  REQUIRE(fx.engine->Archive(first.id).ok());
  REQUIRE(fx.engine->CreateWorkspace("other", "").ok());
  WriteOptions elsewhere;
  elsewhere.workspace = "other";
  fx.MustCreate(R"({"title": "not in default"})", elsewhere);
  auto lines = Lines(MustExport(fx));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("id") == boost::json::value(first.id));
  CHECK(lines[0].at("archived_at").is_string());
  CHECK(lines[1].at("id") == boost::json::value(second.id));
  CHECK(lines[1] == boost::json::value_from(MustGet(fx, second.id)));
}

TEST_CASE("export then import into a new database restores ids, statuses, times and links") {
  EngineFixture source;
  Case a = source.MustCreate(R"({"title": "a", "tags": ["x"], "contacts": [{"key": "client", "email": "ann@example.com"}]})");
  source.clock->Advance(std::chrono::minutes(1));
  Case b = source.MustCreate(R"({"title": "b", "assignee_emails": ["bo@example.com"]})");
  REQUIRE(source.engine->Link(a.id, b.id).ok());
  TransitionRequest start;
  start.to = "in_progress";
  REQUIRE(source.engine->Transition(b.id, start).ok());
  TransitionRequest close;
  close.to = "closed";
  REQUIRE(source.engine->Transition(b.id, close).ok());
  REQUIRE(source.engine->Archive(a.id).ok());

  EngineFixture target;
  target.clock->Advance(std::chrono::hours(24));
  ImportSummary summary = MustImport(target, MustExport(source));
  CHECK(summary.restored == 2);
  for (const Case& original : {MustGet(source, a.id), MustGet(source, b.id)}) {
    Case restored = MustGet(target, original.id);
    CHECK(Kept(restored) == Kept(original));
    CHECK(restored.version == 1);  // history starts afresh
    std::vector<Event> events = MustHistory(target, original.id);
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == "created");
    CHECK(events[0].details.at("imported") == boost::json::value(true));
  }
  CHECK(MustGet(target, a.id).contacts.at(0).email == "ann@example.com");
  CHECK(MustGet(target, b.id).assignees.at(0).email == "bo@example.com");
  auto report = target.engine->Verify();
  REQUIRE(report.ok());
  CHECK_MESSAGE(report->clean(), boost::json::serialize(boost::json::value_from(*report)));
}

TEST_CASE("a restored case can move on from the status it was restored in") {
  EngineFixture source;
  Case c = source.MustCreate(R"({"title": "c"})");
  TransitionRequest start;
  start.to = "in_progress";
  REQUIRE(source.engine->Transition(c.id, start).ok());
  EngineFixture target;
  MustImport(target, MustExport(source));
  TransitionRequest close;
  close.to = "Close";
  auto moved = target.engine->Transition(c.id, close);
  REQUIRE_MESSAGE(moved.ok(), moved.status().ToString());
  CHECK(moved->result.parent_status == ParentStatus::kClosed);
  CHECK(moved->result.version == 2);
}

TEST_CASE("import is all or nothing and names the line that failed") {
  EngineFixture fx;
  auto summary = ImportText(fx, "{\"title\": \"fine\"}\n{\"title\": \"fine too\"}\n{\"title\": \"\"}\n");
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.status().code() == Code::kValidationFailed);
  CHECK(summary.status().field() == "line[3].title");
  CHECK(CountCases(fx) == 0);
}

TEST_CASE("import names the line of malformed JSON, of a non-object and of an unknown member") {
  EngineFixture fx;
  auto malformed = ImportText(fx, "{\"title\": \"fine\"}\n{\"title\": \n");
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.status().code() == Code::kValidationFailed);
  CHECK(malformed.status().field().rfind("line[2]", 0) == 0);
  auto array = ImportText(fx, "[1, 2]\n");
  REQUIRE_FALSE(array.ok());
  CHECK(array.status().field() == "line[1]");
  auto unknown = ImportText(fx, "{\"title\": \"t\", \"titel\": \"typo\"}\n");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().field() == "line[1].titel");
  CHECK(CountCases(fx) == 0);
}

TEST_CASE("import skips blank lines, reads CRLF and a last line without a newline") {
  EngineFixture fx;
  ImportSummary summary = MustImport(fx, "\n{\"title\": \"a\"}\r\n   \n{\"title\": \"b\"}");
  CHECK(summary.created == 2);
  CHECK(CountCases(fx) == 2);
}

TEST_CASE("import of nothing imports nothing") {
  EngineFixture fx;
  ImportSummary summary = MustImport(fx, "");
  CHECK(summary.cases() == 0);
}

TEST_CASE("import refuses a line longer than the JSON limit, naming it") {
  EngineFixture fx;
  std::string huge = "{\"title\": \"" + std::string(JsonLimits{}.max_bytes, 'x') + "\"}";
  auto summary = ImportText(fx, "{\"title\": \"a\"}\n" + huge + "\n");
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.status().code() == Code::kValidationFailed);
  CHECK(summary.status().field() == "line[2]");
  CHECK(CountCases(fx) == 0);
}

TEST_CASE("a restored id already in the database is refused") {
  EngineFixture fx;
  fx.MustCreate(R"({"title": "a"})");
  std::string exported = MustExport(fx);
  auto again = ImportText(fx, exported);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().code() == Code::kValidationFailed);
  CHECK(again.status().field() == "line[1].id");
  CHECK(CountCases(fx) == 1);
}

TEST_CASE("a link listed twice, in any case of letters, is one link") {
  EngineFixture source;
  Case a = source.MustCreate(R"({"title": "a"})");
  Case b = source.MustCreate(R"({"title": "b"})");
  REQUIRE(source.engine->Link(a.id, b.id).ok());
  auto lines = Lines(MustExport(source));
  std::string upper = b.id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  lines[0]["linked_cases"] = json::array{b.id, upper};
  std::string ndjson = json::serialize(lines[0]) + "\n" + json::serialize(lines[1]) + "\n";
  EngineFixture target;
  MustImport(target, ndjson);
  CHECK(MustGet(target, a.id).linked_cases == std::vector<std::string>{b.id});
  CHECK(MustGet(target, b.id).linked_cases == std::vector<std::string>{a.id});
  auto report = target.engine->Verify();
  REQUIRE(report.ok());
  CHECK(report->clean());
}

TEST_CASE("a link that only one restored case lists is refused, naming where it is listed") {
  EngineFixture source;
  Case a = source.MustCreate(R"({"title": "a"})");
  Case b = source.MustCreate(R"({"title": "b"})");
  REQUIRE(source.engine->Link(a.id, b.id).ok());
  auto lines = Lines(MustExport(source));
  REQUIRE(lines.size() == 2);
  lines[1]["linked_cases"] = boost::json::array();  // b no longer lists a
  std::string ndjson = boost::json::serialize(lines[0]) + "\n" + boost::json::serialize(lines[1]) + "\n";
  EngineFixture target;
  auto summary = ImportText(target, ndjson);
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.status().code() == Code::kValidationFailed);
  CHECK(summary.status().field() == "line[1].linked_cases[0]");
  CHECK(CountCases(target) == 0);
}

TEST_CASE("a link to a case the import does not hold is refused") {
  EngineFixture source;
  Case a = source.MustCreate(R"({"title": "a"})");
  Case b = source.MustCreate(R"({"title": "b"})");
  REQUIRE(source.engine->Link(a.id, b.id).ok());
  std::string first_line = MustExport(source).substr(0, MustExport(source).find('\n') + 1);
  EngineFixture target;
  auto summary = ImportText(target, first_line);
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.status().field() == "line[1].linked_cases[0]");
}

TEST_CASE("a restored case must agree with its status about resolved_at") {
  EngineFixture source;
  Case c = source.MustCreate(R"({"title": "c"})");
  boost::json::object line = Lines(MustExport(source)).at(0);
  line["resolved_at"] = "2024-01-02T03:04:05Z";  // an open case
  EngineFixture target;
  auto summary = ImportText(target, boost::json::serialize(line));
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.status().field() == "line[1].resolved_at");
}

TEST_CASE("a restored case needs its created_at and updated_at, and a UUID id") {
  EngineFixture fx;
  auto no_times = ImportText(fx, R"({"id": "01a23708-74f0-71a6-82ae-5ddabbf1e742", "title": "t"})");
  REQUIRE_FALSE(no_times.ok());
  CHECK(no_times.status().field() == "line[1].created_at");
  auto bad_id = ImportText(fx, R"({"id": "nope", "title": "t"})");
  REQUIRE_FALSE(bad_id.ok());
  CHECK(bad_id.status().field() == "line[1].id");
}

TEST_CASE("a restored case keeps its template's steps and conditions without adding them twice") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx);
  Case c = fx.MustCreate(R"({"title": "claim", "template": ")" + t.id + R"("})");
  std::string exported = MustExport(fx);
  {
    // The case leaves the file behind casework's back; its template stays.
    testing::RawDatabase raw(fx.path());
    if (!testing::OnPostgres()) raw.Exec("PRAGMA foreign_keys = ON");
    raw.Exec("DELETE FROM cases");
  }
  MustImport(fx, exported);
  Case restored = MustGet(fx, c.id);
  CHECK(restored.steps.size() == 1);
  CHECK(restored.closure_conditions.size() == 1);
  CHECK(restored.template_id == t.id);
  CHECK(restored.status == "new");
}

TEST_CASE("a restored case whose template the workspace lacks is not_found, naming the line") {
  EngineFixture source;
  Template t = MustCreateTemplate(source);
  source.MustCreate(R"({"title": "claim", "template": ")" + t.id + R"("})");
  EngineFixture target;
  auto summary = ImportText(target, MustExport(source));
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.status().code() == Code::kNotFound);
  CHECK(CountCases(target) == 0);
}

TEST_CASE("import into a workspace puts every case there") {
  EngineFixture fx;
  REQUIRE(fx.engine->CreateWorkspace("other", "").ok());
  ImportOptions options;
  options.write.workspace = "other";
  std::istringstream in("{\"title\": \"a\"}\n");
  REQUIRE(fx.engine->Import(in, options).ok());
  ExportOptions read_other;
  read_other.read.workspace = "other";
  CHECK(Lines(MustExport(fx, read_other)).size() == 1);
  CHECK(MustExport(fx).empty());
}

TEST_CASE("import refuses an expected version") {
  EngineFixture fx;
  ImportOptions options;
  options.write.expected_version = 1;
  std::istringstream in("{\"title\": \"a\"}\n");
  auto summary = fx.engine->Import(in, options);
  REQUIRE_FALSE(summary.ok());
  CHECK(summary.status().field() == "expected_version");
}

TEST_CASE("import and export report progress") {
  EngineFixture fx;
  std::string ndjson;
  for (int i = 0; i < 5; ++i) ndjson += "{\"title\": \"case " + std::to_string(i) + "\"}\n";
  ImportOptions import_options;
  import_options.progress_every = 2;
  std::vector<std::int64_t> imported;
  std::uint64_t last_bytes = 0;
  import_options.progress = [&](const ImportSummary& so_far, std::uint64_t bytes) {
    imported.push_back(so_far.cases());
    last_bytes = bytes;
  };
  std::istringstream in(ndjson);
  REQUIRE(fx.engine->Import(in, import_options).ok());
  CHECK(imported == std::vector<std::int64_t>{2, 4});
  CHECK(last_bytes > 0);
  CHECK(last_bytes < ndjson.size());

  ExportOptions export_options;
  export_options.progress_every = 2;
  std::vector<std::pair<std::int64_t, std::int64_t>> exported;
  export_options.progress = [&](std::int64_t written, std::int64_t total) {
    exported.emplace_back(written, total);
  };
  MustExport(fx, export_options);
  CHECK(exported == std::vector<std::pair<std::int64_t, std::int64_t>>{{2, 5}, {4, 5}});
}

TEST_CASE("export to a stream that fails is storage_error") {
  EngineFixture fx;
  fx.MustCreate(R"({"title": "a"})");
  std::ostringstream out;
  out.setstate(std::ios::badbit);
  auto written = fx.engine->Export(out);
  REQUIRE_FALSE(written.ok());
  CHECK(written.status().code() == Code::kStorageError);
}

// ---- The command-line program ----

TEST_CASE("cli: export to a file, then import it into another database") {
  testing::Cli source;
  source.Run({"create", testing::Example("penbox-create.json")}).Json();
  source.Run({"create", testing::Example("tines-create.json")}).Json();
  std::string file = (source.dir() / "cases.ndjson").string();
  json::object exported = source.Run({"export", file}).Json();
  CHECK(exported.at("exported") == json::value(2));
  CHECK(std::filesystem::exists(file));
  CHECK_FALSE(std::filesystem::exists(file + ".partial"));

  testing::Cli target;
  json::object imported = target.Run({"import", file}).Json();
  CHECK(imported.at("imported") == json::value(2));
  CHECK(imported.at("restored") == json::value(2));
  testing::Outcome again = target.Run({"export"});
  CHECK(again.exit_code == 0);
  CHECK(std::count(again.out.begin(), again.out.end(), '\n') == 2);
  CHECK(again.err.empty());  // no progress line: stderr is not a terminal
}

TEST_CASE("cli: import reads stdin and fails with exit 5 naming the line") {
  testing::Cli cli;
  testing::Outcome ok = cli.Run({"import", "-"}, "{\"title\": \"a\"}\n");
  CHECK(ok.Json().at("created") == json::value(1));
  testing::Outcome bad = cli.Run({"import", "-"}, "{\"title\": \"b\"}\n{\"title\": 7}\n");
  CHECK(bad.exit_code == testing::kInvalid);
  CHECK(bad.err.find("line[2].title") != std::string::npos);
  testing::Outcome listed = cli.Run({"export"});
  CHECK(std::count(listed.out.begin(), listed.out.end(), '\n') == 1);
}

TEST_CASE("cli: import of a missing file is exit 5") {
  testing::Cli cli;
  testing::Outcome r = cli.Run({"import", "no-such-file.ndjson"});
  CHECK(r.exit_code == testing::kInvalid);
  CHECK(r.err.find("no-such-file.ndjson") != std::string::npos);
}

}  // namespace
}  // namespace casework

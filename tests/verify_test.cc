// Engine::Verify and `casework verify`: a sound file is clean, and each kind
// of damage behind the engine's back is reported with the case, the member,
// and what the history expected against what is stored.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include "casework/casework.h"
#include "cli_harness.h"
#include "fixture.h"

namespace casework {
namespace {

namespace json = boost::json;
using testing::EngineFixture;
using testing::ObjectOf;

Case Must(Result<Case> result) {
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return std::move(result).value();
}

VerifyReport MustVerify(Engine& engine, const ReadOptions& options = {}) {
  Result<VerifyReport> report = engine.Verify(options);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  return std::move(report).value();
}

std::string Describe(const VerifyReport& report) {
  return ToJsonText(json::value_from(report));
}

// The problems of `report` about `member` of case `id`.
std::vector<VerifyProblem> About(const VerifyReport& report, std::string_view id,
                                 std::string_view member) {
  std::vector<VerifyProblem> found;
  for (const auto& p : report.problems)
    if (p.case_id == id && p.member == member) found.push_back(p);
  return found;
}

// Runs SQL on the database behind the engine's back (on SQLite without
// foreign keys or defensive mode), as a damaged file or a stray tool would.
void Tamper(const std::string& path, const std::string& sql) { testing::RawDatabase(path).Exec(sql); }

// The statement in each backend's dialect, where they differ.
std::string Dialect(const std::string& sqlite, const std::string& postgresql) {
  return testing::OnPostgres() ? postgresql : sqlite;
}

constexpr std::string_view kRich = R"({
  "title": "Claim", "description": "Water", "reference": "CLM-1", "priority": "medium",
  "tag_names": ["water"], "metadata": {"source": "web"},
  "owner": {"email": "owner@example.com"},
  "assignee_emails": ["ann@example.com"],
  "contacts": [{"key": "client", "email": "client@example.com", "name": "Cleo"}],
  "schema": [{"key": "amount", "type": "number", "value": 100},
             {"key": "policy", "type": "text"}],
  "steps": [{"id": "collect", "title": "Collect"}, {"id": "review.final", "title": "Review"}]
})";

// A case that went through every kind of change.
Case Busy(EngineFixture& fx) {
  Case c = fx.MustCreate(kRich);
  Case other = fx.MustCreate(R"({"title": "Other"})");
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 250.5, "policy": "P-1"})")));
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"description": null, "tag_names": ["a", "b"]})")));
  StepChange done;
  done.status = StepStatus::kDone;
  Must(fx.engine->UpdateStep(c.id, "review.final", done));
  Must(fx.engine->Link(c.id, other.id));
  Must(fx.engine->Archive(c.id));
  Must(fx.engine->Unarchive(c.id));
  TransitionRequest to_pending;
  to_pending.to = "pending";
  REQUIRE(fx.engine->Transition(c.id, to_pending).ok());
  TransitionRequest close;
  close.to = "Close";
  REQUIRE(fx.engine->Transition(c.id, close).ok());
  Must(fx.engine->Unlink(c.id, other.id));
  CaseDraft replacement = testing::DraftOf(R"({"title": "Replaced", "schema": [{"key": "x", "type": "integer", "value": 1}]})");
  replacement.status = "closed";
  Must(fx.engine->Replace(c.id, replacement));
  return Must(fx.engine->Get(c.id));
}

TEST_CASE("a database whose cases went through every operation verifies clean") {
  EngineFixture fx;
  Case c = Busy(fx);
  VerifyReport report = MustVerify(*fx.engine);
  CHECK_MESSAGE(report.clean(), Describe(report));
  CHECK(report.cases == 2);
  CHECK(report.events == c.version + 3);  // "Other": created, linked, unlinked
}

TEST_CASE("an empty database verifies clean") {
  EngineFixture fx;
  VerifyReport report = MustVerify(*fx.engine);
  CHECK(report.clean());
  CHECK(report.cases == 0);
  CHECK(report.events == 0);
}

TEST_CASE("a shared contact or user completed by another case is not a difference") {
  EngineFixture fx;
  fx.MustCreate(R"({"title": "A", "owner": {"email": "olga@example.com"},
      "contacts": [{"key": "client", "email": "ann@example.com", "name": "Ann"}]})");
  fx.MustCreate(R"({"title": "B", "owner": {"email": "olga@example.com", "given_name": "Olga"},
      "contacts": [{"key": "client", "email": "ann@example.com", "phone": "+32 2 555 01 02"}]})");
  VerifyReport report = MustVerify(*fx.engine);
  CHECK_MESSAGE(report.clean(), Describe(report));
}

TEST_CASE("a kept case count that the cases do not bear out is reported") {
  EngineFixture fx;
  fx.MustCreate(R"({"title": "A"})");
  fx.MustCreate(R"({"title": "B"})");
  fx.engine.reset();
  Tamper(fx.path(), "UPDATE case_counts SET n = 7");
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  REQUIRE(report.problems.size() == 1);
  const VerifyProblem& p = report.problems[0];
  CHECK(p.member == "case_counts");
  CHECK(p.case_id.empty());
  CHECK(p.expected == boost::json::value(2));  // what the cases say
  CHECK(p.actual == boost::json::value(7));    // what is kept
}

TEST_CASE("a missing kept case count is reported") {
  EngineFixture fx;
  fx.MustCreate(R"({"title": "A"})");
  fx.engine.reset();
  Tamper(fx.path(), "DELETE FROM case_counts");
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  REQUIRE(report.problems.size() == 1);
  CHECK(report.problems[0].member == "case_counts");
  CHECK(report.problems[0].expected == boost::json::value(1));
  CHECK(report.problems[0].actual == boost::json::value(0));
}

TEST_CASE("a member changed behind the engine's back is reported with both values") {
  EngineFixture fx;
  Case c = Busy(fx);
  Case untouched = fx.MustCreate(R"({"title": "Untouched"})");
  fx.engine.reset();
  Tamper(fx.path(), "UPDATE cases SET title = 'Forged' WHERE uuid = " + testing::UuidLiteral(c.id));
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  REQUIRE(report.problems.size() == 1);
  const VerifyProblem& p = report.problems[0];
  CHECK(p.case_id == c.id);
  CHECK(p.member == "title");
  CHECK(p.expected == json::value("Replaced"));
  CHECK(p.actual == json::value("Forged"));
  CHECK(About(report, untouched.id, "title").empty());
}

TEST_CASE("a field value, a step and a link changed without an event are each reported") {
  EngineFixture fx;
  Case a = fx.MustCreate(kRich);
  Case b = fx.MustCreate(R"({"title": "B"})");
  fx.engine.reset();
  Tamper(fx.path(), "UPDATE case_fields SET value = '999' WHERE key = 'amount'");
  Tamper(fx.path(), "UPDATE case_steps SET status = 'done' WHERE step_id = 'collect'");
  Tamper(fx.path(),
         Dialect("INSERT INTO case_links SELECT a.id, b.id FROM cases a, cases b WHERE a.id < b.id",
                 "INSERT INTO case_links SELECT a.workspace_id, a.id, b.id "
                 "FROM cases a, cases b WHERE a.id < b.id"));
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  CHECK(About(report, a.id, "schema").size() == 1);
  CHECK(About(report, a.id, "steps").size() == 1);
  auto link = About(report, a.id, "linked_cases");
  REQUIRE(link.size() == 1);
  CHECK(link[0].expected == json::array());
  CHECK(link[0].actual == json::array{json::value(b.id)});
  CHECK(About(report, b.id, "title").empty());
}

TEST_CASE("a lost event is a gap in the history and a version that does not match") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 1})")));
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 2})")));
  fx.engine.reset();
  Tamper(fx.path(), "DELETE FROM case_events WHERE seq = 2");
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  auto gap = About(report, c.id, "history");
  REQUIRE(gap.size() == 1);
  CHECK(gap[0].expected == json::value(2));
  CHECK(gap[0].actual == json::value(3));
  auto version = About(report, c.id, "version");
  REQUIRE(version.size() == 1);
  CHECK(version[0].expected == json::value(2));
  CHECK(version[0].actual == json::value(3));
}

TEST_CASE("an event for a field the history never created is reported, not thrown") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  fx.engine.reset();
  Tamper(fx.path(),
         "INSERT INTO case_events SELECT " + Dialect("", "workspace_id, ") +
             "case_id, 2, at, actor, 'data_updated', "
             "'[{\"path\":\"data.ghost\",\"before\":null,\"after\":1}]', '{}', change_seq + 1000, " +
             Dialect("randomblob(16)", "gen_random_uuid()") + " FROM case_events");
  Tamper(fx.path(), "UPDATE cases SET version = 2");
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  auto history = About(report, c.id, "history");
  REQUIRE(history.size() == 1);
  CHECK(history[0].message.find("data.ghost") != std::string::npos);
}

TEST_CASE("an unreadable case is reported and the others are still checked") {
  EngineFixture fx;
  Case broken = fx.MustCreate(R"({"title": "Broken"})");
  Case fine = fx.MustCreate(R"({"title": "Fine"})");
  fx.engine.reset();
  Tamper(fx.path(),
         "UPDATE cases SET metadata = '{not json' WHERE uuid = " + testing::UuidLiteral(broken.id));
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  CHECK(About(report, broken.id, "history").size() == 1);
  CHECK(report.cases == 1);  // the fine one was replayed
  CHECK(About(report, fine.id, "title").empty());
}

// PostgreSQL keeps its foreign keys and checks its own pages: these two
// damages cannot happen to it.
TEST_CASE("a reference to a missing row is reported by the foreign key check" *
          doctest::skip(testing::SqliteOnly())) {
  EngineFixture fx;
  fx.MustCreate(R"({"title": "A", "tag_names": ["x"]})");
  fx.engine.reset();
  Tamper(fx.path(), "INSERT INTO case_tags (case_id, tag) VALUES (4242, 'orphan')");
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  auto fk = About(report, "", "foreign_key_check");
  REQUIRE(fk.size() == 1);
  CHECK(fk[0].message.find("case_tags") != std::string::npos);
}

TEST_CASE("a damaged index page is reported by the integrity check" *
          doctest::skip(testing::SqliteOnly())) {
  EngineFixture fx;
  for (int i = 0; i < 20; ++i)
    fx.MustCreate(R"({"title": "T", "reference": "REF-ABCDEFGHIJKLMNOPQRSTUVWXYZ"})");
  fx.engine.reset();  // the last connection checkpoints the WAL into the file
  int root = 0, page_size = 0;
  {
    SQLite::Database db(fx.path(), SQLite::OPEN_READONLY);
    root = db.execAndGet("SELECT rootpage FROM sqlite_schema WHERE name = 'cases_by_reference'")
               .getInt();
    page_size = db.execAndGet("PRAGMA page_size").getInt();
  }
  REQUIRE(root > 1);
  {
    // The end of a leaf page holds its first cell: overwrite its key bytes.
    std::fstream file(fx.path(), std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(root) * page_size - 12);
    file.write("ZZZZZZZZZZ", 10);
    REQUIRE(file.good());
  }
  fx.Reopen();
  VerifyReport report = MustVerify(*fx.engine);
  CHECK_FALSE(report.clean());
  CHECK_FALSE(About(report, "", "integrity_check").empty());
}

TEST_CASE("verify covers every workspace, or the one named") {
  EngineFixture fx;
  REQUIRE(fx.engine->CreateWorkspace("other", "Other").ok());
  WriteOptions in_other;
  in_other.workspace = "other";
  Case theirs = fx.MustCreate(R"({"title": "Theirs"})", in_other);
  fx.MustCreate(R"({"title": "Ours"})");
  fx.engine.reset();
  Tamper(fx.path(), "UPDATE cases SET reference = 'x' WHERE uuid = " + testing::UuidLiteral(theirs.id));
  fx.Reopen();
  VerifyReport all = MustVerify(*fx.engine);
  CHECK(all.cases == 2);
  CHECK(About(all, theirs.id, "reference").size() == 1);
  ReadOptions only_default;
  only_default.workspace = "default";
  VerifyReport ours = MustVerify(*fx.engine, only_default);
  CHECK(ours.cases == 1);
  CHECK(ours.clean());
  ReadOptions unknown;
  unknown.workspace = "nope";
  CHECK(fx.engine->Verify(unknown).status().code() == Code::kNotFound);
}

TEST_CASE("the report's JSON shape") {
  VerifyReport report;
  report.cases = 2;
  report.events = 5;
  report.problems.push_back({"id-1", "title", json::value("a"), json::value("b"), "differs"});
  report.problems.push_back({"", "integrity_check", nullptr, nullptr, "page 3 is never used"});
  json::value v = json::value_from(report);
  CHECK(v == testing::ParseOrFail(R"({"clean": false, "cases": 2, "events": 5, "problems": [
      {"case_id": "id-1", "member": "title", "expected": "a", "actual": "b", "message": "differs"},
      {"case_id": null, "member": "integrity_check", "expected": null, "actual": null,
       "message": "page 3 is never used"}]})"));
}

// ------------------------------------------------------------------- CLI

TEST_CASE("casework verify prints a clean report and exits 0") {
  testing::Cli cli;
  cli.Create();
  cli.Create("tines-create.json");
  auto out = cli.Run({"verify"}).Json();
  CHECK(out.at("clean") == json::value(true));
  CHECK(out.at("cases") == json::value(2));
  CHECK(out.at("problems") == json::array());
}

TEST_CASE("casework verify exits 7 with the report in the error document when a case differs") {
  testing::Cli cli;
  auto c = cli.Create();
  Tamper(cli.db(), "UPDATE cases SET title = 'Forged'");
  auto r = cli.Run({"verify"});
  testing::CheckError(r, 7, "storage_error");
  auto error = r.Error();
  CHECK(testing::Str(error.at("message")) == "verify found 1 problem");
  auto problems = error.at("report").at("problems").as_array();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].at("case_id") == c.at("id"));
  CHECK(problems[0].at("member") == json::value("title"));
  CHECK(problems[0].at("actual") == json::value("Forged"));
  CHECK(problems[0].at("expected") == c.at("title"));
}

}  // namespace
}  // namespace casework

// The workflow commands of the command-line program: transition, check,
// eval and template; and the change feed, point-in-time reads and sync.
#include "cli_harness.h"

namespace casework::testing {
namespace {

constexpr int kRefused = 6;

constexpr const char* kGuarded = R"j({
  "title": "Suspicious login detected",
  "closure_conditions": [{"name": "has at least 1 assignee", "formula": "=SIZE(team_case.assignees) > 0"}]
})j";

constexpr const char* kTemplate = R"j({
  "name": "Claims",
  "statuses": [{"name": "new", "parent_status": "draft"}, {"name": "paid", "parent_status": "closed"}],
  "initial_status": "new",
  "transitions": [{"from": "new", "to": "paid", "name": "Pay"}],
  "schema": [{"key": "amount", "type": "number", "required": true}]
})j";

json::object CreateGuarded(const Cli& cli) {
  return cli.Run({"create", cli.Write("guarded.json", kGuarded)}).Json();
}

TEST_CASE("transition Close is refused with exit 6 listing the failing condition") {
  Cli cli;
  std::string id = Id(CreateGuarded(cli));
  Outcome r = cli.Run({"transition", id, "Close", "--reason", "done"});
  CheckError(r, kRefused, "closure_conditions_unmet");
  json::object error = r.Error();
  const auto& conditions = error.at("conditions").as_array();
  REQUIRE(conditions.size() == 1);
  CHECK(Str(conditions[0].at("name")) == "has at least 1 assignee");
  CHECK(Str(conditions[0].at("reason")) == "SIZE(team_case.assignees) = 0, not > 0");
}

TEST_CASE("transition Close succeeds once assigned and prints the outcome") {
  Cli cli;
  std::string id = Id(CreateGuarded(cli));
  cli.Run({"patch", id, "-"}, R"({"assignee_emails": ["jane@example.com"]})").Json();
  json::object out = cli.Run({"transition", id, "Close", "--reason", "fixed"}).Json();
  CHECK(out.at("applied") == true);
  CHECK(Str(out.at("from")) == "draft");
  CHECK(Str(out.at("to")) == "closed");
  CHECK(Str(out.at("transition")) == "Close");
  CHECK(Str(out.at("case").at("status")) == "closed");
  CHECK(!IsUnset(out.at("case").as_object(), "resolved_at"));
  json::object history = cli.Run({"history", id}).Json();
  const auto& last = history.at("events").as_array().back();
  CHECK(Str(last.at("kind")) == "status_changed");
  CHECK(Str(last.at("reason")) == "fixed");
}

TEST_CASE("transition --dry-run reports and changes nothing") {
  Cli cli;
  std::string id = Id(cli.Create());
  json::object out = cli.Run({"transition", id, "Close", "--dry-run"}).Json();
  CHECK(out.at("applied") == false);
  CHECK(Str(out.at("to")) == "closed");
  json::object after = cli.Run({"get", id}).Json();
  CHECK(Str(after.at("status")) == "pending");
  CHECK(Version(after) == 1);
}

TEST_CASE("a move the workflow lacks is exit 6 transition_not_allowed") {
  Cli cli;
  std::string id = Id(cli.Create());
  CheckError(cli.Run({"transition", id, "Reopen"}), kRefused, "transition_not_allowed");
  CheckError(cli.Run({"transition", id, "nowhere"}), kRefused, "transition_not_allowed");
}

TEST_CASE("transition with a stale --expect-version is exit 4") {
  Cli cli;
  std::string id = Id(cli.Create());
  CheckError(cli.Run({"transition", id, "Close", "--expect-version", "9"}), kConflict, "conflict");
}

TEST_CASE("check prints each condition with its result and reason") {
  Cli cli;
  std::string id = Id(CreateGuarded(cli));
  json::object out = cli.Run({"check", id}).Json();
  CHECK(out.at("passed") == false);
  const auto& conditions = out.at("conditions").as_array();
  REQUIRE(conditions.size() == 1);
  CHECK(conditions[0].at("passed") == false);
  CHECK(Str(conditions[0].at("reason")) == "SIZE(team_case.assignees) = 0, not > 0");
  CheckError(cli.Run({"check", kUuid}), kNotFound, "not_found");
}

TEST_CASE("eval prints the value, with or without a case") {
  Cli cli;
  std::string id = Id(cli.Create("tines-create.json"));
  CHECK(cli.Run({"eval", "=SIZE(case.tags)", "--case", id}).Json().at("value") == 2);
  CHECK(cli.Run({"eval", "UPPER('ok') & \"!\""}).Json().at("value") == "OK!");
}

TEST_CASE("eval of a malformed formula is exit 5 with the position") {
  Cli cli;
  Outcome r = cli.Run({"eval", "=SIZE(case.tags"});
  CheckError(r, kInvalid, "formula_error");
  CHECK(r.Error().contains("position"));
}

TEST_CASE("eval - reads the formula from stdin, so the limits apply to long ones") {
  Cli cli;
  CHECK(cli.Run({"eval", "-"}, "1 + 2").Json().at("value") == 3);

  Outcome huge = cli.Run({"eval", "-"}, std::string(1 << 20, '1'));  // 1 MB: past a command line
  CheckError(huge, kInvalid, "formula_error");
  CHECK(Str(huge.Error().at("message")).find("longer than") != std::string::npos);

  Outcome deep = cli.Run({"eval", "-"}, std::string(10000, '(') + "1" + std::string(10000, ')'));
  CheckError(deep, kInvalid, "formula_error");
}

TEST_CASE("template create, get, list and a case that follows it") {
  Cli cli;
  json::object t = cli.Run({"template", "create", cli.Write("t.json", kTemplate)}).Json();
  std::string tid = Str(t.at("id"));
  CHECK(t.at("version") == 1);
  CHECK(cli.Run({"template", "get", tid}).Json().at("name") == "Claims");
  CHECK(cli.Run({"template", "list"}).Json().at("data").as_array().size() == 1);
  json::object c = cli.Run({"create", "-"}, R"({"title": "C", "template": ")" + tid + "\"}").Json();
  CHECK(Str(c.at("status")) == "new");
  Outcome blocked = cli.Run({"transition", Id(c), "Pay"});
  CheckError(blocked, kRefused, "closure_conditions_unmet");
  cli.Run({"update-data", Id(c), "-"}, R"({"data": {"amount": 10}})").Json();
  CHECK(Str(cli.Run({"transition", Id(c), "Pay"}).Json().at("case").at("parent_status")) == "closed");
}

TEST_CASE("template update makes a new version") {
  Cli cli;
  std::string tid = Str(cli.Run({"template", "create", cli.Write("t.json", kTemplate)}).Json().at("id"));
  json::object v2 = cli.Run({"template", "update", tid, cli.Write("t.json", kTemplate)}).Json();
  CHECK(v2.at("version") == 2);
  CheckError(cli.Run({"template", "update", tid, cli.Write("t.json", kTemplate), "--expect-version", "1"}),
             kConflict, "conflict");
}

TEST_CASE("an invalid template is exit 5 naming the item") {
  Cli cli;
  Outcome r = cli.Run({"template", "create", "-"},
                      R"({"name": "T", "statuses": [{"name": "x", "parent_status": "closed"}], "initial_status": "x"})");
  CheckError(r, kInvalid, "validation_failed");
  CHECK(Str(r.Error().at("field")) == "initial_status");
  CheckError(cli.Run({"template", "get", kUuid}), kNotFound, "not_found");
}

// ------------------------------------------------ changes, as-of, sync

std::vector<json::object> NdjsonLines(const std::string& text) {
  std::vector<json::object> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    lines.push_back(Parse(text.substr(start, end - start)).as_object());
    start = end + 1;
  }
  return lines;
}

TEST_CASE("changes prints the feed as NDJSON, one event a line, from --since") {
  Cli cli;
  std::string id = Id(cli.Create());
  cli.Run({"update-data", id, Example("update-data.json")}).Json();
  Outcome all = cli.Run({"changes"});
  REQUIRE(all.exit_code == 0);
  auto lines = NdjsonLines(all.out);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("change") == json::value(1));
  CHECK(Str(lines[0].at("case_id")) == id);
  CHECK(Str(lines[0].at("workspace")) == "default");
  CHECK(Str(lines[1].at("kind")) == "data_updated");
  auto later = NdjsonLines(cli.Run({"changes", "--since", "1", "--limit", "5"}).out);
  REQUIRE(later.size() == 1);
  CHECK(later[0].at("change") == json::value(2));
  CheckError(cli.Run({"changes", "--limit", "0"}), kInvalid, "validation_failed");
}

TEST_CASE("get --version and --as-of print the case as it stood then; history --since") {
  Cli cli;
  json::object created = cli.Create();
  std::string id = Id(created);
  cli.Run({"patch", id, "-"}, R"({"title": "Renamed"})").Json();
  CHECK(Str(cli.Run({"get", id, "--version", "1"}).Json().at("title")) == Str(created.at("title")));
  CHECK(Str(cli.Run({"get", id, "--as-of", Str(created.at("created_at"))}).Json().at("title")) ==
        Str(created.at("title")));
  CHECK(Str(cli.Run({"get", id}).Json().at("title")) == "Renamed");
  CheckError(cli.Run({"get", id, "--as-of", "2000-01-01T00:00:00Z"}), kNotFound, "not_found");
  CHECK(cli.Run({"get", id, "--as-of", "yesterday"}).exit_code == kUsage);
  auto since = cli.Run({"history", id, "--since", "1"}).Json().at("events").as_array();
  REQUIRE(since.size() == 1);
  CHECK(Str(since[0].at("kind")) == "patched");
}

TEST_CASE("sync carries one database's changes into another; conflicts and resolve settle a clash") {
  Cli a, b;
  std::string id = Id(a.Create());
  json::object first = b.Run({"sync", "--from", a.db()}).Json();
  CHECK(first.at("created") == json::value(1));
  CHECK(b.Run({"sync", "--from", a.db()}).Json().at("changes") == json::value(0));
  a.Run({"patch", id, "-"}, R"({"title": "A"})").Json();
  b.Run({"patch", id, "-"}, R"({"title": "B"})").Json();
  CHECK(b.Run({"sync", "--from", a.db()}).Json().at("conflicts") == json::value(1));
  auto conflicts = b.Run({"conflicts"}).Json().at("data").as_array();
  REQUIRE(conflicts.size() == 1);
  CHECK(Str(conflicts[0].at("case_id")) == id);
  CHECK(Str(conflicts[0].at("remote").at("title")) == "A");
  std::string given = b.Write("given.json", R"({"title": "A and B"})");
  CHECK(Str(b.Run({"resolve", id, "--take", given}).Json().at("title")) == "A and B");
  CHECK(b.Run({"conflicts"}).Json().at("data").as_array().empty());
  CheckError(b.Run({"resolve", id, "--take", "local"}), kNotFound, "not_found");
  a.Run({"sync", "--from", b.db()}).Json();
  CHECK(Str(a.Run({"get", id}).Json().at("title")) == "A and B");
}

TEST_CASE("sync from a database that does not exist is an error and creates nothing") {
  Cli b;
  if (OnPostgres()) return;  // a missing file is SQLite's case
  Outcome missing = b.Run({"sync", "--from", (b.dir() / "nope.db").string()});
  CHECK(missing.exit_code == 7);
  CHECK_FALSE(fs::exists(b.dir() / "nope.db"));
}

}  // namespace
}  // namespace casework::testing

// The history of a case: which events each operation appends, with which
// changes, and that replaying the changes rebuilds the case.
#include <algorithm>
#include <chrono>
#include <cstdint>
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

// Runs an operation that must succeed and returns the case it gives.
Case Must(Result<Case> result) {
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return std::move(result).value();
}

std::vector<std::string> Paths(const Event& e) {
  std::vector<std::string> paths;
  for (const Change& c : e.changes) paths.push_back(c.path);
  return paths;
}

// The change of `e` at `path`; the test fails when there is none.
const Change& ChangeAt(const Event& e, std::string_view path) {
  auto it = std::find_if(e.changes.begin(), e.changes.end(),
                         [&](const Change& c) { return c.path == path; });
  REQUIRE_MESSAGE(it != e.changes.end(), "no change at " << path);
  return *it;
}

// What history records of a case: its JSON shape without the members that
// every change moves (id, workspace, updated_at, version).
json::object Snapshot(const Case& c) {
  json::object o = json::value_from(c).as_object();
  for (std::string_view member : {"id", "workspace", "updated_at", "version"}) o.erase(member);
  return o;
}

// The element of `array` whose `member` is `id`; the test fails when none is.
json::object& ElementWith(json::array& array, std::string_view member, std::string_view id) {
  auto it = std::find_if(array.begin(), array.end(), [&](const json::value& item) {
    return item.is_object() && item.as_object().contains(member) &&
           item.as_object().at(member) == json::value(id);
  });
  REQUIRE_MESSAGE(it != array.end(), "no element with " << member << " = " << id);
  return it->as_object();
}

// Rebuilds a case's recorded state from its events alone: starting from {},
// a top-level path takes the change's `after`, "data.<key>" sets the value of
// the schema field `key`, "steps.<id>" replaces the step `id`.
json::object Replay(const std::vector<Event>& events) {
  json::object state;
  for (const Event& e : events) {
    for (const Change& change : e.changes) {
      CAPTURE(e.seq);
      CAPTURE(change.path);
      std::string_view path = change.path;
      std::size_t dot = path.find('.');
      if (dot == std::string_view::npos) {
        state[path] = change.after;
        continue;
      }
      std::string_view head = path.substr(0, dot), key = path.substr(dot + 1);
      if (head == "data") {
        REQUIRE(state.contains("schema"));
        ElementWith(state["schema"].as_array(), "key", key)["value"] = change.after;
      } else if (head == "steps") {
        REQUIRE(state.contains("steps"));
        ElementWith(state["steps"].as_array(), "id", key) = change.after.as_object();
      } else {
        FAIL("unexpected change path " << path);
      }
    }
  }
  return state;
}

void CheckReplayRebuilds(EngineFixture& fx, std::string_view id) {
  json::object replayed = Replay(MustHistory(fx, id));
  json::object current = Snapshot(MustGet(fx, id));
  CHECK(json::value(replayed) == json::value(current));
}

constexpr std::string_view kRich = R"({
  "title": "Claim", "description": "Water in the kitchen", "reference": "CLM-1",
  "priority": "medium", "tag_names": ["water"], "metadata": {"source": "web"},
  "owner": {"email": "owner@example.com"},
  "contacts": [{"key": "client", "email": "client@example.com", "name": "Cleo"}],
  "schema": [
    {"key": "amount", "type": "number", "value": 100},
    {"key": "policy", "type": "text", "value": "POL-1"},
    {"key": "urgent", "type": "boolean"}
  ],
  "steps": [{"id": "collect", "title": "Collect"}, {"id": "review", "title": "Review"}]
})";

// ---------------------------------------------------------------- actor

TEST_CASE("an actor email is recorded trimmed and lower-cased, blank or SYSTEM as system") {
  EngineFixture fx;
  WriteOptions ann;
  ann.actor = "  Ann@Example.COM ";
  Case c = fx.MustCreate(R"({"title": "T"})", ann);
  WriteOptions shouting;
  shouting.actor = "SYSTEM";
  REQUIRE(fx.engine->Archive(c.id, shouting).ok());
  WriteOptions blank;
  blank.actor = "   ";
  REQUIRE(fx.engine->Unarchive(c.id, blank).ok());
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 3);
  CHECK(events[0].actor == "ann@example.com");
  CHECK(events[1].actor == "system");
  CHECK(events[2].actor == "system");
}

TEST_CASE("an actor that is neither an email nor system is refused, changing nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  WriteOptions bot;
  bot.actor = "import bot";
  auto refused = fx.engine->Patch(c.id, ObjectOf(R"({"title": "U"})"), bot);
  REQUIRE(refused.status().code() == Code::kValidationFailed);
  CHECK(refused.status().field() == "actor");
  CHECK(fx.engine->Create(DraftOf(R"({"title": "T"})"), bot).status().code() ==
        Code::kValidationFailed);
  CHECK(MustGet(fx, c.id).title == "T");
  CHECK(MustHistory(fx, c.id).size() == 1);
}

// ---------------------------------------------------------------- create

TEST_CASE("create appends exactly one created event with seq 1") {
  EngineFixture fx;
  WriteOptions options;
  options.actor = "agent@example.com";
  Case c = fx.MustCreate(kRich, options);
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 1);
  const Event& e = events[0];
  CHECK(e.seq == 1);
  CHECK(e.kind == "created");
  CHECK(e.actor == "agent@example.com");
  CHECK(e.at == fx.clock->now);
  for (const Change& change : e.changes) {
    CAPTURE(change.path);
    CHECK(change.before.is_null());
  }
  CHECK(ChangeAt(e, "title").after == json::value("Claim"));
  CHECK(ChangeAt(e, "status").after == json::value("draft"));
  CHECK(ChangeAt(e, "parent_status").after == json::value("draft"));
  CHECK(ChangeAt(e, "description").after == json::value("Water in the kitchen"));
  CHECK(ChangeAt(e, "priority").after == json::value("medium"));
  CHECK(ChangeAt(e, "tags").after == ParseOrFail(R"(["water"])"));
  CHECK(ChangeAt(e, "created_at").after == json::value(FormatTimestamp(fx.clock->now)));
  CHECK(ChangeAt(e, "schema").after == json::value_from(c.schema));
  // What every change moves is not recorded.
  for (std::string_view unrecorded : {"id", "workspace", "updated_at", "version"}) {
    std::vector<std::string> paths = Paths(e);
    CHECK(std::find(paths.begin(), paths.end(), unrecorded) == paths.end());
  }
}

TEST_CASE("the actor is system when the write options name none") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  WriteOptions ann;
  ann.actor = "ann@example.com";
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "T2"})"), ann));
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "T3"})")));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 3);
  CHECK(events[0].actor == "system");
  CHECK(events[1].actor == "ann@example.com");
  CHECK(events[2].actor == "system");
}

TEST_CASE("an offered contact value that was not taken is recorded in the event") {
  EngineFixture fx;
  fx.MustCreate(R"({"title": "A", "contacts": [{"key": "client", "email": "ann@example.com", "name": "Ann"}]})");
  Case b = fx.MustCreate(
      R"({"title": "B", "contacts": [{"key": "client", "email": "ann@example.com", "name": "Annie", "phone": "+32 2 555 01 02"}]})");
  REQUIRE(b.contacts.size() == 1);
  CHECK(b.contacts[0].name == std::optional<std::string>("Ann"));
  CHECK(b.contacts[0].phone == std::optional<std::string>("+32 2 555 01 02"));
  std::vector<Event> events = MustHistory(fx, b.id);
  REQUIRE(events.size() == 1);
  REQUIRE(events[0].details.contains("ignored"));
  CHECK(events[0].details.at("ignored") ==
        ParseOrFail(R"([{"path": "contacts[0].name", "offered": "Annie", "kept": "Ann"}])"));
}

// ------------------------------------------------------------- mutations

TEST_CASE("update-data appends one data_updated event with one change per changed key") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  fx.clock->Advance(1min);
  WriteOptions options;
  options.actor = "ann@example.com";
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 250.5, "policy": "POL-1", "urgent": true})"),
                             options));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 2);
  const Event& e = events[1];
  CHECK(e.seq == 2);
  CHECK(e.kind == "data_updated");
  CHECK(e.actor == "ann@example.com");
  CHECK(e.at == fx.clock->now);
  // "policy" kept its value, so it has no change.
  REQUIRE(e.changes.size() == 2);
  CHECK(ChangeAt(e, "data.amount").before == json::value(100));
  CHECK(ChangeAt(e, "data.amount").after == json::value(250.5));
  CHECK(ChangeAt(e, "data.urgent").before.is_null());
  CHECK(ChangeAt(e, "data.urgent").after == json::value(true));
}

TEST_CASE("update-data clearing a value records the value before and null after") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"policy": null})")));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 2);
  REQUIRE(events[1].changes.size() == 1);
  CHECK(events[1].changes[0].path == "data.policy");
  CHECK(events[1].changes[0].before == json::value("POL-1"));
  CHECK(events[1].changes[0].after.is_null());
}

TEST_CASE("patch appends one patched event with changes for the changed members only") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  fx.clock->Advance(2s);
  Must(fx.engine->Patch(
      c.id, ObjectOf(R"j({"title": "Claim (kitchen)", "reference": "CLM-1", "priority": "high",
                    "metadata": {"seen": true}})j")));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 2);
  const Event& e = events[1];
  CHECK(e.kind == "patched");
  CHECK(e.seq == 2);
  CHECK(e.at == fx.clock->now);
  CHECK(Paths(e) == std::vector<std::string>{"title", "priority", "metadata"});
  CHECK(ChangeAt(e, "title").before == json::value("Claim"));
  CHECK(ChangeAt(e, "title").after == json::value("Claim (kitchen)"));
  CHECK(ChangeAt(e, "priority").before == json::value("medium"));
  CHECK(ChangeAt(e, "priority").after == json::value("high"));
  CHECK(ChangeAt(e, "metadata").before == ParseOrFail(R"({"source": "web"})"));
  CHECK(ChangeAt(e, "metadata").after == ParseOrFail(R"({"source": "web", "seen": true})"));
}

TEST_CASE("patch clearing the description records it with null after") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"description": null})")));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 2);
  REQUIRE(events[1].changes.size() == 1);
  CHECK(events[1].changes[0].path == "description");
  CHECK(events[1].changes[0].before == json::value("Water in the kitchen"));
  CHECK(events[1].changes[0].after.is_null());
}

TEST_CASE("replace appends one replaced event with the changed members") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "Old", "description": "gone soon", "tag_names": ["x"]})");
  Must(fx.engine->Replace(c.id, DraftOf(R"({"title": "New", "tag_names": ["x", "y"]})", DraftKind::kReplace)));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 2);
  const Event& e = events[1];
  CHECK(e.kind == "replaced");
  // opened_at is part of the mutable record: a replace without it clears it.
  CHECK(Paths(e) == std::vector<std::string>{"title", "description", "tags", "opened_at"});
  CHECK(ChangeAt(e, "opened_at").after.is_null());
  CHECK(ChangeAt(e, "description").before == json::value("gone soon"));
  CHECK(ChangeAt(e, "description").after.is_null());
  CHECK(ChangeAt(e, "tags").before == ParseOrFail(R"(["x"])"));
  CHECK(ChangeAt(e, "tags").after == ParseOrFail(R"(["x", "y"])"));
}

TEST_CASE("archive and unarchive append archived and unarchived events with archived_at") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  fx.clock->Advance(5s);
  std::string archived_at = FormatTimestamp(fx.clock->now);
  Must(fx.engine->Archive(c.id));
  fx.clock->Advance(5s);
  Must(fx.engine->Unarchive(c.id));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 3);
  CHECK(events[1].kind == "archived");
  REQUIRE(events[1].changes.size() == 1);
  CHECK(events[1].changes[0].path == "archived_at");
  CHECK(events[1].changes[0].before.is_null());
  CHECK(events[1].changes[0].after == json::value(archived_at));
  CHECK(events[2].kind == "unarchived");
  REQUIRE(events[2].changes.size() == 1);
  CHECK(events[2].changes[0].path == "archived_at");
  CHECK(events[2].changes[0].before == json::value(archived_at));
  CHECK(events[2].changes[0].after.is_null());
  CHECK(events[2].at == fx.clock->now);
}

TEST_CASE("link appends a linked event on both cases") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  fx.clock->Advance(1s);
  WriteOptions options;
  options.actor = "ann@example.com";
  Must(fx.engine->Link(a.id, b.id, options));
  // Not a structured binding: CAPTURE's lambda cannot capture one in clang 14.
  for (const auto& sides : {std::pair{a.id, b.id}, std::pair{b.id, a.id}}) {
    const std::string& self = sides.first;
    const std::string& other = sides.second;
    CAPTURE(self);
    std::vector<Event> events = MustHistory(fx, self);
    REQUIRE(events.size() == 2);
    const Event& e = events[1];
    CHECK(e.kind == "linked");
    CHECK(e.seq == 2);
    CHECK(e.actor == "ann@example.com");
    CHECK(e.at == fx.clock->now);
    REQUIRE(e.changes.size() == 1);
    CHECK(e.changes[0].path == "linked_cases");
    CHECK(e.changes[0].before == json::array());
    CHECK(e.changes[0].after == json::array({json::value(other)}));
    REQUIRE(e.details.contains("case"));
    CHECK(e.details.at("case") == json::value(other));
  }
}

TEST_CASE("linking a case with links records the whole sorted list after") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  Case c = fx.MustCreate(R"({"title": "C"})");
  Must(fx.engine->Link(c.id, a.id));
  Must(fx.engine->Link(b.id, c.id));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 3);
  REQUIRE(events[2].changes.size() == 1);
  CHECK(events[2].changes[0].before == json::array({json::value(a.id)}));
  CHECK(events[2].changes[0].after == json::array({json::value(a.id), json::value(b.id)}));
  CHECK(events[2].changes[0].after == json::value_from(MustGet(fx, c.id).linked_cases));
}

TEST_CASE("unlink appends an unlinked event on both cases") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  Must(fx.engine->Link(a.id, b.id));
  Must(fx.engine->Unlink(b.id, a.id));
  // Not a structured binding: CAPTURE's lambda cannot capture one in clang 14.
  for (const auto& sides : {std::pair{a.id, b.id}, std::pair{b.id, a.id}}) {
    const std::string& self = sides.first;
    const std::string& other = sides.second;
    CAPTURE(self);
    std::vector<Event> events = MustHistory(fx, self);
    REQUIRE(events.size() == 3);
    CHECK(events[2].kind == "unlinked");
    REQUIRE(events[2].changes.size() == 1);
    CHECK(events[2].changes[0].path == "linked_cases");
    CHECK(events[2].changes[0].before == json::array({json::value(other)}));
    CHECK(events[2].changes[0].after == json::array());
  }
}

TEST_CASE("update step appends step_updated with path steps.<id>") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  fx.clock->Advance(3s);
  StepChange change;
  change.status = StepStatus::kInProgress;
  change.data = ObjectOf(R"({"note": "started"})");
  Must(fx.engine->UpdateStep(c.id, "review", change));
  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 2);
  const Event& e = events[1];
  CHECK(e.kind == "step_updated");
  CHECK(e.at == fx.clock->now);
  REQUIRE(e.changes.size() == 1);
  CHECK(e.changes[0].path == "steps.review");
  CHECK(e.changes[0].before == ParseOrFail(R"({"id": "review", "title": "Review", "status": "todo", "data": {}})"));
  CHECK(e.changes[0].after ==
        ParseOrFail(R"({"id": "review", "title": "Review", "status": "in_progress", "data": {"note": "started"}})"));
}

// ---------------------------------------------- rejected and no-op changes

TEST_CASE("a rejected operation appends no event") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Case other = fx.MustCreate(R"({"title": "Other"})");
  WriteOptions stale;
  stale.expected_version = 7;
  StepChange change;
  change.status = StepStatus::kDone;

  CHECK_FALSE(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": "much"})")).ok());
  CHECK_FALSE(fx.engine->UpdateData(c.id, ObjectOf(R"({"nope": 1})")).ok());
  CHECK_FALSE(fx.engine->UpdateData(c.id, ObjectOf(R"({"urgent": true})"), stale).ok());
  CHECK_FALSE(fx.engine->Patch(c.id, ObjectOf(R"({"titel": "x"})")).ok());
  CHECK_FALSE(fx.engine->Patch(c.id, ObjectOf(R"({"status": "closed"})")).ok());
  CHECK_FALSE(fx.engine->Patch(c.id, ObjectOf(R"({"title": " "})")).ok());
  CHECK_FALSE(fx.engine->Patch(c.id, ObjectOf(R"({"title": "x"})"), stale).ok());
  CHECK_FALSE(fx.engine->Replace(c.id, DraftOf(R"({"title": "x"})", DraftKind::kReplace), stale).ok());
  CHECK_FALSE(fx.engine->Archive(c.id, stale).ok());
  CHECK_FALSE(fx.engine->Link(c.id, c.id).ok());
  CHECK_FALSE(fx.engine->Link(c.id, other.id, stale).ok());
  CHECK_FALSE(fx.engine->UpdateStep(c.id, "missing", change).ok());
  CHECK_FALSE(fx.engine->UpdateStep(c.id, "review", change, stale).ok());

  CHECK(MustHistory(fx, c.id).size() == 1);
  CHECK(MustHistory(fx, other.id).size() == 1);
  CHECK(MustGet(fx, c.id).version == 1);
}

TEST_CASE("an operation that changes nothing appends no event") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Case other = fx.MustCreate(R"({"title": "Other"})");
  StepChange same_status;
  same_status.status = StepStatus::kTodo;

  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 100, "policy": "POL-1"})")));
  Must(fx.engine->UpdateData(c.id, json::object()));
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "Claim", "tag_names": ["water"]})")));
  Must(fx.engine->Patch(c.id, json::object()));
  Must(fx.engine->Replace(c.id, DraftOf(json::serialize(json::value_from(c)), DraftKind::kReplace)));
  Must(fx.engine->Unarchive(c.id));
  Must(fx.engine->Unlink(c.id, other.id));
  Must(fx.engine->UpdateStep(c.id, "collect", same_status));

  CHECK(MustHistory(fx, c.id).size() == 1);
  CHECK(MustHistory(fx, other.id).size() == 1);
  CHECK(MustGet(fx, c.id).version == 1);
}

TEST_CASE("archiving or linking a second time appends no event") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A"})");
  Case b = fx.MustCreate(R"({"title": "B"})");
  Must(fx.engine->Archive(a.id));
  Must(fx.engine->Archive(a.id));
  Must(fx.engine->Link(a.id, b.id));
  Must(fx.engine->Link(b.id, a.id));
  CHECK(MustHistory(fx, a.id).size() == 3);
  CHECK(MustHistory(fx, b.id).size() == 2);
}

TEST_CASE("seq numbers run 1..n without gaps and each event is at its operation's time") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Case other = fx.MustCreate(R"({"title": "Other"})");
  std::vector<Timestamp> times{fx.clock->now};
  auto tick = [&] {
    fx.clock->Advance(1500ms);
    times.push_back(fx.clock->now);
  };
  tick();
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 1})")));
  // Rejected and no-op operations in between leave no hole.
  CHECK_FALSE(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": "x"})")).ok());
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 1})")));
  tick();
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "P"})")));
  tick();
  Must(fx.engine->Link(c.id, other.id));
  tick();
  Must(fx.engine->Archive(c.id));
  tick();
  Must(fx.engine->Unlink(other.id, c.id));

  std::vector<Event> events = MustHistory(fx, c.id);
  REQUIRE(events.size() == times.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    CAPTURE(i);
    CHECK(events[i].seq == static_cast<std::int64_t>(i + 1));
    CHECK(events[i].at == times[i]);
  }
  CHECK(MustGet(fx, c.id).version == static_cast<std::int64_t>(events.size()));
}

TEST_CASE("history of an unknown or malformed id is not_found") {
  EngineFixture fx;
  Result<std::vector<Event>> unknown = fx.engine->History("01890a5d-ac96-774b-bcce-b302099a8057");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.status().code() == Code::kNotFound);
  Result<std::vector<Event>> malformed = fx.engine->History("x");
  REQUIRE_FALSE(malformed.ok());
  CHECK(malformed.status().code() == Code::kNotFound);
}

TEST_CASE("events survive a round trip through their JSON shape") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 7})")));
  for (const Event& e : MustHistory(fx, c.id)) {
    json::value shape = json::value_from(e);
    Event back = json::value_to<Event>(shape);
    CHECK(json::value_from(back) == shape);
  }
}

// ---------------------------------------------------------------- replay

TEST_CASE("replaying the history of a new case rebuilds it") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  CheckReplayRebuilds(fx, c.id);
}

TEST_CASE("replaying the history rebuilds the case after a sequence of changes") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Case other = fx.MustCreate(R"({"title": "Other", "schema": [{"key": "n", "type": "integer"}]})");
  Case third = fx.MustCreate(R"({"title": "Third"})");
  fx.clock->Advance(1s);
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "Claim 2", "description": null,
      "metadata": {"source": null, "seen": 1}, "tag_names": ["b", "a"],
      "contacts": [{"key": "client", "email": "client@example.com"}, {"key": "broker", "name": "Bo"}]})")));
  fx.clock->Advance(1s);
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 2450.5, "urgent": false})")));
  Must(fx.engine->UpdateData(other.id, ObjectOf(R"({"n": 3})")));
  fx.clock->Advance(1s);
  Must(fx.engine->Archive(c.id));
  fx.clock->Advance(1s);
  Must(fx.engine->Link(c.id, other.id));
  Must(fx.engine->Link(third.id, c.id));
  fx.clock->Advance(1s);
  StepChange change;
  change.status = StepStatus::kDone;
  change.title = "Collect papers";
  Must(fx.engine->UpdateStep(c.id, "collect", change));
  fx.clock->Advance(1s);
  Must(fx.engine->Replace(
      c.id, DraftOf(json::serialize(json::value_from(MustGet(fx, c.id))), DraftKind::kReplace)));
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"policy": null})")));
  Must(fx.engine->Unlink(other.id, c.id));
  Must(fx.engine->Unarchive(c.id));

  CheckReplayRebuilds(fx, c.id);
  CheckReplayRebuilds(fx, other.id);
  CheckReplayRebuilds(fx, third.id);

  fx.Reopen();
  CheckReplayRebuilds(fx, c.id);
}

TEST_CASE("replaying the history rebuilds a case after a replace that drops fields and steps") {
  EngineFixture fx;
  Case c = fx.MustCreate(kRich);
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"urgent": true})")));
  Must(fx.engine->Replace(c.id, DraftOf(R"({"title": "Bare", "schema": [{"key": "urgent", "type": "boolean", "value": false}]})",
                                        DraftKind::kReplace)));
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"urgent": true})")));
  CheckReplayRebuilds(fx, c.id);
}

// Contacts and users are shared by the cases of a workspace: when case B
// fills a blank attribute of a contact (or user) that case A links, A's shape
// changes (get shows the new value) but A gets neither an event nor a new
// version, so A's history no longer rebuilds A.
// Contacts and users are records shared between cases. Filling a blank of
// one from another case is recorded in that case's history, not appended to
// every case that links the record; a linking case's own history still
// rebuilds which records it links, under which key, and every member of its
// own.
json::object WithSharedRecordsAsLinks(json::object snapshot) {
  auto as_link = [](const json::value& person, std::initializer_list<const char*> keep) {
    if (!person.is_object()) return person;
    json::object link;
    for (const char* member : keep) link[member] = person.as_object().at(member);
    return json::value(link);
  };
  for (auto& contact : snapshot["contacts"].as_array()) contact = as_link(contact, {"id", "key", "email"});
  for (auto& user : snapshot["assignees"].as_array()) user = as_link(user, {"id", "email"});
  snapshot["owner"] = as_link(snapshot["owner"], {"id", "email"});
  return snapshot;
}

TEST_CASE("a shared contact completed by another case leaves the linking case's history whole") {
  EngineFixture fx;
  Case a = fx.MustCreate(R"({"title": "A", "owner": {"email": "olga@example.com"},
      "contacts": [{"key": "client", "email": "ann@example.com", "name": "Ann"}]})");
  fx.MustCreate(R"({"title": "B", "owner": {"email": "olga@example.com", "given_name": "Olga"},
      "contacts": [{"key": "client", "email": "ann@example.com", "phone": "+32 2 555 01 02"}]})");
  Case a_now = MustGet(fx, a.id);
  CHECK(a_now.version == 1);
  CHECK(a_now.contacts[0].phone == "+32 2 555 01 02");
  CHECK(a_now.owner->given_name == "Olga");
  json::object replayed = Replay(MustHistory(fx, a.id));
  CHECK(json::value(WithSharedRecordsAsLinks(replayed)) ==
        json::value(WithSharedRecordsAsLinks(Snapshot(a_now))));
}

}  // namespace
}  // namespace casework

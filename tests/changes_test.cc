// The change feed (Engine::Changes) and point-in-time reads (Get and
// History with as_of, version and since).
#include <chrono>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "casework/casework.h"
#include "fixture.h"

namespace casework {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::EngineFixture;
using testing::MustGet;
using testing::MustHistory;
using testing::ObjectOf;

constexpr char kCase[] = R"({"title": "Leak", "schema": [
  {"key": "amount", "type": "number", "name": "Amount", "value": 10}]})";

Case Must(Result<Case> result) {
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return std::move(result).value();
}

std::vector<ChangeEntry> MustChanges(EngineFixture& fx, std::int64_t since,
                                     std::int64_t limit = 1000) {
  auto changes = fx.engine->Changes(since, limit);
  REQUIRE_MESSAGE(changes.ok(), changes.status().ToString());
  return std::move(changes).value();
}

// ---------------------------------------------------------- the feed

TEST_CASE("every change gets the next change number, across cases, in commit order") {
  EngineFixture fx;
  Case a = fx.MustCreate(kCase);
  Case b = fx.MustCreate(kCase);
  Must(fx.engine->Patch(a.id, ObjectOf(R"({"title": "Renamed"})")));
  auto feed = MustChanges(fx, 0);
  REQUIRE(feed.size() == 3);
  for (std::size_t i = 0; i < feed.size(); ++i) CHECK(feed[i].event.change == std::int64_t(i + 1));
  CHECK(feed[0].case_id == a.id);
  CHECK(feed[1].case_id == b.id);
  CHECK(feed[2].case_id == a.id);
  CHECK(feed[2].event.kind == "patched");
  CHECK(feed[2].event.seq == 2);  // the case's version after the change
  CHECK(feed[2].workspace == "default");
  REQUIRE(feed[2].event.changes.size() == 1);
  CHECK(feed[2].event.changes[0].after == json::value("Renamed"));
}

TEST_CASE("the feed reads from after a change number, a page at a time") {
  EngineFixture fx;
  for (int i = 0; i < 5; ++i) fx.MustCreate(kCase);
  auto page = MustChanges(fx, 2, 2);
  REQUIRE(page.size() == 2);
  CHECK(page[0].event.change == 3);
  CHECK(page[1].event.change == 4);
  CHECK(MustChanges(fx, 5).empty());
}

TEST_CASE("a write that fails takes no change number") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  auto refused = fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": "not a number"})"));
  REQUIRE_FALSE(refused.ok());
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 12})")));
  auto feed = MustChanges(fx, 0);
  REQUIRE(feed.size() == 2);
  CHECK(feed[1].event.change == 2);
}

TEST_CASE("an event has the same id in the feed and in the case's history") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  Must(fx.engine->Archive(c.id));
  auto history = MustHistory(fx, c.id);
  auto feed = MustChanges(fx, 0);
  REQUIRE(history.size() == 2);
  REQUIRE(feed.size() == 2);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(history[i].id == feed[i].event.id);
    CHECK(history[i].change == feed[i].event.change);
    CHECK(history[i].id.size() == 36);
    ids.insert(history[i].id);
  }
  CHECK(ids.size() == 2);
}

TEST_CASE("the feed refuses a limit outside 1 to 10000 and a negative since, naming them") {
  EngineFixture fx;
  auto zero = fx.engine->Changes(0, 0);
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.status().code() == Code::kValidationFailed);
  CHECK(zero.status().field() == "limit");
  CHECK(fx.engine->Changes(0, 10001).status().field() == "limit");
  CHECK(fx.engine->Changes(-1, 10).status().field() == "since");
}

TEST_CASE("the event JSON carries its id and change number") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  json::value shape = json::value_from(MustHistory(fx, c.id)[0]);
  CHECK(shape.as_object().at("change") == json::value(1));
  CHECK(shape.as_object().at("id").as_string().size() == 36);
  Event back = json::value_to<Event>(shape);
  CHECK(back.id == shape.as_object().at("id").as_string());
  CHECK(back.change == 1);
}

// ------------------------------------------------- point-in-time reads

TEST_CASE("get at a version rebuilds the case as it was then") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  fx.clock->Advance(1s);
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "Renamed"})")));
  fx.clock->Advance(1s);
  Must(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 99})")));
  ReadOptions first;
  first.version = 1;
  Case then = MustGet(fx, c.id, first);
  CHECK(then.title == "Leak");
  CHECK(then.version == 1);
  CHECK(then.updated_at == c.created_at);
  CHECK(then.schema[0].value == json::value(10));
  ReadOptions second;
  second.version = 2;
  Case next = MustGet(fx, c.id, second);
  CHECK(next.title == "Renamed");
  CHECK(next.schema[0].value == json::value(10));
  CHECK(next.id == c.id);
}

TEST_CASE("get at the current version is the case itself") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  Case now = Must(fx.engine->Patch(c.id, ObjectOf(R"({"tags": ["a", "b"]})")));
  ReadOptions at;
  at.version = now.version;
  CHECK(json::value_from(MustGet(fx, c.id, at)) == json::value_from(now));
}

TEST_CASE("get as of an instant takes the events up to it") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  Timestamp created = fx.clock->now;
  fx.clock->Advance(10s);
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "Later"})")));
  ReadOptions between;
  between.as_of = created + 5s;
  CHECK(MustGet(fx, c.id, between).title == "Leak");
  ReadOptions after;
  after.as_of = created + 10s;
  CHECK(MustGet(fx, c.id, after).title == "Later");
}

TEST_CASE("get before the case existed, or at a version it never had, is not_found") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  ReadOptions before;
  before.as_of = c.created_at - 1s;
  CHECK(fx.engine->Get(c.id, before).status().code() == Code::kNotFound);
  ReadOptions beyond;
  beyond.version = 2;
  CHECK(fx.engine->Get(c.id, beyond).status().code() == Code::kNotFound);
}

TEST_CASE("get with both as_of and version, or a version below 1, is validation_failed") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  ReadOptions both;
  both.as_of = c.created_at;
  both.version = 1;
  CHECK(fx.engine->Get(c.id, both).status().field() == "version");
  ReadOptions zero;
  zero.version = 0;
  CHECK(fx.engine->Get(c.id, zero).status().code() == Code::kValidationFailed);
}

TEST_CASE("a rebuilt case follows steps and status changes") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "Steps", "steps": [{"id": "s1", "title": "Call"}]})");
  StepChange done;
  done.status = StepStatus::kDone;
  Must(fx.engine->UpdateStep(c.id, "s1", done));
  TransitionRequest close;
  close.to = "closed";
  auto moved = fx.engine->Transition(c.id, close);
  REQUIRE_MESSAGE(moved.ok(), moved.status().ToString());
  ReadOptions at2;
  at2.version = 2;
  Case then = MustGet(fx, c.id, at2);
  CHECK(then.steps[0].status == StepStatus::kDone);
  CHECK(then.parent_status != ParentStatus::kClosed);
  ReadOptions at3;
  at3.version = 3;
  CHECK(MustGet(fx, c.id, at3).parent_status == ParentStatus::kClosed);
}

TEST_CASE("history since a version lists only the later events") {
  EngineFixture fx;
  Case c = fx.MustCreate(kCase);
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "2"})")));
  Must(fx.engine->Patch(c.id, ObjectOf(R"({"title": "3"})")));
  ReadOptions since;
  since.since = 1;
  auto later = MustHistory(fx, c.id, since);
  REQUIRE(later.size() == 2);
  CHECK(later[0].seq == 2);
  CHECK(later[1].seq == 3);
}

}  // namespace
}  // namespace casework

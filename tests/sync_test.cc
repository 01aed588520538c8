// Sync between databases (casework/sync.h): what a pull copies, merges and
// keeps as a conflict, that repeating it changes nothing, that databases
// that diverged converge, that a killed pull loses nothing, and that a
// hostile change set applies nothing.
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "backend.h"
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

constexpr char kCase[] = R"({"title": "Leak", "tags": ["water"],
  "contacts": [{"key": "client", "email": "ann@example.com", "name": "Ann"}],
  "schema": [{"key": "amount", "type": "number", "name": "Amount", "value": 10},
             {"key": "note", "type": "text", "name": "Note", "value": null}]})";

Case Must(Result<Case> result) {
  REQUIRE_MESSAGE(result.ok(), result.status().ToString());
  return std::move(result).value();
}

SyncSummary MustPull(EngineFixture& into, EngineFixture& from, std::int64_t batch = 500) {
  SyncOptions options;
  options.batch = batch;
  auto summary = into.engine->Pull(*from.engine, options);
  REQUIRE_MESSAGE(summary.ok(), summary.status().ToString());
  return *summary;
}

// The case shape without what each database numbers on its own: the ids of
// its workspace, users and contacts (matched by slug and email).
json::value Comparable(const Case& c) {
  json::value v = json::value_from(c);
  json::object& o = v.as_object();
  o["workspace"].as_object().erase("id");
  if (o["owner"].is_object()) o["owner"].as_object().erase("id");
  for (auto& a : o["assignees"].as_array()) a.as_object().erase("id");
  for (auto& p : o["contacts"].as_array()) p.as_object().erase("id");
  return v;
}

std::vector<std::string> EventIds(EngineFixture& fx, const std::string& id) {
  std::vector<std::string> ids;
  for (const Event& e : MustHistory(fx, id)) ids.push_back(e.id);
  return ids;
}

void ExpectClean(EngineFixture& fx) {
  auto report = fx.engine->Verify();
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK_MESSAGE(report->clean(), json::serialize(json::value_from(*report)));
}

std::vector<std::string> AllIds(EngineFixture& fx) {
  ListQuery query;
  query.page_size = 100;
  auto page = fx.engine->List(query);
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  std::vector<std::string> ids;
  for (const Case& c : page->cases) ids.push_back(c.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// A case `b` copied from `a`, then retitled on each side ("A's", "B's").
Case TitledOnBothSides(EngineFixture& a, EngineFixture& b) {
  Case c = a.MustCreate(kCase);
  MustPull(b, a);
  Must(a.engine->Patch(c.id, ObjectOf(R"({"title": "A's"})")));
  Must(b.engine->Patch(c.id, ObjectOf(R"({"title": "B's"})")));
  return c;
}

// ------------------------------------------------------------ copying

TEST_CASE("a pull into a new database copies every case with its whole history") {
  EngineFixture a, b;
  Case one = a.MustCreate(kCase);
  Case two = a.MustCreate(kCase);
  Must(a.engine->Patch(one.id, ObjectOf(R"({"title": "Renamed"})")));
  SyncSummary s = MustPull(b, a);
  CHECK(s.created == 2);
  CHECK(s.changes == 3);
  CHECK(s.last_change == 3);
  CHECK(Comparable(MustGet(b, one.id)) == Comparable(MustGet(a, one.id)));
  CHECK(Comparable(MustGet(b, two.id)) == Comparable(MustGet(a, two.id)));
  CHECK(EventIds(b, one.id) == EventIds(a, one.id));
  ExpectClean(b);
}

TEST_CASE("pulling again changes nothing") {
  EngineFixture a, b;
  Case c = a.MustCreate(kCase);
  MustPull(b, a);
  auto before = b.engine->Changes(0, 100);
  REQUIRE(before.ok());
  SyncSummary again = MustPull(b, a);
  CHECK(again.changes == 0);
  CHECK(again.created + again.updated + again.merged + again.conflicts == 0);
  CHECK(b.engine->Changes(0, 100)->size() == before->size());
  CHECK(MustGet(b, c.id).version == 1);
}

TEST_CASE("pulling back what a database sent changes nothing on either side") {
  EngineFixture a, b;
  Case c = a.MustCreate(kCase);
  MustPull(b, a);
  SyncSummary back = MustPull(a, b);
  CHECK(back.unchanged == 1);
  CHECK(MustGet(a, c.id).version == 1);
}

TEST_CASE("changes made at the source after a pull are carried over") {
  EngineFixture a, b;
  Case c = a.MustCreate(kCase);
  MustPull(b, a);
  Must(a.engine->UpdateData(c.id, ObjectOf(R"({"amount": 42})")));
  Must(a.engine->Archive(c.id));
  SyncSummary s = MustPull(b, a);
  CHECK(s.updated == 1);
  CHECK(s.changes == 2);
  Case there = MustGet(b, c.id);
  CHECK(there.schema[0].value == json::value(42));
  CHECK(there.archived_at.has_value());
  CHECK(there.version == 3);
  CHECK(Comparable(there) == Comparable(MustGet(a, c.id)));
  ExpectClean(b);
}

TEST_CASE("a push is the other side's pull") {
  EngineFixture a, b;
  Case c = a.MustCreate(kCase);
  auto pushed = a.engine->Push(*b.engine);
  REQUIRE_MESSAGE(pushed.ok(), pushed.status().ToString());
  CHECK(pushed->created == 1);
  CHECK(MustGet(b, c.id).title == "Leak");
}

TEST_CASE("a database cannot pull from itself") {
  EngineFixture a;
  CHECK(a.engine->Pull(*a.engine).status().code() == Code::kValidationFailed);
}

TEST_CASE("a template the source's cases use is copied with them") {
  EngineFixture a, b;
  TemplateDraft draft;
  draft.name = "Claims";
  draft.statuses = {{"new", ParentStatus::kDraft}, {"done", ParentStatus::kClosed}};
  draft.initial_status = "new";
  draft.transitions = {{"new", "done", "Finish"}};
  auto t = a.engine->CreateTemplate(draft);
  REQUIRE_MESSAGE(t.ok(), t.status().ToString());
  Case c = a.MustCreate(R"({"title": "T", "template": ")" + t->id + R"("})");
  MustPull(b, a);
  CHECK(MustGet(b, c.id).template_id == t->id);
  TransitionRequest finish;
  finish.to = "Finish";
  auto moved = b.engine->Transition(c.id, finish);
  REQUIRE_MESSAGE(moved.ok(), moved.status().ToString());
  CHECK(moved->result.status == "done");
}

// ----------------------------------------------------- both sides moved

TEST_CASE("changes to different members on both sides merge, and a merged event records both") {
  EngineFixture a, b;
  Case c = a.MustCreate(kCase);
  MustPull(b, a);
  Must(a.engine->Patch(c.id, ObjectOf(R"({"title": "From A"})")));
  Must(b.engine->Patch(c.id, ObjectOf(R"({"tags": ["water", "urgent"]})")));
  SyncSummary s = MustPull(b, a);
  CHECK(s.merged == 1);
  Case merged = MustGet(b, c.id);
  CHECK(merged.title == "From A");
  CHECK(merged.tags == std::vector<std::string>{"urgent", "water"});
  auto history = MustHistory(b, c.id);
  REQUIRE(history.size() == 4);
  const Event& last = history.back();
  CHECK(last.kind == "merged");
  CHECK(last.details.at("from_remote") == json::array{"title"});
  CHECK(last.details.at("kept_local") == json::array{"tags"});
  CHECK(last.details.at("local_version") == json::value(2));
  CHECK(last.details.at("remote_version") == json::value(2));
  ExpectClean(b);
  // The other way the source takes the merge as it is.
  SyncSummary back = MustPull(a, b);
  CHECK(back.updated == 1);
  CHECK(Comparable(MustGet(a, c.id)) == Comparable(MustGet(b, c.id)));
  CHECK(MustGet(a, c.id).version == 4);
  ExpectClean(a);
}

TEST_CASE("different data fields of one case merge; the same field is a conflict") {
  EngineFixture a, b;
  Case c = a.MustCreate(kCase);
  MustPull(b, a);
  Must(a.engine->UpdateData(c.id, ObjectOf(R"({"amount": 1})")));
  Must(b.engine->UpdateData(c.id, ObjectOf(R"({"note": "seen"})")));
  CHECK(MustPull(b, a).merged == 1);
  Case merged = MustGet(b, c.id);
  CHECK(merged.schema[0].value == json::value(1));
  CHECK(merged.schema[1].value == json::value("seen"));

  Must(a.engine->UpdateData(c.id, ObjectOf(R"({"amount": 2})")));
  Must(b.engine->UpdateData(c.id, ObjectOf(R"({"amount": 3})")));
  CHECK(MustPull(b, a).conflicts == 1);
  CHECK(MustGet(b, c.id).schema[0].value == json::value(3));  // left as it is
}

TEST_CASE("a conflict keeps both sides until it is resolved") {
  EngineFixture a, b;
  Case c = TitledOnBothSides(a, b);
  SyncSummary s = MustPull(b, a);
  CHECK(s.conflicts == 1);
  CHECK(MustGet(b, c.id).title == "B's");
  auto conflicts = b.engine->Conflicts();
  REQUIRE_MESSAGE(conflicts.ok(), conflicts.status().ToString());
  REQUIRE(conflicts->size() == 1);
  const Conflict& k = conflicts->front();
  CHECK(k.case_id == c.id);
  CHECK(k.paths == std::vector<std::string>{"title"});
  CHECK(k.local.title == "B's");
  CHECK(k.remote.at("title") == json::value("A's"));
  REQUIRE(k.remote_events.size() == 1);
  CHECK(k.peer == *a.engine->DatabaseId());
  // Pulling again does not lose it nor add another.
  MustPull(b, a);
  CHECK(b.engine->Conflicts()->size() == 1);
}

TEST_CASE("resolving a conflict takes the chosen side, joins both histories and converges") {
  for (auto take : {Resolution::Take::kLocal, Resolution::Take::kRemote, Resolution::Take::kGiven}) {
    CAPTURE(static_cast<int>(take));
    EngineFixture a, b;
    Case c = TitledOnBothSides(a, b);
    MustPull(b, a);
    Resolution resolution;
    resolution.take = take;
    resolution.given = ObjectOf(R"({"title": "Both"})");
    WriteOptions by;
    by.actor = "judge@example.com";
    Case resolved = Must(b.engine->Resolve(c.id, resolution, by));
    const char* want = take == Resolution::Take::kLocal    ? "B's"
                       : take == Resolution::Take::kRemote ? "A's"
                                                           : "Both";
    CHECK(resolved.title == want);
    auto history = MustHistory(b, c.id);
    REQUIRE(history.size() == 4);  // created, B's patch, A's patch, resolved
    CHECK(history.back().kind == "conflict_resolved");
    CHECK(history.back().actor == "judge@example.com");
    CHECK(b.engine->Conflicts()->empty());
    ExpectClean(b);
    SyncSummary back = MustPull(a, b);
    CHECK(back.updated == 1);
    CHECK(Comparable(MustGet(a, c.id)) == Comparable(MustGet(b, c.id)));
    ExpectClean(a);
  }
}

TEST_CASE("resolving a case without a conflict is not_found") {
  EngineFixture a;
  Case c = a.MustCreate(kCase);
  CHECK(a.engine->Resolve(c.id, Resolution{}).status().code() == Code::kNotFound);
}

TEST_CASE("a conflict on both sides is settled by resolving one and syncing") {
  EngineFixture a, b;
  Case c = TitledOnBothSides(a, b);
  MustPull(b, a);
  MustPull(a, b);
  REQUIRE(a.engine->Conflicts()->size() == 1);
  Resolution remote;
  remote.take = Resolution::Take::kRemote;
  Must(b.engine->Resolve(c.id, remote));
  MustPull(a, b);
  CHECK(a.engine->Conflicts()->empty());
  CHECK(MustGet(a, c.id).title == "A's");
  CHECK(Comparable(MustGet(a, c.id)) == Comparable(MustGet(b, c.id)));
}

// ------------------------------------------------------------ copies

TEST_CASE("a copy made by export and import takes the source's later changes") {
  EngineFixture a, b;
  Case c = a.MustCreate(kCase);
  Must(a.engine->Patch(c.id, ObjectOf(R"({"title": "Second"})")));
  std::stringstream exported;
  REQUIRE(a.engine->Export(exported).ok());
  auto imported = b.engine->Import(exported);
  REQUIRE_MESSAGE(imported.ok(), imported.status().ToString());
  Must(a.engine->Patch(c.id, ObjectOf(R"({"title": "Third"})")));
  Must(b.engine->Patch(c.id, ObjectOf(R"({"tags": []})")));
  SyncSummary s = MustPull(b, a);
  CHECK(s.merged == 1);
  Case there = MustGet(b, c.id);
  CHECK(there.title == "Third");
  CHECK(there.tags.empty());
  ExpectClean(b);
  // And the source takes the copy's change the same way.
  CHECK(MustPull(a, b).updated == 1);
  CHECK(MustGet(a, c.id).tags.empty());
  ExpectClean(a);
}

TEST_CASE("a file copy of a database syncs with it, both sides' changes kept" *
          doctest::skip(testing::SqliteOnly())) {
  EngineFixture a;
  Case c = a.MustCreate(kCase);
  a.engine.reset();
  EngineFixture b;
  b.engine.reset();
  std::filesystem::copy_file(a.path(), b.path(), std::filesystem::copy_options::overwrite_existing);
  a.Reopen();
  b.Reopen();
  CHECK(*a.engine->DatabaseId() == *b.engine->DatabaseId());
  Case d = a.MustCreate(kCase);
  Must(b.engine->Patch(c.id, ObjectOf(R"({"title": "From the copy"})")));
  Case e = b.MustCreate(kCase);
  MustPull(b, a);
  MustPull(a, b);
  for (const std::string& id : {c.id, d.id, e.id})
    CHECK(Comparable(MustGet(a, id)) == Comparable(MustGet(b, id)));
  CHECK(MustGet(a, c.id).title == "From the copy");
  ExpectClean(a);
  ExpectClean(b);
}

// --------------------------------------------------------- convergence

// One random operation on a random case of `fx` (or a new case).
void RandomOperation(EngineFixture& fx, std::mt19937& random, std::vector<std::string>& ids) {
  std::uniform_int_distribution<int> pick(0, 5);
  int op = ids.empty() ? 0 : pick(random);
  const std::string& id = ids.empty() ? std::string() : ids[random() % ids.size()];
  std::string n = std::to_string(random() % 1000);
  switch (op) {
    case 0:
      ids.push_back(fx.MustCreate(kCase).id);
      return;
    case 1:
      Must(fx.engine->Patch(id, ObjectOf(R"({"title": "t)" + n + R"("})")));
      return;
    case 2:
      Must(fx.engine->UpdateData(id, ObjectOf(R"({"amount": )" + n + "}")));
      return;
    case 3:
      Must(fx.engine->UpdateData(id, ObjectOf(R"({"note": "n)" + n + R"("})")));
      return;
    case 4:
      Must(fx.engine->Patch(id, ObjectOf(R"({"tags": ["g)" + n + R"("]})")));
      return;
    default:
      Must(fx.engine->Patch(id, ObjectOf(R"({"description": "d)" + n + R"("})")));
  }
}

void ResolveAll(EngineFixture& fx) {
  auto conflicts = fx.engine->Conflicts();
  REQUIRE(conflicts.ok());
  for (const Conflict& k : *conflicts) {
    Resolution remote;
    remote.take = Resolution::Take::kRemote;
    Must(fx.engine->Resolve(k.case_id, remote));
  }
}

TEST_CASE("two databases that diverge with random operations converge, every history kept") {
  for (unsigned seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    std::mt19937 random(seed);
    EngineFixture a, b;
    std::vector<std::string> at_a, at_b;
    for (int i = 0; i < 4; ++i) RandomOperation(a, random, at_a);
    MustPull(b, a);
    at_b = at_a;
    std::vector<std::string> ops_a, ops_b;
    for (int round = 0; round < 3; ++round) {
      for (int i = 0; i < 8; ++i) RandomOperation(a, random, at_a);
      for (int i = 0; i < 8; ++i) RandomOperation(b, random, at_b);
      MustPull(b, a, 3);
      ResolveAll(b);
      MustPull(a, b, 3);
      ResolveAll(a);
      MustPull(b, a, 3);
    }
    std::vector<std::string> ids = AllIds(a);
    CHECK(ids == AllIds(b));
    for (const std::string& id : ids) {
      CAPTURE(id);
      CHECK(Comparable(MustGet(a, id)) == Comparable(MustGet(b, id)));
      std::vector<std::string> ea = EventIds(a, id), eb = EventIds(b, id);
      CHECK(std::set<std::string>(ea.begin(), ea.end()) == std::set<std::string>(eb.begin(), eb.end()));
      CHECK(ea.size() == std::set<std::string>(ea.begin(), ea.end()).size());
    }
    CHECK(a.engine->Conflicts()->empty());
    CHECK(b.engine->Conflicts()->empty());
    ExpectClean(a);
    ExpectClean(b);
  }
}

// --------------------------------------------------------- interrupted

TEST_CASE("a pull killed at any point resumes where it stopped, losing and doubling nothing") {
  EngineFixture a, b;
  std::vector<std::string> ids;
  for (int i = 0; i < 40; ++i) {
    Case c = a.MustCreate(kCase);
    Must(a.engine->Patch(c.id, ObjectOf(R"({"title": "x"})")));
    ids.push_back(c.id);
  }
  std::sort(ids.begin(), ids.end());
  const std::string from = a.path(), to = b.path();
  a.engine.reset();
  b.engine.reset();
  std::mt19937 random(7);
  for (int cycle = 0; cycle < 6; ++cycle) {
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      auto source = Engine::Open(testing::FastOptions(), from);
      auto target = Engine::Open(testing::FastOptions(), to);
      if (!source.ok() || !target.ok()) _exit(2);
      SyncOptions one;
      one.batch = 1;
      _exit((*target)->Pull(**source, one).ok() ? 0 : 3);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + random() % 120));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK((WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0)));
  }
  a.Reopen();
  b.Reopen();
  MustPull(b, a);
  CHECK(AllIds(b) == ids);
  for (const std::string& id : ids) {
    CHECK(MustHistory(b, id).size() == 2);
    CHECK(Comparable(MustGet(b, id)) == Comparable(MustGet(a, id)));
  }
  CHECK(b.engine->Changes(0, 1000)->size() == 80);
  ExpectClean(b);
}

// ------------------------------------------------------------ hostile

std::string ChangeSet(EngineFixture& fx, std::int64_t since = 0) {
  std::stringstream out;
  auto written = fx.engine->WriteChanges(out, since, 500);
  REQUIRE_MESSAGE(written.ok(), written.status().ToString());
  return out.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// Applies `text` to `fx`, which must refuse it with nothing applied.
Status RefusedWithNothingApplied(EngineFixture& fx, const std::string& text) {
  std::stringstream in(text);
  auto applied = fx.engine->ApplyChanges(in);
  REQUIRE_FALSE(applied.ok());
  CHECK(AllIds(fx).empty());
  CHECK(fx.engine->Changes(0, 10)->empty());
  return applied.status();
}

TEST_CASE("a change set names its cases, their events and how far it goes") {
  EngineFixture a;
  a.MustCreate(kCase);
  auto lines = Lines(ChangeSet(a));
  REQUIRE(lines.size() == 3);
  json::object header = ObjectOf(lines[0]);
  CHECK(header.at("casework_changes") == json::value(1));
  CHECK(header.at("source") == json::value(*a.engine->DatabaseId()));
  CHECK(header.at("to") == json::value(1));
  CHECK(ObjectOf(lines[1]).at("events").as_array().size() == 1);
  CHECK(ObjectOf(lines[2]).at("end") == json::value(true));
}

TEST_CASE("a truncated change set is an error and applies nothing") {
  EngineFixture a, b;
  a.MustCreate(kCase);
  a.MustCreate(kCase);
  auto lines = Lines(ChangeSet(a));
  lines.pop_back();
  Status cut = RefusedWithNothingApplied(b, Joined(lines));
  CHECK(cut.code() == Code::kValidationFailed);
  CHECK(cut.field() == "line[4]");
  lines.pop_back();
  CHECK(RefusedWithNothingApplied(b, Joined(lines)).field() == "line[3]");
  std::string text = ChangeSet(a);
  CHECK(RefusedWithNothingApplied(b, text.substr(0, text.size() / 2)).code() ==
        Code::kValidationFailed);
  CHECK(RefusedWithNothingApplied(b, "").field() == "line[1]");
}

TEST_CASE("a hostile change set is a typed error naming the line, and applies nothing") {
  EngineFixture a, b;
  Case c = a.MustCreate(kCase);
  Must(a.engine->Patch(c.id, ObjectOf(R"({"title": "Two"})")));
  const auto lines = Lines(ChangeSet(a));
  REQUIRE(lines.size() == 3);
  auto with_case = [&](const std::function<void(json::object&)>& edit) {
    json::object line = ObjectOf(lines[1]);
    edit(line);
    return Joined({lines[0], json::serialize(line), lines[2]});
  };
  auto events = [](json::object& line) -> json::array& { return line["events"].as_array(); };

  SUBCASE("an event numbered out of order") {
    Status s = RefusedWithNothingApplied(
        b, with_case([&](json::object& l) { events(l)[1].as_object()["seq"] = 5; }));
    CHECK(s.field() == "line[2].events[1].seq");
  }
  SUBCASE("two events with one id") {
    Status s = RefusedWithNothingApplied(b, with_case([&](json::object& l) {
      events(l)[1].as_object()["id"] = events(l)[0].as_object()["id"];
    }));
    CHECK(s.field() == "line[2].events[1].id");
  }
  SUBCASE("a kind that could forge a log line") {
    Status s = RefusedWithNothingApplied(
        b, with_case([&](json::object& l) { events(l)[1].as_object()["kind"] = "x\ny"; }));
    CHECK(s.field() == "line[2].events[1].kind");
  }
  SUBCASE("an actor that is not an email") {
    Status s = RefusedWithNothingApplied(
        b, with_case([&](json::object& l) { events(l)[0].as_object()["actor"] = "<script>"; }));
    CHECK(s.code() == Code::kValidationFailed);
  }
  SUBCASE("a case that is not a case") {
    Status s = RefusedWithNothingApplied(
        b, with_case([&](json::object& l) { l["case"].as_object()["title"] = 12; }));
    CHECK(s.field().rfind("line[2].case", 0) == 0);
  }
  SUBCASE("a case its events do not rebuild") {
    Status s = RefusedWithNothingApplied(
        b, with_case([&](json::object& l) { l["case"].as_object()["title"] = "Forged"; }));
    CHECK(s.field() == "line[2].case.title");
  }
  SUBCASE("an event at a path the events before it do not define") {
    Status s = RefusedWithNothingApplied(b, with_case([&](json::object& l) {
      events(l)[1].as_object()["changes"] = json::array{
          json::object{{"path", "data.ghost"}, {"before", nullptr}, {"after", 1}}};
    }));
    CHECK(s.field() == "line[2].events");
  }
  SUBCASE("a case without its created event") {
    Status s = RefusedWithNothingApplied(b, with_case([&](json::object& l) { events(l).clear(); }));
    CHECK(s.field() == "line[2].events");
  }
  SUBCASE("an unknown member") {
    Status s = RefusedWithNothingApplied(
        b, with_case([&](json::object& l) { l["extra"] = true; }));
    CHECK(s.code() == Code::kValidationFailed);
  }
  SUBCASE("not JSON") {
    CHECK(RefusedWithNothingApplied(b, Joined({lines[0], "{not json", lines[2]})).field().rfind("line[2]", 0) == 0);
  }
  SUBCASE("a header of another format") {
    json::object header = ObjectOf(lines[0]);
    header["casework_changes"] = 2;
    Status s = RefusedWithNothingApplied(b, Joined({json::serialize(header), lines[1], lines[2]}));
    CHECK(s.field() == "line[1].casework_changes");
  }
  SUBCASE("lines after the end") {
    Status s = RefusedWithNothingApplied(b, Joined({lines[0], lines[1], lines[2], lines[1]}));
    CHECK(s.field() == "line[4]");
  }
}

TEST_CASE("a change set that starts after where this database got is refused") {
  EngineFixture a, b;
  a.MustCreate(kCase);
  a.MustCreate(kCase);
  Status s = RefusedWithNothingApplied(b, ChangeSet(a, 1));
  CHECK(s.field() == "line[1].after");
}

}  // namespace
}  // namespace casework

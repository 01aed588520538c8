#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "fixture.h"

namespace casework {
namespace {

namespace json = boost::json;
using testing::DraftOf;
using testing::EngineFixture;
using testing::MustGet;
using testing::MustHistory;
using testing::ObjectOf;
using testing::ParseOrFail;

constexpr std::string_view kTinesCase = R"({
  "title": "Suspicious login detected",
  "closure_conditions": [{"name": "has at least 1 assignee", "formula": "=SIZE(team_case.assignees) > 0"}]
})";

// A claims workflow: two open statuses, two closed ones.
constexpr std::string_view kClaimsTemplate = R"({
  "name": "Claims",
  "statuses": [
    {"name": "new", "parent_status": "draft"},
    {"name": "assessing", "parent_status": "in_progress"},
    {"name": "paid", "parent_status": "closed"},
    {"name": "rejected", "parent_status": "closed"}
  ],
  "initial_status": "new",
  "transitions": [
    {"from": "new", "to": "assessing", "name": "Start"},
    {"from": "assessing", "to": "paid", "name": "Pay"},
    {"from": "*", "to": "rejected", "name": "Reject"},
    {"from": "rejected", "to": "assessing", "name": "Reopen"}
  ],
  "schema": [
    {"key": "amount", "type": "number", "name": "Amount", "required": true},
    {"key": "policy", "type": "text", "name": "Policy", "value": "POL-0"}
  ],
  "steps": [{"id": "collect", "title": "Collect documents"}],
  "closure_conditions": [{"name": "amount is positive", "formula": "case.data.amount > 0"}],
  "priority": "medium"
})";

TemplateDraft TemplateOf(std::string_view text) {
  auto draft = TemplateDraftFromJson(ParseOrFail(text));
  REQUIRE_MESSAGE(draft.ok(), draft.status().ToString());
  return std::move(draft).value();
}

Template MustCreateTemplate(EngineFixture& fx, std::string_view text) {
  auto created = fx.engine->CreateTemplate(TemplateOf(text));
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  return std::move(created).value();
}

Result<TransitionOutcome> Move(EngineFixture& fx, const std::string& id, const std::string& to,
                               const WriteOptions& options = {}, bool dry_run = false) {
  TransitionRequest request;
  request.to = to;
  request.reason = "because";
  request.dry_run = dry_run;
  return fx.engine->Transition(id, request, options);
}

Case MustMove(EngineFixture& fx, const std::string& id, const std::string& to) {
  auto moved = Move(fx, id, to);
  REQUIRE_MESSAGE(moved.ok(), moved.status().ToString());
  CHECK(moved->applied);
  return moved->result;
}

Case FromTemplate(EngineFixture& fx, const Template& t, std::string_view extra = "") {
  std::string payload = "{\"title\": \"Claim\", \"template\": {\"id\": \"" + t.id + "\"}";
  if (!extra.empty()) payload += ", " + std::string(extra);
  payload += "}";
  return fx.MustCreate(payload);
}

Status TemplateError(EngineFixture& fx, std::string_view text) {
  auto created = fx.engine->CreateTemplate(TemplateOf(text));
  REQUIRE_FALSE(created.ok());
  return created.status();
}

}  // namespace

// ------------------------------------------------------- the Tines example

TEST_CASE("the Tines example blocks Close on a case without assignee, and says why") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTinesCase);
  auto refused = Move(fx, c.id, "Close");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Code::kClosureConditionsUnmet);
  REQUIRE(refused.status().failures().size() == 1);
  CHECK(refused.status().failures()[0].name == "has at least 1 assignee");
  CHECK(refused.status().failures()[0].reason == "SIZE(team_case.assignees) = 0, not > 0");
}

TEST_CASE("the Tines example allows Close once someone is assigned") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTinesCase);
  REQUIRE(fx.engine->Patch(c.id, ObjectOf(R"({"assignee_emails": ["jane@example.com"]})")).ok());
  fx.clock->Advance(std::chrono::minutes(5));
  Case closed = MustMove(fx, c.id, "Close");
  CHECK(closed.status == "closed");
  CHECK(closed.parent_status == ParentStatus::kClosed);
  CHECK(closed.resolved_at == fx.clock->now);
  CHECK(closed.version == 3);
  CHECK(closed.last_transition_id.has_value());
}

TEST_CASE("a refused transition changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTinesCase);
  REQUIRE_FALSE(Move(fx, c.id, "Close").ok());
  Case after = MustGet(fx, c.id);
  CHECK(json::value_from(after) == json::value_from(c));
  CHECK(MustHistory(fx, c.id).size() == 1);
}

TEST_CASE("Reopen clears resolved_at and returns to in_progress") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  Case closed = MustMove(fx, c.id, "Close");
  REQUIRE(closed.resolved_at.has_value());
  Case reopened = MustMove(fx, c.id, "Reopen");
  CHECK(reopened.status == "in_progress");
  CHECK(reopened.parent_status == ParentStatus::kInProgress);
  CHECK_FALSE(reopened.resolved_at.has_value());
  CHECK(reopened.last_transition_id != closed.last_transition_id);
}

// ------------------------------------------------- the built-in workflow

TEST_CASE("the built-in workflow moves between open statuses by status name") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  CHECK(MustMove(fx, c.id, "pending").parent_status == ParentStatus::kPending);
  CHECK(MustMove(fx, c.id, "in_progress").parent_status == ParentStatus::kInProgress);
  CHECK(MustMove(fx, c.id, "draft").parent_status == ParentStatus::kDraft);
  CHECK(MustMove(fx, c.id, "closed").status == "closed");  // the status name works like Close
}

TEST_CASE("transition names match whatever their letter case") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  CHECK(MustMove(fx, c.id, "close").status == "closed");
  CHECK(MustMove(fx, c.id, "REOPEN").status == "in_progress");
}

TEST_CASE("moves the workflow lacks are transition_not_allowed") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  CHECK(Move(fx, c.id, "Reopen").status().code() == Code::kTransitionNotAllowed);  // not closed
  CHECK(Move(fx, c.id, "draft").status().code() == Code::kTransitionNotAllowed);   // already there
  CHECK(Move(fx, c.id, "archived").status().code() == Code::kTransitionNotAllowed);  // no such status
  MustMove(fx, c.id, "Close");
  CHECK(Move(fx, c.id, "pending").status().code() == Code::kTransitionNotAllowed);  // only Reopen
  CHECK(Move(fx, c.id, "Close").status().code() == Code::kTransitionNotAllowed);
}

TEST_CASE("a transition appends a status_changed event with from, to, reason and conditions") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTinesCase);
  WriteOptions as_jane;
  as_jane.actor = "jane@example.com";
  REQUIRE(fx.engine->Patch(c.id, ObjectOf(R"({"assignee_emails": ["jane@example.com"]})")).ok());
  TransitionRequest request{"Close", "fixed the login", false};
  REQUIRE(fx.engine->Transition(c.id, request, as_jane).ok());
  auto events = MustHistory(fx, c.id);
  REQUIRE(events.size() == 3);
  const Event& e = events.back();
  CHECK(e.kind == "status_changed");
  CHECK(e.actor == "jane@example.com");
  CHECK(e.details.at("from") == "draft");
  CHECK(e.details.at("to") == "closed");
  CHECK(e.details.at("transition") == "Close");
  CHECK(e.details.at("reason") == "fixed the login");
  const auto& conditions = e.details.at("conditions").as_array();
  REQUIRE(conditions.size() == 1);
  CHECK(conditions[0].at("passed") == true);
  std::vector<std::string> paths;
  for (const auto& change : e.changes) paths.push_back(change.path);
  CHECK(paths == std::vector<std::string>{"status", "parent_status", "resolved_at", "last_transition_id"});
}

TEST_CASE("a dry run reports the move and its conditions and changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T", "assignee_emails": ["a@example.com"],
      "closure_conditions": [{"name": "assigned", "formula": "SIZE(case.assignees) > 0"}]})");
  auto report = Move(fx, c.id, "Close", {}, /*dry_run=*/true);
  REQUIRE_MESSAGE(report.ok(), report.status().ToString());
  CHECK_FALSE(report->applied);
  CHECK(report->from == "draft");
  CHECK(report->to == "closed");
  REQUIRE(report->conditions.size() == 1);
  CHECK(report->conditions[0].passed);
  CHECK(json::value_from(MustGet(fx, c.id)) == json::value_from(c));
  CHECK(MustHistory(fx, c.id).size() == 1);
}

TEST_CASE("a dry run of a blocked move is refused like the move itself") {
  EngineFixture fx;
  Case c = fx.MustCreate(kTinesCase);
  auto report = Move(fx, c.id, "Close", {}, /*dry_run=*/true);
  CHECK(report.status().code() == Code::kClosureConditionsUnmet);
}

TEST_CASE("a stale expected version refuses the transition") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  WriteOptions stale;
  stale.expected_version = 7;
  auto refused = Move(fx, c.id, "Close", stale);
  CHECK(refused.status().code() == Code::kConflict);
  CHECK(refused.status().current_version() == 1);
  CHECK(MustGet(fx, c.id).status == "draft");
}

TEST_CASE("two engines moving one case at the same expected version: exactly one wins") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T"})");
  for (int round = 0; round < 10; ++round) {
    Case current = MustGet(fx, c.id);
    std::string to = current.status == "closed" ? "Reopen" : "Close";
    std::atomic<int> wins{0}, conflicts{0}, others{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
      threads.emplace_back([&] {
        Options options;
        options.durability = Durability::kNormal;
        auto engine = Engine::Open(options, fx.path());
        if (!engine.ok()) { ++others; return; }
        WriteOptions expecting;
        expecting.expected_version = current.version;
        auto moved = (*engine)->Transition(c.id, TransitionRequest{to, "race", false}, expecting);
        if (moved.ok()) ++wins;
        else if (moved.status().code() == Code::kConflict ||
                 moved.status().code() == Code::kTransitionNotAllowed) ++conflicts;
        else ++others;
      });
    for (auto& thread : threads) thread.join();
    CHECK(wins == 1);
    CHECK(conflicts == 1);
    CHECK(others == 0);
    CHECK(MustGet(fx, c.id).version == current.version + 1);
  }
}

// ----------------------------------------------- conditions and required

TEST_CASE("a required field left empty blocks Close, named like a condition") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T", "schema": [
      {"key": "policy", "type": "text", "name": "Policy number", "required": true}]})");
  auto refused = Move(fx, c.id, "Close");
  REQUIRE(refused.status().code() == Code::kClosureConditionsUnmet);
  REQUIRE(refused.status().failures().size() == 1);
  CHECK(refused.status().failures()[0].name == "required: policy");
  CHECK(refused.status().failures()[0].reason == "required field \"Policy number\" has no value");
  REQUIRE(fx.engine->UpdateData(c.id, ObjectOf(R"({"policy": "   "})")).ok());
  CHECK(Move(fx, c.id, "Close").status().code() == Code::kClosureConditionsUnmet);  // blank
  REQUIRE(fx.engine->UpdateData(c.id, ObjectOf(R"({"policy": "POL-1"})")).ok());
  CHECK(MustMove(fx, c.id, "Close").status == "closed");
}

TEST_CASE("a case cannot be created closed past its conditions") {
  EngineFixture fx;
  auto created = fx.engine->Create(DraftOf(R"({"title": "T", "status": "closed",
      "schema": [{"key": "policy", "type": "text", "required": true}]})"));
  CHECK(created.status().code() == Code::kClosureConditionsUnmet);
  Case ok = fx.MustCreate(R"({"title": "T", "status": "closed"})");
  CHECK(ok.resolved_at == fx.clock->now);
}

TEST_CASE("every failing condition is listed, each with its reason") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"j({"title": "T", "tag_names": ["x"],
      "schema": [{"key": "amount", "type": "number", "value": 5}],
      "closure_conditions": [
        {"name": "tagged", "formula": "SIZE(case.tags) > 0"},
        {"name": "big", "formula": "case.data.amount >= 100"},
        {"name": "owned", "formula": "IS_PRESENT(case.owner)"}]})j");
  auto refused = Move(fx, c.id, "Close");
  REQUIRE(refused.status().code() == Code::kClosureConditionsUnmet);
  const auto& failures = refused.status().failures();
  REQUIRE(failures.size() == 2);
  CHECK(failures[0].name == "big");
  CHECK(failures[0].reason == "case.data.amount = 5, not >= 100");
  CHECK(failures[1].name == "owned");
}

TEST_CASE("a condition that fails to evaluate is unmet, with the error as its reason") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T", "closure_conditions": [
      {"name": "typo", "formula": "case.data.missing > 0"}]})");
  auto refused = Move(fx, c.id, "Close");
  REQUIRE(refused.status().code() == Code::kClosureConditionsUnmet);
  CHECK(refused.status().failures()[0].reason.find("case.data.missing") != std::string::npos);
}

TEST_CASE("check explains every condition and changes nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T",
      "schema": [{"key": "policy", "type": "text", "required": true, "value": "P"}],
      "closure_conditions": [{"name": "has at least 1 assignee", "formula": "=SIZE(team_case.assignees) > 0"}]})");
  auto results = fx.engine->Check(c.id);
  REQUIRE_MESSAGE(results.ok(), results.status().ToString());
  REQUIRE(results->size() == 2);
  CHECK((*results)[0].name == "has at least 1 assignee");
  CHECK_FALSE((*results)[0].passed);
  CHECK((*results)[0].reason == "SIZE(team_case.assignees) = 0, not > 0");
  CHECK((*results)[0].value == json::value(false));
  CHECK((*results)[1].name == "required: policy");
  CHECK((*results)[1].passed);
  CHECK((*results)[1].reason.empty());
  CHECK(MustGet(fx, c.id).version == 1);
}

TEST_CASE("a case whose formula does not parse is refused when stored, with the position") {
  EngineFixture fx;
  auto created = fx.engine->Create(DraftOf(R"({"title": "T", "closure_conditions": [
      {"name": "ok", "formula": "TRUE"}, {"name": "broken", "formula": "=SIZE(case.assignees > 0"}]})"));
  REQUIRE_FALSE(created.ok());
  CHECK(created.status().code() == Code::kFormulaError);
  CHECK(created.status().field() == "closure_conditions[1].formula");
  CHECK(created.status().position().has_value());
  Case c = fx.MustCreate(R"({"title": "T"})");
  auto patched = fx.engine->Patch(c.id, ObjectOf(R"j({"closure_conditions": [{"name": "x", "formula": "NOPE(1)"}]})j"));
  CHECK(patched.status().code() == Code::kFormulaError);
}

TEST_CASE("eval evaluates against a case or against nothing") {
  EngineFixture fx;
  Case c = fx.MustCreate(R"({"title": "T", "tag_names": ["a", "b"]})");
  auto value = fx.engine->Evaluate("=SIZE(case.tags) * 10", c.id);
  REQUIRE_MESSAGE(value.ok(), value.status().ToString());
  CHECK(*value == json::value(20));
  auto bare = fx.engine->Evaluate("1 + 2");
  REQUIRE(bare.ok());
  CHECK(*bare == json::value(3));
  CHECK(fx.engine->Evaluate("1 +").status().code() == Code::kFormulaError);
  CHECK(fx.engine->Evaluate("TRUE", std::string_view("nope")).status().code() == Code::kNotFound);
}

// ------------------------------------------------------------ templates

TEST_CASE("a template is stored, read back and listed") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  CHECK(t.version == 1);
  CHECK(t.statuses.size() == 4);
  CHECK(t.workspace.slug == "default");
  auto got = fx.engine->GetTemplate(t.id);
  REQUIRE(got.ok());
  CHECK(json::value_from(*got) == json::value_from(t));
  auto all = fx.engine->ListTemplates();
  REQUIRE(all.ok());
  CHECK(all->size() == 1);
  CHECK(fx.engine->GetTemplate("01a209e4-ef2d-7118-bf42-4d1d57fabe29").status().code() ==
        Code::kNotFound);
}

TEST_CASE("a case from a template takes its statuses, schema, steps, conditions and priority") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  Case c = FromTemplate(fx, t, R"("schema": [{"key": "note", "type": "text"}])");
  CHECK(c.template_id == t.id);
  CHECK(c.status == "new");
  CHECK(c.parent_status == ParentStatus::kDraft);
  REQUIRE(c.schema.size() == 3);
  CHECK(c.schema[0].key == "amount");
  CHECK(c.schema[1].value == json::value("POL-0"));  // template values are defaults
  CHECK(c.schema[2].key == "note");
  REQUIRE(c.steps.size() == 1);
  CHECK(c.steps[0].id == "collect");
  REQUIRE(c.closure_conditions.size() == 1);
  CHECK(c.priority == Priority::kMedium);
}

TEST_CASE("a request field of a template's key replaces the template's field") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  Case c = FromTemplate(fx, t, R"("schema": [{"key": "policy", "type": "text", "value": "POL-9"}],
      "priority": "high", "status": "assessing")");
  CHECK(c.schema.size() == 2);
  CHECK(c.schema[1].value == json::value("POL-9"));
  CHECK(c.priority == Priority::kHigh);
  CHECK(c.status == "assessing");
  CHECK(c.parent_status == ParentStatus::kInProgress);
}

TEST_CASE("custom statuses map to their parent statuses through the template's moves") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  Case c = FromTemplate(fx, t, R"("schema": [{"key": "amount", "type": "number", "value": 250}])");
  Case assessing = MustMove(fx, c.id, "Start");
  CHECK(assessing.parent_status == ParentStatus::kInProgress);
  CHECK(Move(fx, c.id, "Close").status().code() == Code::kTransitionNotAllowed);  // not this workflow
  Case paid = MustMove(fx, c.id, "Pay");
  CHECK(paid.status == "paid");
  CHECK(paid.parent_status == ParentStatus::kClosed);
  CHECK(paid.resolved_at.has_value());
  CHECK(Move(fx, c.id, "Reopen").status().code() == Code::kTransitionNotAllowed);  // from rejected only
  Case rejected = MustMove(fx, c.id, "rejected");  // "*": closed to closed, resolved_at kept
  CHECK(rejected.resolved_at == paid.resolved_at);
  Case reopened = MustMove(fx, c.id, "Reopen");
  CHECK(reopened.status == "assessing");
  CHECK_FALSE(reopened.resolved_at.has_value());
}

TEST_CASE("moving from one closed status to another checks the conditions again") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  Case c = FromTemplate(fx, t, R"("schema": [{"key": "amount", "type": "number", "value": 250}])");
  MustMove(fx, c.id, "Start");
  Case paid = MustMove(fx, c.id, "Pay");
  REQUIRE(fx.engine->UpdateData(c.id, ObjectOf(R"({"amount": 0})")).ok());

  auto refused = Move(fx, c.id, "Reject");
  REQUIRE(refused.status().code() == Code::kClosureConditionsUnmet);
  REQUIRE(refused.status().failures().size() == 1);
  CHECK(refused.status().failures()[0].name == "amount is positive");
  Case after = MustGet(fx, c.id);
  CHECK(after.status == "paid");
  CHECK(after.version == paid.version + 1);  // the update-data only
}

TEST_CASE("conditions of the template and of the case both apply") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  Case c = FromTemplate(fx, t, R"("schema": [{"key": "amount", "type": "number", "value": -1}],
      "closure_conditions": [{"name": "tagged", "formula": "SIZE(case.tags) > 0"}])");
  REQUIRE(c.closure_conditions.size() == 2);
  MustMove(fx, c.id, "Start");
  auto refused = Move(fx, c.id, "Pay");
  REQUIRE(refused.status().code() == Code::kClosureConditionsUnmet);
  REQUIRE(refused.status().failures().size() == 2);
  CHECK(refused.status().failures()[0].name == "amount is positive");
  CHECK(refused.status().failures()[1].name == "tagged");
}

TEST_CASE("updating a template makes a new version and leaves existing cases alone") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  Case old_case = FromTemplate(fx, t, R"("schema": [{"key": "amount", "type": "number", "value": 1}])");
  auto updated = fx.engine->UpdateTemplate(t.id, TemplateOf(R"({
      "name": "Claims v2",
      "statuses": [{"name": "open", "parent_status": "pending"}, {"name": "done", "parent_status": "closed"}],
      "initial_status": "open",
      "transitions": [{"from": "open", "to": "done", "name": "Finish"}]})"));
  REQUIRE_MESSAGE(updated.ok(), updated.status().ToString());
  CHECK(updated->version == 2);
  CHECK(updated->name == "Claims v2");
  // The old case keeps its schema, conditions and workflow.
  Case still = MustGet(fx, old_case.id);
  CHECK(json::value_from(still) == json::value_from(old_case));
  CHECK(MustMove(fx, old_case.id, "Start").status == "assessing");
  // New cases follow the new version.
  Case fresh = FromTemplate(fx, *updated);
  CHECK(fresh.status == "open");
  CHECK(MustMove(fx, fresh.id, "Finish").parent_status == ParentStatus::kClosed);
}

TEST_CASE("a stale template version refuses the update") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  WriteOptions stale;
  stale.expected_version = 3;
  auto refused = fx.engine->UpdateTemplate(t.id, TemplateOf(kClaimsTemplate), stale);
  CHECK(refused.status().code() == Code::kConflict);
  CHECK(refused.status().current_version() == 1);
}

TEST_CASE("template validation names the offending item") {
  EngineFixture fx;
  auto bad_parent = TemplateDraftFromJson(ParseOrFail(
      R"({"name": "T", "statuses": [{"name": "a", "parent_status": "open"}]})"));
  CHECK(bad_parent.status().field() == "statuses[0].parent_status");
  CHECK(TemplateError(fx, R"({"name": "T", "statuses": [{"name": "a", "parent_status": "draft"},
      {"name": "a", "parent_status": "closed"}], "initial_status": "a"})").field() == "statuses[1].name");
  CHECK(TemplateError(fx, R"({"name": "T", "statuses": [{"name": "a", "parent_status": "draft"}],
      "initial_status": "a", "transitions": [{"from": "a", "to": "zzz", "name": "Go"}]})").field() ==
        "transitions[0].to");
  CHECK(TemplateError(fx, R"({"name": "T", "statuses": [{"name": "a", "parent_status": "draft"}],
      "initial_status": "a", "transitions": [{"from": "b", "to": "a"}]})").field() == "transitions[0].from");
  CHECK(TemplateError(fx, R"({"name": "T", "statuses": [{"name": "done", "parent_status": "closed"}],
      "initial_status": "done"})").field() == "initial_status");
  CHECK(TemplateError(fx, R"({"name": "T", "statuses": [{"name": "a", "parent_status": "draft"}]})")
            .field() == "initial_status");  // no "draft" status to default to
  CHECK(TemplateError(fx, R"({"name": " ", "statuses": [{"name": "draft", "parent_status": "draft"}]})")
            .field() == "name");
  CHECK(TemplateError(fx, R"({"name": "T", "statuses": []})").field() == "statuses");
  Status formula = TemplateError(fx, R"({"name": "T", "statuses": [{"name": "draft", "parent_status": "draft"}],
      "closure_conditions": [{"name": "c", "formula": "1 +"}]})");
  CHECK(formula.code() == Code::kFormulaError);
  CHECK(formula.field() == "closure_conditions[0].formula");
  CHECK(TemplateError(fx, R"({"name": "T", "statuses": [{"name": "draft", "parent_status": "draft"}],
      "schema": [{"key": "k", "type": "integer", "value": "x"}]})").field() == "schema[0].value");
}

TEST_CASE("a template of another workspace is not found") {
  EngineFixture fx;
  REQUIRE(fx.engine->CreateWorkspace("acme", "").ok());
  WriteOptions in_acme;
  in_acme.workspace = "acme";
  auto t = fx.engine->CreateTemplate(TemplateOf(kClaimsTemplate), in_acme);
  REQUIRE(t.ok());
  CHECK(fx.engine->GetTemplate(t->id).status().code() == Code::kNotFound);
  auto created = fx.engine->Create(DraftOf("{\"title\": \"x\", \"template\": \"" + t->id + "\"}"));
  CHECK(created.status().code() == Code::kNotFound);
  ReadOptions read_acme;
  read_acme.workspace = "acme";
  CHECK(fx.engine->GetTemplate(t->id, read_acme).ok());
}

TEST_CASE("a request status the template lacks is refused") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  auto created = fx.engine->Create(
      DraftOf("{\"title\": \"x\", \"status\": \"pending\", \"template\": \"" + t.id + "\"}"));
  CHECK(created.status().field() == "status");
}

TEST_CASE("templates survive reopening the database") {
  EngineFixture fx;
  Template t = MustCreateTemplate(fx, kClaimsTemplate);
  Case c = FromTemplate(fx, t, R"("schema": [{"key": "amount", "type": "number", "value": 3}])");
  fx.Reopen();
  CHECK(json::value_from(*fx.engine->GetTemplate(t.id)) == json::value_from(t));
  CHECK(MustMove(fx, c.id, "Start").status == "assessing");
}

}  // namespace casework

// Listing and search (DOMAIN.md §4): every filter alone and combined, the
// advanced filter, sorts, pages, cursors, full-text search, workspace
// isolation, hostile input, and the query plans of the common filters.
#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <doctest/doctest.h>

#include "casework/casework.h"
#include "fixture.h"
#include "listing.h"
#include "write_context.h"
#include "storage/connection.h"
#include "storage/migrations.h"

namespace casework {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using testing::EngineFixture;
using testing::FastOptions;
using testing::ParseOrFail;

// ------------------------------------------------------------- fixture


// An engine with a second workspace, "other".
struct ListFixture : EngineFixture {
  ListFixture() {
    auto created = engine->CreateWorkspace("other", "Other");
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    other = *created;
  }

  // Creates a case, then moves the clock on a second, so that created_at
  // orders the cases.
  Case Make(std::string_view payload, const WriteOptions& options = {}) {
    Case c = MustCreate(payload, options);
    clock->Advance(1s);
    return c;
  }

  CasePage List(const ListQuery& query, const ReadOptions& options = {}) {
    auto page = engine->List(query, options);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    return std::move(page).value();
  }

  Status Fails(const ListQuery& query, const ReadOptions& options = {}) {
    auto page = engine->List(query, options);
    REQUIRE_FALSE(page.ok());
    return page.status();
  }

  Workspace other;
};

WriteOptions In(const std::string& slug) {
  WriteOptions options;
  options.workspace = slug;
  return options;
}

ReadOptions ReadIn(const std::string& slug) {
  ReadOptions options;
  options.workspace = slug;
  return options;
}

// A query from Penbox's parameters as JSON.
ListQuery Query(std::string_view params) {
  auto query = ListQueryFromJson(ParseOrFail(params));
  REQUIRE_MESSAGE(query.ok(), query.status().ToString());
  return std::move(query).value();
}

// A query with an advanced filter (JSON text).
ListQuery Filter(std::string_view filter) {
  ListQuery query;
  query.filter = ParseOrFail(filter);
  query.page_size = 100;
  return query;
}

std::vector<std::string> Titles(const CasePage& page) {
  std::vector<std::string> titles;
  for (const Case& c : page.cases) titles.push_back(c.title);
  return titles;
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

using Names = std::vector<std::string>;

void CheckInvalid(const Status& status, std::string_view field) {
  CHECK_MESSAGE(status.code() == Code::kValidationFailed, status.ToString());
  CHECK_MESSAGE(status.field() == field, status.ToString());
}

// Four cases in "default" (Alpha, Beta, Gamma, and Delta, archived) and
// look-alikes in "other" that must never show.
struct Seeded : ListFixture {
  Seeded() {
    alpha = Make(R"({
      "title": "Alpha water claim", "description": "Kitchen ceiling", "reference": "REF-1",
      "status": "pending", "waiting_for": "owner", "priority": "high",
      "owner": {"email": "ann@x.org"}, "assignee_emails": ["bob@x.org"],
      "tag_names": ["water", "vip"],
      "contacts": [{"key": "client", "email": "marie.dupont@example.com",
                    "name": "Marie Dupont", "given_name": "Marie", "family_name": "Dupont"}],
      "schema": [
        {"key": "amount", "type": "number", "name": "Amount", "value": 100},
        {"key": "due", "type": "date", "name": "Due", "value": "2024-03-01"},
        {"key": "reported", "type": "datetime", "name": "Reported",
         "value": "2024-01-15T08:30:00+01:00"},
        {"key": "urgent", "type": "boolean", "name": "Urgent", "value": true},
        {"key": "policy", "type": "text", "name": "Policy", "value": "POL-778"},
        {"key": "rooms", "type": "multi_choice", "name": "Rooms",
         "options": ["kitchen", "bath"], "value": ["kitchen"]}
      ]})");
    beta = Make(R"({
      "title": "Beta fire claim", "reference": "REF-2", "status": "in_progress",
      "waiting_for": "contact", "priority": "low", "owner": {"email": "bob@x.org"},
      "assignee_emails": ["ann@x.org"], "tag_names": ["fire"],
      "contacts": [{"key": "client", "email": "luc.peeters@example.com",
                    "name": "Luc Peeters", "given_name": "Luc", "family_name": "Peeters"}],
      "schema": [
        {"key": "amount", "type": "number", "name": "Amount", "value": 90},
        {"key": "due", "type": "date", "name": "Due", "value": "2024-02-01"},
        {"key": "reported", "type": "datetime", "name": "Reported",
         "value": "2024-01-15T07:45:00Z"},
        {"key": "urgent", "type": "boolean", "name": "Urgent", "value": false},
        {"key": "policy", "type": "text", "name": "Policy", "value": "POL-900"}
      ]})");
    gamma = Make(R"({"title": "Gamma theft", "status": "draft",
      "schema": [{"key": "amount", "type": "integer", "name": "Amount", "value": 1000}]})");
    delta = Make(R"({"title": "Delta archived", "reference": "REF-1", "status": "pending",
      "owner": {"email": "ann@x.org"}, "tag_names": ["water"]})");
    auto archived = engine->Archive(delta.id);
    REQUIRE_MESSAGE(archived.ok(), archived.status().ToString());
    // The other workspace: the same reference, people, tags and data.
    stranger = Make(R"({
      "title": "Alpha water claim elsewhere", "reference": "REF-1", "status": "pending",
      "waiting_for": "owner", "priority": "high", "owner": {"email": "ann@x.org"},
      "assignee_emails": ["bob@x.org"], "tag_names": ["water", "vip"],
      "contacts": [{"key": "client", "email": "marie.dupont@example.com",
                    "name": "Marie Dupont", "given_name": "Marie", "family_name": "Dupont"}],
      "schema": [{"key": "amount", "type": "number", "name": "Amount", "value": 100}]})",
                    In("other"));
  }

  Names Find(std::string_view params) { return Sorted(Titles(List(Query(params)))); }
  Names Where(std::string_view filter) { return Sorted(Titles(List(Filter(filter)))); }

  Case alpha, beta, gamma, delta, stranger;
};

const std::string kAlpha = "Alpha water claim";
const std::string kBeta = "Beta fire claim";
const std::string kGamma = "Gamma theft";
const std::string kDelta = "Delta archived";

// ------------------------------------------------------------- defaults

TEST_CASE("a listing shows the workspace's live cases, newest first, with exact meta") {
  Seeded fx;
  CasePage page = fx.List({});
  CHECK(Titles(page) == Names{kGamma, kBeta, kAlpha});
  CHECK(page.meta.total_count == 3);
  CHECK(page.meta.total_pages == 1);
  CHECK(page.meta.page_size == 10);
  CHECK(page.meta.current_page == 1);
  CHECK_FALSE(page.next_cursor.has_value());
  // Whole cases, as get returns them.
  CHECK(page.cases[2].contacts.size() == 1);
  CHECK(page.cases[2].schema.size() == 6);
  CHECK(json::value_from(page.cases[2]) == json::value_from(testing::MustGet(fx, fx.alpha.id)));
}

TEST_CASE("the answer has exactly meta and data, and next_cursor only when a page follows") {
  Seeded fx;
  json::value all = json::value_from(fx.List({}));
  CHECK(all.as_object().size() == 2);
  CHECK(all.at("meta") == ParseOrFail(R"({"total_count": 3, "total_pages": 1, "page_size": 10,
                                          "current_page": 1})"));
  CHECK(all.at("data").as_array().size() == 3);
  CHECK(all.at("data").as_array()[0].at("title") == json::value(kGamma));

  json::value first = json::value_from(fx.List(Query(R"({"page[size]": 2})")));
  CHECK(first.as_object().size() == 3);
  CHECK(first.at("next_cursor").is_string());
  CHECK(first.at("meta").at("total_pages") == 2);
}

TEST_CASE("an empty workspace lists nothing, with zero pages") {
  ListFixture fx;
  CasePage page = fx.List({});
  CHECK(page.cases.empty());
  CHECK(page.meta.total_count == 0);
  CHECK(page.meta.total_pages == 0);
  CHECK(page.meta.current_page == 1);
}

// ------------------------------------------------------------- filters alone

TEST_CASE("archived: hidden by default, false likewise, true lists only archived cases") {
  Seeded fx;
  CHECK(fx.Find(R"({"archived": false})") == Sorted({kAlpha, kBeta, kGamma}));
  CHECK(fx.Find(R"({"archived": true})") == Names{kDelta});
  CHECK(fx.Find(R"({"archived": "true"})") == Names{kDelta});
  CHECK(fx.List(Query(R"({"archived": true})")).meta.total_count == 1);
}

TEST_CASE("status and parent_status filter exactly") {
  Seeded fx;
  CHECK(fx.Find(R"({"status": "pending"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"status": "PENDING"})").empty());
  CHECK(fx.Find(R"({"parent_status": "in_progress"})") == Names{kBeta});
  CHECK(fx.Find(R"({"parent_status": "draft"})") == Names{kGamma});
  CHECK(fx.Find(R"({"parent_status": "closed"})").empty());
}

TEST_CASE("template[id] lists the cases made from the template") {
  ListFixture fx;
  auto draft = TemplateDraftFromJson(ParseOrFail(R"({"name": "Claims",
      "statuses": [{"name": "new", "parent_status": "draft"},
                   {"name": "done", "parent_status": "closed"}],
      "initial_status": "new"})"));
  REQUIRE_MESSAGE(draft.ok(), draft.status().ToString());
  auto t = fx.engine->CreateTemplate(*draft);
  REQUIRE_MESSAGE(t.ok(), t.status().ToString());
  fx.Make(R"({"title": "Plain"})");
  fx.Make(R"({"title": "From template", "template": {"id": ")" + t->id + R"("}})");
  CHECK(Titles(fx.List(Query(R"({"template[id]": ")" + t->id + R"("})"))) ==
        Names{"From template"});
  CHECK(Titles(fx.List(Query(R"({"template": {"id": ")" + t->id + R"("}})"))) ==
        Names{"From template"});
  CHECK(fx.List(Query(R"({"template[id]": "018c7a9e-3d2f-7b4a-9c1e-5f6a7b8c9d0e"})"))
            .cases.empty());
  CheckInvalid(fx.Fails(Query(R"({"template[id]": "not-a-uuid"})")), "template[id]");
}

TEST_CASE("waiting_for filters by who the case waits for") {
  Seeded fx;
  CHECK(fx.Find(R"({"waiting_for": "owner"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"waiting_for": "contact"})") == Names{kBeta});
  CHECK(fx.Find(R"({"waiting_for": "none"})") == Names{kGamma});
}

TEST_CASE("reference filters exactly, and never across workspaces") {
  Seeded fx;
  CasePage page = fx.List(Query(R"({"reference": "REF-1"})"));
  CHECK(Titles(page) == Names{kAlpha});
  CHECK(page.meta.total_count == 1);
  CHECK(fx.Find(R"({"reference": "ref-1"})").empty());
}

TEST_CASE("owner[id] and owner[email] (case-insensitive) filter by the owner") {
  Seeded fx;
  CHECK(fx.Find(R"({"owner[email]": "ann@x.org"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"owner[email]": " ANN@X.org "})") == Names{kAlpha});
  CHECK(fx.Find(R"({"owner": {"email": "bob@x.org"}})") == Names{kBeta});
  CHECK(fx.Find(R"({"owner[id]": ")" + fx.alpha.owner->id + R"("})") == Names{kAlpha});
  // The other workspace's Ann is another user.
  CHECK(fx.Find(R"({"owner[id]": ")" + fx.stranger.owner->id + R"("})").empty());
  CHECK(fx.Find(R"({"owner[email]": "nobody@x.org"})").empty());
}

TEST_CASE("contact[given_name], contact[family_name] and contact[email] match a linked contact") {
  Seeded fx;
  CHECK(fx.Find(R"({"contact[given_name]": "Marie"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"contact[family_name]": "Peeters"})") == Names{kBeta});
  CHECK(fx.Find(R"({"contact[email]": "Marie.Dupont@Example.com"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"contact": {"email": "luc.peeters@example.com"}})") == Names{kBeta});
  CHECK(fx.Find(R"({"contact[given_name]": "marie"})").empty());
}

TEST_CASE("priority, tag and assignee[email] filter") {
  Seeded fx;
  CHECK(fx.Find(R"({"priority": "high"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"priority": "low"})") == Names{kBeta});
  CHECK(fx.Find(R"({"tag": "water"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"tag": "fire"})") == Names{kBeta});
  CHECK(fx.Find(R"({"assignee[email]": "BOB@x.org"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"assignee": {"email": "ann@x.org"}})") == Names{kBeta});
}

TEST_CASE("created_at and updated_at ranges are half-open: after <= t < before") {
  Seeded fx;
  // Alpha at +0 s, Beta at +1 s, Gamma at +2 s from 2024-01-02T03:04:05Z.
  CHECK(fx.Find(R"({"created_at[after]": "2024-01-02T03:04:06Z"})") == Sorted({kBeta, kGamma}));
  CHECK(fx.Find(R"({"created_at[before]": "2024-01-02T03:04:06Z"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"created_at": {"after": "2024-01-02T03:04:06Z",
                                   "before": "2024-01-02T03:04:07Z"}})") == Names{kBeta});
  // Offsets are times like any other; a date is midnight UTC.
  CHECK(fx.Find(R"({"created_at[after]": "2024-01-02T04:04:06+01:00"})") ==
        Sorted({kBeta, kGamma}));
  CHECK(fx.Find(R"({"created_at[after]": "2024-01-03"})").empty());
  CHECK(fx.Find(R"({"created_at[before]": "2024-01-03"})").size() == 3);

  fx.clock->Advance(1h);
  auto patched = fx.engine->Patch(fx.beta.id, testing::ObjectOf(R"({"description": "later"})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(fx.Find(R"({"updated_at[after]": "2024-01-02T04:00:00Z"})") == Names{kBeta});
  CHECK(fx.Find(R"({"updated_at[before]": "2024-01-02T04:00:00Z"})") ==
        Sorted({kAlpha, kGamma}));
  auto bad = ListQueryFromJson(ParseOrFail(R"({"created_at[after]": "yesterday"})"));
  REQUIRE_FALSE(bad.ok());
  CheckInvalid(bad.status(), "created_at[after]");
}

TEST_CASE("the typed members of ListQuery filter like the parameters") {
  Seeded fx;
  ListQuery query;
  query.parent_status = ParentStatus::kPending;
  query.priority = Priority::kHigh;
  query.contact_email = "marie.dupont@example.com";
  query.created_before = fx.clock->now;
  CHECK(Titles(fx.List(query)) == Names{kAlpha});
  query.waiting_for = WaitingFor::kContact;
  CHECK(fx.List(query).cases.empty());
}

// ------------------------------------------------------------- combined

TEST_CASE("filters combine with AND") {
  Seeded fx;
  CHECK(fx.Find(R"({"reference": "REF-1", "tag": "water", "owner[email]": "ann@x.org"})") ==
        Names{kAlpha});
  CHECK(fx.Find(R"({"reference": "REF-1", "tag": "fire"})").empty());
  CHECK(fx.Find(R"({"parent_status": "pending", "contact[email]": "marie.dupont@example.com",
                    "priority": "high", "assignee[email]": "bob@x.org",
                    "waiting_for": "owner", "status": "pending",
                    "contact[given_name]": "Marie", "contact[family_name]": "Dupont"})") ==
        Names{kAlpha});
  CHECK(fx.Find(R"({"parent_status": "pending", "contact[email]": "luc.peeters@example.com"})")
            .empty());
  CHECK(fx.Find(R"({"archived": true, "reference": "REF-1", "owner[email]": "ann@x.org"})") ==
        Names{kDelta});
  CHECK(fx.Find(R"({"tag": "water", "created_at[after]": "2024-01-02T03:04:05Z",
                    "created_at[before]": "2024-01-02T03:04:06Z"})") == Names{kAlpha});
}

// ------------------------------------------------------------- workspaces

TEST_CASE("another workspace's cases never appear and never count") {
  Seeded fx;
  for (const char* params :
       {R"({})", R"({"reference": "REF-1"})", R"({"tag": "vip"})",
        R"({"contact[email]": "marie.dupont@example.com"})", R"({"owner[email]": "ann@x.org"})",
        R"({"assignee[email]": "bob@x.org"})", R"({"q": "alpha"})",
        R"({"filter": {"data.amount": 100}})", R"({"filter": {"title": "Alpha water claim elsewhere"}})"}) {
    CAPTURE(params);
    CasePage page = fx.List(Query(params));
    for (const Case& c : page.cases) CHECK(c.workspace.slug == "default");
    CHECK(page.meta.total_count == static_cast<std::int64_t>(page.cases.size()));
  }
  CasePage there = fx.List(Query(R"({"reference": "REF-1"})"), ReadIn("other"));
  CHECK(Titles(there) == Names{"Alpha water claim elsewhere"});
  CHECK(there.meta.total_count == 1);
}

TEST_CASE("workspace[slug] and workspace[id] name the workspace and must agree with the scope") {
  Seeded fx;
  CHECK(Titles(fx.List(Query(R"({"workspace[slug]": "other"})"))) ==
        Names{"Alpha water claim elsewhere"});
  CHECK(Titles(fx.List(Query(R"({"workspace": {"id": ")" + fx.other.id + R"("}})"))) ==
        Names{"Alpha water claim elsewhere"});
  CHECK(fx.List(Query(R"({"workspace[slug]": "other"})"), ReadIn("other")).cases.size() == 1);
  CheckInvalid(fx.Fails(Query(R"({"workspace[slug]": "other"})"), ReadIn("default")),
               "workspace");
  CHECK(fx.Fails(Query(R"({"workspace[slug]": "nowhere"})")).code() == Code::kNotFound);
  CHECK(fx.Fails({}, ReadIn("nowhere")).code() == Code::kNotFound);
}

TEST_CASE("the advanced filter's workspace fields stay inside the scope") {
  Seeded fx;
  CHECK(fx.Where(R"({"workspace.slug": "default"})").size() == 4);
  CHECK(fx.Where(R"({"workspace.slug": "other"})").empty());
  CHECK(fx.Where(R"({"field": "workspace.slug", "op": "ne", "value": "default"})").empty());
}

// ------------------------------------------------------------- advanced filter

TEST_CASE("the advanced filter replaces the others, archived default included") {
  Seeded fx;
  ListQuery query = Filter(R"({"field": "parent_status", "op": "in",
                               "value": ["pending", "in_progress"]})");
  query.reference = "REF-2";  // ignored: filter replaces the other filters
  CHECK(Sorted(Titles(fx.List(query))) == Sorted({kAlpha, kBeta, kDelta}));
  CHECK(fx.Where(R"({"archived": false})") == Sorted({kAlpha, kBeta, kGamma}));
  CHECK(fx.Where(R"({"archived": true})") == Names{kDelta});
}

TEST_CASE("and, or and not compose; not is the exact complement") {
  Seeded fx;
  CHECK(fx.Where(R"({"and": [{"field": "tag", "op": "eq", "value": "water"},
                             {"field": "archived", "op": "eq", "value": false}]})") ==
        Names{kAlpha});
  CHECK(fx.Where(R"({"or": [{"field": "priority", "op": "eq", "value": "low"},
                            {"field": "reference", "op": "eq", "value": "REF-1"}]})") ==
        Sorted({kAlpha, kBeta, kDelta}));
  // reference is NULL for Gamma: "not eq" still includes it.
  CHECK(fx.Where(R"({"not": {"field": "reference", "op": "eq", "value": "REF-1"}})") ==
        Sorted({kBeta, kGamma}));
  CHECK(fx.Where(R"({"field": "reference", "op": "ne", "value": "REF-1"})") ==
        Sorted({kBeta, kGamma}));
  // (The advanced filter does not hide archived cases: Delta shows.)
  CHECK(fx.Where(R"({"not": {"field": "priority", "op": "gte", "value": "medium"}})") ==
        Sorted({kBeta, kDelta, kGamma}));
  CHECK(fx.Where(R"({"not": {"not": {"field": "tag", "op": "eq", "value": "fire"}}})") ==
        Names{kBeta});
  CHECK(fx.Where(R"({"and": []})").size() == 4);
  CHECK(fx.Where(R"({"or": []})").empty());
}

TEST_CASE("Penbox's equality form: each member an eq") {
  Seeded fx;
  CHECK(fx.Where(R"({"parent_status": "pending", "data.policy": "POL-778"})") == Names{kAlpha});
  CHECK(fx.Where(R"({"parent_status": "pending", "data.policy": "POL-900"})").empty());
  CHECK(fx.Where(R"({"contact[email]": "luc.peeters@example.com"})") == Names{kBeta});
  CHECK(fx.Where(R"({"or": [{"status": "draft"}, {"owner.email": "bob@x.org"}]})") ==
        Sorted({kBeta, kGamma}));
  CHECK(fx.Where(R"({"reference": null})") == Names{kGamma});
  // A filter as JSON text, as a query string carries it.
  CHECK(fx.Find(R"({"filter": "{\"data.policy\": \"POL-778\"}"})") == Names{kAlpha});
}

TEST_CASE("every operator on case fields") {
  Seeded fx;
  CHECK(fx.Where(R"({"field": "title", "op": "contains", "value": "claim"})") ==
        Sorted({kAlpha, kBeta}));
  CHECK(fx.Where(R"({"field": "title", "op": "contains", "value": "CLAIM"})").empty());
  CHECK(fx.Where(R"({"field": "title", "op": "lt", "value": "B"})") == Names{kAlpha});
  CHECK(fx.Where(R"({"field": "title", "op": "gte", "value": "Delta"})") ==
        Sorted({kDelta, kGamma}));
  CHECK(fx.Where(R"({"field": "status", "op": "nin", "value": ["pending", "draft"]})") ==
        Names{kBeta});
  CHECK(fx.Where(R"({"field": "description", "op": "exists", "value": true})") == Names{kAlpha});
  CHECK(fx.Where(R"({"field": "description", "op": "exists", "value": false})") ==
        Sorted({kBeta, kDelta, kGamma}));
  CHECK(fx.Where(R"({"field": "priority", "op": "gt", "value": "low"})") == Names{kAlpha});
  CHECK(fx.Where(R"({"field": "priority", "op": "lte", "value": "low"})") == Names{kBeta});
  CHECK(fx.Where(R"({"field": "parent_status", "op": "gte", "value": "in_progress"})") ==
        Names{kBeta});
  CHECK(fx.Where(R"({"field": "created_at", "op": "gt", "value": "2024-01-02T03:04:06Z"})") ==
        Sorted({kDelta, kGamma}));
  CHECK(fx.Where(R"({"field": "archived_at", "op": "exists", "value": true})") == Names{kDelta});
  CHECK(fx.Where(R"({"field": "version", "op": "gt", "value": 1})") == Names{kDelta});
  CHECK(fx.Where(R"({"field": "id", "op": "in", "value": [")" + fx.beta.id + R"(", ")" +
                 fx.stranger.id + R"("]})") == Names{kBeta});
  CHECK(fx.Where(R"({"field": "tags", "op": "contains", "value": "wat"})") ==
        Sorted({kAlpha, kDelta}));
  CHECK(fx.Where(R"({"field": "tag", "op": "exists", "value": false})") == Names{kGamma});
  CHECK(fx.Where(R"({"field": "owner.email", "op": "exists", "value": false})") == Names{kGamma});
  CHECK(fx.Where(R"({"field": "contact.family_name", "op": "in", "value": ["Dupont", "X"]})") ==
        Names{kAlpha});
  CHECK(fx.Where(R"({"field": "assignee.email", "op": "nin", "value": ["bob@x.org"]})") ==
        Sorted({kBeta, kDelta, kGamma}));
  CHECK(fx.Where(R"({"field": "template", "op": "exists", "value": true})").empty());
  CHECK(fx.Where(R"({"field": "waiting_for", "op": "in", "value": ["owner", "contact"]})") ==
        Sorted({kAlpha, kBeta}));
}

TEST_CASE("data.<key> compares by the field's type") {
  Seeded fx;
  // Numbers numerically: 100 > 90, and integer and number fields together.
  CHECK(fx.Where(R"({"field": "data.amount", "op": "gt", "value": 95})") ==
        Sorted({kAlpha, kGamma}));
  CHECK(fx.Where(R"({"field": "data.amount", "op": "lt", "value": 100.5})") ==
        Sorted({kAlpha, kBeta}));
  CHECK(fx.Where(R"({"field": "data.amount", "op": "eq", "value": 1000})") == Names{kGamma});
  CHECK(fx.Where(R"({"field": "data.amount", "op": "in", "value": [90, 1000]})") ==
        Sorted({kBeta, kGamma}));
  // A string "100" is not the number 100.
  CHECK(fx.Where(R"({"field": "data.amount", "op": "eq", "value": "100"})").empty());
  // Dates in date order.
  CHECK(fx.Where(R"({"field": "data.due", "op": "gte", "value": "2024-02-15"})") ==
        Names{kAlpha});
  // Datetimes in time order, whatever the offset: Alpha's 08:30+01:00 is
  // 07:30Z, before Beta's 07:45Z.
  CHECK(fx.Where(R"({"field": "data.reported", "op": "lt", "value": "2024-01-15T07:40:00Z"})") ==
        Names{kAlpha});
  CHECK(fx.Where(R"({"field": "data.reported", "op": "gt",
                     "value": "2024-01-15T09:40:00+02:00"})") == Names{kBeta});
  CHECK(fx.Where(R"({"field": "data.reported", "op": "eq", "value": "2024-01-15T07:30:00Z"})") ==
        Names{kAlpha});
  // Booleans, text, options, presence.
  CHECK(fx.Where(R"({"data.urgent": true})") == Names{kAlpha});
  CHECK(fx.Where(R"({"field": "data.urgent", "op": "ne", "value": true})") ==
        Sorted({kBeta, kDelta, kGamma}));
  CHECK(fx.Where(R"({"field": "data.policy", "op": "contains", "value": "778"})") ==
        Names{kAlpha});
  CHECK(fx.Where(R"({"field": "data.rooms", "op": "contains", "value": "kitchen"})") ==
        Names{kAlpha});
  CHECK(fx.Where(R"({"field": "data.rooms", "op": "contains", "value": "bath"})").empty());
  CHECK(fx.Where(R"({"field": "data.due", "op": "exists", "value": true})") ==
        Sorted({kAlpha, kBeta}));
  CHECK(fx.Where(R"({"data.due": null})") == Sorted({kDelta, kGamma}));
}

TEST_CASE("malformed filters are validation_failed naming the bad node") {
  Seeded fx;
  auto fails = [&](std::string_view filter, std::string_view field) {
    CAPTURE(filter);
    CheckInvalid(fx.Fails(Filter(filter)), field);
  };
  fails(R"({"and": [{"field": "status", "op": "eq", "value": "x"},
                    {"field": "status", "op": "like", "value": "x"}]})",
        "filter.and[1].op");
  fails(R"({"field": "colour", "op": "eq", "value": "x"})", "filter.field");
  fails(R"({"field": "data.bad-key", "op": "eq", "value": 1})", "filter.field");
  fails(R"({"field": "status", "op": "eq"})", "filter.value");
  fails(R"({"field": "status", "op": "eq", "value": 1})", "filter.value");
  fails(R"({"field": "status", "op": "eq", "value": "x", "extra": 1})", "filter.extra");
  fails(R"({"field": "status", "op": "in", "value": "x"})", "filter.value");
  fails(R"({"field": "status", "op": "in", "value": ["a", null]})", "filter.value[1]");
  fails(R"({"field": "id", "op": "lt", "value": "x"})", "filter.op");
  fails(R"({"field": "priority", "op": "eq", "value": "urgent"})", "filter.value");
  fails(R"({"field": "created_at", "op": "gt", "value": "soon"})", "filter.value");
  fails(R"({"field": "archived", "op": "eq", "value": "yes"})", "filter.value");
  fails(R"({"field": "data.x", "op": "eq", "value": {"a": 1}})", "filter.value");
  fails(R"({"or": [{"not": {"field": "x", "op": "eq", "value": 1}}]})", "filter.or[0].not.field");
  fails(R"({"or": {"status": "x"}})", "filter.or");
  fails(R"({"and": [], "or": []})", "filter.or");
  fails(R"({"not": [1]})", "filter.not");
  fails(R"({"colour": "red"})", "filter.colour");
  fails(R"({"status": ["a", "b"]})", "filter.status");
  fails(R"([1, 2])", "filter");
  fails(R"("status")", "filter");
}

TEST_CASE("filter depth and size limits") {
  Seeded fx;
  // 16 levels pass, 17 do not.
  auto nested = [](int levels) {
    std::string text = R"({"field": "status", "op": "eq", "value": "pending"})";
    for (int i = 1; i < levels; ++i) text = R"({"not": {"not": )" + text + "}}";
    return text;
  };
  // nested(n) has 2n - 1 levels.
  CHECK(fx.Where(nested(8)) == Sorted({kAlpha, kDelta}));
  CHECK(fx.Fails(Filter(nested(9))).code() == Code::kValidationFailed);
  // 256 nodes pass, 257 do not.
  auto wide = [](int leaves) {
    std::string text = R"({"or": [)";
    for (int i = 0; i < leaves; ++i)
      text += std::string(i ? "," : "") + R"({"field": "status", "op": "eq", "value": "s)" +
              std::to_string(i) + "\"}";
    return text + "]}";
  };
  CHECK(fx.Where(wide(255)).empty());
  CheckInvalid(fx.Fails(Filter(wide(256))), "filter");
  // 100 values per list.
  std::string list = R"({"field": "status", "op": "in", "value": [)";
  for (int i = 0; i <= 100; ++i) list += std::string(i ? "," : "") + "\"s\"";
  CheckInvalid(fx.Fails(Filter(list + "]}")), "filter.value");
  // A very deep document is refused, not a crash.
  std::string deep(100000, '[');
  ListQuery query;
  json::value v = json::array();
  json::value* at = &v;
  for (int i = 0; i < 1000; ++i) {
    at->as_array().push_back(json::object{{"not", json::array()}});
    at = &at->as_array().back().as_object()["not"];
  }
  query.filter = json::object{{"or", v}};
  CHECK(fx.Fails(query).code() == Code::kValidationFailed);
  auto text = ListQueryFromJson(json::object{{"filter", deep}});
  REQUIRE_FALSE(text.ok());
  CheckInvalid(text.status(), "filter");
}

// ------------------------------------------------------------- sort

TEST_CASE("sorts: each field both ways, ties by id in the same direction") {
  Seeded fx;
  auto sorted = [&](const std::string& sort) {
    ListQuery query;
    query.sort = sort;
    return Titles(fx.List(query));
  };
  CHECK(sorted("created_at") == Names{kAlpha, kBeta, kGamma});
  CHECK(sorted("-created_at") == Names{kGamma, kBeta, kAlpha});
  CHECK(sorted("title") == Names{kAlpha, kBeta, kGamma});
  CHECK(sorted("-title") == Names{kGamma, kBeta, kAlpha});
  // Absent values first ascending, last descending.
  CHECK(sorted("reference") == Names{kGamma, kAlpha, kBeta});
  CHECK(sorted("-reference") == Names{kBeta, kAlpha, kGamma});
  CHECK(sorted("status") == Names{kGamma, kBeta, kAlpha});  // draft, in_progress, pending
  CHECK(sorted("parent_status") == Names{kGamma, kAlpha, kBeta});  // by rank
  CHECK(sorted("-priority") == Names{kAlpha, kBeta, kGamma});       // high, low, none
  CHECK(sorted("priority") == Names{kGamma, kBeta, kAlpha});
  CHECK(sorted("opened_at") == Names{kAlpha, kBeta, kGamma});
  CHECK(sorted("resolved_at") == Names{kAlpha, kBeta, kGamma});  // all NULL: by id
  CHECK(sorted("-resolved_at") == Names{kGamma, kBeta, kAlpha});
  fx.clock->Advance(1h);
  REQUIRE(fx.engine->Patch(fx.alpha.id, testing::ObjectOf(R"({"locale": "fr"})")).ok());
  CHECK(sorted("-updated_at") == Names{kAlpha, kGamma, kBeta});
}

TEST_CASE("text sorts by code point: upper case before lower case") {
  ListFixture fx;
  fx.Make(R"({"title": "apple"})");
  fx.Make(R"({"title": "Banana"})");
  fx.Make(R"({"title": "Éclair"})");
  ListQuery query;
  query.sort = "title";
  CHECK(Titles(fx.List(query)) == Names{"Banana", "apple", "Éclair"});
}

TEST_CASE("data.<key> sorts by type: 100 after 90, dates and datetimes in time order") {
  ListFixture fx;
  fx.Make(R"({"title": "n100", "schema": [{"key": "n", "type": "number", "name": "N", "value": 100},
              {"key": "d", "type": "date", "name": "D", "value": "2024-10-01"},
              {"key": "t", "type": "datetime", "name": "T", "value": "2024-01-01T10:00:00+05:00"}]})");
  fx.Make(R"({"title": "n90", "schema": [{"key": "n", "type": "number", "name": "N", "value": 90},
              {"key": "d", "type": "date", "name": "D", "value": "2024-09-30"},
              {"key": "t", "type": "datetime", "name": "T", "value": "2024-01-01T06:00:00Z"}]})");
  fx.Make(R"({"title": "n9.5", "schema": [{"key": "n", "type": "number", "name": "N", "value": 9.5},
              {"key": "d", "type": "date", "name": "D", "value": "2023-12-31"},
              {"key": "t", "type": "datetime", "name": "T", "value": "2024-01-01T04:00:00-03:00"}]})");
  fx.Make(R"({"title": "none"})");
  auto sorted = [&](const std::string& sort) {
    ListQuery query;
    query.sort = sort;
    return Titles(fx.List(query));
  };
  CHECK(sorted("data.n") == Names{"none", "n9.5", "n90", "n100"});
  CHECK(sorted("-data.n") == Names{"n100", "n90", "n9.5", "none"});
  CHECK(sorted("data.d") == Names{"none", "n9.5", "n90", "n100"});
  // 05:00Z, 06:00Z, 07:00Z
  CHECK(sorted("data.t") == Names{"none", "n100", "n90", "n9.5"});
}

TEST_CASE("an unknown or malformed sort is validation_failed naming sort") {
  Seeded fx;
  for (const char* sort : {"colour", "", "-", "--title", "title;", "data.", "data.a b",
                           "title DESC", "created_at, (SELECT 1)", "+title", "Title"}) {
    CAPTURE(sort);
    ListQuery query;
    query.sort = sort;
    CheckInvalid(fx.Fails(query), "sort");
  }
}

// ------------------------------------------------------------- pages

TEST_CASE("pages split the listing exactly; past the end is empty with the same meta") {
  ListFixture fx;
  for (int i = 0; i < 25; ++i) fx.Make(R"({"title": "case )" + std::to_string(100 + i) + "\"}");
  std::vector<std::string> seen;
  for (int number = 1; number <= 3; ++number) {
    ListQuery query;
    query.page_number = number;
    query.sort = "title";
    CasePage page = fx.List(query);
    CHECK(page.meta.total_count == 25);
    CHECK(page.meta.total_pages == 3);
    CHECK(page.meta.page_size == 10);
    CHECK(page.meta.current_page == number);
    CHECK(page.cases.size() == (number < 3 ? 10u : 5u));
    for (const Case& c : page.cases) seen.push_back(c.title);
  }
  CHECK(seen.size() == 25);
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 25);

  CasePage past = fx.List(Query(R"({"page[number]": 4})"));
  CHECK(past.cases.empty());
  CHECK(past.meta.total_count == 25);
  CHECK(past.meta.total_pages == 3);
  CHECK(past.meta.current_page == 4);
  CHECK(fx.List(Query(R"({"page[number]": 9223372036854775807})")).cases.empty());
  CHECK(fx.List(Query(R"({"page[size]": 100})")).cases.size() == 25);
  CHECK(fx.List(Query(R"({"page": {"size": "1", "number": "25"}})")).cases.size() == 1);
}

TEST_CASE("hostile page numbers and sizes are validation_failed, never a crash") {
  ListFixture fx;
  fx.Make(R"({"title": "x"})");
  CheckInvalid(fx.Fails(Query(R"({"page[size]": 1000000000000000000})")), "page[size]");
  CheckInvalid(fx.Fails(Query(R"({"page[size]": 0})")), "page[size]");
  CheckInvalid(fx.Fails(Query(R"({"page[size]": 101})")), "page[size]");
  CheckInvalid(fx.Fails(Query(R"({"page[size]": -5})")), "page[size]");
  CheckInvalid(fx.Fails(Query(R"({"page[number]": 0})")), "page[number]");
  CheckInvalid(fx.Fails(Query(R"({"page[number]": -1})")), "page[number]");
  CheckInvalid(fx.Fails(Query(R"({"page[number]": -9223372036854775807})")), "page[number]");
  for (const char* params :
       {R"({"page[size]": 1e18})", R"({"page[size]": 2.5})", R"({"page[size]": "ten"})",
        R"({"page[number]": 18446744073709551615})", R"({"page[number]": "99999999999999999999"})",
        R"({"page[number]": true})", R"({"page[size]": "1 OR 1=1"})"}) {
    CAPTURE(params);
    auto query = ListQueryFromJson(ParseOrFail(params));
    REQUIRE_FALSE(query.ok());
    CHECK(query.status().code() == Code::kValidationFailed);
    CHECK(query.status().field().rfind("page[", 0) == 0);
  }
}

TEST_CASE("unknown or mistyped parameters are validation_failed naming them") {
  auto fails = [](std::string_view params, std::string_view field) {
    CAPTURE(params);
    auto query = ListQueryFromJson(ParseOrFail(params));
    REQUIRE_FALSE(query.ok());
    CheckInvalid(query.status(), field);
  };
  fails(R"({"colour": "red"})", "colour");
  fails(R"({"page": {"count": 1}})", "page[count]");
  fails(R"({"parent_status": "open"})", "parent_status");
  fails(R"({"priority": "urgent"})", "priority");
  fails(R"({"waiting_for": "me"})", "waiting_for");
  fails(R"({"archived": "maybe"})", "archived");
  fails(R"({"status": 1})", "status");
  fails(R"({"filter": "{not json"})", "filter");
  auto not_object = ListQueryFromJson(ParseOrFail("[1]"));
  CHECK(not_object.status().code() == Code::kValidationFailed);
  // null means not given.
  auto nulls = ListQueryFromJson(ParseOrFail(R"({"status": null, "page[size]": null})"));
  REQUIRE(nulls.ok());
  CHECK_FALSE(nulls->status.has_value());
  CHECK(nulls->page_size == 10);
}

// ------------------------------------------------------------- cursors

// Follows next_cursor from the first page to the end.
std::vector<std::string> Walk(ListFixture& fx, ListQuery query, int& pages) {
  std::vector<std::string> ids;
  pages = 0;
  for (;;) {
    CasePage page = fx.List(query);
    ++pages;
    for (const Case& c : page.cases) ids.push_back(c.id);
    if (!page.next_cursor) break;
    query.after = page.next_cursor;
    REQUIRE(pages < 1000);
  }
  return ids;
}

// Walking `sort` by cursor, `page_size` cases a page, yields the cases of
// the one-page listing in its order, in `pages` pages.
void CheckWalkMatchesOnePage(ListFixture& fx, const char* sort, std::int64_t page_size, int pages) {
  CAPTURE(sort);
  ListQuery all;
  all.sort = sort;
  all.page_size = 100;
  std::vector<std::string> expected;
  for (const Case& c : fx.List(all).cases) expected.push_back(c.id);
  ListQuery paged;
  paged.sort = sort;
  paged.page_size = page_size;
  int walked = 0;
  CHECK(Walk(fx, paged, walked) == expected);
  CHECK(walked == pages);
}

TEST_CASE("cursor pages neither skip nor repeat while cases are added between pages") {
  ListFixture fx;
  std::vector<std::string> before;
  for (int i = 0; i < 23; ++i) before.push_back(fx.Make(R"({"title": "old"})").id);
  for (const char* sort : {"-created_at", "created_at", "title", "-updated_at"}) {
    CAPTURE(sort);
    ListQuery query;
    query.page_size = 5;
    query.sort = sort;
    std::vector<std::string> seen, added;
    for (;;) {
      CasePage page = fx.List(query);
      for (const Case& c : page.cases) seen.push_back(c.id);
      // Someone adds a case between two pages.
      added.push_back(fx.Make(R"({"title": "new"})").id);
      if (!page.next_cursor) break;
      query.after = page.next_cursor;
    }
    std::set<std::string> distinct(seen.begin(), seen.end());
    CHECK(distinct.size() == seen.size());  // nothing repeated
    for (const std::string& id : before) CHECK(distinct.count(id) == 1);  // nothing skipped
    before.insert(before.end(), added.begin(), added.end());
  }
}

TEST_CASE("a cursor page reports its position; the last page has no cursor") {
  ListFixture fx;
  for (int i = 0; i < 12; ++i) fx.Make(R"({"title": "c"})");
  ListQuery query = Query(R"({"page[size]": 5})");
  CasePage first = fx.List(query);
  REQUIRE(first.next_cursor);
  query.after = first.next_cursor;
  CasePage second = fx.List(query);
  CHECK(second.meta.current_page == 2);
  CHECK(second.meta.total_count == 12);
  CHECK(second.meta.total_pages == 3);
  CHECK(second.cases.size() == 5);
  // The same rows as page 2 by number.
  CasePage numbered = fx.List(Query(R"({"page[size]": 5, "page[number]": 2})"));
  CHECK(Titles(second) == Titles(numbered));
  CHECK(second.cases.front().id == numbered.cases.front().id);
  query.after = second.next_cursor;
  CasePage third = fx.List(query);
  CHECK(third.cases.size() == 2);
  CHECK(third.meta.current_page == 3);
  CHECK_FALSE(third.next_cursor.has_value());
}

TEST_CASE("a cursor page numbers itself from the cursor, without counting the rows before it") {
  ListFixture fx;
  for (int i = 0; i < 12; ++i) fx.Make(R"({"title": "c"})");
  ListQuery query = Query(R"({"page[size]": 5})");
  query.after = fx.List(query).next_cursor;
  REQUIRE(query.after);
  CompiledList plan = CompileList(query);
  CHECK(plan.cursor_position == 5);
  CHECK(plan.count.sql.find("CASE WHEN") == std::string::npos);
}

TEST_CASE("a cursor without a position (from an earlier version) still numbers its page") {
  ListFixture fx;
  for (int i = 0; i < 12; ++i) fx.Make(R"({"title": "c"})");
  ListQuery query = Query(R"({"page[size]": 5})");
  CasePage first = fx.List(query);
  const Case& last = first.cases.back();
  query.after = EncodeCursor("-created_at", Millis(last.created_at), *UuidFromString(last.id),
                             std::nullopt);
  CasePage second = fx.List(query);
  CHECK(second.meta.current_page == 2);
  CHECK(second.meta.total_count == 12);
  CHECK(second.cases.size() == 5);
  REQUIRE(second.next_cursor);
  query.after = second.next_cursor;
  CHECK(fx.List(query).meta.current_page == 3);
}

TEST_CASE("cursors walk sorts with absent values and data keys, both ways") {
  ListFixture fx;
  for (int i = 0; i < 9; ++i) {
    std::string reference = i % 3 == 0 ? "null" : "\"R" + std::to_string(i % 4) + "\"";
    std::string amount = i % 2 == 0 ? "" : R"(, "schema": [{"key": "n", "type": "number",
        "name": "N", "value": )" + std::to_string(i % 5) + "}]";
    fx.Make(R"({"title": "t)" + std::to_string(i) + R"(", "reference": )" + reference + amount +
            "}");
  }
  for (const char* sort : {"reference", "-reference", "data.n", "-data.n", "priority",
                           "-resolved_at", "parent_status", "-title"})
    CheckWalkMatchesOnePage(fx, sort, 2, 5);
}

TEST_CASE("cursors after real-number keys are exact") {
  ListFixture fx;
  for (const char* value : {"0.1", "0.30000000000000004", "0.3", "1e-300", "2.5", "2.5",
                            "-7.25", "123456789.123456789"}) {
    fx.Make(R"({"title": "r", "schema": [{"key": "x", "type": "number", "name": "X",
                "value": )" + std::string(value) + "}]}");
  }
  for (const char* sort : {"data.x", "-data.x"}) CheckWalkMatchesOnePage(fx, sort, 1, 8);
}

TEST_CASE("a cursor combines with filters and q") {
  Seeded fx;
  ListQuery query = Query(R"({"page[size]": 1, "q": "claim", "archived": false})");
  int pages = 0;
  std::vector<std::string> ids = Walk(fx, query, pages);
  CHECK(ids == std::vector<std::string>{fx.beta.id, fx.alpha.id});
}

TEST_CASE("a tampered, foreign or misused cursor is validation_failed naming after") {
  ListFixture fx;
  for (int i = 0; i < 3; ++i) fx.Make(R"({"title": "c"})");
  CasePage first = fx.List(Query(R"({"page[size]": 1})"));
  REQUIRE(first.next_cursor);
  const std::string cursor = *first.next_cursor;
  std::vector<std::string> bad = {"", "x", "!!!!", cursor + "A", cursor.substr(1),
                                  cursor.substr(0, cursor.size() - 1), std::string(5000, 'A'),
                                  "' OR 1=1 --"};
  for (std::size_t i = 0; i < cursor.size(); i += 7) {
    std::string flipped = cursor;
    flipped[i] = flipped[i] == 'A' ? 'B' : 'A';
    bad.push_back(flipped);
  }
  for (const std::string& after : bad) {
    CAPTURE(after);
    ListQuery query = Query(R"({"page[size]": 1})");
    query.after = after;
    CheckInvalid(fx.Fails(query), "after");
  }
  // Made for another sort.
  ListQuery other = Query(R"({"page[size]": 1, "sort": "title"})");
  other.after = cursor;
  CheckInvalid(fx.Fails(other), "after");
  // With a page number.
  ListQuery numbered = Query(R"({"page[size]": 1, "page[number]": 2})");
  numbered.after = cursor;
  CheckInvalid(fx.Fails(numbered), "page[number]");
  // A forged cursor with a well-formed checksum but a key of the wrong type.
  std::string forged = EncodeCursor("-created_at", std::string("text"), Uuid{}, 0);
  ListQuery wrong = Query(R"({"page[size]": 1})");
  wrong.after = forged;
  CheckInvalid(fx.Fails(wrong), "after");
}

// ------------------------------------------------------------- kept counts

// The total of `params` as the list reports it, and as a count of the
// cases a filter on something else too (never from the kept counts) finds.
void CheckTotal(ListFixture& fx, std::string_view params, std::int64_t expected,
                const ReadOptions& options = {}) {
  CAPTURE(params);
  ListQuery query = Query(params);
  REQUIRE(CompileList(query).count.sql.find("case_counts") != std::string::npos);
  CHECK(fx.List(query, options).meta.total_count == expected);
}

TEST_CASE("totals of status and parent_status pages stay exact through every kind of change") {
  ListFixture fx;
  std::vector<Case> cases;
  for (int i = 0; i < 5; ++i) cases.push_back(fx.Make(R"({"title": "c"})"));
  fx.Make(R"({"title": "elsewhere"})", In("other"));
  CheckTotal(fx, "{}", 5);
  CheckTotal(fx, R"({"parent_status": "draft"})", 5);
  TransitionRequest start;
  start.to = "in_progress";
  REQUIRE(fx.engine->Transition(cases[0].id, start).ok());
  REQUIRE(fx.engine->Transition(cases[1].id, start).ok());
  TransitionRequest close;
  close.to = "closed";
  REQUIRE(fx.engine->Transition(cases[1].id, close).ok());
  REQUIRE(fx.engine->Archive(cases[2].id).ok());
  CheckTotal(fx, "{}", 4);
  CheckTotal(fx, R"({"archived": true})", 1);
  CheckTotal(fx, R"({"parent_status": "draft"})", 2);
  CheckTotal(fx, R"({"parent_status": "in_progress"})", 1);
  CheckTotal(fx, R"({"status": "closed"})", 1);
  CheckTotal(fx, R"({"status": "closed", "parent_status": "closed"})", 1);
  CheckTotal(fx, R"({"status": "closed", "parent_status": "draft"})", 0);
  CheckTotal(fx, R"({"parent_status": "draft"})", 1, ReadIn("other"));
  REQUIRE(fx.engine->Unarchive(cases[2].id).ok());
  CheckTotal(fx, R"({"parent_status": "draft"})", 3);
  CheckTotal(fx, R"({"archived": true})", 0);
}

TEST_CASE("a total from the kept counts agrees with counting the cases") {
  Seeded fx;
  for (const char* params : {R"({})", R"({"parent_status": "pending"})", R"({"status": "draft"})",
                             R"({"archived": true})"}) {
    CAPTURE(params);
    ListQuery counted = Query(params);
    // The same filters through the advanced filter: never the kept counts.
    ListQuery counting = counted;
    boost::json::array all{boost::json::object{
        {"field", "archived"}, {"op", "eq"}, {"value", counted.archived}}};
    if (counted.status)
      all.push_back(boost::json::object{{"field", "status"}, {"op", "eq"}, {"value", *counted.status}});
    if (counted.parent_status)
      all.push_back(boost::json::object{{"field", "parent_status"}, {"op", "eq"},
                                        {"value", ParentStatusName(*counted.parent_status)}});
    counting.filter = boost::json::object{{"and", all}};
    REQUIRE(CompileList(counting).count.sql.find("case_counts") == std::string::npos);
    CHECK(fx.List(counted).meta.total_count == fx.List(counting).meta.total_count);
  }
}

TEST_CASE("the kept counts follow cases that another program changes or deletes") {
  ListFixture fx;
  for (int i = 0; i < 4; ++i) fx.Make(R"({"title": "c"})");
  {
    testing::RawDatabase raw(fx.path());
    if (!testing::OnPostgres()) raw.Exec("PRAGMA foreign_keys = ON");
    raw.Exec("UPDATE cases SET status = 'pending', parent_status = 'pending' "
             "WHERE id = (SELECT min(id) FROM cases)");
    raw.Exec("DELETE FROM cases WHERE id = (SELECT max(id) FROM cases)");
  }
  CheckTotal(fx, "{}", 3);
  CheckTotal(fx, R"({"parent_status": "pending"})", 1);
  CheckTotal(fx, R"({"parent_status": "draft"})", 2);
}

TEST_CASE("other filters, q and the advanced filter count their matches") {
  for (const char* params : {R"({"tag": "water"})", R"({"q": "water"})",
                             R"({"status": "draft", "reference": "REF-1"})",
                             R"({"filter": {"parent_status": "pending"}})"}) {
    CAPTURE(params);
    CHECK(CompileList(Query(params)).count.sql.find("case_counts") == std::string::npos);
  }
}

// ------------------------------------------------------------- search

TEST_CASE("q searches title, description, reference and contact names") {
  Seeded fx;
  CHECK(fx.Find(R"({"q": "water"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"q": "KITCHEN"})") == Names{kAlpha});
  CHECK(fx.Find(R"({"q": "ref-2"})") == Names{kBeta});
  CHECK(fx.Find(R"({"q": "peeters"})") == Names{kBeta});
  CHECK(fx.Find(R"({"q": "claim"})") == Sorted({kAlpha, kBeta}));
  CHECK(fx.Find(R"({"q": "cla fi"})") == Names{kBeta});  // every word, as a prefix
  CHECK(fx.Find(R"({"q": "claim theft"})").empty());
  CHECK(fx.Find(R"({"q": "   "})").size() == 3);  // blank: no search
  CHECK(fx.Find(R"({"q": "water", "archived": true})").empty());
  CHECK(fx.Find(R"({"q": "claim", "tag": "fire"})") == Names{kBeta});
}

TEST_CASE("q ignores case and diacritics") {
  ListFixture fx;
  fx.Make(R"({"title": "Dossier Élodie Müller"})");
  CHECK(Titles(fx.List(Query(R"({"q": "elodie muller"})"))) == Names{"Dossier Élodie Müller"});
  CHECK(Titles(fx.List(Query(R"({"q": "ÉLODIE"})"))) == Names{"Dossier Élodie Müller"});
}

TEST_CASE("q follows a title change in the same transaction") {
  Seeded fx;
  auto patched = fx.engine->Patch(fx.gamma.id, testing::ObjectOf(R"({"title": "Gamma flood"})"));
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(Titles(fx.List(Query(R"({"q": "flood"})"))) == Names{"Gamma flood"});
  CHECK(fx.List(Query(R"({"q": "theft"})")).cases.empty());
}

TEST_CASE("q follows a contact's name filled from another case") {
  ListFixture fx;
  Case first = fx.Make(R"({"title": "First",
      "contacts": [{"key": "client", "email": "zoe@example.com"}]})");
  CHECK(fx.List(Query(R"({"q": "zoe"})")).cases.empty());
  // A second case offers the name: the shared contact takes it, and the
  // first case is found by it too.
  fx.Make(R"({"title": "Second",
      "contacts": [{"key": "client", "email": "zoe@example.com", "name": "Zoé Martin",
                    "given_name": "Zoé", "family_name": "Martin"}]})");
  CHECK(Sorted(Titles(fx.List(Query(R"({"q": "zoe martin"})")))) == Names{"First", "Second"});
}

TEST_CASE("q forgets a case deleted behind casework's back" *
          doctest::skip(testing::SqliteOnly())) {
  Seeded fx;
  {
    SQLite::Database raw(fx.path(), SQLite::OPEN_READWRITE);
    raw.exec("PRAGMA foreign_keys = ON");
    SQLite::Statement del(raw, "DELETE FROM cases WHERE title = 'Beta fire claim'");
    CHECK(del.exec() == 1);
    CHECK(raw.execAndGet("SELECT count(*) FROM case_search_pending").getInt() == 1);
  }
  CHECK(fx.List(Query(R"({"q": "peeters"})")).cases.empty());
  SQLite::Database raw(fx.path(), SQLite::OPEN_READONLY);
  CHECK(raw.execAndGet("SELECT count(*) FROM case_search_pending").getInt() == 0);
  CHECK(raw.execAndGet("SELECT count(*) FROM case_search WHERE case_search MATCH 'peeters'")
            .getInt() == 0);
  CHECK(raw.execAndGet("SELECT count(*) FROM case_search").getInt() ==
        raw.execAndGet("SELECT count(*) FROM cases").getInt());
}

// casework has no operation that moves a case between workspaces (a
// payload's workspace is read-only); another program may.
TEST_CASE("q finds a case moved to another workspace behind casework's back only there" *
          doctest::skip(testing::SqliteOnly())) {
  Seeded fx;
  {
    SQLite::Database raw(fx.path(), SQLite::OPEN_READWRITE);
    SQLite::Statement move(raw,
        "UPDATE cases SET workspace_id = (SELECT id FROM workspaces WHERE slug = 'other') "
        "WHERE title = 'Beta fire claim'");
    CHECK(move.exec() == 1);
  }
  CHECK(fx.List(Query(R"({"q": "peeters"})")).cases.empty());
  CHECK(Titles(fx.List(Query(R"({"q": "peeters"})"), ReadIn("other"))) == Names{"Beta fire claim"});
}

TEST_CASE("FTS syntax in q is only text") {
  Seeded fx;
  for (const char* q : {"\"", "water\"", "water*", "NEAR(water claim)", "water OR fire",
                        "-water", "title:water", "^water", "(", "a AND", "*", "'; DROP TABLE cases; --",
                        "\xe2\x80\x94", "\" OR 1=1 --", "{title}: x"}) {
    CAPTURE(q);
    ListQuery query;
    query.q = q;
    auto page = fx.engine->List(query);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    for (const Case& c : page->cases) CHECK(c.workspace.slug == "default");
  }
  ListQuery query;
  query.q = "water OR fire";  // three words, all required: "or" matches nothing
  CHECK(fx.List(query).cases.empty());
  query.q = std::string(1001, 'a');
  CheckInvalid(fx.Fails(query), "q");
  query.q = std::string(33 * 2, ' ');
  for (int i = 0; i < 33; ++i) (*query.q)[2 * i] = 'a';
  CheckInvalid(fx.Fails(query), "q");
}

TEST_CASE("a version-3 database gets its existing cases indexed by the migration" *
          doctest::skip(testing::SqliteOnly())) {
  testing::TempDir dir;
  const std::string path = dir.file("v3.db");
  {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    storage::Migrate(db, 3);
    db.exec(R"sql(
      INSERT INTO contacts (id, uuid, workspace_id, email, name, given_name, family_name)
        VALUES (1, x'018bcfe568007000800000000000c001', 1, 'ines@example.com', 'Inès Durand',
                'Inès', 'Durand');
      INSERT INTO cases (id, uuid, workspace_id, title, description, reference, status,
                         parent_status, waiting_for, metadata, closure_conditions, created_at,
                         updated_at, version)
        VALUES (1, x'018bcfe5680070008000000000000001', 1, 'Old storm claim', 'Roof', 'OLD-7',
                'draft', 'draft', 'none', '{}', '[]', 1700000000000, 1700000000000, 1);
      INSERT INTO case_contacts (case_id, key, position, contact_id) VALUES (1, 'client', 0, 1);
    )sql");
  }
  auto opened = Engine::Open(FastOptions(), path);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  for (const char* q : {"storm", "roof", "old-7", "durand", "ines"}) {
    CAPTURE(q);
    ListQuery query;
    query.q = q;
    auto page = (*opened)->List(query);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    CHECK(Titles(*page) == Names{"Old storm claim"});
  }
}

// ------------------------------------------------------------- injection

const char* const kHostile[] = {
    "' OR '1'='1",
    "x'; DROP TABLE cases; --",
    "\" OR \"\"=\"",
    "1) UNION SELECT id, uuid, title FROM cases --",
    "/* comment */ pending",
    "pending; DELETE FROM cases",
    "%",
    "_",
    "\\",
    "REF-1' --",
};

TEST_CASE("injection attempts in every string filter find nothing and change nothing") {
  Seeded fx;
  const char* params[] = {"status",       "reference",           "owner[email]",
                          "tag",          "contact[given_name]", "contact[family_name]",
                          "contact[email]", "assignee[email]",   "q"};
  for (const char* attack : kHostile) {
    for (const char* param : params) {
      CAPTURE(attack);
      CAPTURE(param);
      json::object o;
      o[param] = attack;
      auto query = ListQueryFromJson(o);
      REQUIRE(query.ok());
      auto page = fx.engine->List(*query);
      REQUIRE_MESSAGE(page.ok(), page.status().ToString());
      CHECK(page->meta.total_count == static_cast<std::int64_t>(page->cases.size()));
      for (const Case& c : page->cases) CHECK(c.workspace.slug == "default");
      if (std::string_view(param) != "q") CHECK(page->cases.empty());
      // No byte of the value reaches the SQL text.
      CompiledList plan = CompileList(*query);
      if (std::string_view(attack).size() > 3) {
        CHECK(plan.count.sql.find(attack) == std::string::npos);
        CHECK(plan.page.sql.find(attack) == std::string::npos);
      }
    }
    for (const char* param : {"owner[id]", "template[id]", "workspace[id]"}) {
      CAPTURE(param);
      json::object o;
      o[param] = attack;
      auto query = ListQueryFromJson(o);
      REQUIRE(query.ok());
      auto page = fx.engine->List(*query);
      REQUIRE_FALSE(page.ok());
      CHECK(page.status().code() != Code::kStorageError);
    }
    // Filters of a fixed set of values or of times refuse them, naming the
    // parameter.
    for (const char* param : {"parent_status", "waiting_for", "priority", "archived",
                              "created_at[after]", "updated_at[before]", "page[size]"}) {
      CAPTURE(param);
      json::object o;
      o[param] = attack;
      auto query = ListQueryFromJson(o);
      REQUIRE_FALSE(query.ok());
      CHECK(query.status().code() == Code::kValidationFailed);
      CHECK(query.status().field() == param);
    }
    // In the advanced filter, as a value and as a field name or key.
    ListQuery by_value = Filter("{}");
    by_value.filter = json::object{{"title", attack}};
    CHECK(fx.List(by_value).cases.empty());
    ListQuery by_field = Filter("{}");
    by_field.filter = json::object{{"field", attack}, {"op", "eq"}, {"value", 1}};
    CheckInvalid(fx.Fails(by_field), "filter.field");
    ListQuery by_key = Filter("{}");
    by_key.filter = json::object{{std::string("data.") + attack, 1}};
    auto keyed = fx.engine->List(by_key);  // "data._" is a valid key
    if (keyed.ok())
      CHECK(keyed->cases.empty());
    else
      CHECK(keyed.status().code() == Code::kValidationFailed);
    ListQuery by_sort;
    by_sort.sort = attack;
    CheckInvalid(fx.Fails(by_sort), "sort");
  }
  CHECK(fx.List({}).meta.total_count == 3);
}

// ------------------------------------------------------------- plans

// EXPLAIN QUERY PLAN of a compiled statement, one line per step.
std::string PlanOf(const std::string& path, const SqlText& statement) {
  auto db = storage::Connection::Open(path, FastOptions());
  auto explain = db->UseDynamic("EXPLAIN QUERY PLAN " + statement.sql);
  BindAll(explain, statement.params, 1);
  std::string plan;
  while (explain.Step()) plan += explain.Text(3) + "\n";
  return plan;
}

struct ExpectedPlan {
  const char* params;
  const char* index;        // what must drive the page (and the count)
  const char* count_index = nullptr;  // when the count may differ
};

TEST_CASE("the common filters use an index, never a scan of cases" *
          doctest::skip(testing::SqliteOnly())) {
  Seeded fx;
  const ExpectedPlan expected[] = {
      // The workspace, a status or a parent status alone: the total is
      // the sum of a few kept counts, not a count of cases.
      {R"({})", "USING COVERING INDEX cases_list_created (workspace_id=?)",
       "SEARCH case_counts USING PRIMARY KEY (workspace_id=? AND archived=?)"},
      {R"({"parent_status": "pending"})",
       "USING COVERING INDEX cases_list_parent_status (workspace_id=? AND parent_status=?)",
       "SEARCH case_counts USING PRIMARY KEY (workspace_id=? AND archived=? AND parent_status=?)"},
      {R"({"status": "pending"})",
       "USING COVERING INDEX cases_list_status (workspace_id=? AND status=?)",
       "SEARCH case_counts USING PRIMARY KEY (workspace_id=? AND archived=?)"},
      {R"({"reference": "REF-1"})", "USING INDEX cases_by_reference (workspace_id=? AND reference=?)"},
      {R"({"template[id]": "018c7a9e-3d2f-7b4a-9c1e-5f6a7b8c9d0e"})",
       "USING INDEX cases_by_template (workspace_id=? AND template_uuid=?)"},
      {R"({"owner[email]": "ann@x.org"})", "USING INDEX cases_by_owner (owner_id=?)"},
      {R"({"contact[email]": "marie.dupont@example.com"})", "contacts_by_email"},
      {R"({"contact[family_name]": "Dupont"})", "contacts_by_family_name"},
      {R"({"assignee[email]": "bob@x.org"})", "case_assignees_by_user"},
      {R"({"tag": "water"})", "case_tags_by_tag"},
      {R"({"created_at[after]": "2024-01-01", "created_at[before]": "2024-02-01"})",
       "cases_list_created (workspace_id=? AND created_at>? AND created_at<?)"},
      {R"({"updated_at[after]": "2024-01-01"})",
       "cases_list_updated (workspace_id=? AND updated_at>?)"},
      {R"({"q": "water"})", "case_search VIRTUAL TABLE"},
      {R"({"filter": {"data.policy": "POL-778"}})",
       "USING COVERING INDEX case_fields_by_value (key=? AND typed_value=? AND type=?)"},
      {R"({"parent_status": "pending", "contact[email]": "marie.dupont@example.com"})",
       "contacts_by_email"},
      {R"({"status": "pending", "reference": "REF-1", "tag": "water"})", "case_tags_by_tag"},
  };
  for (const ExpectedPlan& e : expected) {
    CAPTURE(e.params);
    CompiledList plan = CompileList(Query(e.params));
    for (const SqlText* statement : {&plan.count, &plan.page}) {
      std::string text = PlanOf(fx.path(), *statement);
      CAPTURE(statement->sql);
      CAPTURE(text);
      const char* index = statement == &plan.count && e.count_index ? e.count_index : e.index;
      CHECK(text.find(index) != std::string::npos);
      CHECK(text.find("SCAN c\n") == std::string::npos);
      CHECK(text.find("SCAN c ") == std::string::npos);
    }
  }
}

TEST_CASE("a data range given as two leaves reads the index from bound to bound" *
          doctest::skip(testing::SqliteOnly())) {
  Seeded fx;
  CHECK(fx.Where(R"({"and": [{"field": "data.amount", "op": "gte", "value": 95},
                             {"field": "data.amount", "op": "lt", "value": 1000}]})") ==
        Names{kAlpha});
  CHECK(fx.Where(R"({"and": [{"field": "data.amount", "op": "gt", "value": 80},
                             {"field": "data.amount", "op": "lte", "value": 100}]})") ==
        Sorted({kAlpha, kBeta}));
  // Bounds of two kinds of value are not one range: each keeps its own meaning.
  CHECK(fx.Where(R"({"and": [{"field": "data.amount", "op": "gte", "value": 95},
                             {"field": "data.amount", "op": "lt", "value": "z"}]})").empty());

  CompiledList plan = CompileList(Query(R"({"filter": {"and": [
      {"field": "data.amount", "op": "gte", "value": 95},
      {"field": "data.amount", "op": "lt", "value": 1000}]}})"));
  for (const SqlText* statement : {&plan.count, &plan.page}) {
    std::string text = PlanOf(fx.path(), *statement);
    CAPTURE(text);
    CHECK(text.find("COVERING INDEX case_fields_by_value (key=? AND typed_value>? AND typed_value<?)") !=
          std::string::npos);
    CHECK(text.find("case_fields") == text.rfind("case_fields"));  // one subquery
  }
}

TEST_CASE("linked-row filters drive the plan through the case ids they select" *
          doctest::skip(testing::SqliteOnly())) {
  Seeded fx;
  for (const char* params : {R"({"contact[email]": "marie.dupont@example.com"})",
                             R"({"tag": "water", "parent_status": "pending"})",
                             R"({"q": "water", "status": "pending"})"}) {
    CAPTURE(params);
    CompiledList plan = CompileList(Query(params));
    std::string text = PlanOf(fx.path(), plan.page);
    CAPTURE(text);
    CHECK(text.find("SEARCH c USING INTEGER PRIMARY KEY (rowid=?)") != std::string::npos);
  }
}

TEST_CASE("the default page and a cursor page read the index in order, without sorting" *
          doctest::skip(testing::SqliteOnly())) {
  ListFixture fx;
  for (int i = 0; i < 3; ++i) fx.Make(R"({"title": "c"})");
  CasePage first = fx.List(Query(R"({"page[size]": 1})"));
  ListQuery next = Query(R"({"page[size]": 1})");
  next.after = first.next_cursor;
  for (const ListQuery& query : {Query("{}"), next, Query(R"({"parent_status": "draft"})")}) {
    CompiledList plan = CompileList(query);
    std::string text = PlanOf(fx.path(), plan.page);
    CAPTURE(text);
    CHECK(text.find("TEMP B-TREE") == std::string::npos);
  }
  std::string text = PlanOf(fx.path(), CompileList(next).page);
  CHECK(text.find("(workspace_id=? AND (created_at,uuid)<(?,?))") != std::string::npos);
}

TEST_CASE("dynamic statements are cached by text and bounded") {
  Seeded fx;
  // More distinct filters than the cache holds: all still answer.
  for (int i = 0; i < 300; ++i) {
    ListQuery query;
    query.page_size = 1 + i % 100;
    query.sort = i < 150 ? "title" : "-created_at";
    std::string filter = R"({"or": [)";
    for (int j = 0; j <= i % 150; ++j) filter += std::string(j ? "," : "") + R"({"status": "s"})";
    query.filter = ParseOrFail(filter + "]}");
    auto page = fx.engine->List(query);
    REQUIRE_MESSAGE(page.ok(), i << ": " << page.status().ToString());
  }
  CHECK(fx.List({}).meta.total_count == 3);
}

}  // namespace
}  // namespace casework

// The PostgreSQL dialect of list queries (listing/pg_sql.h) against a real
// server (pg_main.cc): every kind of filter, sort and cursor compiles to
// statements the server accepts; on a few cases inserted row by row the
// pages hold the expected cases, in the expected order, with the expected
// counts and plans; and on cases the engine made on SQLite, copied row for
// row, both backends list the same cases in the same order.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <boost/json.hpp>

#include "casework/casework.h"
#include "casework/listing.h"
#include "casework/status.h"
#include "fixture.h"
#include "listing.h"
#include "listing/filter.h"
#include "listing/pg_sql.h"
#include "pg_fixture.h"
#include "storage/pg/connection.h"
#include "storage/pg/migrations.h"
#include "uuid.h"

namespace pg = casework::storage::pg;
namespace json = boost::json;
using casework::CompiledList;
using casework::ListQuery;
using casework::SqlText;
using casework::SqlValue;
using casework::Uuid;

namespace {

using Names = std::vector<std::string>;

// ---- Queries and statements ----

ListQuery Query(std::string_view params) {
  auto query = casework::ListQueryFromJson(json::parse(params));
  REQUIRE_MESSAGE(query.ok(), query.status().ToString());
  return std::move(query).value();
}

// A query with the advanced filter `filter` (JSON text).
ListQuery Filter(std::string_view filter) {
  ListQuery query;
  query.filter = json::parse(filter);
  query.page_size = 100;
  return query;
}

CompiledList Compile(const ListQuery& query) {
  return casework::listing::PostgresList(casework::listing::DescribeList(query));
}

pg::Params ParamsOf(const std::vector<SqlValue>& values, std::int64_t workspace) {
  pg::Params params;
  for (const SqlValue& value : values) {
    if (auto i = std::get_if<std::int64_t>(&value))
      params.Add(*i);
    else if (auto d = std::get_if<double>(&value))
      params.Add(*d);
    else if (auto s = std::get_if<std::string>(&value))
      params.Add(std::string_view(*s));
    else if (auto u = std::get_if<Uuid>(&value))
      params.Add(casework::UuidToString(*u));
    else if (std::holds_alternative<casework::WorkspaceParam>(value))
      params.Add(workspace);
    else
      params.AddNull();
  }
  return params;
}

pg::Rows Run(pg::Connection& db, const SqlText& statement, std::int64_t workspace) {
  return db.RunDynamic(statement.sql, ParamsOf(statement.params, workspace));
}

// The sort key of a page row, read as its type tag (column 3) says.
SqlValue KeyAt(const pg::Rows& rows, int row) {
  if (rows.IsNull(row, 3)) {
    CHECK(rows.IsNull(row, 2));
    return nullptr;
  }
  const std::string_view tag = rows.View(row, 3);
  if (tag == "i") return rows.Int(row, 2);
  if (tag == "f") return rows.Double(row, 2);
  REQUIRE(tag == "t");
  return rows.Text(row, 2);
}

// ---- Databases ----

struct Migrated {
  Migrated() : db(pgtest::Connect(fresh.uri())) {
    pg::Migrate(*db);
    workspace = db->RunDynamic("SELECT id FROM workspaces WHERE slug = 'default'").Int(0, 0);
  }
  pgtest::FreshDatabase fresh;
  std::unique_ptr<pg::Connection> db;
  std::int64_t workspace = 0;
};

// cases.search as the engine keeps it: title, description, reference and
// the contacts' names, unaccented, in the 'simple' configuration.
void IndexSearch(pg::Connection& db) {
  db.RunDynamic(
      "UPDATE cases c SET search = to_tsvector('simple', unaccent(concat_ws(' ', c.title, "
      "c.description, c.reference, (SELECT string_agg(concat_ws(' ', ct.name, ct.given_name, "
      "ct.family_name), ' ') FROM case_contacts cc JOIN contacts ct ON ct.workspace_id = "
      "cc.workspace_id AND ct.id = cc.contact_id WHERE cc.workspace_id = c.workspace_id AND "
      "cc.case_id = c.id))))");
}

// One case's row in cases; the rest is added by the Populated helpers.
struct CaseRow {
  const char* name;  // the test's name for it
  const char* uuid;
  const char* title;
  std::optional<const char*> description, reference;
  const char* status;
  const char* parent_status;
  std::optional<const char*> priority;
  std::int64_t created_at;
  std::optional<std::int64_t> archived_at;
};

// Cases inserted directly, in the default workspace and in another one
// whose look-alikes must never show.
//
//   name uuid  title               reference priority created amount     tags
//   A    ..01  Alpha water claim   REF-1     high     1000    1200       water vip
//   B    ..02  Beta                -         -        2000    80.5       water
//   C    ..03  Beta                REF-3     low      3000    1500 (int) -
//   D    ..04  alpha lowercase     -         -        4000    "n/a"      -
//   E    ..05  Echo (archived)     REF-5     -        5000    -          water
//   F    ..06  Foxtrot (closed)    REF-6     critical 6000    -          -
struct Populated : Migrated {
  Populated() {
    other = db->RunDynamic(
                  "INSERT INTO workspaces (uuid, slug, name, created_at) VALUES "
                  "('0190a000-0000-7000-8000-0000000000ff', 'other', 'Other', 0) RETURNING id")
                .Int(0, 0);
    const std::int64_t a = Add(
        workspace, {"A", "0190a000-0000-7000-8000-000000000001", "Alpha water claim",
                    "Kitchen ceiling", "REF-1", "pending", "pending", "high", 1000, std::nullopt});
    Tag(workspace, a, "water");
    Tag(workspace, a, "vip");
    Field(workspace, a, "amount", "number", "1200", 1200.0, std::nullopt);
    Field(workspace, a, "policy", "text", "\"POL-778\"", std::nullopt, "POL-778");
    Field(workspace, a, "urgent", "boolean", "true", 1.0, std::nullopt);
    Field(workspace, a, "due", "date", "\"2024-03-01\"", std::nullopt, "2024-03-01");
    Field(workspace, a, "channels", "multi_choice", "[\"email\",\"phone\"]", std::nullopt,
          std::nullopt);
    Contact(workspace, a, "marie.dupont@example.com", "Marie Dupont", "Marie", "Dupont");

    const std::int64_t b =
        Add(workspace, {"B", "0190a000-0000-7000-8000-000000000002", "Beta", "Dégât des eaux",
                        std::nullopt, "review", "in_progress", std::nullopt, 2000, std::nullopt});
    Tag(workspace, b, "water");
    Field(workspace, b, "amount", "number", "80.5", 80.5, std::nullopt);
    Field(workspace, b, "policy", "text", "\"POL-779\"", std::nullopt, "POL-779");
    Field(workspace, b, "incident_at", "datetime", "\"2024-02-01T10:00:00Z\"", 1706781600000.0,
          std::nullopt);
    Contact(workspace, b, "elodie@x.org", "Élodie Martin", "Élodie", "Martin");

    const std::int64_t c =
        Add(workspace, {"C", "0190a000-0000-7000-8000-000000000003", "Beta", std::nullopt, "REF-3",
                        "pending", "pending", "low", 3000, std::nullopt});
    Field(workspace, c, "amount", "integer", "1500", 1500.0, std::nullopt);

    const std::int64_t d = Add(
        workspace, {"D", "0190a000-0000-7000-8000-000000000004", "alpha lowercase", std::nullopt,
                    std::nullopt, "draft", "draft", std::nullopt, 4000, std::nullopt});
    Field(workspace, d, "amount", "text", "\"n/a\"", std::nullopt, "n/a");

    const std::int64_t e =
        Add(workspace, {"E", "0190a000-0000-7000-8000-000000000005", "Echo", "archived water claim",
                        "REF-5", "pending", "pending", std::nullopt, 5000, 5500});
    Tag(workspace, e, "water");

    Add(workspace, {"F", "0190a000-0000-7000-8000-000000000006", "Foxtrot", std::nullopt, "REF-6",
                    "done", "closed", "critical", 6000, std::nullopt});

    // Look-alikes of A and B in the other workspace.
    const std::int64_t x =
        Add(other, {"X", "0190a000-0000-7000-8000-000000000001", "Alpha water claim",
                    "Kitchen ceiling", "REF-1", "pending", "pending", "high", 1500, std::nullopt});
    Tag(other, x, "water");
    Field(other, x, "amount", "number", "1200", 1200.0, std::nullopt);
    Field(other, x, "policy", "text", "\"POL-778\"", std::nullopt, "POL-778");
    Contact(other, x, "marie.dupont@example.com", "Marie Dupont", "Marie", "Dupont");
    Add(other, {"Y", "0190a000-0000-7000-8000-000000000012", "Beta", "Dégât des eaux", std::nullopt,
                "review", "in_progress", std::nullopt, 2500, std::nullopt});
    IndexSearch(*db);
    db->RunDynamic("ANALYZE");
  }

  std::int64_t Add(std::int64_t ws, const CaseRow& row) {
    pg::Params params;
    params.Add(ws).Add(row.uuid).Add(row.title).Add(row.description).Add(row.reference);
    params.Add(row.status).Add(row.parent_status).Add(row.priority).Add(row.created_at);
    params.Add(row.archived_at);
    const std::int64_t id =
        db->Run(
              "INSERT INTO cases (workspace_id, uuid, title, description, reference, status, "
              "parent_status, waiting_for, priority, metadata, closure_conditions, created_at, "
              "updated_at, archived_at, version) VALUES ($1::bigint, $2::uuid, $3, $4, $5, $6, "
              "$7, 'none', $8, '{}', '[]', $9::bigint, $9::bigint, $10::bigint, 1) RETURNING id",
              params)
            .Int(0, 0);
    names[id] = row.name;
    return id;
  }

  void Tag(std::int64_t ws, std::int64_t id, const char* tag) {
    db->Run("INSERT INTO case_tags (workspace_id, case_id, tag) VALUES ($1, $2, $3)",
            pg::Params().Add(ws).Add(id).Add(tag));
  }

  void Field(std::int64_t ws, std::int64_t id, const char* key, const char* type, const char* value,
             std::optional<double> number, std::optional<const char*> text) {
    db->Run(
        "INSERT INTO case_fields (workspace_id, case_id, key, position, type, name, value, "
        "typed_number, typed_text, required) VALUES ($1, $2, $3, 0, $4, $3, $5, "
        "$6::float8, $7, false)",
        pg::Params().Add(ws).Add(id).Add(key).Add(type).Add(value).Add(number).Add(text));
  }

  void Contact(std::int64_t ws, std::int64_t id, const char* email, const char* name,
               const char* given_name, const char* family_name) {
    const std::int64_t contact =
        db->Run(
              "INSERT INTO contacts (workspace_id, uuid, email, name, given_name, family_name) "
              "VALUES ($1, gen_random_uuid(), $2, $3, $4, $5) RETURNING id",
              pg::Params().Add(ws).Add(email).Add(name).Add(given_name).Add(family_name))
            .Int(0, 0);
    db->Run(
        "INSERT INTO case_contacts (workspace_id, case_id, key, position, contact_id) "
        "VALUES ($1, $2, 'client', 0, $3)",
        pg::Params().Add(ws).Add(id).Add(contact));
  }

  // The names of the cases of the page `query` asks for.
  Names Page(const ListQuery& query) {
    const CompiledList plan = Compile(query);
    auto rows = Run(*db, plan.page, workspace);
    Names out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(names.at(rows.Int(i, 0)));
    return out;
  }

  std::int64_t Total(const ListQuery& query) {
    return Run(*db, Compile(query).count, workspace).Int(0, 0);
  }

  // Every case `query` lists, page by page through the cursors, checking
  // on the way what the count says of the rows before each page. With
  // `positions`, the cursors carry them (else the count finds them).
  Names Walk(ListQuery query, bool positions, int& pages) {
    Names out;
    std::int64_t before = 0;
    pages = 0;
    for (;;) {
      REQUIRE(++pages < 50);
      const CompiledList plan = Compile(query);
      auto count = Run(*db, plan.count, workspace);
      if (query.after && !positions) {
        REQUIRE(count.size() == 1);
        CHECK(count.Int(0, 1) == before);
      }
      auto rows = Run(*db, plan.page, workspace);
      const int kept = std::min<int>(rows.size(), static_cast<int>(query.page_size));
      for (int i = 0; i < kept; ++i) out.push_back(names.at(rows.Int(i, 0)));
      before += kept;
      if (rows.size() <= query.page_size) return out;
      const auto id = casework::UuidFromString(rows.View(kept - 1, 1));
      REQUIRE(id.has_value());
      query.after =
          casework::EncodeCursor(plan.sort, KeyAt(rows, kept - 1), *id,
                                 positions ? std::optional<std::int64_t>(before) : std::nullopt);
    }
  }

  std::int64_t other = 0;
  std::map<std::int64_t, std::string> names;
};

ListQuery Sorted(std::string_view sort, std::int64_t page_size = 100) {
  ListQuery query;
  query.sort = std::string(sort);
  query.page_size = page_size;
  return query;
}

// ---- The variety of queries ----

// A sample value of each filter field, and of each data group.
struct Sample {
  const char* field;
  const char* value;  // JSON
};
constexpr Sample kSamples[] = {
    {"id", "\"0190a000-0000-7000-8000-000000000001\""},
    {"title", "\"Beta\""},
    {"description", "\"Kitchen\""},
    {"locale", "\"fr\""},
    {"reference", "\"REF-1\""},
    {"status", "\"pending\""},
    {"parent_status", "\"pending\""},
    {"waiting_for", "\"owner\""},
    {"priority", "\"high\""},
    {"template", "\"0190a000-0000-7000-8000-0000000000aa\""},
    {"version", "1"},
    {"created_at", "\"2024-01-01\""},
    {"updated_at", "\"2024-01-01T10:00:00Z\""},
    {"opened_at", "\"2024-01-01\""},
    {"resolved_at", "\"2024-01-01\""},
    {"archived_at", "\"2024-01-01\""},
    {"archived", "true"},
    {"owner.id", "\"0190a000-0000-7000-8000-0000000000bb\""},
    {"owner.email", "\"Ann@X.org\""},
    {"contact.email", "\"marie.dupont@example.com\""},
    {"contact.name", "\"Marie Dupont\""},
    {"contact.given_name", "\"Marie\""},
    {"contact.family_name", "\"Dupont\""},
    {"contact.phone", "\"+33 1\""},
    {"assignee.email", "\"bob@x.org\""},
    {"tag", "\"water\""},
    {"workspace.id", "\"0190a000-0000-7000-8000-0000000000ff\""},
    {"workspace.slug", "\"default\""},
    {"data.amount", "100"},
    {"data.amount", "80.5"},
    {"data.urgent", "true"},
    {"data.policy", "\"POL-778\""},
    {"data.due", "\"2024-03-01\""},
    {"data.incident_at", "\"2024-02-01T10:00:00Z\""},
    {"data.reported", "\"2024-01-15T07:30:00Z\""},
    {"data.rooms", "\"kitchen\""},
};
constexpr const char* kOps[] = {"eq", "ne", "lt", "lte", "gt", "gte", "in", "nin", "contains"};

// Every field with every operator that applies to it (and a few composite
// filters), as advanced filters.
std::vector<ListQuery> EveryFilter() {
  std::vector<ListQuery> queries;
  auto add = [&](const std::string& filter) {
    try {
      ListQuery query = Filter(filter);
      Compile(query);  // an operator that does not apply to the field is refused
      queries.push_back(std::move(query));
    } catch (const casework::Error& e) {
      REQUIRE_MESSAGE(e.status().code() == casework::Code::kValidationFailed, filter);
    }
  };
  for (const Sample& s : kSamples) {
    const std::string field = std::string("{\"field\": \"") + s.field + "\", \"op\": ";
    for (const char* op : kOps) {
      const bool list = std::string_view(op) == "in" || std::string_view(op) == "nin";
      const std::string value = list ? std::string("[") + s.value + "]" : s.value;
      add(field + "\"" + op + "\", \"value\": " + value + "}");
    }
    add(field + "\"contains\", \"value\": \"a\"}");
    add(field + "\"in\", \"value\": []}");
    add(field + "\"exists\"}");
    add(field + "\"exists\", \"value\": false}");
    add(field + "\"eq\", \"value\": null}");
    add(field + "\"ne\", \"value\": null}");
  }
  add(R"({"data.amount": 1200, "parent_status": "pending"})");
  add(R"({"field": "data.mixed", "op": "in", "value": [1, "a", true, "2024-01-01"]})");
  add(R"({"and": [{"field": "data.amount", "op": "gte", "value": 100},
                  {"field": "data.amount", "op": "lt", "value": 1500}]})");
  add(R"({"and": [{"field": "data.due", "op": "gte", "value": "2024-01-01"},
                  {"field": "data.due", "op": "lt", "value": "2025-01-01"}]})");
  add(R"({"or": [{"field": "tag", "op": "eq", "value": "vip"},
                 {"not": {"field": "title", "op": "contains", "value": "a"}},
                 {"and": [{"field": "priority", "op": "gt", "value": "low"},
                          {"field": "contact.email", "op": "exists"}]}]})");
  add(R"({"not": {"or": []}})");
  add(R"({"and": []})");
  return queries;
}

// Every sort, both ways, without a cursor and after cursors of each kind of
// key it can have, with and without their position.
std::vector<ListQuery> EverySort() {
  const char* sorts[] = {"created_at", "updated_at", "opened_at",     "resolved_at", "title",
                         "reference",  "status",     "parent_status", "priority",    "data.amount"};
  const Uuid id = *casework::UuidFromString("0190a000-0000-7000-8000-000000000002");
  std::vector<ListQuery> queries;
  for (const char* name : sorts)
    for (const char* direction : {"", "-"}) {
      const std::string sort = std::string(direction) + name;
      queries.push_back(Sorted(sort, 2));
      for (const SqlValue& key : {SqlValue(nullptr), SqlValue(std::int64_t{2000}),
                                  SqlValue(std::string("Beta")), SqlValue(80.5)})
        for (std::optional<std::int64_t> position :
             {std::optional<std::int64_t>(3), std::optional<std::int64_t>()}) {
          ListQuery query = Sorted(sort, 2);
          query.after = casework::EncodeCursor(sort, key, id, position);
          try {
            Compile(query);  // keys of another kind are refused: not a variety to run
            queries.push_back(query);
          } catch (const casework::Error&) {
          }
        }
    }
  return queries;
}

// The Penbox parameters, all together, and each search.
std::vector<ListQuery> EveryParameter() {
  return {
      Query(R"({"template[id]": "0190a000-0000-7000-8000-0000000000aa", "status": "pending",
                "parent_status": "pending", "archived": true, "waiting_for": "owner",
                "reference": "REF-1", "owner[id]": "0190a000-0000-7000-8000-0000000000bb",
                "owner[email]": "ann@x.org", "contact[given_name]": "Marie",
                "contact[family_name]": "Dupont", "contact[email]": "marie.dupont@example.com",
                "priority": "high", "tag": "water", "assignee[email]": "bob@x.org",
                "created_at[after]": "2024-01-01", "created_at[before]": "2025-01-01",
                "updated_at[after]": "2024-01-01", "updated_at[before]": "2025-01-01"})"),
      Query(R"({"status": "pending"})"),
      Query(R"({"parent_status": "closed", "archived": true, "page[number]": 3})"),
      Query(R"({"q": "water claim"})"),
      Query(R"({"q": "o'brien \"quoted\" a&b | !c (d) e:* f<->g \\h"})"),
      Query(R"({"q": "..."})"),
      Query(R"({"q": "   "})"),
      Query(R"({"q": "dégât", "tag": "water", "sort": "title"})"),
      Query(R"({"page[number]": 9223372036854775807, "page[size]": 100})"),
  };
}

std::vector<ListQuery> EveryQuery() {
  std::vector<ListQuery> all = EveryFilter();
  for (auto& q : EverySort()) all.push_back(q);
  for (auto& q : EveryParameter()) all.push_back(q);
  return all;
}

// Runs both statements of every query; the server accepts each.
void RunEvery(pg::Connection& db, std::int64_t workspace) {
  for (const ListQuery& query : EveryQuery()) {
    const CompiledList plan = Compile(query);
    CAPTURE(plan.page.sql);
    CHECK_NOTHROW(Run(db, plan.count, workspace));
    CHECK_NOTHROW(Run(db, plan.page, workspace));
  }
}

}  // namespace

TEST_CASE("every filter, sort and cursor compiles to statements the server accepts") {
  CHECK(EveryFilter().size() > 150);
  CHECK(EverySort().size() > 60);
  SUBCASE("on an empty database") {
    Migrated m;
    RunEvery(*m.db, m.workspace);
  }
  SUBCASE("on cases") {
    Populated p;
    RunEvery(*p.db, p.workspace);
  }
}

TEST_CASE("parameters are $1, $2, ... in order, each cast to its value's type") {
  const CompiledList plan = Compile(Filter(
      R"({"and": [{"field": "id", "op": "eq", "value": "0190a000-0000-7000-8000-000000000001"},
                  {"field": "title", "op": "eq", "value": "t"},
                  {"field": "data.amount", "op": "eq", "value": 2}]})"));
  const std::string& sql = plan.page.sql;
  CHECK(sql.find('?') == std::string::npos);
  for (std::size_t n = 1; n <= plan.page.params.size(); ++n)
    CHECK(sql.find("$" + std::to_string(n) + "::") != std::string::npos);
  CHECK(sql.find("$" + std::to_string(plan.page.params.size() + 1)) == std::string::npos);
  CHECK(sql.find("$1::bigint") != std::string::npos);  // the workspace
  CHECK(sql.find("::uuid") != std::string::npos);
  CHECK(sql.find("::text") != std::string::npos);
  CHECK(sql.find("::float8") != std::string::npos);  // the integer 2, as typed_number's type
}

TEST_CASE("the default sort, and created_at both ways, in the SQLite backend's order") {
  Populated p;
  CHECK(p.Page(ListQuery{}) == Names{"F", "D", "C", "B", "A"});
  CHECK(p.Page(Sorted("-created_at")) == Names{"F", "D", "C", "B", "A"});
  CHECK(p.Page(Sorted("created_at")) == Names{"A", "B", "C", "D", "F"});
  CHECK(p.Total(ListQuery{}) == 5);
  ListQuery second = Query(R"({"page[size]": 2, "page[number]": 2})");
  CHECK(p.Page(second) == Names{"C", "B", "A"});  // page_size + 1 rows: a next page exists
  ListQuery past = Query(R"({"page[size]": 2, "page[number]": 9})");
  CHECK(p.Page(past).empty());
}

TEST_CASE("title sorts bytewise, equal titles by id, across cursor pages both ways") {
  Populated p;
  // "alpha" after "Foxtrot": code points, not a locale's order.
  CHECK(p.Page(Sorted("title")) == Names{"A", "B", "C", "F", "D"});
  CHECK(p.Page(Sorted("-title")) == Names{"D", "F", "C", "B", "A"});
  for (bool positions : {true, false}) {
    CAPTURE(positions);
    int pages = 0;
    CHECK(p.Walk(Sorted("title", 2), positions, pages) == Names{"A", "B", "C", "F", "D"});
    CHECK(pages == 3);
    CHECK(p.Walk(Sorted("-title", 2), positions, pages) == Names{"D", "F", "C", "B", "A"});
    CHECK(p.Walk(Sorted("title", 1), positions, pages) == Names{"A", "B", "C", "F", "D"});
    CHECK(pages == 5);
  }
}

TEST_CASE("NULL keys come first ascending and last descending, and cursors cross them") {
  Populated p;
  CHECK(p.Page(Sorted("reference")) == Names{"B", "D", "A", "C", "F"});
  CHECK(p.Page(Sorted("-reference")) == Names{"F", "C", "A", "D", "B"});
  CHECK(p.Page(Sorted("priority")) == Names{"B", "D", "C", "A", "F"});
  CHECK(p.Page(Sorted("-priority")) == Names{"F", "A", "C", "D", "B"});
  CHECK(p.Page(Sorted("parent_status")) == Names{"D", "A", "C", "B", "F"});
  for (bool positions : {true, false})
    for (const char* sort : {"reference", "-reference", "priority", "-priority"})
      for (int size : {1, 2, 3}) {
        CAPTURE(sort);
        CAPTURE(size);
        int pages = 0;
        CHECK(p.Walk(Sorted(sort, size), positions, pages) == p.Page(Sorted(sort)));
      }
}

TEST_CASE("data.<key> sorts none, then numbers, then text, and cursors cross the kinds") {
  Populated p;
  CHECK(p.Page(Sorted("data.amount")) == Names{"F", "B", "A", "C", "D"});
  CHECK(p.Page(Sorted("-data.amount")) == Names{"D", "C", "A", "B", "F"});
  // The keys as the page returns them: 80.5 a double, 1200 an integer.
  const CompiledList plan = Compile(Sorted("data.amount"));
  auto rows = Run(*p.db, plan.page, p.workspace);
  REQUIRE(rows.size() == 5);
  CHECK(KeyAt(rows, 0) == SqlValue(nullptr));
  CHECK(KeyAt(rows, 1) == SqlValue(80.5));
  CHECK(KeyAt(rows, 2) == SqlValue(std::int64_t{1200}));
  CHECK(KeyAt(rows, 3) == SqlValue(std::int64_t{1500}));
  CHECK(KeyAt(rows, 4) == SqlValue(std::string("n/a")));
  for (bool positions : {true, false})
    for (const char* sort : {"data.amount", "-data.amount", "data.policy", "-data.urgent"})
      for (int size : {1, 2}) {
        CAPTURE(sort);
        CAPTURE(size);
        int pages = 0;
        CHECK(p.Walk(Sorted(sort, size), positions, pages) == p.Page(Sorted(sort)));
      }
}

TEST_CASE("tags, contacts and assignees filter through their own rows, in the workspace") {
  Populated p;
  CHECK(p.Page(Query(R"({"tag": "water"})")) == Names{"B", "A"});
  CHECK(p.Total(Query(R"({"tag": "water"})")) == 2);
  CHECK(p.Page(Query(R"({"tag": "vip"})")) == Names{"A"});
  CHECK(p.Page(Filter(R"({"field": "tag", "op": "nin", "value": ["water"]})")) ==
        Names{"F", "D", "C"});
  CHECK(p.Page(Query(R"({"contact[email]": "Marie.Dupont@example.com"})")) == Names{"A"});
  CHECK(p.Page(Query(R"({"contact[given_name]": "Élodie"})")) == Names{"B"});
  CHECK(p.Page(Filter(R"({"field": "contact.email", "op": "exists", "value": false})")) ==
        Names{"F", "E", "D", "C"});
  CHECK(p.Page(Query(R"({"assignee[email]": "bob@x.org"})")).empty());
  CHECK(p.Page(Filter(R"({"workspace.slug": "other"})")).empty());
  CHECK(p.Page(Filter(R"({"workspace.slug": "default", "tag": "water"})")) == Names{"E", "B", "A"});
}

TEST_CASE("data.<key> filters compare by the field's type") {
  Populated p;
  // Numbers: integer and number fields alike, not the text "n/a".
  CHECK(p.Page(Filter(R"({"and": [{"field": "data.amount", "op": "gte", "value": 100},
                                  {"field": "data.amount", "op": "lt", "value": 1500}]})")) ==
        Names{"A"});
  CHECK(p.Page(Filter(R"({"field": "data.amount", "op": "gt", "value": 50})")) ==
        Names{"C", "B", "A"});
  CHECK(p.Page(Filter(R"({"field": "data.amount", "op": "eq", "value": 80.5})")) == Names{"B"});
  CHECK(p.Page(Filter(R"({"field": "data.amount", "op": "in", "value": [1500, "n/a"]})")) ==
        Names{"D", "C"});
  CHECK(p.Page(Filter(R"({"field": "data.amount", "op": "ne", "value": 1200})")) ==
        Names{"F", "E", "D", "C", "B"});
  // Text, and dates as text.
  CHECK(p.Page(Filter(R"({"data.policy": "POL-778"})")) == Names{"A"});
  CHECK(p.Page(Filter(R"({"field": "data.policy", "op": "gt", "value": "POL-778"})")) ==
        Names{"B"});
  CHECK(p.Page(Filter(R"({"field": "data.due", "op": "lt", "value": "2024-06-01"})")) ==
        Names{"A"});
  // Datetimes in time order, booleans, options, existence.
  CHECK(p.Page(Filter(R"({"field": "data.incident_at", "op": "gte", "value": "2024-02-01"})")) ==
        Names{"B"});
  CHECK(p.Page(Filter(R"({"field": "data.incident_at", "op": "gt",
                          "value": "2024-02-01T10:00:00Z"})"))
            .empty());
  CHECK(p.Page(Filter(R"({"data.urgent": true})")) == Names{"A"});
  CHECK(p.Page(Filter(R"({"field": "data.channels", "op": "contains", "value": "phone"})")) ==
        Names{"A"});
  CHECK(p.Page(Filter(R"({"field": "data.policy", "op": "contains", "value": "779"})")) ==
        Names{"B"});
  CHECK(p.Page(Filter(R"({"field": "data.amount", "op": "exists"})")) == Names{"D", "C", "B", "A"});
  CHECK(p.Page(Filter(R"({"data.amount": null})")) == Names{"F", "E"});
}

TEST_CASE("q matches every word as a prefix, ignoring case and accents") {
  Populated p;
  CHECK(p.Page(Query(R"({"q": "degat"})")) == Names{"B"});
  CHECK(p.Page(Query(R"({"q": "DÉGÂT EAU"})")) == Names{"B"});
  CHECK(p.Page(Query(R"({"q": "elo mart"})")) == Names{"B"});  // a contact's name
  CHECK(p.Page(Query(R"({"q": "wat cla"})")) == Names{"A"});
  CHECK(p.Page(Query(R"({"q": "wat cla", "archived": true})")) == Names{"E"});
  CHECK(p.Page(Query(R"({"q": "water nothing"})")).empty());
  CHECK(p.Total(Query(R"({"q": "dupont"})")) == 1);
  // Nothing in q is tsquery syntax.
  CHECK(p.Page(Query(R"({"q": "wat:* | beta"})")).empty());
  CHECK(p.Page(Query(R"({"q": "!water"})")) == Names{"A"});
  // Words without a letter count for nothing; none at all match nothing;
  // a blank q is no search.
  CHECK(p.Page(Query(R"({"q": "beta ..."})")) == Names{"C", "B"});
  CHECK(p.Page(Query(R"({"q": "..."})")).empty());
  CHECK(p.Page(Query(R"({"q": "  "})")) == Names{"F", "D", "C", "B", "A"});
}

TEST_CASE("contains is a case-sensitive substring; emails compare lower-cased") {
  Populated p;
  CHECK(p.Page(Filter(R"({"field": "title", "op": "contains", "value": "eta"})")) ==
        Names{"C", "B"});
  CHECK(p.Page(Filter(R"({"field": "title", "op": "contains", "value": "ETA"})")).empty());
  CHECK(p.Page(Filter(R"({"field": "description", "op": "contains", "value": "gât"})")) ==
        Names{"B"});
  CHECK(p.Page(Filter(R"({"field": "contact.email", "op": "contains", "value": "DUPONT"})")) ==
        Names{"A"});
  CHECK(p.Page(Filter(R"({"not": {"field": "reference", "op": "contains", "value": "REF"}})")) ==
        Names{"D", "B"});
}

TEST_CASE("text ranges compare bytewise") {
  Populated p;
  CHECK(p.Page(Filter(R"({"field": "title", "op": "gt", "value": "Z"})")) == Names{"D"});
  CHECK(p.Page(Filter(R"({"field": "title", "op": "lt", "value": "Beta"})")) == Names{"A"});
  CHECK(p.Page(Filter(R"({"field": "priority", "op": "gte", "value": "high"})")) ==
        Names{"F", "A"});
}

TEST_CASE("text orders bytewise whatever the collation of its columns") {
  Populated p;
  // A collation where "alpha" comes before "Beta", as in most locales.
  p.db->RunDynamic(
      "ALTER TABLE cases ALTER COLUMN title TYPE text COLLATE \"und-x-icu\", "
      "ALTER COLUMN reference TYPE text COLLATE \"und-x-icu\"");
  p.db->RunDynamic(
      "ALTER TABLE case_fields ALTER COLUMN typed_text TYPE text COLLATE \"und-x-icu\"");
  CHECK(p.db->RunDynamic("SELECT count(*) FROM cases WHERE title < 'Beta'").Int(0, 0) == 3);
  CHECK(p.Page(Sorted("title")) == Names{"A", "B", "C", "F", "D"});
  CHECK(p.Page(Sorted("-title")) == Names{"D", "F", "C", "B", "A"});
  int pages = 0;
  CHECK(p.Walk(Sorted("title", 2), false, pages) == Names{"A", "B", "C", "F", "D"});
  CHECK(p.Page(Filter(R"({"field": "title", "op": "gt", "value": "Z"})")) == Names{"D"});
  CHECK(p.Page(Sorted("data.amount")) == Names{"F", "B", "A", "C", "D"});
  CHECK(p.Page(Filter(R"({"field": "data.policy", "op": "lt", "value": "pol"})")) ==
        Names{"B", "A"});
}

TEST_CASE("q is bound as its words, never as SQL or tsquery text") {
  const CompiledList plan = Compile(Query(R"({"q": " wat  o\"k'; DROP TABLE cases; -- "})"));
  CHECK(plan.search);
  CHECK(plan.page.sql.find("DROP") == std::string::npos);
  bool bound = false;
  for (const SqlValue& value : plan.page.params)
    bound = bound || value == SqlValue(std::string("wat o\"k'; DROP TABLE cases; --"));
  CHECK(bound);
}

TEST_CASE("the archived scope") {
  Populated p;
  CHECK(p.Page(Query(R"({"archived": true})")) == Names{"E"});
  CHECK(p.Total(Query(R"({"archived": true})")) == 1);
  CHECK(p.Page(Filter(R"({"field": "archived", "op": "eq", "value": true})")) == Names{"E"});
  CHECK(p.Page(Filter("{}")) == Names{"F", "E", "D", "C", "B", "A"});  // both
}

TEST_CASE("totals come from case_counts when only the scope and statuses filter") {
  Populated p;
  struct Expected {
    const char* params;
    bool counted;
    std::int64_t total;
  };
  const Expected cases[] = {
      {"{}", true, 5},
      {R"({"status": "pending"})", true, 2},
      {R"({"parent_status": "pending", "status": "pending"})", true, 2},
      {R"({"parent_status": "closed", "archived": true})", true, 0},
      {R"({"archived": true, "status": "pending"})", true, 1},
      {R"({"tag": "water"})", false, 2},
      {R"({"status": "pending", "q": "claim"})", false, 1},
      {R"({"filter": {"status": "pending"}})", false, 3},
  };
  for (const Expected& e : cases) {
    CAPTURE(e.params);
    const CompiledList plan = Compile(Query(e.params));
    CHECK((plan.count.sql.find("case_counts") != std::string::npos) == e.counted);
    auto rows = Run(*p.db, plan.count, p.workspace);
    REQUIRE(rows.size() == 1);
    CHECK(rows.Int(0, 0) == e.total);
  }
}

// The plan of a page, as EXPLAIN gives it.
std::string PlanOf(Populated& p, const ListQuery& query) {
  const CompiledList plan = Compile(query);
  auto rows = p.db->RunDynamic("EXPLAIN " + plan.page.sql, ParamsOf(plan.page.params, p.workspace));
  std::string text;
  for (int i = 0; i < rows.size(); ++i) text += rows.Text(i, 0) + "\n";
  return text;
}

TEST_CASE("among many cases, a selective filter drives from its own index") {
  Populated p;
  // 3,000 more cases, all tagged "common", with an amount of 5 and a
  // contact each, found by the word "filler".
  p.db->RunDynamic(
      "INSERT INTO cases (workspace_id, uuid, title, status, parent_status, waiting_for, "
      "metadata, closure_conditions, created_at, updated_at, version, search) "
      "SELECT $1::bigint, gen_random_uuid(), 'filler ' || i, 'pending', 'pending', 'none', '{}', "
      "'[]', 10000 + i, 10000 + i, 1, to_tsvector('simple', 'filler') "
      "FROM generate_series(1, 3000) i",
      pg::Params().Add(p.workspace));
  p.db->RunDynamic(
      "INSERT INTO case_tags (workspace_id, case_id, tag) SELECT workspace_id, id, 'common' "
      "FROM cases WHERE title LIKE 'filler %'");
  p.db->RunDynamic(
      "INSERT INTO case_fields (workspace_id, case_id, key, position, type, name, value, "
      "typed_number, required) SELECT workspace_id, id, 'amount', 0, 'number', 'amount', '5', 5, "
      "false FROM cases WHERE title LIKE 'filler %'");
  p.db->RunDynamic(
      "INSERT INTO contacts (workspace_id, uuid, email, name) SELECT workspace_id, "
      "gen_random_uuid(), 'filler' || id || '@x.org', title FROM cases WHERE title LIKE 'filler "
      "%'");
  p.db->RunDynamic(
      "INSERT INTO case_contacts (workspace_id, case_id, key, position, contact_id) "
      "SELECT c.workspace_id, c.id, 'client', 0, ct.id FROM cases c JOIN contacts ct "
      "ON ct.workspace_id = c.workspace_id AND ct.email = 'filler' || c.id || '@x.org'");
  p.db->RunDynamic("ANALYZE");

  const std::string tag = PlanOf(p, Query(R"({"tag": "vip"})"));
  CAPTURE(tag);
  CHECK(tag.find("case_tags_by_tag") != std::string::npos);
  const std::string range =
      PlanOf(p, Filter(R"({"and": [{"field": "data.amount", "op": "gte", "value": 100},
                                   {"field": "data.amount", "op": "lt", "value": 1500}]})"));
  CAPTURE(range);
  CHECK(range.find("case_fields_by_number") != std::string::npos);
  const std::string text = PlanOf(p, Filter(R"({"data.policy": "POL-778"})"));
  CAPTURE(text);
  CHECK(text.find("case_fields_by_text") != std::string::npos);
  const std::string email = PlanOf(p, Query(R"({"contact[email]": "elodie@x.org"})"));
  CAPTURE(email);
  CHECK(email.find("contacts_by_email") != std::string::npos);
  const std::string search = PlanOf(p, Query(R"({"q": "water"})"));
  CAPTURE(search);
  CHECK(search.find("cases_search") != std::string::npos);
  // The default page reads the workspace's cases in index order.
  const std::string page = PlanOf(p, Query(R"({"page[size]": 5})"));
  CAPTURE(page);
  CHECK(page.find("cases_list_created") != std::string::npos);
  CHECK(page.find("Sort") == std::string::npos);
  // And so does a cursor's page, from the cursor on.
  ListQuery next = Query(R"({"page[size]": 5})");
  next.after =
      casework::EncodeCursor("-created_at", SqlValue(std::int64_t{12000}),
                             *casework::UuidFromString("0190a000-0000-7000-8000-000000000001"), 5);
  const std::string after = PlanOf(p, next);
  CAPTURE(after);
  CHECK(after.find("cases_list_created") != std::string::npos);
  CHECK(after.find("Sort") == std::string::npos);
  // The results are still those of the few cases.
  CHECK(p.Page(Query(R"({"tag": "vip"})")) == Names{"A"});
  CHECK(p.Page(Query(R"({"q": "wat"})")) == Names{"A"});
}

// ---- The same cases on both backends ----

namespace {

// Cases made by the engine on SQLite, the rows of its file copied into
// PostgreSQL as they are, so that both backends list the very same rows.
struct BothBackends : Migrated {
  BothBackends() {
    auto created = sqlite.engine->CreateWorkspace("other", "Other");
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    MakeCases();
    CopyRows();
    IndexSearch(*db);
    db->RunDynamic("ANALYZE");
  }

  // Creates a case; `later`: then moves the clock on, so that created_at
  // orders the cases. Returns its id.
  std::string Make(std::string_view payload, bool later = true, const char* workspace = nullptr) {
    casework::WriteOptions options;
    if (workspace != nullptr) options.workspace = workspace;
    casework::Case made = sqlite.MustCreate(payload, options);
    names[made.id] = made.title + " #" + made.id.substr(made.id.size() - 4);
    if (later) sqlite.clock->Advance(std::chrono::seconds(1));
    return made.id;
  }

  void MakeCases() {
    Make(R"({"title": "Alpha water claim", "description": "Kitchen ceiling", "reference": "REF-1",
      "status": "pending", "waiting_for": "owner", "priority": "high",
      "owner": {"email": "ann@x.org"}, "assignee_emails": ["bob@x.org"],
      "tag_names": ["water", "vip"],
      "contacts": [{"key": "client", "email": "marie.dupont@example.com", "name": "Marie Dupont",
                    "given_name": "Marie", "family_name": "Dupont", "phone": "+33 1 23 45 67 89"}],
      "schema": [
        {"key": "amount", "type": "number", "name": "Amount", "value": 100},
        {"key": "due", "type": "date", "name": "Due", "value": "2024-03-01"},
        {"key": "reported", "type": "datetime", "name": "Reported",
         "value": "2024-01-15T08:30:00+01:00"},
        {"key": "urgent", "type": "boolean", "name": "Urgent", "value": true},
        {"key": "policy", "type": "text", "name": "Policy", "value": "POL-778"},
        {"key": "rooms", "type": "multi_choice", "name": "Rooms",
         "options": ["kitchen", "bath"], "value": ["kitchen"]}]})");
    Make(R"({"title": "Beta fire claim", "reference": "REF-2", "status": "in_progress",
      "waiting_for": "contact", "priority": "low", "owner": {"email": "bob@x.org"},
      "assignee_emails": ["ann@x.org"], "tag_names": ["fire"],
      "contacts": [{"key": "client", "email": "luc.peeters@example.com", "name": "Luc Peeters",
                    "given_name": "Luc", "family_name": "Peeters"}],
      "schema": [
        {"key": "amount", "type": "number", "name": "Amount", "value": 90.5},
        {"key": "due", "type": "date", "name": "Due", "value": "2024-02-01"},
        {"key": "reported", "type": "datetime", "name": "Reported",
         "value": "2024-01-15T07:45:00Z"},
        {"key": "urgent", "type": "boolean", "name": "Urgent", "value": false},
        {"key": "policy", "type": "text", "name": "Policy", "value": "POL-900"}]})");
    Make(R"({"title": "Gamma theft", "status": "draft",
      "schema": [{"key": "amount", "type": "integer", "name": "Amount", "value": 1000}]})");
    Make(R"({"title": "Beta fire claim", "status": "pending", "tag_names": ["fire", "vip"],
      "schema": [{"key": "amount", "type": "text", "name": "Amount", "value": "n/a"},
                 {"key": "policy", "type": "text", "name": "Policy", "value": "POL-778"}]})");
    Make(R"({"title": "élodie dégât", "description": "Dégât des eaux", "status": "in_progress",
      "priority": "critical", "tag_names": ["eau"],
      "contacts": [{"key": "client", "email": "elodie@x.org", "name": "Élodie Martin",
                    "given_name": "Élodie", "family_name": "Martin"}],
      "schema": [{"key": "amount", "type": "number", "name": "Amount", "value": -5.25},
                 {"key": "rooms", "type": "multi_choice", "name": "Rooms",
                  "options": ["kitchen", "bath"], "value": ["kitchen", "bath"]}]})");
    Make(R"({"title": "Echo", "reference": "ref-lower", "status": "pending", "priority": "medium",
      "owner": {"email": "ann@x.org"}})");
    // Two cases made in the same millisecond: created_at ties, broken by id.
    Make(R"({"title": "Foxtrot", "status": "closed", "priority": "info",
      "schema": [{"key": "amount", "type": "number", "name": "Amount", "value": 100}]})",
         false);
    Make(R"({"title": "Golf", "status": "pending", "tag_names": ["vip"], "reference": "REF-1",
      "schema": [{"key": "urgent", "type": "boolean", "name": "Urgent", "value": true}]})");
    const std::string delta = Make(R"({"title": "Delta archived", "reference": "REF-1",
      "status": "pending", "owner": {"email": "ann@x.org"}, "tag_names": ["water"]})");
    auto archived = sqlite.engine->Archive(delta);
    REQUIRE_MESSAGE(archived.ok(), archived.status().ToString());
    Make(R"({"title": "Alpha water claim elsewhere", "reference": "REF-1", "status": "pending",
      "priority": "high", "owner": {"email": "ann@x.org"}, "tag_names": ["water", "vip"],
      "contacts": [{"key": "client", "email": "marie.dupont@example.com", "name": "Marie Dupont",
                    "given_name": "Marie", "family_name": "Dupont"}],
      "schema": [{"key": "amount", "type": "number", "name": "Amount", "value": 100}]})",
         true, "other");
  }

  // Each table's rows, read from the SQLite file in the PostgreSQL table's
  // column order (uuids as hex, which PostgreSQL reads as uuid; typed_value
  // split by its class).
  void CopyRows() {
    struct Copy {
      const char* from;  // SQLite
      const char* into;  // PostgreSQL, without VALUES
    };
    const Copy copies[] = {
        {"SELECT id, lower(hex(uuid)), slug, name, created_at FROM workspaces",
         "workspaces (id, uuid, slug, name, created_at)"},
        {"SELECT workspace_id, id, lower(hex(uuid)), email, given_name, family_name FROM users",
         "users (workspace_id, id, uuid, email, given_name, family_name)"},
        {"SELECT workspace_id, id, lower(hex(uuid)), email, name, given_name, family_name, phone "
         "FROM contacts",
         "contacts (workspace_id, id, uuid, email, name, given_name, family_name, phone)"},
        {"SELECT workspace_id, id, lower(hex(uuid)), title, description, locale, reference, "
         "status, parent_status, waiting_for, priority, owner_id, "
         "nullif(lower(hex(template_uuid)), ''), template_version, metadata, closure_conditions, "
         "created_at, updated_at, opened_at, resolved_at, archived_at, version, "
         "nullif(lower(hex(last_transition_uuid)), '') FROM cases",
         "cases (workspace_id, id, uuid, title, description, locale, reference, status, "
         "parent_status, waiting_for, priority, owner_id, template_uuid, template_version, "
         "metadata, closure_conditions, created_at, updated_at, opened_at, resolved_at, "
         "archived_at, version, last_transition_uuid)"},
        {"SELECT c.workspace_id, x.case_id, x.user_id, x.position FROM case_assignees x "
         "JOIN cases c ON c.id = x.case_id",
         "case_assignees (workspace_id, case_id, user_id, position)"},
        {"SELECT c.workspace_id, x.case_id, x.tag FROM case_tags x JOIN cases c ON c.id = "
         "x.case_id",
         "case_tags (workspace_id, case_id, tag)"},
        {"SELECT c.workspace_id, x.case_id, x.key, x.position, x.contact_id FROM case_contacts x "
         "JOIN cases c ON c.id = x.case_id",
         "case_contacts (workspace_id, case_id, key, position, contact_id)"},
        {"SELECT c.workspace_id, x.case_id, x.key, x.position, x.type, x.name, x.value, "
         "CASE WHEN typeof(x.typed_value) IN ('integer', 'real') THEN x.typed_value END, "
         "CASE WHEN typeof(x.typed_value) = 'text' THEN x.typed_value END, x.required, x.options "
         "FROM case_fields x JOIN cases c ON c.id = x.case_id",
         "case_fields (workspace_id, case_id, key, position, type, name, value, typed_number, "
         "typed_text, required, options)"},
    };
    SQLite::Database file(sqlite.path(), SQLite::OPEN_READONLY);
    db->RunDynamic("DELETE FROM workspaces");
    for (const Copy& copy : copies) {
      SQLite::Statement rows(file, copy.from);
      const int columns = rows.getColumnCount();
      std::string insert =
          std::string("INSERT INTO ") + copy.into + " OVERRIDING SYSTEM VALUE VALUES (";
      for (int i = 1; i <= columns; ++i) insert += (i > 1 ? ", $" : "$") + std::to_string(i);
      insert += ")";
      while (rows.executeStep()) {
        pg::Params params;
        for (int i = 0; i < columns; ++i) {
          const SQLite::Column column = rows.getColumn(i);
          if (column.isNull())
            params.AddNull();
          else if (column.isFloat())
            params.Add(column.getDouble());  // exactly, not as SQLite's 15 digits
          else
            params.Add(std::string_view(column.getString()));
        }
        db->RunDynamic(insert, params);
      }
    }
  }

  // The cases SQLite lists for `query`, and their total.
  std::pair<Names, std::int64_t> FromSqlite(const ListQuery& query) {
    auto page = sqlite.engine->List(query);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    Names out;
    for (const casework::Case& c : page->cases) out.push_back(names.at(c.id));
    return {out, page->meta.total_count};
  }

  std::pair<Names, std::int64_t> FromPostgres(const ListQuery& query) {
    const CompiledList plan = Compile(query);
    auto rows = Run(*db, plan.page, workspace);
    Names out;
    for (int i = 0; i < rows.size() && i < query.page_size; ++i)
      out.push_back(names.at(rows.Text(i, 1)));
    return {out, Run(*db, plan.count, workspace).Int(0, 0)};
  }

  // Every case of `query`, through the cursors of one backend or the other.
  Names WalkSqlite(ListQuery query) {
    Names out;
    for (int pages = 0; pages < 50; ++pages) {
      auto page = sqlite.engine->List(query);
      REQUIRE_MESSAGE(page.ok(), page.status().ToString());
      for (const casework::Case& c : page->cases) out.push_back(names.at(c.id));
      if (!page->next_cursor) break;
      query.after = page->next_cursor;
    }
    return out;
  }

  Names WalkPostgres(ListQuery query) {
    Names out;
    std::int64_t before = 0;
    for (int pages = 0; pages < 50; ++pages) {
      const CompiledList plan = Compile(query);
      auto rows = Run(*db, plan.page, workspace);
      const int kept = std::min<int>(rows.size(), static_cast<int>(query.page_size));
      for (int i = 0; i < kept; ++i) out.push_back(names.at(rows.Text(i, 1)));
      before += kept;
      if (rows.size() <= query.page_size) break;
      query.after =
          casework::EncodeCursor(plan.sort, KeyAt(rows, kept - 1),
                                 *casework::UuidFromString(rows.View(kept - 1, 1)), before);
    }
    return out;
  }

  casework::testing::EngineFixture sqlite;
  std::map<std::string, std::string> names;  // uuid -> title #last 4 hex digits
};

const char* const kSortNames[] = {
    "created_at",     "-created_at",  "updated_at",   "-updated_at", "opened_at",
    "-opened_at",     "resolved_at",  "-resolved_at", "title",       "-title",
    "reference",      "-reference",   "status",       "-status",     "parent_status",
    "-parent_status", "priority",     "-priority",    "data.amount", "-data.amount",
    "data.policy",    "-data.urgent", "data.rooms",   "data.due",    "-data.reported"};

}  // namespace

TEST_CASE("both backends list the same cases, in the same order, with the same totals") {
  BothBackends both;
  REQUIRE(both.FromSqlite(ListQuery{}).first.size() == 8);
  std::vector<ListQuery> queries = EveryFilter();
  for (const ListQuery& q : EveryParameter()) queries.push_back(q);
  for (const char* sort : kSortNames) {
    ListQuery query = Sorted(sort);
    query.filter = json::parse("{}");  // archived cases too
    queries.push_back(query);
    queries.push_back(Sorted(sort));
  }
  std::size_t listing_some = 0;
  for (const ListQuery& query : queries) {
    const CompiledList plan = Compile(query);
    CAPTURE(plan.page.sql);
    const auto sqlite = both.FromSqlite(query);
    CHECK(both.FromPostgres(query) == sqlite);
    listing_some += !sqlite.first.empty() && sqlite.first.size() < 9;
  }
  // Most filters select some of the cases, not none or all.
  INFO(listing_some << " of " << queries.size());
  CHECK(listing_some > queries.size() / 2);
}

TEST_CASE("both backends page through the same cases by cursor") {
  BothBackends both;
  for (const char* sort : kSortNames)
    for (int size : {1, 2, 3}) {
      CAPTURE(sort);
      CAPTURE(size);
      ListQuery query = Sorted(sort, size);
      query.filter = json::parse("{}");
      CHECK(both.WalkPostgres(query) == both.WalkSqlite(query));
    }
}

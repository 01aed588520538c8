// The list command of the command-line program: filters as flags, the
// advanced filter, search, pages, sort, cursors, workspaces and exit codes.
#include <set>

#include "cli_harness.h"

namespace casework::testing {
namespace {

// Three cases in default, one archived; one in the workspace "other".
struct Listed {
  Listed() {
    water = Id(cli.Run({"create", cli.Write("a.json", R"({"title": "Water claim",
        "reference": "REF-1", "status": "pending", "priority": "high",
        "owner": {"email": "ann@x.org"}, "tag_names": ["vip"], "assignee_emails": ["bob@x.org"],
        "contacts": [{"key": "client", "email": "marie@example.com", "given_name": "Marie",
                      "family_name": "Dupont"}],
        "schema": [{"key": "amount", "type": "number", "name": "A", "value": 100}]})")})
                   .Json());
    fire = Id(cli.Run({"create", cli.Write("b.json", R"({"title": "Fire claim",
        "reference": "REF-2", "status": "in_progress", "waiting_for": "contact",
        "schema": [{"key": "amount", "type": "number", "name": "A", "value": 90}]})")})
                  .Json());
    old = Id(cli.Run({"create", cli.Write("c.json", R"({"title": "Old claim"})")}).Json());
    REQUIRE(cli.Run({"archive", old}).exit_code == 0);
    REQUIRE(cli.Run({"workspace", "create", "other"}).exit_code == 0);
    REQUIRE(cli.Run({"--workspace", "other", "create",
                     cli.Write("d.json", R"({"title": "Water claim elsewhere",
                         "reference": "REF-1"})")})
                .exit_code == 0);
  }

  // The titles `list ARGS...` prints, in order.
  std::vector<std::string> Titles(std::vector<std::string> args) const {
    args.insert(args.begin(), "list");
    json::object out = cli.Run(args).Json();
    std::vector<std::string> titles;
    for (const auto& c : out.at("data").as_array()) titles.push_back(Str(c.at("title")));
    return titles;
  }

  Cli cli;
  std::string water, fire, old;
};

using Titles = std::vector<std::string>;

TEST_CASE("list prints meta and data, newest first, archived cases hidden") {
  Listed l;
  json::object out = l.cli.Run({"list"}).Json();
  CHECK(out.size() == 2);
  const json::object& meta = out.at("meta").as_object();
  CHECK(meta.at("total_count") == 2);
  CHECK(meta.at("total_pages") == 1);
  CHECK(meta.at("page_size") == 10);
  CHECK(meta.at("current_page") == 1);
  const json::array& data = out.at("data").as_array();
  REQUIRE(data.size() == 2);
  CHECK(Str(data[0].at("title")) == "Fire claim");
  CHECK(Str(data[1].at("id")) == l.water);
  // Whole cases, as get prints them.
  CHECK(data[1] == json::value(l.cli.Run({"get", l.water}).Json()));
}

TEST_CASE("list filters by each flag") {
  Listed l;
  CHECK(l.Titles({"--status", "pending"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--parent-status", "in_progress"}) == Titles{"Fire claim"});
  CHECK(l.Titles({"--waiting-for", "contact"}) == Titles{"Fire claim"});
  CHECK(l.Titles({"--reference", "REF-1"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--owner-email", "ANN@x.org"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--contact-given-name", "Marie"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--contact-family-name", "Dupont"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--contact-email", "marie@example.com"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--priority", "high"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--tag", "vip"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--assignee-email", "bob@x.org"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--archived"}) == Titles{"Old claim"});
  CHECK(l.Titles({"--archived=true"}) == Titles{"Old claim"});
  CHECK(l.Titles({"--archived=false"}) == Titles{"Fire claim", "Water claim"});
  CHECK(l.Titles({"--created-after", "2000-01-01", "--created-before", "2999-01-01"}).size() == 2);
  CHECK(l.Titles({"--created-after", "2999-01-01"}).empty());
  CHECK(l.Titles({"--updated-before", "2000-01-01T00:00:00Z"}).empty());
  CHECK(l.Titles({"--updated-after", "2000-01-01T00:00:00+02:00"}).size() == 2);
  CHECK(l.Titles({"--template-id", kUuid}).empty());
  json::object owner = l.cli.Run({"get", l.water}).Json().at("owner").as_object();
  CHECK(l.Titles({"--owner-id", Str(owner.at("id"))}) == Titles{"Water claim"});
  // Combined: AND.
  CHECK(l.Titles({"--reference", "REF-1", "--tag", "vip", "--priority", "high"}) ==
        Titles{"Water claim"});
  CHECK(l.Titles({"--reference", "REF-1", "--status", "in_progress"}).empty());
}

TEST_CASE("list --filter, --q and --sort") {
  Listed l;
  CHECK(l.Titles({"--filter", R"({"field": "data.amount", "op": "gt", "value": 95})"}) ==
        Titles{"Water claim"});
  CHECK(l.Titles({"--filter", R"({"data.amount": 90})"}) == Titles{"Fire claim"});
  // The filter replaces the others, the archived default included.
  CHECK(l.Titles({"--filter", R"({"title": "Old claim"})", "--status", "pending"}) ==
        Titles{"Old claim"});
  CHECK(l.Titles({"--q", "water"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--q", "dupont"}) == Titles{"Water claim"});
  CHECK(l.Titles({"--q", "cla"}) == Titles{"Fire claim", "Water claim"});
  CHECK(l.Titles({"--sort", "title"}) == Titles{"Fire claim", "Water claim"});
  CHECK(l.Titles({"--sort", "-data.amount"}) == Titles{"Water claim", "Fire claim"});
  CHECK(l.Titles({"--sort", "created_at"}) == Titles{"Water claim", "Fire claim"});
}

TEST_CASE("list --page, --page-size and --after walk the pages") {
  Listed l;
  for (int i = 0; i < 5; ++i)
    REQUIRE(l.cli.Run({"create", l.cli.Write("n.json", R"({"title": "More"})")}).exit_code == 0);
  json::object second = l.cli.Run({"list", "--page-size", "3", "--page", "2"}).Json();
  CHECK(second.at("meta").at("total_count") == 7);
  CHECK(second.at("meta").at("total_pages") == 3);
  CHECK(second.at("meta").at("current_page") == 2);
  CHECK(second.at("data").as_array().size() == 3);
  json::object past = l.cli.Run({"list", "--page", "9"}).Json();
  CHECK(past.at("data").as_array().empty());
  CHECK(past.at("meta").at("total_count") == 7);

  std::vector<std::string> args = {"list", "--page-size", "3"};
  std::set<std::string> seen;
  int pages = 0;
  for (;;) {
    json::object page = l.cli.Run(args).Json();
    ++pages;
    for (const auto& c : page.at("data").as_array()) CHECK(seen.insert(Str(c.at("id"))).second);
    const json::value* cursor = page.if_contains("next_cursor");
    if (cursor == nullptr) break;
    args = {"list", "--page-size", "3", "--after", Str(*cursor)};
    REQUIRE(pages < 10);
  }
  CHECK(pages == 3);
  CHECK(seen.size() == 7);
}

TEST_CASE("list is scoped to --workspace") {
  Listed l;
  json::object there = l.cli.Run({"--workspace", "other", "list", "--reference", "REF-1"}).Json();
  REQUIRE(there.at("data").as_array().size() == 1);
  CHECK(Str(there.at("data").as_array()[0].at("title")) == "Water claim elsewhere");
  CHECK(there.at("meta").at("total_count") == 1);
  CheckError(l.cli.Run({"--workspace", "nowhere", "list"}), kNotFound, "not_found");
}

TEST_CASE("list with bad values exits 5 naming the parameter; unknown flags exit 2") {
  Listed l;
  struct Bad {
    std::vector<std::string> args;
    const char* field;
  };
  const Bad bad[] = {
      {{"--page-size", "1000000000000000000"}, "page[size]"},
      {{"--page-size", "0"}, "page[size]"},
      {{"--page", "-1"}, "page[number]"},
      {{"--page=-5"}, "page[number]"},
      {{"--page", "two"}, "page[number]"},
      {{"--parent-status", "open"}, "parent_status"},
      {{"--priority", "urgent"}, "priority"},
      {{"--waiting-for", "me"}, "waiting_for"},
      {{"--archived=maybe"}, "archived"},
      {{"--created-after", "yesterday"}, "created_at[after]"},
      {{"--template-id", "x' OR 1=1"}, "template[id]"},
      {{"--sort", "title; DROP TABLE cases"}, "sort"},
      {{"--sort", "colour"}, "sort"},
      {{"--filter", "{not json"}, "filter"},
      {{"--filter", R"({"and": [{"field": "status", "op": "eq", "value": "x"},
                               {"field": "status", "op": "like", "value": "x"}]})"},
       "filter.and[1].op"},
      {{"--after", "garbage"}, "after"},
      {{"--q", std::string(2000, 'a')}, "q"},
  };
  for (const Bad& b : bad) {
    std::vector<std::string> args = b.args;
    args.insert(args.begin(), "list");
    CAPTURE(b.field);
    Outcome r = l.cli.Run(args);
    CheckError(r, kInvalid, "validation_failed");
    CHECK(Str(r.Error().at("field")) == b.field);
  }
  CheckError(l.cli.Run({"list", "--bogus"}), kUsage, "usage");
  CheckError(l.cli.Run({"list", "--status"}), kUsage, "usage");
  // Hostile values in string filters find nothing, and change nothing.
  for (const char* attack : {"' OR '1'='1", "x\"; DROP TABLE cases; --", "1) UNION SELECT 1 --"}) {
    CHECK(l.Titles({"--reference", attack}).empty());
    CHECK(l.Titles({"--contact-email", attack}).empty());
    CHECK(l.cli.Run({"list", "--q", attack}).exit_code == 0);
  }
  CHECK(l.Titles({}).size() == 2);
}

}  // namespace
}  // namespace casework::testing

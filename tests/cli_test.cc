// Tests of the command-line program: each runs the built `casework` as a
// child process on a database in a private temporary directory and checks
// its exit code and the JSON it prints (parsed, never compared as text).
#include "cli_harness.h"

namespace casework::testing {
namespace {

TEST_CASE("create prints the case with title, contacts and schema") {
  Cli cli;
  Outcome r = cli.Run({"create", Example("penbox-create.json")});
  json::object c = r.Json();
  CHECK(r.err.empty());
  CHECK(Str(c.at("title")) == "Water damage claim, 12 Rue Haute");
  CHECK(Str(c.at("reference")) == "CLM-2024-0042");
  CHECK(Str(c.at("status")) == "pending");
  CHECK(Version(c) == 1);
  CHECK(Id(c).size() == 36);
  CHECK(Str(c.at("workspace").at("slug")) == "default");
  REQUIRE(c.at("contacts").as_array().size() == 2);
  const json::object* broker = ContactOf(c, "broker");
  REQUIRE(broker != nullptr);
  CHECK(Str(broker->at("email")) == "luc.peeters@example.com");  // trimmed, lower-cased
  CHECK(c.at("schema").as_array().size() == 8);
  CHECK(Str(FieldOf(c, "policy_number").at("value")) == "POL-778");
}

TEST_CASE("create of the Tines payload keeps priority, tags and assignees") {
  Cli cli;
  json::object c = cli.Create("tines-create.json");
  CHECK(Str(c.at("priority")) == "high");
  CHECK(c.at("tags") == json::array{"login", "security"});
  REQUIRE(c.at("assignees").as_array().size() == 1);
  CHECK(Str(c.at("assignees").at(0).at("email")) == "jane@example.com");
}

TEST_CASE("get prints the case as create printed it") {
  Cli cli;
  json::object created = cli.Create();
  json::object got = cli.Run({"get", Id(created)}).Json();
  CHECK(got == created);
}

TEST_CASE("update-data changes the values and bumps the version") {
  Cli cli;
  std::string id = Id(cli.Create());
  json::object c = cli.Run({"update-data", id, Example("update-data.json")}).Json();
  CHECK(Version(c) == 2);
  CHECK(FieldOf(c, "claim_amount").at("value").to_number<double>() == 2600.0);
  CHECK(Str(FieldOf(c, "adjuster_email").at("value")) == "sam.adjuster@example.com");
  CHECK(FieldOf(c, "urgent").at("value") == json::value(true));
  CHECK(Str(FieldOf(c, "policy_number").at("value")) == "POL-778");  // untouched
  CHECK(cli.Run({"get", id}).Json() == c);
}

TEST_CASE("patch reads the patch from stdin with -") {
  Cli cli;
  std::string id = Id(cli.Create());
  json::object c =
      cli.Run({"patch", id, "-"}, R"({"title": "Patched title", "description": null})").Json();
  CHECK(Str(c.at("title")) == "Patched title");
  CHECK(Str(c.at("reference")) == "CLM-2024-0042");  // not in the patch: kept
  CHECK(Version(c) == 2);
}

TEST_CASE("replace accepts a fetched case edited and sent back") {
  Cli cli;
  json::object c = cli.Create();
  c["title"] = "Replaced title";
  c["description"] = "now with a description";
  json::object r =
      cli.Run({"replace", Id(c), cli.Write("case.json", json::serialize(c))}).Json();
  CHECK(Str(r.at("title")) == "Replaced title");
  CHECK(Str(r.at("description")) == "now with a description");
  CHECK(Version(r) == 2);
}

TEST_CASE("history lists the created then the data_updated event") {
  Cli cli;
  std::string id = Id(cli.Create());
  cli.Run({"update-data", id, Example("update-data.json")}).Json();
  json::object h = cli.Run({"history", id}).Json();
  CHECK(Str(h.at("case_id")) == id);
  const json::array& events = h.at("events").as_array();
  REQUIRE(events.size() == 2);
  CHECK(Str(events[0].at("kind")) == "created");
  CHECK(events[0].at("seq").to_number<int>() == 1);
  CHECK(Str(events[1].at("kind")) == "data_updated");
  CHECK(events[1].at("seq").to_number<int>() == 2);
}

TEST_CASE("--actor is recorded in history; without it the actor is system") {
  Cli cli;
  std::string id = Id(cli.Create());
  cli.Run({"--actor", "ann@example.com", "archive", id}).Json();
  const json::array events = cli.Run({"history", id}).Json().at("events").as_array();
  REQUIRE(events.size() == 2);
  CHECK(Str(events[0].at("actor")) == "system");
  CHECK(Str(events[1].at("actor")) == "ann@example.com");
}

TEST_CASE("archive sets archived_at and unarchive clears it") {
  Cli cli;
  json::object c = cli.Create();
  CHECK(IsUnset(c, "archived_at"));
  json::object archived = cli.Run({"archive", Id(c)}).Json();
  REQUIRE(archived.at("archived_at").is_string());
  CHECK(Version(archived) == 2);
  json::object unarchived = cli.Run({"unarchive", Id(c)}).Json();
  CHECK(IsUnset(unarchived, "archived_at"));
  CHECK(Version(unarchived) == 3);
}

TEST_CASE("link and unlink change both cases") {
  Cli cli;
  std::string a = Id(cli.Create()), b = Id(cli.Create("tines-create.json"));
  json::object linked = cli.Run({"link", a, b}).Json();
  CHECK(linked.at("linked_cases") == json::array{json::string(b)});
  CHECK(cli.Run({"get", b}).Json().at("linked_cases") == json::array{json::string(a)});
  json::object unlinked = cli.Run({"unlink", a, b}).Json();
  CHECK(unlinked.at("linked_cases").as_array().empty());
  CHECK(cli.Run({"get", b}).Json().at("linked_cases").as_array().empty());
}

TEST_CASE("--expect-version with the current version succeeds") {
  Cli cli;
  std::string id = Id(cli.Create());
  json::object c = cli.Run({"archive", id, "--expect-version", "1"}).Json();
  CHECK(Version(c) == 2);
}

TEST_CASE("a stale --expect-version is a conflict and changes nothing") {
  Cli cli;
  std::string id = Id(cli.Create());
  cli.Run({"update-data", id, Example("update-data.json")}).Json();  // now v2
  Outcome r = cli.Run({"patch", id, "-", "--expect-version", "1"}, R"({"title": "lost"})");
  CheckError(r, kConflict, "conflict");
  CHECK(r.Error().at("current_version").to_number<int>() == 2);
  json::object c = cli.Run({"get", id}).Json();
  CHECK(Version(c) == 2);
  CHECK(Str(c.at("title")) == "Water damage claim, 12 Rue Haute");
}

TEST_CASE("a payload without title is validation_failed naming title") {
  Cli cli;
  Outcome r = cli.Run({"create", "-"}, R"({"reference": "R-1"})");
  CheckError(r, kInvalid, "validation_failed");
  CHECK(Str(r.Error().at("field")) == "title");
}

TEST_CASE("a malformed contact email is validation_failed naming it") {
  Cli cli;
  Outcome r = cli.Run({"create", "-"},
                      R"({"title": "T", "contacts": [{"key": "client", "email": "not-an-email"}]})");
  CheckError(r, kInvalid, "validation_failed");
  CHECK(Str(r.Error().at("field")) == "contacts[0].email");
}

TEST_CASE("malformed JSON is validation_failed") {
  Cli cli;
  CheckError(cli.Run({"create", "-"}, R"({"title": "T",)"), kInvalid, "validation_failed");
  CheckError(cli.Run({"create", cli.Write("bad.json", "{title}")}), kInvalid,
             "validation_failed");
}

TEST_CASE("an unreadable input file is validation_failed naming the file") {
  Cli cli;
  std::string missing = (cli.dir() / "no-such.json").string();
  Outcome r = cli.Run({"create", missing});
  CheckError(r, kInvalid, "validation_failed");
  CHECK(Str(r.Error().at("field")) == missing);
  // A directory opens but cannot be read.
  CheckError(cli.Run({"create", cli.dir().string()}), kInvalid, "validation_failed");
}

TEST_CASE("an unknown member of a create payload is validation_failed") {
  Cli cli;
  Outcome r = cli.Run({"create", "-"}, R"({"title": "T", "titel": "typo"})");
  CheckError(r, kInvalid, "validation_failed");
  CHECK(Str(r.Error().at("field")) == "titel");
}

TEST_CASE("update-data takes exactly {\"data\": {...}}") {
  Cli cli;
  std::string id = Id(cli.Create());
  SUBCASE("missing data") {
    Outcome r = cli.Run({"update-data", id, "-"}, R"({})");
    CheckError(r, kInvalid, "validation_failed");
    CHECK(Str(r.Error().at("field")) == "data");
  }
  SUBCASE("data not an object") {
    Outcome r = cli.Run({"update-data", id, "-"}, R"({"data": [1]})");
    CheckError(r, kInvalid, "validation_failed");
    CHECK(Str(r.Error().at("field")) == "data");
  }
  SUBCASE("another top-level member") {
    Outcome r = cli.Run({"update-data", id, "-"}, R"({"data": {}, "urgent": true})");
    CheckError(r, kInvalid, "validation_failed");
    CHECK(Str(r.Error().at("field")) == "urgent");
  }
  SUBCASE("not an object at all") {
    CheckError(cli.Run({"update-data", id, "-"}, "[]"), kInvalid, "validation_failed");
  }
  CHECK(Version(cli.Run({"get", id}).Json()) == 1);
}

TEST_CASE("update-data of a key the schema lacks is unknown_field") {
  Cli cli;
  std::string id = Id(cli.Create());
  Outcome r = cli.Run({"update-data", id, "-"}, R"({"data": {"no_such_key": 1}})");
  CheckError(r, kInvalid, "unknown_field");
}

TEST_CASE("a value of the wrong type is validation_failed and changes nothing") {
  Cli cli;
  std::string id = Id(cli.Create());
  Outcome r = cli.Run({"update-data", id, "-"},
                      R"({"data": {"urgent": true, "rooms_affected": "12"}})");
  CheckError(r, kInvalid, "validation_failed");
  json::object c = cli.Run({"get", id}).Json();
  CHECK(Version(c) == 1);
  CHECK(FieldOf(c, "urgent").at("value") == json::value(false));
}

TEST_CASE("a patch that is not an object is validation_failed") {
  Cli cli;
  std::string id = Id(cli.Create());
  CheckError(cli.Run({"patch", id, "-"}, R"(["title"])"), kInvalid, "validation_failed");
}

TEST_CASE("an unknown case id is not_found") {
  Cli cli;
  cli.Create();
  CheckError(cli.Run({"get", kUuid}), kNotFound, "not_found");
  CheckError(cli.Run({"history", kUuid}), kNotFound, "not_found");
  CheckError(cli.Run({"archive", kUuid}), kNotFound, "not_found");
  CheckError(cli.Run({"update-data", kUuid, Example("update-data.json")}), kNotFound,
             "not_found");
}

TEST_CASE("an id that is not a UUID is not_found") {
  Cli cli;
  CheckError(cli.Run({"get", "not-a-uuid"}), kNotFound, "not_found");
}

TEST_CASE("usage errors exit 2 with a usage error document") {
  Cli cli;
  SUBCASE("unknown command") { CheckError(cli.Run({"frobnicate"}), kUsage, "usage"); }
  SUBCASE("no command") { CheckError(cli.Run({}), kUsage, "usage"); }
  SUBCASE("missing argument") { CheckError(cli.Run({"create"}), kUsage, "usage"); }
  SUBCASE("extra argument") { CheckError(cli.Run({"get", kUuid, "more"}), kUsage, "usage"); }
  SUBCASE("unknown option") { CheckError(cli.Run({"get", kUuid, "--frob"}), kUsage, "usage"); }
  SUBCASE("non-numeric version") {
    CheckError(cli.Run({"archive", kUuid, "--expect-version", "abc"}), kUsage, "usage");
  }
  SUBCASE("workspace without subcommand") {
    CheckError(cli.Run({"workspace"}), kUsage, "usage");
  }
}

TEST_CASE("an unknown command is named in the usage error") {
  Cli cli;
  CHECK(Str(cli.Run({"frobnicate"}).Error().at("message")).find("frobnicate") !=
        std::string::npos);
  CHECK(Str(cli.Run({"workspace", "frob"}).Error().at("message")).find("frob") !=
        std::string::npos);
}

TEST_CASE("a database that cannot be opened is storage_error, exit 7") {
  Cli cli;
  Outcome r = Spawn({"--db", (cli.dir() / "no-such-dir" / "x.db").string(), "init"}, "",
                    cli.dir());
  CHECK(r.exit_code == 7);
  CHECK(Str(r.Error().at("code")) == "storage_error");
  // A file that is not a SQLite database.
  std::string junk = cli.Write("junk.db", std::string(8192, 'x'));
  Outcome j = Spawn({"--db", junk, "get", kUuid}, "", cli.dir());
  CHECK(j.exit_code == 7);
  CHECK(Str(j.Error().at("code")) == "storage_error");
}

TEST_CASE("--help works for the program and for a command") {
  Cli cli;
  Outcome top = cli.Run({"--help"});
  CHECK(top.exit_code == 0);
  CHECK(top.out.find("update-data") != std::string::npos);
  Outcome create = cli.Run({"create", "--help"});
  CHECK(create.exit_code == 0);
  CHECK(create.out.find("FILE") != std::string::npos);
}

TEST_CASE("global options may follow the command") {
  Cli cli;
  std::string id = Id(cli.Create());
  Outcome r = Spawn({"get", id, "--db", cli.db()}, "", cli.dir());
  CHECK(Id(r.Json()) == id);
}

TEST_CASE("$CASEWORK_DB is used when --db is absent") {
  Cli cli;
  std::string env_db = (cli.dir() / "from-env.db").string();
  Outcome created =
      Spawn({"create", Example("penbox-create.json")}, "", cli.dir(), {"CASEWORK_DB=" + env_db});
  std::string id = Id(created.Json());
  CHECK(fs::exists(env_db));
  CHECK(!fs::exists(cli.dir() / "casework.db"));
  // The same database through --db.
  CHECK(Id(Spawn({"--db", env_db, "get", id}, "", cli.dir()).Json()) == id);
  // --db wins over $CASEWORK_DB.
  CheckError(Spawn({"--db", cli.db(), "get", id}, "", cli.dir(), {"CASEWORK_DB=" + env_db}),
             kNotFound, "not_found");
}

TEST_CASE("without --db and $CASEWORK_DB the database is ./casework.db") {
  Cli cli;
  Outcome r = Spawn({"init"}, "", cli.dir());
  json::object init = r.Json();
  CHECK(fs::exists(cli.dir() / "casework.db"));
  CHECK(fs::equivalent(Str(init.at("database")), cli.dir() / "casework.db"));
}

TEST_CASE("init prints the database and its workspaces") {
  Cli cli;
  json::object init = cli.Run({"init"}).Json();
  if (testing::OnPostgres())
    CHECK(Str(init.at("database")) == cli.db());  // a URI, as given
  else
    CHECK(fs::equivalent(Str(init.at("database")), cli.db()));
  const json::array& workspaces = init.at("workspaces").as_array();
  REQUIRE(workspaces.size() == 1);
  CHECK(Str(workspaces[0].at("slug")) == "default");
  // Running it again is harmless.
  CHECK(cli.Run({"init"}).Json().at("workspaces").as_array().size() == 1);
}

TEST_CASE("workspace create prints the workspace; list includes default") {
  Cli cli;
  json::object ws = cli.Run({"workspace", "create", "acme", "--name", "Acme Corp"}).Json();
  CHECK(Str(ws.at("slug")) == "acme");
  CHECK(Str(ws.at("name")) == "Acme Corp");
  CHECK(Str(ws.at("id")).size() == 36);
  json::object plain = cli.Run({"workspace", "create", "beta"}).Json();
  CHECK(Str(plain.at("name")) == "beta");

  json::object list = cli.Run({"workspace", "list"}).Json();
  std::vector<std::string> slugs;
  for (const auto& w : list.at("data").as_array()) slugs.push_back(Str(w.at("slug")));
  CHECK(std::count(slugs.begin(), slugs.end(), "default") == 1);
  CHECK(std::count(slugs.begin(), slugs.end(), "acme") == 1);
  CHECK(std::count(slugs.begin(), slugs.end(), "beta") == 1);
}

TEST_CASE("workspace create refuses a malformed or taken slug") {
  Cli cli;
  CheckError(cli.Run({"workspace", "create", "Not A Slug"}), kInvalid, "validation_failed");
  cli.Run({"workspace", "create", "acme"}).Json();
  Outcome taken = cli.Run({"workspace", "create", "acme"});
  CheckError(taken, kInvalid, "validation_failed");
  CHECK(Str(taken.Error().at("field")) == "slug");
}

TEST_CASE("--workspace isolates cases") {
  Cli cli;
  cli.Run({"workspace", "create", "acme"}).Json();
  json::object c = cli.Create("tines-create.json", {"--workspace", "acme"});
  CHECK(Str(c.at("workspace").at("slug")) == "acme");
  std::string id = Id(c);
  CheckError(cli.Run({"get", id}), kNotFound, "not_found");
  CheckError(cli.Run({"archive", id}), kNotFound, "not_found");
  CHECK(Id(cli.Run({"--workspace", "acme", "get", id}).Json()) == id);
}

TEST_CASE("an unknown --workspace is not_found") {
  Cli cli;
  CheckError(cli.Run({"--workspace", "nope", "create", Example("tines-create.json")}),
             kNotFound, "not_found");
}

}  // namespace
}  // namespace casework::testing

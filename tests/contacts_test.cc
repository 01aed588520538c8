#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include "fixture.h"

using namespace casework;
using casework::testing::EngineFixture;
namespace json = boost::json;

namespace {

const CaseContact& ContactByKey(const Case& c, std::string_view key) {
  for (const auto& contact : c.contacts)
    if (contact.key == key) return contact;
  FAIL("no contact with key " << key);
  throw std::logic_error("unreachable");
}

const json::object& CreatedDetails(EngineFixture& f, const Case& c) {
  static json::object details;
  auto events = f.engine->History(c.id);
  REQUIRE(events.ok());
  REQUIRE(events->front().kind == "created");
  details = events->front().details;
  return details;
}

}  // namespace

TEST_CASE("case and white-space variants of one email are one contact across cases") {
  EngineFixture f;
  Case a = f.MustCreate(R"({"title": "a", "contacts": [{"key": "client", "email": "Ann@Example.com"}]})");
  Case b = f.MustCreate(R"({"title": "b", "contacts": [{"key": "client", "email": "  ann@EXAMPLE.COM "}]})");
  Case c = f.MustCreate(R"({"title": "c", "contacts": [{"key": "payer", "email": "ann@example.com"}]})");
  CHECK(a.contacts[0].id == b.contacts[0].id);
  CHECK(a.contacts[0].id == c.contacts[0].id);
  CHECK(b.contacts[0].email == "ann@example.com");
}

TEST_CASE("contacts without email are never merged") {
  EngineFixture f;
  Case a = f.MustCreate(R"({"title": "a", "contacts": [{"key": "client", "name": "Ann"}]})");
  Case b = f.MustCreate(R"({"title": "b", "contacts": [{"key": "client", "name": "Ann"}]})");
  CHECK(a.contacts[0].id != b.contacts[0].id);
  CHECK_FALSE(a.contacts[0].email.has_value());
}

TEST_CASE("a known contact's blank attributes are filled from a later request") {
  EngineFixture f;
  Case a = f.MustCreate(R"({"title": "a", "contacts": [{"key": "client", "email": "ann@example.com", "name": "Ann"}]})");
  CHECK_FALSE(a.contacts[0].phone.has_value());
  Case b = f.MustCreate(
      R"({"title": "b", "contacts": [{"key": "client", "email": "ann@example.com", "phone": "+32 2 555 01 02", "given_name": "Ann"}]})");
  CHECK(b.contacts[0].phone == "+32 2 555 01 02");
  CHECK(b.contacts[0].given_name == "Ann");
  CHECK(b.contacts[0].name == "Ann");
  // The contact is shared: the first case sees the filled phone too.
  CHECK(f.engine->Get(a.id)->contacts[0].phone == "+32 2 555 01 02");
  CHECK_FALSE(CreatedDetails(f, b).contains("ignored"));
}

TEST_CASE("a stored non-blank value is kept and the offered one recorded in history") {
  EngineFixture f;
  f.MustCreate(R"({"title": "a", "contacts": [{"key": "client", "email": "ann@example.com", "given_name": "Ann"}]})");
  Case b = f.MustCreate(
      R"({"title": "b", "contacts": [{"key": "client", "email": "ann@example.com", "given_name": "Anne", "family_name": "Lee"}]})");
  CHECK(b.contacts[0].given_name == "Ann");
  CHECK(b.contacts[0].family_name == "Lee");
  const json::object& details = CreatedDetails(f, b);
  REQUIRE(details.contains("ignored"));
  const json::array& ignored = details.at("ignored").as_array();
  REQUIRE(ignored.size() == 1);
  CHECK(ignored[0].at("path") == "contacts[0].given_name");
  CHECK(ignored[0].at("offered") == "Anne");
  CHECK(ignored[0].at("kept") == "Ann");
}

TEST_CASE("offering the stored value again records nothing") {
  EngineFixture f;
  f.MustCreate(R"({"title": "a", "contacts": [{"key": "client", "email": "ann@example.com", "given_name": "Ann"}]})");
  Case b = f.MustCreate(R"({"title": "b", "contacts": [{"key": "client", "email": "ann@example.com", "given_name": "Ann"}]})");
  CHECK_FALSE(CreatedDetails(f, b).contains("ignored"));
}

TEST_CASE("one email under two keys of a case is one contact in two roles") {
  EngineFixture f;
  Case c = f.MustCreate(R"({"title": "c", "contacts": [
      {"key": "client", "email": "ann@example.com"}, {"key": "payer", "email": "ANN@example.com"}]})");
  CHECK(ContactByKey(c, "client").id == ContactByKey(c, "payer").id);
}

TEST_CASE("a malformed contact email is refused naming it, and nothing is created") {
  EngineFixture f;
  auto draft = DraftFromJson(json::parse(R"({"title": "x", "contacts": [
      {"key": "client", "email": "ann@example.com"}, {"key": "payer", "email": "not-an-email"}]})"),
                             DraftKind::kCreate);
  REQUIRE(draft.ok());
  auto created = f.engine->Create(*draft);
  REQUIRE_FALSE(created.ok());
  CHECK(created.status().code() == Code::kValidationFailed);
  CHECK(created.status().field() == "contacts[1].email");
  // Neither the case nor its valid first contact was stored.
  testing::RawDatabase raw(f.path());
  CHECK(raw.Int("SELECT count(*) FROM contacts") == 0);
  CHECK(raw.Int("SELECT count(*) FROM cases") == 0);
}

TEST_CASE("duplicate contact keys in one case are refused") {
  EngineFixture f;
  auto draft = DraftFromJson(json::parse(R"({"title": "x", "contacts": [
      {"key": "client", "email": "a@example.com"}, {"key": "client", "email": "b@example.com"}]})"),
                             DraftKind::kCreate);
  REQUIRE(draft.ok());
  auto created = f.engine->Create(*draft);
  CHECK(created.status().field() == "contacts[1].key");
}

TEST_CASE("deduplication is per workspace") {
  EngineFixture f;
  REQUIRE(f.engine->CreateWorkspace("acme", "Acme").ok());
  Case here = f.MustCreate(R"({"title": "a", "contacts": [{"key": "client", "email": "ann@example.com", "name": "Ann"}]})");
  WriteOptions in_acme;
  in_acme.workspace = "acme";
  Case there = f.MustCreate(R"({"title": "b", "contacts": [{"key": "client", "email": "ann@example.com"}]})", in_acme);
  CHECK(here.contacts[0].id != there.contacts[0].id);
  CHECK_FALSE(there.contacts[0].name.has_value());  // nothing leaks across workspaces
}

TEST_CASE("owners and assignees are users deduplicated by email, blanks filled") {
  EngineFixture f;
  Case a = f.MustCreate(R"({"title": "a", "owner": {"email": "Sam@Example.com"}})");
  Case b = f.MustCreate(
      R"({"title": "b", "owner": {"email": "sam@example.com", "given_name": "Sam"}, "assignee_emails": ["SAM@example.com", "kim@example.com"]})");
  CHECK(a.owner->id == b.owner->id);
  CHECK(b.owner->given_name == "Sam");
  REQUIRE(b.assignees.size() == 2);
  CHECK(b.assignees[0].id == b.owner->id);
  CHECK(b.assignees[1].email == "kim@example.com");
  CHECK(f.engine->Get(a.id)->owner->given_name == "Sam");
}

TEST_CASE("repeated assignee emails make one assignee") {
  EngineFixture f;
  Case c = f.MustCreate(R"({"title": "c", "assignee_emails": ["kim@example.com", " KIM@example.com"]})");
  CHECK(c.assignees.size() == 1);
}

TEST_CASE("replacing a case keeps its own email-less contact under the same key") {
  EngineFixture f;
  Case c = f.MustCreate(R"({"title": "c", "contacts": [{"key": "witness", "name": "Bob"}]})");
  json::object patch{{"contacts", json::array{json::object{{"key", "witness"}, {"name", "Bob B."}}}}};
  auto patched = f.engine->Patch(c.id, patch);
  REQUIRE_MESSAGE(patched.ok(), patched.status().ToString());
  CHECK(patched->contacts[0].id == c.contacts[0].id);
  CHECK(patched->contacts[0].name == "Bob B.");
}

TEST_CASE("removing a contact from a case unlinks it without deleting it") {
  EngineFixture f;
  Case a = f.MustCreate(R"({"title": "a", "contacts": [{"key": "client", "email": "ann@example.com"}]})");
  Case b = f.MustCreate(R"({"title": "b", "contacts": [{"key": "client", "email": "ann@example.com"}]})");
  auto patched = f.engine->Patch(a.id, json::object{{"contacts", json::array{}}});
  REQUIRE(patched.ok());
  CHECK(patched->contacts.empty());
  CHECK(f.engine->Get(b.id)->contacts[0].id == b.contacts[0].id);
}

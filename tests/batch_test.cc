#include <doctest/doctest.h>

#include <SQLiteCpp/Database.h>

#include "fixture.h"

namespace casework {
namespace {

using testing::DraftOf;
using testing::EngineFixture;
using testing::MustGet;

std::int64_t CountCases(const EngineFixture& fx) {
  return testing::RawDatabase(fx.path()).Int("SELECT count(*) FROM cases");
}

TEST_CASE("CreateMany creates every draft and returns the ids in order") {
  EngineFixture fx;
  std::vector<CaseDraft> drafts;
  for (int i = 0; i < 50; ++i)
    drafts.push_back(DraftOf(R"({"title": "case )" + std::to_string(i) +
                             R"(", "contacts": [{"key": "client", "email": "shared@example.com"}]})"));
  auto ids = fx.engine->CreateMany(drafts);
  REQUIRE_MESSAGE(ids.ok(), ids.status().ToString());
  REQUIRE(ids->size() == 50);
  CHECK(MustGet(fx, (*ids)[7]).title == "case 7");
  CHECK((*ids)[0] < (*ids)[49]);  // UUIDv7: creation order
  // Deduplication works inside one batch too.
  CHECK(MustGet(fx, (*ids)[0]).contacts[0].id == MustGet(fx, (*ids)[49]).contacts[0].id);
  CHECK(testing::MustHistory(fx, (*ids)[3]).size() == 1);
}

TEST_CASE("CreateMany is all or nothing and names the draft that failed") {
  EngineFixture fx;
  std::vector<CaseDraft> drafts{DraftOf(R"({"title": "fine"})"),
                                DraftOf(R"({"title": "bad", "contacts": [{"key": "c", "email": "nope"}]})"),
                                DraftOf(R"({"title": "also fine"})")};
  auto ids = fx.engine->CreateMany(drafts);
  REQUIRE_FALSE(ids.ok());
  CHECK(ids.status().code() == Code::kValidationFailed);
  CHECK(ids.status().field() == "[1].contacts[0].email");
  CHECK(CountCases(fx) == 0);
}

TEST_CASE("CreateMany of nothing creates nothing") {
  EngineFixture fx;
  auto ids = fx.engine->CreateMany({});
  REQUIRE(ids.ok());
  CHECK(ids->empty());
}

}  // namespace
}  // namespace casework

// Shared test fixture: a fresh database in a private temporary directory and
// a clock that the test moves by hand.
#ifndef CASEWORK_TESTS_FIXTURE_H_
#define CASEWORK_TESTS_FIXTURE_H_

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <doctest/doctest.h>

#include "backend.h"
#include "casework/casework.h"

namespace casework::testing {

// A directory removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "casework-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// 2024-01-02T03:04:05Z, then whatever the test sets.
struct ManualClock {
  Timestamp now = Timestamp(std::chrono::milliseconds(1704164645000));
  void Advance(std::chrono::milliseconds by) { now += by; }
};

// Options for test databases: commits need not survive a power loss.
inline Options FastOptions() {
  Options options;
  options.durability = Durability::kNormal;
  return options;
}

// An engine on a fresh database (a file, or a database on the PostgreSQL
// server: backend.h), driven by a manual clock.
struct EngineFixture {
  TempDir dir;
  TestDatabase database{dir.path().string(), "cases.db"};
  std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
  std::unique_ptr<Engine> engine;

  EngineFixture() { Reopen(); }

  void Reopen() {
    engine.reset();
    Options options = FastOptions();
    auto c = clock;
    options.clock = [c] { return c->now; };
    auto opened = Engine::Open(options, path());
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    engine = std::move(opened).value();
  }

  const std::string& path() const { return database.path(); }

  // Creates a case from a JSON create payload; the test fails if it cannot.
  Case MustCreate(std::string_view payload, const WriteOptions& options = {}) {
    auto json = ParseJson(payload);
    REQUIRE_MESSAGE(json.ok(), json.status().ToString());
    auto draft = DraftFromJson(*json, DraftKind::kCreate);
    REQUIRE_MESSAGE(draft.ok(), draft.status().ToString());
    auto created = engine->Create(*draft, options);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    return std::move(created).value();
  }
};

inline boost::json::value ParseOrFail(std::string_view text) {
  Result<boost::json::value> parsed = ParseJson(text);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  return std::move(parsed).value();
}

inline boost::json::object ObjectOf(std::string_view text) {
  boost::json::value v = ParseOrFail(text);
  REQUIRE(v.is_object());
  return v.as_object();
}

inline CaseDraft DraftOf(std::string_view text, DraftKind kind = DraftKind::kCreate) {
  Result<CaseDraft> draft = DraftFromJson(ParseOrFail(text), kind);
  REQUIRE_MESSAGE(draft.ok(), draft.status().ToString());
  return std::move(draft).value();
}

inline Case MustGet(EngineFixture& fx, std::string_view id, const ReadOptions& options = {}) {
  Result<Case> got = fx.engine->Get(id, options);
  REQUIRE_MESSAGE(got.ok(), got.status().ToString());
  return std::move(got).value();
}

inline std::vector<Event> MustHistory(EngineFixture& fx, std::string_view id,
                                      const ReadOptions& options = {}) {
  Result<std::vector<Event>> events = fx.engine->History(id, options);
  REQUIRE_MESSAGE(events.ok(), events.status().ToString());
  return std::move(events).value();
}

}  // namespace casework::testing

#endif  // CASEWORK_TESTS_FIXTURE_H_

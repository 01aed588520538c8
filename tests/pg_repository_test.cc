// The PostgreSQL repository (storage/pg/repository.h), each test in a
// database of its own: what it writes reads back as written, version
// guards and row locks keep writers of one case apart, emails taken at once
// by two writers give one row, and the search document follows the case.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <tuple>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "casework/status.h"
#include "listing/filter.h"
#include "listing/pg_sql.h"
#include "pg_fixture.h"
#include "storage/case_rows.h"
#include "storage/pg/repository.h"
#include "uuid.h"

namespace pg = casework::storage::pg;
namespace storage = casework::storage;
namespace json = boost::json;
using casework::Case;
using casework::Code;
using casework::Field;
using casework::FieldType;
using casework::ParentStatus;
using casework::Step;
using casework::StepStatus;
using casework::Timestamp;
using casework::Uuid;
using pgtest::CodeOf;
using pgtest::FreshDatabase;
using storage::Access;
using storage::CaseKey;
using storage::Lock;

namespace {

using namespace std::chrono_literals;

Timestamp At(std::int64_t ms) { return storage::TimeFromMillis(ms); }

std::unique_ptr<pg::PostgresRepository> Open(const FreshDatabase& fresh,
                                             std::chrono::milliseconds busy_timeout = 5s) {
  casework::Options options;
  options.busy_timeout = busy_timeout;
  auto repository = pg::OpenRepository(fresh.uri(), options);
  return std::unique_ptr<pg::PostgresRepository>(
      static_cast<pg::PostgresRepository*>(repository.release()));
}

// Begin ... Commit on a repository, rolled back unless committed.
class Tx {
 public:
  Tx(storage::Repository& repository, Access access) : repository_(repository) {
    repository_.Begin(access);
  }
  ~Tx() {
    if (open_) repository_.Rollback();
  }
  // As storage::Transaction: a Commit that fails is rolled back too.
  void Commit() {
    repository_.Commit();
    open_ = false;
  }

 private:
  storage::Repository& repository_;
  bool open_ = true;
};

std::int64_t Scalar(pg::PostgresRepository& repository, const std::string& sql) {
  return repository.connection().RunDynamic(sql).Int(0, 0);
}

std::int64_t DefaultWorkspace(storage::Repository& repository) {
  Tx tx(repository, Access::kRead);
  return repository.FindWorkspaceBySlug("default").value().row;
}

storage::CaseRecord Record(std::string title) {
  storage::CaseRecord record;
  record.title = std::move(title);
  record.metadata = "{}";
  record.closure_conditions = "[]";
  return record;
}

storage::InitialState InProgress(std::string status = "open") {
  storage::InitialState state;
  state.status = std::move(status);
  state.parent_status = ParentStatus::kInProgress;
  return state;
}

// A case of `workspace` with `title` and nothing else, committed.
CaseKey CommittedCase(storage::Repository& repository, std::int64_t workspace, std::string title,
                      std::int64_t now = 1000, const Uuid& id = casework::RandomUuid()) {
  Tx tx(repository, Access::kWrite);
  CaseKey key =
      repository.InsertCase(workspace, id, Record(std::move(title)), InProgress(), At(now));
  tx.Commit();
  return key;
}

Field MakeField(std::string key, FieldType type, json::value value) {
  Field f;
  f.key = std::move(key);
  f.type = type;
  f.name = f.key + " label";
  f.value = std::move(value);
  return f;
}

// The uuids of the cases whose search document matches the tsquery `query`.
std::vector<std::string> Matching(pg::PostgresRepository& repository, const char* query) {
  auto rows = repository.connection().Run(
      "SELECT uuid FROM cases WHERE search @@ to_tsquery('simple', $1) ORDER BY uuid",
      pg::Params().Add(query));
  std::vector<std::string> ids;
  for (int i = 0; i < rows.size(); ++i) ids.push_back(rows.Text(i, 0));
  return ids;
}

// Waits until a backend of `fresh`'s database waits for a lock (at most
// five seconds): the writer racing the test's has reached its wait.
void AwaitLockWaiter(const FreshDatabase& fresh) {
  auto observer = pgtest::Connect(pgtest::ServerUri());
  for (int tries = 0; tries < 500; ++tries) {
    auto waiting = observer->Run(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
        pg::Params().Add(fresh.name()));
    if (waiting.Int(0, 0) > 0) return;
    std::this_thread::sleep_for(10ms);
  }
  FAIL("no writer waited for the lock");
}

}  // namespace

TEST_CASE("a case with every kind of child row reads back as written") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  const Uuid id = casework::RandomUuid(), owner_id = casework::RandomUuid();
  const Uuid template_id = casework::RandomUuid(), transition = casework::RandomUuid();
  CaseKey key, other;
  {
    Tx tx(*repository, Access::kWrite);
    std::int64_t owner = *repository->InsertUser(ws, owner_id, {"ann@example.org", "Ann", {}});
    std::int64_t assignee =
        *repository->InsertUser(ws, casework::RandomUuid(), {"bob@example.org", {}, "Bobson"});
    std::int64_t client = *repository->InsertContact(
        ws, casework::RandomUuid(), {"client", "c@example.org", "Cé", {}, {}, "+41 1"});
    std::int64_t witness = *repository->InsertContact(ws, casework::RandomUuid(),
                                                      {"witness", {}, {}, "Wil", "Wit", {}});
    storage::CaseRecord record = Record("Water damage");
    record.description = "kitchen";
    record.locale = "fr-CH";
    record.reference = "R-1";
    record.waiting_for = casework::WaitingFor::kContact;
    record.priority = casework::Priority::kHigh;
    record.owner = owner;
    record.metadata = R"({"source":"phone"})";
    record.closure_conditions = R"([{"name":"paid","formula":"=TRUE"}])";
    record.opened_at = At(1500);
    storage::InitialState state = InProgress("review");
    state.template_id = template_id;
    state.template_version = 3;
    storage::Restored restored{id, At(100), At(200), At(300), At(400), transition};
    state.restored = &restored;
    key = repository->InsertCase(ws, id, record, state, At(9999));
    other =
        repository->InsertCase(ws, casework::RandomUuid(), Record("other"), InProgress(), At(9999));

    repository->InsertAssignees(key, {assignee, owner});
    repository->InsertTags(key, {"b-tag", "a tag", "Zed"});
    repository->InsertContactLinks(key, {{"client", client, {}}, {"witness", witness, {}}});
    Field choice = MakeField("kind", FieldType::kChoice, "leak");
    choice.options = {"leak", "flood"};
    choice.required = true;
    repository->InsertFields(key,
                             {MakeField("amount", FieldType::kNumber, 12.5), choice,
                              MakeField("count", FieldType::kInteger, 3),
                              MakeField("note", FieldType::kText, "say \"hi\" \\ {x,y}"),
                              MakeField("urgent", FieldType::kBoolean, true),
                              MakeField("blob", FieldType::kJson, json::parse(R"({"a":[1,null]})")),
                              MakeField("empty", FieldType::kText, nullptr)});
    repository->InsertSteps(key, {Step{"call", "Call back", StepStatus::kDone, {{"by", "ann"}}},
                                  Step{"visit", "Visit", StepStatus::kTodo, {}}});
    repository->SetLinked(key, other, true);
    repository->SetLinked(key, other, true);  // already linked: nothing more
    tx.Commit();
  }

  Tx tx(*repository, Access::kRead);
  Case c = repository->LoadCase(key);
  CHECK(c.id == casework::UuidToString(id));
  CHECK(c.workspace.slug == "default");
  CHECK(c.title == "Water damage");
  CHECK(c.description == "kitchen");
  CHECK(c.locale == "fr-CH");
  CHECK(c.reference == "R-1");
  CHECK(c.status == "review");
  CHECK(c.parent_status == ParentStatus::kInProgress);
  CHECK(c.waiting_for == casework::WaitingFor::kContact);
  CHECK(c.priority == casework::Priority::kHigh);
  REQUIRE(c.owner);
  CHECK(c.owner->id == casework::UuidToString(owner_id));
  CHECK(c.owner->email == "ann@example.org");
  CHECK(c.owner->given_name == "Ann");
  CHECK(c.template_id == casework::UuidToString(template_id));
  CHECK(json::serialize(c.metadata) == R"({"source":"phone"})");
  REQUIRE(c.closure_conditions.size() == 1);
  CHECK(c.closure_conditions[0].formula == "=TRUE");
  CHECK(c.created_at == At(100));
  CHECK(c.updated_at == At(200));
  CHECK(c.opened_at == At(1500));
  CHECK(c.resolved_at == At(300));
  CHECK(c.archived_at == At(400));
  CHECK(c.version == 1);
  CHECK(c.last_transition_id == casework::UuidToString(transition));

  REQUIRE(c.assignees.size() == 2);
  CHECK(c.assignees[0].email == "bob@example.org");
  CHECK(c.assignees[0].family_name == "Bobson");
  CHECK(c.assignees[1].email == "ann@example.org");
  // By code point, as SQLite's BINARY: upper case first.
  CHECK(c.tags == std::vector<std::string>{"Zed", "a tag", "b-tag"});
  REQUIRE(c.contacts.size() == 2);
  CHECK(c.contacts[0].key == "client");
  CHECK(c.contacts[0].email == "c@example.org");
  CHECK(c.contacts[0].name == "Cé");
  CHECK(c.contacts[0].phone == "+41 1");
  CHECK(c.contacts[1].key == "witness");
  CHECK(!c.contacts[1].email);
  CHECK(c.contacts[1].family_name == "Wit");

  REQUIRE(c.schema.size() == 7);
  CHECK(c.schema[0].key == "amount");
  CHECK(c.schema[0].value == json::value(12.5));
  CHECK(c.schema[0].name == "amount label");
  CHECK(c.schema[1].type == FieldType::kChoice);
  CHECK(c.schema[1].required);
  CHECK(c.schema[1].options == std::vector<std::string>{"leak", "flood"});
  CHECK(c.schema[2].value == json::value(3));
  CHECK(c.schema[3].value == json::value("say \"hi\" \\ {x,y}"));
  CHECK(c.schema[4].value == json::value(true));
  CHECK(json::serialize(c.schema[5].value) == R"({"a":[1,null]})");
  CHECK(c.schema[6].value.is_null());
  CHECK(!c.schema[6].required);

  REQUIRE(c.steps.size() == 2);
  CHECK(c.steps[0].id == "call");
  CHECK(c.steps[0].status == StepStatus::kDone);
  CHECK(json::serialize(c.steps[0].data) == R"({"by":"ann"})");
  CHECK(c.steps[1].title == "Visit");

  Case linked = repository->LoadCase(other);
  CHECK(c.linked_cases == std::vector<std::string>{linked.id});
  CHECK(linked.linked_cases == std::vector<std::string>{c.id});
  CHECK(Scalar(*repository, "SELECT count(*) FROM case_links") == 2);
}

TEST_CASE("a field's typed value is in the column its type gives") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  CaseKey key = CommittedCase(*repository, ws, "typed");
  {
    Tx tx(*repository, Access::kWrite);
    repository->InsertFields(
        key, {MakeField("n", FieldType::kNumber, 2.25), MakeField("i", FieldType::kInteger, 7),
              MakeField("b", FieldType::kBoolean, false), MakeField("t", FieldType::kText, "x"),
              MakeField("d", FieldType::kDate, "2024-02-29"),
              MakeField("j", FieldType::kJson, json::array{1})});
    const Field text = MakeField("t", FieldType::kText, "y");
    const Field integer = MakeField("i", FieldType::kInteger, 8);
    const Field* updated[] = {&text, &integer};
    repository->UpdateFieldValues(key, updated);
    tx.Commit();
  }
  auto rows = repository->connection().RunDynamic(
      "SELECT key, typed_number, typed_text, position FROM case_fields ORDER BY position");
  REQUIRE(rows.size() == 6);
  CHECK(rows.Double(0, 1) == 2.25);
  CHECK(rows.IsNull(0, 2));
  CHECK(rows.Double(1, 1) == 8);
  CHECK(rows.Double(2, 1) == 0);
  CHECK(rows.IsNull(3, 1));
  CHECK(rows.View(3, 2) == "y");
  CHECK(rows.View(4, 2) == "2024-02-29");
  CHECK(rows.IsNull(5, 1));
  CHECK(rows.IsNull(5, 2));
  CHECK(rows.Int(5, 3) == 5);
}

TEST_CASE("updating field values writes those fields of that case alone") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  CaseKey first = CommittedCase(*repository, ws, "first");
  CaseKey second = CommittedCase(*repository, ws, "second");
  {
    Tx tx(*repository, Access::kWrite);
    for (const CaseKey& key : {first, second})
      repository->InsertFields(key, {MakeField("a", FieldType::kText, "a0"),
                                     MakeField("b", FieldType::kNumber, 1.5),
                                     MakeField("c", FieldType::kText, "c0")});
    const Field a = MakeField("a", FieldType::kText, "it's \"a1\"");
    const Field b = MakeField("b", FieldType::kNumber, json::value(nullptr));
    const Field* updated[] = {&a, &b};
    repository->UpdateFieldValues(first, updated);
    tx.Commit();
  }
  Case c = repository->LoadCase(first);
  REQUIRE(c.schema.size() == 3);
  CHECK(c.schema[0].value == json::value("it's \"a1\""));
  CHECK(c.schema[1].value.is_null());
  CHECK(c.schema[2].value == json::value("c0"));
  Case untouched = repository->LoadCase(second);
  CHECK(untouched.schema[0].value == json::value("a0"));
  CHECK(untouched.schema[1].value == json::value(1.5));
  auto typed = repository->connection().RunDynamic(
      "SELECT typed_text, typed_number IS NULL FROM case_fields "
      "WHERE case_id = " + std::to_string(first.row) + " ORDER BY position");
  CHECK(typed.View(0, 0) == "it's \"a1\"");
  CHECK(typed.Bool(1, 1));
}

TEST_CASE("an update with a stale version is refused with conflict") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  const Uuid id = casework::RandomUuid();
  CaseKey stale = CommittedCase(*repository, ws, "first", 1000, id);
  Tx tx(*repository, Access::kWrite);
  repository->UpdateCaseRecord(stale, Record("second"), At(2000));
  CHECK(repository->FindCase(ws, id, Lock::kNone)->version == 2);
  CHECK(CodeOf([&] { repository->TouchCase(stale, At(3000)); }) == Code::kConflict);
  CHECK(CodeOf([&] { repository->UpdateCaseRecord(stale, Record("third"), At(3000)); }) ==
        Code::kConflict);
  CHECK(CodeOf([&] {
          repository->SetStatus(stale, "done", ParentStatus::kClosed, At(3000),
                                casework::RandomUuid(), At(3000));
        }) == Code::kConflict);
  CHECK(CodeOf([&] { repository->SetArchivedAt(stale, At(3000), At(3000)); }) == Code::kConflict);
  CaseKey current = stale;
  current.version = 2;
  repository->SetStatus(current, "done", ParentStatus::kClosed, At(3000), casework::RandomUuid(),
                        At(3000));
  CHECK(repository->LoadCase(current).version == 3);
  CHECK(repository->LoadCase(current).resolved_at == At(3000));
}

TEST_CASE("a case found for update holds off another connection's writer until commit") {
  FreshDatabase fresh;
  auto first = Open(fresh);
  auto impatient = Open(fresh, 200ms);
  const std::int64_t ws = DefaultWorkspace(*first);
  const Uuid id = casework::RandomUuid();
  CaseKey created = CommittedCase(*first, ws, "contended", 1000, id);

  Tx writing(*first, Access::kWrite);
  CaseKey locked = first->FindCase(ws, id, Lock::kForUpdate).value();
  CHECK(locked.row == created.row);
  {
    Tx other(*impatient, Access::kWrite);
    // An unlocked read is not held off; a writer is, until busy_timeout.
    CHECK(impatient->FindCase(ws, id, Lock::kNone)->version == 1);
    CHECK(CodeOf([&] { impatient->FindCase(ws, id, Lock::kForUpdate); }) == Code::kBusy);
  }

  // A patient writer waits, and then reads the version the first wrote.
  auto patient = Open(fresh);
  auto waited = std::async(std::launch::async, [&] {
    Tx tx(*patient, Access::kWrite);
    return patient->FindCase(ws, id, Lock::kForUpdate).value().version;
  });
  AwaitLockWaiter(fresh);
  first->UpdateCaseRecord(locked, Record("changed"), At(2000));
  writing.Commit();
  CHECK(waited.get() == 2);
}

TEST_CASE("of two connections inserting one email at once, the second is told to find the first's row") {
  FreshDatabase fresh;
  auto first = Open(fresh);
  auto second = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*first);

  Tx writing(*first, Access::kWrite);
  std::int64_t user = *first->InsertUser(ws, casework::RandomUuid(), {"same@example.org", "A", {}});
  std::int64_t contact = *first->InsertContact(ws, casework::RandomUuid(),
                                               {"client", "same@example.org", "A", {}, {}, {}});
  // The second writer's inserts wait for the first to commit, insert
  // nothing, and then find its rows.
  auto racing = std::async(std::launch::async, [&] {
    Tx tx(*second, Access::kWrite);
    auto u = second->InsertUser(ws, casework::RandomUuid(), {"same@example.org", {}, {}});
    auto c = second->InsertContact(ws, casework::RandomUuid(),
                                   {"other", "same@example.org", {}, {}, {}, {}});
    auto found_user = second->FindUser(ws, "same@example.org");
    auto found_contact = second->FindContactByEmail(ws, "same@example.org");
    tx.Commit();
    return std::tuple{u, c, found_user ? found_user->row : 0,
                      found_contact ? found_contact->row : 0};
  });
  AwaitLockWaiter(fresh);
  writing.Commit();
  auto [raced_user, raced_contact, found_user, found_contact] = racing.get();
  CHECK_FALSE(raced_user.has_value());
  CHECK_FALSE(raced_contact.has_value());
  CHECK(found_user == user);
  CHECK(found_contact == contact);
  CHECK(Scalar(*first, "SELECT count(*) FROM users") == 1);
  CHECK(Scalar(*first, "SELECT count(*) FROM contacts") == 1);

  // Contacts without an email are never merged.
  Tx tx(*first, Access::kWrite);
  CHECK(first->InsertContact(ws, casework::RandomUuid(), {"a", {}, "N", {}, {}, {}}) !=
        first->InsertContact(ws, casework::RandomUuid(), {"a", {}, "N", {}, {}, {}}));
}

TEST_CASE("a rolled back transaction leaves nothing") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  const Uuid workspace_id = casework::RandomUuid(), case_id = casework::RandomUuid();
  {
    Tx tx(*repository, Access::kWrite);
    repository->InsertWorkspace(workspace_id, "scratch", "Scratch", At(1));
    repository->InsertUser(ws, casework::RandomUuid(), {"gone@example.org", {}, {}});
    CaseKey key = repository->InsertCase(ws, case_id, Record("gone"), InProgress(), At(1));
    repository->InsertTags(key, {"t"});
    repository->InsertEvent(key, {1, At(1), "system", "created", "[]", "{}"});
  }  // rolled back
  {
    Tx tx(*repository, Access::kRead);
    CHECK(!repository->FindWorkspaceById(workspace_id));
    CHECK(!repository->FindWorkspaceBySlug("scratch"));
    CHECK(!repository->FindUser(ws, "gone@example.org"));
    CHECK(!repository->FindCase(ws, case_id, Lock::kNone));
    CHECK(repository->CountCases(ws) == 0);
  }
  for (const char* table : {"cases", "case_tags", "case_events", "users", "case_counts"})
    CHECK(Scalar(*repository, std::string("SELECT count(*) FROM ") + table) == 0);
  // What the rolled back transaction marked for search is forgotten: the
  // next one commits.
  CommittedCase(*repository, ws, "kept");
  CHECK(Scalar(*repository, "SELECT count(*) FROM cases") == 1);
}

TEST_CASE("a transaction a failed statement aborted refuses to commit, and ends") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  const Uuid id = casework::RandomUuid();
  CommittedCase(*repository, ws, "taken", 1000, id);
  repository->Begin(Access::kWrite);
  repository->InsertCase(ws, casework::RandomUuid(), Record("lost with the rest"), InProgress(),
                         At(1));
  CHECK(CodeOf([&] { repository->InsertCase(ws, id, Record("same id"), InProgress(), At(1)); }) ==
        Code::kStorageError);
  CHECK(CodeOf([&] { repository->Commit(); }) == Code::kStorageError);
  // No transaction is left open, even before the guard's Rollback.
  CHECK(Scalar(*repository, "SELECT count(*) FROM cases") == 1);
  repository->Rollback();
  CommittedCase(*repository, ws, "next");
  CHECK(Scalar(*repository, "SELECT count(*) FROM cases") == 2);
}

TEST_CASE("rolling back after the connection was lost neither throws nor hangs") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  auto admin = pgtest::Connect(fresh.uri());
  const std::int64_t ws = DefaultWorkspace(*repository);
  repository->Begin(Access::kWrite);
  const std::int64_t pid = Scalar(*repository, "SELECT pg_backend_pid()");
  admin->Run("SELECT pg_terminate_backend($1::int)", pg::Params().Add(pid));
  CHECK(CodeOf([&] { repository->CountCases(ws); }) == Code::kStorageError);
  repository->Rollback();
  CHECK(!repository->connection().alive());
}

TEST_CASE("the search document finds a case by an unaccented word and by its contacts' names") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  CaseKey key;
  std::int64_t contact = 0;
  {
    Tx tx(*repository, Access::kWrite);
    storage::CaseRecord record = Record("Dégât des eaux à Genève");
    record.reference = "REF-77";
    key = repository->InsertCase(ws, casework::RandomUuid(), record, InProgress(), At(1));
    contact = *repository->InsertContact(ws, casework::RandomUuid(),
                                         {"client", {}, {}, "Élodie", "Müller", {}});
    repository->InsertContactLinks(key, {{"client", contact, {}}});
    tx.Commit();
  }
  const auto found = Matching(*repository, "geneve");
  REQUIRE(found.size() == 1);
  const std::string id = found[0];
  CHECK(Matching(*repository, "degat & eaux").size() == 1);
  CHECK(Matching(*repository, "elodie & muller") == std::vector<std::string>{id});
  CHECK(Matching(*repository, "ref-77").size() == 1);
  CHECK(Matching(*repository, "nothing").empty());

  {  // Renaming the contact changes the document of every case linking it.
    Tx tx(*repository, Access::kWrite);
    repository->UpdateContact(ws, {contact, {}, {}, "Zoé", "Müller", {}});
    tx.Commit();
  }
  CHECK(Matching(*repository, "zoe") == std::vector<std::string>{id});
  CHECK(Matching(*repository, "elodie").empty());

  {  // So do a new title and unlinking the contacts.
    Tx tx(*repository, Access::kWrite);
    repository->UpdateCaseRecord(key, Record("Incendie"), At(2));
    repository->DeleteChildren(key, storage::Children::kContacts);
    tx.Commit();
  }
  CHECK(Matching(*repository, "incendie") == std::vector<std::string>{id});
  CHECK(Matching(*repository, "geneve").empty());
  CHECK(Matching(*repository, "zoe").empty());
}

TEST_CASE("events read back oldest first, numbered from 1") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  CaseKey key = CommittedCase(*repository, ws, "history");
  {
    Tx tx(*repository, Access::kWrite);
    repository->InsertEvent(key, {1, At(10), "system", "created", R"([{"path":"title"}])", "{}"});
    // The seq given is ignored: each event is numbered next.
    repository->AppendEvent(key,
                            {9, At(20), "ann@example.org", "patched", "[]", R"({"ignored":[]})"});
    repository->AppendEvent(key, {0, At(30), "system", "archived", "[]", "{}"});
    tx.Commit();
  }
  Tx tx(*repository, Access::kRead);
  auto events = repository->LoadEvents(key);
  REQUIRE(events.size() == 3);
  CHECK(events[0].seq == 1);
  CHECK(events[0].kind == "created");
  CHECK(events[0].changes == R"([{"path":"title"}])");
  CHECK(events[1].at == At(20));
  CHECK(events[1].actor == "ann@example.org");
  CHECK(events[1].details == R"({"ignored":[]})");
  CHECK(events[1].seq == 2);
  CHECK(events[2].seq == 3);
  CHECK(events[2].kind == "archived");
}

TEST_CASE("templates insert at version 1, update to the next, and refuse a stale update") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  const Uuid id = casework::RandomUuid();
  {
    Tx tx(*repository, Access::kWrite);
    repository->InsertTemplate(ws, id, "Claims", R"({"v":1})", At(100));
    repository->InsertTemplate(ws, casework::RandomUuid(), "Appeals", "{}", At(100));
    tx.Commit();
  }
  Tx tx(*repository, Access::kWrite);
  storage::StoredTemplate first = repository->FindTemplate(ws, id).value();
  CHECK(first.version == 1);
  CHECK(first.name == "Claims");
  CHECK(first.definition == R"({"v":1})");
  CHECK(first.workspace.slug == "default");
  CHECK(first.created_at == At(100));

  repository->UpdateTemplate(ws, first, "Claims 2", R"({"v":2})", At(200));
  storage::StoredTemplate second = repository->FindTemplate(ws, id).value();
  CHECK(second.version == 2);
  CHECK(second.name == "Claims 2");
  CHECK(second.definition == R"({"v":2})");
  CHECK(second.created_at == At(100));
  CHECK(second.updated_at == At(200));
  CHECK(CodeOf([&] { repository->UpdateTemplate(ws, first, "late", "{}", At(300)); }) ==
        Code::kConflict);

  auto all = repository->ListTemplates(ws);
  REQUIRE(all.size() == 2);
  CHECK(all[0].name == "Appeals");
  CHECK(all[1].name == "Claims 2");
  CHECK(!repository->FindTemplate(ws, casework::RandomUuid()));

  // A case keeps the definition of the version it was created from.
  storage::InitialState state = InProgress();
  state.template_id = id;
  state.template_version = 1;
  CaseKey from_first =
      repository->InsertCase(ws, casework::RandomUuid(), Record("c"), state, At(1));
  CHECK(repository->CaseTemplateDefinition(from_first) == R"({"v":1})");
  CaseKey without =
      repository->InsertCase(ws, casework::RandomUuid(), Record("c"), InProgress(), At(1));
  CHECK(!repository->CaseTemplateDefinition(without));
}

TEST_CASE("workspaces, and cases found in any of them, counted and visited in order") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  const Uuid other_id = casework::RandomUuid();
  {
    Tx tx(*repository, Access::kWrite);
    repository->InsertWorkspace(other_id, "a-team", "A team", At(5));
    tx.Commit();
  }
  std::int64_t other = 0;
  {
    Tx tx(*repository, Access::kRead);
    auto found = repository->FindWorkspaceById(other_id).value();
    other = found.row;
    CHECK(found.workspace.slug == "a-team");
    CHECK(found.workspace.name == "A team");
    auto all = repository->ListWorkspaces();
    REQUIRE(all.size() == 2);
    CHECK(all[0].slug == "a-team");
    CHECK(all[1].slug == "default");
  }
  CaseKey late = CommittedCase(*repository, ws, "late", 3000);
  CaseKey early = CommittedCase(*repository, ws, "early", 1000);
  CaseKey elsewhere = CommittedCase(*repository, other, "elsewhere", 2000);

  Tx tx(*repository, Access::kRead);
  CHECK(repository->CountCases(ws) == 2);
  CHECK(repository->CountCases(other) == 1);
  Uuid elsewhere_id = casework::UuidFromString(repository->LoadCase(elsewhere).id).value();
  auto found = repository->FindCaseInAnyWorkspace(elsewhere_id).value();
  CHECK(found.workspace == other);
  CHECK(found.row == elsewhere.row);
  CHECK(!repository->FindCase(ws, elsewhere_id, Lock::kNone));

  std::vector<std::int64_t> visited;
  repository->ForEachCase(ws, [&](const CaseKey& key, const Uuid& id) {
    CHECK(key.workspace == ws);
    CHECK(casework::UuidToString(id) == repository->LoadCase(key).id);
    visited.push_back(key.row);
  });
  CHECK(visited == std::vector<std::int64_t>{early.row, late.row});
  visited.clear();
  repository->ForEachCase(std::nullopt,
                          [&](const CaseKey& key, const Uuid&) { visited.push_back(key.row); });
  CHECK(visited == std::vector<std::int64_t>{late.row, early.row, elsewhere.row});
}

TEST_CASE("visiting every case reads them in batches, and a visit may stop it") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  {
    Tx tx(*repository, Access::kWrite);
    for (int i = 0; i < 1203; ++i)
      repository->InsertCase(ws, casework::RandomUuid(), Record("c"), InProgress(), At(i));
    tx.Commit();
  }
  Tx tx(*repository, Access::kRead);
  std::int64_t count = 0, last = -1;
  bool ordered = true;
  repository->ForEachCase(ws, [&](const CaseKey& key, const Uuid&) {
    ++count;
    ordered = ordered && key.row > last;
    last = key.row;
  });
  CHECK(count == 1203);
  CHECK(ordered);
  // A visit that throws closes the cursor: the next one can open it again.
  CHECK_THROWS_AS(repository->ForEachCase(
                      ws, [](const CaseKey&, const Uuid&) { throw std::runtime_error("stop"); }),
                  std::runtime_error);
  count = 0;
  repository->ForEachCase(std::nullopt, [&](const CaseKey&, const Uuid&) { ++count; });
  CHECK(count == 1203);
}

TEST_CASE("a contact without email is the case's own, found under its key") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  CaseKey key = CommittedCase(*repository, ws, "own");
  Tx tx(*repository, Access::kWrite);
  std::int64_t own =
      *repository->InsertContact(ws, casework::RandomUuid(), {"witness", {}, "Wil", {}, {}, "1"});
  std::int64_t shared = *repository->InsertContact(ws, casework::RandomUuid(),
                                                  {"client", "x@example.org", "X", {}, {}, {}});
  repository->InsertContactLinks(key, {{"witness", own, {}}, {"client", shared, {}}});
  auto found = repository->FindOwnContact(key, "witness").value();
  CHECK(found.row == own);
  CHECK(found.name == "Wil");
  CHECK(found.phone == "1");
  CHECK(!repository->FindOwnContact(key, "client"));
  auto by_email = repository->FindContactByEmail(ws, "x@example.org").value();
  CHECK(by_email.row == shared);
  CHECK(!repository->FindContactByEmail(ws, "y@example.org"));

  repository->UpdateUserNames(
      ws, {*repository->InsertUser(ws, casework::RandomUuid(), {"u@example.org", {}, {}}),
           {},
           "Given",
           "Family"});
  auto user = repository->FindUser(ws, "u@example.org").value();
  CHECK(user.given_name == "Given");
  CHECK(user.family_name == "Family");
}

TEST_CASE("storage checks report a kept count that is not the number of cases") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  CommittedCase(*repository, ws, "counted");
  {
    Tx tx(*repository, Access::kRead);
    CHECK(repository->CheckStorage().empty());
  }
  repository->connection().RunDynamic("UPDATE case_counts SET n = 5");
  Tx tx(*repository, Access::kRead);
  auto problems = repository->CheckStorage();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].check == "case_counts");
  CHECK(problems[0].message == "the count kept for workspace row " + std::to_string(ws) +
                                   ", status \"open\" (in_progress), not archived, is not the "
                                   "number of its cases");
}

// The list tests run where the PostgreSQL dialect of listing
// (listing/pg_sql.cc) is built in.
bool PostgresListingBuiltIn() {
  auto filter = casework::listing::DescribeList(casework::ListQuery{});
  return CodeOf([&] { casework::listing::PostgresList(filter); }) == Code::kOk;
}

TEST_CASE("a list reads the total and the page, and pages on after a cursor") {
  if (!PostgresListingBuiltIn()) {
    MESSAGE("listing/pg_sql.cc is not built in: skipped");
    return;
  }
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  std::vector<CaseKey> keys;
  std::vector<Uuid> ids;
  for (int i = 0; i < 12; ++i) {
    ids.push_back(casework::RandomUuid());
    keys.push_back(CommittedCase(*repository, ws, "c", 1000 + i, ids.back()));
  }

  Tx tx(*repository, Access::kRead);
  casework::ListQuery query;
  storage::ListRows first = repository->List(casework::listing::DescribeList(query), ws);
  CHECK(first.total == 12);
  CHECK(!first.not_after_cursor);
  REQUIRE(first.cases.size() == 11);          // a page of 10, and one that says more follow
  CHECK(first.cases[0].row == keys[11].row);  // newest first
  CHECK(first.cases[0].id == ids[11]);
  CHECK(first.cases[0].key == casework::SqlValue(std::int64_t{1011}));

  // After the tenth case: the two oldest.
  query.after = casework::EncodeCursor("-created_at", std::int64_t{1002}, ids[2], 10);
  storage::ListRows next = repository->List(casework::listing::DescribeList(query), ws);
  CHECK(next.total == 12);
  REQUIRE(next.cases.size() == 2);
  CHECK(next.cases[0].row == keys[1].row);
  CHECK(next.cases[1].row == keys[0].row);
  // A cursor without its position: the count says how many came before.
  query.after = casework::EncodeCursor("-created_at", std::int64_t{1002}, ids[2], std::nullopt);
  CHECK(repository->List(casework::listing::DescribeList(query), ws).not_after_cursor == 10);

  query.after.reset();
  query.page_number = 3;  // past the end: the total, and no page read
  storage::ListRows past = repository->List(casework::listing::DescribeList(query), ws);
  CHECK(past.total == 12);
  CHECK(past.cases.empty());
}

TEST_CASE("a list by a data field reads each sort key as its type") {
  if (!PostgresListingBuiltIn()) {
    MESSAGE("listing/pg_sql.cc is not built in: skipped");
    return;
  }
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  std::vector<CaseKey> keys;
  for (int i = 0; i < 4; ++i) keys.push_back(CommittedCase(*repository, ws, "c", 1000 + i));
  {
    Tx tx(*repository, Access::kWrite);
    repository->InsertFields(keys[0], {MakeField("amount", FieldType::kNumber, 2.5)});
    repository->InsertFields(keys[1], {MakeField("amount", FieldType::kInteger, 3)});
    repository->InsertFields(keys[2], {MakeField("amount", FieldType::kText, "x")});
    tx.Commit();
  }
  Tx tx(*repository, Access::kRead);
  casework::ListQuery query;
  query.sort = "data.amount";
  storage::ListRows listed = repository->List(casework::listing::DescribeList(query), ws);
  REQUIRE(listed.cases.size() == 4);
  // Absent first, then numbers, then text.
  CHECK(listed.cases[0].row == keys[3].row);
  CHECK(listed.cases[0].key == casework::SqlValue(nullptr));
  CHECK(listed.cases[1].key == casework::SqlValue(2.5));
  CHECK(listed.cases[2].key == casework::SqlValue(std::int64_t{3}));
  CHECK(listed.cases[3].key == casework::SqlValue(std::string("x")));
}

TEST_CASE("a list's search reads the document the repository keeps") {
  if (!PostgresListingBuiltIn()) {
    MESSAGE("listing/pg_sql.cc is not built in: skipped");
    return;
  }
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  CaseKey flood = CommittedCase(*repository, ws, "Dégât des eaux à Genève");
  CommittedCase(*repository, ws, "Incendie");
  {
    Tx tx(*repository, Access::kWrite);
    std::int64_t contact = *repository->InsertContact(ws, casework::RandomUuid(),
                                                      {"client", {}, {}, "Élodie", "Müller", {}});
    repository->InsertContactLinks(flood, {{"client", contact, {}}});
    tx.Commit();
  }
  Tx tx(*repository, Access::kRead);
  casework::ListQuery query;
  for (const char* words : {"genev", "DEGAT eaux", "elodie muller"}) {
    CAPTURE(words);
    query.q = words;
    storage::ListRows found = repository->List(casework::listing::DescribeList(query), ws);
    CHECK(found.total == 1);
    REQUIRE(found.cases.size() == 1);
    CHECK(found.cases[0].row == flood.row);
  }
  query.q = "genève incendie";
  CHECK(repository->List(casework::listing::DescribeList(query), ws).total == 0);
}

namespace {

// The plan of `sql` on the repository's connection, in its transaction.
std::string Plan(pg::PostgresRepository& repository, const std::string& sql) {
  auto rows = repository.connection().RunDynamic("EXPLAIN " + sql);
  std::string plan;
  for (int i = 0; i < rows.size(); ++i) plan += rows.Text(i, 0) + "\n";
  return plan;
}

}  // namespace

// Without statistics, a lookup by uuid in a new database may take any index
// leading with workspace_id and read the whole workspace; autovacuum sees
// only committed rows, so an import that fills the database must refresh
// them itself.
TEST_CASE("a transaction filling a new database analyzes it: lookups then take their unique index") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  Tx tx(*repository, Access::kWrite);
  const std::string before =
      Plan(*repository, "SELECT id FROM cases WHERE workspace_id = " + std::to_string(ws) +
                            " AND uuid = '01890000-0000-7000-8000-000000000000'");
  for (int i = 0; i < 1000; ++i)
    repository->InsertCase(ws, casework::RandomUuid(), Record("case " + std::to_string(i)),
                           InProgress(), At(1000 + i));
  CHECK(Scalar(*repository, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'cases'") ==
        1000);
  const std::string after =
      Plan(*repository, "SELECT id FROM cases WHERE workspace_id = " + std::to_string(ws) +
                            " AND uuid = '01890000-0000-7000-8000-000000000000'");
  CAPTURE(before);
  CAPTURE(after);
  CHECK(after.find("uuid = '01890000-0000-7000-8000-000000000000'::uuid") != std::string::npos);
  CHECK(after.find("Index Cond") < after.find("uuid ="));
  CHECK(after.find("Filter") == std::string::npos);
}

TEST_CASE("a transaction inserting fewer cases than the statistics describe does not analyze") {
  FreshDatabase fresh;
  auto repository = Open(fresh);
  const std::int64_t ws = DefaultWorkspace(*repository);
  // Only the repository may analyze here.
  repository->connection().Exec("ALTER TABLE cases SET (autovacuum_enabled = false)");
  auto described = [&] {
    return Scalar(*repository, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'cases'");
  };
  for (const char* title : {"first", "second"}) {
    Tx tx(*repository, Access::kWrite);
    for (int i = 0; i < 1000; ++i)
      repository->InsertCase(ws, casework::RandomUuid(), Record(title), InProgress(), At(1));
    tx.Commit();
  }
  // The first thousand were analyzed; the second are no more than the
  // statistics already describe.
  CHECK(described() == 1000);
  CHECK(Scalar(*repository, "SELECT count(*) FROM cases") == 2000);
}

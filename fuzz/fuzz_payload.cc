// Fuzz target: the JSON payloads of create, replace, patch, update-data and
// template create, from text through the engine into the database.
//
// Input: one byte choosing the operation, then the payload's JSON text; or,
// for operation 5, raw text lines that go straight into a CaseDraft and the
// other C++ arguments (title, description, reference, tag, metadata key,
// a text field's value, a step's title, the actor, a transition's reason;
// an id and a transition target), bytes the JSON parser would never let
// through.
// Oracles, beyond the sanitizers:
//   - a refusal is a typed input error (never storage_error or busy: bad
//     input must not reach SQLite as an error);
//   - whatever the engine returns, and the case's history, read back as JSON;
//   - a case as fetched decodes as a replace payload, and replacing the case
//     with it changes nothing;
//   - Verify finds the file sound (checked before each fresh file, every
//     2048 inputs, and at exit).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "casework/casework.h"
#include "fuzz_common.h"

namespace {

using namespace casework;
namespace json = boost::json;

constexpr std::string_view kExisting = R"({
  "title": "Existing", "reference": "REF-1", "priority": "low",
  "owner": {"email": "owner@example.com"},
  "contacts": [{"key": "client", "email": "client@example.com", "name": "Cleo"}],
  "schema": [{"key": "amount", "type": "number", "value": 1},
             {"key": "policy", "type": "text"},
             {"key": "kind", "type": "choice", "options": ["a", "b"]},
             {"key": "blob", "type": "json"}],
  "steps": [{"id": "s1", "title": "One"}],
  "metadata": {"source": "web"}
})";

struct State {
  fuzz::Scratch scratch;
  std::string existing;
  std::uint64_t inputs = 0;

  State() { Seed(); }
  ~State() { scratch.CheckSound(); }
  void Seed() { existing = fuzz::MustCreate(scratch.engine(), kExisting).id; }
  void Reset() {
    scratch.CheckSound();
    scratch.Reset();
    Seed();
  }
};

State& Shared() {
  static State state;
  return state;
}

// The case as fetched is a replace payload that changes nothing.
void CheckRoundTrip(Engine& engine, const std::string& id) {
  auto fetched = engine.Get(id);
  if (!fetched.ok()) fuzz::Finding("cannot get a case just written: " + fetched.status().ToString());
  json::value shape = json::value_from(*fetched);
  fuzz::CheckReturned(shape, "get");
  auto history = engine.History(id);
  if (!history.ok()) fuzz::Finding("cannot read the history: " + history.status().ToString());
  fuzz::CheckReturned(json::value_from(*history), "history");
  auto draft = DraftFromJson(shape, DraftKind::kReplace);
  if (!draft.ok())
    fuzz::Finding("a fetched case is not a replace payload: " + draft.status().ToString() + "\n" +
                  ToJsonText(shape).substr(0, 2000));
  auto replaced = engine.Replace(id, *draft);
  if (!replaced.ok())
    fuzz::Finding("replacing a case with itself failed: " + replaced.status().ToString() + "\n" +
                  ToJsonText(shape).substr(0, 2000));
  if (replaced->version != fetched->version)
    fuzz::Finding("replacing a case with itself changed it\n" + ToJsonText(shape).substr(0, 2000) +
                  "\n" + ToJsonText(json::value_from(*replaced)).substr(0, 2000));
}

void CheckCase(Engine& engine, const Result<Case>& result, std::string_view what) {
  if (!result.ok()) {
    fuzz::CheckInputError(result.status(), what);
    fuzz::CheckWritesJson(json::value_from(result.status()), what);
    return;
  }
  fuzz::CheckReturned(json::value_from(*result), what);
  CheckRoundTrip(engine, result->id);
}

// Operation 5: raw bytes through the C++ API.
void RawDraft(State& state, std::string_view text) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    std::size_t end = text.find('\n', start);
    parts.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  parts.resize(9);
  Engine& engine = state.scratch.engine();
  CaseDraft draft;
  draft.title = parts[0];
  draft.description = parts[1];
  draft.reference = parts[2];
  if (!parts[3].empty()) draft.tags = {parts[3]};
  if (!parts[4].empty()) draft.metadata[parts[4]] = parts[1];
  Field field;
  field.key = "text";
  field.type = FieldType::kText;
  field.value = parts[5];
  draft.schema = {field};
  draft.steps = {Step{"s", parts[6], StepStatus::kTodo, {}}};
  WriteOptions write;
  write.actor = parts[7];
  auto created = engine.Create(draft, write);
  CheckCase(engine, created, "raw create");
  const std::string& id = created.ok() ? created->id : state.existing;
  TransitionRequest request;
  request.to = "pending";
  request.reason = parts[8];
  auto moved = engine.Transition(id, request, write);
  if (!moved.ok()) fuzz::CheckInputError(moved.status(), "raw transition");
  CheckCase(engine, engine.UpdateData(id, json::object{{"text", parts[2]}}, write), "raw update-data");
  StepChange change;
  change.title = parts[0];
  change.data = json::object{{parts[4], parts[3]}};
  CheckCase(engine, engine.UpdateStep(id, "s", change, write), "raw update-step");
  // Raw bytes as an id and as a transition target: the errors quote them,
  // and must still be JSON.
  auto missing = engine.Get(parts[2]);
  if (!missing.ok()) fuzz::CheckWritesJson(json::value_from(missing.status()), "raw get");
  request.to = parts[3];
  auto refused = engine.Transition(id, request);
  if (!refused.ok()) fuzz::CheckWritesJson(json::value_from(refused.status()), "raw transition");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  State& state = Shared();
  // A fresh file now and then, checked first; a fresh case to change more
  // often, so that its history (read back by every check) stays short.
  if (++state.inputs % 2048 == 0) state.Reset();
  if (state.inputs % 64 == 0) state.Seed();
  Engine& engine = state.scratch.engine();

  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 6 == 5) {
    RawDraft(state, text);
    return 0;
  }
  Result<json::value> payload = ParseJson(text);
  if (!payload.ok()) {
    fuzz::CheckInputError(payload.status(), "ParseJson");
    return 0;
  }
  switch (data[0] % 6) {
    case 0: {
      auto draft = DraftFromJson(*payload, DraftKind::kCreate);
      if (!draft.ok()) return fuzz::CheckInputError(draft.status(), "DraftFromJson"), 0;
      CheckCase(engine, engine.Create(*draft), "create");
      break;
    }
    case 1: {
      auto draft = DraftFromJson(*payload, DraftKind::kReplace);
      if (!draft.ok()) return fuzz::CheckInputError(draft.status(), "DraftFromJson"), 0;
      CheckCase(engine, engine.Replace(state.existing, *draft), "replace");
      break;
    }
    case 2:
      if (!payload->is_object()) return 0;
      CheckCase(engine, engine.Patch(state.existing, payload->get_object()), "patch");
      break;
    case 3:
      if (!payload->is_object()) return 0;
      CheckCase(engine, engine.UpdateData(state.existing, payload->get_object()), "update-data");
      break;
    default: {
      auto draft = TemplateDraftFromJson(*payload);
      if (!draft.ok()) return fuzz::CheckInputError(draft.status(), "TemplateDraftFromJson"), 0;
      auto created = engine.CreateTemplate(*draft);
      if (!created.ok()) return fuzz::CheckInputError(created.status(), "template create"), 0;
      fuzz::CheckReturned(json::value_from(*created), "template create");
      break;
    }
  }
  return 0;
}

// The C API (casework/c.h): JSON text in, JSON text out, over the same
// documents the command line prints (documents.h). Every entry point runs
// its work inside Guard, so that no exception crosses into C.
#include "casework/c.h"

#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json.hpp>

#include "casework/engine.h"
#include "casework/json.h"
#include "documents.h"
#include "json/decode.h"
#include "version.h"

// The opaque handle of c.h: the engine it owns.
struct casework_db {
  std::unique_ptr<casework::Engine> engine;
};

namespace casework {
namespace {

namespace json = boost::json;
using json_internal::ObjectReader;
using documents::Document;

// A copy of `text` the caller frees with casework_free (std::free), or
// nullptr when memory runs out.
char* CopyOut(std::string_view text) {
  char* copy = static_cast<char*>(std::malloc(text.size() + 1));
  if (copy == nullptr) return nullptr;
  std::memcpy(copy, text.data(), text.size());
  copy[text.size()] = '\0';
  return copy;
}

casework_result Failure(const Status& status) {
  casework_result result{static_cast<casework_code>(status.code()), nullptr, nullptr, nullptr};
  result.error = CopyOut(ToJsonText(json::object{{"error", json::value_from(status)}}));
  result.message = CopyOut(status.ToString());
  return result;
}

// Out of memory while reporting: the code alone, no strings.
casework_result OutOfMemory() {
  return {CASEWORK_STORAGE_ERROR, nullptr, nullptr, nullptr};
}

casework_result Success(std::string_view text) {
  casework_result result{CASEWORK_OK, CopyOut(text), nullptr, nullptr};
  if (result.json == nullptr) return OutOfMemory();
  return result;
}

casework_result FromDocument(const Document& document) {
  if (!document.ok()) return Failure(document.status());
  return Success(ToJsonText(*document));
}

// Runs `work` (returning a casework_result) so that nothing escapes: a
// casework::Error (a decoder's) is its Status, anything else a storage error.
template <typename Work>
casework_result Guard(Work&& work) noexcept {
  try {
    try {
      return work();
    } catch (const Error& error) {
      return Failure(error.status());
    } catch (const std::bad_alloc&) {
      return Failure(Status::StorageError("out of memory"));
    } catch (const std::exception& error) {
      return Failure(Status::StorageError(std::string("internal error: ") + error.what()));
    } catch (...) {
      return Failure(Status::StorageError("internal error"));
    }
  } catch (...) {
    return OutOfMemory();  // reporting the error failed too
  }
}

// Throws kValidationFailed naming `name` when a required argument is NULL.
template <typename T>
T* Required(T* argument, const char* name) {
  if (argument == nullptr) {
    throw Error(Status::ValidationFailed(name, std::string(name) + " must not be NULL"));
  }
  return argument;
}

// A handle always holds its engine: casework_open makes it only from one.
Engine& EngineOf(casework_db* db, const char* name = "db") { return *Required(db, name)->engine; }

// Parses the JSON text of argument `name`; its errors name the argument.
json::value ParseArgument(const char* text, const char* name) {
  auto parsed = ParseJson(Required(text, name));
  if (!parsed.ok()) {
    const Status& status = parsed.status();
    const std::string field = status.field().empty() ? name : status.field();
    throw Error(Status::ValidationFailed(field, std::string(name) + ": " + status.message()));
  }
  return std::move(*parsed);
}

// The options object, empty for NULL.
json::object OptionsObject(const char* options) {
  if (options == nullptr) return {};
  json::value parsed = ParseArgument(options, "options");
  if (!parsed.is_object()) {
    throw Error(Status::ValidationFailed("options", "options must be a JSON object"));
  }
  return std::move(parsed.as_object());
}

constexpr std::string_view kWriteMembers[] = {"workspace", "actor", "expected_version"};
constexpr std::string_view kReadMembers[] = {"workspace", "as_of", "version", "since"};

WriteOptions WriteOptionsOf(const char* text) {
  const json::object object = OptionsObject(text);
  ObjectReader reader(object, "options");
  reader.RejectUnknown(kWriteMembers);
  WriteOptions options;
  options.workspace = reader.NullableString("workspace");
  options.actor = reader.NullableString("actor").value_or("");
  options.expected_version = reader.Int("expected_version");
  return options;
}

ReadOptions ReadOptionsOf(const char* text) {
  const json::object object = OptionsObject(text);
  ObjectReader reader(object, "options");
  reader.RejectUnknown(kReadMembers);
  ReadOptions options;
  options.workspace = reader.NullableString("workspace");
  options.as_of = reader.NullableTimestamp("as_of");
  options.version = reader.Int("version");
  options.since = reader.Int("since").value_or(0);
  return options;
}

SyncOptions SyncOptionsOf(const char* text) {
  const json::object object = OptionsObject(text);
  ObjectReader reader(object, "options");
  constexpr std::string_view kKnown[] = {"actor", "batch"};
  reader.RejectUnknown(kKnown);
  SyncOptions options;
  options.actor = reader.NullableString("actor").value_or("");
  options.batch = reader.Int("batch").value_or(options.batch);
  return options;
}

Options OpenOptionsOf(const char* text) {
  const json::object object = OptionsObject(text);
  ObjectReader reader(object, "options");
  constexpr std::string_view kKnown[] = {"create_if_missing", "durability", "busy_timeout_ms"};
  reader.RejectUnknown(kKnown);
  Options options;
  options.create_if_missing = reader.BoolOr("create_if_missing", true);
  const std::string durability = reader.StringOr("durability", "full");
  if (durability == "normal") {
    options.durability = Durability::kNormal;
  } else if (durability != "full") {
    json_internal::Fail(reader.PathOf("durability"), "must be \"full\" or \"normal\"");
  }
  const std::int64_t timeout = reader.Int("busy_timeout_ms").value_or(5000);
  if (timeout < 0) json_internal::Fail(reader.PathOf("busy_timeout_ms"), "must not be negative");
  options.busy_timeout = std::chrono::milliseconds(timeout);
  return options;
}

TransitionRequest TransitionRequestOf(const char* text) {
  const json::value parsed = ParseArgument(text, "request");
  ObjectReader reader(parsed, "request");
  constexpr std::string_view kKnown[] = {"to", "reason", "dry_run"};
  reader.RejectUnknown(kKnown);
  TransitionRequest request;
  request.to = reader.RequiredString("to");
  request.reason = reader.NullableString("reason").value_or("");
  request.dry_run = reader.BoolOr("dry_run", false);
  return request;
}

Resolution ResolutionOf(const char* take) {
  Resolution resolution;
  const std::string_view chosen = Required(take, "take");
  if (chosen == "local") return resolution;
  if (chosen == "remote") {
    resolution.take = Resolution::Take::kRemote;
    return resolution;
  }
  json::value given = ParseArgument(take, "take");
  if (!given.is_object()) {
    throw Error(Status::ValidationFailed(
        "take", "take must be \"local\", \"remote\" or a JSON object of case members"));
  }
  resolution.take = Resolution::Take::kGiven;
  resolution.given = std::move(given.as_object());
  return resolution;
}

// The calls that take (db, id, options) and print a case or a document.
template <typename Call>
casework_result WithId(casework_db* db, const char* id, Call call) {
  return Guard([&] { return FromDocument(call(EngineOf(db), Required(id, "id"))); });
}

}  // namespace
}  // namespace casework

using casework::Guard;
using casework::Required;
using casework::documents::Document;

namespace cw = casework;
namespace docs = casework::documents;

extern "C" {

const char* casework_version(void) { return CASEWORK_LIBRARY_VERSION; }

const char* casework_code_name(int code) {
  if (code < CASEWORK_OK || code > CASEWORK_STORAGE_ERROR) return "unknown";
  return cw::CodeName(static_cast<cw::Code>(code)).data();
}

void casework_free(void* text) { std::free(text); }

void casework_result_free(casework_result* result) {
  if (result == nullptr) return;
  std::free(result->json);
  std::free(result->error);
  std::free(result->message);
  result->json = result->error = result->message = nullptr;
}

casework_result casework_open(const char* path, const char* options, casework_db** db) {
  if (db != nullptr) *db = nullptr;
  return Guard([&]() -> casework_result {
    Required(path, "path");
    Required(db, "db");
    auto opened = cw::Engine::Open(cw::OpenOptionsOf(options), path);
    if (!opened.ok()) return cw::Failure(opened.status());
    *db = new casework_db{std::move(opened).value()};
    return {CASEWORK_OK, nullptr, nullptr, nullptr};
  });
}

void casework_close(casework_db* db) { delete db; }

casework_result casework_create(casework_db* db, const char* payload, const char* options) {
  return Guard([&] {
    return cw::FromDocument(docs::Create(cw::EngineOf(db), cw::ParseArgument(payload, "payload"),
                                         cw::WriteOptionsOf(options)));
  });
}

casework_result casework_get(casework_db* db, const char* id, const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Get(e, i, cw::ReadOptionsOf(options));
  });
}

casework_result casework_replace(casework_db* db, const char* id, const char* payload,
                                 const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Replace(e, i, cw::ParseArgument(payload, "payload"),
                         cw::WriteOptionsOf(options));
  });
}

casework_result casework_patch(casework_db* db, const char* id, const char* patch,
                               const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Patch(e, i, cw::ParseArgument(patch, "patch"), cw::WriteOptionsOf(options));
  });
}

casework_result casework_update_data(casework_db* db, const char* id, const char* payload,
                                     const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::UpdateData(e, i, cw::ParseArgument(payload, "payload"),
                            cw::WriteOptionsOf(options));
  });
}

casework_result casework_archive(casework_db* db, const char* id, const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Archive(e, i, cw::WriteOptionsOf(options));
  });
}

casework_result casework_unarchive(casework_db* db, const char* id, const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Unarchive(e, i, cw::WriteOptionsOf(options));
  });
}

casework_result casework_link(casework_db* db, const char* id, const char* other,
                              const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Link(e, i, Required(other, "other"), cw::WriteOptionsOf(options));
  });
}

casework_result casework_unlink(casework_db* db, const char* id, const char* other,
                                const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Unlink(e, i, Required(other, "other"), cw::WriteOptionsOf(options));
  });
}

casework_result casework_update_step(casework_db* db, const char* id, const char* step_id,
                                     const char* change, const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::UpdateStep(e, i, Required(step_id, "step_id"),
                            cw::ParseArgument(change, "change"), cw::WriteOptionsOf(options));
  });
}

casework_result casework_history(casework_db* db, const char* id, const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::History(e, i, cw::ReadOptionsOf(options));
  });
}

casework_result casework_transition(casework_db* db, const char* id, const char* request,
                                    const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Transition(e, i, cw::TransitionRequestOf(request), cw::WriteOptionsOf(options));
  });
}

casework_result casework_check(casework_db* db, const char* id, const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Check(e, i, cw::ReadOptionsOf(options));
  });
}

casework_result casework_eval(casework_db* db, const char* formula, const char* case_id,
                              const char* options) {
  return Guard([&] {
    std::optional<std::string_view> id;
    if (case_id != nullptr) id = case_id;
    return cw::FromDocument(docs::Evaluate(cw::EngineOf(db), Required(formula, "formula"), id,
                                           cw::ReadOptionsOf(options)));
  });
}

casework_result casework_list(casework_db* db, const char* query, const char* options) {
  return Guard([&] {
    const boost::json::value params =
        query == nullptr ? boost::json::value(boost::json::object{})
                         : cw::ParseArgument(query, "query");
    return cw::FromDocument(docs::List(cw::EngineOf(db), params, cw::ReadOptionsOf(options)));
  });
}

casework_result casework_template_create(casework_db* db, const char* payload,
                                         const char* options) {
  return Guard([&] {
    return cw::FromDocument(docs::CreateTemplate(
        cw::EngineOf(db), cw::ParseArgument(payload, "payload"), cw::WriteOptionsOf(options)));
  });
}

casework_result casework_template_get(casework_db* db, const char* id, const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::GetTemplate(e, i, cw::ReadOptionsOf(options));
  });
}

casework_result casework_template_update(casework_db* db, const char* id, const char* payload,
                                         const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::UpdateTemplate(e, i, cw::ParseArgument(payload, "payload"),
                                cw::WriteOptionsOf(options));
  });
}

casework_result casework_template_list(casework_db* db, const char* options) {
  return Guard([&] {
    return cw::FromDocument(docs::ListTemplates(cw::EngineOf(db), cw::ReadOptionsOf(options)));
  });
}

casework_result casework_workspace_create(casework_db* db, const char* slug, const char* name) {
  return Guard([&] {
    return cw::FromDocument(docs::CreateWorkspace(cw::EngineOf(db), Required(slug, "slug"),
                                                  name == nullptr ? "" : name));
  });
}

casework_result casework_workspace_list(casework_db* db) {
  return Guard([&] { return cw::FromDocument(docs::ListWorkspaces(cw::EngineOf(db))); });
}

casework_result casework_import(casework_db* db, const char* ndjson, const char* options) {
  return Guard([&]() -> casework_result {
    cw::Engine& engine = cw::EngineOf(db);
    std::istringstream in{std::string(Required(ndjson, "ndjson"))};
    cw::ImportOptions import;
    import.write = cw::WriteOptionsOf(options);
    auto summary = engine.Import(in, import);
    if (!summary.ok()) return cw::Failure(summary.status());
    return cw::Success(cw::ToJsonText(docs::ImportSummaryDocument(*summary)));
  });
}

casework_result casework_export(casework_db* db, const char* options) {
  return Guard([&]() -> casework_result {
    cw::Engine& engine = cw::EngineOf(db);
    std::ostringstream out;
    cw::ExportOptions exported;
    exported.read = cw::ReadOptionsOf(options);
    auto written = engine.Export(out, exported);
    if (!written.ok()) return cw::Failure(written.status());
    return cw::Success(std::move(out).str());
  });
}

casework_result casework_verify(casework_db* db, const char* options) {
  return Guard([&] {
    return cw::FromDocument(docs::Verify(cw::EngineOf(db), cw::ReadOptionsOf(options)));
  });
}

casework_result casework_changes(casework_db* db, int64_t since, int64_t limit) {
  return Guard([&] { return cw::FromDocument(docs::Changes(cw::EngineOf(db), since, limit)); });
}

casework_result casework_database_id(casework_db* db) {
  return Guard([&]() -> casework_result {
    auto id = cw::EngineOf(db).DatabaseId();
    if (!id.ok()) return cw::Failure(id.status());
    return cw::Success(cw::ToJsonText(boost::json::object{{"id", *id}}));
  });
}

casework_result casework_pull(casework_db* db, casework_db* source, const char* options) {
  return Guard([&]() -> casework_result {
    auto summary = cw::EngineOf(db).Pull(cw::EngineOf(source, "source"),
                                         cw::SyncOptionsOf(options));
    if (!summary.ok()) return cw::Failure(summary.status());
    return cw::Success(cw::ToJsonText(docs::SyncSummaryDocument(*summary)));
  });
}

casework_result casework_conflicts(casework_db* db, const char* options) {
  return Guard([&] {
    return cw::FromDocument(docs::Conflicts(cw::EngineOf(db), cw::ReadOptionsOf(options)));
  });
}

casework_result casework_resolve(casework_db* db, const char* id, const char* take,
                                 const char* options) {
  return cw::WithId(db, id, [&](cw::Engine& e, const char* i) {
    return docs::Resolve(e, i, cw::ResolutionOf(take), cw::WriteOptionsOf(options));
  });
}

}  // extern "C"

// casework command-line program: the commands.
#include "commands.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <utility>

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/listing.h"

namespace casework::cli {
namespace {

namespace json = boost::json;

// Reads all of `file` ("-" is stdin), but never much more than `limit`
// bytes: a larger input is refused without holding it all in memory.
Result<std::string> ReadText(const std::string& file, std::size_t limit) {
  const bool from_stdin = file == "-";
  std::FILE* in = from_stdin ? stdin : std::fopen(file.c_str(), "rb");
  if (in == nullptr) return Unreadable(file, errno);
  std::string text;
  char buffer[1 << 16];
  while (text.size() <= limit) {
    std::size_t n = std::fread(buffer, 1, sizeof buffer, in);
    text.append(buffer, n);
    if (n < sizeof buffer) break;
  }
  // A directory opens fine and fails on read (EISDIR): ferror catches it.
  const bool failed = std::ferror(in) != 0;
  const int error = errno;
  if (!from_stdin) std::fclose(in);
  if (failed) return Unreadable(file, error);
  if (text.size() > limit) {
    return Status::ValidationFailed(
        InputName(file), InputName(file) + " is larger than " +
                             std::to_string(limit) + " bytes");
  }
  return text;
}

Output CaseOutput(const Result<Case>& result) {
  if (!result.ok()) return result.status();
  return json::value_from(*result);
}

// The object a command that takes a JSON object reads from `file`.
Result<json::object> ReadObject(const std::string& file,
                                std::string_view what) {
  auto parsed = ReadJson(file);
  if (!parsed.ok()) return parsed.status();
  if (!parsed->is_object()) {
    return Status::ValidationFailed(
        "", std::string(what) + " must be a JSON object");
  }
  return std::move(parsed->as_object());
}

// update-data's payload is exactly {"data": {...}}: strict like every
// payload, so a misspelt wrapper is reported rather than ignored.
Result<json::object> DataMember(const json::object& payload) {
  for (const auto& member : payload) {
    if (member.key() != "data") {
      return Status::ValidationFailed(
          std::string(member.key()),
          "unknown member \"" + std::string(member.key()) +
              "\": update-data takes {\"data\": {...}}");
    }
  }
  const json::value* data = payload.if_contains("data");
  if (data == nullptr) {
    return Status::ValidationFailed("data", "missing member \"data\"");
  }
  if (!data->is_object()) {
    return Status::ValidationFailed("data", "\"data\" must be an object");
  }
  return data->as_object();
}

void PrintError(const json::value& error) {
  json::object document;
  document["error"] = error;
  std::cerr << ToJsonText(document) << '\n' << std::flush;
}

}  // namespace

std::string InputName(const std::string& file) { return file == "-" ? "stdin" : file; }

Status Unreadable(const std::string& file, int error) {
  return Status::ValidationFailed(
      InputName(file), "cannot read " + InputName(file) + ": " + std::strerror(error));
}

WriteOptions Context::Write() const {
  WriteOptions options;
  options.workspace = workspace;
  options.actor = actor;
  options.expected_version = expected_version;
  return options;
}

ReadOptions Context::Read() const {
  ReadOptions options;
  options.workspace = workspace;
  options.as_of = as_of;
  options.version = version;
  options.since = since;
  return options;
}

std::string DefaultDatabasePath() {
  const char* env = std::getenv("CASEWORK_DB");
  if (env != nullptr && *env != '\0') return env;
  return "casework.db";
}

Result<std::unique_ptr<Engine>> OpenDatabase(const Context& ctx) {
  Options options;  // creates the file on first use; Durability::kFull
  return Engine::Open(options, ctx.db_path);
}

Result<json::value> ReadJson(const std::string& file) {
  const JsonLimits limits;
  auto text = ReadText(file, limits.max_bytes);
  if (!text.ok()) return text.status();
  auto parsed = ParseJson(*text, limits);
  if (parsed.ok()) return parsed;
  // Say which input was malformed; the byte offset is in the message.
  return Status::ValidationFailed(
      parsed.status().field(),
      InputName(file) + ": " + parsed.status().message());
}

Output Init(Engine& engine, const Context& ctx) {
  auto workspaces = engine.ListWorkspaces();
  if (!workspaces.ok()) return workspaces.status();
  // A PostgreSQL URI is printed as given; a file, as its absolute path.
  std::string database = ctx.db_path;
  if (database.find("://") == std::string::npos) {
    std::error_code ignored;
    std::filesystem::path path = std::filesystem::absolute(ctx.db_path, ignored);
    if (!path.empty()) database = path.string();
  }
  json::object out;
  out["database"] = database;
  out["workspaces"] = json::value_from(*workspaces);
  return json::value(std::move(out));
}

Output CreateCase(Engine& engine, const Context& ctx, const std::string& file) {
  auto payload = ReadJson(file);
  if (!payload.ok()) return payload.status();
  auto draft = DraftFromJson(*payload, DraftKind::kCreate);
  if (!draft.ok()) return draft.status();
  return CaseOutput(engine.Create(*draft, ctx.Write()));
}

Output GetCase(Engine& engine, const Context& ctx, const std::string& id) {
  return CaseOutput(engine.Get(id, ctx.Read()));
}

Output PatchCase(Engine& engine, const Context& ctx, const std::string& id,
                 const std::string& file) {
  auto patch = ReadObject(file, "a patch");
  if (!patch.ok()) return patch.status();
  return CaseOutput(engine.Patch(id, *patch, ctx.Write()));
}

Output ReplaceCase(Engine& engine, const Context& ctx, const std::string& id,
                   const std::string& file) {
  auto payload = ReadJson(file);
  if (!payload.ok()) return payload.status();
  auto draft = DraftFromJson(*payload, DraftKind::kReplace);
  if (!draft.ok()) return draft.status();
  return CaseOutput(engine.Replace(id, *draft, ctx.Write()));
}

Output UpdateData(Engine& engine, const Context& ctx, const std::string& id,
                  const std::string& file) {
  auto payload = ReadObject(file, "update-data's payload");
  if (!payload.ok()) return payload.status();
  auto data = DataMember(*payload);
  if (!data.ok()) return data.status();
  return CaseOutput(engine.UpdateData(id, *data, ctx.Write()));
}

Output ArchiveCase(Engine& engine, const Context& ctx, const std::string& id) {
  return CaseOutput(engine.Archive(id, ctx.Write()));
}

Output UnarchiveCase(Engine& engine, const Context& ctx, const std::string& id) {
  return CaseOutput(engine.Unarchive(id, ctx.Write()));
}

Output LinkCases(Engine& engine, const Context& ctx, const std::string& id,
                 const std::string& other) {
  return CaseOutput(engine.Link(id, other, ctx.Write()));
}

Output UnlinkCases(Engine& engine, const Context& ctx, const std::string& id,
                   const std::string& other) {
  return CaseOutput(engine.Unlink(id, other, ctx.Write()));
}

Output CaseHistory(Engine& engine, const Context& ctx, const std::string& id) {
  auto events = engine.History(id, ctx.Read());
  if (!events.ok()) return events.status();
  json::object out;
  out["case_id"] = id;
  out["events"] = json::value_from(*events);
  return json::value(std::move(out));
}

Output CreateWorkspace(Engine& engine, const std::string& slug,
                       const std::string& name) {
  // Without --name the name is empty, and the engine uses the slug.
  auto created = engine.CreateWorkspace(slug, name);
  if (!created.ok()) return created.status();
  return json::value_from(*created);
}

Output ListWorkspaces(Engine& engine) {
  auto workspaces = engine.ListWorkspaces();
  if (!workspaces.ok()) return workspaces.status();
  json::object out;
  out["data"] = json::value_from(*workspaces);
  return json::value(std::move(out));
}

Output TransitionCase(Engine& engine, const Context& ctx, const std::string& id,
                      const std::string& to, const std::string& reason, bool dry_run) {
  TransitionRequest request;
  request.to = to;
  request.reason = reason;
  request.dry_run = dry_run;
  auto outcome = engine.Transition(id, request, ctx.Write());
  if (!outcome.ok()) return outcome.status();
  return json::value_from(*outcome);
}

Output CheckCase(Engine& engine, const Context& ctx, const std::string& id) {
  auto results = engine.Check(id, ctx.Read());
  if (!results.ok()) return results.status();
  bool passed = true;
  for (const auto& r : *results) passed = passed && r.passed;
  json::object out;
  out["case_id"] = id;
  out["passed"] = passed;
  out["conditions"] = json::value_from(*results);
  return json::value(std::move(out));
}

Output EvaluateFormula(Engine& engine, const Context& ctx, const std::string& formula,
                       const std::optional<std::string>& case_id) {
  std::optional<std::string_view> id;
  if (case_id) id = *case_id;
  // "-" is no formula (a minus without operand): it reads one from stdin,
  // for formulas longer than a command line may be. The engine's formula
  // limits apply to it; this bound only keeps the read itself small.
  std::string text = formula;
  if (formula == "-") {
    auto read = ReadText("-", 16u << 20);
    if (!read.ok()) return read.status();
    text = std::move(*read);
  }
  auto value = engine.Evaluate(text, id, ctx.Read());
  if (!value.ok()) return value.status();
  json::object out;
  out["value"] = std::move(*value);
  return json::value(std::move(out));
}

namespace {

Result<TemplateDraft> ReadTemplate(const std::string& file) {
  auto payload = ReadJson(file);
  if (!payload.ok()) return payload.status();
  return TemplateDraftFromJson(*payload);
}

Output TemplateOutput(const Result<Template>& result) {
  if (!result.ok()) return result.status();
  return json::value_from(*result);
}

}  // namespace

Output CreateTemplate(Engine& engine, const Context& ctx, const std::string& file) {
  auto draft = ReadTemplate(file);
  if (!draft.ok()) return draft.status();
  return TemplateOutput(engine.CreateTemplate(*draft, ctx.Write()));
}

Output UpdateTemplate(Engine& engine, const Context& ctx, const std::string& id,
                      const std::string& file) {
  auto draft = ReadTemplate(file);
  if (!draft.ok()) return draft.status();
  return TemplateOutput(engine.UpdateTemplate(id, *draft, ctx.Write()));
}

Output GetTemplate(Engine& engine, const Context& ctx, const std::string& id) {
  return TemplateOutput(engine.GetTemplate(id, ctx.Read()));
}

Output ListTemplates(Engine& engine, const Context& ctx) {
  auto templates = engine.ListTemplates(ctx.Read());
  if (!templates.ok()) return templates.status();
  json::object out;
  out["data"] = json::value_from(*templates);
  return json::value(std::move(out));
}

Output ListCases(Engine& engine, const Context& ctx, const ListArgs& args) {
  json::object params;
  for (const auto& [name, value] : args.params) params[name] = value;
  auto query = ListQueryFromJson(params);
  if (!query.ok()) return query.status();
  auto page = engine.List(*query, ctx.Read());
  if (!page.ok()) return page.status();
  return json::value_from(*page);
}

int ExitCodeFor(Code code) {
  switch (code) {
    case Code::kOk:
      return kExitOk;
    case Code::kNotFound:
      return kExitNotFound;
    case Code::kConflict:
      return kExitConflict;
    case Code::kValidationFailed:
    case Code::kUnknownField:
    case Code::kFormulaError:
      return kExitInvalid;
    case Code::kTransitionNotAllowed:
    case Code::kClosureConditionsUnmet:
      return kExitRefused;
    case Code::kBusy:
    case Code::kStorageError:
      return kExitStorage;
  }
  return kExitStorage;  // a code this program does not know yet
}

int Fail(const Status& status) {
  PrintError(json::value_from(status));
  return ExitCodeFor(status.code());
}

int UsageError(std::string_view message) {
  json::object error;
  error["code"] = "usage";
  error["message"] = message;
  PrintError(error);
  return kExitUsage;
}

int Finish(const Output& output) {
  if (!output.ok()) return Fail(output.status());
  std::cout << ToJsonText(*output) << '\n' << std::flush;
  // A full disk or closed pipe must not pass for success.
  if (!std::cout) return Fail(Status::StorageError("cannot write to stdout"));
  return kExitOk;
}

Output Verify(Engine& engine, const Context& ctx) {
  auto report = engine.Verify(ctx.Read());
  if (!report.ok()) return report.status();
  return json::value_from(*report);
}

int FinishVerify(const Output& output) {
  if (!output.ok()) return Fail(output.status());
  const json::object* report = output->if_object();
  const json::value* clean = report != nullptr ? report->if_contains("clean") : nullptr;
  if (clean != nullptr && clean->is_bool() && clean->get_bool()) return Finish(output);
  std::size_t count = 0;
  if (const json::value* problems = report != nullptr ? report->if_contains("problems") : nullptr;
      problems != nullptr && problems->is_array())
    count = problems->get_array().size();
  json::value error = json::value_from(Status::StorageError(
      "verify found " + std::to_string(count) + " problem" + (count == 1 ? "" : "s")));
  error.as_object()["report"] = *output;
  PrintError(error);
  return kExitStorage;
}

}  // namespace casework::cli

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
#include "documents.h"

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
  return documents::Create(engine, *payload, ctx.Write());
}

Output GetCase(Engine& engine, const Context& ctx, const std::string& id) {
  return documents::Get(engine, id, ctx.Read());
}

Output PatchCase(Engine& engine, const Context& ctx, const std::string& id,
                 const std::string& file) {
  auto patch = ReadJson(file);
  if (!patch.ok()) return patch.status();
  return documents::Patch(engine, id, *patch, ctx.Write());
}

Output ReplaceCase(Engine& engine, const Context& ctx, const std::string& id,
                   const std::string& file) {
  auto payload = ReadJson(file);
  if (!payload.ok()) return payload.status();
  return documents::Replace(engine, id, *payload, ctx.Write());
}

Output UpdateData(Engine& engine, const Context& ctx, const std::string& id,
                  const std::string& file) {
  auto payload = ReadJson(file);
  if (!payload.ok()) return payload.status();
  return documents::UpdateData(engine, id, *payload, ctx.Write());
}

Output ArchiveCase(Engine& engine, const Context& ctx, const std::string& id) {
  return documents::Archive(engine, id, ctx.Write());
}

Output UnarchiveCase(Engine& engine, const Context& ctx, const std::string& id) {
  return documents::Unarchive(engine, id, ctx.Write());
}

Output LinkCases(Engine& engine, const Context& ctx, const std::string& id,
                 const std::string& other) {
  return documents::Link(engine, id, other, ctx.Write());
}

Output UnlinkCases(Engine& engine, const Context& ctx, const std::string& id,
                   const std::string& other) {
  return documents::Unlink(engine, id, other, ctx.Write());
}

Output CaseHistory(Engine& engine, const Context& ctx, const std::string& id) {
  return documents::History(engine, id, ctx.Read());
}

Output CreateWorkspace(Engine& engine, const std::string& slug,
                       const std::string& name) {
  // Without --name the name is empty, and the engine uses the slug.
  return documents::CreateWorkspace(engine, slug, name);
}

Output ListWorkspaces(Engine& engine) { return documents::ListWorkspaces(engine); }

Output TransitionCase(Engine& engine, const Context& ctx, const std::string& id,
                      const std::string& to, const std::string& reason, bool dry_run) {
  TransitionRequest request;
  request.to = to;
  request.reason = reason;
  request.dry_run = dry_run;
  return documents::Transition(engine, id, request, ctx.Write());
}

Output CheckCase(Engine& engine, const Context& ctx, const std::string& id) {
  return documents::Check(engine, id, ctx.Read());
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
  return documents::Evaluate(engine, text, id, ctx.Read());
}

Output CreateTemplate(Engine& engine, const Context& ctx, const std::string& file) {
  auto payload = ReadJson(file);
  if (!payload.ok()) return payload.status();
  return documents::CreateTemplate(engine, *payload, ctx.Write());
}

Output UpdateTemplate(Engine& engine, const Context& ctx, const std::string& id,
                      const std::string& file) {
  auto payload = ReadJson(file);
  if (!payload.ok()) return payload.status();
  return documents::UpdateTemplate(engine, id, *payload, ctx.Write());
}

Output GetTemplate(Engine& engine, const Context& ctx, const std::string& id) {
  return documents::GetTemplate(engine, id, ctx.Read());
}

Output ListTemplates(Engine& engine, const Context& ctx) {
  return documents::ListTemplates(engine, ctx.Read());
}

Output ListCases(Engine& engine, const Context& ctx, const ListArgs& args) {
  json::object params;
  for (const auto& [name, value] : args.params) params[name] = value;
  return documents::List(engine, params, ctx.Read());
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
  return documents::Verify(engine, ctx.Read());
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

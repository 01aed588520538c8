// casework command-line program: one function per command.
//
// Every command returns the one JSON document it prints on stdout, or the
// Status that Finish() turns into an error document on stderr and an exit
// code. Commands never print and never throw; the parsing of the command line
// lives in casework.cc.
#ifndef CASEWORK_TOOLS_COMMANDS_H_
#define CASEWORK_TOOLS_COMMANDS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "casework/engine.h"
#include "casework/options.h"
#include "casework/result.h"
#include "casework/status.h"

namespace casework::cli {

// Exit codes of the program (DOMAIN.md §6).
enum ExitCode : int {
  kExitOk = 0,
  kExitUsage = 2,
  kExitNotFound = 3,
  kExitConflict = 4,
  kExitInvalid = 5,     // validation_failed, unknown_field, formula_error
  kExitRefused = 6,     // transition_not_allowed, closure_conditions_unmet
  kExitStorage = 7,     // busy, storage_error, and anything unexpected
};

// What the global options and a command's --expect-version say.
struct Context {
  std::string db_path;                     // --db, else $CASEWORK_DB, else casework.db
  std::optional<std::string> workspace;    // --workspace; unset means default
  std::string actor;                       // --actor; empty means "system"
  std::optional<std::int64_t> expected_version;  // --expect-version
  // get and history: --as-of, --version; history: --since.
  std::optional<Timestamp> as_of;
  std::optional<std::int64_t> version;
  std::int64_t since = 0;

  WriteOptions Write() const;
  ReadOptions Read() const;
};

// The database path when --db is absent: $CASEWORK_DB if set and not empty,
// else "casework.db" in the working directory.
std::string DefaultDatabasePath();

using Output = Result<boost::json::value>;

// Opens (creating on first use) the database named by the context.
Result<std::unique_ptr<Engine>> OpenDatabase(const Context& ctx);

// init: {"database": absolute path, "workspaces": [...]}.
Output Init(Engine& engine, const Context& ctx);

// Case commands; FILE is a path or "-" for stdin. Each prints the case.
Output CreateCase(Engine& engine, const Context& ctx, const std::string& file);
Output GetCase(Engine& engine, const Context& ctx, const std::string& id);
Output PatchCase(Engine& engine, const Context& ctx, const std::string& id,
                 const std::string& file);
Output ReplaceCase(Engine& engine, const Context& ctx, const std::string& id,
                   const std::string& file);
Output UpdateData(Engine& engine, const Context& ctx, const std::string& id,
                  const std::string& file);
Output ArchiveCase(Engine& engine, const Context& ctx, const std::string& id);
Output UnarchiveCase(Engine& engine, const Context& ctx, const std::string& id);
Output LinkCases(Engine& engine, const Context& ctx, const std::string& id,
                 const std::string& other);
Output UnlinkCases(Engine& engine, const Context& ctx, const std::string& id,
                   const std::string& other);

// history: {"case_id": ID, "events": [...]}, oldest event first.
Output CaseHistory(Engine& engine, const Context& ctx, const std::string& id);

// workspace create prints the workspace; workspace list prints
// {"data": [...]}.
Output CreateWorkspace(Engine& engine, const std::string& slug,
                       const std::string& name);
Output ListWorkspaces(Engine& engine);

// transition: {"applied", "from", "to", "transition", "conditions", "case"};
// a dry run reports the same with "applied": false and changes nothing.
Output TransitionCase(Engine& engine, const Context& ctx, const std::string& id,
                      const std::string& to, const std::string& reason, bool dry_run);

// check: {"case_id", "passed", "conditions": [{name, formula, passed, value,
// reason}]}.
Output CheckCase(Engine& engine, const Context& ctx, const std::string& id);

// eval: {"value": ...}, against the case `case_id` when given; a formula
// "-" is read from stdin.
Output EvaluateFormula(Engine& engine, const Context& ctx, const std::string& formula,
                       const std::optional<std::string>& case_id);

// template create / update print the template; get prints it; list prints
// {"data": [...]}.
Output CreateTemplate(Engine& engine, const Context& ctx, const std::string& file);
Output UpdateTemplate(Engine& engine, const Context& ctx, const std::string& id,
                      const std::string& file);
Output GetTemplate(Engine& engine, const Context& ctx, const std::string& id);
Output ListTemplates(Engine& engine, const Context& ctx);

// verify: the report of Engine::Verify (casework/verify.h), whatever it
// found; an error only when the check could not run.
Output Verify(Engine& engine, const Context& ctx);

// Prints verify's output: a clean report on stdout (exit 0); a report with
// problems inside the error document {"error": {"code": "storage_error",
// "message", "report"}} on stderr (exit 7); an error as Finish does.
int FinishVerify(const Output& output);

// list: the flags given, as Penbox's list parameters (DOMAIN.md §4) in the
// order given: {"status", "pending"}, {"page[size]", "20"}, ...
struct ListArgs {
  std::vector<std::pair<std::string, std::string>> params;
};

// list: {"meta": {"total_count", "total_pages", "page_size",
// "current_page"}, "data": [cases]}, plus "next_cursor" (for --after) when a
// next page exists. A bad value is kValidationFailed (exit 5) naming the
// parameter ("page[size]", "filter.and[1].op", "sort").
Output ListCases(Engine& engine, const Context& ctx, const ListArgs& args);

// import: reads NDJSON cases from FILE ("-": stdin) in one transaction
// (casework/transfer.h); prints {"imported", "created", "restored"}.
Output ImportCases(Engine& engine, const Context& ctx, const std::string& file);

// export: writes the workspace's cases as NDJSON on stdout (FILE empty or
// "-") or into FILE, which appears only once whole; returns {"exported": N}
// and, for a file, its absolute "file".
Output ExportCases(Engine& engine, const Context& ctx, const std::string& file);

// Prints export's output: nothing more on success to stdout (the cases are
// the output), the summary after a file, an error as Finish does.
int FinishExport(const Output& output, bool to_stdout);

// changes: the events after change `since` as NDJSON on stdout, one event
// a line with its "case_id" and "workspace"; returns {"changes", "last_change"}.
Output ListChanges(Engine& engine, std::int64_t since, std::int64_t limit);
// Prints nothing more on success (stdout holds the changes).
int FinishChanges(const Output& output);

// sync: pulls the changes of the database `from` into the context's;
// prints the summary (casework/sync.h) with "from" and "to".
Output SyncDatabases(Engine& target, const Context& ctx, const std::string& from,
                     std::int64_t batch);
// conflicts: {"data": [{case_id, workspace, peer, at, paths, local, remote,
// remote_events}]}.
Output ListConflicts(Engine& engine, const Context& ctx);
// resolve: `take` is local, remote, or a JSON file of case members to take;
// prints the case.
Output ResolveConflict(Engine& engine, const Context& ctx, const std::string& id,
                       const std::string& take);

// How messages name an input: its path, or "stdin" for "-".
std::string InputName(const std::string& file);

// kValidationFailed naming the input `file` that cannot be read (errno
// `error`).
Status Unreadable(const std::string& file, int error);

// Reads a JSON document from a file, or from stdin for "-". An unreadable
// file and malformed JSON are kValidationFailed.
Result<boost::json::value> ReadJson(const std::string& file);

// The exit code for an error code.
int ExitCodeFor(Code code);

// Prints `output` on stdout (one line) or its error on stderr, and returns
// the exit code.
int Finish(const Output& output);

// Prints {"error": {"code": "usage", "message": ...}} on stderr and returns
// kExitUsage.
int UsageError(std::string_view message);

// Prints the error document of `status` on stderr and returns its exit code.
int Fail(const Status& status);

}  // namespace casework::cli

#endif  // CASEWORK_TOOLS_COMMANDS_H_

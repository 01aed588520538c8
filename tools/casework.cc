// casework: the command-line program.
//
//   casework [--db PATH] [--workspace SLUG] [--actor EMAIL] COMMAND ...
//
// This file is usage and dispatch only: it declares the commands and their
// arguments with CLI11, opens the database and runs the one command given.
// The commands themselves are in commands.cc; a new command is a function
// there and a Command(...) line here.
#include <cstdint>
#include <exception>
#include <functional>
#include <optional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.h"

namespace {

namespace cli = casework::cli;
using Action = std::function<cli::Output(casework::Engine&)>;

// The parsed command line. Only one command runs, so the commands share the
// argument slots.
struct Invocation {
  cli::Context ctx;
  std::string id, other, file, slug, name, to, reason, formula, from, take;
  std::int64_t since = 0, limit = 1000, batch = 500;
  std::optional<std::string> case_id;
  bool dry_run = false;
  Action action;  // set by the callback of the command given
  // How the command's output is printed; empty means cli::Finish.
  std::function<int(const cli::Output&)> finish;
};

constexpr const char* kFooter =
    "Exit codes: 0 ok, 2 usage, 3 not_found, 4 conflict, 5 validation_failed/"
    "unknown_field/formula_error, 6 transition_not_allowed/"
    "closure_conditions_unmet, 7 busy/storage_error.\n"
    "Errors print {\"error\": {\"code\", \"message\", ...}} on stderr.\n";

CLI::App* Command(CLI::App& parent, const std::string& name,
                  const std::string& help, Invocation& inv, Action action) {
  CLI::App* command = parent.add_subcommand(name, help);
  command->callback([&inv, action] { inv.action = action; });
  return command;
}

void IdArg(CLI::App* command, Invocation& inv) {
  command->add_option("ID", inv.id, "case id")->required();
}

void FileArg(CLI::App* command, Invocation& inv) {
  command->add_option("FILE", inv.file, "JSON file, or - for stdin")->required();
}

// Commands that change an existing case can insist on its version.
void ExpectVersion(CLI::App* command, Invocation& inv, const char* what = "case") {
  command->add_option_function<std::int64_t>(
      "--expect-version",
      [&inv](const std::int64_t& v) { inv.ctx.expected_version = v; },
      std::string("fail with conflict (exit 4), changing nothing, unless the ") + what +
          " is at version N")
      ->type_name("N");
}

// get and history: the case as it stood at an instant or a version.
void PointInTime(CLI::App* command, Invocation& inv) {
  auto* as_of = command->add_option_function<std::string>(
      "--as-of",
      [&inv](const std::string& text) {
        auto at = casework::ParseTimestamp(text);
        if (!at) throw CLI::ValidationError("--as-of", "must be an RFC 3339 date-time: " + text);
        inv.ctx.as_of = *at;
      },
      "the case as it stood then: RFC 3339, e.g. 2026-11-01T00:00:00Z");
  as_of->type_name("TIME");
  command
      ->add_option_function<std::int64_t>(
          "--version", [&inv](const std::int64_t& v) { inv.ctx.version = v; },
          "the case as it stood at version V")
      ->type_name("V")
      ->excludes(as_of);
}

void AddGlobalOptions(CLI::App& app, Invocation& inv) {
  app.add_option("--db", inv.ctx.db_path,
                 "database file (default: $CASEWORK_DB, else ./casework.db), created on "
                 "first use, or a PostgreSQL database: postgresql://user@host/db");
  app.add_option_function<std::string>(
      "--workspace", [&inv](const std::string& s) { inv.ctx.workspace = s; },
      "workspace slug (default: the payload's workspace, else default)");
  app.add_option("--actor", inv.ctx.actor,
                 "who makes the change, recorded in history: an email, or system (the default)");
}

void AddCaseCommands(CLI::App& app, Invocation& inv) {
  Command(app, "init", "create or migrate the database", inv,
          [&inv](auto& e) { return cli::Init(e, inv.ctx); });

  FileArg(Command(app, "create", "create a case from a create payload", inv,
                  [&inv](auto& e) { return cli::CreateCase(e, inv.ctx, inv.file); }),
          inv);

  auto* get = Command(app, "get", "print a case, or as it stood at --as-of or --version", inv,
                      [&inv](auto& e) { return cli::GetCase(e, inv.ctx, inv.id); });
  IdArg(get, inv);
  PointInTime(get, inv);

  auto* patch = Command(app, "patch", "apply a JSON merge patch to a case", inv,
                        [&inv](auto& e) { return cli::PatchCase(e, inv.ctx, inv.id, inv.file); });
  auto* replace = Command(app, "replace", "replace a case's mutable record", inv,
                          [&inv](auto& e) { return cli::ReplaceCase(e, inv.ctx, inv.id, inv.file); });
  auto* update = Command(app, "update-data", "set schema values from {\"data\": {...}}", inv,
                         [&inv](auto& e) { return cli::UpdateData(e, inv.ctx, inv.id, inv.file); });
  for (CLI::App* command : {patch, replace, update}) {
    IdArg(command, inv);
    FileArg(command, inv);
    ExpectVersion(command, inv);
  }

  auto* history = Command(app, "history", "print a case's events", inv,
                          [&inv](auto& e) { return cli::CaseHistory(e, inv.ctx, inv.id); });
  IdArg(history, inv);
  PointInTime(history, inv);
  history->add_option("--since", inv.ctx.since, "only the events after version V")
      ->type_name("V");

  auto* archive = Command(app, "archive", "archive a case", inv,
                          [&inv](auto& e) { return cli::ArchiveCase(e, inv.ctx, inv.id); });
  auto* unarchive = Command(app, "unarchive", "unarchive a case", inv,
                            [&inv](auto& e) { return cli::UnarchiveCase(e, inv.ctx, inv.id); });
  for (CLI::App* command : {archive, unarchive}) {
    IdArg(command, inv);
    ExpectVersion(command, inv);
  }

  auto* link = Command(app, "link", "link two cases", inv,
                       [&inv](auto& e) { return cli::LinkCases(e, inv.ctx, inv.id, inv.other); });
  auto* unlink = Command(app, "unlink", "unlink two cases", inv,
                         [&inv](auto& e) { return cli::UnlinkCases(e, inv.ctx, inv.id, inv.other); });
  for (CLI::App* command : {link, unlink}) {
    IdArg(command, inv);
    command->add_option("OTHER", inv.other, "the other case's id")->required();
    ExpectVersion(command, inv);
  }
}

void AddWorkflowCommands(CLI::App& app, Invocation& inv) {
  auto* transition = Command(app, "transition", "move a case to a status or along a transition",
                             inv, [&inv](auto& e) {
                               return cli::TransitionCase(e, inv.ctx, inv.id, inv.to, inv.reason,
                                                          inv.dry_run);
                             });
  IdArg(transition, inv);
  transition->add_option("TO", inv.to, "a status or transition name (Close, Reopen, ...)")
      ->required();
  transition->add_option("--reason", inv.reason, "why, recorded in history");
  transition->add_flag("--dry-run", inv.dry_run,
                       "report what the move would do, conditions included; change nothing");
  ExpectVersion(transition, inv);

  IdArg(Command(app, "check", "evaluate a case's closure conditions and required fields", inv,
                [&inv](auto& e) { return cli::CheckCase(e, inv.ctx, inv.id); }),
        inv);

  auto* eval = Command(app, "eval", "evaluate a formula", inv, [&inv](auto& e) {
    return cli::EvaluateFormula(e, inv.ctx, inv.formula, inv.case_id);
  });
  eval->add_option("FORMULA", inv.formula, "e.g. '=SIZE(case.assignees) > 0', or - for stdin")->required();
  eval->add_option_function<std::string>(
      "--case", [&inv](const std::string& id) { inv.case_id = id; },
      "the case the formula sees as case / team_case");
}

void AddTemplateCommands(CLI::App& app, Invocation& inv) {
  CLI::App* tmpl = app.add_subcommand("template", "manage templates");
  tmpl->require_subcommand(1);
  FileArg(Command(*tmpl, "create", "create a template from a template payload", inv,
                  [&inv](auto& e) { return cli::CreateTemplate(e, inv.ctx, inv.file); }),
          inv);
  auto* update = Command(*tmpl, "update", "replace a template's definition (a new version)", inv,
                         [&inv](auto& e) { return cli::UpdateTemplate(e, inv.ctx, inv.id, inv.file); });
  update->add_option("ID", inv.id, "template id")->required();
  FileArg(update, inv);
  ExpectVersion(update, inv, "template");
  Command(*tmpl, "get", "print a template", inv,
          [&inv](auto& e) { return cli::GetTemplate(e, inv.ctx, inv.id); })
      ->add_option("ID", inv.id, "template id")
      ->required();
  Command(*tmpl, "list", "list the workspace's templates", inv,
          [&inv](auto& e) { return cli::ListTemplates(e, inv.ctx); });
}

void AddWorkspaceCommands(CLI::App& app, Invocation& inv) {
  CLI::App* workspace = app.add_subcommand("workspace", "manage workspaces");
  workspace->require_subcommand(1);
  auto* create = Command(*workspace, "create", "create a workspace", inv,
                         [&inv](auto& e) { return cli::CreateWorkspace(e, inv.slug, inv.name); });
  create->add_option("SLUG", inv.slug, "[a-z0-9-]{1,64}")->required();
  create->add_option("--name", inv.name, "display name (default: the slug)");
  Command(*workspace, "list", "list workspaces", inv,
          [](auto& e) { return cli::ListWorkspaces(e); });
}

void AddTransferCommands(CLI::App& app, Invocation& inv) {
  FileArg(Command(app, "import", "import NDJSON cases, one per line, all or none", inv,
                  [&inv](auto& e) { return cli::ImportCases(e, inv.ctx, inv.file); }),
          inv);
  CLI::App* exporter = app.add_subcommand(
      "export", "write the workspace's cases as NDJSON, one per line (default: stdout)");
  exporter->add_option("FILE", inv.file, "file to write, or - for stdout");
  exporter->callback([&inv] {
    inv.action = [&inv](casework::Engine& e) { return cli::ExportCases(e, inv.ctx, inv.file); };
    const bool to_stdout = inv.file.empty() || inv.file == "-";
    inv.finish = [to_stdout](const cli::Output& output) { return cli::FinishExport(output, to_stdout); };
  });
}

void AddSyncCommands(CLI::App& app, Invocation& inv) {
  CLI::App* changes = app.add_subcommand(
      "changes", "print the database's change feed as NDJSON, one event a line");
  changes->add_option("--since", inv.since, "the events after change N (default 0)")->type_name("N");
  changes->add_option("--limit", inv.limit, "at most K events (default 1000)")->type_name("K");
  changes->callback([&inv] {
    inv.action = [&inv](casework::Engine& e) { return cli::ListChanges(e, inv.since, inv.limit); };
    inv.finish = cli::FinishChanges;
  });

  auto* sync = Command(app, "sync", "carry the changes of the database --from into --to", inv,
                       [&inv](auto& e) { return cli::SyncDatabases(e, inv.ctx, inv.from, inv.batch); });
  sync->add_option("--from", inv.from, "the source database (file or postgresql://...)")
      ->required();
  sync->add_option("--to", inv.ctx.db_path, "the database to bring up to date (default: --db)");
  sync->add_option("--batch", inv.batch, "source events per transaction (default 500)")
      ->type_name("N");

  Command(app, "conflicts", "print the cases a sync left in conflict", inv,
          [&inv](auto& e) { return cli::ListConflicts(e, inv.ctx); });

  auto* resolve = Command(app, "resolve", "settle a case's conflict", inv,
                          [&inv](auto& e) { return cli::ResolveConflict(e, inv.ctx, inv.id, inv.take); });
  IdArg(resolve, inv);
  resolve->add_option("--take", inv.take, "local, remote, or a JSON file of the members to take")
      ->required();
}

void AddVerifyCommand(CLI::App& app, Invocation& inv) {
  CLI::App* verify = app.add_subcommand(
      "verify",
      "check the file's integrity and replay every case's history against the case; "
      "exit 7 with the report when anything differs");
  // A report with problems is printed as the error document, exit 7.
  verify->callback([&inv] {
    inv.action = [&inv](casework::Engine& e) { return cli::Verify(e, inv.ctx); };
    inv.finish = cli::FinishVerify;
  });
}

// list: the filters of DOMAIN.md §4 as flags, each passed on as the Penbox
// parameter it names; ListQueryFromJson checks the values (exit 5).
void AddListCommand(CLI::App& app, Invocation& inv) {
  auto args = std::make_shared<cli::ListArgs>();
  CLI::App* list = Command(
      app, "list", "list cases: filters, --filter, --q, pages, --sort, --after", inv,
      [&inv, args](auto& e) { return cli::ListCases(e, inv.ctx, *args); });
  struct Flag {
    const char* flag;
    const char* param;
    const char* type;
    const char* help;
  };
  static constexpr Flag kFlags[] = {
      {"--template-id", "template[id]", "UUID", "cases made from this template"},
      {"--status", "status", "STATUS", "the custom status, exactly"},
      {"--parent-status", "parent_status", "PARENT", "draft, pending, in_progress or closed"},
      {"--waiting-for", "waiting_for", "WHO", "none, owner or contact"},
      {"--reference", "reference", "REF", "the reference, exactly"},
      {"--owner-id", "owner[id]", "UUID", "the owner's id"},
      {"--owner-email", "owner[email]", "EMAIL", "the owner's email (any case)"},
      {"--contact-given-name", "contact[given_name]", "NAME", "a linked contact's given name"},
      {"--contact-family-name", "contact[family_name]", "NAME",
       "a linked contact's family name"},
      {"--contact-email", "contact[email]", "EMAIL", "a linked contact's email (any case)"},
      {"--priority", "priority", "PRIORITY", "critical, high, medium, low or info"},
      {"--tag", "tag", "TAG", "cases with this tag"},
      {"--assignee-email", "assignee[email]", "EMAIL", "an assignee's email (any case)"},
      {"--created-after", "created_at[after]", "TIME",
       "created at or after (RFC 3339, or YYYY-MM-DD for midnight UTC)"},
      {"--created-before", "created_at[before]", "TIME", "created before"},
      {"--updated-after", "updated_at[after]", "TIME", "updated at or after"},
      {"--updated-before", "updated_at[before]", "TIME", "updated before"},
      {"--filter", "filter", "JSON",
       "advanced filter (and/or/not of {field, op, value}, or {field: value}); replaces the "
       "other filters, --archived included"},
      {"--q", "q", "TEXT", "full-text search: every word, as a prefix, in title, description, "
                           "reference or contact names"},
      {"--page", "page[number]", "N", "page number, from 1 (default 1)"},
      {"--page-size", "page[size]", "N", "cases per page, 1 to 100 (default 10)"},
      {"--sort", "sort", "FIELD",
       "created_at, updated_at, opened_at, resolved_at, title, reference, status, "
       "parent_status, priority or data.KEY; - prefix descends (default -created_at)"},
      {"--after", "after", "CURSOR", "the page after this next_cursor of an earlier page"},
  };
  for (const Flag& f : kFlags) {
    list->add_option_function<std::string>(
            f.flag,
            [args, param = f.param](const std::string& value) {
              args->params.emplace_back(param, value);
            },
            f.help)
        ->type_name(f.type);
  }
  // --archived lists only archived cases; --archived=false (the default)
  // only the others.
  list->add_option_function<std::string>(
          "--archived",
          [args](const std::string& value) { args->params.emplace_back("archived", value); },
          "only archived cases (--archived=false: only the others, the default)")
      ->expected(0, 1)
      ->default_str("true");
}

int UsageFailure(const CLI::App& app, const CLI::ParseError& e) {
  std::string message = e.what();
  // For a misspelt command CLI11 only says that a command is required: when
  // the innermost command given expects a subcommand, name the word that
  // was not one.
  const CLI::App* given = &app;
  while (!given->get_subcommands().empty()) given = given->get_subcommands().front();
  const bool has_commands =
      !given->get_subcommands([](const CLI::App*) { return true; }).empty();
  std::vector<std::string> rest = app.remaining(true);
  if (has_commands && !rest.empty()) message = "unknown command: " + rest.front();
  std::cerr << message << "\nRun with --help for more information.\n";
  return cli::UsageError(message);
}

int Run(int argc, char** argv) {
  CLI::App app{"casework: cases in a local SQLite file or a PostgreSQL database", "casework"};
  app.footer(kFooter);
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the command
  Invocation inv;
  AddGlobalOptions(app, inv);
  AddCaseCommands(app, inv);
  AddWorkflowCommands(app, inv);
  AddTemplateCommands(app, inv);
  AddWorkspaceCommands(app, inv);
  AddListCommand(app, inv);
  AddTransferCommands(app, inv);
  AddSyncCommands(app, inv);
  AddVerifyCommand(app, inv);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // Help goes to stdout with exit 0; a usage error gets CLI11's message
    // and then the error document, both on stderr.
    if (e.get_exit_code() == 0) return app.exit(e);
    return UsageFailure(app, e);
  }
  if (!inv.action) return cli::UsageError("no command given");
  if (inv.ctx.db_path.empty()) inv.ctx.db_path = cli::DefaultDatabasePath();

  auto engine = cli::OpenDatabase(inv.ctx);
  if (!engine.ok()) return cli::Fail(engine.status());
  if (inv.finish) return inv.finish(inv.action(**engine));
  return cli::Finish(inv.action(**engine));
}

}  // namespace

int main(int argc, char** argv) {
  // Never a raw exception or an abort: anything unexpected is a storage_error.
  try {
    return Run(argc, argv);
  } catch (const std::exception& e) {
    return cli::Fail(casework::Status::StorageError(std::string("unexpected error: ") + e.what()));
  } catch (...) {
    return cli::Fail(casework::Status::StorageError("unexpected error"));
  }
}

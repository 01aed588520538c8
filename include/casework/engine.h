// casework: the engine, an open case database.
//
//   casework::Options options;
//   auto opened = casework::Engine::Open(options, "cases.db");
//   if (!opened.ok()) { /* opened.status().ToString() */ }
//   std::unique_ptr<casework::Engine> engine = std::move(opened).value();
//
// Threads: an Engine may be shared between threads; its calls are serialized
// on one SQLite connection. For parallel reads, open one Engine per thread on
// the same file. Several processes may open the same file at once: writers
// take SQLite's write lock in turn (waiting up to Options::busy_timeout) and
// optimistic versions detect lost updates. Never use an Engine in a child
// process after fork().
//
// Errors: every call returns a Result or Status with a code from status.h;
// a call that fails changes nothing. No call throws or aborts on bad input.
#ifndef CASEWORK_ENGINE_H_
#define CASEWORK_ENGINE_H_

#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "casework/case.h"
#include "casework/history.h"
#include "casework/listing.h"
#include "casework/options.h"
#include "casework/result.h"
#include "casework/status.h"
#include "casework/sync.h"
#include "casework/template.h"
#include "casework/transfer.h"
#include "casework/transition.h"
#include "casework/verify.h"
#include "casework/workspace.h"

namespace casework {

class Engine {
 public:
  // Opens (and, if allowed, creates) the database at `path`, migrating an
  // older schema forward. A file written by a newer casework is refused with
  // kStorageError and left untouched.
  static Result<std::unique_ptr<Engine>> Open(const Options& options,
                                              const std::string& path);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine();

  // Creates a case. kValidationFailed names the first bad input; kNotFound
  // for an unknown workspace or template; kFormulaError for a closure
  // condition that does not parse; kClosureConditionsUnmet when the case
  // would start in a closed status with a condition unmet. From a template,
  // the case takes its schema (the request's fields added, replacing
  // template fields of the same key), steps, closure conditions, statuses,
  // transitions and default priority; it starts in the request's status,
  // else the template's initial status, else "draft".
  Result<Case> Create(const CaseDraft& draft, const WriteOptions& options = {});

  // Creates every draft in one transaction, for importers: all or none. On
  // failure the Status field names the draft ("[3].contacts[0].email").
  // Returns the new ids in order; far cheaper per case than Create, both
  // for the single commit and for not returning whole cases.
  Result<std::vector<std::string>> CreateMany(std::span<const CaseDraft> drafts,
                                              const WriteOptions& options = {});

  // Reads NDJSON cases from `ndjson` in one transaction: create payloads
  // are created, exported cases restored (transfer.h). All or none; errors
  // name the line ("line[3].title"). The progress callback runs under the
  // engine's lock and must not call the engine.
  Result<ImportSummary> Import(std::istream& ndjson, const ImportOptions& options = {});

  // Writes every case of the workspace to `ndjson`, one per line, from one
  // snapshot; returns how many. kStorageError when the stream fails.
  Result<std::int64_t> Export(std::ostream& ndjson, const ExportOptions& options = {}) const;

  // kNotFound when no case has this id in the workspace. With
  // options.as_of or options.version, the case as it stood then, rebuilt
  // from its history (its version and updated_at those of its last event
  // then); kValidationFailed when both are given or the version is below 1.
  Result<Case> Get(std::string_view id, const ReadOptions& options = {}) const;

  // Replaces the whole mutable record (see CaseDraft).
  Result<Case> Replace(std::string_view id, const CaseDraft& draft,
                       const WriteOptions& options = {});

  // Applies a JSON merge patch (RFC 7396) to the case's JSON shape: only the
  // members given change, null clears. Read-only members are ignored;
  // unknown ones are kValidationFailed.
  Result<Case> Patch(std::string_view id, const boost::json::object& patch,
                     const WriteOptions& options = {});

  // Sets schema field values, {key: value}; all valid or nothing changes. A
  // key the case's schema lacks is kUnknownField; null clears a value.
  Result<Case> UpdateData(std::string_view id, const boost::json::object& data,
                          const WriteOptions& options = {});

  // Sets or clears archived_at. Archiving an archived case changes nothing.
  Result<Case> Archive(std::string_view id, const WriteOptions& options = {});
  Result<Case> Unarchive(std::string_view id, const WriteOptions& options = {});

  // Links two cases of one workspace, symmetrically: both gain a version and
  // a history event. expected_version applies to `id`. Linking a case to
  // itself is kValidationFailed; linking linked cases changes nothing.
  Result<Case> Link(std::string_view id, std::string_view other,
                    const WriteOptions& options = {});
  Result<Case> Unlink(std::string_view id, std::string_view other,
                      const WriteOptions& options = {});

  // Changes one step; kNotFound when the case has no step `step_id`.
  Result<Case> UpdateStep(std::string_view id, std::string_view step_id,
                          const StepChange& change,
                          const WriteOptions& options = {});

  // The case's events, oldest first; with options.since, those after that
  // version.
  Result<std::vector<Event>> History(std::string_view id,
                                     const ReadOptions& options = {}) const;

  // Moves the case to the status or along the transition `request.to`
  // names. kTransitionNotAllowed when the workflow has no such move from the
  // current status; kClosureConditionsUnmet (listing every failing condition
  // in Status::failures()) when the move enters a closed parent status while
  // a closure condition is false or a required field is empty. On success
  // status, parent_status, resolved_at (set on entering a closed parent
  // status, cleared on leaving one), last_transition_id and version change
  // and a status_changed event records from, to, reason and the condition
  // results. A dry run reports the same and changes nothing.
  Result<TransitionOutcome> Transition(std::string_view id, const TransitionRequest& request,
                                       const WriteOptions& options = {});

  // Evaluates every closure condition and required field of the case,
  // explaining each failure; changes nothing.
  Result<std::vector<ConditionResult>> Check(std::string_view id,
                                             const ReadOptions& options = {}) const;

  // Evaluates a formula against the case `case_id`, or against no case
  // (`case` is then null). kFormulaError for a formula that does not parse
  // or fails to evaluate.
  Result<boost::json::value> Evaluate(std::string_view formula,
                                      std::optional<std::string_view> case_id = std::nullopt,
                                      const ReadOptions& options = {}) const;

  // Templates. Create and update check the whole definition (statuses,
  // transitions, initial status, schema, steps, formulas) and fail with
  // kValidationFailed or kFormulaError naming the item. Updating makes a new
  // version; existing cases keep the version they were created from.
  // expected_version applies to the template's version.
  Result<Template> CreateTemplate(const TemplateDraft& draft, const WriteOptions& options = {});
  Result<Template> GetTemplate(std::string_view id, const ReadOptions& options = {}) const;
  Result<std::vector<Template>> ListTemplates(const ReadOptions& options = {}) const;
  Result<Template> UpdateTemplate(std::string_view id, const TemplateDraft& draft,
                                  const WriteOptions& options = {});

  // Workspaces. kValidationFailed for a malformed or taken slug. An empty
  // name defaults to the slug.
  Result<Workspace> CreateWorkspace(std::string_view slug,
                                    std::string_view name);
  Result<std::vector<Workspace>> ListWorkspaces() const;

  // Checks the file (integrity_check, foreign_key_check, the kept case
  // counts behind list totals) and replays every case's history against
  // the stored case, reporting each difference (see verify.h). Reads one snapshot and changes nothing. With
  // options.workspace set, only that workspace's cases are replayed; by
  // default every workspace's are. A damaged file is a report with
  // problems where it can be read, kStorageError where it cannot.
  Result<VerifyReport> Verify(const ReadOptions& options = {}) const;

  // Lists the cases of the operation's workspace that match `query`, one
  // page of them, with the total count (DOMAIN.md §4, docs/LISTING.md).
  // kValidationFailed names a bad parameter ("page[size]", "sort",
  // "filter.and[1].op", "after"); kNotFound for an unknown workspace[...].
  // Reads one consistent snapshot; changes nothing (except that it first
  // indexes, for `q`, cases changed by another program than casework).
  Result<CasePage> List(const ListQuery& query, const ReadOptions& options = {}) const;

  // ---- Change feed and sync (casework/sync.h, docs/SYNC.md) ----

  // The events committed after change `since` (0: from the first), at most
  // `limit` (1 to 10,000), across every workspace, in commit order. Change
  // numbers run 1, 2, ... without a gap, and a later call never finds a
  // number below one it has already seen.
  Result<std::vector<ChangeEntry>> Changes(std::int64_t since, std::int64_t limit = 1000) const;

  // The database's id, made when it was created (a file copy shares it).
  Result<std::string> DatabaseId() const;

  // Brings the changes `source` made, or received, since the last pull from
  // it into this database (casework/sync.h), batch by batch, each batch one
  // transaction with the progress it records. kValidationFailed when the
  // source is this engine.
  Result<SyncSummary> Pull(Engine& source, const SyncOptions& options = {});
  // The same, the other way: `target` pulls from this engine.
  Result<SyncSummary> Push(Engine& target, const SyncOptions& options = {});

  // The change set a pull reads, as NDJSON: a header, the templates and
  // the cases the source's events after change `since` (at most `limit`
  // of them) touch, each case with its whole history, and a closing line.
  // Returns the number of events covered.
  Result<std::int64_t> WriteChanges(std::ostream& out, std::int64_t since,
                                    std::int64_t limit = 500) const;
  // Applies a change set in one transaction and records how far this
  // database got in its source's feed. A malformed, truncated or hostile
  // set, or one that starts after where this database got, is an error
  // naming the line, and nothing is applied.
  Result<SyncSummary> ApplyChanges(std::istream& in, const SyncOptions& options = {});

  // The cases of the workspace left in conflict by a pull, oldest first.
  Result<std::vector<Conflict>> Conflicts(const ReadOptions& options = {}) const;
  // Settles the conflict of case `id`: the case takes the chosen state, the
  // peer's events join its history, and a "conflict_resolved" event records
  // the choice and what it changed. kNotFound when the case has no conflict.
  Result<Case> Resolve(std::string_view id, const Resolution& resolution,
                       const WriteOptions& options = {});

  class Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace casework

#endif  // CASEWORK_ENGINE_H_

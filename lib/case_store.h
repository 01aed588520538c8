// The rows of a case: reading a whole case, writing its parts.
//
// Functions here run inside the caller's transaction and throw on failure
// (SQLite::Exception, or Error for a lost version race).
#ifndef CASEWORK_LIB_CASE_STORE_H_
#define CASEWORK_LIB_CASE_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "casework/case.h"
#include "contacts.h"
#include "storage/connection.h"
#include "uuid.h"
#include "write_context.h"

namespace casework {

// Where a case is, and the version it had when found.
struct CaseKey {
  std::int64_t row = 0;
  std::int64_t version = 0;
};

// The case `id` of workspace `workspace`, if any.
std::optional<CaseKey> FindCase(storage::Connection& db, std::int64_t workspace, const Uuid& id);

// The whole case at `row`.
Case LoadCase(storage::Connection& db, std::int64_t row);

// The columns of the cases row that create, replace and patch set.
struct CaseRecord {
  std::string title;
  std::optional<std::string> description, locale, reference;
  WaitingFor waiting_for = WaitingFor::kNone;
  std::optional<Priority> priority;
  std::optional<std::int64_t> owner;  // users row
  std::string metadata;               // JSON object text
  std::string closure_conditions;     // JSON array text
  std::optional<Timestamp> opened_at;
};

// What an imported case keeps from the database it was exported from,
// instead of what a new case gets.
struct Restored {
  Uuid id;
  Timestamp created_at, updated_at;
  std::optional<Timestamp> resolved_at, archived_at;
  std::optional<Uuid> last_transition_id;
};

// The workflow state a case starts in.
struct InitialState {
  std::string status;
  ParentStatus parent_status = ParentStatus::kDraft;
  std::optional<Uuid> template_id;
  std::optional<std::int64_t> template_version;
  const Restored* restored = nullptr;  // set for a case an import restores
};

// The row of the case `id` in whichever workspace holds it (ids are unique
// per file).
std::optional<std::int64_t> FindCaseInAnyWorkspace(storage::Connection& db, const Uuid& id);

// Inserts the cases row at version 1 (a new case's times are ctx.now);
// returns its rowid.
std::int64_t InsertCase(WriteContext& ctx, const Uuid& id, const CaseRecord& record,
                        const InitialState& state);

// Rewrites the record columns and bumps the version; `key.version` must
// still be current.
void UpdateCaseRecord(WriteContext& ctx, const CaseKey& key, const CaseRecord& record);

// Bumps version and updated_at only (changes held in child rows).
void TouchCase(WriteContext& ctx, const CaseKey& key);

void SetArchivedAt(WriteContext& ctx, const CaseKey& key, std::optional<Timestamp> at);

// Moves the status columns together and bumps the version.
void SetStatus(WriteContext& ctx, const CaseKey& key, std::string_view status,
               ParentStatus parent_status, std::optional<Timestamp> resolved_at,
               const Uuid& transition_id);

// Child rows. Insert* add to a case without any; Replace* drop the old ones.
void InsertAssignees(storage::Connection& db, std::int64_t row, const std::vector<std::int64_t>& users);
void InsertTags(storage::Connection& db, std::int64_t row, const std::vector<std::string>& tags);
void InsertContactLinks(storage::Connection& db, std::int64_t row, const std::vector<ContactLink>& links);
void InsertFields(storage::Connection& db, std::int64_t row, const std::vector<Field>& fields);
void InsertSteps(storage::Connection& db, std::int64_t row, const std::vector<Step>& steps);
void ReplaceAssignees(storage::Connection& db, std::int64_t row, const std::vector<std::int64_t>& users);
void ReplaceTags(storage::Connection& db, std::int64_t row, const std::vector<std::string>& tags);
void ReplaceContactLinks(storage::Connection& db, std::int64_t row, const std::vector<ContactLink>& links);
void ReplaceFields(storage::Connection& db, std::int64_t row, const std::vector<Field>& fields);
void ReplaceSteps(storage::Connection& db, std::int64_t row, const std::vector<Step>& steps);

void UpdateFieldValue(storage::Connection& db, std::int64_t row, const Field& field);
void UpdateStepRow(storage::Connection& db, std::int64_t row, const Step& step);

// Adds or removes the link in both directions.
void InsertLink(storage::Connection& db, std::int64_t a, std::int64_t b);
void DeleteLink(storage::Connection& db, std::int64_t a, std::int64_t b);

}  // namespace casework

#endif  // CASEWORK_LIB_CASE_STORE_H_

// casework: the case (a.k.a. workflow) and the draft a request gives for one.
#ifndef CASEWORK_CASE_H_
#define CASEWORK_CASE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "casework/field.h"
#include "casework/step.h"
#include "casework/time.h"
#include "casework/user.h"
#include "casework/workspace.h"

namespace casework {

enum class ParentStatus { kDraft, kPending, kInProgress, kClosed };
enum class WaitingFor { kNone, kOwner, kContact };
enum class Priority { kCritical, kHigh, kMedium, kLow, kInfo };

std::string_view ParentStatusName(ParentStatus s);  // "draft", "in_progress"...
std::optional<ParentStatus> ParentStatusFromName(std::string_view name);
std::string_view WaitingForName(WaitingFor w);  // "none", "owner", "contact"
std::optional<WaitingFor> WaitingForFromName(std::string_view name);
std::string_view PriorityName(Priority p);  // "critical", ..., "info"
std::optional<Priority> PriorityFromName(std::string_view name);

// A named formula that must be true before the case may be closed.
struct ClosureCondition {
  std::string name;
  std::string formula;  // e.g. "=SIZE(team_case.assignees) > 0"
};

// A case as stored. Read-only members (id, workspace, parent_status,
// timestamps, version, last_transition_id) are maintained by the engine.
struct Case {
  std::string id;  // UUIDv7: time-ordered
  WorkspaceRef workspace;
  std::string title;
  std::optional<std::string> description;
  std::optional<std::string> locale;
  std::optional<std::string> reference;
  std::string status;  // the custom status, one of the workflow's
  ParentStatus parent_status = ParentStatus::kDraft;
  WaitingFor waiting_for = WaitingFor::kNone;
  std::optional<Priority> priority;
  std::optional<User> owner;
  std::vector<User> assignees;
  std::vector<std::string> tags;  // sorted, distinct
  boost::json::object metadata;
  std::vector<CaseContact> contacts;
  std::optional<std::string> template_id;
  std::vector<Field> schema;
  std::vector<Step> steps;
  std::vector<ClosureCondition> closure_conditions;
  std::vector<std::string> linked_cases;  // ids, sorted
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> opened_at;
  std::optional<Timestamp> resolved_at;
  std::optional<Timestamp> archived_at;
  std::int64_t version = 0;  // 1 at creation, +1 on every change
  std::optional<std::string> last_transition_id;
};

// Names a workspace by id or by slug (set at least one).
struct WorkspaceSelector {
  std::optional<std::string> id;
  std::optional<std::string> slug;
};

// What a request gives for a case: the input of create and replace.
//
// For create, `status` is the initial status (default: the workflow's
// initial one) and `template_id` picks a template. For replace, the whole
// mutable record is replaced; `status`, `template_id` and `linked_cases`
// may be given only with the values the case already has (status changes
// through transitions, the template is fixed at creation, links change
// through link/unlink), so that a fetched case can be edited and sent back.
struct CaseDraft {
  std::string title;  // required, not blank, at most 1,000 characters
  std::optional<std::string> description;
  std::optional<std::string> locale;
  std::optional<std::string> reference;
  std::optional<std::string> status;
  std::optional<std::string> template_id;
  std::optional<WorkspaceSelector> workspace;
  WaitingFor waiting_for = WaitingFor::kNone;
  std::optional<Priority> priority;
  std::optional<UserInput> owner;
  std::vector<UserInput> assignees;
  std::vector<std::string> tags;
  boost::json::object metadata;
  std::vector<ContactInput> contacts;
  std::vector<Field> schema;
  std::vector<Step> steps;
  std::vector<ClosureCondition> closure_conditions;
  std::optional<std::vector<std::string>> linked_cases;  // replace only
  std::optional<Timestamp> opened_at;  // default: the creation time
};

}  // namespace casework

#endif  // CASEWORK_CASE_H_

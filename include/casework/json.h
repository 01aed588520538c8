// casework: JSON in and out, in the shapes of the product contract.
//
// Output (value_from) uses Penbox's field names plus Tines' extras and
// `version`. Input (value_to, DraftFromJson) is strict: a member the payload
// kind does not know is kValidationFailed naming it, so a typo is never
// dropped silently.
//
// The value_to conversions throw casework::Error (Boost.JSON conversions
// have no other way to fail); the named functions below return Result.
#ifndef CASEWORK_JSON_H_
#define CASEWORK_JSON_H_

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "casework/case.h"
#include "casework/history.h"
#include "casework/result.h"
#include "casework/template.h"
#include "casework/transition.h"
#include "casework/workspace.h"

namespace casework {

// Bounds for parsing untrusted text. A violation is kValidationFailed.
struct JsonLimits {
  std::size_t max_bytes = 16 * 1024 * 1024;
  std::size_t max_depth = 64;
};

// Parses untrusted JSON text; malformed text, invalid UTF-8, trailing
// garbage and limit violations are kValidationFailed with the byte offset.
Result<boost::json::value> ParseJson(std::string_view text,
                                     const JsonLimits& limits = {});

enum class DraftKind {
  // The create payload: Penbox's create fields, Tines' priority,
  // description, assignee_emails, tag_names, metadata, closure_conditions,
  // opened_at, and locale, waiting_for, steps.
  kCreate,
  // A whole case shape as get returns it; read-only members (id, workspace,
  // parent_status, created_at, updated_at, resolved_at, archived_at,
  // version, last_transition_id) are accepted and ignored.
  kReplace,
};

// Decodes a payload; errors name the JSON path ("contacts[1].email").
Result<CaseDraft> DraftFromJson(const boost::json::value& json, DraftKind kind);

// Boost.JSON conversions for every domain type.
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const Case& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const CaseDraft& d);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const User& u);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const UserInput& u);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const CaseContact& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const ContactInput& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const Field& f);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const Step& s);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const ClosureCondition& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const Workspace& w);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const WorkspaceRef& w);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const Change& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const Event& e);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const Status& s);

CaseDraft tag_invoke(boost::json::value_to_tag<CaseDraft>, const boost::json::value& v);  // kCreate
Case tag_invoke(boost::json::value_to_tag<Case>, const boost::json::value& v);
WorkspaceRef tag_invoke(boost::json::value_to_tag<WorkspaceRef>, const boost::json::value& v);
Change tag_invoke(boost::json::value_to_tag<Change>, const boost::json::value& v);
User tag_invoke(boost::json::value_to_tag<User>, const boost::json::value& v);
UserInput tag_invoke(boost::json::value_to_tag<UserInput>, const boost::json::value& v);
CaseContact tag_invoke(boost::json::value_to_tag<CaseContact>, const boost::json::value& v);
ContactInput tag_invoke(boost::json::value_to_tag<ContactInput>, const boost::json::value& v);
Field tag_invoke(boost::json::value_to_tag<Field>, const boost::json::value& v);
Step tag_invoke(boost::json::value_to_tag<Step>, const boost::json::value& v);
StepChange tag_invoke(boost::json::value_to_tag<StepChange>, const boost::json::value& v);
ClosureCondition tag_invoke(boost::json::value_to_tag<ClosureCondition>, const boost::json::value& v);
Workspace tag_invoke(boost::json::value_to_tag<Workspace>, const boost::json::value& v);
Event tag_invoke(boost::json::value_to_tag<Event>, const boost::json::value& v);

// JSON text of `value`, as boost::json::serialize writes it except that
// doubles take their shortest decimal form ("2450.5", not "2.4505E3").
std::string ToJsonText(const boost::json::value& value);

// The same, appended to `out`; AppendJsonString writes one JSON string.
void AppendJsonText(const boost::json::value& value, std::string& out);
void AppendJsonText(const boost::json::object& object, std::string& out);
void AppendJsonString(std::string_view text, std::string& out);

// Templates and transitions. A template payload has name, statuses
// ([{name, parent_status}]), initial_status, transitions ([{from, to,
// name}]), schema, steps, closure_conditions, priority and, for create,
// workspace; a fetched template's id, version, created_at and updated_at are
// accepted and ignored.
Result<TemplateDraft> TemplateDraftFromJson(const boost::json::value& json);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const Template& t);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const TemplateDraft& t);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const StatusDefinition& s);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const TransitionDefinition& t);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const ConditionResult& c);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const TransitionOutcome& t);
TemplateDraft tag_invoke(boost::json::value_to_tag<TemplateDraft>, const boost::json::value& v);
// A fetched template: the draft's members plus id, workspace, version and
// the times, as value_from writes them.
Template tag_invoke(boost::json::value_to_tag<Template>, const boost::json::value& v);
StatusDefinition tag_invoke(boost::json::value_to_tag<StatusDefinition>, const boost::json::value& v);
TransitionDefinition tag_invoke(boost::json::value_to_tag<TransitionDefinition>,
                                const boost::json::value& v);

// Applies an RFC 7396 merge patch to `target` in place.
void ApplyMergePatch(boost::json::value& target, const boost::json::value& patch);

}  // namespace casework

#endif  // CASEWORK_JSON_H_

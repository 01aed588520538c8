// Workflow operations of the engine: transitions, condition checks and
// formula evaluation.
#include <boost/json.hpp>

#include "casework/formula.h"
#include "casework/json.h"
#include "engine_impl.h"
#include "formats.h"
#include "history.h"
#include "templates.h"
#include "workspaces.h"

namespace casework {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxReason = 10'000;

// A required field holds a value unless it is null, blank text or an empty
// array: each of those would let mandatory data be skipped at close.
bool HasValue(const json::value& value) {
  if (value.is_null()) return false;
  if (value.is_string()) return !IsBlank(value.get_string());
  if (value.is_array()) return !value.get_array().empty();
  return true;
}

ConditionResult RequiredFieldResult(const Field& field) {
  ConditionResult result;
  result.name = "required: " + field.key;
  result.value = field.value;
  result.passed = HasValue(field.value);
  if (!result.passed) result.reason = "required field \"" + field.name + "\" has no value";
  return result;
}

json::value TimeValue(const std::optional<Timestamp>& t) {
  return t ? json::value(FormatTimestamp(*t)) : json::value(nullptr);
}

json::array ConditionSummary(const std::vector<ConditionResult>& results) {
  json::array summary;
  for (const auto& r : results)
    summary.push_back(json::object{{"name", r.name}, {"passed", r.passed}, {"reason", r.reason}});
  return summary;
}

}  // namespace

Workflow Engine::Impl::CaseWorkflowAt(const storage::CaseKey& key, const Case& c) {
  // A case without template has no definition to read: spare the query.
  if (!c.template_id) return BuiltinWorkflow();
  auto from_template = CaseWorkflow(*repo_, key);
  return from_template ? std::move(*from_template) : BuiltinWorkflow();
}

std::vector<ConditionResult> Engine::Impl::EvaluateConditions(const Case& c, Timestamp now) {
  std::vector<ConditionResult> results;
  json::value subject = FormulaSubject(c);
  for (const auto& condition : c.closure_conditions) {
    ConditionResult result;
    result.name = condition.name;
    result.formula = condition.formula;
    const Result<Formula>& formula = formulas_.Get(condition.formula);
    if (!formula.ok()) {
      result.reason = formula.status().message();
    } else {
      FormulaVerdict verdict = formula->Check(subject, now);
      result.passed = verdict.passed;
      result.value = std::move(verdict.value);
      result.reason = std::move(verdict.reason);
    }
    results.push_back(std::move(result));
  }
  for (const auto& field : c.schema)
    if (field.required) results.push_back(RequiredFieldResult(field));
  return results;
}

void Engine::Impl::RequireConditions(const std::vector<ConditionResult>& results) {
  std::vector<ConditionFailure> failures;
  for (const auto& r : results)
    if (!r.passed) failures.push_back({r.name, r.reason});
  if (failures.empty()) return;
  std::string message = std::to_string(failures.size()) + " closure condition" +
                        (failures.size() == 1 ? "" : "s") + " unmet: ";
  for (std::size_t i = 0; i < failures.size(); ++i)
    message += (i ? "; " : "") + failures[i].name + " (" + failures[i].reason + ")";
  throw Error(Status::ClosureConditionsUnmet(std::move(message), std::move(failures)));
}

TransitionOutcome Engine::Impl::Transition(std::string_view id, const TransitionRequest& request,
                                           const WriteOptions& options) {
  if (!IsValidUtf8(request.reason))
    throw Error(Status::ValidationFailed("reason", "is not valid UTF-8"));
  if (CountCodePoints(request.reason) > kMaxReason)
    throw Error(Status::ValidationFailed("reason", "longer than 10000 characters"));
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  Target target = Open(id, options);
  const Case& before = target.before;
  Move move = ResolveMove(CaseWorkflowAt(target.key, before), before.status, request.to);

  TransitionOutcome outcome{before, before.status, move.to, move.name, false, {}};
  bool was_closed = before.parent_status == ParentStatus::kClosed;
  bool closes = move.parent_status == ParentStatus::kClosed;
  // Entering any closed status checks the conditions, also from another
  // closed one ("won" to "lost"): data may have changed since the first.
  if (closes) {
    outcome.conditions = EvaluateConditions(before, target.ctx.now);
    RequireConditions(outcome.conditions);
  }
  if (request.dry_run) return outcome;  // the transaction rolls back untouched

  std::optional<Timestamp> resolved_at = before.resolved_at;
  if (closes && !was_closed) resolved_at = target.ctx.now;
  if (!closes) resolved_at.reset();
  Uuid transition_id = target.ctx.ids.Next(target.ctx.now);
  repo_->SetStatus(target.key, move.to, move.parent_status, resolved_at, transition_id,
                   target.ctx.now);

  std::vector<Change> changes{{"status", json::value(before.status), json::value(move.to)}};
  if (move.parent_status != before.parent_status)
    changes.push_back({"parent_status", json::value(ParentStatusName(before.parent_status)),
                       json::value(ParentStatusName(move.parent_status))});
  if (resolved_at != before.resolved_at)
    changes.push_back({"resolved_at", TimeValue(before.resolved_at), TimeValue(resolved_at)});
  changes.push_back({"last_transition_id",
                     before.last_transition_id ? json::value(*before.last_transition_id)
                                               : json::value(nullptr),
                     json::value(UuidToString(transition_id))});
  json::object details{{"from", before.status},
                       {"to", move.to},
                       {"transition", move.name ? json::value(*move.name) : json::value(nullptr)},
                       {"reason", request.reason},
                       {"conditions", ConditionSummary(outcome.conditions)}};
  AppendEvent(target.ctx, target.key, options.actor, "status_changed", changes, details);
  Case& after = outcome.result;
  after.status = move.to;
  after.parent_status = move.parent_status;
  after.resolved_at = resolved_at;
  after.last_transition_id = UuidToString(transition_id);
  after.version = target.key.version + 1;
  after.updated_at = target.ctx.now;
  outcome.applied = true;
  tx.Commit();
  return outcome;
}

std::vector<ConditionResult> Engine::Impl::Check(std::string_view id, const ReadOptions& options) {
  return EvaluateConditions(Get(id, options), clock_());
}

json::value Engine::Impl::Evaluate(std::string_view text, std::optional<std::string_view> case_id,
                                   const ReadOptions& options) {
  const Result<Formula>& formula = formulas_.Get(text);
  if (!formula.ok()) throw Error(formula.status());
  json::value subject;  // no case: `case` is null
  if (case_id) subject = FormulaSubject(Get(*case_id, options));
  auto value = formula->Evaluate(subject, clock_());
  if (!value.ok()) throw Error(value.status());
  return std::move(value).value();
}

}  // namespace casework

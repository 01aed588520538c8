#include "workflow.h"

#include <set>

#include "casework/status.h"
#include "formats.h"

namespace casework {
namespace {

[[noreturn]] void NotAllowed(std::string message) {
  throw Error(Status::TransitionNotAllowed(std::move(message)));
}

[[noreturn]] void Invalid(std::string field, std::string message) {
  throw Error(Status::ValidationFailed(std::move(field), std::move(message)));
}


// A "*" transition leads from any status but its own target.
bool LeavesFrom(const TransitionDefinition& t, std::string_view current) {
  return t.from == current || (t.from == "*" && t.to != current);
}

Workflow MakeBuiltin() {
  Workflow w;
  const std::string open[] = {"draft", "pending", "in_progress"};
  for (const auto& name : open) w.statuses.push_back({name, *ParentStatusFromName(name)});
  w.statuses.push_back({"closed", ParentStatus::kClosed});
  w.initial_status = "draft";
  for (const auto& from : open)
    for (const auto& to : open)
      if (from != to) w.transitions.push_back({from, to, ""});
  for (const auto& from : open) w.transitions.push_back({from, "closed", "Close"});
  w.transitions.push_back({"closed", "in_progress", "Reopen"});
  return w;
}

const TransitionDefinition* FindByName(const Workflow& w, std::string_view current,
                                       std::string_view name) {
  const TransitionDefinition* folded = nullptr;
  for (const auto& t : w.transitions) {
    if (t.name.empty() || !LeavesFrom(t, current)) continue;
    if (t.name == name) return &t;
    if (!folded && EqualsIgnoringAsciiCase(t.name, name)) folded = &t;
  }
  return folded;
}

const TransitionDefinition* FindByTarget(const Workflow& w, std::string_view current,
                                         std::string_view to) {
  for (const auto& t : w.transitions)
    if (t.to == to && LeavesFrom(t, current)) return &t;
  return nullptr;
}

bool NamesAnyTransition(const Workflow& w, std::string_view name) {
  for (const auto& t : w.transitions)
    if (!t.name.empty() && EqualsIgnoringAsciiCase(t.name, name)) return true;
  return false;
}

std::string At(std::string_view list, std::size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

}  // namespace

std::optional<ParentStatus> Workflow::ParentOf(std::string_view status) const {
  for (const auto& s : statuses)
    if (s.name == status) return s.parent_status;
  return std::nullopt;
}

const Workflow& BuiltinWorkflow() {
  static const Workflow builtin = MakeBuiltin();
  return builtin;
}

Move ResolveMove(const Workflow& w, std::string_view current, std::string_view target) {
  const TransitionDefinition* t = FindByName(w, current, target);
  if (!t) t = FindByTarget(w, current, target);
  if (!t) {
    std::string quoted = "\"" + std::string(target) + "\"";
    if (!w.ParentOf(target) && !NamesAnyTransition(w, target))
      NotAllowed("the workflow has no status or transition named " + quoted);
    if (target == current) NotAllowed("the case is already in status " + quoted);
    NotAllowed("the workflow has no move from \"" + std::string(current) + "\" to " + quoted);
  }
  Move move{t->to, *w.ParentOf(t->to), std::nullopt};
  if (!t->name.empty()) move.name = t->name;
  return move;
}

void ValidateWorkflow(const TemplateDraft& d) {
  if (IsBlank(d.name)) Invalid("name", "must not be blank");
  if (CountCodePoints(d.name) > 255 || HasControlCharacter(d.name) || !IsValidUtf8(d.name))
    Invalid("name", "at most 255 characters of UTF-8, no control characters");
  if (d.statuses.empty()) Invalid("statuses", "a template needs at least one status");
  std::set<std::string> names;
  for (std::size_t i = 0; i < d.statuses.size(); ++i) {
    const auto& name = d.statuses[i].name;
    if (IsBlank(name) || HasControlCharacter(name) || CountCodePoints(name) > 255 ||
        !IsValidUtf8(name))
      Invalid(At("statuses", i) + ".name", "must be 1 to 255 characters, no control characters");
    if (name == "*") Invalid(At("statuses", i) + ".name", "\"*\" means any status");
    if (!names.insert(name).second)
      Invalid(At("statuses", i) + ".name", "status \"" + name + "\" is defined twice");
  }
  Workflow w{d.statuses, d.initial_status.empty() ? "draft" : d.initial_status, {}};
  auto initial = w.ParentOf(w.initial_status);
  if (!initial)
    Invalid("initial_status", "\"" + w.initial_status + "\" is not one of the template's statuses");
  if (*initial == ParentStatus::kClosed)
    Invalid("initial_status", "a case cannot start in a closed status");
  std::set<std::pair<std::string, std::string>> named;
  for (std::size_t i = 0; i < d.transitions.size(); ++i) {
    const auto& t = d.transitions[i];
    std::string path = At("transitions", i);
    if (t.from != "*" && !w.ParentOf(t.from))
      Invalid(path + ".from", "\"" + t.from + "\" is not one of the template's statuses");
    if (!w.ParentOf(t.to))
      Invalid(path + ".to", "\"" + t.to + "\" is not one of the template's statuses");
    if (t.from == t.to) Invalid(path + ".to", "a transition must lead to another status");
    if (HasControlCharacter(t.name) || CountCodePoints(t.name) > 255 || !IsValidUtf8(t.name))
      Invalid(path + ".name", "at most 255 characters of UTF-8, no control characters");
    if (!t.name.empty() && !named.insert({t.from, t.name}).second)
      Invalid(path + ".name", "\"" + t.name + "\" leaves \"" + t.from + "\" twice");
  }
}

}  // namespace casework

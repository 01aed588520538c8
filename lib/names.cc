// Names of the enumerations, as they appear in JSON and on the command line.
#include <array>
#include <optional>
#include <string_view>

#include "casework/case.h"
#include "casework/field.h"
#include "casework/step.h"

namespace casework {
namespace {

// Maps an enum to its name by position: the enumerators of each table below
// are declared in the same order as their names.
template <typename Enum, std::size_t N>
std::optional<Enum> FromName(const std::array<std::string_view, N>& names,
                             std::string_view name) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == name) return static_cast<Enum>(i);
  return std::nullopt;
}

constexpr std::array<std::string_view, 4> kParentStatus = {"draft", "pending",
                                                           "in_progress", "closed"};
constexpr std::array<std::string_view, 3> kWaitingFor = {"none", "owner", "contact"};
constexpr std::array<std::string_view, 5> kPriority = {"critical", "high", "medium",
                                                       "low", "info"};
constexpr std::array<std::string_view, 11> kFieldType = {
    "text",  "number", "integer", "boolean",      "date", "datetime",
    "email", "phone",  "choice",  "multi_choice", "json"};
constexpr std::array<std::string_view, 4> kStepStatus = {"todo", "in_progress", "done",
                                                         "skipped"};

}  // namespace

std::string_view ParentStatusName(ParentStatus s) { return kParentStatus[static_cast<int>(s)]; }
std::optional<ParentStatus> ParentStatusFromName(std::string_view name) {
  return FromName<ParentStatus>(kParentStatus, name);
}
std::string_view WaitingForName(WaitingFor w) { return kWaitingFor[static_cast<int>(w)]; }
std::optional<WaitingFor> WaitingForFromName(std::string_view name) {
  return FromName<WaitingFor>(kWaitingFor, name);
}
std::string_view PriorityName(Priority p) { return kPriority[static_cast<int>(p)]; }
std::optional<Priority> PriorityFromName(std::string_view name) {
  return FromName<Priority>(kPriority, name);
}
std::string_view FieldTypeName(FieldType t) { return kFieldType[static_cast<int>(t)]; }
std::optional<FieldType> FieldTypeFromName(std::string_view name) {
  return FromName<FieldType>(kFieldType, name);
}
std::string_view StepStatusName(StepStatus s) { return kStepStatus[static_cast<int>(s)]; }
std::optional<StepStatus> StepStatusFromName(std::string_view name) {
  return FromName<StepStatus>(kStepStatus, name);
}

}  // namespace casework

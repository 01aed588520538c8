// casework: the steps of a case's workflow.
#ifndef CASEWORK_STEP_H_
#define CASEWORK_STEP_H_

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>

namespace casework {

enum class StepStatus { kTodo, kInProgress, kDone, kSkipped };

std::string_view StepStatusName(StepStatus status);  // "todo", ...
std::optional<StepStatus> StepStatusFromName(std::string_view name);

struct Step {
  std::string id;  // unique within the case, 1..64 characters
  std::string title;
  StepStatus status = StepStatus::kTodo;
  boost::json::object data;
};

// A change to one step: only the members that are set change.
struct StepChange {
  std::optional<std::string> title;
  std::optional<StepStatus> status;
  std::optional<boost::json::object> data;  // replaces the step's data
};

}  // namespace casework

#endif  // CASEWORK_STEP_H_

#include "casework/status.h"

#include <array>

namespace casework {

std::string_view CodeName(Code code) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "ok",       "validation_failed",      "unknown_field",
      "not_found", "conflict",              "transition_not_allowed",
      "closure_conditions_unmet", "formula_error", "busy",
      "storage_error"};
  return kNames[static_cast<std::size_t>(code)];
}

Status Status::ValidationFailed(std::string field, std::string message) {
  return Status(Code::kValidationFailed, std::move(field), std::move(message));
}
Status Status::UnknownField(std::string field, std::string message) {
  return Status(Code::kUnknownField, std::move(field), std::move(message));
}
Status Status::NotFound(std::string message) {
  return Status(Code::kNotFound, {}, std::move(message));
}
Status Status::Conflict(std::int64_t current_version, std::string message) {
  Status s(Code::kConflict, {}, std::move(message));
  s.current_version_ = current_version;
  return s;
}
Status Status::TransitionNotAllowed(std::string message) {
  return Status(Code::kTransitionNotAllowed, {}, std::move(message));
}
Status Status::ClosureConditionsUnmet(std::string message,
                                      std::vector<ConditionFailure> failures) {
  Status s(Code::kClosureConditionsUnmet, {}, std::move(message));
  s.failures_ = std::move(failures);
  return s;
}
Status Status::FormulaError(std::size_t position, std::string message) {
  return FormulaError({}, position, std::move(message));
}
Status Status::FormulaError(std::string field, std::size_t position, std::string message) {
  Status s(Code::kFormulaError, std::move(field), std::move(message));
  s.position_ = position;
  return s;
}
Status Status::Busy(std::string message) { return Status(Code::kBusy, {}, std::move(message)); }
Status Status::StorageError(std::string message) {
  return Status(Code::kStorageError, {}, std::move(message));
}

Status Status::WithFieldPrefix(const std::string& prefix) const {
  Status prefixed = *this;
  prefixed.field_ = field_.empty() ? prefix : prefix + "." + field_;
  return prefixed;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out(CodeName(code_));
  out += ": ";
  if (!field_.empty()) {
    out += field_;
    out += ": ";
  }
  out += message_;
  return out;
}

}  // namespace casework

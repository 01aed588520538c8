// casework: typed errors.
//
// Every fallible call returns a Status (or a Result<T>, see result.h). A
// Status is a value: cheap to copy, never thrown across the public API.
// Codes are stable and match the error codes of the JSON contract
// ("validation_failed", "not_found", ...).
#ifndef CASEWORK_STATUS_H_
#define CASEWORK_STATUS_H_

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace casework {

enum class Code {
  kOk = 0,
  kValidationFailed,        // a bad argument; field() names it
  kUnknownField,            // update-data named a key the schema lacks
  kNotFound,                // no such case/workspace/... in this workspace
  kConflict,                // expected version is stale; retry read-modify-write
  kTransitionNotAllowed,    // the workflow has no such move
  kClosureConditionsUnmet,  // a closure condition is false
  kFormulaError,            // a formula does not parse; position() says where
  kBusy,                    // the database stayed locked past the busy timeout
  kStorageError,            // I/O error, full disk, read-only or damaged file
};

// The stable snake_case name of a code, e.g. "validation_failed".
std::string_view CodeName(Code code);

// A closure condition that blocked a transition, and why.
struct ConditionFailure {
  std::string name;
  std::string reason;
};

class Status {
 public:
  // An OK status.
  Status() = default;

  static Status ValidationFailed(std::string field, std::string message);
  static Status UnknownField(std::string field, std::string message);
  static Status NotFound(std::string message);
  static Status Conflict(std::int64_t current_version, std::string message);
  static Status TransitionNotAllowed(std::string message);
  static Status ClosureConditionsUnmet(std::string message,
                                       std::vector<ConditionFailure> failures);
  static Status FormulaError(std::size_t position, std::string message);
  // A formula stored at `field` ("closure_conditions[0].formula").
  static Status FormulaError(std::string field, std::size_t position, std::string message);
  static Status Busy(std::string message);
  static Status StorageError(std::string message);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // The path of the offending input, e.g. "contacts[1].email"; empty when the
  // error is not about one input field.
  const std::string& field() const { return field_; }

  // For kConflict: the version the case has now.
  std::optional<std::int64_t> current_version() const { return current_version_; }

  // For kFormulaError: the 0-based character offset of the error.
  std::optional<std::size_t> position() const { return position_; }

  // For kClosureConditionsUnmet: every condition that failed.
  const std::vector<ConditionFailure>& failures() const { return failures_; }

  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsValidationFailed() const { return code_ == Code::kValidationFailed; }

  // The same error with `prefix` put before the field path: "[3]" turns
  // "title" into "[3].title" (and an empty field into "[3]").
  Status WithFieldPrefix(const std::string& prefix) const;

  // "OK", or "<code>: <field>: <message>" (the field part only when set).
  std::string ToString() const;

 private:
  Status(Code code, std::string field, std::string message)
      : code_(code), field_(std::move(field)), message_(std::move(message)) {}

  Code code_ = Code::kOk;
  std::string field_;
  std::string message_;
  std::optional<std::int64_t> current_version_;
  std::optional<std::size_t> position_;
  std::vector<ConditionFailure> failures_;
};

// The exception that carries a Status. The library never lets it escape an
// Engine call (those return Result); it is thrown by the Boost.JSON value_to
// conversions of json.h, which have no other way to fail, and by
// Result<T>::value() on an error.
class Error : public std::exception {
 public:
  explicit Error(Status status) : status_(std::move(status)), what_(status_.ToString()) {}
  const Status& status() const noexcept { return status_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  Status status_;
  std::string what_;
};

}  // namespace casework

#endif  // CASEWORK_STATUS_H_

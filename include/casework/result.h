// casework: a value or the Status explaining why there is none.
#ifndef CASEWORK_RESULT_H_
#define CASEWORK_RESULT_H_

#include <utility>
#include <variant>

#include "casework/status.h"

namespace casework {

// Holds either a T or a non-OK Status; never both, never an OK Status without
// a value (constructing one from an OK Status yields a kStorageError, since it
// can only come from a bug).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : state_(std::move(status)) {  // NOLINT
    if (std::get<Status>(state_).ok())
      state_ = Status::StorageError("internal: OK status without a value");
  }

  bool ok() const { return std::holds_alternative<T>(state_); }

  // The error; an OK Status when there is a value.
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(state_);
  }

  // The value. Throws casework::Error when there is none.
  T& value() & { return Unwrap(*this); }
  const T& value() const& { return Unwrap(*this); }
  T&& value() && { return std::move(Unwrap(*this)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  template <typename Self>
  static auto& Unwrap(Self& self) {
    if (!self.ok()) throw Error(std::get<Status>(self.state_));
    return std::get<T>(self.state_);
  }

  std::variant<T, Status> state_;
};

}  // namespace casework

#endif  // CASEWORK_RESULT_H_

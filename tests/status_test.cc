#include <doctest/doctest.h>

#include "casework/result.h"
#include "casework/status.h"

using casework::Code;
using casework::Result;
using casework::Status;

TEST_CASE("a default status is OK and prints OK") {
  Status s;
  CHECK(s.ok());
  CHECK(s.ToString() == "OK");
}

TEST_CASE("code names are the stable snake_case strings of the contract") {
  CHECK(casework::CodeName(Code::kValidationFailed) == "validation_failed");
  CHECK(casework::CodeName(Code::kUnknownField) == "unknown_field");
  CHECK(casework::CodeName(Code::kNotFound) == "not_found");
  CHECK(casework::CodeName(Code::kConflict) == "conflict");
  CHECK(casework::CodeName(Code::kTransitionNotAllowed) == "transition_not_allowed");
  CHECK(casework::CodeName(Code::kClosureConditionsUnmet) == "closure_conditions_unmet");
  CHECK(casework::CodeName(Code::kFormulaError) == "formula_error");
  CHECK(casework::CodeName(Code::kBusy) == "busy");
  CHECK(casework::CodeName(Code::kStorageError) == "storage_error");
}

TEST_CASE("ToString names the code, then the field, then the message") {
  CHECK(Status::ValidationFailed("contacts[1].email", "bad").ToString() ==
        "validation_failed: contacts[1].email: bad");
  CHECK(Status::NotFound("no case").ToString() == "not_found: no case");
}

TEST_CASE("a conflict carries the current version and a formula error its position") {
  CHECK(Status::Conflict(7, "stale").current_version() == 7);
  CHECK(Status::FormulaError(12, "unexpected )").position() == 12u);
  CHECK_FALSE(Status::Busy("locked").current_version().has_value());
}

TEST_CASE("a result holds a value or an error, never both") {
  Result<int> good = 42;
  CHECK(good.ok());
  CHECK(*good == 42);
  CHECK(good.status().ok());

  Result<int> bad = Status::NotFound("nothing");
  CHECK_FALSE(bad.ok());
  CHECK(bad.status().IsNotFound());
  CHECK_THROWS_AS(bad.value(), casework::Error);
}

TEST_CASE("a result built from an OK status is an error, not an empty value") {
  Result<int> broken = Status();
  CHECK_FALSE(broken.ok());
  CHECK(broken.status().code() == Code::kStorageError);
}

// casework: closure-condition formulas.
//
// A formula is an expression over one case, written as Tines writes closure
// conditions: `=SIZE(team_case.assignees) > 0`. docs/FORMULAS.md documents
// the grammar, the operators, the functions and their treatment of null,
// missing paths, mixed types and division by zero.
//
// Parse once, evaluate many times: a Formula is immutable and may be shared
// between threads. Neither parsing nor evaluation ever throws, recurses
// without bound or runs without bound: hostile text meets the limits below.
#ifndef CASEWORK_FORMULA_H_
#define CASEWORK_FORMULA_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "casework/case.h"
#include "casework/result.h"
#include "casework/time.h"

namespace casework {

struct FormulaLimits {
  std::size_t max_length = 16 * 1024;      // bytes of formula text
  std::size_t max_depth = 64;              // nesting of sub-expressions
  std::size_t max_steps = 100'000;         // evaluation work units
  std::size_t max_text_bytes = 1 << 20;    // size of any text value built
  std::size_t max_pattern_length = 1000;   // bytes of a MATCH pattern
};

// The outcome of evaluating a formula as a condition.
struct FormulaVerdict {
  bool passed = false;      // the value is true (anything but FALSE and NULL)
  boost::json::value value;  // the value, null after an evaluation error
  bool error = false;        // evaluation failed (wrong types, unknown path...)
  // Why the condition failed, for a person: "SIZE(team_case.assignees) = 0,
  // not > 0", "case.data.amount is null", "unknown path case.data.x".
  // Empty when passed.
  std::string reason;
};

class Formula {
 public:
  // Parses `text` (an optional leading '=', then an expression).
  // kFormulaError with position() for a syntax error, an unknown function,
  // a wrong number of arguments, an unknown name, or a limit exceeded.
  static Result<Formula> Parse(std::string_view text, const FormulaLimits& limits = {});

  // Evaluates against a case, given as its JSON shape (value_from(Case)) with
  // a "data" object of field values by key added; `now` is NOW()'s value.
  // kFormulaError explains an evaluation error; its position is the offset
  // of the part that failed.
  Result<boost::json::value> Evaluate(const boost::json::value& case_json, Timestamp now) const;

  // Evaluates as a closure condition, explaining a failure.
  FormulaVerdict Check(const boost::json::value& case_json, Timestamp now) const;

  const std::string& text() const;

  struct Program;  // the parsed form, private to the implementation

 private:
  explicit Formula(std::shared_ptr<const Program> program) : program_(std::move(program)) {}
  std::shared_ptr<const Program> program_;
};

// What a formula sees of a case: its JSON shape plus "data", an object of the
// schema's values by field key (so `case.data.amount` reads a field).
boost::json::value FormulaSubject(const Case& c);

}  // namespace casework

#endif  // CASEWORK_FORMULA_H_

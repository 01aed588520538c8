// casework: evaluating a parsed formula against one case.
//
// Values are JSON values. Most of them are read straight out of the subject
// (the case's JSON) or out of the formula's constants, so a Value either
// refers to a JSON value that outlives the evaluation or owns one it built.
// A path that names nothing (an absent member, an index out of range)
// evaluates to "missing", which only IS_BLANK, IS_PRESENT and COALESCE
// accept; anywhere else it is the error "unknown path <path>".
//
// Errors unwind as EvalError to Formula's boundary (formula.cc), which turns
// them into a Status or a verdict: evaluation is a recursion over the tree
// and an error ends all of it. The recursion is as deep as the tree, which
// the parser bounded.
#ifndef CASEWORK_LIB_FORMULA_EVAL_H_
#define CASEWORK_LIB_FORMULA_EVAL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "casework/formula.h"
#include "casework/time.h"
#include "formula/ast.h"

namespace casework::formula_internal {

// An evaluation error, at the node it concerns.
struct EvalError {
  std::size_t position;
  std::string message;
};

[[noreturn]] void Fail(const Node& at, std::string message);

class Value {
 public:
  Value() = default;  // null

  // Refers to `v`, which must outlive the evaluation (subject or constant).
  static Value Ref(const boost::json::value& v);
  static Value Own(boost::json::value v);
  // The value of a path that names nothing; `path` is quoted in the error.
  static Value Missing(const Node& path);

  bool missing() const { return missing_ != nullptr; }
  const Node& missing_path() const { return *missing_; }
  bool refers() const { return ref_ != nullptr; }

  // REQUIRES: !missing().
  const boost::json::value& get() const { return ref_ != nullptr ? *ref_ : owned_; }

  // The value of `part`, a value inside get(): shared when this refers,
  // moved out when this owns it (this is then spent).
  Value Select(const boost::json::value& part) &&;

  // The value as one this caller owns (a copy when it refers).
  boost::json::value Take() &&;

 private:
  const boost::json::value* ref_ = nullptr;
  boost::json::value owned_;
  const Node* missing_ = nullptr;
};

// JSON text of `v` for a message, cut after 200 bytes (on a UTF-8 boundary).
std::string Shown(const boost::json::value& v);

// Only FALSE and NULL are false.
bool Truthy(const boost::json::value& v);

// "null", "boolean", "number", "text", "array" or "object".
std::string_view TypeName(const boost::json::value& v);

// A JSON number: int64 when integral and in range, else double.
struct Number {
  bool is_int = true;
  std::int64_t i = 0;
  double d = 0;

  double AsDouble() const { return is_int ? static_cast<double>(i) : d; }
  boost::json::value ToJson() const;
};

std::optional<Number> ToNumber(const boost::json::value& v);

// -1, 0 or 1, exactly (no rounding of large integers through double).
int CompareNumbers(const Number& a, const Number& b);

// a op b for + - * / %: integers while the exact result is an integer that
// fits, else a double. Fails at `at` on division by zero or a result that
// is not a finite number.
Number Arithmetic(BinaryOp op, const Number& a, const Number& b, const Node& at);

// An integer: int64, uint64 that fits, or a double with no fraction.
std::optional<std::int64_t> ToInteger(const boost::json::value& v);

// The text `&` writes for a scalar: numbers in shortest form, TRUE/FALSE,
// "" for null. False for arrays and objects.
bool AppendText(const boost::json::value& v, std::string& out);

class Evaluator {
 public:
  struct Explained {
    Value value;
    std::string reason;  // why the value is not true; empty when it is
  };

  Evaluator(const Formula::Program& program, const boost::json::value& subject, Timestamp now)
      : program_(program), subject_(subject), now_(now) {}

  // The node's value; an error when it is missing.
  Value Eval(const Node& node);
  // The node's value, possibly missing.
  Value EvalOrMissing(const Node& node);
  // The node's value as a condition, and why it is not true.
  Explained Explain(const Node& node);

  // Work accounting: fails at `at` past limits.max_steps.
  void Charge(const Node& at, std::size_t steps = 1);
  // Charges reading or writing `bytes` of text.
  void ChargeBytes(const Node& at, std::size_t bytes);
  // Fails at `at` when a text of `bytes` would pass limits.max_text_bytes.
  void CheckTextSize(const Node& at, std::size_t bytes) const;
  // A copy of `v` that the caller owns, its size charged when copied.
  boost::json::value TakeCharged(const Node& at, Value&& v);

  // Deep equality: numbers by value (1 = 1.0), texts by bytes, arrays in
  // order, objects by key set; each value visited is charged.
  bool Equal(const Node& at, const boost::json::value& a, const boost::json::value& b);

  std::string_view Source(const Node& node) const;
  Timestamp now() const { return now_; }
  const FormulaLimits& limits() const { return program_.limits; }

 private:
  Value EvalMember(const Node& node);
  Value EvalIndex(const Node& node);
  Value EvalArray(const Node& node);
  Value EvalObject(const Node& node);
  Value EvalNegate(const Node& node);
  Value EvalLogic(const Node& node, bool is_and);
  Value EvalChain(const Node& node);
  Value EvalJoin(const Node& node);
  Value Apply(const Node& at, BinaryOp op, const boost::json::value& a,
              const boost::json::value& b);
  bool EqualAt(const Node& at, const boost::json::value& a, const boost::json::value& b,
               std::size_t depth);

  Explained ExplainAll(const Node& node);
  Explained ExplainAny(const Node& node);
  Explained ExplainNot(const Node& node);
  Explained ExplainComparison(const Node& node);

  const Formula::Program& program_;
  const boost::json::value& subject_;
  Timestamp now_;
  std::size_t steps_ = 0;
};

// Evaluates a kCall node (functions.cc).
Value CallFunction(Evaluator& evaluator, const Node& call);

}  // namespace casework::formula_internal

#endif  // CASEWORK_LIB_FORMULA_EVAL_H_

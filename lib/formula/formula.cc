// The public face of the formula language (casework/formula.h). This is
// the boundary where the parser's and the evaluator's internal errors, and
// any exception from allocation or Boost.JSON, become Status values or
// verdicts: nothing thrown inside the module leaves it.
#include "casework/formula.h"

#include <exception>
#include <new>
#include <utility>

#include "casework/json.h"
#include "formula/ast.h"
#include "formula/eval.h"
#include "formula/parser.h"

namespace casework {

using formula_internal::EvalError;
using formula_internal::Evaluator;

Result<Formula> Formula::Parse(std::string_view text, const FormulaLimits& limits) {
  try {
    Result<std::unique_ptr<formula_internal::Node>> root =
        formula_internal::ParseFormula(text, limits);
    if (!root.ok()) return root.status();
    auto program = std::make_shared<Program>();
    program->text = std::string(text);
    program->limits = limits;
    program->root = std::move(root).value();
    return Formula(std::move(program));
  } catch (const std::bad_alloc&) {
    return Status::FormulaError(0, "out of memory while parsing the formula");
  } catch (const std::exception& e) {
    return Status::FormulaError(0, std::string("cannot parse the formula: ") + e.what());
  }
}

Result<boost::json::value> Formula::Evaluate(const boost::json::value& case_json,
                                            Timestamp now) const {
  try {
    Evaluator evaluator(*program_, case_json, now);
    return evaluator.Eval(*program_->root).Take();
  } catch (const EvalError& e) {
    return Status::FormulaError(e.position, e.message);
  } catch (const std::bad_alloc&) {
    return Status::FormulaError(0, "out of memory while evaluating the formula");
  } catch (const std::exception& e) {
    return Status::FormulaError(0, std::string("cannot evaluate the formula: ") + e.what());
  }
}

namespace {

FormulaVerdict Failed(std::string reason) {
  FormulaVerdict verdict;
  verdict.error = true;
  verdict.reason = std::move(reason);
  return verdict;
}

}  // namespace

FormulaVerdict Formula::Check(const boost::json::value& case_json, Timestamp now) const {
  try {
    Evaluator evaluator(*program_, case_json, now);
    Evaluator::Explained explained = evaluator.Explain(*program_->root);
    FormulaVerdict verdict;
    verdict.passed = formula_internal::Truthy(explained.value.get());
    verdict.value = std::move(explained.value).Take();
    if (!verdict.passed) verdict.reason = std::move(explained.reason);
    return verdict;
  } catch (const EvalError& e) {
    return Failed(e.message);
  } catch (const std::bad_alloc&) {
    return Failed("out of memory while evaluating the formula");
  } catch (const std::exception& e) {
    return Failed(std::string("cannot evaluate the formula: ") + e.what());
  }
}

const std::string& Formula::text() const { return program_->text; }

boost::json::value FormulaSubject(const Case& c) {
  boost::json::value subject = boost::json::value_from(c);
  boost::json::object data;
  for (const Field& field : c.schema) data[field.key] = field.value;
  subject.as_object()["data"] = std::move(data);
  return subject;
}

}  // namespace casework

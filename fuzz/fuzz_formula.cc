// Fuzz target: the formula language, parser and evaluator.
//
// Input: the formula text. It is parsed with the default limits, then
// evaluated, and checked as a closure condition, against a case with every
// kind of member (and against no case). Oracles: no crash, leak or
// undefined behaviour (the sanitizers); a parse error's position lies in
// the text; every value and explanation reads back as JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "casework/casework.h"
#include "fuzz_common.h"

namespace {

using namespace casework;
namespace json = boost::json;

const Timestamp kNow = Timestamp(std::chrono::milliseconds(1704164645000));

Case SampleCase() {
  Case c;
  c.id = "018c4b9e-7f3a-7000-8000-000000000001";
  c.workspace = {"0b5e1f9e-0000-4000-8000-000000000000", "default"};
  c.title = "Water damage claim";
  c.description = "Kitchen ceiling, caf\xc3\xa9";
  c.reference = "CLM-2024-0042";
  c.status = "pending";
  c.parent_status = ParentStatus::kPending;
  c.priority = Priority::kHigh;
  c.owner = User{"u-1", "claire@example.com", "Claire", std::nullopt};
  c.assignees = {User{"u-2", "jane@example.com", "Jane", "Doe"}};
  c.tags = {"urgent", "water"};
  c.metadata = json::object{{"source system", "portal"}, {"score", 7}, {"ratio", 0.25},
                            {"nested", json::object{{"list", json::array{1, "two", nullptr}}}}};
  c.contacts = {CaseContact{"c-1", "client", "marie@example.com", "Marie Dupont", "Marie",
                            "Dupont", std::nullopt}};
  c.schema = {
      Field{"amount", FieldType::kNumber, "Amount", 2450.5, true, {}},
      Field{"count", FieldType::kInteger, "Count", 9007199254740993LL, false, {}},
      Field{"policy", FieldType::kText, "Policy", "POL-778", false, {}},
      Field{"due", FieldType::kDate, "Due", "2024-01-01", false, {}},
      Field{"at", FieldType::kDateTime, "At", "2023-11-07T05:31:56Z", false, {}},
      Field{"notes", FieldType::kText, "Notes", nullptr, false, {}},
      Field{"kinds", FieldType::kMultiChoice, "Kinds", json::array{"water", "fire"}, false,
            {"water", "fire", "theft"}},
  };
  c.steps = {Step{"review", "Review", StepStatus::kDone, {}},
             Step{"pay", "Pay", StepStatus::kTodo,
                  json::object{{"contact", json::object{{"email", "a@x.org"}}}}}};
  c.closure_conditions = {{"assigned", "=SIZE(team_case.assignees) > 0"}};
  c.created_at = kNow;
  c.updated_at = kNow;
  c.opened_at = kNow - std::chrono::hours(24 * 40);
  c.version = 3;
  return c;
}

const json::value& Subject() {
  static const json::value subject = FormulaSubject(SampleCase());
  return subject;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<Formula> formula = Formula::Parse(text);
  if (!formula.ok()) {
    if (formula.status().code() != Code::kFormulaError)
      fuzz::Finding("parse failed with " + formula.status().ToString());
    if (formula.status().position().value_or(0) > text.size())
      fuzz::Finding("parse error position past the end: " + formula.status().ToString());
    fuzz::CheckWritesJson(json::value_from(formula.status()), "a parse error");
    return 0;
  }
  for (const json::value* subject : {&Subject(), static_cast<const json::value*>(nullptr)}) {
    static const json::value kNull;
    const json::value& s = subject ? *subject : kNull;
    Result<json::value> value = formula->Evaluate(s, kNow);
    if (value.ok()) {
      fuzz::CheckReturned(*value, "a formula's value");
    } else {
      if (value.status().code() != Code::kFormulaError)
        fuzz::Finding("evaluation failed with " + value.status().ToString());
      fuzz::CheckWritesJson(json::value_from(value.status()), "an evaluation error");
    }
    FormulaVerdict verdict = formula->Check(s, kNow);
    fuzz::CheckReturned(verdict.value, "a verdict's value");
    fuzz::CheckReturned(json::value(verdict.reason), "a verdict's reason");
    if (verdict.passed != (value.ok() && !value->is_null() &&
                           !(value->is_bool() && !value->get_bool())))
      fuzz::Finding("Check and Evaluate disagree on \"" + std::string(text) + "\"");
  }
  return 0;
}

// The formula language: parsing, every operator and function, null and
// missing paths, explanations, the limits that stop hostile formulas, and
// the cache of parsed formulas.
#include <chrono>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <doctest/doctest.h>

#include "casework/formula.h"
#include "casework/json.h"
#include "formula/cache.h"

namespace casework {
namespace {

namespace json = boost::json;

// 2024-01-02T03:04:05Z: NOW() in every test.
const Timestamp kNow = Timestamp(std::chrono::milliseconds(1704164645000));

json::value J(std::string_view text) { return json::parse(text); }

// A case built by hand, as the engine would hold it.
Case SampleCase() {
  Case c;
  c.id = "018c4b9e-7f3a-7000-8000-000000000001";
  c.workspace = {"0b5e1f9e-0000-4000-8000-000000000000", "default"};
  c.title = "Water damage claim";
  c.status = "pending";
  c.parent_status = ParentStatus::kPending;
  c.priority = Priority::kHigh;
  c.assignees = {User{"u-2", "jane@example.com", "Jane", "Doe"}};
  c.tags = {"urgent", "water"};
  c.metadata = json::object{{"source system", "portal"}, {"score", 7}};
  c.contacts = {CaseContact{"c-1", "client", "marie@example.com", "Marie Dupont", "Marie",
                            "Dupont", std::nullopt}};
  c.schema = {
      Field{"amount", FieldType::kNumber, "Amount", 2450.5, true, {}},
      Field{"policy", FieldType::kText, "Policy", "POL-778", false, {}},
      Field{"due", FieldType::kDate, "Due", "2024-01-01", false, {}},
      Field{"notes", FieldType::kText, "Notes", nullptr, false, {}},
  };
  c.steps = {Step{"review", "Review", StepStatus::kDone, {}},
             Step{"pay", "Pay", StepStatus::kTodo,
                  json::object{{"contact", json::object{{"email", "a@x.org"}}}}}};
  c.closure_conditions = {{"assigned", "=SIZE(team_case.assignees) > 0"}};
  c.created_at = kNow;
  c.updated_at = kNow;
  c.version = 3;
  return c;
}

const json::value& Subject() {
  static const json::value subject = FormulaSubject(SampleCase());
  return subject;
}

// A subject that is only {"data": data}, for tests about values alone.
json::value DataSubject(json::object data) { return json::object{{"data", std::move(data)}}; }

Result<json::value> Run(std::string_view text, const json::value& subject,
                        const FormulaLimits& limits = {}) {
  Result<Formula> formula = Formula::Parse(text, limits);
  if (!formula.ok()) return formula.status();
  return formula->Evaluate(subject, kNow);
}

json::value Eval(std::string_view text, const json::value& subject = Subject()) {
  Result<json::value> result = Run(text, subject);
  REQUIRE_MESSAGE(result.ok(), text, " -> ", result.status().ToString());
  return std::move(result).value();
}

bool Holds(std::string_view text) {
  json::value v = Eval(text);
  REQUIRE_MESSAGE(v.is_bool(), text, " -> ", json::serialize(v));
  return v.get_bool();
}

// The evaluation error of a formula that parses.
Status EvalStatus(std::string_view text, const json::value& subject = Subject(),
                  const FormulaLimits& limits = {}) {
  Result<Formula> formula = Formula::Parse(text, limits);
  REQUIRE_MESSAGE(formula.ok(), text, " -> ", formula.status().ToString());
  Result<json::value> result = formula->Evaluate(subject, kNow);
  REQUIRE_MESSAGE(!result.ok(), text, " -> ", json::serialize(*result));
  CHECK(result.status().code() == Code::kFormulaError);
  return result.status();
}

std::string EvalError(std::string_view text, const json::value& subject = Subject()) {
  return EvalStatus(text, subject).message();
}

Status ParseError(std::string_view text, const FormulaLimits& limits = {}) {
  Result<Formula> formula = Formula::Parse(text, limits);
  REQUIRE_MESSAGE(!formula.ok(), text);
  CHECK(formula.status().code() == Code::kFormulaError);
  REQUIRE(formula.status().position().has_value());
  return formula.status();
}

FormulaVerdict CheckOn(std::string_view text, const json::value& subject = Subject()) {
  Result<Formula> formula = Formula::Parse(text);
  REQUIRE_MESSAGE(formula.ok(), text, " -> ", formula.status().ToString());
  return formula->Check(subject, kNow);
}

// ---------------------------------------------------------------- Tines

TEST_CASE("the Tines example fails with an explanation when nobody is assigned") {
  Case c = SampleCase();
  c.assignees.clear();
  FormulaVerdict verdict = CheckOn("=SIZE(team_case.assignees) > 0", FormulaSubject(c));
  CHECK_FALSE(verdict.passed);
  CHECK_FALSE(verdict.error);
  CHECK(verdict.value == json::value(false));
  CHECK(verdict.reason == "SIZE(team_case.assignees) = 0, not > 0");
}

TEST_CASE("the Tines example passes with one assignee") {
  FormulaVerdict verdict = CheckOn("=SIZE(team_case.assignees) > 0");
  CHECK(verdict.passed);
  CHECK_FALSE(verdict.error);
  CHECK(verdict.value == json::value(true));
  CHECK(verdict.reason.empty());
}

// --------------------------------------------------------------- subject

TEST_CASE("FormulaSubject is the case's JSON shape plus data by field key") {
  const json::value& s = Subject();
  CHECK(s.at("title") == json::value("Water damage claim"));
  CHECK(s.at("data").at("amount") == json::value(2450.5));
  CHECK(s.at("data").at("notes").is_null());
  CHECK(s.at("schema").as_array().size() == 4);
}

TEST_CASE("case and team_case name the same subject") {
  CHECK(Eval("case.title") == json::value("Water damage claim"));
  CHECK(Eval("team_case.title") == json::value("Water damage claim"));
  CHECK(Eval("=case.status") == json::value("pending"));
  CHECK(Eval("  =  case.parent_status") == json::value("pending"));
  CHECK(Eval("case.data.amount") == json::value(2450.5));
  CHECK(Eval("case.data.policy") == json::value("POL-778"));
}

TEST_CASE("formula text is kept as given") {
  Result<Formula> f = Formula::Parse("=SIZE(case.tags) > 0");
  REQUIRE(f.ok());
  CHECK(f->text() == "=SIZE(case.tags) > 0");
}

TEST_CASE("a parsed formula evaluates against many subjects") {
  Result<Formula> f = Formula::Parse("=SIZE(case.assignees)");
  REQUIRE(f.ok());
  Case c = SampleCase();
  CHECK(*f->Evaluate(FormulaSubject(c), kNow) == json::value(1));
  c.assignees.push_back(User{"u-3", "sam@example.com", std::nullopt, std::nullopt});
  CHECK(*f->Evaluate(FormulaSubject(c), kNow) == json::value(2));
}

TEST_CASE("one formula may be evaluated from several threads at once") {
  Result<Formula> f = Formula::Parse("MATCH(case.title, 'damage') && SIZE(case.tags) = 2");
  REQUIRE(f.ok());
  const Formula& formula = *f;
  std::vector<int> passed(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&formula, &passed, t] {
      for (int i = 0; i < 200; ++i) passed[t] += formula.Check(Subject(), kNow).passed ? 1 : 0;
    });
  }
  for (auto& thread : threads) thread.join();
  for (int count : passed) CHECK(count == 200);
}

// ----------------------------------------------------------------- paths

TEST_CASE("bracket access reads keys with spaces and indexes arrays") {
  CHECK(Eval("case.metadata[\"source system\"]") == json::value("portal"));
  CHECK(Eval("case.metadata['score']") == json::value(7));
  CHECK(Eval("case['title']") == json::value("Water damage claim"));
  CHECK(Eval("case.steps[0].status") == json::value("done"));
  CHECK(Eval("case.steps[1].data.contact.email") == json::value("a@x.org"));
  CHECK(Eval("case.steps[0 + 1].id") == json::value("pay"));
  CHECK(Eval("case.steps[1.0].id") == json::value("pay"));
  CHECK(Eval("case.assignees[0].email") == json::value("jane@example.com"));
  CHECK(Eval("case.contacts[0].key") == json::value("client"));
}

TEST_CASE("negative indexes count from the end") {
  CHECK(Eval("case.steps[-1].id") == json::value("pay"));
  CHECK(Eval("case.steps[-2].id") == json::value("review"));
  CHECK(Eval("[10, 20, 30][-1]") == json::value(30));
  CHECK(EvalError("case.steps[-3]") == "unknown path case.steps[-3]");
}

TEST_CASE("postfix access works on any value, not only the subject") {
  CHECK(Eval("{\"a\": {\"b\": 2}}.a.b") == json::value(2));
  CHECK(Eval("[case.title, 1][0]") == json::value("Water damage claim"));
  CHECK(Eval("IF(TRUE, case.steps, NULL)[0].id") == json::value("review"));
  CHECK(Eval("WHERE(case.steps, 'status', 'todo')[0].data.contact.email") ==
        json::value("a@x.org"));
  CHECK(Eval("(case).title") == json::value("Water damage claim"));
}

TEST_CASE("a member of null is null") {
  CHECK(Eval("case.owner").is_null());
  CHECK(Eval("case.owner.email").is_null());
  CHECK(Eval("case.owner['email']").is_null());
  CHECK(Eval("case.data.notes.length").is_null());
  CHECK(Eval("NULL[0]").is_null());
}

TEST_CASE("an unknown path is an evaluation error naming the path") {
  CHECK(EvalError("case.data.nope") == "unknown path case.data.nope");
  CHECK(EvalError("case.data.nope.deeper") == "unknown path case.data.nope");
  CHECK(EvalError("case.steps[5].id") == "unknown path case.steps[5]");
  CHECK(EvalError("case.metadata['no such key']") == "unknown path case.metadata['no such key']");
  CHECK(EvalError("SIZE(case.data.nope)") == "unknown path case.data.nope");
  CHECK(EvalError("case.data.nope = NULL") == "unknown path case.data.nope");
  CHECK(EvalError("case.data.nope && TRUE") == "unknown path case.data.nope");
  CHECK(EvalStatus("=1 + case.data.nope").position() == 5u);
}

TEST_CASE("IS_BLANK, IS_PRESENT and COALESCE accept a missing path") {
  CHECK(Holds("IS_BLANK(case.data.nope)"));
  CHECK(Holds("IS_BLANK(case.data.nope.deeper[3])"));
  CHECK_FALSE(Holds("IS_PRESENT(case.data.nope)"));
  CHECK(Eval("COALESCE(case.data.nope, 'default')") == json::value("default"));
  CHECK(Eval("COALESCE(case.data.notes, case.data.nope.x, 5)") == json::value(5));
  CHECK(Eval("COALESCE(case.data.nope)").is_null());
}

TEST_CASE("a member of a scalar, or indexing one, is an evaluation error") {
  CHECK(EvalError("case.title.x") == "case.title.x: text has no member x");
  CHECK(EvalError("case.version.x") == "case.version.x: number has no member x");
  CHECK(EvalError("case.tags.first") == "case.tags.first: array has no member first");
  CHECK(EvalError("case.title[0]") == "case.title[0]: cannot index text");
  CHECK(EvalError("case.steps['a']") ==
        "case.steps['a']: an array index must be an integer, got text");
  CHECK(EvalError("case.steps[0.5]") ==
        "case.steps[0.5]: an array index must be an integer, got number");
  CHECK(EvalError("case.metadata[0]") == "case.metadata[0]: an object key must be text, got number");
}

// -------------------------------------------------------------- literals

TEST_CASE("number literals are integers or doubles") {
  CHECK(Eval("12").is_int64());
  CHECK(Eval("12") == json::value(12));
  CHECK(Eval("3.5") == json::value(3.5));
  CHECK(Eval("1e3") == json::value(1000.0));
  CHECK(Eval("2.5E-1") == json::value(0.25));
  CHECK(Eval("-7") == json::value(-7));
  CHECK(Eval("9223372036854775807") == json::value(9223372036854775807LL));
  CHECK(Eval("9223372036854775808").is_double());
}

TEST_CASE("string literals take either quote and the escapes") {
  CHECK(Eval(R"("a\"b")") == json::value("a\"b"));
  CHECK(Eval(R"('it\'s')") == json::value("it's"));
  CHECK(Eval(R"('say "hi"')") == json::value("say \"hi\""));
  CHECK(Eval(R"("back\\slash\/")") == json::value("back\\slash/"));
  CHECK(Eval(R"("a\tb\nc\rd")") == json::value("a\tb\nc\rd"));
  CHECK(Eval(R"("\u00e9t\u00C9")") == json::value("\xC3\xA9t\xC3\x89"));
  CHECK(Eval(R"("\ud83d\ude00")") == json::value("\xF0\x9F\x98\x80"));
  CHECK(Eval("'caf\xC3\xA9'") == json::value("caf\xC3\xA9"));
  CHECK(Eval("''") == json::value(""));
}

TEST_CASE("bad escapes and invalid UTF-8 in strings are parse errors") {
  CHECK(ParseError(R"("a\qb")").message() == "unknown escape \\q at 2");
  CHECK(ParseError(R"("\u12")").message() == "invalid \\u escape at 1");
  CHECK(ParseError(R"("\udc00")").message() == "unpaired surrogate in \\u escape at 1");
  CHECK(ParseError(R"("\ud800x")").message() == "unpaired surrogate in \\u escape at 1");
  CHECK(ParseError("'\xC3('").message() == "invalid UTF-8 in string at 1");
  CHECK(ParseError("'\xED\xA0\x80'").position() == 1u);  // an encoded surrogate
}

TEST_CASE("TRUE, FALSE and NULL are literals in any case") {
  CHECK(Eval("TRUE") == json::value(true));
  CHECK(Eval("true") == json::value(true));
  CHECK(Eval("False") == json::value(false));
  CHECK(Eval("null").is_null());
  CHECK(Eval("NuLL").is_null());
}

TEST_CASE("array and object literals") {
  CHECK(Eval("[1, 'a', NULL, [TRUE]]") == J(R"([1, "a", null, [true]])"));
  CHECK(Eval("[]") == J("[]"));
  CHECK(Eval("{}") == J("{}"));
  CHECK(Eval("{\"k\": 1, 'j': [2]}") == J(R"({"k": 1, "j": [2]})"));
  CHECK(Eval("[case.status, SIZE(case.tags)]") == J(R"(["pending", 2])"));
  CHECK(Eval("{\"s\": case.status}") == J(R"({"s": "pending"})"));
  CHECK(Eval("[-1, -2.5]") == J("[-1, -2.5]"));
}

// ------------------------------------------------------------- operators

TEST_CASE("integer arithmetic stays integer") {
  CHECK(Eval("1 + 2").is_int64());
  CHECK(Eval("1 + 2") == json::value(3));
  CHECK(Eval("5 - 8") == json::value(-3));
  CHECK(Eval("2 * 3") == json::value(6));
  CHECK(Eval("6 / 2").is_int64());
  CHECK(Eval("6 / 2") == json::value(3));
  CHECK(Eval("7 % 3") == json::value(1));
  CHECK(Eval("-7 % 3") == json::value(-1));
}

TEST_CASE("inexact division and doubles give doubles") {
  CHECK(Eval("7 / 2") == json::value(3.5));
  CHECK(Eval("1 + 2.5") == json::value(3.5));
  CHECK(Eval("0.5 * 4") == json::value(2.0));
  CHECK(Eval("7.5 % 2") == json::value(1.5));
  CHECK(Eval("case.data.amount * 2") == json::value(4901.0));
}

TEST_CASE("integer overflow falls back to double") {
  CHECK(Eval("9223372036854775807 + 1").is_double());
  CHECK(Eval("9223372036854775807 * 2").is_double());
  CHECK(Eval("-9223372036854775807 - 2").is_double());
  CHECK(Eval("-(-9223372036854775807 - 1)").is_double());
  CHECK(Eval("(-9223372036854775807 - 1) / -1").is_double());
  CHECK(Eval("(-9223372036854775807 - 1) % -1") == json::value(0));
}

TEST_CASE("division or remainder by zero is an evaluation error") {
  CHECK(EvalError("1 / 0") == "division by zero");
  CHECK(EvalError("1 % 0") == "division by zero");
  CHECK(EvalError("1.5 / 0.0") == "division by zero");
  CHECK(EvalStatus("=1 + 1/0").position() == 5u);
}

TEST_CASE("a result too large for a double is an evaluation error") {
  CHECK(EvalError("1e308 * 10") == "* gives a number out of range");
}

TEST_CASE("arithmetic never coerces text or null") {
  CHECK(EvalError("\"a\" + 1") == "+ needs numbers, got text and number");
  CHECK(EvalError("'1' * 2") == "* needs numbers, got text and number");
  CHECK(EvalError("NULL + 1") == "+ needs numbers, got null and number");
  CHECK(EvalError("1 - TRUE") == "- needs numbers, got number and boolean");
  CHECK(EvalError("[1] / 1") == "/ needs numbers, got array and number");
  CHECK(EvalError("-'a'") == "- needs a number, got text");
  CHECK(EvalError("-NULL") == "- needs a number, got null");
}

TEST_CASE("remainder keeps the dividend's sign and refuses null and text") {
  CHECK(Eval("7 % 3") == json::value(1));
  CHECK(Eval("-7 % 3") == json::value(-1));
  CHECK(Eval("7.5 % 2") == json::value(1.5));
  CHECK(EvalError("NULL % 2") == "% needs numbers, got null and number");
  CHECK(EvalError("'a' % 2") == "% needs numbers, got text and number");
}

TEST_CASE("null is no operand of *, / or an ordering, whichever side it is on") {
  CHECK(EvalError("NULL * 2") == "* needs numbers, got null and number");
  CHECK(EvalError("2 / NULL") == "/ needs numbers, got number and null");
  CHECK(EvalError("NULL > 1") == "> needs two numbers or two texts, got null and number");
  CHECK(EvalError("1 >= NULL") == ">= needs two numbers or two texts, got number and null");
  CHECK(EvalError("'a' > NULL") == "> needs two numbers or two texts, got text and null");
}

TEST_CASE("!= with null is the negation of =") {
  CHECK(Holds("NULL != 1"));
  CHECK_FALSE(Holds("NULL != NULL"));
  CHECK(Holds("case.data.notes != ''"));
  CHECK(Holds("'1' != 1"));
}

TEST_CASE("equality is deep and numeric across integer and double") {
  CHECK(Holds("1 = 1.0"));
  CHECK(Holds("1 == 1"));
  CHECK_FALSE(Holds("\"1\" = 1"));
  CHECK(Holds("NULL = NULL"));
  CHECK_FALSE(Holds("NULL = FALSE"));
  CHECK_FALSE(Holds("0 = FALSE"));
  CHECK(Holds("[1, 2] = [1, 2.0]"));
  CHECK_FALSE(Holds("[1, 2] = [2, 1]"));
  CHECK(Holds("{\"a\": 1, \"b\": [2]} = {\"b\": [2], \"a\": 1.0}"));
  CHECK_FALSE(Holds("{\"a\": 1} = {\"a\": 1, \"b\": 2}"));
  CHECK(Holds("case.steps[0] = {'id': 'review', 'title': 'Review', 'status': 'done', 'data': {}}"));
  CHECK(Holds("1 != 2"));
  CHECK_FALSE(Holds("1 <> 1"));
  CHECK(Holds("'a' <> 'b'"));
  CHECK(Holds("case.owner = NULL"));
}

TEST_CASE("large integers compare exactly against doubles") {
  CHECK(Holds("9007199254740993 > 9007199254740992.0"));
  CHECK_FALSE(Holds("9007199254740993 = 9007199254740992.0"));
  CHECK(Holds("9223372036854775807 < 1e19"));
  CHECK(Holds("2 > 1.5"));
  CHECK(Holds("-2 < -1.5"));
}

TEST_CASE("ordering compares numbers with numbers and texts by code point") {
  CHECK(Holds("1 < 2"));
  CHECK(Holds("2 <= 2"));
  CHECK(Holds("3 > 2.5"));
  CHECK_FALSE(Holds("3 >= 3.5"));
  CHECK(Holds("'b' > 'a'"));
  CHECK(Holds("'B' < 'a'"));
  CHECK(Holds("'\xC3\xA9' > 'z'"));
  CHECK(Holds("'ab' < 'abc'"));
}

TEST_CASE("ordering anything else is an evaluation error naming the types") {
  CHECK(EvalError("NULL < 1") == "< needs two numbers or two texts, got null and number");
  CHECK(EvalError("'1' < 2") == "< needs two numbers or two texts, got text and number");
  CHECK(EvalError("TRUE > FALSE") == "> needs two numbers or two texts, got boolean and boolean");
  CHECK(EvalError("[1] >= [0]") == ">= needs two numbers or two texts, got array and array");
  CHECK(EvalError("case.data.notes <= 3") ==
        "<= needs two numbers or two texts, got null and number");
}

TEST_CASE("& joins text, numbers, booleans and null") {
  CHECK(Eval("'a' & 'b'") == json::value("ab"));
  CHECK(Eval("'a' & 1 & 2.5 & TRUE & NULL & FALSE") == json::value("a12.5TRUEFALSE"));
  CHECK(Eval("1 & 2") == json::value("12"));
  CHECK(Eval("1e21 & ''") == json::value("1e+21"));
  CHECK(Eval("0.1 + 0.2 & ''") == json::value("0.30000000000000004"));
  CHECK(Eval("case.title & ' (' & case.status & ')'") ==
        json::value("Water damage claim (pending)"));
}

TEST_CASE("& refuses arrays and objects") {
  CHECK(EvalError("'x' & [1]") == "& joins texts, numbers, booleans and null, got array");
  CHECK(EvalError("case.owner & {}") == "& joins texts, numbers, booleans and null, got object");
}

TEST_CASE("only FALSE and NULL are false") {
  CHECK(Eval("TRUE && FALSE") == json::value(false));
  CHECK(Eval("TRUE AND 0") == json::value(true));
  CHECK(Eval("'' || FALSE") == json::value(true));
  CHECK(Eval("[] && {}") == json::value(true));
  CHECK(Eval("NULL OR FALSE") == json::value(false));
  CHECK(Eval("!NULL") == json::value(true));
  CHECK(Eval("NOT 0") == json::value(false));
  CHECK(Eval("!!'x'") == json::value(true));
  CHECK(Eval("IF(0, 'yes', 'no')") == json::value("yes"));
}

TEST_CASE("&& and || short-circuit") {
  CHECK(Eval("FALSE && 1/0") == json::value(false));
  CHECK(Eval("TRUE || 1/0") == json::value(true));
  CHECK(Eval("NULL AND case.data.nope") == json::value(false));
  CHECK(EvalError("TRUE && 1/0") == "division by zero");
}

TEST_CASE("precedence follows the operator table") {
  CHECK(Eval("1 + 2 * 3") == json::value(7));
  CHECK(Eval("(1 + 2) * 3") == json::value(9));
  CHECK(Eval("-2 * 3") == json::value(-6));
  CHECK(Eval("2 - -1") == json::value(3));
  CHECK(Eval("-(1 + 2)") == json::value(-3));
  CHECK(Eval("-SIZE([1, 2])") == json::value(-2));
  CHECK(Eval("'a' & 1 + 2") == json::value("a3"));
  CHECK(Holds("'b' & 'c' = 'bc'"));
  CHECK(Holds("1 + 2 = 3"));
  CHECK(Holds("1 < 2 = TRUE"));
  CHECK(Holds("!1 = 2"));
  CHECK_FALSE(Holds("NOT FALSE AND FALSE"));
  CHECK(Holds("TRUE OR FALSE AND FALSE"));
  CHECK(Holds("FALSE AND TRUE OR TRUE"));
  CHECK(Holds("FALSE && TRUE || TRUE"));
  CHECK_FALSE(Holds("!TRUE || FALSE"));
}

TEST_CASE("binary operators of one level associate to the left") {
  CHECK(Eval("10 - 4 - 3") == json::value(3));
  CHECK(Eval("100 / 10 / 2") == json::value(5));
  CHECK(Eval("2 * 3 % 4") == json::value(2));
  CHECK(Eval("7 % 4 * 2") == json::value(6));
  CHECK(Eval("1 - 2 + 3") == json::value(2));
  CHECK(Holds("1 = 1 = TRUE"));
  CHECK(EvalError("1 < 2 < 3") == "< needs two numbers or two texts, got boolean and number");
}

// ------------------------------------------------------------- functions

TEST_CASE("SIZE of arrays, texts in code points, objects and null") {
  CHECK(Eval("SIZE([1, 2, 3])") == json::value(3));
  CHECK(Eval("SIZE('h\xC3\xA9llo')") == json::value(5));
  CHECK(Eval("SIZE({'a': 1})") == json::value(1));
  CHECK(Eval("SIZE(NULL)") == json::value(0));
  CHECK(Eval("SIZE(case.owner)") == json::value(0));
  CHECK(Eval("SIZE(case.tags)") == json::value(2));
  CHECK(EvalError("SIZE(5)") == "SIZE needs an array, a text or an object, got number");
  CHECK(EvalError("SIZE(TRUE)") == "SIZE needs an array, a text or an object, got boolean");
}

TEST_CASE("IF evaluates only the branch it takes") {
  CHECK(Eval("IF(TRUE, 1, 2)") == json::value(1));
  CHECK(Eval("IF(NULL, 1, 2)") == json::value(2));
  CHECK(Eval("IF(FALSE, 1)").is_null());
  CHECK(Eval("IF(TRUE, 1, 1/0)") == json::value(1));
  CHECK(Eval("IF(FALSE, case.data.nope, 'ok')") == json::value("ok"));
  CHECK(EvalError("IF(case.data.nope, 1, 2)") == "unknown path case.data.nope");
}

TEST_CASE("AND, OR and NOT functions") {
  CHECK(Eval("AND(TRUE, 1, 'x')") == json::value(true));
  CHECK(Eval("AND(TRUE, NULL)") == json::value(false));
  CHECK(Eval("AND(FALSE, 1/0)") == json::value(false));
  CHECK(Eval("OR(FALSE, NULL)") == json::value(false));
  CHECK(Eval("OR(NULL, 0)") == json::value(true));
  CHECK(Eval("OR(TRUE, 1/0)") == json::value(true));
  CHECK(Eval("NOT(NULL)") == json::value(true));
  CHECK(Eval("NOT(1)") == json::value(false));
  // NOT directly followed by ( is the function: (NOT 2) = 1, not NOT (2 = 1).
  CHECK(Eval("NOT(2) = 1") == json::value(false));
  CHECK(Eval("NOT (2) = 1") == json::value(false));
  CHECK(Eval("! (2) = 1") == json::value(true));
  CHECK(EvalError("AND(TRUE, case.data.nope)") == "unknown path case.data.nope");
}

TEST_CASE("IS_BLANK and IS_PRESENT") {
  CHECK(Holds("IS_BLANK(NULL)"));
  CHECK(Holds("IS_BLANK('')"));
  CHECK(Holds("IS_BLANK(' \\t\\n ')"));
  CHECK(Holds("IS_BLANK([])"));
  CHECK(Holds("IS_BLANK({})"));
  CHECK(Holds("IS_BLANK(case.data.notes)"));
  CHECK_FALSE(Holds("IS_BLANK('x')"));
  CHECK_FALSE(Holds("IS_BLANK(0)"));
  CHECK_FALSE(Holds("IS_BLANK(FALSE)"));
  CHECK_FALSE(Holds("IS_BLANK([NULL])"));
  CHECK(Holds("IS_PRESENT(case.data.policy)"));
  CHECK(Holds("IS_PRESENT(0)"));
  CHECK_FALSE(Holds("IS_PRESENT('  ')"));
  CHECK_FALSE(Holds("IS_PRESENT(case.owner)"));
}

TEST_CASE("INCLUDES looks in texts, arrays and object keys") {
  CHECK(Holds("INCLUDES('hello', 'ell')"));
  CHECK_FALSE(Holds("INCLUDES('hello', 'z')"));
  CHECK(Holds("INCLUDES('hello', '')"));
  CHECK(Holds("INCLUDES([1, 2], 2.0)"));
  CHECK_FALSE(Holds("INCLUDES([1, 2], '2')"));
  CHECK(Holds("INCLUDES([{'a': 1}], {'a': 1})"));
  CHECK(Holds("INCLUDES({'a': 1}, 'a')"));
  CHECK_FALSE(Holds("INCLUDES({'a': 1}, 'b')"));
  CHECK(Holds("INCLUDES(case.tags, 'urgent')"));
  CHECK_FALSE(Holds("INCLUDES(NULL, 'x')"));
  CHECK(EvalError("INCLUDES(5, 1)") == "INCLUDES needs a text, an array or an object, got number");
  CHECK(EvalError("INCLUDES('abc', 1)") == "INCLUDES needs a text to look for in a text, got number");
  CHECK(EvalError("INCLUDES({}, NULL)") == "INCLUDES needs a text to look for in an object, got null");
}

TEST_CASE("MATCH searches with RE2, optionally ignoring case") {
  CHECK(Holds("MATCH('Water damage', 'dam')"));
  CHECK(Holds("MATCH('POL-778', '^POL-[0-9]+$')"));
  CHECK_FALSE(Holds("MATCH('ABC', 'b')"));
  CHECK(Holds("MATCH('ABC', 'b', 'i')"));
  CHECK(Holds("MATCH('ABC', 'B', '')"));
  CHECK_FALSE(Holds("MATCH(NULL, 'a')"));
  CHECK(Holds("MATCH(case.data.policy, 'pol-' & 778, 'i')"));  // pattern computed
  CHECK(Holds("MATCH('caf\xC3\xA9', '^caf.$')"));              // one code point
}

TEST_CASE("MATCH refuses bad arguments at evaluation") {
  CHECK(EvalError("MATCH(1, 'a')") == "MATCH needs a text, got number");
  CHECK(EvalError("MATCH('a', 1)") == "MATCH needs a text pattern, got number");
  CHECK(EvalError("MATCH('a', 'a', 'x')") == "MATCH flags must be \"i\" or \"\", got \"x\"");
  CHECK(EvalError("MATCH('a', 'a', 1)") == "MATCH flags must be \"i\" or \"\", got 1");
}

TEST_CASE("an invalid regular expression is an evaluation error") {
  std::string message = EvalError("MATCH('a', '(')");
  CHECK(message.rfind("MATCH pattern is invalid: ", 0) == 0);
  CHECK(EvalError("MATCH('a', '[z-a]', 'i')").rfind("MATCH pattern is invalid: ", 0) == 0);
  // Not even reached when the text is null? The pattern is checked first.
  CHECK(EvalError("MATCH(NULL, '(')").rfind("MATCH pattern is invalid: ", 0) == 0);
}

TEST_CASE("a MATCH pattern longer than the limit is an evaluation error") {
  std::string pattern(1001, 'a');
  CHECK(EvalError("MATCH('a', '" + pattern + "')") == "MATCH pattern longer than 1000 bytes");
  CHECK(EvalError("MATCH('a', '" + pattern.substr(1) + "' & 'a')") ==
        "MATCH pattern longer than 1000 bytes");
  CHECK_FALSE(Holds("MATCH('a', '" + pattern.substr(1) + "')"));
}

TEST_CASE("MATCH with a catastrophic-backtracking pattern returns promptly") {
  json::value subject = DataSubject({{"long", std::string(200000, 'a') + "b"}});
  CHECK(Eval("MATCH(case.data.long, '(a+)+$')", subject) == json::value(false));
  CHECK(Eval("MATCH(case.data.long, '(a|aa)*b$')", subject) == json::value(true));
  CHECK(Eval("MATCH(case.data.long, '(x+x+)+y')", subject) == json::value(false));
}

TEST_CASE("WHERE keeps the objects whose member at a path equals a value") {
  CHECK(Eval("WHERE(case.steps, 'status', 'done')") ==
        J(R"([{"id": "review", "title": "Review", "status": "done", "data": {}}])"));
  CHECK(Eval("SIZE(WHERE(case.steps, 'status', 'skipped'))") == json::value(0));
  CHECK(Eval("WHERE(case.steps, 'data.contact.email', 'a@x.org')[0].id") == json::value("pay"));
  CHECK(Eval("WHERE([1, {'a': 1}, {'a': 1.0}, {'a': 2}], 'a', 1)") == J(R"([{"a": 1}, {"a": 1.0}])"));
  CHECK(Eval("WHERE([{'a': NULL}, {}], 'a', NULL)") == J(R"([{"a": null}])"));
  CHECK(Eval("WHERE(NULL, 'a', 1)") == J("[]"));
}

TEST_CASE("WHERE refuses bad arguments") {
  CHECK(EvalError("WHERE(5, 'a', 1)") == "WHERE needs an array, got number");
  CHECK(EvalError("WHERE([], 2, 1)") == "WHERE needs a text path, got number");
  CHECK(EvalError("WHERE([], 'a..b', 1)") == "WHERE path must be member names separated by dots");
  CHECK(EvalError("WHERE([], '', 1)") == "WHERE path must be member names separated by dots");
}

TEST_CASE("UPCASE, DOWNCASE and their aliases change ASCII letters only") {
  CHECK(Eval("UPCASE('abc \xC3\xA9')") == json::value("ABC \xC3\xA9"));
  CHECK(Eval("UPPER('mIx')") == json::value("MIX"));
  CHECK(Eval("DOWNCASE('\xC3\x80" "BC')") == json::value("\xC3\x80" "bc"));
  CHECK(Eval("LOWER('MiX')") == json::value("mix"));
  CHECK(Eval("UPCASE(NULL)").is_null());
  CHECK(Eval("LOWER(case.data.notes)").is_null());
  CHECK(EvalError("UPCASE(1)") == "UPCASE needs a text, got number");
  CHECK(EvalError("LOWER([])") == "LOWER needs a text, got array");
  CHECK(Eval("UPPER(NULL)").is_null());
  CHECK(Eval("DOWNCASE(NULL)").is_null());
  CHECK(EvalError("UPPER(TRUE)") == "UPPER needs a text, got boolean");
  CHECK(EvalError("DOWNCASE(1)") == "DOWNCASE needs a text, got number");
}

TEST_CASE("TRIM removes ASCII white space at both ends") {
  CHECK(Eval("TRIM('  a b \\n')") == json::value("a b"));
  CHECK(Eval("TRIM('   ')") == json::value(""));
  CHECK(Eval("TRIM(NULL)").is_null());
  CHECK(EvalError("TRIM(TRUE)") == "TRIM needs a text, got boolean");
}

TEST_CASE("COALESCE gives the first value that is not null") {
  CHECK(Eval("COALESCE(NULL, 0, 1)") == json::value(0));
  CHECK(Eval("COALESCE(NULL, FALSE)") == json::value(false));
  CHECK(Eval("COALESCE(NULL, NULL)").is_null());
  CHECK(Eval("COALESCE(1, 1/0)") == json::value(1));
  CHECK(Eval("COALESCE(case.data.notes, 'none')") == json::value("none"));
}

TEST_CASE("MIN and MAX over arguments or one array") {
  CHECK(Eval("MIN(3, 1, 2)") == json::value(1));
  CHECK(Eval("MAX([3, 1.5, 7])") == json::value(7));
  CHECK(Eval("MAX(1, 1.5)") == json::value(1.5));
  CHECK(Eval("MIN('b', 'a', 'c')") == json::value("a"));
  CHECK(Eval("MAX(['b', 'a'])") == json::value("b"));
  CHECK(Eval("MAX(5)") == json::value(5));
  CHECK(Eval("MIN([])").is_null());
  CHECK(EvalError("MIN(1, 'a')") == "MIN needs all numbers or all texts, got number and text");
  CHECK(EvalError("MIN(NULL)") == "MIN needs numbers or texts, got null");
  CHECK(EvalError("MAX([1, TRUE])") == "MAX needs numbers or texts, got boolean");
  CHECK(EvalError("MAX(1, case.data.notes)") == "MAX needs numbers or texts, got null");
}

TEST_CASE("SUM over arguments or one array") {
  CHECK(Eval("SUM(1, 2, 3)") == json::value(6));
  CHECK(Eval("SUM([1, 2.5])") == json::value(3.5));
  CHECK(Eval("SUM([])") == json::value(0));
  CHECK(Eval("SUM(case.data.amount, 0.5)") == json::value(2451.0));
  CHECK(Eval("SUM(9223372036854775807, 1)").is_double());
  CHECK(EvalError("SUM(1, 'a')") == "SUM needs numbers, got text");
  CHECK(EvalError("SUM(NULL)") == "SUM needs numbers, got null");
  CHECK(EvalError("SUM([[1]])") == "SUM needs numbers, got array");
}

TEST_CASE("ROUND rounds half away from zero") {
  CHECK(Eval("ROUND(2.5)").is_int64());
  CHECK(Eval("ROUND(2.5)") == json::value(3));
  CHECK(Eval("ROUND(-2.5)") == json::value(-3));
  CHECK(Eval("ROUND(2.4)") == json::value(2));
  CHECK(Eval("ROUND(0.5)") == json::value(1));
  CHECK(Eval("ROUND(1.005, 2)") == json::value(1.01));
  CHECK(Eval("ROUND(-1.005, 2)") == json::value(-1.01));
  CHECK(Eval("ROUND(1.2345, 3)") == json::value(1.235));
  CHECK(Eval("ROUND(9.99, 1)") == json::value(10.0));
  CHECK(Eval("ROUND(1.25, 5)") == json::value(1.25));
  CHECK(Eval("ROUND(7)") == json::value(7));
  CHECK(Eval("ROUND(7, 2)") == json::value(7));
  CHECK(Eval("ROUND(2450.5, 0)") == json::value(2451));
  CHECK(Eval("ROUND(1e20)").is_double());
}

TEST_CASE("ROUND refuses bad arguments") {
  CHECK(Eval("ROUND(NULL)").is_null());
  CHECK(EvalError("ROUND('1')") == "ROUND needs a number, got text");
  CHECK(EvalError("ROUND(1.5, 16)") == "ROUND digits must be an integer from 0 to 15");
  CHECK(EvalError("ROUND(1.5, -1)") == "ROUND digits must be an integer from 0 to 15");
  CHECK(EvalError("ROUND(1.5, 0.5)") == "ROUND digits must be an integer from 0 to 15");
  CHECK(EvalError("ROUND(1.5, NULL)") == "ROUND digits must be an integer from 0 to 15");
}

TEST_CASE("NOW is the evaluation instant as RFC 3339 text") {
  CHECK(Eval("NOW()") == json::value("2024-01-02T03:04:05Z"));
  CHECK(Eval("now()") == json::value("2024-01-02T03:04:05Z"));
  CHECK(Holds("NOW() = NOW()"));  // one instant for the whole evaluation
  CHECK(ParseError("NOW(1)").message() == "NOW takes no arguments, got 1 at 0");
}

TEST_CASE("DATE_DIFF counts whole units truncated toward zero") {
  CHECK(Eval("DATE_DIFF('2024-01-01', '2024-01-02T12:00:00Z', 'days')") == json::value(1));
  CHECK(Eval("DATE_DIFF('2024-01-01', '2024-01-02T12:00:00Z', 'hours')") == json::value(36));
  CHECK(Eval("DATE_DIFF('2024-01-01', '2024-01-02T12:00:00Z', 'hour')") == json::value(36));
  CHECK(Eval("DATE_DIFF('2024-01-01', '2024-01-02T12:00:00Z', 'minutes')") == json::value(2160));
  CHECK(Eval("DATE_DIFF('2024-01-01', '2024-01-02T12:00:00Z', 'seconds')") ==
        json::value(129600));
  CHECK(Eval("DATE_DIFF('2024-01-01', '2024-01-15', 'weeks')") == json::value(2));
  CHECK(Eval("DATE_DIFF('2024-01-01', '2024-01-14', 'week')") == json::value(1));
  CHECK(Eval("DATE_DIFF('2024-01-03', '2024-01-01', 'days')") == json::value(-2));
  CHECK(Eval("DATE_DIFF('2024-01-02T12:00:00Z', '2024-01-01', 'days')") == json::value(-1));
  CHECK(Eval("DATE_DIFF('2024-01-01T01:00:00+01:00', '2024-01-01', 'seconds')") ==
        json::value(0));
  CHECK(Eval("DATE_DIFF(case.data.due, NOW(), 'hours')") == json::value(27));
}

TEST_CASE("DATE_DIFF refuses what is not a date, and unknown units") {
  CHECK(EvalError("DATE_DIFF('2024-01-01', '2024-01-02', 'months')") ==
        "DATE_DIFF unit must be seconds, minutes, hours, days or weeks, got \"months\"");
  CHECK(EvalError("DATE_DIFF('2024-13-01', '2024-01-02', 'days')") ==
        "DATE_DIFF cannot read \"2024-13-01\" as a date or date-time");
  CHECK(EvalError("DATE_DIFF(NULL, '2024-01-02', 'days')") ==
        "DATE_DIFF needs a date or date-time text, got null");
  CHECK(EvalError("DATE_DIFF('2024-01-01', 5, 'days')") ==
        "DATE_DIFF needs a date or date-time text, got number");
}

TEST_CASE("DAYS_SINCE counts whole days to NOW()") {
  CHECK(Eval("DAYS_SINCE('2023-12-31')") == json::value(2));
  CHECK(Eval("DAYS_SINCE(case.data.due)") == json::value(1));
  CHECK(Eval("DAYS_SINCE('2024-01-03')") == json::value(0));
  CHECK(Eval("DAYS_SINCE('2024-01-05')") == json::value(-2));
  CHECK(EvalError("DAYS_SINCE(case.data.notes)") ==
        "DAYS_SINCE needs a date or date-time text, got null");
  CHECK(EvalError("DAYS_SINCE(5)") == "DAYS_SINCE needs a date or date-time text, got number");
  CHECK(EvalError("DAYS_SINCE('soon')") == "DAYS_SINCE cannot read \"soon\" as a date or date-time");
}

TEST_CASE("keywords and function names are case-insensitive") {
  CHECK(Holds("1 = 1 and 2 = 2"));
  CHECK(Holds("false Or true"));
  CHECK(Holds("not false"));
  CHECK(Eval("size(case.tags)") == json::value(2));
  CHECK(Holds("Is_Blank('')"));
  CHECK(Eval("upper('a')") == json::value("A"));
  CHECK(Eval("Coalesce(null, 1)") == json::value(1));
}

// ---------------------------------------------------------- parse errors

TEST_CASE("parse errors name their position") {
  CHECK(ParseError("=(1 + 2").message() == "expected ) at 7");
  CHECK(ParseError("=(1 + 2").position() == 7u);
  CHECK(ParseError("1 + 2)").message() == "unexpected ) at 5");
  CHECK(ParseError("case.steps[0").message() == "expected ] at 12");
  CHECK(ParseError("SIZE(1").message() == "expected , or ) at 6");
  CHECK(ParseError("[1, 2").message() == "expected , or ] at 5");
  CHECK(ParseError("{'a' 1}").message() == "expected : at 5");
  CHECK(ParseError("{'a': 1 'b': 2}").message() == "expected , or } at 8");
  CHECK(ParseError("{a: 1}").message() == "expected a text key at 1");
  CHECK(ParseError("{'a': 1, 'a': 2}").message() == "duplicate key 'a' at 9");
  CHECK(ParseError("case.").message() == "expected a member name after . at 5");
  CHECK(ParseError("case.1").message() == "expected a member name after . at 5");
}

TEST_CASE("an unterminated string is a parse error at its opening quote") {
  CHECK(ParseError("=case.status = \"closed").message() == "unterminated string at 15");
  CHECK(ParseError("'abc\\'").message() == "unterminated string at 0");
}

TEST_CASE("an unknown function is a parse error at its name") {
  Status s = ParseError("=1 + FOO(1)");
  CHECK(s.message() == "unknown function FOO at 5");
  CHECK(s.position() == 5u);
  CHECK(ParseError("case(1)").message() == "unknown function case at 0");
}

TEST_CASE("a wrong number of arguments is a parse error at the function name") {
  CHECK(ParseError("SIZE(1, 2)").message() == "SIZE takes 1 argument, got 2 at 0");
  CHECK(ParseError("SIZE()").message() == "SIZE takes 1 argument, got 0 at 0");
  CHECK(ParseError("x = 1 || IF(TRUE)").position() == 0u);  // unknown name first
  CHECK(ParseError("1 || IF(TRUE)").message() == "IF takes 2 or 3 arguments, got 1 at 5");
  CHECK(ParseError("NOW(1)").message() == "NOW takes no arguments, got 1 at 0");
  CHECK(ParseError("AND()").message() == "AND takes at least 1 argument, got 0 at 0");
  CHECK(ParseError("upper('a', 'b')").message() == "UPPER takes 1 argument, got 2 at 0");
  CHECK(ParseError("NOT(1, 2)").message() == "NOT takes 1 argument, got 2 at 0");
  CHECK(ParseError("WHERE([], 'a')").message() == "WHERE takes 3 arguments, got 2 at 0");
  CHECK(ParseError("DATE_DIFF('a', 'b')").message() == "DATE_DIFF takes 3 arguments, got 2 at 0");
}

TEST_CASE("an unknown bare name is a parse error") {
  CHECK(ParseError("=1 + foo").message() == "unknown name foo at 5");
  CHECK(ParseError("status = 'closed'").message() == "unknown name status at 0");
  CHECK(ParseError("NOW + 1").message() == "expected ( after NOW at 4");
  CHECK(ParseError("1 + AND").message() == "unexpected AND at 4");
}

TEST_CASE("trailing tokens are a parse error") {
  CHECK(ParseError("1 2").message() == "unexpected 2 at 2");
  CHECK(ParseError("case.status 'x'").message() == "unexpected 'x' at 12");
  CHECK(ParseError("TRUE FALSE").message() == "unexpected FALSE at 5");
}

TEST_CASE("an empty formula is a parse error") {
  CHECK(ParseError("").message() == "expected an expression at 0");
  CHECK(ParseError("=").message() == "expected an expression at 1");
  CHECK(ParseError("  =  ").message() == "expected an expression at 5");
  CHECK(ParseError("1 +").message() == "expected an expression at 3");
}

TEST_CASE("characters and numbers that start no token are parse errors") {
  CHECK(ParseError("1 | 2").message() == "unexpected character | at 2");
  CHECK(ParseError("1 # 2").message() == "unexpected character # at 2");
  CHECK(ParseError("\xC3\xA9").message() == "unexpected character at 0");
  CHECK(ParseError("12abc").message() == "invalid number at 0");
  CHECK(ParseError("1e").message() == "invalid number at 0");
  CHECK(ParseError("1.2.3").message() == "invalid number at 0");
  CHECK(ParseError("1e999").message() == "number out of range at 0");
  CHECK(ParseError("==1").message() == "unexpected = at 1");
}

// ---------------------------------------------------------------- limits

TEST_CASE("a 1 MB formula is refused at the length limit") {
  std::string huge(1 << 20, '(');
  Status s = ParseError(huge);
  CHECK(s.position() == 16384u);
  CHECK(s.message() == "formula longer than 16384 bytes");
  CHECK(ParseError("1 + 1", FormulaLimits{.max_length = 3}).message() ==
        "formula longer than 3 bytes");
}

TEST_CASE("nesting at the depth limit parses, one level more does not") {
  std::string ok = std::string(64, '(') + "1" + std::string(64, ')');
  CHECK(Formula::Parse(ok).ok());
  std::string deep = std::string(65, '(') + "1" + std::string(65, ')');
  Status s = ParseError(deep);
  CHECK(s.message() == "nesting deeper than 64 at 64");
  CHECK(s.position() == 64u);
}

TEST_CASE("10,000 nested parentheses are refused without a crash") {
  std::string open = std::string(10000, '(') + "1";
  CHECK(ParseError(open).message() == "nesting deeper than 64 at 64");
  FormulaLimits roomy;
  roomy.max_length = 1 << 20;
  std::string balanced = open + std::string(10000, ')');
  CHECK(ParseError(balanced, roomy).message() == "nesting deeper than 64 at 64");
}

TEST_CASE("400 KB of prefix operators are refused without a crash") {
  FormulaLimits roomy;
  roomy.max_length = 1 << 20;
  for (const char* op : {"-", "!"}) {
    CAPTURE(op);
    std::string text;
    for (int i = 0; i < 400 * 1024; ++i) text += op;
    text += "1";
    CHECK(ParseError(text).message() == "formula longer than 16384 bytes");
    CHECK(ParseError(text, roomy).message() == "nesting deeper than 64 at 64");
  }
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  CHECK(ParseError(nots + "TRUE", roomy).message() == "nesting deeper than 64 at 256");
}

TEST_CASE("calls, literals and postfix chains count toward the depth") {
  FormulaLimits shallow;
  shallow.max_depth = 3;
  CHECK(Formula::Parse("SIZE([[1]])", shallow).ok());
  CHECK(ParseError("SIZE([[[1]]])", shallow).message() == "nesting deeper than 3 at 7");
  CHECK(ParseError("{'a': {'b': {'c': {}}}}", shallow).position() == 18u);
  CHECK(Formula::Parse("case.a.b.c", shallow).ok());
  CHECK(ParseError("case.a.b.c.d", shallow).message() == "nesting deeper than 3 at 10");
  CHECK(ParseError("case[0][1][2][3]", shallow).position() == 13u);
  std::string chain = "case";
  for (int i = 0; i < 100000; ++i) chain += ".a";
  FormulaLimits roomy;
  roomy.max_length = 1 << 20;
  CHECK(ParseError(chain, roomy).message() == "nesting deeper than 64 at 132");
}

TEST_CASE("long chains of one operator are not nesting") {
  std::string sum = "1";
  for (int i = 0; i < 2000; ++i) sum += "+1";
  CHECK(Eval(sum) == json::value(2001));
  std::string conditions = "TRUE";
  for (int i = 0; i < 2000; ++i) conditions += " && TRUE";
  CHECK(Eval(conditions) == json::value(true));
}

TEST_CASE("evaluation stops past the step limit") {
  json::array list;
  for (int i = 0; i < 20000; ++i) list.push_back(json::object{{"k", i}});
  json::value subject = DataSubject({{"list", std::move(list)}});
  std::string text = "SIZE(WHERE(case.data.list, 'k', 1))";
  for (int i = 0; i < 9; ++i) text += " + SIZE(WHERE(case.data.list, 'k', 1))";
  Status s = EvalStatus(text, subject);
  CHECK(s.message() == "evaluation exceeded 100000 steps");

  FormulaLimits few;
  few.max_steps = 50;
  CHECK(Run("SUM([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])", subject, few).ok());
  std::string big = "[0";
  for (int i = 1; i < 100; ++i) big += ", " + std::to_string(i);
  big += "]";
  CHECK(Run("SUM(" + big + ")", subject, few).status().message() ==
        "evaluation exceeded 50 steps");
}

TEST_CASE("compiling a computed MATCH pattern is charged, a literal one is not") {
  FormulaLimits few;
  few.max_steps = 500;
  json::value subject = DataSubject({});
  CHECK(Run("MATCH('a', 'a')", subject, few).ok());
  CHECK(Run("MATCH('a', 'a' & '')", subject, few).status().message() ==
        "evaluation exceeded 500 steps");
}

TEST_CASE("copying the subject into values is charged") {
  json::array list;
  for (int i = 0; i < 1000; ++i) list.push_back(i);
  json::value subject = DataSubject({{"list", std::move(list)}});
  std::string text = "SIZE([case";
  for (int i = 0; i < 200; ++i) text += ", case";
  text += "])";
  CHECK(EvalStatus(text, subject).message() == "evaluation exceeded 100000 steps");
}

TEST_CASE("a text built past the text limit is an evaluation error") {
  json::value subject = DataSubject({{"big", std::string(400 * 1024, 'x')}});
  CHECK(EvalStatus("case.data.big & case.data.big & case.data.big", subject).message() ==
        "text longer than 1048576 bytes");
  CHECK(Eval("SIZE(case.data.big & case.data.big)", subject) == json::value(800 * 1024));

  FormulaLimits small;
  small.max_text_bytes = 100;
  small.max_length = 1 << 20;
  std::string chain = "'x'";
  for (int i = 0; i < 5000; ++i) chain += " & 'x'";
  CHECK(Run(chain, subject, small).status().message() == "text longer than 100 bytes");
  CHECK(Run("UPCASE(case.data.big)", subject, small).status().message() ==
        "text longer than 100 bytes");
}

// ---------------------------------------------------------- explanations

TEST_CASE("a false comparison explains both sides") {
  FormulaVerdict v = CheckOn("case.status = \"closed\"");
  CHECK_FALSE(v.passed);
  CHECK(v.reason == "case.status = \"pending\", not = \"closed\"");
  CHECK(CheckOn("=case.data.amount >= 5000").reason == "case.data.amount = 2450.5, not >= 5000");
  CHECK(CheckOn("case.status != 'pending'").reason == "case.status = \"pending\", not != \"pending\"");
  CHECK(CheckOn("(SIZE(case.tags)) < 1").reason == "(SIZE(case.tags)) = 2, not < 1");
  CHECK(CheckOn("case.tags = []").reason == "case.tags = [\"urgent\",\"water\"], not = []");
}

TEST_CASE("a false AND is explained by its first false operand") {
  FormulaVerdict v = CheckOn("SIZE(case.tags) > 0 && case.status = 'closed' && 1 = 2");
  CHECK_FALSE(v.passed);
  CHECK(v.reason == "case.status = \"pending\", not = \"closed\"");
  CHECK(CheckOn("AND(TRUE, case.data.amount < 100)").reason ==
        "case.data.amount = 2450.5, not < 100");
  CHECK(CheckOn("TRUE AND (case.status = 'a' AND TRUE)").reason ==
        "case.status = \"pending\", not = \"a\"");
}

TEST_CASE("a false OR lists every explanation") {
  CHECK(CheckOn("case.status = 'closed' || case.data.amount > 5000").reason ==
        "none of: case.status = \"pending\", not = \"closed\"; "
        "case.data.amount = 2450.5, not > 5000");
  CHECK(CheckOn("OR(case.owner, FALSE)").reason == "none of: case.owner is NULL; FALSE is FALSE");
}

TEST_CASE("a false NOT says its operand is TRUE") {
  CHECK(CheckOn("NOT INCLUDES(case.tags, 'urgent')").reason ==
        "INCLUDES(case.tags, 'urgent') is TRUE");
  CHECK(CheckOn("!IS_PRESENT(case.data.policy)").reason == "IS_PRESENT(case.data.policy) is TRUE");
  CHECK(CheckOn("NOT(1)").reason == "1 is TRUE");
}

TEST_CASE("other false values say FALSE or NULL") {
  FormulaVerdict v = CheckOn("=case.data.notes");
  CHECK_FALSE(v.passed);
  CHECK_FALSE(v.error);
  CHECK(v.value.is_null());
  CHECK(v.reason == "case.data.notes is NULL");
  CHECK(CheckOn("IS_PRESENT(case.data.notes)").reason == "IS_PRESENT(case.data.notes) is FALSE");
  CHECK(CheckOn("  = FALSE ").reason == "FALSE is FALSE");
}

TEST_CASE("anything else than FALSE and NULL passes") {
  FormulaVerdict v = CheckOn("case.data.policy");
  CHECK(v.passed);
  CHECK(v.value == json::value("POL-778"));
  CHECK(CheckOn("0").passed);
  CHECK(CheckOn("case.status = 'pending' && IS_PRESENT(case.data.policy)").passed);
  CHECK(CheckOn("FALSE || SIZE(case.tags) = 2").passed);
}

TEST_CASE("an evaluation error makes the condition fail with the error as reason") {
  FormulaVerdict v = CheckOn("case.data.nope > 1");
  CHECK_FALSE(v.passed);
  CHECK(v.error);
  CHECK(v.value.is_null());
  CHECK(v.reason == "unknown path case.data.nope");
  CHECK(CheckOn("case.data.notes > 1").reason ==
        "> needs two numbers or two texts, got null and number");
  CHECK(CheckOn("TRUE && 1/0").reason == "division by zero");
}

TEST_CASE("long values are shortened in explanations") {
  json::value subject = DataSubject({{"big", std::string(1000, 'x')}});
  std::string reason = CheckOn("case.data.big = 'y'", subject).reason;
  CHECK(reason.size() < 300);
  CHECK(reason.find("...") != std::string::npos);
}

TEST_CASE("closure conditions over a real case") {
  Case c = SampleCase();
  json::value subject = FormulaSubject(c);
  CHECK(CheckOn("=SIZE(case.assignees) > 0 && IS_PRESENT(case.data.policy)", subject).passed);
  CHECK(CheckOn("=case.steps[0].status = 'done' OR case.steps[0].status = 'skipped'", subject)
            .passed);
  CHECK(CheckOn("=SIZE(WHERE(case.steps, 'status', 'todo')) = 0", subject).reason ==
        "SIZE(WHERE(case.steps, 'status', 'todo')) = 1, not = 0");
  CHECK(CheckOn("=case.data.amount < 1000 || INCLUDES(case.tags, 'approved')", subject).reason ==
        "none of: case.data.amount = 2450.5, not < 1000; "
        "INCLUDES(case.tags, 'approved') is FALSE");
  CHECK(CheckOn("=case.metadata[\"source system\"] = 'portal'", subject).passed);
  CHECK(CheckOn("=DAYS_SINCE(case.data.due) <= 30", subject).passed);
  CHECK(CheckOn("=case.priority = 'high' && IS_PRESENT(case.owner)", subject).reason ==
        "IS_PRESENT(case.owner) is FALSE");

  c.steps[1].status = StepStatus::kDone;
  c.owner = User{"u-1", "claire@example.com", std::nullopt, std::nullopt};
  subject = FormulaSubject(c);
  CHECK(CheckOn("=SIZE(WHERE(case.steps, 'status', 'todo')) = 0", subject).passed);
  CHECK(CheckOn("=case.priority = 'high' && IS_PRESENT(case.owner)", subject).passed);
  CHECK(Eval("case.owner.email", subject) == json::value("claire@example.com"));
}

// ----------------------------------------------------------------- cache

// The parsed program behind a formula: copies of one Formula share it.
const void* ProgramOf(const FormulaCache::Entry& entry) {
  REQUIRE(entry.ok());
  return &entry->text();
}

TEST_CASE("the cache parses each text once and hands out the same parsed formula") {
  FormulaCache cache;
  FormulaCache::Entry a = cache.Get("=SIZE(case.tags) > 0");
  FormulaCache::Entry b = cache.Get("=SIZE(case.tags) > 0");
  CHECK(ProgramOf(a) == ProgramOf(b));
  CHECK(ProgramOf(a) != ProgramOf(cache.Get("=SIZE(case.tags) > 1")));
  CHECK(cache.size() == 2);
  CHECK(a->Check(Subject(), kNow).passed);
}

TEST_CASE("the cache keeps parse errors too") {
  FormulaCache cache;
  FormulaCache::Entry a = cache.Get("SIZE(");
  FormulaCache::Entry b = cache.Get("SIZE(");
  REQUIRE_FALSE(a.ok());
  REQUIRE_FALSE(b.ok());
  CHECK(a.status().code() == Code::kFormulaError);
  CHECK(b.status().message() == a.status().message());
  CHECK(b.status().position() == 5u);
  CHECK(cache.size() == 1);
}

TEST_CASE("the cache evicts the least recently used text past its capacity") {
  FormulaCache cache(2);
  FormulaCache::Entry first = cache.Get("1");
  FormulaCache::Entry second = cache.Get("2");
  CHECK(ProgramOf(cache.Get("1")) == ProgramOf(first));  // "1" is now the most recent
  CHECK(cache.Get("3").ok());                            // evicts "2"
  CHECK(cache.size() == 2);
  CHECK(ProgramOf(cache.Get("1")) == ProgramOf(first));
  CHECK(ProgramOf(cache.Get("2")) != ProgramOf(second));  // parsed again
  CHECK(*second->Evaluate(Subject(), kNow) == json::value(2));  // still usable
}

TEST_CASE("the cache parses with its limits") {
  FormulaLimits limits;
  limits.max_length = 4;
  FormulaCache cache(8, limits);
  CHECK(cache.Get("1 + 2").status().message() == "formula longer than 4 bytes");
  CHECK(cache.Get("1+2").ok());
}

}  // namespace
}  // namespace casework

// The formula functions. Each takes its arguments unevaluated, so that IF,
// AND, OR and COALESCE evaluate only what they need and IS_BLANK,
// IS_PRESENT and COALESCE can accept a missing path.
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "formats.h"
#include "formula/ast.h"
#include "formula/eval.h"

namespace casework::formula_internal {
namespace {

namespace json = boost::json;

constexpr std::array<FunctionInfo, 23> kFunctions = {{
    {"SIZE", Function::kSize, 1, 1},
    {"IF", Function::kIf, 2, 3},
    {"AND", Function::kAnd, 1, kVariadic},
    {"OR", Function::kOr, 1, kVariadic},
    {"NOT", Function::kNot, 1, 1},
    {"IS_BLANK", Function::kIsBlank, 1, 1},
    {"IS_PRESENT", Function::kIsPresent, 1, 1},
    {"INCLUDES", Function::kIncludes, 2, 2},
    {"MATCH", Function::kMatch, 2, 3},
    {"WHERE", Function::kWhere, 3, 3},
    {"UPCASE", Function::kUpcase, 1, 1},
    {"UPPER", Function::kUpcase, 1, 1},
    {"DOWNCASE", Function::kDowncase, 1, 1},
    {"LOWER", Function::kDowncase, 1, 1},
    {"TRIM", Function::kTrim, 1, 1},
    {"COALESCE", Function::kCoalesce, 1, kVariadic},
    {"MIN", Function::kMin, 1, kVariadic},
    {"MAX", Function::kMax, 1, kVariadic},
    {"SUM", Function::kSum, 1, kVariadic},
    {"ROUND", Function::kRound, 1, 2},
    {"NOW", Function::kNow, 0, 0},
    {"DATE_DIFF", Function::kDateDiff, 3, 3},
    {"DAYS_SINCE", Function::kDaysSince, 1, 1},
}};

// RE2 memory for one compiled expression. It bounds the cost of compiling
// a hostile pattern; matching is linear in the text whatever the pattern.
constexpr std::int64_t kRegexMaxMem = 1 << 20;

// Steps charged for compiling a pattern computed at evaluation time (a
// literal one is compiled once, when the formula is parsed): compiling is
// bounded by kRegexMaxMem but costs far more than one node.
constexpr std::size_t kCompileSteps = 1000;

char Upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Each function reads its arguments through this, and fails naming itself.
class Call {
 public:
  Call(Evaluator& evaluator, const Node& node) : ev_(evaluator), node_(node) {}

  std::size_t size() const { return node_.children.size(); }
  Value Arg(std::size_t i) { return ev_.Eval(*node_.children[i]); }
  Value ArgOrMissing(std::size_t i) { return ev_.EvalOrMissing(*node_.children[i]); }

  [[noreturn]] void Fail(const std::string& message) const {
    formula_internal::Fail(node_, std::string(node_.function->name) + " " + message);
  }
  [[noreturn]] void WrongType(std::string_view wanted, const json::value& got) const {
    Fail("needs " + std::string(wanted) + ", got " + std::string(TypeName(got)));
  }

  Evaluator& ev() { return ev_; }
  const Node& node() const { return node_; }

 private:
  Evaluator& ev_;
  const Node& node_;
};

Value Bool(bool b) { return Value::Own(b); }

// ----------------------------------------------------------- shape and logic

std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Value Size(Call& call) {
  Value x = call.Arg(0);
  const json::value& v = x.get();
  if (v.is_null()) return Value::Own(0);
  if (v.is_array()) return Value::Own(static_cast<std::int64_t>(v.get_array().size()));
  if (v.is_object()) return Value::Own(static_cast<std::int64_t>(v.get_object().size()));
  if (!v.is_string()) call.WrongType("an array, a text or an object", v);
  call.ev().ChargeBytes(call.node(), v.get_string().size());
  return Value::Own(static_cast<std::int64_t>(CodePoints(v.get_string())));
}

Value If(Call& call) {
  if (Truthy(call.Arg(0).get())) return call.Arg(1);
  return call.size() == 3 ? call.Arg(2) : Value();
}

Value Logic(Call& call, bool is_and) {
  for (std::size_t i = 0; i < call.size(); ++i)
    if (Truthy(call.Arg(i).get()) != is_and) return Bool(!is_and);
  return Bool(is_and);
}

bool IsBlank(Call& call) {
  Value x = call.ArgOrMissing(0);
  if (x.missing()) return true;
  const json::value& v = x.get();
  if (v.is_null()) return true;
  if (v.is_array()) return v.get_array().empty();
  if (v.is_object()) return v.get_object().empty();
  if (!v.is_string()) return false;
  std::string_view text = v.get_string();
  call.ev().ChargeBytes(call.node(), text.size());
  return std::all_of(text.begin(), text.end(), IsAsciiSpace);
}

Value Coalesce(Call& call) {
  for (std::size_t i = 0; i < call.size(); ++i) {
    Value x = call.ArgOrMissing(i);
    if (!x.missing() && !x.get().is_null()) return x;
  }
  return Value();
}

// ------------------------------------------------------------ searching

Value Includes(Call& call) {
  Value haystack = call.Arg(0);
  Value needle = call.Arg(1);
  const json::value& h = haystack.get();
  const json::value& n = needle.get();
  if (h.is_null()) return Bool(false);
  if (h.is_array()) {
    for (const json::value& element : h.get_array())
      if (call.ev().Equal(call.node(), element, n)) return Bool(true);
    return Bool(false);
  }
  if (!h.is_string() && !h.is_object()) call.WrongType("a text, an array or an object", h);
  if (!n.is_string())
    call.Fail("needs a text to look for in " + std::string(h.is_string() ? "a text" : "an object") +
              ", got " + std::string(TypeName(n)));
  if (h.is_object()) return Bool(h.get_object().contains(n.get_string()));
  call.ev().ChargeBytes(call.node(), h.get_string().size());
  return Bool(std::string_view(h.get_string()).find(n.get_string()) != std::string_view::npos);
}

// Flags "" or "i"; nullopt for anything else.
std::optional<bool> IgnoreCaseFlag(std::string_view flags) {
  if (flags.empty()) return false;
  if (flags == "i") return true;
  return std::nullopt;
}

std::shared_ptr<const re2::RE2> Compile(std::string_view pattern, bool ignore_case,
                                        std::string& error) {
  re2::RE2::Options options;
  options.set_max_mem(kRegexMaxMem);
  options.set_log_errors(false);
  options.set_case_sensitive(!ignore_case);
  auto regex = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                                options);
  if (regex->ok()) return regex;
  error = regex->error();
  return nullptr;
}

// The compiled pattern of a MATCH call: compiled at parse time when literal.
std::shared_ptr<const re2::RE2> MatchPattern(Call& call) {
  if (call.node().regex) return call.node().regex;
  Value pattern = call.Arg(1);
  const json::value& p = pattern.get();
  if (!p.is_string()) call.Fail("needs a text pattern, got " + std::string(TypeName(p)));
  bool ignore_case = false;
  if (call.size() == 3) {
    Value flags = call.Arg(2);
    const json::value& f = flags.get();
    auto flag = f.is_string() ? IgnoreCaseFlag(f.get_string()) : std::nullopt;
    if (!flag) call.Fail("flags must be \"i\" or \"\", got " + Shown(f));
    ignore_case = *flag;
  }
  std::size_t max = call.ev().limits().max_pattern_length;
  if (p.get_string().size() > max)
    call.Fail("pattern longer than " + std::to_string(max) + " bytes");
  call.ev().Charge(call.node(), kCompileSteps);
  std::string error;
  auto regex = Compile(p.get_string(), ignore_case, error);
  if (!regex) call.Fail("pattern is invalid: " + error);
  return regex;
}

Value Match(Call& call) {
  std::shared_ptr<const re2::RE2> regex = MatchPattern(call);
  Value text = call.Arg(0);
  const json::value& t = text.get();
  if (t.is_null()) return Bool(false);
  if (!t.is_string()) call.WrongType("a text", t);
  call.ev().ChargeBytes(call.node(), t.get_string().size());
  std::string_view s = t.get_string();
  return Bool(re2::RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), *regex));
}

// "contact.email" -> {"contact", "email"}; empty when a segment is empty.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  while (true) {
    std::size_t dot = path.find('.');
    std::string_view segment = path.substr(0, dot);
    if (segment.empty()) return {};
    segments.push_back(segment);
    if (dot == std::string_view::npos) return segments;
    path.remove_prefix(dot + 1);
  }
}

const json::value* Lookup(const json::value& element, const std::vector<std::string_view>& path) {
  const json::value* at = &element;
  for (std::string_view segment : path) {
    if (!at->is_object()) return nullptr;
    at = at->get_object().if_contains(segment);
    if (at == nullptr) return nullptr;
  }
  return at;
}

Value Where(Call& call) {
  Value list = call.Arg(0);
  Value path = call.Arg(1);
  Value wanted = call.Arg(2);
  const json::value& l = list.get();
  if (l.is_null()) return Value::Own(json::array());
  if (!l.is_array()) call.WrongType("an array", l);
  const json::value& p = path.get();
  if (!p.is_string()) call.Fail("needs a text path, got " + std::string(TypeName(p)));
  std::vector<std::string_view> segments = SplitPath(p.get_string());
  if (segments.empty()) call.Fail("path must be member names separated by dots");
  json::array matches;
  for (const json::value& element : l.get_array()) {
    call.ev().Charge(call.node());
    const json::value* found = Lookup(element, segments);
    if (found != nullptr && call.ev().Equal(call.node(), *found, wanted.get()))
      matches.push_back(call.ev().TakeCharged(call.node(), Value::Ref(element)));
  }
  return Value::Own(std::move(matches));
}

// -------------------------------------------------------------------- text

template <typename Map>
Value MapText(Call& call, Map map) {
  Value x = call.Arg(0);
  const json::value& v = x.get();
  if (v.is_null()) return Value();
  if (!v.is_string()) call.WrongType("a text", v);
  call.ev().CheckTextSize(call.node(), v.get_string().size());
  call.ev().ChargeBytes(call.node(), v.get_string().size());
  return Value::Own(map(std::string_view(v.get_string())));
}

json::value Recase(std::string_view text, char (*convert)(char)) {
  json::string out(text);
  for (char& c : out) c = convert(c);
  return out;
}

json::value Trimmed(std::string_view text) {
  std::size_t begin = 0, end = text.size();
  while (begin < end && IsAsciiSpace(text[begin])) ++begin;
  while (end > begin && IsAsciiSpace(text[end - 1])) --end;
  return json::string(text.substr(begin, end - begin));
}

// ----------------------------------------------------------------- numbers

// The values an aggregate works on: its arguments, or the elements of its
// one array argument. The Values stay alive beside the pointers into them.
struct Items {
  std::vector<Value> args;
  std::vector<const json::value*> values;
};

Items Gather(Call& call) {
  Items items;
  for (std::size_t i = 0; i < call.size(); ++i) items.args.push_back(call.Arg(i));
  if (call.size() == 1 && items.args[0].get().is_array()) {
    for (const json::value& element : items.args[0].get().get_array()) {
      call.ev().Charge(call.node());
      items.values.push_back(&element);
    }
  } else {
    for (const Value& arg : items.args) items.values.push_back(&arg.get());
  }
  return items;
}

Value Extreme(Call& call, bool want_max) {
  Items items = Gather(call);
  if (items.values.empty()) return Value();
  const json::value* best = items.values[0];
  bool texts = best->is_string();
  for (const json::value* v : items.values) {
    bool number = ToNumber(*v).has_value();
    if (!number && !v->is_string()) call.WrongType("numbers or texts", *v);
    if (texts != v->is_string())
      call.Fail("needs all numbers or all texts, got " + std::string(TypeName(*best)) + " and " +
                std::string(TypeName(*v)));
    int c = texts ? std::string_view(v->get_string()).compare(best->get_string())
                  : CompareNumbers(*ToNumber(*v), *ToNumber(*best));
    if (want_max ? c > 0 : c < 0) best = v;
  }
  return Value::Own(*best);
}

Value Sum(Call& call) {
  Items items = Gather(call);
  Number total;
  for (const json::value* v : items.values) {
    auto n = ToNumber(*v);
    if (!n) call.WrongType("numbers", *v);
    total = Arithmetic(BinaryOp::kAdd, total, *n, call.node());
  }
  return Value::Own(total.ToJson());
}

// Adds one unit in the last place of a decimal digit string ("1.299" ->
// "1.300", "9.9" -> "10.0").
void IncrementDecimal(std::string& digits) {
  for (std::size_t i = digits.size(); i-- > 0;) {
    if (digits[i] == '.') continue;
    if (digits[i] != '9') {
      ++digits[i];
      return;
    }
    digits[i] = '0';
  }
  digits.insert(digits.begin(), '1');
}

// Rounds half away from zero on the shortest decimal form of `x`, so that
// ROUND(1.005, 2) is 1.01 as written, not 1.0 as its binary value would give.
double RoundDecimal(double x, int places) {
  char buffer[512];
  auto written = std::to_chars(buffer, buffer + sizeof buffer, std::fabs(x),
                               std::chars_format::fixed);
  std::string digits(buffer, written.ptr);
  std::size_t dot = digits.find('.');
  if (dot == std::string::npos || digits.size() - dot - 1 <= static_cast<std::size_t>(places))
    return x;
  bool up = digits[dot + 1 + static_cast<std::size_t>(places)] >= '5';
  digits.resize(places == 0 ? dot : dot + 1 + static_cast<std::size_t>(places));
  if (up) IncrementDecimal(digits);
  double rounded = 0;
  std::from_chars(digits.data(), digits.data() + digits.size(), rounded);
  return std::copysign(rounded, x);
}

Value Round(Call& call) {
  Value x = call.Arg(0);
  const json::value& v = x.get();
  std::int64_t places = 0;
  if (call.size() == 2) {
    Value digits = call.Arg(1);
    auto p = ToInteger(digits.get());
    if (!p || *p < 0 || *p > 15) call.Fail("digits must be an integer from 0 to 15");
    places = *p;
  }
  if (v.is_null()) return Value();
  auto n = ToNumber(v);
  if (!n) call.WrongType("a number", v);
  if (n->is_int) return Value::Own(n->i);
  double rounded = RoundDecimal(n->d, static_cast<int>(places));
  if (places == 0) {
    if (auto whole = ToInteger(json::value(rounded))) return Value::Own(*whole);
  }
  return Value::Own(rounded);
}

// ------------------------------------------------------------------- time

// An RFC 3339 date-time, or a "YYYY-MM-DD" date taken as midnight UTC.
Timestamp Instant(Call& call, std::size_t arg) {
  Value x = call.Arg(arg);
  const json::value& v = x.get();
  if (!v.is_string()) call.WrongType("a date or date-time text", v);
  std::string_view text = v.get_string();
  if (auto t = ParseTimestamp(text)) return *t;
  if (IsValidDate(text)) {
    auto digits = [&](std::size_t at, std::size_t n) {
      int value = 0;
      for (std::size_t i = at; i < at + n; ++i) value = value * 10 + (text[i] - '0');
      return value;
    };
    std::chrono::year_month_day date{std::chrono::year(digits(0, 4)),
                                     std::chrono::month(static_cast<unsigned>(digits(5, 2))),
                                     std::chrono::day(static_cast<unsigned>(digits(8, 2)))};
    return Timestamp(std::chrono::sys_days(date));
  }
  call.Fail("cannot read " + Shown(v) + " as a date or date-time");
}

std::optional<std::chrono::milliseconds> Unit(std::string_view name) {
  using namespace std::chrono_literals;
  struct Entry {
    std::string_view singular;
    std::chrono::milliseconds length;
  };
  static constexpr Entry kUnits[] = {
      {"second", 1000ms}, {"minute", 60'000ms}, {"hour", 3'600'000ms},
      {"day", 86'400'000ms}, {"week", 604'800'000ms}};
  for (const Entry& unit : kUnits) {
    if (EqualsIgnoringAsciiCase(name, unit.singular)) return unit.length;
    if (name.size() == unit.singular.size() + 1 && (name.back() == 's' || name.back() == 'S') &&
        EqualsIgnoringAsciiCase(name.substr(0, unit.singular.size()), unit.singular))
      return unit.length;
  }
  return std::nullopt;
}

// Whole units from `start` to `end`, truncated toward zero.
Value WholeUnits(Timestamp start, Timestamp end, std::chrono::milliseconds unit) {
  return Value::Own(static_cast<std::int64_t>((end - start).count() / unit.count()));
}

Value DateDiff(Call& call) {
  Timestamp start = Instant(call, 0);
  Timestamp end = Instant(call, 1);
  Value unit = call.Arg(2);
  const json::value& u = unit.get();
  auto length = u.is_string() ? Unit(u.get_string()) : std::nullopt;
  if (!length)
    call.Fail("unit must be seconds, minutes, hours, days or weeks, got " + Shown(u));
  return WholeUnits(start, end, *length);
}

Value DaysSince(Call& call) {
  using namespace std::chrono_literals;
  return WholeUnits(Instant(call, 0), call.ev().now(), 86'400'000ms);
}

}  // namespace

const FunctionInfo* FindFunction(std::string_view name) {
  for (const FunctionInfo& f : kFunctions)
    if (EqualsIgnoringAsciiCase(name, f.name)) return &f;
  return nullptr;
}

void PrepareCall(Node& call, const FormulaLimits& limits) {
  if (call.function->id != Function::kMatch) return;
  const Node& pattern = *call.children[1];
  if (pattern.kind != NodeKind::kLiteral || !pattern.literal.is_string()) return;
  if (pattern.literal.get_string().size() > limits.max_pattern_length) return;
  bool ignore_case = false;
  if (call.children.size() == 3) {
    const Node& flags = *call.children[2];
    if (flags.kind != NodeKind::kLiteral || !flags.literal.is_string()) return;
    auto flag = IgnoreCaseFlag(flags.literal.get_string());
    if (!flag) return;
    ignore_case = *flag;
  }
  std::string ignored;  // evaluation compiles again and reports it
  call.regex = Compile(pattern.literal.get_string(), ignore_case, ignored);
}

Value CallFunction(Evaluator& evaluator, const Node& node) {
  Call call(evaluator, node);
  switch (node.function->id) {
    case Function::kSize: return Size(call);
    case Function::kIf: return If(call);
    case Function::kAnd: return Logic(call, true);
    case Function::kOr: return Logic(call, false);
    case Function::kNot: return Bool(!Truthy(call.Arg(0).get()));
    case Function::kIsBlank: return Bool(IsBlank(call));
    case Function::kIsPresent: return Bool(!IsBlank(call));
    case Function::kIncludes: return Includes(call);
    case Function::kMatch: return Match(call);
    case Function::kWhere: return Where(call);
    case Function::kUpcase:
      return MapText(call, [](std::string_view s) { return Recase(s, Upper); });
    case Function::kDowncase:
      return MapText(call, [](std::string_view s) { return Recase(s, Lower); });
    case Function::kTrim: return MapText(call, Trimmed);
    case Function::kCoalesce: return Coalesce(call);
    case Function::kMin: return Extreme(call, false);
    case Function::kMax: return Extreme(call, true);
    case Function::kSum: return Sum(call);
    case Function::kRound: return Round(call);
    case Function::kNow: return Value::Own(json::string(FormatTimestamp(evaluator.now())));
    case Function::kDateDiff: return DateDiff(call);
    case Function::kDaysSince: return DaysSince(call);
  }
  Fail(node, "internal: unknown function");
}

}  // namespace casework::formula_internal

// Evaluation of operators, paths and literals, and the explanation of a
// condition that is not true. Functions are in functions.cc.
#include "formula/eval.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include "casework/json.h"

namespace casework::formula_internal {
namespace {

namespace json = boost::json;

// Text work is charged per this many bytes read or written: small enough
// that a formula cannot scan gigabytes, large enough that a function may
// read a long description a few times within the default budget.
constexpr std::size_t kBytesPerStep = 64;

// Deep equality recurses into the values compared; the subject's nesting is
// bounded by JSON parsing, this bounds it for any caller.
constexpr std::size_t kMaxValueDepth = 256;


bool IsComparison(BinaryOp op) {
  return op == BinaryOp::kEq || op == BinaryOp::kNe || op == BinaryOp::kLt ||
         op == BinaryOp::kLe || op == BinaryOp::kGt || op == BinaryOp::kGe;
}

bool IsCallOf(const Node& node, Function id) {
  return node.kind == NodeKind::kCall && node.function->id == id;
}

bool IsZero(const Number& n) { return n.is_int ? n.i == 0 : n.d == 0; }

// The integer result of a op b, when both are integers and it fits.
std::optional<std::int64_t> IntegerArithmetic(BinaryOp op, std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  switch (op) {
    case BinaryOp::kAdd:
      if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
      return r;
    case BinaryOp::kSub:
      if (__builtin_sub_overflow(a, b, &r)) return std::nullopt;
      return r;
    case BinaryOp::kMul:
      if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
      return r;
    case BinaryOp::kDiv:
      // INT64_MIN / -1 overflows; inexact quotients are doubles (7 / 2 = 3.5).
      if (b == -1 && a == std::numeric_limits<std::int64_t>::min()) return std::nullopt;
      if (a % b != 0) return std::nullopt;
      return a / b;
    case BinaryOp::kMod:
      if (b == -1) return 0;  // INT64_MIN % -1 is undefined in C++
      return a % b;
    default:
      return std::nullopt;
  }
}

double DoubleArithmetic(BinaryOp op, double a, double b) {
  switch (op) {
    case BinaryOp::kAdd: return a + b;
    case BinaryOp::kSub: return a - b;
    case BinaryOp::kMul: return a * b;
    case BinaryOp::kDiv: return a / b;
    case BinaryOp::kMod: return std::fmod(a, b);
    default: return std::numeric_limits<double>::quiet_NaN();
  }
}

// < <= > >= on two numbers or two texts.
bool Order(const Node& at, BinaryOp op, const json::value& a, const json::value& b) {
  int c = 0;
  auto x = ToNumber(a), y = ToNumber(b);
  if (x && y) {
    c = CompareNumbers(*x, *y);
  } else if (a.is_string() && b.is_string()) {
    // Byte order of UTF-8 is code point order.
    c = std::string_view(a.get_string()).compare(b.get_string());
  } else {
    Fail(at, std::string(OpText(op)) + " needs two numbers or two texts, got " +
                 std::string(TypeName(a)) + " and " + std::string(TypeName(b)));
  }
  switch (op) {
    case BinaryOp::kLt: return c < 0;
    case BinaryOp::kLe: return c <= 0;
    case BinaryOp::kGt: return c > 0;
    default: return c >= 0;
  }
}

}  // namespace

// ------------------------------------------------------------- values

void Fail(const Node& at, std::string message) { throw EvalError{at.begin, std::move(message)}; }

Value Value::Ref(const json::value& v) {
  Value value;
  value.ref_ = &v;
  return value;
}

Value Value::Own(json::value v) {
  Value value;
  value.owned_ = std::move(v);
  return value;
}

Value Value::Missing(const Node& path) {
  Value value;
  value.missing_ = &path;
  return value;
}

Value Value::Select(const json::value& part) && {
  if (ref_ != nullptr) return Ref(part);
  // `part` lies inside owned_, which this object owns and may give away.
  return Own(std::move(const_cast<json::value&>(part)));
}

json::value Value::Take() && {
  if (ref_ != nullptr) return *ref_;
  return std::move(owned_);
}

std::string Shown(const json::value& v) {
  // Values quoted in explanations are cut to this many bytes.
  constexpr std::size_t kMaxShownBytes = 200;
  std::string text = ToJsonText(v);
  if (text.size() <= kMaxShownBytes) return text;
  std::size_t cut = kMaxShownBytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text + "...";
}

bool Truthy(const json::value& v) { return !v.is_null() && !(v.is_bool() && !v.get_bool()); }

std::string_view TypeName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "number";
    case json::kind::string: return "text";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "value";
}

// ------------------------------------------------------------ numbers

json::value Number::ToJson() const {
  if (is_int) return i;
  return d;
}

std::optional<Number> ToNumber(const json::value& v) {
  if (v.is_int64()) return Number{true, v.get_int64(), 0};
  if (v.is_uint64()) {
    std::uint64_t u = v.get_uint64();
    if (u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
      return Number{true, static_cast<std::int64_t>(u), 0};
    return Number{false, 0, static_cast<double>(u)};
  }
  if (v.is_double()) return Number{false, 0, v.get_double()};
  return std::nullopt;
}

int CompareNumbers(const Number& a, const Number& b) {
  if (a.is_int && b.is_int) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  if (!a.is_int && !b.is_int) return a.d < b.d ? -1 : a.d > b.d ? 1 : 0;
  if (!a.is_int) return -CompareNumbers(b, a);
  // An integer against a double: compare the integer with the double's
  // integral part exactly, then let the fraction decide.
  constexpr double kTwo63 = 9223372036854775808.0;
  if (b.d >= kTwo63) return -1;
  if (b.d < -kTwo63) return 1;
  double whole = std::trunc(b.d);
  auto w = static_cast<std::int64_t>(whole);
  if (a.i != w) return a.i < w ? -1 : 1;
  double fraction = b.d - whole;
  return fraction > 0 ? -1 : fraction < 0 ? 1 : 0;
}

Number Arithmetic(BinaryOp op, const Number& a, const Number& b, const Node& at) {
  if ((op == BinaryOp::kDiv || op == BinaryOp::kMod) && IsZero(b)) Fail(at, "division by zero");
  if (a.is_int && b.is_int) {
    if (auto r = IntegerArithmetic(op, a.i, b.i)) return Number{true, *r, 0};
  }
  double r = DoubleArithmetic(op, a.AsDouble(), b.AsDouble());
  if (!std::isfinite(r)) Fail(at, std::string(OpText(op)) + " gives a number out of range");
  return Number{false, 0, r};
}

std::optional<std::int64_t> ToInteger(const json::value& v) {
  auto n = ToNumber(v);
  if (!n) return std::nullopt;
  if (n->is_int) return n->i;
  constexpr double kTwo63 = 9223372036854775808.0;
  if (std::trunc(n->d) != n->d || n->d >= kTwo63 || n->d < -kTwo63) return std::nullopt;
  return static_cast<std::int64_t>(n->d);
}

bool AppendText(const json::value& v, std::string& out) {
  char buffer[32];
  std::to_chars_result written{};
  switch (v.kind()) {
    case json::kind::null: return true;
    case json::kind::bool_: out += v.get_bool() ? "TRUE" : "FALSE"; return true;
    case json::kind::string: out += v.get_string(); return true;
    case json::kind::int64:
      written = std::to_chars(buffer, buffer + sizeof buffer, v.get_int64());
      break;
    case json::kind::uint64:
      written = std::to_chars(buffer, buffer + sizeof buffer, v.get_uint64());
      break;
    case json::kind::double_:
      written = std::to_chars(buffer, buffer + sizeof buffer, v.get_double());
      break;
    default:
      return false;
  }
  out.append(buffer, written.ptr);
  return true;
}

// ---------------------------------------------------------- accounting

void Evaluator::Charge(const Node& at, std::size_t steps) {
  steps_ += steps;
  if (steps_ > program_.limits.max_steps)
    Fail(at, "evaluation exceeded " + std::to_string(program_.limits.max_steps) + " steps");
}

void Evaluator::ChargeBytes(const Node& at, std::size_t bytes) {
  Charge(at, bytes / kBytesPerStep);
}

void Evaluator::CheckTextSize(const Node& at, std::size_t bytes) const {
  if (bytes > program_.limits.max_text_bytes)
    Fail(at, "text longer than " + std::to_string(program_.limits.max_text_bytes) + " bytes");
}

json::value Evaluator::TakeCharged(const Node& at, Value&& v) {
  if (!v.refers()) return std::move(v).Take();
  // A copy costs one step per value and per kBytesPerStep of text; walked
  // with an explicit stack, charging as it goes, so a huge value stops the
  // walk early and deep nesting cannot exhaust the native stack.
  std::vector<const json::value*> pending{&v.get()};
  Charge(at);
  while (!pending.empty()) {
    const json::value* item = pending.back();
    pending.pop_back();
    if (item->is_string()) ChargeBytes(at, item->get_string().size());
    if (item->is_array()) {
      for (const json::value& element : item->get_array()) {
        Charge(at);
        pending.push_back(&element);
      }
    } else if (item->is_object()) {
      for (const auto& member : item->get_object()) {
        Charge(at);
        ChargeBytes(at, member.key().size());
        pending.push_back(&member.value());
      }
    }
  }
  return std::move(v).Take();
}

bool Evaluator::Equal(const Node& at, const json::value& a, const json::value& b) {
  return EqualAt(at, a, b, 0);
}

bool Evaluator::EqualAt(const Node& at, const json::value& a, const json::value& b,
                        std::size_t depth) {
  Charge(at);
  if (depth > kMaxValueDepth) Fail(at, "values nested too deeply to compare");
  auto x = ToNumber(a), y = ToNumber(b);
  if (x || y) return x && y && CompareNumbers(*x, *y) == 0;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::string:
      ChargeBytes(at, a.get_string().size());
      return a.get_string() == b.get_string();
    case json::kind::array: {
      const json::array &s = a.get_array(), &t = b.get_array();
      if (s.size() != t.size()) return false;
      for (std::size_t i = 0; i < s.size(); ++i)
        if (!EqualAt(at, s[i], t[i], depth + 1)) return false;
      return true;
    }
    case json::kind::object: {
      const json::object &s = a.get_object(), &t = b.get_object();
      if (s.size() != t.size()) return false;
      for (const auto& member : s) {
        const json::value* other = t.if_contains(member.key());
        if (other == nullptr || !EqualAt(at, member.value(), *other, depth + 1)) return false;
      }
      return true;
    }
    default:
      return a == b;  // null, booleans
  }
}

std::string_view Evaluator::Source(const Node& node) const {
  return std::string_view(program_.text).substr(node.begin, node.end - node.begin);
}

// ----------------------------------------------------------- evaluation

Value Evaluator::Eval(const Node& node) {
  Value value = EvalOrMissing(node);
  if (value.missing()) {
    const Node& path = value.missing_path();
    Fail(path, "unknown path " + std::string(Source(path)));
  }
  return value;
}

Value Evaluator::EvalOrMissing(const Node& node) {
  Charge(node);
  switch (node.kind) {
    case NodeKind::kLiteral: return Value::Ref(node.literal);
    case NodeKind::kSubject: return Value::Ref(subject_);
    case NodeKind::kMember: return EvalMember(node);
    case NodeKind::kIndex: return EvalIndex(node);
    case NodeKind::kArray: return EvalArray(node);
    case NodeKind::kObject: return EvalObject(node);
    case NodeKind::kNegate: return EvalNegate(node);
    case NodeKind::kNot: return Value::Own(!Truthy(Eval(*node.children[0]).get()));
    case NodeKind::kAnd: return EvalLogic(node, true);
    case NodeKind::kOr: return EvalLogic(node, false);
    case NodeKind::kChain: return EvalChain(node);
    case NodeKind::kCall: return CallFunction(*this, node);
  }
  Fail(node, "internal: unknown node");
}

Value Evaluator::EvalMember(const Node& node) {
  Value base = EvalOrMissing(*node.children[0]);
  // Missing stays missing, so IS_BLANK(case.data.x.y) holds for an absent x.
  if (base.missing()) return base;
  const json::value& v = base.get();
  if (v.is_null()) return Value();  // a member of nothing is nothing: case.owner.email
  if (!v.is_object())
    Fail(node, std::string(Source(node)) + ": " + std::string(TypeName(v)) + " has no member " +
                   node.name);
  const json::value* member = v.get_object().if_contains(node.name);
  if (member == nullptr) return Value::Missing(node);
  return std::move(base).Select(*member);
}

Value Evaluator::EvalIndex(const Node& node) {
  Value base = EvalOrMissing(*node.children[0]);
  if (base.missing()) return base;
  Value index = Eval(*node.children[1]);
  const json::value& v = base.get();
  const json::value& key = index.get();
  if (v.is_null()) return Value();
  if (v.is_array()) {
    auto i = ToInteger(key);
    if (!i)
      Fail(node, std::string(Source(node)) + ": an array index must be an integer, got " +
                     std::string(TypeName(key)));
    const json::array& array = v.get_array();
    auto size = static_cast<std::int64_t>(array.size());
    std::int64_t at = *i < 0 ? *i + size : *i;  // -1 is the last element
    if (at < 0 || at >= size) return Value::Missing(node);
    return std::move(base).Select(array[static_cast<std::size_t>(at)]);
  }
  if (v.is_object()) {
    if (!key.is_string())
      Fail(node, std::string(Source(node)) + ": an object key must be text, got " +
                     std::string(TypeName(key)));
    const json::value* member = v.get_object().if_contains(key.get_string());
    if (member == nullptr) return Value::Missing(node);
    return std::move(base).Select(*member);
  }
  Fail(node, std::string(Source(node)) + ": cannot index " + std::string(TypeName(v)));
}

Value Evaluator::EvalArray(const Node& node) {
  json::array array;
  array.reserve(node.children.size());
  for (const auto& child : node.children) array.push_back(TakeCharged(node, Eval(*child)));
  return Value::Own(std::move(array));
}

Value Evaluator::EvalObject(const Node& node) {
  json::object object;
  for (std::size_t i = 0; i < node.children.size(); ++i)
    object.emplace(node.keys[i], TakeCharged(node, Eval(*node.children[i])));
  return Value::Own(std::move(object));
}

Value Evaluator::EvalNegate(const Node& node) {
  Value operand = Eval(*node.children[0]);
  auto n = ToNumber(operand.get());
  if (!n) Fail(node, "- needs a number, got " + std::string(TypeName(operand.get())));
  return Value::Own(Arithmetic(BinaryOp::kSub, Number{}, *n, node).ToJson());
}

Value Evaluator::EvalLogic(const Node& node, bool is_and) {
  // Short-circuit: AND stops at the first false operand, OR at the first true.
  for (const auto& child : node.children)
    if (Truthy(Eval(*child).get()) != is_and) return Value::Own(!is_and);
  return Value::Own(is_and);
}

Value Evaluator::EvalChain(const Node& node) {
  if (node.ops[0] == BinaryOp::kConcat) return EvalJoin(node);
  Value result = Eval(*node.children[0]);
  for (std::size_t i = 0; i < node.ops.size(); ++i) {
    Value right = Eval(*node.children[i + 1]);
    result = Apply(node, node.ops[i], result.get(), right.get());
  }
  return result;
}

Value Evaluator::EvalJoin(const Node& node) {
  std::string text;
  for (const auto& child : node.children) {
    Value part = Eval(*child);
    std::size_t before = text.size();
    const json::value& v = part.get();
    // Check before appending: a long operand must not be copied first.
    if (v.is_string()) CheckTextSize(node, before + v.get_string().size());
    if (!AppendText(v, text))
      Fail(node, "& joins texts, numbers, booleans and null, got " + std::string(TypeName(v)));
    CheckTextSize(node, text.size());
    ChargeBytes(node, text.size() - before);
  }
  return Value::Own(json::string(text));
}

Value Evaluator::Apply(const Node& at, BinaryOp op, const json::value& a, const json::value& b) {
  switch (op) {
    case BinaryOp::kEq: return Value::Own(Equal(at, a, b));
    case BinaryOp::kNe: return Value::Own(!Equal(at, a, b));
    case BinaryOp::kLt:
    case BinaryOp::kLe:
    case BinaryOp::kGt:
    case BinaryOp::kGe: return Value::Own(Order(at, op, a, b));
    default: break;
  }
  auto x = ToNumber(a), y = ToNumber(b);
  if (!x || !y)
    Fail(at, std::string(OpText(op)) + " needs numbers, got " + std::string(TypeName(a)) +
                 " and " + std::string(TypeName(b)));
  return Value::Own(Arithmetic(op, *x, *y, at).ToJson());
}

// ---------------------------------------------------------- explanation

Evaluator::Explained Evaluator::Explain(const Node& node) {
  if (node.kind == NodeKind::kAnd || IsCallOf(node, Function::kAnd)) return ExplainAll(node);
  if (node.kind == NodeKind::kOr || IsCallOf(node, Function::kOr)) return ExplainAny(node);
  if (node.kind == NodeKind::kNot || IsCallOf(node, Function::kNot)) return ExplainNot(node);
  if (node.kind == NodeKind::kChain && node.ops.size() == 1 && IsComparison(node.ops[0]))
    return ExplainComparison(node);
  Value value = Eval(node);
  if (Truthy(value.get())) return {std::move(value), {}};
  std::string reason(Source(node));
  reason += value.get().is_null() ? " is NULL" : " is FALSE";
  return {std::move(value), std::move(reason)};
}

Evaluator::Explained Evaluator::ExplainAll(const Node& node) {
  Charge(node);
  for (const auto& child : node.children) {
    Explained part = Explain(*child);
    if (!Truthy(part.value.get())) return {Value::Own(false), std::move(part.reason)};
  }
  return {Value::Own(true), {}};
}

Evaluator::Explained Evaluator::ExplainAny(const Node& node) {
  Charge(node);
  std::string reasons;
  for (const auto& child : node.children) {
    Explained part = Explain(*child);
    if (Truthy(part.value.get())) return {Value::Own(true), {}};
    if (!reasons.empty()) reasons += "; ";
    reasons += part.reason;
  }
  return {Value::Own(false), "none of: " + reasons};
}

Evaluator::Explained Evaluator::ExplainNot(const Node& node) {
  Charge(node);
  const Node& operand = *node.children[0];
  if (!Truthy(Eval(operand).get())) return {Value::Own(true), {}};
  return {Value::Own(false), std::string(Source(operand)) + " is TRUE"};
}

Evaluator::Explained Evaluator::ExplainComparison(const Node& node) {
  Charge(node);
  Value left = Eval(*node.children[0]);
  Value right = Eval(*node.children[1]);
  Value result = Apply(node, node.ops[0], left.get(), right.get());
  if (Truthy(result.get())) return {std::move(result), {}};
  std::string reason(Source(*node.children[0]));
  reason += " = " + Shown(left.get()) + ", not " + std::string(OpText(node.ops[0])) + " " +
            Shown(right.get());
  return {std::move(result), std::move(reason)};
}

}  // namespace casework::formula_internal

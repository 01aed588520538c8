// casework: the parsed form of a formula.
//
// A formula parses into a tree of Nodes. Every node keeps the byte range of
// its source text so that evaluation errors ("unknown path case.data.x") and
// explanations ("SIZE(team_case.assignees) = 0, not > 0") can quote what the
// user wrote. Runs of one binary precedence level (`a + b - c`, `x & y & z`,
// `p && q && r`) are one node with n operands rather than a left-leaning
// tree: a long chain then costs no nesting, neither in the parser nor in the
// evaluator, and only true nesting meets FormulaLimits::max_depth.
#ifndef CASEWORK_LIB_FORMULA_AST_H_
#define CASEWORK_LIB_FORMULA_AST_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "casework/formula.h"

namespace re2 {
class RE2;
}  // namespace re2

namespace casework::formula_internal {

enum class Function {
  kSize,
  kIf,
  kAnd,
  kOr,
  kNot,
  kIsBlank,
  kIsPresent,
  kIncludes,
  kMatch,
  kWhere,
  kUpcase,
  kDowncase,
  kTrim,
  kCoalesce,
  kMin,
  kMax,
  kSum,
  kRound,
  kNow,
  kDateDiff,
  kDaysSince,
};

inline constexpr std::size_t kVariadic = SIZE_MAX;

struct FunctionInfo {
  std::string_view name;  // canonical upper-case spelling, e.g. "IS_BLANK"
  Function id;
  std::size_t min_args;
  std::size_t max_args;  // kVariadic: no upper bound
};

// The function spelled `name` in any case (aliases included: UPPER is
// UPCASE), or nullptr when there is none.
const FunctionInfo* FindFunction(std::string_view name);

enum class NodeKind {
  kLiteral,  // literal: a constant (numbers, texts, folded constant arrays...)
  kSubject,  // `case` or `team_case`
  kMember,   // children[0].name
  kIndex,    // children[0][children[1]]
  kArray,    // [children...] with at least one non-constant element
  kObject,   // {keys[i]: children[i]...} with a non-constant value
  kNegate,   // -children[0]
  kNot,      // !children[0] or NOT children[0]
  kAnd,      // children[0] && children[1] && ...
  kOr,       // children[0] || children[1] || ...
  kChain,    // children[0] ops[0] children[1] ops[1] ... (one precedence level)
  kCall,     // function(children...)
};

enum class BinaryOp { kEq, kNe, kLt, kLe, kGt, kGe, kConcat, kAdd, kSub, kMul, kDiv, kMod };

// The operator as explanations and errors write it: "=", "!=", "<", "&"...
std::string_view OpText(BinaryOp op);

struct Node {
  NodeKind kind = NodeKind::kLiteral;
  std::size_t begin = 0;  // source range [begin, end) in the formula text
  std::size_t end = 0;
  boost::json::value literal;   // kLiteral
  std::string name;             // kMember: the member; kCall: as written
  std::vector<std::string> keys;  // kObject: the key of each child
  std::vector<std::unique_ptr<Node>> children;
  std::vector<BinaryOp> ops;    // kChain: ops[i] joins children[i] and children[i + 1]
  const FunctionInfo* function = nullptr;  // kCall
  // kCall of MATCH whose pattern and flags are literal and compile: the
  // expression compiled once at parse time (RE2 matching is thread-safe).
  std::shared_ptr<const re2::RE2> regex;
};

// Prepares a parsed call for evaluation (today: compiles a literal MATCH
// pattern). Never fails: a pattern that does not compile is reported when
// the call is evaluated.
void PrepareCall(Node& call, const FormulaLimits& limits);

}  // namespace casework::formula_internal

namespace casework {

// The parsed form behind a Formula; immutable once built.
struct Formula::Program {
  std::string text;  // the formula as given; node ranges index into it
  FormulaLimits limits;
  std::unique_ptr<formula_internal::Node> root;
};

}  // namespace casework

#endif  // CASEWORK_LIB_FORMULA_AST_H_

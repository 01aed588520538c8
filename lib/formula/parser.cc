// The formula grammar, loosest binding first (keywords in any case):
//
//   formula    = [ "=" ] expression
//   expression = or
//   or         = and { ( "||" | "OR" ) and }
//   and        = not { ( "&&" | "AND" ) not }
//   not        = ( "!" | "NOT" ) not | equality        (NOT followed by "(" is the function)
//   equality   = comparison { ( "=" | "==" | "!=" | "<>" ) comparison }
//   comparison = join { ( "<" | "<=" | ">" | ">=" ) join }
//   join       = sum { "&" sum }
//   sum        = product { ( "+" | "-" ) product }
//   product    = unary { ( "*" | "/" | "%" ) unary }
//   unary      = "-" unary | postfix
//   postfix    = primary { "." name | "[" expression "]" }
//   primary    = number | string | "TRUE" | "FALSE" | "NULL" | "case" | "team_case"
//              | name "(" [ expression { "," expression } ] ")"
//              | "(" expression ")"
//              | "[" [ expression { "," expression } ] "]"
//              | "{" [ string ":" expression { "," string ":" expression } ] "}"
//
// Recursive descent with one depth counter: every construct that nests
// (parentheses, prefix operators, calls, array and object literals, each
// postfix step) enters one level, and entering level max_depth + 1 is an
// error at that token. The functions between two levels are a fixed chain,
// so the native stack stays bounded whatever the input.
#include "formula/parser.h"

#include <cstdint>
#include <limits>
#include <string>
#include <unordered_set>
#include <utility>

#include "formats.h"
#include "formula/lexer.h"

namespace casework::formula_internal {
namespace {

using NodePtr = std::unique_ptr<Node>;

NodePtr MakeNode(NodeKind kind, std::size_t begin, std::size_t end) {
  auto node = std::make_unique<Node>();
  node->kind = kind;
  node->begin = begin;
  node->end = end;
  return node;
}

bool AllLiteral(const Node& node) {
  for (const auto& child : node.children)
    if (child->kind != NodeKind::kLiteral) return false;
  return true;
}

// An array or object literal whose members are all constants becomes one
// constant, built once here instead of at every evaluation.
void FoldConstant(Node& node) {
  if (!AllLiteral(node)) return;
  if (node.kind == NodeKind::kArray) {
    boost::json::array array;
    array.reserve(node.children.size());
    for (auto& child : node.children) array.push_back(std::move(child->literal));
    node.literal = std::move(array);
  } else {
    boost::json::object object;
    for (std::size_t i = 0; i < node.children.size(); ++i)
      object.emplace(node.keys[i], std::move(node.children[i]->literal));
    node.literal = std::move(object);
  }
  node.kind = NodeKind::kLiteral;
  node.children.clear();
  node.keys.clear();
}

// -5 is the number -5, not a negation to evaluate every time.
bool FoldNegation(Node& operand) {
  boost::json::value& v = operand.literal;
  if (operand.kind != NodeKind::kLiteral) return false;
  if (v.is_int64() && v.get_int64() != std::numeric_limits<std::int64_t>::min()) {
    v = -v.get_int64();
    return true;
  }
  if (v.is_int64()) {
    v = -static_cast<double>(v.get_int64());
    return true;
  }
  if (v.is_double()) {
    v = -v.get_double();
    return true;
  }
  return false;
}

// The binary precedence levels that chain into one kChain node, loosest first.
enum class Level { kEquality, kComparison, kJoin, kSum, kProduct, kUnary };

Level Tighter(Level level) { return static_cast<Level>(static_cast<int>(level) + 1); }

// The operator of `level` that `kind` spells, if any.
bool OperatorAt(Level level, TokenKind kind, BinaryOp& op) {
  switch (level) {
    case Level::kEquality:
      if (kind == TokenKind::kEq) op = BinaryOp::kEq;
      else if (kind == TokenKind::kNe) op = BinaryOp::kNe;
      else return false;
      return true;
    case Level::kComparison:
      if (kind == TokenKind::kLt) op = BinaryOp::kLt;
      else if (kind == TokenKind::kLe) op = BinaryOp::kLe;
      else if (kind == TokenKind::kGt) op = BinaryOp::kGt;
      else if (kind == TokenKind::kGe) op = BinaryOp::kGe;
      else return false;
      return true;
    case Level::kJoin:
      if (kind != TokenKind::kAmp) return false;
      op = BinaryOp::kConcat;
      return true;
    case Level::kSum:
      if (kind == TokenKind::kPlus) op = BinaryOp::kAdd;
      else if (kind == TokenKind::kMinus) op = BinaryOp::kSub;
      else return false;
      return true;
    case Level::kProduct:
      if (kind == TokenKind::kStar) op = BinaryOp::kMul;
      else if (kind == TokenKind::kSlash) op = BinaryOp::kDiv;
      else if (kind == TokenKind::kPercent) op = BinaryOp::kMod;
      else return false;
      return true;
    case Level::kUnary:
      return false;
  }
  return false;
}

std::string ArityMessage(const FunctionInfo& f, std::size_t given) {
  std::string message(f.name);
  auto plural = [](std::size_t n) { return n == 1 ? " argument" : " arguments"; };
  if (f.max_args == kVariadic) {
    message += " takes at least " + std::to_string(f.min_args) + plural(f.min_args);
  } else if (f.min_args == f.max_args) {
    message += f.min_args == 0 ? std::string(" takes no arguments")
                               : " takes " + std::to_string(f.min_args) + plural(f.min_args);
  } else {
    message += " takes " + std::to_string(f.min_args) + " or " + std::to_string(f.max_args) +
               " arguments";
  }
  return message + ", got " + std::to_string(given);
}

class Parser {
 public:
  Parser(std::string_view text, const FormulaLimits& limits) : text_(text), limits_(limits) {}

  NodePtr ParseAll() {
    std::size_t pos = 0;
    while (pos < text_.size() && (text_[pos] == ' ' || text_[pos] == '\t' ||
                                  text_[pos] == '\n' || text_[pos] == '\r'))
      ++pos;
    if (pos < text_.size() && text_[pos] == '=') ++pos;
    token_ = Lex(text_, pos);
    NodePtr root = ParseExpression();
    if (!At(TokenKind::kEnd)) FailAt(token_.begin, "unexpected " + Describe(text_, token_));
    return root;
  }

 private:
  // Nesting levels entered by the current parse path. A parse error
  // abandons the parser, so only successful paths need to leave.
  void Enter(std::size_t position) {
    if (++depth_ > limits_.max_depth)
      FailAt(position, "nesting deeper than " + std::to_string(limits_.max_depth));
  }
  void Leave(std::size_t levels = 1) { depth_ -= levels; }

  void Advance() { token_ = Lex(text_, token_.end); }
  bool At(TokenKind kind) const { return token_.kind == kind; }
  std::string_view Source(const Token& t) const { return text_.substr(t.begin, t.end - t.begin); }
  bool AtKeyword(std::string_view keyword) const {
    return At(TokenKind::kName) && EqualsIgnoringAsciiCase(Source(token_), keyword);
  }
  void Expect(TokenKind kind, std::string_view spelling) {
    if (!At(kind)) FailAt(token_.begin, "expected " + std::string(spelling));
    Advance();
  }

  NodePtr ParseExpression() { return ParseOr(); }

  NodePtr ParseOr() {
    NodePtr first = ParseAnd();
    if (!At(TokenKind::kOrOr) && !AtKeyword("OR")) return first;
    NodePtr node = MakeNode(NodeKind::kOr, first->begin, first->end);
    node->children.push_back(std::move(first));
    while (At(TokenKind::kOrOr) || AtKeyword("OR")) {
      Advance();
      node->children.push_back(ParseAnd());
    }
    node->end = node->children.back()->end;
    return node;
  }

  NodePtr ParseAnd() {
    NodePtr first = ParseNot();
    if (!At(TokenKind::kAndAnd) && !AtKeyword("AND")) return first;
    NodePtr node = MakeNode(NodeKind::kAnd, first->begin, first->end);
    node->children.push_back(std::move(first));
    while (At(TokenKind::kAndAnd) || AtKeyword("AND")) {
      Advance();
      node->children.push_back(ParseNot());
    }
    node->end = node->children.back()->end;
    return node;
  }

  NodePtr ParseNot() {
    bool prefix = At(TokenKind::kBang) ||
                  (AtKeyword("NOT") && Lex(text_, token_.end).kind != TokenKind::kLParen);
    if (!prefix) return ParseChain(Level::kEquality);
    std::size_t begin = token_.begin;
    Enter(begin);
    Advance();
    NodePtr operand = ParseNot();
    Leave();
    NodePtr node = MakeNode(NodeKind::kNot, begin, operand->end);
    node->children.push_back(std::move(operand));
    return node;
  }

  NodePtr ParseChain(Level level) {
    if (level == Level::kUnary) return ParseUnary();
    NodePtr first = ParseChain(Tighter(level));
    BinaryOp op{};
    if (!OperatorAt(level, token_.kind, op)) return first;
    NodePtr node = MakeNode(NodeKind::kChain, first->begin, first->end);
    node->children.push_back(std::move(first));
    while (OperatorAt(level, token_.kind, op)) {
      Advance();
      node->ops.push_back(op);
      node->children.push_back(ParseChain(Tighter(level)));
    }
    node->end = node->children.back()->end;
    return node;
  }

  NodePtr ParseUnary() {
    if (!At(TokenKind::kMinus)) return ParsePostfix();
    std::size_t begin = token_.begin;
    Enter(begin);
    Advance();
    NodePtr operand = ParseUnary();
    Leave();
    if (FoldNegation(*operand)) {
      operand->begin = begin;
      return operand;
    }
    NodePtr node = MakeNode(NodeKind::kNegate, begin, operand->end);
    node->children.push_back(std::move(operand));
    return node;
  }

  NodePtr ParsePostfix() {
    NodePtr node = ParsePrimary();
    std::size_t entered = 0;
    while (At(TokenKind::kDot) || At(TokenKind::kLBracket)) {
      Enter(token_.begin);
      ++entered;
      node = At(TokenKind::kDot) ? ParseMember(std::move(node)) : ParseIndex(std::move(node));
    }
    Leave(entered);
    return node;
  }

  NodePtr ParseMember(NodePtr base) {
    Advance();  // .
    if (!At(TokenKind::kName)) FailAt(token_.begin, "expected a member name after .");
    NodePtr node = MakeNode(NodeKind::kMember, base->begin, token_.end);
    node->name = std::string(Source(token_));
    node->children.push_back(std::move(base));
    Advance();
    return node;
  }

  NodePtr ParseIndex(NodePtr base) {
    Advance();  // [
    NodePtr index = ParseExpression();
    if (!At(TokenKind::kRBracket)) FailAt(token_.begin, "expected ]");
    NodePtr node = MakeNode(NodeKind::kIndex, base->begin, token_.end);
    node->children.push_back(std::move(base));
    node->children.push_back(std::move(index));
    Advance();
    return node;
  }

  NodePtr ParsePrimary() {
    switch (token_.kind) {
      case TokenKind::kNumber:
      case TokenKind::kString: {
        NodePtr node = MakeNode(NodeKind::kLiteral, token_.begin, token_.end);
        node->literal = std::move(token_.value);
        Advance();
        return node;
      }
      case TokenKind::kName:
        return ParseName();
      case TokenKind::kLParen:
        return ParseParenthesized();
      case TokenKind::kLBracket:
        return ParseArray();
      case TokenKind::kLBrace:
        return ParseObject();
      case TokenKind::kEnd:
        FailAt(token_.begin, "expected an expression");
      default:
        FailAt(token_.begin, "unexpected " + Describe(text_, token_));
    }
  }

  NodePtr ParseParenthesized() {
    std::size_t begin = token_.begin;
    Enter(begin);
    Advance();
    NodePtr inner = ParseExpression();
    if (!At(TokenKind::kRParen)) FailAt(token_.begin, "expected )");
    // The node's source includes the parentheses, so that quoting it (in an
    // explanation, or as the base of `(x).y`) gives balanced text.
    inner->begin = begin;
    inner->end = token_.end;
    Advance();
    Leave();
    return inner;
  }

  NodePtr ParseName() {
    Token name = token_;
    std::string_view word = Source(name);
    Token next = Lex(text_, name.end);
    if (next.kind == TokenKind::kLParen) return ParseCall(name, std::move(next));
    NodePtr node = MakeNode(NodeKind::kLiteral, name.begin, name.end);
    if (EqualsIgnoringAsciiCase(word, "TRUE")) {
      node->literal = true;
    } else if (EqualsIgnoringAsciiCase(word, "FALSE")) {
      node->literal = false;
    } else if (EqualsIgnoringAsciiCase(word, "NULL")) {
      node->literal = nullptr;
    } else if (EqualsIgnoringAsciiCase(word, "case") || EqualsIgnoringAsciiCase(word, "team_case")) {
      node->kind = NodeKind::kSubject;
    } else if (EqualsIgnoringAsciiCase(word, "AND") || EqualsIgnoringAsciiCase(word, "OR") ||
               EqualsIgnoringAsciiCase(word, "NOT")) {
      FailAt(name.begin, "unexpected " + std::string(word));
    } else if (FindFunction(word) != nullptr) {
      FailAt(next.begin, "expected ( after " + std::string(word));
    } else {
      FailAt(name.begin, "unknown name " + std::string(word));
    }
    token_ = std::move(next);
    return node;
  }

  NodePtr ParseCall(const Token& name, Token open) {
    std::string_view word = Source(name);
    const FunctionInfo* function = FindFunction(word);
    if (function == nullptr) FailAt(name.begin, "unknown function " + std::string(word));
    Enter(name.begin);
    token_ = std::move(open);
    Advance();  // (
    NodePtr node = MakeNode(NodeKind::kCall, name.begin, name.end);
    node->name = std::string(word);
    node->function = function;
    node->children = ParseList(TokenKind::kRParen, ")");
    node->end = token_.end;
    Advance();  // )
    Leave();
    std::size_t count = node->children.size();
    if (count < function->min_args || count > function->max_args)
      FailAt(name.begin, ArityMessage(*function, count));
    PrepareCall(*node, limits_);
    return node;
  }

  // Comma-separated expressions up to (not past) the `close` token.
  std::vector<NodePtr> ParseList(TokenKind close, std::string_view spelling) {
    std::vector<NodePtr> items;
    if (At(close)) return items;
    while (true) {
      items.push_back(ParseExpression());
      if (!At(TokenKind::kComma)) break;
      Advance();
    }
    if (!At(close)) FailAt(token_.begin, "expected , or " + std::string(spelling));
    return items;
  }

  NodePtr ParseArray() {
    NodePtr node = MakeNode(NodeKind::kArray, token_.begin, token_.end);
    Enter(token_.begin);
    Advance();  // [
    node->children = ParseList(TokenKind::kRBracket, "]");
    node->end = token_.end;
    Advance();  // ]
    Leave();
    FoldConstant(*node);
    return node;
  }

  NodePtr ParseObject() {
    NodePtr node = MakeNode(NodeKind::kObject, token_.begin, token_.end);
    Enter(token_.begin);
    Advance();  // {
    std::unordered_set<std::string> seen;
    while (!At(TokenKind::kRBrace)) {
      if (!node->keys.empty()) Expect(TokenKind::kComma, ", or }");
      ParseObjectMember(*node, seen);
    }
    node->end = token_.end;
    Advance();  // }
    Leave();
    FoldConstant(*node);
    return node;
  }

  void ParseObjectMember(Node& object, std::unordered_set<std::string>& seen) {
    if (!At(TokenKind::kString)) FailAt(token_.begin, "expected a text key");
    std::string key(token_.value.get_string());
    if (!seen.insert(key).second) FailAt(token_.begin, "duplicate key " + Describe(text_, token_));
    Advance();
    Expect(TokenKind::kColon, ":");
    object.children.push_back(ParseExpression());
    object.keys.push_back(std::move(key));
  }

  std::string_view text_;
  const FormulaLimits& limits_;
  Token token_;
  std::size_t depth_ = 0;
};

}  // namespace

std::string_view OpText(BinaryOp op) {
  switch (op) {
    case BinaryOp::kEq: return "=";
    case BinaryOp::kNe: return "!=";
    case BinaryOp::kLt: return "<";
    case BinaryOp::kLe: return "<=";
    case BinaryOp::kGt: return ">";
    case BinaryOp::kGe: return ">=";
    case BinaryOp::kConcat: return "&";
    case BinaryOp::kAdd: return "+";
    case BinaryOp::kSub: return "-";
    case BinaryOp::kMul: return "*";
    case BinaryOp::kDiv: return "/";
    case BinaryOp::kMod: return "%";
  }
  return "?";
}

Result<std::unique_ptr<Node>> ParseFormula(std::string_view text, const FormulaLimits& limits) {
  // Checked before reading any of it: hostile text costs nothing to refuse.
  if (text.size() > limits.max_length)
    return Status::FormulaError(
        limits.max_length, "formula longer than " + std::to_string(limits.max_length) + " bytes");
  try {
    return Parser(text, limits).ParseAll();
  } catch (const SyntaxError& error) {
    return Status::FormulaError(error.position, error.message);
  }
}

}  // namespace casework::formula_internal

// casework: the tokens of the formula language.
//
// The lexer is a pure function of (text, offset): the parser asks for the
// token at the end of the previous one, and may look one further ahead
// without any buffering. Numbers and strings are decoded here, so a bad
// escape or an out-of-range number is reported at its own position.
#ifndef CASEWORK_LIB_FORMULA_LEXER_H_
#define CASEWORK_LIB_FORMULA_LEXER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace casework::formula_internal {

// A syntax error: where, and what is wrong. Thrown by the lexer and the
// parser and turned into Status::FormulaError at the parser's entry point.
struct SyntaxError {
  std::size_t position;
  std::string message;  // ends with " at <position>"
};

// Throws SyntaxError{position, message + " at " + position}.
[[noreturn]] void FailAt(std::size_t position, std::string message);

enum class TokenKind {
  kEnd,
  kNumber,    // value holds an int64 or a double
  kString,    // value holds the decoded text
  kName,      // identifiers and keywords: [A-Za-z_][A-Za-z0-9_]*
  kLParen,    // (
  kRParen,    // )
  kLBracket,  // [
  kRBracket,  // ]
  kLBrace,    // {
  kRBrace,    // }
  kComma,     // ,
  kColon,     // :
  kDot,       // .
  kOrOr,      // ||
  kAndAnd,    // &&
  kBang,      // !
  kEq,        // = or ==
  kNe,        // != or <>
  kLt,        // <
  kLe,        // <=
  kGt,        // >
  kGe,        // >=
  kAmp,       // &
  kPlus,      // +
  kMinus,     // -
  kStar,      // *
  kSlash,     // /
  kPercent,   // %
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::size_t begin = 0;  // source range [begin, end)
  std::size_t end = 0;
  boost::json::value value;  // kNumber, kString
};

// The first token at or after `pos`, white space skipped. Throws
// SyntaxError for a character that starts no token, an unterminated string,
// an unknown escape, invalid UTF-8 in a string or a malformed number.
Token Lex(std::string_view text, std::size_t pos);

// The token's source text, shortened for an error message.
std::string Describe(std::string_view text, const Token& token);

}  // namespace casework::formula_internal

#endif  // CASEWORK_LIB_FORMULA_LEXER_H_

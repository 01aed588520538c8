// Tokens of the formula language:
//
//   token   = number | string | name | operator | punctuation
//   number  = digit { digit } [ "." digit { digit } ] [ ("e" | "E") [ "+" | "-" ] digit { digit } ]
//   string  = '"' { char | escape } '"' | "'" { char | escape } "'"
//   escape  = "\\" ( "\\" | '"' | "'" | "/" | "n" | "t" | "r" | "u" hex hex hex hex )
//   name    = ( letter | "_" ) { letter | digit | "_" }
//   operator = "||" | "&&" | "!" | "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
//            | "&" | "+" | "-" | "*" | "/" | "%"
//   punctuation = "(" | ")" | "[" | "]" | "{" | "}" | "," | ":" | "."
//
// White space (space, tab, CR, LF) separates tokens. Text inside strings
// must be valid UTF-8.
#include "formula/lexer.h"

#include <charconv>
#include <cstdint>
#include <limits>

namespace casework::formula_internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsNameStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsNameChar(char c) { return IsNameStart(c) || IsDigit(c); }

int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void AppendUtf8(std::uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The length of the valid UTF-8 sequence at text[pos] (a non-ASCII lead
// byte), or 0. Overlong forms, surrogates and code points past U+10FFFF are
// invalid, as in RFC 3629.
std::size_t Utf8Length(std::string_view text, std::size_t pos) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(pos);
  std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || pos + length > text.size()) return 0;
  for (std::size_t i = 1; i < length; ++i)
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
  unsigned char second = byte(pos + 1);
  if (lead == 0xE0 && second < 0xA0) return 0;  // overlong
  if (lead == 0xED && second > 0x9F) return 0;  // surrogate
  if (lead == 0xF0 && second < 0x90) return 0;  // overlong
  if (lead == 0xF4 && second > 0x8F) return 0;  // past U+10FFFF
  return length;
}

// Four hex digits at text[pos], or -1.
long Hex4(std::string_view text, std::size_t pos) {
  if (pos + 4 > text.size()) return -1;
  long value = 0;
  for (std::size_t i = pos; i < pos + 4; ++i) {
    int digit = HexValue(text[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// Decodes the \u escape whose backslash is at text[pos] (one escape, or a
// surrogate pair of two) into `out`; returns the offset after it.
std::size_t UnicodeEscape(std::string_view text, std::size_t pos, std::string& out) {
  long high = Hex4(text, pos + 2);
  if (high < 0) FailAt(pos, "invalid \\u escape");
  if (high >= 0xDC00 && high <= 0xDFFF) FailAt(pos, "unpaired surrogate in \\u escape");
  if (high < 0xD800 || high > 0xDBFF) {
    AppendUtf8(static_cast<std::uint32_t>(high), out);
    return pos + 6;
  }
  long low = -1;
  if (pos + 7 < text.size() && text[pos + 6] == '\\' && text[pos + 7] == 'u')
    low = Hex4(text, pos + 8);
  if (low < 0xDC00 || low > 0xDFFF) FailAt(pos, "unpaired surrogate in \\u escape");
  AppendUtf8(0x10000 + ((static_cast<std::uint32_t>(high) - 0xD800) << 10) +
                 (static_cast<std::uint32_t>(low) - 0xDC00),
             out);
  return pos + 12;
}

// Decodes the escape whose backslash is at text[pos]; returns the offset
// after it.
std::size_t Escape(std::string_view text, std::size_t pos, std::string& out) {
  if (pos + 1 >= text.size()) FailAt(pos, "unterminated escape");
  switch (text[pos + 1]) {
    case '\\': out += '\\'; break;
    case '"': out += '"'; break;
    case '\'': out += '\''; break;
    case '/': out += '/'; break;
    case 'n': out += '\n'; break;
    case 't': out += '\t'; break;
    case 'r': out += '\r'; break;
    case 'u': return UnicodeEscape(text, pos, out);
    default: {
      std::string message = "unknown escape \\";
      char c = text[pos + 1];
      if (c > ' ' && c < 0x7F) message += c;
      FailAt(pos, std::move(message));
    }
  }
  return pos + 2;
}

Token LexString(std::string_view text, std::size_t begin) {
  char quote = text[begin];
  std::string decoded;
  std::size_t pos = begin + 1;
  while (true) {
    if (pos >= text.size()) FailAt(begin, "unterminated string");
    char c = text[pos];
    if (c == quote) break;
    if (c == '\\') {
      pos = Escape(text, pos, decoded);
    } else if (static_cast<unsigned char>(c) < 0x80) {
      decoded += c;
      ++pos;
    } else {
      std::size_t length = Utf8Length(text, pos);
      if (length == 0) FailAt(pos, "invalid UTF-8 in string");
      decoded.append(text.substr(pos, length));
      pos += length;
    }
  }
  return Token{TokenKind::kString, begin, pos + 1, boost::json::value(std::move(decoded))};
}

std::size_t SkipDigits(std::string_view text, std::size_t pos) {
  while (pos < text.size() && IsDigit(text[pos])) ++pos;
  return pos;
}

// The end of the number starting at text[begin] (a digit).
std::size_t NumberEnd(std::string_view text, std::size_t begin, bool& integral) {
  std::size_t pos = SkipDigits(text, begin);
  integral = true;
  if (pos + 1 < text.size() && text[pos] == '.' && IsDigit(text[pos + 1])) {
    integral = false;
    pos = SkipDigits(text, pos + 1);
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    std::size_t digits = pos + 1;
    if (digits < text.size() && (text[digits] == '+' || text[digits] == '-')) ++digits;
    if (digits >= text.size() || !IsDigit(text[digits])) FailAt(begin, "invalid number");
    integral = false;
    pos = SkipDigits(text, digits);
  }
  if (pos < text.size() && (IsNameChar(text[pos]) || text[pos] == '.'))
    FailAt(begin, "invalid number");
  return pos;
}

Token LexNumber(std::string_view text, std::size_t begin) {
  bool integral = false;
  std::size_t end = NumberEnd(text, begin, integral);
  const char* first = text.data() + begin;
  const char* last = text.data() + end;
  if (integral) {
    std::int64_t i = 0;
    auto [ptr, ec] = std::from_chars(first, last, i);
    if (ec == std::errc() && ptr == last) return Token{TokenKind::kNumber, begin, end, i};
    // Too large for int64: the language falls back to a double, as arithmetic does.
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(first, last, d);
  if (ec != std::errc() || ptr != last) FailAt(begin, "number out of range");
  return Token{TokenKind::kNumber, begin, end, d};
}

Token Punctuation(std::size_t begin, std::size_t length, TokenKind kind) {
  return Token{kind, begin, begin + length, nullptr};
}

// Operators and punctuation; kEnd when text[pos] starts none.
Token LexSymbol(std::string_view text, std::size_t pos) {
  char c = text[pos];
  char next = pos + 1 < text.size() ? text[pos + 1] : '\0';
  switch (c) {
    case '(': return Punctuation(pos, 1, TokenKind::kLParen);
    case ')': return Punctuation(pos, 1, TokenKind::kRParen);
    case '[': return Punctuation(pos, 1, TokenKind::kLBracket);
    case ']': return Punctuation(pos, 1, TokenKind::kRBracket);
    case '{': return Punctuation(pos, 1, TokenKind::kLBrace);
    case '}': return Punctuation(pos, 1, TokenKind::kRBrace);
    case ',': return Punctuation(pos, 1, TokenKind::kComma);
    case ':': return Punctuation(pos, 1, TokenKind::kColon);
    case '.': return Punctuation(pos, 1, TokenKind::kDot);
    case '+': return Punctuation(pos, 1, TokenKind::kPlus);
    case '-': return Punctuation(pos, 1, TokenKind::kMinus);
    case '*': return Punctuation(pos, 1, TokenKind::kStar);
    case '/': return Punctuation(pos, 1, TokenKind::kSlash);
    case '%': return Punctuation(pos, 1, TokenKind::kPercent);
    case '|':
      if (next == '|') return Punctuation(pos, 2, TokenKind::kOrOr);
      break;
    case '&':
      if (next == '&') return Punctuation(pos, 2, TokenKind::kAndAnd);
      return Punctuation(pos, 1, TokenKind::kAmp);
    case '!':
      if (next == '=') return Punctuation(pos, 2, TokenKind::kNe);
      return Punctuation(pos, 1, TokenKind::kBang);
    case '=':
      return Punctuation(pos, next == '=' ? 2 : 1, TokenKind::kEq);
    case '<':
      if (next == '=') return Punctuation(pos, 2, TokenKind::kLe);
      if (next == '>') return Punctuation(pos, 2, TokenKind::kNe);
      return Punctuation(pos, 1, TokenKind::kLt);
    case '>':
      if (next == '=') return Punctuation(pos, 2, TokenKind::kGe);
      return Punctuation(pos, 1, TokenKind::kGt);
    default:
      break;
  }
  return Token{};
}

[[noreturn]] void UnexpectedCharacter(std::string_view text, std::size_t pos) {
  char c = text[pos];
  if (c > ' ' && c < 0x7F) FailAt(pos, std::string("unexpected character ") + c);
  FailAt(pos, "unexpected character");
}

}  // namespace

void FailAt(std::size_t position, std::string message) {
  message += " at ";
  message += std::to_string(position);
  throw SyntaxError{position, std::move(message)};
}

Token Lex(std::string_view text, std::size_t pos) {
  while (pos < text.size() && IsSpace(text[pos])) ++pos;
  if (pos >= text.size()) return Token{TokenKind::kEnd, text.size(), text.size(), nullptr};
  char c = text[pos];
  if (c == '"' || c == '\'') return LexString(text, pos);
  if (IsDigit(c)) return LexNumber(text, pos);
  if (IsNameStart(c)) {
    std::size_t end = pos + 1;
    while (end < text.size() && IsNameChar(text[end])) ++end;
    return Token{TokenKind::kName, pos, end, nullptr};
  }
  Token symbol = LexSymbol(text, pos);
  if (symbol.kind == TokenKind::kEnd) UnexpectedCharacter(text, pos);
  return symbol;
}

std::string Describe(std::string_view text, const Token& token) {
  if (token.kind == TokenKind::kEnd) return "end of formula";
  constexpr std::size_t kShown = 24;
  std::string_view source = text.substr(token.begin, token.end - token.begin);
  if (source.size() <= kShown) return std::string(source);
  // Cut on a UTF-8 boundary so the message stays valid text.
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(source[cut]) & 0xC0) == 0x80) --cut;
  return std::string(source.substr(0, cut)) + "...";
}

}  // namespace casework::formula_internal

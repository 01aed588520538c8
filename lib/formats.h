// The text formats casework accepts: emails, phones, keys, slugs.
#ifndef CASEWORK_LIB_FORMATS_H_
#define CASEWORK_LIB_FORMATS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace casework {

// Leading and trailing ASCII white space removed.
std::string_view Trim(std::string_view text);

// True when a and b differ at most in the case of ASCII letters: names the
// user may write in any case (functions, keywords, transitions, "system").
bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b);

// True when `text` is empty or only white space.
bool IsBlank(std::string_view text);

// local@domain.tld in ASCII: a dot-atom local part (at most 64 bytes) and a
// domain of at least two letter-digit-hyphen labels; at most 254 bytes in
// all. Quoted local parts and address literals are refused: cases hold
// contact addresses, not every form RFC 5322 allows.
bool IsValidEmail(std::string_view email);

// The form stored and compared: trimmed, ASCII lower case.
std::string NormalizeEmail(std::string_view email);

// An optional leading '+', then 3 to 20 digits, with spaces, '(', ')', '-'
// and '.' between them.
bool IsValidPhone(std::string_view phone);

// [A-Za-z_][A-Za-z0-9_]{0,63}: schema field keys.
bool IsValidFieldKey(std::string_view key);

// [a-z0-9-]{1,64}: workspace slugs.
bool IsValidSlug(std::string_view slug);

// The number of code points of UTF-8 text (bytes that do not continue a
// sequence).
std::size_t CountCodePoints(std::string_view text);

// True when the text has a control character (below 0x20, or 0x7f).
bool HasControlCharacter(std::string_view text);

// True when `text` is well-formed UTF-8: no stray or missing continuation
// bytes, no overlong forms, no surrogates, nothing past U+10FFFF. Text that
// is not could not be written back as JSON.
bool IsValidUtf8(std::string_view text);

// The length (1 to 4) of the well-formed UTF-8 sequence that starts at
// text[at], or 0 when the bytes there are not one. REQUIRES: at < size.
std::size_t Utf8SequenceAt(std::string_view text, std::size_t at);

}  // namespace casework

#endif  // CASEWORK_LIB_FORMATS_H_

#include <doctest/doctest.h>

#include "formats.h"

using namespace casework;

TEST_CASE("ordinary addresses are valid emails, surrounding spaces allowed") {
  for (const char* good : {"ann@example.com", "Ann.Lee+cases@Example.co.uk", " bob@x.io ",
                           "o'brien@example.ie", "a_b-c@sub-domain.example.org"}) {
    CAPTURE(good);
    CHECK(IsValidEmail(good));
  }
}

TEST_CASE("malformed emails are refused") {
  for (const char* bad : {"", "ann", "ann@", "@example.com", "ann@@example.com",
                          "ann@example", "ann@.example.com", "ann@example..com",
                          ".ann@example.com", "ann.@example.com", "an..n@example.com",
                          "ann lee@example.com", "ann@exa mple.com", "ann@-example.com",
                          "ann\n@example.com", "ann@example.com\r\nBcc: x@y.z",
                          "\"ann\"@example.com", "[email protected]"}) {
    CAPTURE(bad);
    CHECK_FALSE(IsValidEmail(bad));
  }
}

TEST_CASE("emails normalize to trimmed lower case") {
  CHECK(NormalizeEmail("  Luc.Peeters@Example.COM\t") == "luc.peeters@example.com");
}

TEST_CASE("phones are digits with an optional plus and separators") {
  CHECK(IsValidPhone("+32 470 12 34 56"));
  CHECK(IsValidPhone("(555) 010-0199"));
  CHECK(IsValidPhone("0470.12.34.56"));
  CHECK_FALSE(IsValidPhone("12"));
  CHECK_FALSE(IsValidPhone("call me"));
  CHECK_FALSE(IsValidPhone("+32 470 12 34 56 ext 3"));
  CHECK_FALSE(IsValidPhone("++32470123456"));
  CHECK_FALSE(IsValidPhone("123456789012345678901"));  // 21 digits
}

TEST_CASE("field keys follow [A-Za-z_][A-Za-z0-9_]{0,63}") {
  CHECK(IsValidFieldKey("policy_number"));
  CHECK(IsValidFieldKey("_x9"));
  CHECK(IsValidFieldKey(std::string(64, 'k')));
  CHECK_FALSE(IsValidFieldKey(std::string(65, 'k')));
  CHECK_FALSE(IsValidFieldKey("9lives"));
  CHECK_FALSE(IsValidFieldKey("with space"));
  CHECK_FALSE(IsValidFieldKey("dash-ed"));
  CHECK_FALSE(IsValidFieldKey(""));
}

TEST_CASE("workspace slugs follow [a-z0-9-]{1,64}") {
  CHECK(IsValidSlug("acme-2"));
  CHECK_FALSE(IsValidSlug("Acme"));
  CHECK_FALSE(IsValidSlug(""));
  CHECK_FALSE(IsValidSlug("a_b"));
  CHECK_FALSE(IsValidSlug(std::string(65, 'a')));
}

TEST_CASE("lengths count code points, not bytes") {
  CHECK(CountCodePoints("héllo") == 5);
  CHECK(CountCodePoints("日本") == 2);
}

TEST_CASE("control characters are detected anywhere") {
  CHECK(HasControlCharacter(std::string("a\0b", 3)));
  CHECK(HasControlCharacter("tab\there"));
  CHECK(HasControlCharacter("del\x7f"));
  CHECK_FALSE(HasControlCharacter("plain, ünïcode"));
}

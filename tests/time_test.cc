#include <doctest/doctest.h>

#include "casework/time.h"

using casework::FormatTimestamp;
using casework::ParseTimestamp;
using casework::Timestamp;
using std::chrono::milliseconds;

namespace {
Timestamp At(std::int64_t ms) { return Timestamp(milliseconds(ms)); }
}  // namespace

TEST_CASE("whole seconds format without a fraction, others with milliseconds") {
  CHECK(FormatTimestamp(At(1699335116000)) == "2023-11-07T05:31:56Z");
  CHECK(FormatTimestamp(At(1699335116120)) == "2023-11-07T05:31:56.120Z");
  CHECK(FormatTimestamp(At(0)) == "1970-01-01T00:00:00Z");
}

TEST_CASE("RFC 3339 parses with Z, offsets and fractions") {
  CHECK(ParseTimestamp("2023-11-07T05:31:56Z") == At(1699335116000));
  CHECK(ParseTimestamp("2023-11-07T06:31:56+01:00") == At(1699335116000));
  CHECK(ParseTimestamp("2023-11-07T00:01:56-05:30") == At(1699335116000));
  CHECK(ParseTimestamp("2023-11-07t05:31:56.5z") == At(1699335116500));
  CHECK(ParseTimestamp("2023-11-07 05:31:56.123456Z") == At(1699335116123));
}

TEST_CASE("format then parse gives the same instant") {
  for (std::int64_t ms : {0LL, 1LL, 999LL, 1699335116120LL, 253402300799999LL}) {
    auto parsed = ParseTimestamp(FormatTimestamp(At(ms)));
    REQUIRE(parsed.has_value());
    CHECK(*parsed == At(ms));
  }
}

TEST_CASE("malformed and impossible date-times are refused") {
  for (const char* bad : {"", "2023-11-07", "2023-11-07T05:31:56", "2023-11-07T05:31Z",
                          "2023-02-30T00:00:00Z", "2023-11-07T24:00:00Z",
                          "2023-11-07T05:31:56+1:00", "2023-11-07T05:31:56.Z",
                          "2023-11-07T05:31:56Zjunk", "0000-01-01T00:00:00Z",
                          "２023-11-07T05:31:56Z"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseTimestamp(bad).has_value());
  }
}

TEST_CASE("dates must be real calendar days") {
  CHECK(casework::IsValidDate("2024-02-29"));
  CHECK_FALSE(casework::IsValidDate("2023-02-29"));
  CHECK_FALSE(casework::IsValidDate("2023-13-01"));
  CHECK_FALSE(casework::IsValidDate("2023-1-01"));
  CHECK_FALSE(casework::IsValidDate("2023-01-01T00:00:00Z"));
}

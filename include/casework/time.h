// casework: timestamps.
//
// Every instant casework stores is UTC with millisecond precision. In JSON it
// is RFC 3339 with a "Z" suffix: "2023-11-07T05:31:56Z", or with three
// fraction digits when the milliseconds are not zero.
#ifndef CASEWORK_TIME_H_
#define CASEWORK_TIME_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace casework {

using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Where an Engine reads the current time. Tests inject a fixed or stepping
// clock; the default is the system clock.
using Clock = std::function<Timestamp()>;

Timestamp SystemNow();

// "2023-11-07T05:31:56Z" or "2023-11-07T05:31:56.120Z".
std::string FormatTimestamp(Timestamp t);

// Parses RFC 3339 date-time: "YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)",
// 't'/'z' and a space separator accepted. Fractions beyond milliseconds are
// truncated. Returns nullopt for anything else, including impossible dates
// (2023-02-30) and years outside 0001..9999.
std::optional<Timestamp> ParseTimestamp(std::string_view text);

// True for a valid calendar date "YYYY-MM-DD".
bool IsValidDate(std::string_view text);

}  // namespace casework

#endif  // CASEWORK_TIME_H_

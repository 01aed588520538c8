// RFC 3339 formatting and parsing, by hand: std::chrono's parse() is not in
// GCC 12, and strptime() knows neither fractions nor offsets portably.
#include "casework/time.h"

#include <cstdio>

namespace casework {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;

// Reads exactly `width` decimal digits at text[pos]; -1 when they are not.
int Digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return -1;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "YYYY-MM-DD" at the start of text, as a valid calendar date.
std::optional<std::chrono::year_month_day> ParseDate(std::string_view text) {
  if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = Digits(text, 0, 4), m = Digits(text, 5, 2), d = Digits(text, 8, 2);
  if (y < 1 || m < 0 || d < 0) return std::nullopt;
  std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(m),
                                   std::chrono::day(d)};
  if (!date.ok()) return std::nullopt;
  return date;
}

}  // namespace

Timestamp SystemNow() {
  return std::chrono::time_point_cast<milliseconds>(std::chrono::system_clock::now());
}

std::string FormatTimestamp(Timestamp t) {
  auto day_point = std::chrono::floor<days>(t);
  std::chrono::year_month_day date(day_point);
  std::chrono::hh_mm_ss<milliseconds> time(t - day_point);
  char buffer[40];
  int ms = static_cast<int>(time.subseconds().count());
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d",
                        static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                        static_cast<unsigned>(date.day()), static_cast<int>(time.hours().count()),
                        static_cast<int>(time.minutes().count()),
                        static_cast<int>(time.seconds().count()));
  if (ms != 0) n += std::snprintf(buffer + n, sizeof buffer - n, ".%03d", ms);
  std::snprintf(buffer + n, sizeof buffer - n, "Z");
  return buffer;
}

bool IsValidDate(std::string_view text) {
  return text.size() == 10 && ParseDate(text).has_value();
}

std::optional<Timestamp> ParseTimestamp(std::string_view text) {
  auto date = ParseDate(text);
  if (!date || text.size() < 20) return std::nullopt;
  char sep = text[10];
  if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
  if (text[13] != ':' || text[16] != ':') return std::nullopt;
  int hh = Digits(text, 11, 2), mi = Digits(text, 14, 2), ss = Digits(text, 17, 2);
  // 60 allows a leap second, which then folds into the next minute.
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 60) return std::nullopt;

  std::size_t pos = 19;
  int ms = 0;
  if (text[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start < 3) ms = ms * 10 + (text[pos] - '0');
      ++pos;
    }
    if (pos == start) return std::nullopt;
    for (std::size_t scaled = pos - start; scaled < 3; ++scaled) ms *= 10;
  }
  if (pos >= text.size()) return std::nullopt;

  int offset_minutes = 0;
  char zone = text[pos];
  if (zone == 'Z' || zone == 'z') {
    ++pos;
  } else if (zone == '+' || zone == '-') {
    int oh = Digits(text, pos + 1, 2), om = Digits(text, pos + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || pos + 3 >= text.size() ||
        text[pos + 3] != ':')
      return std::nullopt;
    offset_minutes = (oh * 60 + om) * (zone == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  auto local = std::chrono::sys_days(*date) + std::chrono::hours(hh) +
               std::chrono::minutes(mi) + std::chrono::seconds(ss) + milliseconds(ms);
  return Timestamp(local - std::chrono::minutes(offset_minutes));
}

}  // namespace casework

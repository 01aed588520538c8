// JSON text out. Boost.JSON 1.81 writes every double in exponent form
// (2450.5 becomes "2.4505E3"); people and scripts read casework's output, so
// doubles are written here in their shortest round-trip decimal form.
#include <charconv>
#include <cmath>
#include <string>

#include "casework/json.h"

namespace casework {
namespace {

namespace json = boost::json;

void WriteDouble(double d, std::string& out) {
  // JSON has no NaN or infinity; no valid input produces them.
  if (!std::isfinite(d)) {
    out += "null";
    return;
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  std::string_view text(buffer, end - buffer);
  out += text;
  // Keep it a double when read back: "12" would parse as an integer.
  if (text.find_first_of(".eEn") == std::string_view::npos) out += ".0";
}

void Write(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::double_:
      WriteDouble(v.get_double(), out);
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v.get_array()) {
        if (!first) out += ',';
        first = false;
        Write(item, out);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& member : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(member.key());
        out += ':';
        Write(member.value(), out);
      }
      out += '}';
      return;
    }
    default:
      out += json::serialize(v);
      return;
  }
}

}  // namespace

std::string ToJsonText(const json::value& value) {
  std::string out;
  Write(value, out);
  return out;
}

}  // namespace casework

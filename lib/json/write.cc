// JSON text out, written here rather than by boost::json::serialize for two
// reasons: Boost.JSON 1.81 writes every double in exponent form (2450.5
// becomes "2.4505E3"), and people and scripts read casework's output; and
// history events are written on every change, so this is a hot path that
// must not allocate per member.
#include <charconv>
#include <cmath>
#include <string>

#include "casework/json.h"
#include "formats.h"

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

template <typename Integer>
void WriteInteger(Integer i, std::string& out) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, i);
  out.append(buffer, end);
}

void WriteString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t plain = 0;  // start of the run not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    if (c >= 0x80) {
      std::size_t length = Utf8SequenceAt(s, i);
      if (length > 0) {
        i += length - 1;
        continue;
      }
      // Not UTF-8 (an error message quoting a caller's bytes): never write
      // bytes that are not JSON text; U+FFFD stands for each of them.
      out.append(s.data() + plain, i - plain);
      plain = i + 1;
      out += "\\ufffd";
      continue;
    }
    out.append(s.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xf];
    }
  }
  out.append(s.data() + plain, s.size() - plain);
  out += '"';
}

void WriteObject(const json::object& o, std::string& out);

void Write(const json::value& v, std::string& out) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
      WriteInteger(v.get_int64(), out);
      return;
    case json::kind::uint64:
      WriteInteger(v.get_uint64(), out);
      return;
    case json::kind::double_:
      WriteDouble(v.get_double(), out);
      return;
    case json::kind::string:
      WriteString(v.get_string(), out);
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
    case json::kind::object:
      WriteObject(v.get_object(), out);
      return;
  }
}

void WriteObject(const json::object& o, std::string& out) {
  out += '{';
  bool first = true;
  for (const auto& member : o) {
    if (!first) out += ',';
    first = false;
    WriteString(member.key(), out);
    out += ':';
    Write(member.value(), out);
  }
  out += '}';
}

}  // namespace

void AppendJsonText(const json::value& value, std::string& out) { Write(value, out); }

void AppendJsonText(const json::object& object, std::string& out) { WriteObject(object, out); }

void AppendJsonString(std::string_view text, std::string& out) { WriteString(text, out); }

std::string ToJsonText(const json::value& value) {
  std::string out;
  Write(value, out);
  return out;
}

}  // namespace casework

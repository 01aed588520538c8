// The cursor of a list page (grammar): base64url( JSON "~" FNV-1a-64 of the
// JSON, in hex ), the JSON being {"v": 1, "s": normalized sort, "k": the
// last row's sort key (null, integer or string) or "d": a REAL key's
// IEEE-754 bits in 16 hex digits, "i": its id, "p": the rows before the
// page it starts}. "p" gives the page number without counting the rows
// before the cursor, so a deep page costs what the first does; cursors made
// before "p" still work, by counting. The checksum rejects an altered or
// truncated cursor; it is not a secret (nothing is gained by forging one:
// values are bound and the workspace scope still applies; a forged "p" only
// misnumbers the page).
#include <bit>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "casework/json.h"
#include "listing/filter.h"

namespace casework::listing {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxCursorBytes = 4096;

std::uint64_t Fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

constexpr char kBase64Url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(kBase64Url, 64, c);
    if (at == nullptr) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Only zero padding bits, and never a whole spare character.
  if (bits >= 6 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string Hex64(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

json::value KeyJson(const SqlValue& key) {
  if (auto i = std::get_if<std::int64_t>(&key)) return *i;
  if (auto s = std::get_if<std::string>(&key)) return json::value(*s);
  return nullptr;
}

std::optional<std::uint64_t> FromHex64(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    value = value << 4 | static_cast<std::uint64_t>(digit);
  }
  return value;
}

}  // namespace

Cursor DecodeCursor(std::string_view text, const Sort& sort) {
  auto bad = [](const std::string& why) -> Cursor {
    Invalid("after", "not a cursor of this listing (" + why + ")");
  };
  if (text.empty() || text.size() > kMaxCursorBytes) return bad("length");
  auto bytes = Base64UrlDecode(text);
  if (!bytes) return bad("encoding");
  auto tilde = bytes->rfind('~');
  if (tilde == std::string::npos) return bad("checksum");
  std::string_view payload(bytes->data(), tilde);
  if (std::string_view(*bytes).substr(tilde + 1) != Hex64(Fnv1a(payload))) return bad("checksum");
  JsonLimits limits;
  limits.max_bytes = kMaxCursorBytes;
  limits.max_depth = 4;
  auto parsed = ParseJson(payload, limits);
  if (!parsed.ok() || !parsed->is_object()) return bad("content");
  const json::object& o = parsed->get_object();
  const json::value* v = o.if_contains("v");
  const json::value* s = o.if_contains("s");
  const json::value* k = o.if_contains("k");
  const json::value* d = o.if_contains("d");  // a REAL key, as its bits
  const json::value* i = o.if_contains("i");
  const json::value* p = o.if_contains("p");  // absent from older cursors
  if (o.size() != (p != nullptr ? 5u : 4u) || !v || !s || (k == nullptr) == (d == nullptr) ||
      !i || !v->is_int64() || v->get_int64() != 1 || !s->is_string() || !i->is_string() ||
      (p != nullptr && (!p->is_int64() || p->get_int64() < 0)))
    return bad("content");
  if (s->get_string() != sort.normalized)
    Invalid("after", "the cursor was made for sort \"" + std::string(s->get_string()) +
                         "\", not \"" + sort.normalized + "\"");
  Cursor cursor;
  if (p != nullptr) cursor.position = p->get_int64();
  auto id = UuidFromString(i->get_string());
  if (!id) return bad("id");
  cursor.id = *id;
  const KeyKind kind = sort.spec->key;
  if (d != nullptr) {
    std::optional<std::uint64_t> bits;
    if (d->is_string()) bits = FromHex64(d->get_string());
    if (!bits || kind != KeyKind::kAny) return bad("key");
    const double real = std::bit_cast<double>(*bits);
    if (!std::isfinite(real)) return bad("key");
    cursor.key = real;
  } else if (k->is_null()) {
    if (!sort.spec->nullable) return bad("key");
    cursor.key = nullptr;
  } else if (k->is_int64() && kind != KeyKind::kText) {
    cursor.key = k->get_int64();
  } else if (k->is_string() && kind != KeyKind::kInteger) {
    cursor.key = std::string(k->get_string());
  } else {
    return bad("key");
  }
  return cursor;
}

}  // namespace casework::listing

namespace casework {

std::string EncodeCursor(std::string_view sort, const SqlValue& key, const Uuid& id,
                         std::optional<std::int64_t> position) {
  boost::json::object o;
  o["v"] = 1;
  o["s"] = sort;
  // A REAL travels as its bits: text would round-trip only approximately.
  if (auto real = std::get_if<double>(&key))
    o["d"] = listing::Hex64(std::bit_cast<std::uint64_t>(*real));
  else
    o["k"] = listing::KeyJson(key);
  o["i"] = UuidToString(id);
  if (position) o["p"] = *position;
  std::string payload = boost::json::serialize(o);
  return listing::Base64UrlEncode(payload + "~" + listing::Hex64(listing::Fnv1a(payload)));
}

}  // namespace casework

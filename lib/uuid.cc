#include "uuid.h"

namespace casework {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsHyphenAt(std::size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

std::string UuidToString(const Uuid& uuid) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < uuid.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[uuid[i] >> 4]);
    out.push_back(kHex[uuid[i] & 0x0f]);
  }
  return out;
}

std::optional<Uuid> UuidFromString(std::string_view text) {
  if (text.size() != 36) return std::nullopt;
  Uuid uuid{};
  std::size_t byte = 0;
  for (std::size_t i = 0; i < text.size();) {
    if (IsHyphenAt(i)) {
      if (text[i] != '-') return std::nullopt;
      ++i;
      continue;
    }
    int hi = HexValue(text[i]), lo = HexValue(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    uuid[byte++] = static_cast<std::uint8_t>(hi << 4 | lo);
    i += 2;
  }
  return uuid;
}

UuidGenerator::UuidGenerator() : random_(std::random_device{}()) {}

Uuid UuidGenerator::Next(Timestamp now) {
  std::int64_t ms = now.time_since_epoch().count();
  if (ms > last_ms_) {
    last_ms_ = ms;
    counter_ = static_cast<std::uint32_t>(random_() & 0x1ff);  // leave headroom
  } else if (++counter_ > 0xfff) {
    ++last_ms_;  // borrow the next millisecond rather than repeat an id
    counter_ = 0;
  }
  std::uint64_t rand_b = random_();
  std::uint64_t unix_ms = static_cast<std::uint64_t>(last_ms_);
  Uuid u{};
  for (int i = 0; i < 6; ++i) u[i] = static_cast<std::uint8_t>(unix_ms >> (40 - 8 * i));
  u[6] = static_cast<std::uint8_t>(0x70 | (counter_ >> 8));
  u[7] = static_cast<std::uint8_t>(counter_);
  u[8] = static_cast<std::uint8_t>(0x80 | ((rand_b >> 56) & 0x3f));
  for (int i = 9; i < 16; ++i) u[i] = static_cast<std::uint8_t>(rand_b >> (8 * (15 - i)));
  return u;
}

Uuid RandomUuid() {
  std::random_device device;
  std::mt19937_64 random(static_cast<std::uint64_t>(device()) << 32 | device());
  Uuid uuid{};
  for (std::size_t i = 0; i < uuid.size(); i += 8) {
    std::uint64_t bits = random();
    for (std::size_t j = 0; j < 8; ++j) uuid[i + j] = static_cast<std::uint8_t>(bits >> (8 * j));
  }
  uuid[6] = static_cast<std::uint8_t>(0x40 | (uuid[6] & 0x0f));
  uuid[8] = static_cast<std::uint8_t>(0x80 | (uuid[8] & 0x3f));
  return uuid;
}

}  // namespace casework

// UUIDs: version 7 (time-ordered) generation, and the text form.
#ifndef CASEWORK_LIB_UUID_H_
#define CASEWORK_LIB_UUID_H_

#include <array>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "casework/time.h"

namespace casework {

using Uuid = std::array<std::uint8_t, 16>;

// "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", lower case.
std::string UuidToString(const Uuid& uuid);

// Accepts the 36-character hyphenated form in either case; nullopt else.
std::optional<Uuid> UuidFromString(std::string_view text);

// A version-4 (random) UUID, for ids that need no time order (workspaces).
Uuid RandomUuid();

// Makes UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit
// counter that keeps ids made within one millisecond (or under a clock that
// stands still, as in tests) strictly increasing, then 62 random bits.
// Increasing ids append to the primary-key index instead of splitting pages
// at random.
class UuidGenerator {
 public:
  UuidGenerator();
  Uuid Next(Timestamp now);

 private:
  std::mt19937_64 random_;
  std::int64_t last_ms_ = -1;
  std::uint32_t counter_ = 0;
};

}  // namespace casework

#endif  // CASEWORK_LIB_UUID_H_

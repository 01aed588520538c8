#include <doctest/doctest.h>

#include <set>

#include "uuid.h"

using namespace casework;
using std::chrono::milliseconds;

TEST_CASE("uuid text round-trips and accepts upper case") {
  auto parsed = UuidFromString("01A209D6-6F24-7150-B219-CA404BD71DF0");
  REQUIRE(parsed.has_value());
  CHECK(UuidToString(*parsed) == "01a209d6-6f24-7150-b219-ca404bd71df0");
}

TEST_CASE("malformed uuid text is refused") {
  for (const char* bad : {"", "not-a-uuid", "01a209d6-6f24-7150-b219-ca404bd71df",
                          "01a209d66f247150b219ca404bd71df0aaaa",
                          "01a209d6-6f24-7150-b219-ca404bd71dfg",
                          "01a209d6_6f24-7150-b219-ca404bd71df0", "' OR 1=1 --"}) {
    CAPTURE(bad);
    CHECK_FALSE(UuidFromString(bad).has_value());
  }
}

TEST_CASE("uuidv7 carries the version, the variant and the millisecond") {
  UuidGenerator ids;
  Timestamp now{milliseconds(0x0123456789ab)};
  Uuid u = ids.Next(now);
  CHECK((u[6] >> 4) == 7);
  CHECK((u[8] >> 6) == 2);
  CHECK(UuidToString(u).substr(0, 13) == "01234567-89ab");
}

TEST_CASE("uuidv7 ids strictly increase even when the clock stands still") {
  UuidGenerator ids;
  Timestamp frozen{milliseconds(1700000000000)};
  Uuid previous = ids.Next(frozen);
  std::set<Uuid> seen{previous};
  for (int i = 0; i < 10000; ++i) {
    Uuid next = ids.Next(frozen);
    CHECK(previous < next);
    seen.insert(next);
    previous = next;
  }
  CHECK(seen.size() == 10001);
}

TEST_CASE("uuidv7 ids keep increasing when the clock steps back") {
  UuidGenerator ids;
  Uuid later = ids.Next(Timestamp{milliseconds(1700000000500)});
  Uuid earlier_clock = ids.Next(Timestamp{milliseconds(1700000000000)});
  CHECK(later < earlier_clock);
}

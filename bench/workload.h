// casework-bench: the data every workload uses, generated the same way for
// the engine and for the raw-SQLite baseline.
#ifndef CASEWORK_BENCH_WORKLOAD_H_
#define CASEWORK_BENCH_WORKLOAD_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace casework::bench {

// One case to create: an owner, 3 contacts drawn from a pool of n/2 emails
// (so deduplication really happens), 10 typed fields, 2 tags.
struct CaseSpec {
  std::string title;
  std::string reference;
  std::string status;  // draft, pending or in_progress
  std::string owner_email;
  struct Contact {
    std::string key, email, given_name, family_name;
  };
  std::vector<Contact> contacts;
  double amount = 0;
  std::int64_t rooms = 0;
  std::string policy;
  bool urgent = false;
  std::string incident_date;  // YYYY-MM-DD
  std::string reported_at;    // RFC 3339
  std::string adjuster;       // email
  std::string phone;
  std::string kind;  // choice of water, fire, theft
  std::string notes;
  std::vector<std::string> tags;
};

inline CaseSpec MakeCase(std::size_t i, std::size_t n, std::mt19937_64& random) {
  std::size_t pool = n / 2 > 0 ? n / 2 : 1;
  CaseSpec c;
  c.title = "Claim " + std::to_string(i);
  c.reference = "REF-" + std::to_string(i);
  static const char* kStatuses[] = {"draft", "pending", "in_progress"};
  c.status = kStatuses[i % 3];
  c.owner_email = "owner" + std::to_string(i % 100) + "@example.com";
  static const char* kKeys[] = {"client", "broker", "witness"};
  for (const char* key : kKeys) {
    std::size_t who = random() % pool;
    c.contacts.push_back({key, "person" + std::to_string(who) + "@example.com",
                          "Given" + std::to_string(who), "Family" + std::to_string(who % 997)});
  }
  c.amount = static_cast<double>(random() % 1000000) / 100.0;
  c.rooms = static_cast<std::int64_t>(random() % 12);
  c.policy = "POL-" + std::to_string(random() % 100000);
  c.urgent = (i % 5) == 0;
  int day = static_cast<int>(random() % 28) + 1, month = static_cast<int>(random() % 12) + 1;
  char date[16];
  std::snprintf(date, sizeof date, "2024-%02d-%02d", month, day);
  c.incident_date = date;
  c.reported_at = c.incident_date + "T08:30:00+01:00";
  c.adjuster = "adjuster" + std::to_string(i % 50) + "@example.com";
  c.phone = "+32 470 " + std::to_string(100000 + random() % 899999);
  static const char* kKinds[] = {"water", "fire", "theft"};
  c.kind = kKinds[random() % 3];
  c.notes = "Reported by phone; follow-up needed for case " + std::to_string(i);
  c.tags = {"tag" + std::to_string(i % 20), "team" + std::to_string(i % 7)};
  return c;
}

inline std::vector<CaseSpec> MakeCases(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::vector<CaseSpec> cases;
  cases.reserve(n);
  for (std::size_t i = 0; i < n; ++i) cases.push_back(MakeCase(i, n, random));
  return cases;
}

// The condition every transition workload evaluates on Close.
inline constexpr const char* kCloseCondition = "case.data.amount >= 0";

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_WORKLOAD_H_

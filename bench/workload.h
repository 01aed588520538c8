// casework-bench: the data every workload uses, generated the same way for
// the engine and for the raw-SQLite baseline.
#ifndef CASEWORK_BENCH_WORKLOAD_H_
#define CASEWORK_BENCH_WORKLOAD_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iterator>
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

// Case i of a workload of n cases: the same for every i whatever else is
// made, so that no side needs to hold the whole workload in memory.
inline CaseSpec MakeCase(std::size_t i, std::size_t n) {
  std::mt19937_64 random(0x9E3779B97F4A7C15ull * (i + 1) ^ 42);
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

// The condition every transition workload evaluates on Close.
inline constexpr const char* kCloseCondition = "case.data.amount >= 0";

// The changes workload reads the whole change feed, from change 0 to the
// end, this many events a call (Engine::Changes' limit), each call starting
// after the last change of the one before. It ends at the first page that
// is not full.
inline constexpr std::int64_t kChangesPage = 1000;

// The list workload: pages of 10 cases (whole cases, as the engine returns
// them, with exact counts), each probe timed `reps` times.
struct ListPlan {
  std::size_t n = 0;          // cases in the database
  std::size_t reps = 0;       // calls per probe
  std::size_t deep_page = 0;  // the cursor walk's deep page (2 or more)
};

// In the order both sides report them.
inline constexpr const char* kListProbes[] = {
    "parent_status",  // parent_status = pending: a third of the cases
    "contact_email",  // one contact's cases (a few)
    "data_range",     // data.amount in [x, x + ProbeWidth(n)): about 100 cases
    "cursor_first",   // the page after the first, by cursor
    "cursor_deep",    // the page after deep_page - 1, by cursor
};
inline constexpr std::size_t kListProbeCount = std::size(kListProbes);

inline std::string ProbeEmail(std::size_t rep, std::size_t n) {
  std::size_t pool = n / 2 > 0 ? n / 2 : 1;
  return "person" + std::to_string((rep * 7919 + 13) % pool) + "@example.com";
}
// Amounts are uniform over [0, 10,000): a range this wide holds about 100
// of n cases.
inline double ProbeWidth(std::size_t n) {
  return std::min(10000.0, 1e6 / static_cast<double>(n > 0 ? n : 1));
}
inline double ProbeAmount(std::size_t rep, std::size_t n) {
  auto room = static_cast<std::size_t>(10000.0 - ProbeWidth(n)) + 1;
  return static_cast<double>((rep * 7919 + 17) % room);
}

// Calls call(0 .. reps-1), timing each; appends to `out` the median call in
// microseconds and the calls per second over all of them.
template <typename Call>
void TimeCalls(std::size_t reps, std::vector<double>& out, Call&& call) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> micros;
  micros.reserve(reps);
  double total = 0;
  for (std::size_t rep = 0; rep < reps; ++rep) {
    auto start = Clock::now();
    call(rep);
    micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    total += micros.back();
  }
  std::sort(micros.begin(), micros.end());
  out.push_back(micros.empty() ? 0 : micros[micros.size() / 2]);
  out.push_back(total > 0 ? static_cast<double>(reps) * 1e6 / total : 0);
}

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_WORKLOAD_H_

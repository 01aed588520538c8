// casework-bench: what the raw baselines (raw_sqlite.cc, raw_pg.cc) share:
// an import payload read back into its spec, the clock.
#ifndef CASEWORK_BENCH_RAW_COMMON_H_
#define CASEWORK_BENCH_RAW_COMMON_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "workload.h"

namespace casework::bench {

// Wall-clock milliseconds since the epoch: what the schemas store as times.
std::int64_t NowMs();

double PerSecond(std::size_t ops, std::chrono::steady_clock::time_point start);

// `s` as a JSON string. The workload's text needs no escaping.
std::string Quoted(const std::string& s);

// A row of the change feed as the baselines decode it, what
// Engine::Changes makes of the same row (ChangeEntry): the ids as text,
// the changes and details parsed.
struct FeedRow {
  std::string case_id, workspace, id, actor, kind;
  std::int64_t seq = 0, at = 0, change = 0;
  boost::json::value changes, details;
};

// A create payload of the import file, read back into the spec it was
// written from (the members ToDraft sets, as value_from writes them).
CaseSpec SpecFromPayload(const boost::json::object& o);

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_RAW_COMMON_H_

// casework-bench: the raw-PostgreSQL baselines, the counterparts of
// raw_sqlite.h. Each does the same work as its engine workload on the
// engine's PostgreSQL schema (lib/storage/pg/schema.h), with hand-written
// statements on libpq and no engine: each statement prepared once on the
// connection (PQprepare), then run with text parameters (PQexecPrepared).
#ifndef CASEWORK_BENCH_RAW_PG_H_
#define CASEWORK_BENCH_RAW_PG_H_

#include <cstddef>
#include <string>
#include <vector>

#include "workload.h"

namespace casework::bench::raw_pg {

// Each returns operations per second. `uri` names a database with
// casework's schema (made by the engine), populated or not as the workload
// needs. How commits wait for the disk (synchronous_commit) is part of the
// URI, so that both sides get the same.
//
// Creates cases 0 .. count-1 of a workload of n (MakeCase), `batch` to a
// transaction.
double Create(const std::string& uri, std::size_t n, std::size_t count, std::size_t batch);
// Reads the create payloads of `ndjson` (one a line, as import takes them)
// and creates each case, all in one transaction, as Engine::Import does.
double Import(const std::string& uri, const std::string& ndjson);
double Get(const std::string& uri, const std::vector<std::string>& ids, std::size_t reads);
double UpdateData(const std::string& uri, const std::vector<std::string>& ids,
                  std::size_t updates);
double Transition(const std::string& uri, const std::vector<std::string>& ids, std::size_t moves);

// The probes of kListProbes in order, each as TimeCalls reports it: median
// microseconds, then calls per second.
std::vector<double> List(const std::string& uri, const ListPlan& plan);

// The whole change feed in pages of kChangesPage, each page one read
// transaction and each row decoded as Engine::Changes decodes it: events
// per second, then the events read.
std::vector<double> ChangeFeed(const std::string& uri);

}  // namespace casework::bench::raw_pg

#endif  // CASEWORK_BENCH_RAW_PG_H_

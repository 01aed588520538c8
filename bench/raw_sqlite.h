// casework-bench: the raw-SQLite baselines. Each does the same work as its
// engine workload on the same schema, with hand-written prepared statements
// through the SQLite C API and no engine: prepare once, bind, step, reset.
#ifndef CASEWORK_BENCH_RAW_SQLITE_H_
#define CASEWORK_BENCH_RAW_SQLITE_H_

#include <cstddef>
#include <string>
#include <vector>

#include "workload.h"

namespace casework::bench {

struct RawOptions {
  bool full_sync = false;  // synchronous=FULL, else NORMAL
};

// Each returns operations per second. `path` is a database with casework's
// schema (made by the engine), populated or not as the workload needs.
// Creates cases 0 .. count-1 of a workload of n (MakeCase), `batch` to a
// transaction.
double RawCreate(const std::string& path, std::size_t n, std::size_t count, std::size_t batch,
                 const RawOptions& options);
// Reads the create payloads of `ndjson` (one a line, as import takes them)
// and creates each case, all in one transaction, as Engine::Import does.
double RawImport(const std::string& path, const std::string& ndjson, const RawOptions& options);
double RawGet(const std::string& path, const std::vector<std::string>& ids, std::size_t reads,
              const RawOptions& options);
double RawUpdateData(const std::string& path, const std::vector<std::string>& ids,
                     std::size_t updates, const RawOptions& options);
double RawTransition(const std::string& path, const std::vector<std::string>& ids,
                     std::size_t moves, const RawOptions& options);

// The probes of kListProbes in order, each as TimeCalls reports it: median
// microseconds, then calls per second.
std::vector<double> RawList(const std::string& path, const ListPlan& plan,
                            const RawOptions& options);

// The whole change feed in pages of kChangesPage, each page one read
// transaction and each row decoded as Engine::Changes decodes it: events
// per second, then the events read.
std::vector<double> RawChanges(const std::string& path, const RawOptions& options);

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_RAW_SQLITE_H_

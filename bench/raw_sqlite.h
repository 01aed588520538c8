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
double RawBulkCreate(const std::string& path, const std::vector<CaseSpec>& cases,
                     std::size_t batch, const RawOptions& options);
double RawDurableCreate(const std::string& path, const std::vector<CaseSpec>& cases,
                        const RawOptions& options);
double RawGet(const std::string& path, const std::vector<std::string>& ids, std::size_t reads,
              const RawOptions& options);
double RawUpdateData(const std::string& path, const std::vector<std::string>& ids,
                     std::size_t updates, const RawOptions& options);
double RawTransition(const std::string& path, const std::vector<std::string>& ids,
                     std::size_t moves, const RawOptions& options);

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_RAW_SQLITE_H_

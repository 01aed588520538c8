// casework-bench: owning handles for libpq's connections and results, so
// that every PGconn is finished and every PGresult cleared on every path.
#ifndef CASEWORK_BENCH_PQ_HANDLES_H_
#define CASEWORK_BENCH_PQ_HANDLES_H_

#include <libpq-fe.h>

#include <memory>

namespace casework::bench {

struct PqConnFinisher {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PqResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};

using PqConn = std::unique_ptr<PGconn, PqConnFinisher>;
using PqResult = std::unique_ptr<PGresult, PqResultClearer>;

// True when `result` is a success (a command done, or rows).
inline bool Succeeded(const PqResult& result) {
  ExecStatusType status = PQresultStatus(result.get());
  return result && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
}

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_PQ_HANDLES_H_

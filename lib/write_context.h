// What every step of one write operation shares.
#ifndef CASEWORK_LIB_WRITE_CONTEXT_H_
#define CASEWORK_LIB_WRITE_CONTEXT_H_

#include <cstdint>
#include <string>

#include "casework/time.h"
#include "storage/repository.h"
#include "uuid.h"

namespace casework {

struct WriteContext {
  storage::Repository& repo;
  UuidGenerator& ids;
  Timestamp now;           // one instant for every timestamp of the operation
  std::int64_t workspace;  // rowid of the operation's workspace
};

inline std::int64_t Millis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMillis(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

}  // namespace casework

#endif  // CASEWORK_LIB_WRITE_CONTEXT_H_

// The members of an exported case that a restore keeps (transfer.cc), read
// by import and by sync.
#ifndef CASEWORK_LIB_RESTORED_H_
#define CASEWORK_LIB_RESTORED_H_

#include "json/decode.h"
#include "storage/repository.h"

namespace casework {

// Its id, times, last transition and version; fails naming the member.
storage::Restored DecodeRestored(const json_internal::ObjectReader& r);

}  // namespace casework

#endif  // CASEWORK_LIB_RESTORED_H_

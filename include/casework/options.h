// casework: options for opening a database and for each operation.
#ifndef CASEWORK_OPTIONS_H_
#define CASEWORK_OPTIONS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "casework/time.h"

namespace casework {

// How hard a commit insists on reaching the disk. Both modes use SQLite's WAL
// journal and survive a crash of the process with the file intact.
enum class Durability {
  // synchronous=FULL: a commit that returned survives a power loss.
  kFull,
  // synchronous=NORMAL: several times faster commits; a power loss may roll
  // back the last commits (never corrupting the file).
  kNormal,
};

struct Options {
  // Create the file (and its schema) when it does not exist.
  // Default: true. When false, a missing file is kStorageError.
  bool create_if_missing = true;

  // Default: kFull.
  Durability durability = Durability::kFull;

  // How long a call waits for another connection's write lock before it
  // fails with kBusy. Default: 5 seconds.
  std::chrono::milliseconds busy_timeout{5000};

  // Source of "now" for timestamps and UUIDv7 ids. Default (empty): the
  // system clock.
  Clock clock;
};

// Per-call options of every mutating operation.
struct WriteOptions {
  // The workspace slug the operation is scoped to; nullopt means the one a
  // payload names, else "default".
  std::optional<std::string> workspace;

  // Who makes the change, recorded in history: an email (stored trimmed and
  // lower-cased) or "system"; empty means "system". Anything else fails the
  // operation with kValidationFailed naming "actor".
  std::string actor;

  // When set, the operation fails with kConflict (changing nothing) unless
  // the case is at this version.
  std::optional<std::int64_t> expected_version;
};

// Per-call options of read operations.
struct ReadOptions {
  // The workspace slug; nullopt means "default".
  std::optional<std::string> workspace;

  // Get and History only: the case as it stood at `as_of` (its events up
  // to that instant) or at `version` (its first `version` events), rebuilt
  // from its history. kNotFound when the case did not exist yet.
  std::optional<Timestamp> as_of;
  std::optional<std::int64_t> version;

  // History only: the events after version `since`.
  std::int64_t since = 0;
};

}  // namespace casework

#endif  // CASEWORK_OPTIONS_H_

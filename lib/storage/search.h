// Keeping the full-text index (case_search, schema version 4) in step with
// the cases.
//
// Triggers note every case whose indexed text may have changed in
// case_search_pending (FTS5 cannot be written from a trigger under
// trusted_schema=OFF); IndexPendingCases re-indexes them. Every
// WriteTransaction calls it just before COMMIT, so the index changes in the
// same transaction as the rows it mirrors.
#ifndef CASEWORK_LIB_STORAGE_SEARCH_H_
#define CASEWORK_LIB_STORAGE_SEARCH_H_

namespace casework::storage {

class Connection;

// True when a case awaits re-indexing: only after a write that did not go
// through a WriteTransaction (another program changing the file).
bool SearchPending(Connection& db);

// Re-indexes the noted cases (a deleted case leaves the index) and clears
// the notes. Runs inside the caller's write transaction; cheap when there is
// nothing to do (one lookup in an empty table).
void IndexPendingCases(Connection& db);

}  // namespace casework::storage

#endif  // CASEWORK_LIB_STORAGE_SEARCH_H_

// casework: moving cases in and out as NDJSON, one case per line.
//
// Export writes every case of a workspace, archived ones included, in the
// case shape `get` returns, oldest first. Import reads two kinds of line:
//
//  - a create payload (no "id"): the case is created as Engine::Create
//    would, with a new id, the template applied and history starting now;
//  - an exported case (with "id"): the case is restored as it was: its id,
//    status, schema, steps, conditions, links and created/updated/opened/
//    resolved/archived times are kept; the template, if any, gives only the
//    workflow and must exist in the workspace (a case's template is not part
//    of the export). Its history starts afresh with one created event, so its
//    version is 1 in the new database.
//
// Either way the whole input is one transaction: a bad line, a taken id or a
// link to a case the input does not hold changes nothing, and the error
// names the line ("line[3].contacts[0].email"; lines count from 1). Links
// must be listed by both of their cases, as export writes them. Blank lines
// are skipped. Both directions stream: memory does not grow with the number
// of cases (only with the number of links).
#ifndef CASEWORK_TRANSFER_H_
#define CASEWORK_TRANSFER_H_

#include <cstdint>
#include <functional>

#include "casework/options.h"

namespace casework {

// What an import did.
struct ImportSummary {
  std::int64_t created = 0;   // lines that were create payloads
  std::int64_t restored = 0;  // lines that were exported cases
  std::int64_t cases() const { return created + restored; }
};

struct ImportOptions {
  WriteOptions write;  // workspace and actor; expected_version must be unset
  // Called every `progress_every` cases with the cases so far and the bytes
  // of input read, for a progress bar; may be empty.
  std::function<void(const ImportSummary& so_far, std::uint64_t bytes_read)> progress;
  std::int64_t progress_every = 1000;
};

struct ExportOptions {
  ReadOptions read;  // the workspace
  // Called every `progress_every` cases with (written, total); may be empty.
  std::function<void(std::int64_t written, std::int64_t total)> progress;
  std::int64_t progress_every = 1000;
};

}  // namespace casework

#endif  // CASEWORK_TRANSFER_H_

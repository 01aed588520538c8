// Listing (DOMAIN.md §4): the list query compiler. A ListQuery is checked
// and described without SQL (listing/filter.h, cursor.cc), then written in
// SQLite's dialect (listing/sqlite_sql.h); listing/page.cc runs the
// statements and reads the page.
#include "listing.h"

#include "listing/filter.h"
#include "listing/sqlite_sql.h"

namespace casework {

CompiledList CompileList(const ListQuery& query) {
  return listing::SqliteList(listing::DescribeList(query));
}

}  // namespace casework

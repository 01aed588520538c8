// The SQLite dialect of a list query: its count and page statements.
#ifndef CASEWORK_LIB_LISTING_SQLITE_SQL_H_
#define CASEWORK_LIB_LISTING_SQLITE_SQL_H_

#include "listing.h"
#include "listing/filter.h"

namespace casework::listing {

// The statements of `filter`, with the page parameters they were made for.
CompiledList SqliteList(const ListFilter& filter);

}  // namespace casework::listing

#endif  // CASEWORK_LIB_LISTING_SQLITE_SQL_H_

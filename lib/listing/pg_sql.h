// The PostgreSQL dialect of a list query: its count and page statements,
// over the schema of storage/pg/schema.h. The counterpart of sqlite_sql.h:
// the same filters, the same rows in the same order, the same counts.
//
// What a caller must honour:
//  - Parameters: $k is params[k - 1] of the statement (count or page), and
//    the SQL casts each to its type, so every value is sent as text:
//    int64 in decimal, double in a text that reads back exactly
//    (std::to_chars, as pg::Params does), std::string as it is, Uuid as
//    UuidToString, WorkspaceParam as the workspace's row id (cases.
//    workspace_id), nullptr as NULL.
//  - The count statement gives one row: column 0, the total (bigint). After
//    a cursor without its position (CompiledList::cursor_position unset),
//    column 1 is the number of matching rows not after the cursor: the rows
//    before the page.
//  - The page statement gives at most page_size + 1 rows, in page order:
//      0  c.id     bigint, the case's row
//      1  c.uuid   uuid, in its text form
//      2  the sort key, in PostgreSQL's text format
//      3  the key's type tag: 'i' (read column 2 as int64), 'f' (as a
//         double: the server's shortest exact text, which needs
//         extra_float_digits >= 1, PostgreSQL's default), 't' (as text),
//         or NULL when the key is NULL (SqlValue nullptr).
//    The key so read, with the uuid, makes the next cursor (EncodeCursor),
//    as SQLite's typed column 2 does.
#ifndef CASEWORK_LIB_LISTING_PG_SQL_H_
#define CASEWORK_LIB_LISTING_PG_SQL_H_

#include "listing.h"
#include "listing/filter.h"

namespace casework::listing {

// The statements of `filter` in PostgreSQL's dialect ($1, $2, ... parameters).
CompiledList PostgresList(const ListFilter& filter);

}  // namespace casework::listing

#endif  // CASEWORK_LIB_LISTING_PG_SQL_H_

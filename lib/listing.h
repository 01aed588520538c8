// The list query compiler: a ListQuery becomes two parameterized SQL
// statements (a count and a page) built from the fragments of
// storage/list_sql.h, and the values to bind to them. Exposed so that tests
// can read the SQL and its query plan.
#ifndef CASEWORK_LIB_LISTING_H_
#define CASEWORK_LIB_LISTING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "casework/listing.h"
#include "storage/connection.h"
#include "uuid.h"

namespace casework {

// Stands for the row id of the operation's workspace, known only once the
// workspace is resolved.
struct WorkspaceParam {
  bool operator==(const WorkspaceParam&) const = default;
};

// A value bound to one "?" of a compiled statement.
using SqlValue = std::variant<std::nullptr_t, std::int64_t, double, std::string, Uuid,
                              WorkspaceParam>;

// SQL text and the values of its "?" parameters, in order.
struct SqlText {
  std::string sql;
  std::vector<SqlValue> params;
};

struct CompiledList {
  // One row: the total, from case_counts when the filters allow, else
  // count(*). After a cursor that does not carry its position (one made
  // before cursors did), also the number of matching rows not after it.
  SqlText count;
  // After a cursor: the matching rows before the page, as the cursor
  // carries it.
  std::optional<std::int64_t> cursor_position;
  // Rows (c.id, c.uuid, sort key), at most page_size + 1 of them (the
  // extra one says that a next page exists).
  SqlText page;
  std::int64_t page_number = 1;
  std::int64_t page_size = 10;
  std::int64_t offset = 0;  // saturated: a page number far past the end stays huge
  bool after_cursor = false;
  std::string sort;  // normalized, e.g. "-created_at", "data.amount"
  bool search = false;  // uses the full-text index
  std::optional<WorkspaceSelector> workspace;  // the query's workspace[...]
};

// Checks `query` and compiles it. Throws Error (kValidationFailed naming
// the bad parameter or filter node) and nothing else for bad input.
CompiledList CompileList(const ListQuery& query);

// Binds `params` to `stmt` in order; WorkspaceParam binds `workspace`.
void BindAll(storage::Stmt& stmt, const std::vector<SqlValue>& params, std::int64_t workspace);

// The opaque cursor for "after the row with sort key `key` and id `id`",
// under the normalized sort `sort`; `position` rows come before the page
// it starts (for the page number, without counting them). Without a
// position, the cursor of earlier versions.
std::string EncodeCursor(std::string_view sort, const SqlValue& key, const Uuid& id,
                         std::optional<std::int64_t> position);

// The FTS5 query for the search text `q`: each word a quoted prefix
// phrase ("wat"* "dam"*), so that FTS5 syntax in `q` is only text. Empty
// when `q` is blank.
std::string SearchExpression(std::string_view q);

}  // namespace casework

#endif  // CASEWORK_LIB_LISTING_H_

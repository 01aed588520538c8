// Page reading: runs the compiled count and page statements of a list
// query in one read transaction and loads the cases of the page.
#include <type_traits>

#include "casework/status.h"
#include "engine_impl.h"
#include "listing.h"
#include "storage/search.h"
#include "workspaces.h"

namespace casework {

void BindAll(storage::Stmt& stmt, const std::vector<SqlValue>& params, std::int64_t workspace) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>)
            stmt.BindNull(index);
          else if constexpr (std::is_same_v<T, WorkspaceParam>)
            stmt.Bind(index, workspace);
          else if constexpr (std::is_same_v<T, std::string>)
            stmt.Bind(index, std::string_view(value));
          else
            stmt.Bind(index, value);
        },
        params[i]);
  }
}

namespace {

SqlValue KeyAt(const storage::Stmt& row, int column) {
  switch (row.Type(column)) {
    case SQLITE_INTEGER:
      return row.Int(column);
    case SQLITE_FLOAT:
      return row.Double(column);
    case SQLITE_TEXT:
      return row.Text(column);
    case SQLITE_NULL:
      return nullptr;
    default:
      throw Error(Status::StorageError("a sort key of an unexpected type"));
  }
}

}  // namespace

CasePage Engine::Impl::List(const ListQuery& query, const ReadOptions& options) {
  const CompiledList plan = CompileList(query);
  // Changes written behind casework's back await indexing: index them first.
  if (plan.search && storage::SearchPending(*db_)) {
    storage::WriteTransaction sync(*db_);
    sync.Commit();
  }
  storage::ReadTransaction tx(*db_);
  const std::int64_t workspace = ResolveWorkspace(*db_, options.workspace, plan.workspace).row;

  CasePage page;
  ListMeta& meta = page.meta;
  meta.page_size = plan.page_size;
  // The rows before the page: the offset, or what the cursor carries (or,
  // from a cursor without it, the count below).
  std::int64_t before = plan.after_cursor ? plan.cursor_position.value_or(0) : plan.offset;
  {
    auto count = db_->UseDynamic(plan.count.sql);
    BindAll(count, plan.count.params, workspace);
    if (count.Step()) {
      meta.total_count = count.Int(0);
      if (plan.after_cursor && !plan.cursor_position) before = count.Int(1);
    }
  }
  meta.total_pages = meta.total_count / plan.page_size + (meta.total_count % plan.page_size != 0);
  meta.current_page = plan.after_cursor ? before / plan.page_size + 1 : plan.page_number;

  struct Row {
    std::int64_t row;
    Uuid id;
    SqlValue key;
  };
  std::vector<Row> rows;
  if (plan.after_cursor || plan.offset < meta.total_count) {
    auto select = db_->UseDynamic(plan.page.sql);
    BindAll(select, plan.page.params, workspace);
    while (select.Step()) rows.push_back({select.Int(0), select.UuidAt(1), KeyAt(select, 2)});
  }
  if (rows.size() > static_cast<std::size_t>(plan.page_size)) {
    rows.resize(static_cast<std::size_t>(plan.page_size));
    page.next_cursor = EncodeCursor(plan.sort, rows.back().key, rows.back().id,
                                    before + plan.page_size);
  }
  page.cases.reserve(rows.size());
  for (const Row& row : rows) page.cases.push_back(LoadCase(*db_, row.row));
  return page;
}

}  // namespace casework

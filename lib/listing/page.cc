// Page reading: the repository counts a list query's matches and reads the
// rows of its page in one read transaction; the cases of the page are
// loaded in the same snapshot.
#include "casework/status.h"
#include "engine_impl.h"
#include "listing/filter.h"
#include "workspaces.h"

namespace casework {

CasePage Engine::Impl::List(const ListQuery& query, const ReadOptions& options) {
  const listing::ListFilter filter = listing::DescribeList(query);
  if (filter.search) repo_->PrepareSearch();
  storage::Transaction tx(*repo_, storage::Access::kRead);
  const std::int64_t workspace = Scope(options.workspace, filter.workspace).row;
  storage::ListRows rows = repo_->List(filter, workspace);

  CasePage page;
  ListMeta& meta = page.meta;
  meta.page_size = filter.page_size;
  meta.total_count = rows.total;
  // The rows before the page: the offset, or what the cursor carries (or,
  // from a cursor without it, what the count found).
  std::int64_t before = filter.offset;
  if (filter.cursor) before = filter.cursor->position.value_or(rows.not_after_cursor.value_or(0));
  meta.total_pages = meta.total_count / filter.page_size + (meta.total_count % filter.page_size != 0);
  meta.current_page = filter.cursor ? before / filter.page_size + 1 : filter.page_number;

  std::vector<storage::ListedCase>& listed = rows.cases;
  if (listed.size() > static_cast<std::size_t>(filter.page_size)) {
    listed.resize(static_cast<std::size_t>(filter.page_size));
    page.next_cursor = EncodeCursor(filter.sort.normalized, listed.back().key, listed.back().id,
                                    before + filter.page_size);
  }
  page.cases.reserve(listed.size());
  for (const storage::ListedCase& c : listed)
    page.cases.push_back(repo_->LoadCase({workspace, c.row, 0}));
  return page;
}

}  // namespace casework

// casework: listing and searching cases (DOMAIN.md §4).
//
//   casework::ListQuery query;
//   query.parent_status = casework::ParentStatus::kPending;
//   query.contact_email = "marie.dupont@example.com";
//   query.sort = "-updated_at";
//   auto page = engine->List(query);  // Result<CasePage>
//   // page->meta.total_count, page->cases, page->next_cursor
//
// Every filter is ANDed with the others and with the workspace scope (the
// operation's workspace: ReadOptions::workspace, else the one
// ListQuery::workspace names, else "default"); nothing of another workspace
// is ever read, returned or counted. Values are bound, never spliced into
// SQL, and field names come from fixed lists: an unknown field, operator or
// sort is kValidationFailed naming it, never an SQL error. docs/LISTING.md
// describes the grammar of `filter`, the cursor and the query plans.
#ifndef CASEWORK_LISTING_H_
#define CASEWORK_LISTING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "casework/case.h"
#include "casework/result.h"
#include "casework/time.h"

namespace casework {

// What to list. Every member is optional; an unset filter does not filter.
struct ListQuery {
  // ---- Filters (Penbox's query parameters) ----
  std::optional<std::string> template_id;   // template[id]: a template UUID
  std::optional<std::string> status;        // the custom status, exactly
  std::optional<ParentStatus> parent_status;
  // archived: false (the default) lists only cases without archived_at;
  // true lists only archived cases. Both at once: use `filter`, which does
  // not apply this default.
  bool archived = false;
  std::optional<WaitingFor> waiting_for;
  std::optional<std::string> reference;     // exactly (code points)
  std::optional<std::string> owner_id;      // owner[id]: a user UUID
  std::optional<std::string> owner_email;   // owner[email], case-insensitive
  // workspace[id] / workspace[slug]: names the workspace like a payload's
  // `workspace` member. It must agree with ReadOptions::workspace when that
  // is set (kValidationFailed otherwise); an unknown one is kNotFound.
  std::optional<WorkspaceSelector> workspace;
  // contact[...]: some linked contact has it. Names match exactly; the
  // email case-insensitively.
  std::optional<std::string> contact_given_name;
  std::optional<std::string> contact_family_name;
  std::optional<std::string> contact_email;
  std::optional<Priority> priority;
  std::optional<std::string> tag;           // the case has this tag
  std::optional<std::string> assignee_email;  // some assignee has it
  // Half-open ranges: after <= t < before (so consecutive ranges neither
  // overlap nor leave gaps).
  std::optional<Timestamp> created_after, created_before;
  std::optional<Timestamp> updated_after, updated_before;

  // The advanced filter (a JSON object, see docs/LISTING.md): and / or /
  // not of leaves {"field", "op", "value"}, or Penbox's equality form
  // {"parent_status": "pending", "data.policy": "POL-778"}. When set, it
  // replaces every filter above (archived included); the workspace scope
  // still applies. Limits: depth 16, 256 nodes, 100 values per list.
  // Errors name the bad node: "filter.and[1].op".
  std::optional<boost::json::value> filter;

  // Full-text search over title, description, reference and the names of
  // the linked contacts: every word must match (as a word prefix, ignoring
  // case and diacritics). Blank means no search. At most 1,000 bytes and
  // 32 words. Combines with the filters (AND).
  std::optional<std::string> q;

  // ---- Pages and order ----
  std::int64_t page_number = 1;  // >= 1; past the last page: no cases
  std::int64_t page_size = 10;   // 1..100
  // created_at, updated_at, opened_at, resolved_at, title, reference,
  // status, parent_status, priority or data.<key>; "-" prefix: descending.
  // Ties are broken by id in the same direction. Text compares by code
  // point; parent_status and priority by rank (draft < pending <
  // in_progress < closed; info < low < medium < high < critical); data
  // values by their field type (numbers as numbers, dates and datetimes in
  // time order). Absent values come first ascending, last descending.
  std::string sort = "-created_at";
  // A cursor from CasePage::next_cursor: the page after that page's last
  // case, by the same sort (and, to be meaningful, the same filters).
  // Stays correct while cases are added, and costs the same however deep.
  // Excludes page_number (leave it 1). A cursor that was altered, or made
  // for another sort, is kValidationFailed.
  std::optional<std::string> after;
};

struct ListMeta {
  std::int64_t total_count = 0;   // cases matching, all pages
  std::int64_t total_pages = 0;   // ceil(total_count / page_size); 0 if none
  std::int64_t page_size = 0;
  // The page number asked for; after a cursor, the page the first case of
  // this page falls on, counted from the start of the current listing.
  std::int64_t current_page = 0;
};

struct CasePage {
  ListMeta meta;
  std::vector<Case> cases;
  // Set when a next page exists: pass it as ListQuery::after.
  std::optional<std::string> next_cursor;
};

// Reads Penbox's query parameters, as an object of parameter names to
// values: "template[id]", "status", "parent_status", "archived",
// "waiting_for", "reference", "owner[id]", "owner[email]", "workspace[id]",
// "workspace[slug]", "contact[given_name]", "contact[family_name]",
// "contact[email]", "priority", "tag", "assignee[email]",
// "created_at[after]", "created_at[before]", "updated_at[after]",
// "updated_at[before]", "filter" (an object, or its JSON text), "q",
// "page[number]", "page[size]", "sort", "after". The bracketed names may
// also be nested objects ({"page": {"number": 2}}). Numbers and booleans may
// be given as query-string text ("2", "true"); times as RFC 3339 or as a
// date (midnight UTC). null means "not given". Any other member, or a
// value of the wrong kind, is kValidationFailed naming it. Ranges (page
// size, ...) are checked by Engine::List.
Result<ListQuery> ListQueryFromJson(const boost::json::value& params);

// {"meta": {"total_count", "total_pages", "page_size", "current_page"},
//  "data": [cases]}, plus "next_cursor" when a next page exists.
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const CasePage& page);
void tag_invoke(boost::json::value_from_tag, boost::json::value& out, const ListMeta& meta);

}  // namespace casework

#endif  // CASEWORK_LISTING_H_

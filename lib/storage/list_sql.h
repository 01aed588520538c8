// The SQL fragments that the list query compiler (listing/sqlite_sql.cc)
// assembles.
//
// A list query is composed at run time from these constants only: the
// compiler appends a Fragment (constructible from a constant alone, see
// below) or a "?" whose value it binds. Field and sort names select
// fragments from fixed tables; no byte of user input reaches the SQL text.
//
// Shapes (c is the cases row, ?ws the operation's workspace):
//   SELECT count(*) FROM cases c WHERE c.workspace_id = ?ws AND <live> AND <filters>
//   SELECT c.id, c.uuid, <key> FROM cases c [LEFT JOIN case_fields sf ...]
//     WHERE ... [AND <after cursor>] ORDER BY <key> <dir>, c.uuid <dir>
//     LIMIT ? OFFSET ?
// Every filter is a two-valued condition (never NULL), so NOT is its exact
// complement: nullable columns are guarded with IS NOT NULL, and filters on
// linked rows are `c.id IN (subquery)`.
//
// Plans: one filter "drives" (listing/filter.cc picks it); the others are
// written with a unary + (`+c.status = ?`, `+c.id IN (...)`), which keeps their
// meaning and keeps them off indexes, so SQLite cannot trade a selective
// index for a scan in page order — without statistics it otherwise does,
// reading a whole workspace for a filter that matches three cases. When
// the driver is a subquery on linked rows, the workspace term is written
// `+c.workspace_id` for the same reason.
#ifndef CASEWORK_LIB_STORAGE_LIST_SQL_H_
#define CASEWORK_LIB_STORAGE_LIST_SQL_H_

#include <cstddef>

namespace casework::storage::list_sql {

// A piece of SQL text that can only come from a constant: its constructor
// is consteval, so a std::string (or any run-time text) does not convert.
class Fragment {
 public:
  template <std::size_t N>
  consteval Fragment(const char (&text)[N]) : text_(text) {}  // NOLINT: implicit
  const char* text() const { return text_; }

 private:
  const char* text_;
};

// ---- Statement skeletons ----
inline constexpr char kSelectCount[] = "SELECT count(*) FROM cases c";
// count(*) and how many rows are not after the cursor (the current page).
inline constexpr char kSelectCountAndBefore[] = "SELECT count(*), coalesce(sum(CASE WHEN ";
inline constexpr char kCountBeforeEnd[] = " THEN 0 ELSE 1 END), 0) FROM cases c";
// The total of a query filtered by archived, status and parent_status
// alone, from the counts kept per status (schema 6): no rows are counted.
inline constexpr char kSelectCounted[] =
    "SELECT coalesce(sum(n), 0) FROM case_counts WHERE workspace_id = ";
inline constexpr char kCountedArchived[] = " AND archived = ";
inline constexpr char kCountedStatus[] = " AND status = ";
inline constexpr char kCountedParentStatus[] = " AND parent_status = ";
inline constexpr char kSelectPage[] = "SELECT c.id, c.uuid, ";
inline constexpr char kFromCases[] = " FROM cases c";
// Sorting by a schema field: its typed value, NULL when the case lacks it.
inline constexpr char kJoinSortField[] =
    " LEFT JOIN case_fields sf ON sf.case_id = c.id AND sf.key = ";
inline constexpr char kWhere[] = " WHERE ";
inline constexpr char kOrderBy[] = " ORDER BY ";
inline constexpr char kLimit[] = " LIMIT ";
inline constexpr char kOffset[] = " OFFSET ";

// ---- Scope ----
inline constexpr char kScope[] = "c.workspace_id = ";
inline constexpr char kScopeUnindexed[] = "+c.workspace_id = ";
inline constexpr char kLive[] = "c.archived_at IS NULL";
inline constexpr char kArchivedOnly[] = "c.archived_at IS NOT NULL";

// ---- Logic and comparison ----
inline constexpr char kAnd[] = " AND ";
inline constexpr char kOr[] = " OR ";
inline constexpr char kOpen[] = "(";
inline constexpr char kClose[] = ")";
inline constexpr char kComma[] = ", ";
inline constexpr char kTrue[] = "1";
inline constexpr char kFalse[] = "0";
inline constexpr char kIn[] = " IN (";
inline constexpr char kIsNull[] = " IS NULL";
inline constexpr char kIsNotNull[] = " IS NOT NULL";
inline constexpr char kInstr[] = "instr(";
inline constexpr char kInstrEnd[] = ") > 0";
inline constexpr char kAsc[] = " ASC";
inline constexpr char kDesc[] = " DESC";

// ---- Order and keyset (the rows after a cursor's (key, id)) ----
inline constexpr char kIdAsc[] = ", c.uuid ASC";
inline constexpr char kIdDesc[] = ", c.uuid DESC";
inline constexpr char kKeyIdBefore[] = ", c.uuid) < (";  // (key, c.uuid) < (?, ?)
inline constexpr char kKeyIdAfter[] = ", c.uuid) > (";
inline constexpr char kIdBefore[] = " AND c.uuid < ";
inline constexpr char kIdAfter[] = " AND c.uuid > ";

// ---- Columns of cases (plain: may use an index; unindexed: +column) ----
inline constexpr char kEmpty[] = "";
inline constexpr char kUuid[] = "c.uuid";
inline constexpr char kUuidUnindexed[] = "+c.uuid";
inline constexpr char kTitle[] = "c.title";
inline constexpr char kTitleUnindexed[] = "+c.title";
inline constexpr char kDescription[] = "c.description";
inline constexpr char kDescriptionUnindexed[] = "+c.description";
inline constexpr char kLocale[] = "c.locale";
inline constexpr char kLocaleUnindexed[] = "+c.locale";
inline constexpr char kReference[] = "c.reference";
inline constexpr char kReferenceUnindexed[] = "+c.reference";
inline constexpr char kStatus[] = "c.status";
inline constexpr char kStatusUnindexed[] = "+c.status";
inline constexpr char kParentStatus[] = "c.parent_status";
inline constexpr char kParentStatusUnindexed[] = "+c.parent_status";
inline constexpr char kWaitingFor[] = "c.waiting_for";
inline constexpr char kWaitingForUnindexed[] = "+c.waiting_for";
inline constexpr char kPriority[] = "c.priority";
inline constexpr char kPriorityUnindexed[] = "+c.priority";
inline constexpr char kTemplate[] = "c.template_uuid";
inline constexpr char kTemplateUnindexed[] = "+c.template_uuid";
inline constexpr char kVersion[] = "c.version";
inline constexpr char kVersionUnindexed[] = "+c.version";
inline constexpr char kCreatedAt[] = "c.created_at";
inline constexpr char kCreatedAtUnindexed[] = "+c.created_at";
inline constexpr char kUpdatedAt[] = "c.updated_at";
inline constexpr char kUpdatedAtUnindexed[] = "+c.updated_at";
inline constexpr char kOpenedAt[] = "c.opened_at";
inline constexpr char kOpenedAtUnindexed[] = "+c.opened_at";
inline constexpr char kResolvedAt[] = "c.resolved_at";
inline constexpr char kResolvedAtUnindexed[] = "+c.resolved_at";
inline constexpr char kArchivedAt[] = "c.archived_at";
inline constexpr char kArchivedAtUnindexed[] = "+c.archived_at";
inline constexpr char kSortFieldValue[] = "sf.typed_value";

// Enumerations sort and compare by rank, not by name.
inline constexpr char kParentStatusRank[] =
    "CASE c.parent_status WHEN 'draft' THEN 0 WHEN 'pending' THEN 1 "
    "WHEN 'in_progress' THEN 2 WHEN 'closed' THEN 3 END";
inline constexpr char kPriorityRank[] =
    "CASE c.priority WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 "
    "WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END";

// ---- Linked rows: `<open> ... <attribute condition> )` ----

// Contacts of the case (contacts_by_email, contacts_by_given_name, ...,
// then case_contacts_by_contact). Followed by ?ws, kAnd, the condition on
// an attribute, kClose.
inline constexpr char kContactsOpen[] =
    "c.id IN (SELECT cc.case_id FROM contacts ct CROSS JOIN case_contacts cc "
    "ON cc.contact_id = ct.id WHERE ct.workspace_id = ";
inline constexpr char kContactsOpenUnindexed[] =
    "+c.id IN (SELECT cc.case_id FROM contacts ct CROSS JOIN case_contacts cc "
    "ON cc.contact_id = ct.id WHERE ct.workspace_id = ";
inline constexpr char kContactEmail[] = "ct.email";
inline constexpr char kContactName[] = "ct.name";
inline constexpr char kContactGivenName[] = "ct.given_name";
inline constexpr char kContactFamilyName[] = "ct.family_name";
inline constexpr char kContactPhone[] = "ct.phone";

// Assignees (users' unique (workspace_id, email), case_assignees_by_user).
inline constexpr char kAssigneesOpen[] =
    "c.id IN (SELECT a.case_id FROM users u CROSS JOIN case_assignees a "
    "ON a.user_id = u.id WHERE u.workspace_id = ";
inline constexpr char kAssigneesOpenUnindexed[] =
    "+c.id IN (SELECT a.case_id FROM users u CROSS JOIN case_assignees a "
    "ON a.user_id = u.id WHERE u.workspace_id = ";
inline constexpr char kUserEmail[] = "u.email";
inline constexpr char kUserUuid[] = "u.uuid";

// The owner (cases_by_owner). Followed by ?ws, kAnd, condition, kClose2.
inline constexpr char kOwnerOpen[] =
    "(c.owner_id IS NOT NULL AND c.owner_id IN (SELECT u.id FROM users u "
    "WHERE u.workspace_id = ";
inline constexpr char kOwnerOpenUnindexed[] =
    "(+c.owner_id IS NOT NULL AND +c.owner_id IN (SELECT u.id FROM users u "
    "WHERE u.workspace_id = ";
inline constexpr char kClose2[] = "))";
inline constexpr char kHasOwner[] = "c.owner_id IS NOT NULL";

// Tags (case_tags_by_tag). Followed by the condition, kClose.
inline constexpr char kTagsOpen[] = "c.id IN (SELECT t.case_id FROM case_tags t WHERE ";
inline constexpr char kTagsOpenUnindexed[] = "+c.id IN (SELECT t.case_id FROM case_tags t WHERE ";
inline constexpr char kTag[] = "t.tag";

// The workspace by slug or id: always true or always false within the
// scope, never a driver. Followed by the condition, kClose.
inline constexpr char kWorkspaceOpen[] =
    "+c.workspace_id IN (SELECT w.id FROM workspaces w WHERE ";
inline constexpr char kWorkspaceSlug[] = "w.slug";
inline constexpr char kWorkspaceUuid[] = "w.uuid";

// Full-text search. Followed by the FTS5 query (bound), kClose.
inline constexpr char kSearchOpen[] =
    "c.id IN (SELECT rowid FROM case_search WHERE case_search MATCH ";
inline constexpr char kSearchOpenUnindexed[] =
    "+c.id IN (SELECT rowid FROM case_search WHERE case_search MATCH ";

// Schema fields (case_fields_by_value: key, typed_value). Followed by the
// key (bound), kAnd, a type restriction, kAnd, the condition on
// f.typed_value, kClose. typed_value holds numbers as numbers, booleans as
// 0/1, dates as 'YYYY-MM-DD', datetimes as epoch milliseconds and text as
// text; the type restriction keeps a comparison within one kind of value.
inline constexpr char kFieldsOpen[] =
    "c.id IN (SELECT f.case_id FROM case_fields f WHERE f.key = ";
inline constexpr char kFieldsOpenUnindexed[] =
    "+c.id IN (SELECT f.case_id FROM case_fields f WHERE f.key = ";
inline constexpr char kFieldValue[] = "f.typed_value";
inline constexpr char kFieldHasValue[] = "f.value <> 'null'";
inline constexpr char kNumberTypes[] = "f.type IN ('number', 'integer')";
inline constexpr char kBooleanType[] = "f.type = 'boolean'";
inline constexpr char kDateTimeType[] = "f.type = 'datetime'";
inline constexpr char kTextTypes[] = "f.type IN ('text', 'email', 'phone', 'choice', 'date')";
inline constexpr char kSubstringTypes[] = "f.type IN ('text', 'email', 'phone', 'choice')";
// A multi_choice value (a JSON array) holding the option.
inline constexpr char kHasOption[] =
    "f.type = 'multi_choice' AND EXISTS (SELECT 1 FROM json_each(f.value) e WHERE e.value = ";

}  // namespace casework::storage::list_sql

#endif  // CASEWORK_LIB_STORAGE_LIST_SQL_H_

// The SQL fragments that the PostgreSQL list query compiler
// (listing/pg_sql.cc) assembles: the counterpart of storage/list_sql.h, over
// the schema of storage/pg/schema.h.
//
// As on SQLite, a statement is made of these constants only, plus
// parameters whose values are bound: pg_sql.cc writes each parameter as $n
// followed by a cast to its value's type (kCast*), so that the server never
// has to guess a parameter's type. Field and sort names select fragments
// from fixed tables; no byte of user input reaches the SQL text, the one
// number in it being the page's row count, bounded by the filter's checks.
//
// Shapes (c is the cases row, $ws the operation's workspace):
//   SELECT count(*) FROM cases c WHERE c.workspace_id = $ws AND <filters>
//   SELECT c.id, c.uuid, <key>, <key's type tag> FROM cases c
//     [LEFT JOIN case_fields sf ...] WHERE ... [AND <after cursor>]
//     ORDER BY <key> <dir> [NULLS ...], c.uuid <dir> LIMIT <n> [OFFSET $m]
// Every filter is a two-valued condition (never NULL), so NOT is its exact
// complement: nullable columns are guarded with IS NOT NULL, and filters on
// linked rows are EXISTS subqueries.
//
// Linked rows are read by EXISTS (SELECT 1 ... WHERE x.workspace_id =
// c.workspace_id AND x.case_id = c.id AND ...): PostgreSQL turns a
// correlated EXISTS into a semi-join (a correlated IN stays a per-row
// subplan), so a selective filter on tags or fields can drive from its own
// index; matching on workspace_id keeps every join within one workspace's
// rows (on Citus, within one node).
//
// Plans: unlike SQLite without statistics, PostgreSQL chooses among the
// indexes by its statistics, so no filter is written unindexed.
//
// Order: SQLite compares text bytewise and sorts NULL first ascending.
// Text sort keys and text range comparisons here carry COLLATE "C"
// (bytewise, whatever the database's collation), and nullable sort keys
// say NULLS FIRST ascending, NULLS LAST descending. uuid columns compare
// bytewise, as SQLite's 16-byte blobs do.
#ifndef CASEWORK_LIB_LISTING_PG_FRAGMENTS_H_
#define CASEWORK_LIB_LISTING_PG_FRAGMENTS_H_

#include "storage/list_sql.h"

namespace casework::listing::pg_fragments {

// A piece of SQL that can only come from a constant (storage/list_sql.h).
using storage::list_sql::Fragment;

// ---- Parameter types (after $n) ----
inline constexpr char kCastBigint[] = "::bigint";
inline constexpr char kCastFloat[] = "::float8";
inline constexpr char kCastText[] = "::text";
inline constexpr char kCastUuid[] = "::uuid";

// ---- Statement skeletons ----
inline constexpr char kSelectCount[] = "SELECT count(*) FROM cases c";
// count(*) and how many rows are not after the cursor (the current page).
inline constexpr char kSelectCountAndBefore[] = "SELECT count(*), coalesce(sum(CASE WHEN ";
inline constexpr char kCountBeforeEnd[] = " THEN 0 ELSE 1 END), 0) FROM cases c";
// The total of a query filtered by the archived scope, status and
// parent_status alone, from the counts the triggers keep: no row of cases
// is read. sum() of bigint is numeric: cast back.
inline constexpr char kSelectCounted[] =
    "SELECT coalesce(sum(n), 0)::bigint FROM case_counts WHERE workspace_id = ";
inline constexpr char kCountedArchived[] = " AND archived";
inline constexpr char kCountedLive[] = " AND NOT archived";
inline constexpr char kCountedStatus[] = " AND status = ";
inline constexpr char kCountedParentStatus[] = " AND parent_status = ";
inline constexpr char kSelectPage[] = "SELECT c.id, c.uuid, ";
inline constexpr char kFromCases[] = " FROM cases c";
inline constexpr char kWhere[] = " WHERE ";
inline constexpr char kOrderBy[] = " ORDER BY ";
inline constexpr char kLimit[] = " LIMIT ";
inline constexpr char kOffset[] = " OFFSET ";

// ---- Scope ----
inline constexpr char kScope[] = "c.workspace_id = ";
inline constexpr char kLive[] = "c.archived_at IS NULL";
inline constexpr char kArchivedOnly[] = "c.archived_at IS NOT NULL";

// ---- Logic and comparison ----
inline constexpr char kAnd[] = " AND ";
inline constexpr char kOr[] = " OR ";
inline constexpr char kOpen[] = "(";
inline constexpr char kClose[] = ")";
inline constexpr char kComma[] = ", ";
inline constexpr char kTrue[] = "true";
inline constexpr char kFalse[] = "false";
inline constexpr char kEq[] = " = ";
inline constexpr char kLt[] = " < ";
inline constexpr char kGt[] = " > ";
inline constexpr char kIn[] = " IN (";
inline constexpr char kIsNull[] = " IS NULL";
inline constexpr char kIsNotNull[] = " IS NOT NULL";
// Substrings: strpos, like SQLite's instr, is case-sensitive and bytewise.
inline constexpr char kStrpos[] = "strpos(";
inline constexpr char kStrposEnd[] = ") > 0";

// ---- Order and keyset (the rows after a cursor's (key, id)) ----
inline constexpr char kAsc[] = " ASC";
inline constexpr char kDesc[] = " DESC";
inline constexpr char kAscNullsFirst[] = " ASC NULLS FIRST";
inline constexpr char kDescNullsLast[] = " DESC NULLS LAST";
inline constexpr char kIdAsc[] = ", c.uuid ASC";
inline constexpr char kIdDesc[] = ", c.uuid DESC";
inline constexpr char kKeyIdBefore[] = ", c.uuid) < (";  // (key, c.uuid) < ($k, $id)
inline constexpr char kKeyIdAfter[] = ", c.uuid) > (";
inline constexpr char kIdBefore[] = " AND c.uuid < ";
inline constexpr char kIdAfter[] = " AND c.uuid > ";
inline constexpr char kUuidBefore[] = "c.uuid < ";
inline constexpr char kUuidAfter[] = "c.uuid > ";

// ---- Type tags of a page's sort key (its column 3) ----
// "CASE WHEN <key> IS NOT NULL THEN 'i' END": the key's kind, NULL with it.
inline constexpr char kTagOpen[] = ", CASE WHEN ";
inline constexpr char kTagInteger[] = " IS NOT NULL THEN 'i' END";
inline constexpr char kTagText[] = " IS NOT NULL THEN 't' END";

// ---- Columns of cases ----
inline constexpr char kEmpty[] = "";
inline constexpr char kUuid[] = "c.uuid";
inline constexpr char kTitle[] = "c.title";
inline constexpr char kTitleOrdered[] = "c.title COLLATE \"C\"";
inline constexpr char kDescription[] = "c.description";
inline constexpr char kDescriptionOrdered[] = "c.description COLLATE \"C\"";
inline constexpr char kLocale[] = "c.locale";
inline constexpr char kLocaleOrdered[] = "c.locale COLLATE \"C\"";
inline constexpr char kReference[] = "c.reference";
inline constexpr char kReferenceOrdered[] = "c.reference COLLATE \"C\"";
inline constexpr char kStatus[] = "c.status";
inline constexpr char kStatusOrdered[] = "c.status COLLATE \"C\"";
inline constexpr char kParentStatus[] = "c.parent_status";
inline constexpr char kWaitingFor[] = "c.waiting_for";
inline constexpr char kPriority[] = "c.priority";
inline constexpr char kTemplate[] = "c.template_uuid";
inline constexpr char kVersion[] = "c.version";
inline constexpr char kCreatedAt[] = "c.created_at";
inline constexpr char kUpdatedAt[] = "c.updated_at";
inline constexpr char kOpenedAt[] = "c.opened_at";
inline constexpr char kResolvedAt[] = "c.resolved_at";
inline constexpr char kArchivedAt[] = "c.archived_at";

// Enumerations sort and compare by rank, not by name.
inline constexpr char kParentStatusRank[] =
    "CASE c.parent_status WHEN 'draft' THEN 0 WHEN 'pending' THEN 1 "
    "WHEN 'in_progress' THEN 2 WHEN 'closed' THEN 3 END";
inline constexpr char kPriorityRank[] =
    "CASE c.priority WHEN 'info' THEN 0 WHEN 'low' THEN 1 WHEN 'medium' THEN 2 "
    "WHEN 'high' THEN 3 WHEN 'critical' THEN 4 END";

// ---- Linked rows: `<open> ... AND <attribute condition>)` ----

// Contacts of the case (contacts_by_email, contacts_by_given_name, ...,
// then case_contacts_by_contact). Followed by kAnd, the condition on an
// attribute, kClose.
inline constexpr char kContactsOpen[] =
    "EXISTS (SELECT 1 FROM case_contacts cc JOIN contacts ct "
    "ON ct.workspace_id = cc.workspace_id AND ct.id = cc.contact_id "
    "WHERE cc.workspace_id = c.workspace_id AND cc.case_id = c.id";
inline constexpr char kContactEmail[] = "ct.email";
inline constexpr char kContactEmailOrdered[] = "ct.email COLLATE \"C\"";
inline constexpr char kContactName[] = "ct.name";
inline constexpr char kContactNameOrdered[] = "ct.name COLLATE \"C\"";
inline constexpr char kContactGivenName[] = "ct.given_name";
inline constexpr char kContactGivenNameOrdered[] = "ct.given_name COLLATE \"C\"";
inline constexpr char kContactFamilyName[] = "ct.family_name";
inline constexpr char kContactFamilyNameOrdered[] = "ct.family_name COLLATE \"C\"";
inline constexpr char kContactPhone[] = "ct.phone";
inline constexpr char kContactPhoneOrdered[] = "ct.phone COLLATE \"C\"";

// Assignees (users' unique (workspace_id, email), case_assignees_by_user).
inline constexpr char kAssigneesOpen[] =
    "EXISTS (SELECT 1 FROM case_assignees a JOIN users u "
    "ON u.workspace_id = a.workspace_id AND u.id = a.user_id "
    "WHERE a.workspace_id = c.workspace_id AND a.case_id = c.id";
inline constexpr char kUserEmail[] = "u.email";
inline constexpr char kUserEmailOrdered[] = "u.email COLLATE \"C\"";
inline constexpr char kUserUuid[] = "u.uuid";

// The owner (users' primary key; cases_by_owner the other way). False
// without an owner.
inline constexpr char kOwnerOpen[] =
    "EXISTS (SELECT 1 FROM users u WHERE u.workspace_id = c.workspace_id AND u.id = c.owner_id";
inline constexpr char kHasOwner[] = "c.owner_id IS NOT NULL";

// Tags (case_tags_by_tag).
inline constexpr char kTagsOpen[] =
    "EXISTS (SELECT 1 FROM case_tags t WHERE t.workspace_id = c.workspace_id AND t.case_id = c.id";
inline constexpr char kTag[] = "t.tag";
inline constexpr char kTagOrdered[] = "t.tag COLLATE \"C\"";

// The workspace by slug or id: always true or always false within the
// scope.
inline constexpr char kWorkspaceOpen[] =
    "EXISTS (SELECT 1 FROM workspaces w WHERE w.id = c.workspace_id";
inline constexpr char kWorkspaceSlug[] = "w.slug";
inline constexpr char kWorkspaceUuid[] = "w.uuid";

// Full-text search (cases_search). Followed by the words of q (bound, as
// text), kSearchEnd. The words go through the same unaccent() and 'simple'
// parser as the indexed text; each lexeme they give becomes a quoted
// prefix term ('wat':* & 'dam':*), so that nothing in q is read as tsquery
// syntax. Words without a lexeme count for nothing; with none at all the
// query is empty and matches no case (as SQLite's empty phrase does).
inline constexpr char kSearchOpen[] =
    "c.search @@ (SELECT coalesce(string_agg('''' || replace(replace(lexeme, '\\', '\\\\'), "
    "'''', '''''') || ''':*', ' & '), '')::tsquery "
    "FROM unnest(to_tsvector('simple', unaccent(";
inline constexpr char kSearchEnd[] = "))))";

// Schema fields (case_fields_by_number, case_fields_by_text). Followed by
// the key (bound), kAnd, a type restriction, kAnd, the condition on a typed
// column, kClose. typed_number holds numbers, datetimes as epoch
// milliseconds and booleans as 0/1; typed_text holds text and dates as
// 'YYYY-MM-DD'; the type restriction keeps a comparison within one kind of
// value, and picks the column.
inline constexpr char kFieldsOpen[] =
    "EXISTS (SELECT 1 FROM case_fields f WHERE f.workspace_id = c.workspace_id "
    "AND f.case_id = c.id AND f.key = ";
inline constexpr char kFieldNumber[] = "f.typed_number";
inline constexpr char kFieldText[] = "f.typed_text";
inline constexpr char kFieldTextOrdered[] = "f.typed_text COLLATE \"C\"";
inline constexpr char kFieldHasValue[] = "f.value <> 'null'";
inline constexpr char kNumberTypes[] = "f.type IN ('number', 'integer')";
inline constexpr char kBooleanType[] = "f.type = 'boolean'";
inline constexpr char kDateTimeType[] = "f.type = 'datetime'";
inline constexpr char kTextTypes[] = "f.type IN ('text', 'email', 'phone', 'choice', 'date')";
inline constexpr char kSubstringTypes[] = "f.type IN ('text', 'email', 'phone', 'choice')";
// A multi_choice value (a JSON array) holding the option. Followed by the
// option (bound), kHasOptionEnd.
inline constexpr char kHasOption[] =
    "f.type = 'multi_choice' AND f.value::jsonb @> jsonb_build_array(";
inline constexpr char kHasOptionEnd[] = ")";

// ---- Sorting by a schema field ----
// The field's row, if the case has it (at most one: the primary key).
// Followed by the key (bound).
inline constexpr char kJoinSortField[] =
    " LEFT JOIN case_fields sf ON sf.workspace_id = c.workspace_id AND sf.case_id = c.id "
    "AND sf.key = ";
// SQLite orders its one typed_value column NULL, then numbers, then text;
// here the value's class (0 none, 1 number, 2 text) comes first, then the
// number, then the text.
inline constexpr char kSortFieldClass[] =
    "(CASE WHEN sf.typed_number IS NOT NULL THEN 1 WHEN sf.typed_text IS NOT NULL THEN 2 "
    "ELSE 0 END)";
inline constexpr char kSortFieldNumber[] = "sf.typed_number";
inline constexpr char kSortFieldText[] = "sf.typed_text COLLATE \"C\"";
inline constexpr char kClassNone[] = "0";
inline constexpr char kClassNumber[] = "1";
inline constexpr char kClassText[] = "2";
// The key as a page returns it, with its tag: a whole number within
// bigint's range as an integer ('i', as SQLite returns the integers it
// stores), any other number as double precision ('f', in the shortest text
// that reads back exactly: extra_float_digits >= 1, the default), text as
// text ('t'), no value as NULL.
inline constexpr char kSortFieldKey[] =
    "CASE WHEN sf.typed_number IS NULL THEN sf.typed_text "
    "WHEN sf.typed_number = trunc(sf.typed_number) "
    "AND abs(sf.typed_number) < 9223372036854775807::float8 "
    "THEN sf.typed_number::bigint::text ELSE sf.typed_number::text END";
inline constexpr char kSortFieldTag[] =
    ", CASE WHEN sf.typed_number IS NOT NULL THEN "
    "CASE WHEN sf.typed_number = trunc(sf.typed_number) "
    "AND abs(sf.typed_number) < 9223372036854775807::float8 THEN 'i' ELSE 'f' END "
    "WHEN sf.typed_text IS NOT NULL THEN 't' END";

}  // namespace casework::listing::pg_fragments

#endif  // CASEWORK_LIB_LISTING_PG_FRAGMENTS_H_

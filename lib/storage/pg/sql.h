// Every SQL text of the PostgreSQL repository (storage/pg/repository.h), in
// one place: the statements of storage/sql.h, operation by operation, for
// the schema of storage/pg/schema.h.
//
// Connection::Run prepares each on first use, keyed by the constant's
// address. Values are always parameters ($1, $2, ...), sent as text: uuids
// in their hyphenated form, times as epoch milliseconds, arrays as array
// literals ({"a","b"}). Every child row is addressed by its workspace first,
// as its primary key is.
//
// Text is ordered COLLATE "C" (by code point), as SQLite's BINARY orders it,
// whatever the database's own collation.
#ifndef CASEWORK_LIB_STORAGE_PG_SQL_H_
#define CASEWORK_LIB_STORAGE_PG_SQL_H_

namespace casework::storage::pg::sql {

// ---- Transactions ----

inline constexpr char kBeginWrite[] = "BEGIN";
// One snapshot for every statement of the transaction, as SQLite's read
// transaction gives.
inline constexpr char kBeginRead[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
inline constexpr char kRollback[] = "ROLLBACK";

// ---- Full-text search upkeep ----

// Locks the cases linking the contacts $1 (workspaces) / $2 (rows) that
// this transaction renamed: the writer of such a case commits before the
// statement below reads it, so that its document is current.
inline constexpr char kLockCasesOfContacts[] =
    "SELECT 1 FROM cases c WHERE (c.workspace_id, c.id) IN ("
    " SELECT cc.workspace_id, cc.case_id FROM case_contacts cc"
    " WHERE (cc.workspace_id, cc.contact_id) IN"
    "  (SELECT * FROM unnest($1::bigint[], $2::bigint[])))"
    " ORDER BY c.workspace_id, c.id FOR UPDATE OF c";
// Rewrites the search document of the cases $2 of workspace $1 where it
// changed: a patch of other members writes no second row version. No join:
// the plan a connection keeps for a join, made while the database was new,
// would read the whole cases table.
inline constexpr char kRefreshSearch[] =
    "UPDATE cases c SET search = casework_case_search(c.workspace_id, c.id) "
    "WHERE c.workspace_id = $1 AND c.id = ANY ($2::bigint[]) "
    "AND c.search IS DISTINCT FROM casework_case_search(c.workspace_id, c.id)";
// The same for the cases $1 / $2 and the cases linking the contacts $3 /
// $4, after a contact was renamed. A statement of its own: its plan, kept
// by the connection, would otherwise join case_contacts for every write.
inline constexpr char kRefreshSearchWithContacts[] =
    "UPDATE cases c SET search = d.doc "
    "FROM (SELECT k.workspace_id, k.id, casework_case_search(k.workspace_id, k.id) AS doc FROM ("
    "  SELECT * FROM unnest($1::bigint[], $2::bigint[])"
    "  UNION"
    "  SELECT cc.workspace_id, cc.case_id FROM case_contacts cc"
    "  WHERE (cc.workspace_id, cc.contact_id) IN"
    "   (SELECT * FROM unnest($3::bigint[], $4::bigint[]))"
    " ) AS k (workspace_id, id)) AS d "
    "WHERE c.workspace_id = d.workspace_id AND c.id = d.id AND c.search IS DISTINCT FROM d.doc";

// ---- Statistics ----

// How many rows of cases the planner's statistics describe: -1 before the
// table was first analyzed.
inline constexpr char kCasesInStatistics[] =
    "SELECT reltuples FROM pg_class WHERE oid = 'cases'::regclass";
// Every table an insert of cases grows.
inline constexpr char kAnalyzeCaseTables[] =
    "ANALYZE (SKIP_LOCKED) cases, users, contacts, case_assignees, case_tags, case_contacts, "
    "case_fields, case_steps, case_links, case_events, case_counts";

// ---- Workspaces ----

inline constexpr char kFindWorkspaceBySlug[] =
    "SELECT id, uuid, slug, name FROM workspaces WHERE slug = $1";
inline constexpr char kFindWorkspaceByUuid[] =
    "SELECT id, uuid, slug, name FROM workspaces WHERE uuid = $1::uuid";
inline constexpr char kInsertWorkspace[] =
    "INSERT INTO workspaces (uuid, slug, name, created_at) VALUES ($1::uuid, $2, $3, $4)";
inline constexpr char kListWorkspaces[] =
    "SELECT id, uuid, slug, name FROM workspaces ORDER BY slug COLLATE \"C\"";

// ---- Users and contacts ----

inline constexpr char kFindUser[] =
    "SELECT id, uuid, given_name, family_name FROM users WHERE workspace_id = $1 AND email = $2";
// Nothing returned: another writer has the email (the engine finds it).
inline constexpr char kInsertUser[] =
    "INSERT INTO users (workspace_id, uuid, email, given_name, family_name) "
    "VALUES ($1, $2::uuid, $3, $4, $5) ON CONFLICT (workspace_id, email) DO NOTHING RETURNING id";
inline constexpr char kUpdateUserNames[] =
    "UPDATE users SET given_name = $3, family_name = $4 WHERE workspace_id = $1 AND id = $2";

inline constexpr char kFindContactByEmail[] =
    "SELECT id, uuid, name, given_name, family_name, phone FROM contacts "
    "WHERE workspace_id = $1 AND email = $2";
// The contact without email that case $2 links under key $3.
inline constexpr char kFindOwnContact[] =
    "SELECT ct.id, ct.uuid, ct.name, ct.given_name, ct.family_name, ct.phone "
    "FROM case_contacts cc "
    "JOIN contacts ct ON ct.workspace_id = cc.workspace_id AND ct.id = cc.contact_id "
    "WHERE cc.workspace_id = $1 AND cc.case_id = $2 AND cc.key = $3 AND ct.email IS NULL";
// As kInsertUser for a contact with an email; one without never conflicts.
inline constexpr char kInsertContact[] =
    "INSERT INTO contacts (workspace_id, uuid, email, name, given_name, family_name, phone) "
    "VALUES ($1, $2::uuid, $3, $4, $5, $6, $7) "
    "ON CONFLICT (workspace_id, email) WHERE email IS NOT NULL DO NOTHING RETURNING id";
inline constexpr char kUpdateContact[] =
    "UPDATE contacts SET name = $3, given_name = $4, family_name = $5, phone = $6 "
    "WHERE workspace_id = $1 AND id = $2";

// ---- Cases ----

inline constexpr char kFindCase[] =
    "SELECT id, version FROM cases WHERE workspace_id = $1 AND uuid = $2::uuid";
// The row stays locked until the transaction ends: another writer's
// FOR UPDATE waits for it, and then reads the version this one wrote.
inline constexpr char kFindCaseForUpdate[] =
    "SELECT id, version FROM cases WHERE workspace_id = $1 AND uuid = $2::uuid FOR UPDATE";
inline constexpr char kFindCaseInAnyWorkspace[] =
    "SELECT workspace_id, id, version FROM cases WHERE uuid = $1::uuid";

inline constexpr char kCountWorkspaceCases[] =
    "SELECT coalesce(sum(n), 0)::bigint FROM case_counts WHERE workspace_id = $1";
// Every case, read through one cursor of the transaction in batches.
inline constexpr char kDeclareWorkspaceCases[] =
    "DECLARE casework_each_case NO SCROLL CURSOR FOR "
    "SELECT workspace_id, id, version, uuid FROM cases WHERE workspace_id = $1 "
    "ORDER BY created_at, id";
inline constexpr char kDeclareAllCases[] =
    "DECLARE casework_each_case NO SCROLL CURSOR FOR "
    "SELECT workspace_id, id, version, uuid FROM cases ORDER BY id";
inline constexpr char kFetchCases[] = "FETCH 500 FROM casework_each_case";
inline constexpr char kCloseCases[] = "CLOSE casework_each_case";

inline constexpr char kInsertCase[] =
    "INSERT INTO cases (workspace_id, uuid, title, description, locale, reference, status, "
    "parent_status, waiting_for, priority, owner_id, template_uuid, template_version, metadata, "
    "closure_conditions, created_at, updated_at, opened_at, resolved_at, archived_at, version, "
    "last_transition_uuid) "
    "VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::uuid, $13, $14, $15, $16, "
    "$17, $18, $19, $20, 1, $21::uuid) RETURNING id";

// The version guard ($3) is what refuses a stale key: kConflict.
inline constexpr char kUpdateCaseRecord[] =
    "UPDATE cases SET title = $4, description = $5, locale = $6, reference = $7, "
    "waiting_for = $8, priority = $9, owner_id = $10, metadata = $11, closure_conditions = $12, "
    "opened_at = $13, updated_at = $14, version = version + 1 "
    "WHERE workspace_id = $1 AND id = $2 AND version = $3";
inline constexpr char kTouchCase[] =
    "UPDATE cases SET updated_at = $4, version = version + 1 "
    "WHERE workspace_id = $1 AND id = $2 AND version = $3";
inline constexpr char kSetArchivedAt[] =
    "UPDATE cases SET archived_at = $4, updated_at = $5, version = version + 1 "
    "WHERE workspace_id = $1 AND id = $2 AND version = $3";
inline constexpr char kSetStatus[] =
    "UPDATE cases SET status = $4, parent_status = $5, resolved_at = $6, "
    "last_transition_uuid = $7::uuid, updated_at = $8, version = version + 1 "
    "WHERE workspace_id = $1 AND id = $2 AND version = $3";

// Columns as storage/case_rows.h's ReadCaseRecord reads them.
inline constexpr char kSelectCase[] =
    "SELECT c.uuid, w.uuid, w.slug, c.title, c.description, c.locale, c.reference, c.status, "
    "c.parent_status, c.waiting_for, c.priority, u.uuid, u.email, u.given_name, u.family_name, "
    "c.template_uuid, c.metadata, c.closure_conditions, c.created_at, c.updated_at, "
    "c.opened_at, c.resolved_at, c.archived_at, c.version, c.last_transition_uuid "
    "FROM cases c JOIN workspaces w ON w.id = c.workspace_id "
    "LEFT JOIN users u ON u.workspace_id = c.workspace_id AND u.id = c.owner_id "
    "WHERE c.workspace_id = $1 AND c.id = $2";
inline constexpr char kSelectAssignees[] =
    "SELECT u.uuid, u.email, u.given_name, u.family_name FROM case_assignees a "
    "JOIN users u ON u.workspace_id = a.workspace_id AND u.id = a.user_id "
    "WHERE a.workspace_id = $1 AND a.case_id = $2 ORDER BY a.position";
inline constexpr char kSelectTags[] =
    "SELECT tag FROM case_tags WHERE workspace_id = $1 AND case_id = $2 ORDER BY tag COLLATE \"C\"";
inline constexpr char kSelectContacts[] =
    "SELECT ct.uuid, cc.key, ct.email, ct.name, ct.given_name, ct.family_name, ct.phone "
    "FROM case_contacts cc "
    "JOIN contacts ct ON ct.workspace_id = cc.workspace_id AND ct.id = cc.contact_id "
    "WHERE cc.workspace_id = $1 AND cc.case_id = $2 ORDER BY cc.position";
// required as 0/1, as ReadField reads it.
inline constexpr char kSelectFields[] =
    "SELECT key, type, name, value, required::int, options FROM case_fields "
    "WHERE workspace_id = $1 AND case_id = $2 ORDER BY position";
inline constexpr char kSelectSteps[] =
    "SELECT step_id, title, status, data FROM case_steps "
    "WHERE workspace_id = $1 AND case_id = $2 ORDER BY position";
inline constexpr char kSelectLinks[] =
    "SELECT o.uuid FROM case_links l "
    "JOIN cases o ON o.workspace_id = l.workspace_id AND o.id = l.other_id "
    "WHERE l.workspace_id = $1 AND l.case_id = $2 ORDER BY o.uuid";

// Child rows: each kind in one statement, its rows as arrays in order
// (position from 0, as on SQLite).
inline constexpr char kInsertAssignees[] =
    "INSERT INTO case_assignees (workspace_id, case_id, user_id, position) "
    "SELECT $1::bigint, $2::bigint, a.user_id, a.n - 1 "
    "FROM unnest($3::bigint[]) WITH ORDINALITY AS a (user_id, n)";
inline constexpr char kInsertTags[] =
    "INSERT INTO case_tags (workspace_id, case_id, tag) "
    "SELECT $1::bigint, $2::bigint, unnest($3::text[])";
inline constexpr char kInsertCaseContacts[] =
    "INSERT INTO case_contacts (workspace_id, case_id, key, position, contact_id) "
    "SELECT $1::bigint, $2::bigint, l.key, l.n - 1, l.contact_id "
    "FROM unnest($3::text[], $4::bigint[]) WITH ORDINALITY AS l (key, contact_id, n)";
inline constexpr char kInsertFields[] =
    "INSERT INTO case_fields (workspace_id, case_id, key, position, type, name, value, "
    "typed_number, typed_text, required, options) "
    "SELECT $1::bigint, $2::bigint, f.key, f.n - 1, f.type, f.name, f.value, f.typed_number, "
    "f.typed_text, f.required, f.options "
    "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::float8[], $8::text[], "
    "$9::boolean[], $10::text[]) WITH ORDINALITY "
    "AS f (key, type, name, value, typed_number, typed_text, required, options, n)";
inline constexpr char kInsertSteps[] =
    "INSERT INTO case_steps (workspace_id, case_id, step_id, position, title, status, data) "
    "SELECT $1::bigint, $2::bigint, s.step_id, s.n - 1, s.title, s.status, s.data "
    "FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY "
    "AS s (step_id, title, status, data, n)";

inline constexpr char kDeleteAssignees[] =
    "DELETE FROM case_assignees WHERE workspace_id = $1 AND case_id = $2";
inline constexpr char kDeleteTags[] =
    "DELETE FROM case_tags WHERE workspace_id = $1 AND case_id = $2";
inline constexpr char kDeleteCaseContacts[] =
    "DELETE FROM case_contacts WHERE workspace_id = $1 AND case_id = $2";
inline constexpr char kDeleteFields[] =
    "DELETE FROM case_fields WHERE workspace_id = $1 AND case_id = $2";
inline constexpr char kDeleteSteps[] =
    "DELETE FROM case_steps WHERE workspace_id = $1 AND case_id = $2";

// The fields $3 of case $2 take the values $4 (JSON text) and typed values
// $5 / $6, element by element.
inline constexpr char kUpdateFieldValues[] =
    "UPDATE case_fields f SET value = u.value, typed_number = u.typed_number, "
    "typed_text = u.typed_text "
    "FROM unnest($3::text[], $4::text[], $5::float8[], $6::text[]) "
    "AS u (key, value, typed_number, typed_text) "
    "WHERE f.workspace_id = $1 AND f.case_id = $2 AND f.key = u.key";
inline constexpr char kUpdateStep[] =
    "UPDATE case_steps SET title = $4, status = $5, data = $6 "
    "WHERE workspace_id = $1 AND case_id = $2 AND step_id = $3";

// Both directions of the link between cases $2 and $3.
inline constexpr char kInsertLink[] =
    "INSERT INTO case_links (workspace_id, case_id, other_id) VALUES ($1, $2, $3), ($1, $3, $2) "
    "ON CONFLICT DO NOTHING";
inline constexpr char kDeleteLink[] =
    "DELETE FROM case_links WHERE workspace_id = $1 "
    "AND ((case_id = $2 AND other_id = $3) OR (case_id = $3 AND other_id = $2))";

// ---- Templates ----

// Columns: row, uuid, workspace uuid, slug and name, name, version,
// created_at, updated_at, the current version's definition.
inline constexpr char kSelectTemplate[] =
    "SELECT t.id, t.uuid, w.uuid, w.slug, t.name, t.version, t.created_at, t.updated_at, "
    "v.definition FROM templates t JOIN workspaces w ON w.id = t.workspace_id "
    "JOIN template_versions v "
    "ON v.workspace_id = t.workspace_id AND v.template_id = t.id AND v.version = t.version "
    "WHERE t.workspace_id = $1 AND t.uuid = $2::uuid";
inline constexpr char kListTemplates[] =
    "SELECT t.id, t.uuid, w.uuid, w.slug, t.name, t.version, t.created_at, t.updated_at, "
    "v.definition FROM templates t JOIN workspaces w ON w.id = t.workspace_id "
    "JOIN template_versions v "
    "ON v.workspace_id = t.workspace_id AND v.template_id = t.id AND v.version = t.version "
    "WHERE t.workspace_id = $1 ORDER BY t.name COLLATE \"C\", t.uuid";
inline constexpr char kInsertTemplate[] =
    "INSERT INTO templates (workspace_id, uuid, name, version, created_at, updated_at) "
    "VALUES ($1, $2::uuid, $3, 1, $4, $4) RETURNING id";
inline constexpr char kInsertTemplateVersion[] =
    "INSERT INTO template_versions (workspace_id, template_id, version, definition, created_at) "
    "VALUES ($1, $2, $3, $4, $5)";
// Guarded by the version read ($3): kConflict when another writer moved it.
inline constexpr char kUpdateTemplate[] =
    "UPDATE templates SET name = $4, version = version + 1, updated_at = $5 "
    "WHERE workspace_id = $1 AND id = $2 AND version = $3";
inline constexpr char kSelectCaseTemplateDefinition[] =
    "SELECT v.definition FROM cases c "
    "JOIN templates t ON t.workspace_id = c.workspace_id AND t.uuid = c.template_uuid "
    "JOIN template_versions v "
    "ON v.workspace_id = t.workspace_id AND v.template_id = t.id "
    "AND v.version = c.template_version "
    "WHERE c.workspace_id = $1 AND c.id = $2";

// ---- History ----

// Held from a transaction's first event to its end: change numbers are
// then given one writer at a time, each one past the largest committed
// (schema.h, version 2). The key is another constant of casework's.
inline constexpr char kLockChanges[] = "SELECT pg_advisory_xact_lock(25464)";
inline constexpr char kInsertEvent[] =
    "INSERT INTO case_events (workspace_id, case_id, at, actor, kind, changes, details, uuid, "
    "seq, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid, $9, "
    "(SELECT coalesce(max(change_seq), 0) + 1 FROM case_events))";
// The case's next event: seq one past its last. The writer holds the
// case's row lock, so two cannot take the same number.
inline constexpr char kAppendEvent[] =
    "INSERT INTO case_events (workspace_id, case_id, at, actor, kind, changes, details, uuid, "
    "seq, change_seq) SELECT $1, $2, $3, $4, $5, $6, $7, $8::uuid, coalesce(max(seq), 0) + 1, "
    "(SELECT coalesce(max(change_seq), 0) + 1 FROM case_events) FROM case_events "
    "WHERE workspace_id = $1 AND case_id = $2";
inline constexpr char kSelectEvents[] =
    "SELECT seq, at, actor, kind, changes, details, uuid, change_seq FROM case_events "
    "WHERE workspace_id = $1 AND case_id = $2 ORDER BY seq";

// ---- Change feed and sync ----

inline constexpr char kSelectChanges[] =
    "SELECT e.seq, e.at, e.actor, e.kind, e.changes, e.details, e.uuid, e.change_seq, "
    "c.uuid, w.slug FROM case_events e "
    "JOIN cases c ON c.workspace_id = e.workspace_id AND c.id = e.case_id "
    "JOIN workspaces w ON w.id = e.workspace_id "
    "WHERE e.change_seq > $1 ORDER BY e.change_seq LIMIT $2";
inline constexpr char kSelectEventIdAtChange[] =
    "SELECT uuid FROM case_events WHERE change_seq = $1";
inline constexpr char kSelectDatabaseId[] = "SELECT uuid FROM casework_database WHERE id = 1";
inline constexpr char kSelectSyncPeer[] =
    "SELECT change_seq, event FROM sync_peers WHERE peer = $1::uuid";
inline constexpr char kUpsertSyncPeer[] =
    "INSERT INTO sync_peers (peer, change_seq, event) VALUES ($1::uuid, $2, $3::uuid) "
    "ON CONFLICT (peer) DO UPDATE SET change_seq = excluded.change_seq, event = excluded.event";
inline constexpr char kSelectConflict[] =
    "SELECT peer, at, remote FROM sync_conflicts WHERE workspace_id = $1 AND case_id = $2";
inline constexpr char kUpsertConflict[] =
    "INSERT INTO sync_conflicts (workspace_id, case_id, peer, at, remote) "
    "VALUES ($1, $2, $3::uuid, $4, $5) ON CONFLICT (workspace_id, case_id) DO UPDATE "
    "SET peer = excluded.peer, at = excluded.at, remote = excluded.remote";
inline constexpr char kDeleteConflict[] =
    "DELETE FROM sync_conflicts WHERE workspace_id = $1 AND case_id = $2";
inline constexpr char kSelectConflicts[] =
    "SELECT c.uuid, k.peer, k.at, k.remote FROM sync_conflicts k "
    "JOIN cases c ON c.workspace_id = k.workspace_id AND c.id = k.case_id "
    "WHERE k.workspace_id = $1 ORDER BY k.at, c.uuid";
inline constexpr char kSetCaseVersion[] =
    "UPDATE cases SET version = $4, updated_at = $5 "
    "WHERE workspace_id = $1 AND id = $2 AND version = $3";

// ---- Verify ----

// Each (workspace, status, archived) whose kept count is not the number of
// its cases: workspace row, status, parent status, archived (0/1), the
// count kept (0 when absent), the cases counted.
inline constexpr char kCountsDiffering[] =
    "SELECT workspace_id, status, parent_status, archived::int, coalesce(kept.n, 0), "
    "coalesce(counted.n, 0) "
    "FROM (SELECT workspace_id, status, parent_status, archived, n FROM case_counts "
    "      WHERE n <> 0) AS kept "
    "FULL JOIN (SELECT workspace_id, status, parent_status, archived_at IS NOT NULL AS archived, "
    "           count(*) AS n FROM cases GROUP BY 1, 2, 3, 4) AS counted "
    "USING (workspace_id, status, parent_status, archived) "
    "WHERE coalesce(kept.n, 0) <> coalesce(counted.n, 0) "
    "ORDER BY workspace_id, status COLLATE \"C\", parent_status, archived";

}  // namespace casework::storage::pg::sql

#endif  // CASEWORK_LIB_STORAGE_PG_SQL_H_

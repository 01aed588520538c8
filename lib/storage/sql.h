// Every SQL text of casework, in one place.
//
// The statement cache is keyed by the address of these constants, so each
// text is prepared once per connection. Values are always bound (?N), never
// spliced into the text.
//
// Layout: INTEGER rowid keys join the tables; the public UUIDs are 16-byte
// BLOBs with their own unique index. Child tables of a case are WITHOUT ROWID
// and keyed by (case_id, ...), so a case's rows sit together on few pages.
// Times are INTEGER milliseconds since the Unix epoch (UTC).
#ifndef CASEWORK_LIB_STORAGE_SQL_H_
#define CASEWORK_LIB_STORAGE_SQL_H_

namespace casework::storage::sql {

// ---- Schema ----

// Version 1: the tables. Frozen: released migrations never change.
inline constexpr char kSchemaV1[] = R"sql(
CREATE TABLE workspaces (
  id INTEGER PRIMARY KEY,
  uuid BLOB NOT NULL UNIQUE,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  uuid BLOB NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  email TEXT NOT NULL COLLATE NOCASE,
  given_name TEXT,
  family_name TEXT,
  UNIQUE (workspace_id, email)
);
CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  uuid BLOB NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  email TEXT COLLATE NOCASE,
  name TEXT,
  given_name TEXT,
  family_name TEXT,
  phone TEXT
);
CREATE UNIQUE INDEX contacts_by_email ON contacts (workspace_id, email)
  WHERE email IS NOT NULL;
CREATE TABLE cases (
  id INTEGER PRIMARY KEY,
  uuid BLOB NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  title TEXT NOT NULL,
  description TEXT,
  locale TEXT,
  reference TEXT,
  status TEXT NOT NULL,
  parent_status TEXT NOT NULL,
  waiting_for TEXT NOT NULL,
  priority TEXT,
  owner_id INTEGER REFERENCES users(id),
  template_uuid BLOB,
  metadata TEXT NOT NULL,
  closure_conditions TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  opened_at INTEGER,
  resolved_at INTEGER,
  archived_at INTEGER,
  version INTEGER NOT NULL,
  last_transition_uuid BLOB
);
CREATE TABLE case_assignees (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (case_id, user_id)
) WITHOUT ROWID;
CREATE TABLE case_tags (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (case_id, tag)
) WITHOUT ROWID;
CREATE TABLE case_contacts (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  position INTEGER NOT NULL,
  contact_id INTEGER NOT NULL REFERENCES contacts(id),
  PRIMARY KEY (case_id, key)
) WITHOUT ROWID;
-- value: the JSON text of the value as given; typed_value: the same value as
-- an SQLite scalar that sorts in the field type's order (numbers as numbers,
-- dates as 'YYYY-MM-DD', datetimes as epoch milliseconds), for filters.
CREATE TABLE case_fields (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  position INTEGER NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  typed_value,  -- no declared type: no affinity, values keep their class
  required INTEGER NOT NULL,
  options TEXT,
  PRIMARY KEY (case_id, key)
) WITHOUT ROWID;
CREATE TABLE case_steps (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  step_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (case_id, step_id)
) WITHOUT ROWID;
-- Links are symmetric: each is stored in both directions.
CREATE TABLE case_links (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  other_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  PRIMARY KEY (case_id, other_id)
) WITHOUT ROWID;
CREATE TABLE case_events (
  case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  actor TEXT NOT NULL,
  kind TEXT NOT NULL,
  changes TEXT NOT NULL,
  details TEXT NOT NULL,
  PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;
)sql";

inline constexpr char kInsertDefaultWorkspace[] =
    "INSERT INTO workspaces (uuid, slug, name, created_at) "
    "VALUES (?1, 'default', 'Default', CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))";

// Version 2: indexes for the list filters. Each starts with workspace_id
// where the filter is scoped by workspace, and ends with created_at so the
// default sort (-created_at) reads in index order.
inline constexpr char kSchemaV2[] = R"sql(
CREATE INDEX cases_by_created ON cases (workspace_id, created_at);
CREATE INDEX cases_by_parent_status ON cases (workspace_id, parent_status, created_at);
CREATE INDEX cases_by_status ON cases (workspace_id, status, created_at);
CREATE INDEX cases_by_reference ON cases (workspace_id, reference);
CREATE INDEX cases_by_template ON cases (workspace_id, template_uuid);
CREATE INDEX cases_by_updated ON cases (workspace_id, updated_at);
CREATE INDEX cases_by_owner ON cases (owner_id);
CREATE INDEX case_assignees_by_user ON case_assignees (user_id);
CREATE INDEX case_tags_by_tag ON case_tags (tag);
CREATE INDEX case_contacts_by_contact ON case_contacts (contact_id);
CREATE INDEX case_fields_by_value ON case_fields (key, typed_value);
CREATE INDEX case_links_by_other ON case_links (other_id);
CREATE INDEX contacts_by_given_name ON contacts (workspace_id, given_name);
CREATE INDEX contacts_by_family_name ON contacts (workspace_id, family_name);
)sql";

// Version 3: templates, each a row naming its current version and an
// immutable definition per version. A case records the version it was
// created from, so a template change never rewrites existing cases.
inline constexpr char kSchemaV3[] = R"sql(
CREATE TABLE templates (
  id INTEGER PRIMARY KEY,
  uuid BLOB NOT NULL UNIQUE,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX templates_by_workspace ON templates (workspace_id, name);
CREATE TABLE template_versions (
  template_id INTEGER NOT NULL REFERENCES templates(id),
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (template_id, version)
) WITHOUT ROWID;
ALTER TABLE cases ADD COLUMN template_version INTEGER;
)sql";

// Version 4: listing at index speed, and full-text search.
//
// List indexes. Every list query is scoped by workspace_id and, unless it
// names `archived`, filters on archived_at; pages are ordered by a sort key
// and then by uuid (the public id, ties broken in the sort's direction).
// These indexes end in (created_at | updated_at, uuid, archived_at), so that
//  - the default page (-created_at) and a keyset page after a cursor read
//    the index in order and stop after page[size] rows, whatever the page;
//  - counting a workspace's live cases, or those of a status, reads the
//    index alone (covering: archived_at is in it), never the table.
// They replace the version-2 indexes that were their prefixes.
//
// Full-text search. case_search is an FTS5 index (rowid = cases.id) over
// title, description, reference and the names of the linked contacts;
// unicode61 folds case and strips diacritics ("Élodie" matches "elodie").
// SQLite (3.40) refuses FTS5 writes inside triggers under PRAGMA
// trusted_schema=OFF, which every casework connection sets, so the triggers
// below only note which cases changed, in case_search_pending, and every
// write transaction re-indexes those cases just before COMMIT (storage/
// search.cc, called by WriteTransaction::Commit): the index changes in the
// same transaction as the rows it mirrors. A contact's name change marks
// every case linking the contact. The migration indexes existing cases.
inline constexpr char kSchemaV4[] = R"sql(
DROP INDEX cases_by_created;
DROP INDEX cases_by_updated;
DROP INDEX cases_by_parent_status;
DROP INDEX cases_by_status;
CREATE INDEX cases_list_created ON cases (workspace_id, created_at, uuid, archived_at);
CREATE INDEX cases_list_updated ON cases (workspace_id, updated_at, uuid, archived_at);
CREATE INDEX cases_list_parent_status
  ON cases (workspace_id, parent_status, created_at, uuid, archived_at);
CREATE INDEX cases_list_status ON cases (workspace_id, status, created_at, uuid, archived_at);

CREATE VIRTUAL TABLE case_search USING fts5 (
  title, description, reference, contacts,
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE case_search_pending (case_id INTEGER PRIMARY KEY);
CREATE TRIGGER case_search_case_inserted AFTER INSERT ON cases BEGIN
  INSERT OR IGNORE INTO case_search_pending (case_id) VALUES (new.id);
END;
CREATE TRIGGER case_search_case_updated
  AFTER UPDATE OF title, description, reference ON cases BEGIN
  INSERT OR IGNORE INTO case_search_pending (case_id) VALUES (new.id);
END;
CREATE TRIGGER case_search_case_deleted AFTER DELETE ON cases BEGIN
  INSERT OR IGNORE INTO case_search_pending (case_id) VALUES (old.id);
END;
CREATE TRIGGER case_search_contact_linked AFTER INSERT ON case_contacts BEGIN
  INSERT OR IGNORE INTO case_search_pending (case_id) VALUES (new.case_id);
END;
CREATE TRIGGER case_search_contact_unlinked AFTER DELETE ON case_contacts BEGIN
  INSERT OR IGNORE INTO case_search_pending (case_id) VALUES (old.case_id);
END;
CREATE TRIGGER case_search_contact_relinked AFTER UPDATE ON case_contacts BEGIN
  INSERT OR IGNORE INTO case_search_pending (case_id) VALUES (old.case_id);
  INSERT OR IGNORE INTO case_search_pending (case_id) VALUES (new.case_id);
END;
CREATE TRIGGER case_search_contact_renamed
  AFTER UPDATE OF name, given_name, family_name ON contacts BEGIN
  INSERT OR IGNORE INTO case_search_pending (case_id)
    SELECT case_id FROM case_contacts WHERE contact_id = new.id;
END;
INSERT INTO case_search (rowid, title, description, reference, contacts)
  SELECT c.id, c.title, c.description, c.reference,
    (SELECT group_concat(coalesce(ct.name, '') || ' ' || coalesce(ct.given_name, '') || ' ' ||
                         coalesce(ct.family_name, ''), ' ')
       FROM case_contacts cc JOIN contacts ct ON ct.id = cc.contact_id
      WHERE cc.case_id = c.id)
  FROM cases c;
)sql";

// Version 5: data. filters read the index alone. A filter on a schema
// field restricts the field's type (numbers, datetimes and booleans are
// all numbers in typed_value), and with (key, typed_value) only, each
// match cost a lookup of its row for the type. The index now holds it.
inline constexpr char kSchemaV5[] = R"sql(
DROP INDEX case_fields_by_value;
CREATE INDEX case_fields_by_value ON case_fields (key, typed_value, type);
)sql";

// Version 6: how many cases each workspace has in each status, archived or
// not, kept by triggers (so whatever writes the file keeps it true). A list
// page filtered by nothing else takes its total_count from here instead of
// counting its matches: the count of an unselective filter is what a list
// page at a million cases spent its time on. The migration counts the
// existing cases; verify compares the two.
inline constexpr char kSchemaV6[] = R"sql(
CREATE TABLE case_counts (
  workspace_id INTEGER NOT NULL,
  status TEXT NOT NULL,
  parent_status TEXT NOT NULL,
  archived INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (workspace_id, archived, parent_status, status)
) WITHOUT ROWID;
CREATE TRIGGER case_counts_inserted AFTER INSERT ON cases BEGIN
  INSERT INTO case_counts (workspace_id, status, parent_status, archived, n)
    VALUES (new.workspace_id, new.status, new.parent_status, new.archived_at IS NOT NULL, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER case_counts_deleted AFTER DELETE ON cases BEGIN
  UPDATE case_counts SET n = n - 1
   WHERE workspace_id = old.workspace_id AND archived = (old.archived_at IS NOT NULL)
     AND parent_status = old.parent_status AND status = old.status;
END;
CREATE TRIGGER case_counts_moved
  AFTER UPDATE OF workspace_id, status, parent_status, archived_at ON cases
  WHEN old.workspace_id IS NOT new.workspace_id OR old.status IS NOT new.status
    OR old.parent_status IS NOT new.parent_status
    OR (old.archived_at IS NULL) <> (new.archived_at IS NULL)
BEGIN
  UPDATE case_counts SET n = n - 1
   WHERE workspace_id = old.workspace_id AND archived = (old.archived_at IS NOT NULL)
     AND parent_status = old.parent_status AND status = old.status;
  INSERT INTO case_counts (workspace_id, status, parent_status, archived, n)
    VALUES (new.workspace_id, new.status, new.parent_status, new.archived_at IS NOT NULL, 1)
    ON CONFLICT DO UPDATE SET n = n + 1;
END;
INSERT INTO case_counts (workspace_id, status, parent_status, archived, n)
  SELECT workspace_id, status, parent_status, archived_at IS NOT NULL, count(*)
    FROM cases GROUP BY 1, 2, 3, 4;
)sql";

// Version 7: the change feed and sync (docs/SYNC.md). Every event gets
// an id, the same in every database it is copied to, and a change number
// counting the database's events in commit order: one writer at a time,
// so one past the largest is never taken twice nor skipped. Existing
// events are numbered in the order they happened. The database gets an id
// of its own, the peers it pulled from how far it got, and a case whose
// changes met a peer's the peer's side, kept until resolved.
inline constexpr char kSchemaV7[] = R"sql(
ALTER TABLE case_events ADD COLUMN change_seq INTEGER;
ALTER TABLE case_events ADD COLUMN uuid BLOB;
UPDATE case_events SET change_seq = numbered.n, uuid = randomblob(16)
  FROM (SELECT case_id, seq, row_number() OVER (ORDER BY at, case_id, seq) AS n
          FROM case_events) AS numbered
 WHERE case_events.case_id = numbered.case_id AND case_events.seq = numbered.seq;
CREATE UNIQUE INDEX case_events_by_change ON case_events (change_seq);
CREATE TABLE casework_database (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  uuid BLOB NOT NULL
);
CREATE TABLE sync_peers (
  peer BLOB PRIMARY KEY,
  change_seq INTEGER NOT NULL,
  event BLOB
) WITHOUT ROWID;
CREATE TABLE sync_conflicts (
  case_id INTEGER PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
  peer BLOB NOT NULL,
  at INTEGER NOT NULL,
  remote TEXT NOT NULL
);
)sql";
inline constexpr char kInsertDatabaseId[] = "INSERT INTO casework_database (id, uuid) VALUES (1, ?1)";


// verify: each (workspace, status, archived) whose kept count is not the
// number of its cases: workspace row, status, parent status, archived, the
// count kept (0 when absent), the cases counted.
inline constexpr char kCountsDiffering[] =
    "SELECT workspace_id, status, parent_status, archived, coalesce(kept.n, 0), "
    "coalesce(counted.n, 0) "
    "FROM (SELECT workspace_id, status, parent_status, archived, n FROM case_counts "
    "      WHERE n <> 0) AS kept "
    "FULL JOIN (SELECT workspace_id, status, parent_status, archived_at IS NOT NULL AS archived, "
    "           count(*) AS n FROM cases GROUP BY 1, 2, 3, 4) AS counted "
    "USING (workspace_id, status, parent_status, archived) "
    "WHERE coalesce(kept.n, 0) <> coalesce(counted.n, 0)";

// ---- Full-text search upkeep (storage/search.cc) ----

inline constexpr char kSearchPending[] = "SELECT EXISTS (SELECT 1 FROM case_search_pending)";
inline constexpr char kSearchDropPending[] =
    "DELETE FROM case_search WHERE rowid IN (SELECT case_id FROM case_search_pending)";
inline constexpr char kSearchIndexPending[] =
    "INSERT INTO case_search (rowid, title, description, reference, contacts) "
    "SELECT c.id, c.title, c.description, c.reference, "
    "(SELECT group_concat(coalesce(ct.name, '') || ' ' || coalesce(ct.given_name, '') || ' ' || "
    "coalesce(ct.family_name, ''), ' ') "
    "FROM case_contacts cc JOIN contacts ct ON ct.id = cc.contact_id WHERE cc.case_id = c.id) "
    "FROM case_search_pending p JOIN cases c ON c.id = p.case_id";
inline constexpr char kSearchClearPending[] = "DELETE FROM case_search_pending";

// ---- Workspaces ----

inline constexpr char kFindWorkspaceBySlug[] =
    "SELECT id, uuid, slug, name FROM workspaces WHERE slug = ?1";
inline constexpr char kFindWorkspaceByUuid[] =
    "SELECT id, uuid, slug, name FROM workspaces WHERE uuid = ?1";
inline constexpr char kInsertWorkspace[] =
    "INSERT INTO workspaces (uuid, slug, name, created_at) VALUES (?1, ?2, ?3, ?4)";
inline constexpr char kListWorkspaces[] =
    "SELECT id, uuid, slug, name FROM workspaces ORDER BY slug";

// ---- Users and contacts ----

inline constexpr char kFindUser[] =
    "SELECT id, uuid, email, given_name, family_name FROM users "
    "WHERE workspace_id = ?1 AND email = ?2";
inline constexpr char kInsertUser[] =
    "INSERT INTO users (uuid, workspace_id, email, given_name, family_name) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr char kUpdateUserNames[] =
    "UPDATE users SET given_name = ?2, family_name = ?3 WHERE id = ?1";

inline constexpr char kFindContactByEmail[] =
    "SELECT id, uuid, email, name, given_name, family_name, phone FROM contacts "
    "WHERE workspace_id = ?1 AND email = ?2";
// The contact without email that a case links under a key: it is the case's
// own (never merged), so a replace updates it instead of making another.
inline constexpr char kFindLinkedContactWithoutEmail[] =
    "SELECT ct.id, ct.uuid, ct.email, ct.name, ct.given_name, ct.family_name, ct.phone "
    "FROM case_contacts cc JOIN contacts ct ON ct.id = cc.contact_id "
    "WHERE cc.case_id = ?1 AND cc.key = ?2 AND ct.email IS NULL";
inline constexpr char kInsertContact[] =
    "INSERT INTO contacts (uuid, workspace_id, email, name, given_name, family_name, phone) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
inline constexpr char kUpdateContact[] =
    "UPDATE contacts SET name = ?2, given_name = ?3, family_name = ?4, phone = ?5 "
    "WHERE id = ?1";

// ---- Cases ----

inline constexpr char kFindCase[] =
    "SELECT id, version FROM cases WHERE uuid = ?1 AND workspace_id = ?2";

inline constexpr char kInsertCase[] =
    "INSERT INTO cases (uuid, workspace_id, title, description, locale, reference, status, "
    "parent_status, waiting_for, priority, owner_id, template_uuid, metadata, "
    "closure_conditions, created_at, updated_at, opened_at, resolved_at, archived_at, "
    "version, last_transition_uuid, template_version) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
    "?18, ?19, 1, ?21, ?20)";
inline constexpr char kFindCaseInAnyWorkspace[] =
    "SELECT id, workspace_id, version FROM cases WHERE uuid = ?1";

// Export: every case of a workspace, oldest first (cases_list_created, no
// sort), and how many there are (from the kept counts). Verify: every case
// of every workspace.
inline constexpr char kCountWorkspaceCases[] =
    "SELECT coalesce(sum(n), 0) FROM case_counts WHERE workspace_id = ?1";
inline constexpr char kSelectWorkspaceCaseRows[] =
    "SELECT id, uuid, workspace_id, version FROM cases WHERE workspace_id = ?1 "
    "ORDER BY created_at, id";
inline constexpr char kSelectAllCaseRows[] =
    "SELECT id, uuid, workspace_id, version FROM cases ORDER BY id";

// The members replace and patch may change. The version guard is redundant
// under BEGIN IMMEDIATE and kept so that no code path can lose an update.
inline constexpr char kUpdateCaseRecord[] =
    "UPDATE cases SET title = ?3, description = ?4, locale = ?5, reference = ?6, "
    "waiting_for = ?7, priority = ?8, owner_id = ?9, metadata = ?10, "
    "closure_conditions = ?11, opened_at = ?12, updated_at = ?13, version = version + 1 "
    "WHERE id = ?1 AND version = ?2";
inline constexpr char kTouchCase[] =
    "UPDATE cases SET updated_at = ?3, version = version + 1 WHERE id = ?1 AND version = ?2";
inline constexpr char kSetArchivedAt[] =
    "UPDATE cases SET archived_at = ?3, updated_at = ?4, version = version + 1 "
    "WHERE id = ?1 AND version = ?2";

// A transition: the status columns move together.
inline constexpr char kSetStatus[] =
    "UPDATE cases SET status = ?3, parent_status = ?4, resolved_at = ?5, "
    "last_transition_uuid = ?6, updated_at = ?7, version = version + 1 "
    "WHERE id = ?1 AND version = ?2";

inline constexpr char kSelectCase[] =
    "SELECT c.uuid, w.uuid, w.slug, c.title, c.description, c.locale, c.reference, "
    "c.status, c.parent_status, c.waiting_for, c.priority, u.uuid, u.email, u.given_name, "
    "u.family_name, c.template_uuid, c.metadata, c.closure_conditions, c.created_at, "
    "c.updated_at, c.opened_at, c.resolved_at, c.archived_at, c.version, "
    "c.last_transition_uuid "
    "FROM cases c JOIN workspaces w ON w.id = c.workspace_id "
    "LEFT JOIN users u ON u.id = c.owner_id WHERE c.id = ?1";
inline constexpr char kSelectAssignees[] =
    "SELECT u.uuid, u.email, u.given_name, u.family_name "
    "FROM case_assignees a JOIN users u ON u.id = a.user_id "
    "WHERE a.case_id = ?1 ORDER BY a.position";
inline constexpr char kSelectTags[] = "SELECT tag FROM case_tags WHERE case_id = ?1 ORDER BY tag";
inline constexpr char kSelectContacts[] =
    "SELECT ct.uuid, cc.key, ct.email, ct.name, ct.given_name, ct.family_name, ct.phone "
    "FROM case_contacts cc JOIN contacts ct ON ct.id = cc.contact_id "
    "WHERE cc.case_id = ?1 ORDER BY cc.position";
inline constexpr char kSelectFields[] =
    "SELECT key, type, name, value, required, options FROM case_fields "
    "WHERE case_id = ?1 ORDER BY position";
inline constexpr char kSelectSteps[] =
    "SELECT step_id, title, status, data FROM case_steps WHERE case_id = ?1 ORDER BY position";
inline constexpr char kSelectLinks[] =
    "SELECT o.uuid FROM case_links l JOIN cases o ON o.id = l.other_id "
    "WHERE l.case_id = ?1 ORDER BY o.uuid";

inline constexpr char kDeleteAssignees[] = "DELETE FROM case_assignees WHERE case_id = ?1";
inline constexpr char kDeleteTags[] = "DELETE FROM case_tags WHERE case_id = ?1";
inline constexpr char kDeleteCaseContacts[] = "DELETE FROM case_contacts WHERE case_id = ?1";
inline constexpr char kDeleteFields[] = "DELETE FROM case_fields WHERE case_id = ?1";
inline constexpr char kDeleteSteps[] = "DELETE FROM case_steps WHERE case_id = ?1";

inline constexpr char kInsertAssignee[] =
    "INSERT INTO case_assignees (case_id, user_id, position) VALUES (?1, ?2, ?3)";
inline constexpr char kInsertTag[] = "INSERT INTO case_tags (case_id, tag) VALUES (?1, ?2)";
inline constexpr char kInsertCaseContact[] =
    "INSERT INTO case_contacts (case_id, key, position, contact_id) VALUES (?1, ?2, ?3, ?4)";
inline constexpr char kInsertField[] =
    "INSERT INTO case_fields (case_id, key, position, type, name, value, typed_value, "
    "required, options) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr char kUpdateFieldValue[] =
    "UPDATE case_fields SET value = ?3, typed_value = ?4 WHERE case_id = ?1 AND key = ?2";
inline constexpr char kInsertStep[] =
    "INSERT INTO case_steps (case_id, step_id, position, title, status, data) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr char kUpdateStep[] =
    "UPDATE case_steps SET title = ?3, status = ?4, data = ?5 "
    "WHERE case_id = ?1 AND step_id = ?2";
inline constexpr char kInsertLink[] =
    "INSERT OR IGNORE INTO case_links (case_id, other_id) VALUES (?1, ?2)";
inline constexpr char kDeleteLink[] =
    "DELETE FROM case_links WHERE case_id = ?1 AND other_id = ?2";

// ---- Templates ----

inline constexpr char kSelectTemplate[] =
    "SELECT t.id, t.uuid, w.uuid, w.slug, t.name, t.version, t.created_at, t.updated_at, "
    "v.definition FROM templates t JOIN workspaces w ON w.id = t.workspace_id "
    "JOIN template_versions v ON v.template_id = t.id AND v.version = t.version "
    "WHERE t.uuid = ?1 AND t.workspace_id = ?2";
inline constexpr char kListTemplates[] =
    "SELECT t.id, t.uuid, w.uuid, w.slug, t.name, t.version, t.created_at, t.updated_at, "
    "v.definition FROM templates t JOIN workspaces w ON w.id = t.workspace_id "
    "JOIN template_versions v ON v.template_id = t.id AND v.version = t.version "
    "WHERE t.workspace_id = ?1 ORDER BY t.name, t.uuid";
inline constexpr char kInsertTemplate[] =
    "INSERT INTO templates (uuid, workspace_id, name, version, created_at, updated_at) "
    "VALUES (?1, ?2, ?3, 1, ?4, ?4)";
inline constexpr char kInsertTemplateVersion[] =
    "INSERT INTO template_versions (template_id, version, definition, created_at) "
    "VALUES (?1, ?2, ?3, ?4)";
inline constexpr char kUpdateTemplate[] =
    "UPDATE templates SET name = ?3, version = version + 1, updated_at = ?4 "
    "WHERE id = ?1 AND version = ?2";
// The definition of the template version a case was created from.
inline constexpr char kSelectCaseWorkflow[] =
    "SELECT v.definition FROM cases c "
    "JOIN templates t ON t.uuid = c.template_uuid "
    "JOIN template_versions v ON v.template_id = t.id AND v.version = c.template_version "
    "WHERE c.id = ?1";

// ---- History ----

// An event takes the database's next change number, one past its largest:
// the writer holds the write lock, so numbers follow commits.
inline constexpr char kInsertEvent[] =
    "INSERT INTO case_events (case_id, at, actor, kind, changes, details, uuid, seq, change_seq) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, (SELECT COALESCE(MAX(change_seq), 0) + 1 FROM case_events))";
// The case's next event: seq one past its last.
inline constexpr char kAppendEvent[] =
    "INSERT INTO case_events (case_id, at, actor, kind, changes, details, uuid, seq, change_seq) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, COALESCE(MAX(seq), 0) + 1, "
    "(SELECT COALESCE(MAX(change_seq), 0) + 1 FROM case_events) FROM case_events WHERE case_id = ?1";
inline constexpr char kSelectEvents[] =
    "SELECT seq, at, actor, kind, changes, details, uuid, change_seq FROM case_events "
    "WHERE case_id = ?1 ORDER BY seq";

// ---- Change feed and sync ----

// The events after change ?1, at most ?2, with their case and workspace.
// CROSS JOIN keeps case_events first: the feed is read along its index.
inline constexpr char kSelectChanges[] =
    "SELECT e.seq, e.at, e.actor, e.kind, e.changes, e.details, e.uuid, e.change_seq, "
    "c.uuid, w.slug FROM case_events e "
    "CROSS JOIN cases c ON c.id = e.case_id CROSS JOIN workspaces w ON w.id = c.workspace_id "
    "WHERE e.change_seq > ?1 ORDER BY e.change_seq LIMIT ?2";
inline constexpr char kSelectEventIdAtChange[] =
    "SELECT uuid FROM case_events WHERE change_seq = ?1";
inline constexpr char kSelectDatabaseId[] = "SELECT uuid FROM casework_database WHERE id = 1";
inline constexpr char kSelectSyncPeer[] =
    "SELECT change_seq, event FROM sync_peers WHERE peer = ?1";
inline constexpr char kUpsertSyncPeer[] =
    "INSERT INTO sync_peers (peer, change_seq, event) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (peer) DO UPDATE SET change_seq = excluded.change_seq, event = excluded.event";
inline constexpr char kSelectConflict[] =
    "SELECT peer, at, remote FROM sync_conflicts WHERE case_id = ?1";
inline constexpr char kUpsertConflict[] =
    "INSERT INTO sync_conflicts (case_id, peer, at, remote) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (case_id) DO UPDATE SET peer = excluded.peer, at = excluded.at, "
    "remote = excluded.remote";
inline constexpr char kDeleteConflict[] = "DELETE FROM sync_conflicts WHERE case_id = ?1";
// A workspace's conflicts, oldest first: case uuid, peer, at, remote.
inline constexpr char kSelectConflicts[] =
    "SELECT c.uuid, k.peer, k.at, k.remote FROM sync_conflicts k "
    "JOIN cases c ON c.id = k.case_id WHERE c.workspace_id = ?1 ORDER BY k.at, c.uuid";
// A synced case takes its number of events as version.
inline constexpr char kSetCaseVersion[] =
    "UPDATE cases SET version = ?3, updated_at = ?4 WHERE id = ?1 AND version = ?2";

// ---- Verify ----

// At most 100 lines; a sound file gives the single row "ok".
inline constexpr char kIntegrityCheck[] = "PRAGMA integrity_check(100)";
// One row (table, rowid, parent, fkid) per reference to a missing row.
inline constexpr char kForeignKeyCheck[] = "PRAGMA foreign_key_check";


}  // namespace casework::storage::sql

#endif  // CASEWORK_LIB_STORAGE_SQL_H_

// The PostgreSQL schema of casework: the tables of storage/sql.h, laid out
// for a server shared by many workspaces.
//
// Every table that holds a workspace's data has workspace_id as the first
// column of its primary key, and every foreign key between such tables
// carries it: a workspace's rows can be placed on one node by that column
// alone (Citus: create_distributed_table(table, 'workspace_id') on each,
// workspaces as a reference table; docs/POSTGRESQL.md). Public ids are
// uuid columns, unique within their workspace.
//
// Differences from the SQLite layout, each for a reason:
//  - times are bigint milliseconds since the epoch, as on SQLite, so both
//    backends share one encoding and one sort order;
//  - a schema field's typed value is split by kind (typed_number,
//    typed_text), since a PostgreSQL column has one type; the field's type
//    picks the column, as it picks the SQLite value's class;
//  - full-text search is a tsvector column of cases with a GIN index
//    ('simple' configuration over unaccented text: no stemming, like
//    SQLite's unicode61), kept by the engine in the case's own write;
//  - case_counts is kept by triggers, as on SQLite;
//  - each table's primary key is made after its other indexes, and its
//    unique keys after the plain ones. A new database has no statistics,
//    so a lookup by key finds every index leading with workspace_id equally
//    cheap, and the planner takes the index made last: made first, the
//    primary key lost to (workspace_id, owner_id) in the foreign-key checks,
//    whose plans a connection keeps, and an import into a new database
//    scanned the workspace's cases for every child row it wrote.
#ifndef CASEWORK_LIB_STORAGE_PG_SCHEMA_H_
#define CASEWORK_LIB_STORAGE_PG_SCHEMA_H_

namespace casework::storage::pg::schema {

// Which schema versions a database has: one row a version applied.
inline constexpr char kCreateMigrations[] =
    "CREATE TABLE IF NOT EXISTS casework_migrations ("
    " version integer PRIMARY KEY,"
    " applied_at timestamptz NOT NULL DEFAULT now())";
inline constexpr char kAppliedVersion[] =
    "SELECT coalesce(max(version), 0) FROM casework_migrations";
inline constexpr char kRecordVersion[] = "INSERT INTO casework_migrations (version) VALUES ($1)";
// Serializes migrations of processes that open one database at once; the
// key is an arbitrary constant of casework's ("cw" in ASCII).
inline constexpr char kLockMigrations[] = "SELECT pg_advisory_xact_lock(25463)";

// Version 1: every table, index and trigger.
inline constexpr char kSchemaV1[] = R"sql(
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE TABLE workspaces (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  uuid uuid NOT NULL UNIQUE,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  created_at bigint NOT NULL
);
CREATE TABLE users (
  workspace_id bigint NOT NULL REFERENCES workspaces (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  uuid uuid NOT NULL,
  email text NOT NULL,
  given_name text,
  family_name text
);
ALTER TABLE users ADD UNIQUE (workspace_id, uuid);
ALTER TABLE users ADD UNIQUE (workspace_id, email);
ALTER TABLE users ADD PRIMARY KEY (workspace_id, id);
CREATE TABLE contacts (
  workspace_id bigint NOT NULL REFERENCES workspaces (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  uuid uuid NOT NULL,
  email text,
  name text,
  given_name text,
  family_name text,
  phone text
);
-- Emails are stored lower-cased by the engine, so plain equality is the
-- deduplication SQLite's COLLATE NOCASE gives.
CREATE UNIQUE INDEX contacts_by_email ON contacts (workspace_id, email) WHERE email IS NOT NULL;
CREATE INDEX contacts_by_given_name ON contacts (workspace_id, given_name);
CREATE INDEX contacts_by_family_name ON contacts (workspace_id, family_name);
ALTER TABLE contacts ADD UNIQUE (workspace_id, uuid);
ALTER TABLE contacts ADD PRIMARY KEY (workspace_id, id);
CREATE TABLE templates (
  workspace_id bigint NOT NULL REFERENCES workspaces (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  uuid uuid NOT NULL,
  name text NOT NULL,
  version bigint NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX templates_by_name ON templates (workspace_id, name);
ALTER TABLE templates ADD UNIQUE (workspace_id, uuid);
ALTER TABLE templates ADD PRIMARY KEY (workspace_id, id);
CREATE TABLE template_versions (
  workspace_id bigint NOT NULL,
  template_id bigint NOT NULL,
  version bigint NOT NULL,
  definition text NOT NULL,
  created_at bigint NOT NULL,
  FOREIGN KEY (workspace_id, template_id) REFERENCES templates (workspace_id, id)
);
ALTER TABLE template_versions ADD PRIMARY KEY (workspace_id, template_id, version);
CREATE TABLE cases (
  workspace_id bigint NOT NULL REFERENCES workspaces (id),
  id bigint GENERATED ALWAYS AS IDENTITY,
  uuid uuid NOT NULL,
  title text NOT NULL,
  description text,
  locale text,
  reference text,
  status text NOT NULL,
  parent_status text NOT NULL,
  waiting_for text NOT NULL,
  priority text,
  owner_id bigint,
  template_uuid uuid,
  template_version bigint,
  metadata text NOT NULL,
  closure_conditions text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  opened_at bigint,
  resolved_at bigint,
  archived_at bigint,
  version bigint NOT NULL,
  last_transition_uuid uuid,
  search tsvector NOT NULL DEFAULT ''::tsvector,
  FOREIGN KEY (workspace_id, owner_id) REFERENCES users (workspace_id, id)
);
-- The list indexes of SQLite's schema 4, for the same pages: each ends in
-- (sort key, uuid) so that a page and a keyset page after a cursor read in
-- index order; archived_at is included so that counting reads the index.
CREATE INDEX cases_list_created ON cases (workspace_id, created_at, uuid) INCLUDE (archived_at);
CREATE INDEX cases_list_updated ON cases (workspace_id, updated_at, uuid) INCLUDE (archived_at);
CREATE INDEX cases_list_parent_status
  ON cases (workspace_id, parent_status, created_at, uuid) INCLUDE (archived_at);
CREATE INDEX cases_list_status
  ON cases (workspace_id, status, created_at, uuid) INCLUDE (archived_at);
-- A case found by its id alone (import, links across the database). Not
-- unique: a distributed table's unique indexes must hold workspace_id, and
-- ids are unique by their making (UUIDv7).
CREATE INDEX cases_by_uuid ON cases (uuid);
CREATE INDEX cases_by_reference ON cases (workspace_id, reference);
CREATE INDEX cases_by_template ON cases (workspace_id, template_uuid);
CREATE INDEX cases_by_owner ON cases (workspace_id, owner_id);
CREATE INDEX cases_search ON cases USING gin (search);
ALTER TABLE cases ADD UNIQUE (workspace_id, uuid);
ALTER TABLE cases ADD PRIMARY KEY (workspace_id, id);
CREATE TABLE case_assignees (
  workspace_id bigint NOT NULL,
  case_id bigint NOT NULL,
  user_id bigint NOT NULL,
  position integer NOT NULL,
  FOREIGN KEY (workspace_id, case_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX case_assignees_by_user ON case_assignees (workspace_id, user_id);
ALTER TABLE case_assignees ADD PRIMARY KEY (workspace_id, case_id, user_id);
CREATE TABLE case_tags (
  workspace_id bigint NOT NULL,
  case_id bigint NOT NULL,
  tag text NOT NULL,
  FOREIGN KEY (workspace_id, case_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX case_tags_by_tag ON case_tags (workspace_id, tag);
ALTER TABLE case_tags ADD PRIMARY KEY (workspace_id, case_id, tag);
CREATE TABLE case_contacts (
  workspace_id bigint NOT NULL,
  case_id bigint NOT NULL,
  key text NOT NULL,
  position integer NOT NULL,
  contact_id bigint NOT NULL,
  FOREIGN KEY (workspace_id, case_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id)
);
CREATE INDEX case_contacts_by_contact ON case_contacts (workspace_id, contact_id);
ALTER TABLE case_contacts ADD PRIMARY KEY (workspace_id, case_id, key);
-- value: the JSON text of the value as given. typed_number (number,
-- datetime as epoch milliseconds, boolean as 0/1) or typed_text (text, date
-- as 'YYYY-MM-DD'): the same value in the field type's order, for filters.
CREATE TABLE case_fields (
  workspace_id bigint NOT NULL,
  case_id bigint NOT NULL,
  key text NOT NULL,
  position integer NOT NULL,
  type text NOT NULL,
  name text NOT NULL,
  value text NOT NULL,
  typed_number double precision,
  typed_text text,
  required boolean NOT NULL,
  options text,
  FOREIGN KEY (workspace_id, case_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE
);
-- data. filters read these alone (index-only scans), as on SQLite 5.
CREATE INDEX case_fields_by_number
  ON case_fields (workspace_id, key, type, typed_number) INCLUDE (case_id)
  WHERE typed_number IS NOT NULL;
CREATE INDEX case_fields_by_text
  ON case_fields (workspace_id, key, type, typed_text) INCLUDE (case_id)
  WHERE typed_text IS NOT NULL;
ALTER TABLE case_fields ADD PRIMARY KEY (workspace_id, case_id, key);
CREATE TABLE case_steps (
  workspace_id bigint NOT NULL,
  case_id bigint NOT NULL,
  step_id text NOT NULL,
  position integer NOT NULL,
  title text NOT NULL,
  status text NOT NULL,
  data text NOT NULL,
  FOREIGN KEY (workspace_id, case_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE
);
ALTER TABLE case_steps ADD PRIMARY KEY (workspace_id, case_id, step_id);
-- Links are symmetric: each is stored in both directions, within one
-- workspace (a case never links a case of another workspace).
CREATE TABLE case_links (
  workspace_id bigint NOT NULL,
  case_id bigint NOT NULL,
  other_id bigint NOT NULL,
  FOREIGN KEY (workspace_id, case_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE,
  FOREIGN KEY (workspace_id, other_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX case_links_by_other ON case_links (workspace_id, other_id);
ALTER TABLE case_links ADD PRIMARY KEY (workspace_id, case_id, other_id);
CREATE TABLE case_events (
  workspace_id bigint NOT NULL,
  case_id bigint NOT NULL,
  seq bigint NOT NULL,
  at bigint NOT NULL,
  actor text NOT NULL,
  kind text NOT NULL,
  changes text NOT NULL,
  details text NOT NULL,
  FOREIGN KEY (workspace_id, case_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE
);
ALTER TABLE case_events ADD PRIMARY KEY (workspace_id, case_id, seq);
-- The full-text document of a case: its title, description and reference
-- and the names of its linked contacts, unaccented, in the 'simple'
-- configuration (lower-cased words, no stemming, as SQLite's unicode61 with
-- remove_diacritics). The engine writes cases.search from it in the
-- transaction that changes any of these (storage/pg/repository.cc).
--
-- PL/pgSQL, not SQL: a SQL function that reads tables is planned again in
-- every statement that calls it, where PL/pgSQL keeps its plan for the
-- session (a case created alone paid 0.4 ms more for its document).
CREATE FUNCTION casework_case_search(ws bigint, case_row bigint) RETURNS tsvector
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT to_tsvector('simple', unaccent(concat_ws(' ', c.title, c.description, c.reference,
    (SELECT string_agg(concat_ws(' ', ct.name, ct.given_name, ct.family_name), ' '
                       ORDER BY cc.position)
       FROM case_contacts cc
       JOIN contacts ct ON ct.workspace_id = cc.workspace_id AND ct.id = cc.contact_id
      WHERE cc.workspace_id = c.workspace_id AND cc.case_id = c.id))))
  FROM cases c WHERE c.workspace_id = ws AND c.id = case_row);
END
$$;
-- How many cases each workspace has in each status, archived or not, kept
-- by the triggers below whatever writes the rows (see SQLite's schema 6).
CREATE TABLE case_counts (
  workspace_id bigint NOT NULL,
  archived boolean NOT NULL,
  parent_status text NOT NULL,
  status text NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (workspace_id, archived, parent_status, status)
);
CREATE FUNCTION casework_count_case(ws bigint, arch boolean, parent text, st text, delta bigint)
RETURNS void LANGUAGE sql AS $$
  INSERT INTO case_counts AS k (workspace_id, archived, parent_status, status, n)
    VALUES (ws, arch, parent, st, delta)
    ON CONFLICT (workspace_id, archived, parent_status, status) DO UPDATE SET n = k.n + delta
$$;
CREATE FUNCTION casework_case_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM casework_count_case(OLD.workspace_id, OLD.archived_at IS NOT NULL,
                                OLD.parent_status, OLD.status, -1);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM casework_count_case(NEW.workspace_id, NEW.archived_at IS NOT NULL,
                                NEW.parent_status, NEW.status, 1);
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER case_counts_inserted_or_deleted AFTER INSERT OR DELETE ON cases
  FOR EACH ROW EXECUTE FUNCTION casework_case_counts();
CREATE TRIGGER case_counts_moved
  AFTER UPDATE OF workspace_id, status, parent_status, archived_at ON cases
  FOR EACH ROW
  WHEN (OLD.workspace_id IS DISTINCT FROM NEW.workspace_id
        OR OLD.status IS DISTINCT FROM NEW.status
        OR OLD.parent_status IS DISTINCT FROM NEW.parent_status
        OR (OLD.archived_at IS NULL) <> (NEW.archived_at IS NULL))
  EXECUTE FUNCTION casework_case_counts();
)sql";

// Version 2: the change feed and sync, as SQLite's schema 7. Change
// numbers are given under an advisory lock that a writer takes with its
// first event and keeps to its commit (storage/pg/repository.cc), so that
// they follow commit order: a reader that has seen change N never later
// finds a smaller number committed.
inline constexpr char kSchemaV2[] = R"sql(
ALTER TABLE case_events ADD COLUMN change_seq bigint, ADD COLUMN uuid uuid;
UPDATE case_events e SET change_seq = numbered.n, uuid = gen_random_uuid()
  FROM (SELECT workspace_id, case_id, seq,
               row_number() OVER (ORDER BY at, workspace_id, case_id, seq) AS n
          FROM case_events) AS numbered
 WHERE e.workspace_id = numbered.workspace_id AND e.case_id = numbered.case_id
   AND e.seq = numbered.seq;
CREATE UNIQUE INDEX case_events_by_change ON case_events (change_seq);
CREATE TABLE casework_database (
  id integer PRIMARY KEY CHECK (id = 1),
  uuid uuid NOT NULL
);
CREATE TABLE sync_peers (
  peer uuid PRIMARY KEY,
  change_seq bigint NOT NULL,
  event uuid
);
CREATE TABLE sync_conflicts (
  workspace_id bigint NOT NULL,
  case_id bigint NOT NULL,
  peer uuid NOT NULL,
  at bigint NOT NULL,
  remote text NOT NULL,
  PRIMARY KEY (workspace_id, case_id),
  FOREIGN KEY (workspace_id, case_id) REFERENCES cases (workspace_id, id) ON DELETE CASCADE
);
)sql";
inline constexpr char kInsertDatabaseId[] =
    "INSERT INTO casework_database (id, uuid) VALUES (1, $1::uuid)";

// The workspace every database has, with a uuid the engine makes.
inline constexpr char kInsertDefaultWorkspace[] =
    "INSERT INTO workspaces (uuid, slug, name, created_at) VALUES ($1::uuid, 'default', 'Default', "
    "(extract(epoch FROM clock_timestamp()) * 1000)::bigint)";

}  // namespace casework::storage::pg::schema

#endif  // CASEWORK_LIB_STORAGE_PG_SCHEMA_H_

-- A database as casework's schema version 1 wrote it, before the list
-- indexes of version 2 existed. Frozen: it must never follow later changes.
CREATE TABLE workspaces (id INTEGER PRIMARY KEY, uuid BLOB NOT NULL UNIQUE, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE users (id INTEGER PRIMARY KEY, uuid BLOB NOT NULL UNIQUE, workspace_id INTEGER NOT NULL REFERENCES workspaces(id), email TEXT NOT NULL COLLATE NOCASE, given_name TEXT, family_name TEXT, UNIQUE (workspace_id, email));
CREATE TABLE contacts (id INTEGER PRIMARY KEY, uuid BLOB NOT NULL UNIQUE, workspace_id INTEGER NOT NULL REFERENCES workspaces(id), email TEXT COLLATE NOCASE, name TEXT, given_name TEXT, family_name TEXT, phone TEXT);
CREATE UNIQUE INDEX contacts_by_email ON contacts (workspace_id, email) WHERE email IS NOT NULL;
CREATE TABLE cases (id INTEGER PRIMARY KEY, uuid BLOB NOT NULL UNIQUE, workspace_id INTEGER NOT NULL REFERENCES workspaces(id), title TEXT NOT NULL, description TEXT, locale TEXT, reference TEXT, status TEXT NOT NULL, parent_status TEXT NOT NULL, waiting_for TEXT NOT NULL, priority TEXT, owner_id INTEGER REFERENCES users(id), template_uuid BLOB, metadata TEXT NOT NULL, closure_conditions TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, opened_at INTEGER, resolved_at INTEGER, archived_at INTEGER, version INTEGER NOT NULL, last_transition_uuid BLOB);
CREATE TABLE case_assignees (case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, user_id INTEGER NOT NULL REFERENCES users(id), position INTEGER NOT NULL, PRIMARY KEY (case_id, user_id)) WITHOUT ROWID;
CREATE TABLE case_tags (case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, tag TEXT NOT NULL, PRIMARY KEY (case_id, tag)) WITHOUT ROWID;
CREATE TABLE case_contacts (case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, key TEXT NOT NULL, position INTEGER NOT NULL, contact_id INTEGER NOT NULL REFERENCES contacts(id), PRIMARY KEY (case_id, key)) WITHOUT ROWID;
CREATE TABLE case_fields (case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, key TEXT NOT NULL, position INTEGER NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, typed_value, required INTEGER NOT NULL, options TEXT, PRIMARY KEY (case_id, key)) WITHOUT ROWID;
CREATE TABLE case_steps (case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, step_id TEXT NOT NULL, position INTEGER NOT NULL, title TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (case_id, step_id)) WITHOUT ROWID;
CREATE TABLE case_links (case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, other_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, PRIMARY KEY (case_id, other_id)) WITHOUT ROWID;
CREATE TABLE case_events (case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE, seq INTEGER NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL, kind TEXT NOT NULL, changes TEXT NOT NULL, details TEXT NOT NULL, PRIMARY KEY (case_id, seq)) WITHOUT ROWID;

INSERT INTO workspaces VALUES (1, X'6a7b1c2d3e4f40118899aabbccddeeff', 'default', 'Default', 1700000000000);
INSERT INTO users VALUES (1, X'018bcfe5680070008000000000000001', 1, 'claire.martin@example.com', 'Claire', NULL);
INSERT INTO contacts VALUES (1, X'018bcfe5680070008000000000000002', 1, 'marie.dupont@example.com', 'Marie Dupont', 'Marie', 'Dupont', '+32 470 12 34 56');
INSERT INTO cases VALUES (1, X'018bcfe5680070008000000000000003', 1, 'Water damage claim', NULL, 'fr-BE', 'CLM-1', 'pending', 'pending', 'none', 'high', 1, NULL, '{"source":"v1"}', '[]', 1700000000000, 1700000000000, 1700000000000, NULL, NULL, 1, NULL);
INSERT INTO case_tags VALUES (1, 'water');
INSERT INTO case_contacts VALUES (1, 'client', 0, 1);
INSERT INTO case_fields VALUES (1, 'claim_amount', 0, 'number', 'Claim amount', '2450.5', 2450.5, 0, NULL);
INSERT INTO case_events VALUES (1, 1, 1700000000000, 'system', 'created', '[{"path":"title","before":null,"after":"Water damage claim"}]', '{}');
PRAGMA user_version = 1;

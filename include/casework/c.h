/* casework: the C API, for programs and languages that cannot use C++.
 *
 *   casework_db *db = NULL;
 *   casework_result r = casework_open("cases.db", NULL, &db);
 *   if (r.code != CASEWORK_OK) { fprintf(stderr, "%s\n", r.message); ... }
 *   casework_result_free(&r);
 *   r = casework_create(db, "{\"title\": \"Refund\"}", NULL);
 *   if (r.code == CASEWORK_OK) puts(r.json);   (the case, as JSON text)
 *   casework_result_free(&r);
 *   casework_close(db);
 *
 * Every call takes and returns JSON text (UTF-8) in the shapes of the
 * command-line program (DOMAIN.md section 6): a call here is the command
 * of the same name. Every call returns a casework_result; a call that fails
 * changes nothing, and no call aborts the process or lets a C++ exception
 * out, whatever its input.
 *
 * Ownership: the strings of a casework_result belong to the caller, who
 * frees them with casework_result_free (or each with casework_free). Every
 * `const char *` argument is only read, during the call. NULL is accepted
 * for every `options` argument and for the optional arguments documented
 * so; another NULL is CASEWORK_VALIDATION_FAILED naming the argument.
 *
 * Options are a JSON object (or NULL for none), strict like every payload:
 * an unknown member is CASEWORK_VALIDATION_FAILED naming it.
 *   writes: {"workspace": slug, "actor": email, "expected_version": n}
 *   reads:  {"workspace": slug, "as_of": RFC 3339 time, "version": n,
 *            "since": n}  (as_of and version: get; since: history)
 *
 * Threads: a handle may be used by several threads at once; its calls are
 * serialized. Never use one in a child process after fork().
 *
 * Versions: the soname's number is CASEWORK_C_ABI_VERSION; it changes when
 * a release breaks this ABI. casework_version() is the library's release.
 */
#ifndef CASEWORK_C_H_
#define CASEWORK_C_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CASEWORK_C_ABI_VERSION 0

/* The error codes, those of the JSON contract: casework_code_name gives
 * "validation_failed", "not_found", ... */
typedef enum casework_code {
  CASEWORK_OK = 0,
  CASEWORK_VALIDATION_FAILED = 1,       /* a bad argument; the error names it */
  CASEWORK_UNKNOWN_FIELD = 2,           /* update-data named a key the schema lacks */
  CASEWORK_NOT_FOUND = 3,               /* no such case, template or workspace */
  CASEWORK_CONFLICT = 4,                /* expected_version is stale */
  CASEWORK_TRANSITION_NOT_ALLOWED = 5,  /* the workflow has no such move */
  CASEWORK_CLOSURE_CONDITIONS_UNMET = 6,
  CASEWORK_FORMULA_ERROR = 7,           /* the error has the position */
  CASEWORK_BUSY = 8,                    /* the database stayed locked */
  CASEWORK_STORAGE_ERROR = 9            /* I/O error, damaged file, out of memory */
} casework_code;

/* What a call returns. On success `json` is its output (for casework_export,
 * NDJSON: one case a line) and `error` and `message` are NULL. On failure
 * `json` is NULL, `error` is the error document
 * {"error": {"code", "message", "field", ...}} and `message` reads
 * "<code>: <field>: <message>". */
typedef struct casework_result {
  casework_code code;
  char *json;
  char *error;
  char *message;
} casework_result;

/* An open database. */
typedef struct casework_db casework_db;

/* The library's release, e.g. "0.1.0"; a static string. */
const char *casework_version(void);
/* "validation_failed", ...; "unknown" for a value not in casework_code. */
const char *casework_code_name(int code);

/* Frees a string of a casework_result; NULL is ignored. */
void casework_free(void *text);
/* Frees the strings of `result` and sets them to NULL. */
void casework_result_free(casework_result *result);

/* Opens (creating it unless told otherwise) the database at `path`: a file,
 * or a postgresql:// URI. Options: {"create_if_missing": true,
 * "durability": "full" | "normal", "busy_timeout_ms": 5000}. On success
 * *db is the handle, else NULL. */
casework_result casework_open(const char *path, const char *options, casework_db **db);
/* Closes the handle; NULL is ignored. */
void casework_close(casework_db *db);

/* Cases: each returns the case. `payload` is a create payload (create), a
 * case as get returns it (replace), a JSON merge patch (patch), or
 * {"data": {key: value}} (update_data). */
casework_result casework_create(casework_db *db, const char *payload, const char *options);
casework_result casework_get(casework_db *db, const char *id, const char *options);
casework_result casework_replace(casework_db *db, const char *id, const char *payload,
                                 const char *options);
casework_result casework_patch(casework_db *db, const char *id, const char *patch,
                               const char *options);
casework_result casework_update_data(casework_db *db, const char *id, const char *payload,
                                     const char *options);
casework_result casework_archive(casework_db *db, const char *id, const char *options);
casework_result casework_unarchive(casework_db *db, const char *id, const char *options);
casework_result casework_link(casework_db *db, const char *id, const char *other,
                              const char *options);
casework_result casework_unlink(casework_db *db, const char *id, const char *other,
                                const char *options);
/* `change`: {"title", "status", "data"}, the members of the step to change. */
casework_result casework_update_step(casework_db *db, const char *id, const char *step_id,
                                     const char *change, const char *options);

/* {"case_id", "events": [...]}, oldest first. */
casework_result casework_history(casework_db *db, const char *id, const char *options);

/* `request`: {"to": status or transition name, "reason": text,
 * "dry_run": bool}; returns {"applied", "from", "to", "transition",
 * "conditions", "case"}. */
casework_result casework_transition(casework_db *db, const char *id, const char *request,
                                    const char *options);
/* {"case_id", "passed", "conditions": [...]}; changes nothing. */
casework_result casework_check(casework_db *db, const char *id, const char *options);
/* {"value": ...}; against the case `case_id`, which may be NULL. */
casework_result casework_eval(casework_db *db, const char *formula, const char *case_id,
                              const char *options);

/* `query`: the list parameters ({"status": "pending", "page[size]": 20,
 * "filter": {...}, "sort": "-created_at", ...}), NULL for none; returns
 * {"meta", "data", "next_cursor"}. */
casework_result casework_list(casework_db *db, const char *query, const char *options);

/* Templates: create, get and update return the template; list returns
 * {"data": [...]}. */
casework_result casework_template_create(casework_db *db, const char *payload,
                                         const char *options);
casework_result casework_template_get(casework_db *db, const char *id, const char *options);
casework_result casework_template_update(casework_db *db, const char *id, const char *payload,
                                         const char *options);
casework_result casework_template_list(casework_db *db, const char *options);

/* Workspaces: the new workspace (`name` may be NULL: the slug);
 * {"data": [...]}. */
casework_result casework_workspace_create(casework_db *db, const char *slug, const char *name);
casework_result casework_workspace_list(casework_db *db);

/* Reads NDJSON cases (create payloads or exported cases), all or none;
 * returns {"imported", "created", "restored"}. */
casework_result casework_import(casework_db *db, const char *ndjson, const char *options);
/* The workspace's cases as NDJSON, one a line, in `json`. */
casework_result casework_export(casework_db *db, const char *options);

/* The integrity and history check; the report whatever it found. */
casework_result casework_verify(casework_db *db, const char *options);

/* The change feed: {"data": [events with "case_id" and "workspace"],
 * "last_change"}, the events after change `since`, at most `limit`
 * (1 to 10,000). */
casework_result casework_changes(casework_db *db, int64_t since, int64_t limit);
/* {"id": the database's id}. */
casework_result casework_database_id(casework_db *db);
/* Pulls the changes of `source` into `db` (docs/SYNC.md). Options:
 * {"actor": email, "batch": n}; returns {"changes", "created", "updated",
 * "merged", "conflicts", "unchanged", "last_change"}. */
casework_result casework_pull(casework_db *db, casework_db *source, const char *options);
/* {"data": [conflicts]}. */
casework_result casework_conflicts(casework_db *db, const char *options);
/* Settles the conflict of case `id`; `take` is "local", "remote", or a JSON
 * object of case members to take. Returns the case. */
casework_result casework_resolve(casework_db *db, const char *id, const char *take,
                                 const char *options);

#ifdef __cplusplus
}
#endif

#endif /* CASEWORK_C_H_ */

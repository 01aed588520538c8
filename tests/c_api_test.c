/* The C API (casework/c.h), from C: compiled as C99 with -Wall -Wextra
 * -pedantic -Werror, and run under AddressSanitizer by scripts/test, so
 * that a leak, a double free or a C++ exception reaching C fails it. */
#define _POSIX_C_SOURCE 200809L

#include "casework/c.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;
static int checks = 0;

#define CHECK(condition)                                                 \
  do {                                                                   \
    ++checks;                                                            \
    if (!(condition)) {                                                  \
      ++failures;                                                        \
      fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #condition); \
    }                                                                    \
  } while (0)

/* True when `text` holds `part`. */
static int contains(const char *text, const char *part) {
  return text != NULL && strstr(text, part) != NULL;
}

/* Copies the value of the first "name": "value" string member in `json`
 * into `out` (an id is 36 characters). */
static void string_member(const char *json, const char *name, char *out, size_t size) {
  char key[64];
  const char *at;
  size_t n = 0;
  out[0] = '\0';
  snprintf(key, sizeof key, "\"%s\":\"", name);
  at = json != NULL ? strstr(json, key) : NULL;
  if (at == NULL) return;
  at += strlen(key);
  while (at[n] != '\0' && at[n] != '"' && n + 1 < size) {
    out[n] = at[n];
    ++n;
  }
  out[n] = '\0';
}

static char directory[256];

static void database_path(const char *name, char *out, size_t size) {
  snprintf(out, size, "%s/%s", directory, name);
}

static casework_db *open_database(const char *name) {
  char path[512];
  casework_db *db = NULL;
  casework_result r;
  database_path(name, path, sizeof path);
  r = casework_open(path, "{\"durability\": \"normal\"}", &db);
  CHECK(r.code == CASEWORK_OK);
  CHECK(db != NULL);
  casework_result_free(&r);
  return db;
}

/* Creates a case and copies its id into `id` (37 bytes). */
static void create_case(casework_db *db, const char *payload, char *id) {
  casework_result r = casework_create(db, payload, "{\"actor\": \"ana@example.com\"}");
  CHECK(r.code == CASEWORK_OK);
  CHECK(r.error == NULL && r.message == NULL);
  string_member(r.json, "id", id, 37);
  CHECK(strlen(id) == 36);
  casework_result_free(&r);
}

static void test_version_and_code_names(void) {
  CHECK(strcmp(casework_version(), "") != 0);
  CHECK(strcmp(casework_code_name(CASEWORK_OK), "ok") == 0);
  CHECK(strcmp(casework_code_name(CASEWORK_VALIDATION_FAILED), "validation_failed") == 0);
  CHECK(strcmp(casework_code_name(CASEWORK_STORAGE_ERROR), "storage_error") == 0);
  CHECK(strcmp(casework_code_name(42), "unknown") == 0);
  CHECK(strcmp(casework_code_name(-1), "unknown") == 0);
}

static void test_case_lifecycle(void) {
  casework_db *db = open_database("lifecycle.db");
  char id[37];
  casework_result r;

  create_case(db, "{\"title\": \"Refund\", \"tag_names\": [\"billing\"],"
                  " \"schema\": [{\"key\": \"amount\", \"type\": \"number\", \"name\": \"Amount\"}]}",
              id);

  r = casework_get(db, id, NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"title\":\"Refund\""));
  CHECK(contains(r.json, "\"version\":1"));
  casework_result_free(&r);

  r = casework_patch(db, id, "{\"title\": \"Refund order 12\"}", "{\"expected_version\": 1}");
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"title\":\"Refund order 12\""));
  casework_result_free(&r);

  r = casework_update_data(db, id, "{\"data\": {\"amount\": 12.5}}", NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "12.5"));
  casework_result_free(&r);

  r = casework_history(db, id, "{\"since\": 1}");
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"case_id\""));
  CHECK(!contains(r.json, "\"created\""));
  casework_result_free(&r);

  r = casework_get(db, id, "{\"version\": 1}");
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"title\":\"Refund\""));
  casework_result_free(&r);

  r = casework_transition(db, id, "{\"to\": \"closed\", \"reason\": \"paid\"}", NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"applied\":true"));
  casework_result_free(&r);

  r = casework_check(db, id, NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"passed\":true"));
  casework_result_free(&r);

  r = casework_list(db, "{\"tag\": \"billing\", \"page[size]\": 5}", NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"total_count\":1"));
  casework_result_free(&r);

  r = casework_eval(db, "=SIZE(team_case.tags)", id, NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "{\"value\":1"));
  casework_result_free(&r);

  casework_close(db);
}

static void test_errors_are_typed_and_change_nothing(void) {
  casework_db *db = open_database("errors.db");
  char id[37];
  casework_result r;
  create_case(db, "{\"title\": \"Leak\"}", id);

  r = casework_update_data(db, id, "{\"data\": {\"nope\": 1}}", NULL);
  CHECK(r.code == CASEWORK_UNKNOWN_FIELD);
  CHECK(r.json == NULL);
  CHECK(contains(r.error, "\"code\":\"unknown_field\""));
  CHECK(contains(r.message, "unknown_field"));
  casework_result_free(&r);
  CHECK(r.error == NULL && r.message == NULL);

  r = casework_patch(db, id, "{\"title\": \"Other\"}", "{\"expected_version\": 7}");
  CHECK(r.code == CASEWORK_CONFLICT);
  CHECK(contains(r.error, "\"current_version\":1"));
  casework_result_free(&r);

  r = casework_get(db, "00000000-0000-7000-8000-000000000000", NULL);
  CHECK(r.code == CASEWORK_NOT_FOUND);
  casework_result_free(&r);

  r = casework_create(db, "{\"title\": ", NULL);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  CHECK(contains(r.message, "payload"));
  casework_result_free(&r);

  r = casework_create(db, "{\"titel\": \"typo\"}", NULL);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  CHECK(contains(r.error, "titel"));
  casework_result_free(&r);

  r = casework_get(db, id, "{\"colour\": \"red\"}");
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  CHECK(contains(r.error, "options.colour"));
  casework_result_free(&r);

  r = casework_transition(db, id, "{\"to\": \"nowhere\"}", NULL);
  CHECK(r.code == CASEWORK_TRANSITION_NOT_ALLOWED);
  casework_result_free(&r);

  r = casework_eval(db, "=1 +", NULL, NULL);
  CHECK(r.code == CASEWORK_FORMULA_ERROR);
  CHECK(contains(r.error, "\"position\""));
  casework_result_free(&r);

  /* None of the failures above changed the case. */
  r = casework_get(db, id, NULL);
  CHECK(contains(r.json, "\"version\":1"));
  CHECK(contains(r.json, "\"title\":\"Leak\""));
  casework_result_free(&r);

  casework_close(db);
}

static void test_null_arguments_are_validation_errors(void) {
  casework_db *db = open_database("nulls.db");
  casework_result r = casework_get(db, NULL, NULL);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  CHECK(contains(r.message, "id"));
  casework_result_free(&r);

  r = casework_get(NULL, "x", NULL);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  CHECK(contains(r.message, "db"));
  casework_result_free(&r);

  r = casework_create(db, NULL, NULL);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  casework_result_free(&r);

  r = casework_open(NULL, NULL, NULL);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  casework_result_free(&r);

  casework_result_free(NULL);
  casework_free(NULL);
  casework_close(NULL);
  casework_close(db);
}

static void test_open_refuses_what_it_cannot_open(void) {
  char path[512];
  casework_db *db = NULL;
  casework_result r;
  database_path("missing.db", path, sizeof path);
  r = casework_open(path, "{\"create_if_missing\": false}", &db);
  CHECK(r.code == CASEWORK_STORAGE_ERROR);
  CHECK(db == NULL);
  casework_result_free(&r);

  r = casework_open(path, "{\"durability\": \"sometimes\"}", &db);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  CHECK(contains(r.error, "options.durability"));
  CHECK(db == NULL);
  casework_result_free(&r);
}

static void test_export_import_and_workspaces(void) {
  casework_db *from = open_database("export.db");
  casework_db *to = open_database("import.db");
  char id[37];
  char *ndjson;
  casework_result r;

  r = casework_workspace_create(from, "team-a", NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"slug\":\"team-a\""));
  casework_result_free(&r);

  r = casework_workspace_list(from);
  CHECK(contains(r.json, "\"default\""));
  CHECK(contains(r.json, "\"team-a\""));
  casework_result_free(&r);

  create_case(from, "{\"title\": \"Moved\"}", id);
  r = casework_export(from, NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, id));
  ndjson = r.json; /* the caller owns it: take it out of the result */
  r.json = NULL;
  casework_result_free(&r);

  r = casework_import(to, ndjson, NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"restored\":1"));
  casework_result_free(&r);
  casework_free(ndjson);

  r = casework_get(to, id, NULL);
  CHECK(contains(r.json, "\"title\":\"Moved\""));
  casework_result_free(&r);

  r = casework_import(to, "{\"title\": \"ok\"}\n{\"title\": 5}\n", NULL);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  CHECK(contains(r.error, "line[2]"));
  casework_result_free(&r);

  casework_close(from);
  casework_close(to);
}

static void test_changes_and_pull(void) {
  casework_db *laptop = open_database("laptop.db");
  casework_db *server = open_database("server.db");
  char id[37];
  casework_result r;

  create_case(laptop, "{\"title\": \"Offline\"}", id);
  r = casework_changes(laptop, 0, 10);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"last_change\":1"));
  CHECK(contains(r.json, id));
  casework_result_free(&r);

  r = casework_changes(laptop, 0, 0);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  casework_result_free(&r);

  r = casework_pull(server, laptop, "{\"batch\": 10}");
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"created\":1"));
  casework_result_free(&r);

  r = casework_pull(server, laptop, NULL);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"created\":0"));
  casework_result_free(&r);

  r = casework_get(server, id, NULL);
  CHECK(contains(r.json, "\"title\":\"Offline\""));
  casework_result_free(&r);

  r = casework_pull(server, server, NULL);
  CHECK(r.code == CASEWORK_VALIDATION_FAILED);
  casework_result_free(&r);

  r = casework_conflicts(server, NULL);
  CHECK(contains(r.json, "{\"data\":[]}"));
  casework_result_free(&r);

  r = casework_resolve(server, id, "local", NULL);
  CHECK(r.code == CASEWORK_NOT_FOUND);
  casework_result_free(&r);

  r = casework_database_id(laptop);
  CHECK(r.code == CASEWORK_OK);
  CHECK(contains(r.json, "\"id\":"));
  casework_result_free(&r);

  r = casework_verify(server, NULL);
  CHECK(contains(r.json, "\"clean\":true"));
  casework_result_free(&r);

  casework_close(laptop);
  casework_close(server);
}

int main(void) {
  const char *tmp = getenv("TMPDIR");
  snprintf(directory, sizeof directory, "%s/casework-c-XXXXXX", tmp != NULL ? tmp : "/tmp");
  if (mkdtemp(directory) == NULL) {
    perror("mkdtemp");
    return 1;
  }
  test_version_and_code_names();
  test_case_lifecycle();
  test_errors_are_typed_and_change_nothing();
  test_null_arguments_are_validation_errors();
  test_open_refuses_what_it_cannot_open();
  test_export_import_and_workspaces();
  test_changes_and_pull();
  printf("%d checks, %d failed\n", checks, failures);
  {
    char command[512];
    snprintf(command, sizeof command, "rm -rf '%s'", directory);
    if (system(command) != 0) fprintf(stderr, "could not remove %s\n", directory);
  }
  return failures == 0 ? 0 : 1;
}

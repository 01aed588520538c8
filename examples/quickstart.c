/* casework from C: create a case, set a field, close it, print its history.
 *
 *   cc -std=c99 quickstart.c $(pkg-config --cflags --libs casework)
 *   ./a.out cases.db
 */
#include <stdio.h>
#include <string.h>

#include <casework/c.h>

/* Prints the error of a failed call and frees it; true when `r` failed. */
static int failed(casework_result *r, const char *what) {
  if (r->code == CASEWORK_OK) return 0;
  fprintf(stderr, "%s: %s\n", what, r->message != NULL ? r->message : "out of memory");
  casework_result_free(r);
  return 1;
}

int main(int argc, char **argv) {
  const char *path = argc > 1 ? argv[1] : "quickstart.db";
  casework_db *db = NULL;
  char id[37] = "";
  const char *at;
  int status = 1;
  casework_result r = casework_open(path, NULL, &db);
  if (failed(&r, "open")) return 1;

  r = casework_create(db,
                      "{\"title\": \"Refund order 12\","
                      " \"schema\": [{\"key\": \"amount\", \"type\": \"number\", \"name\": \"Amount\"}]}",
                      "{\"actor\": \"ana@example.com\"}");
  if (failed(&r, "create")) goto out;
  /* A real program parses the JSON; the id is the first member here. */
  at = strstr(r.json, "\"id\":\"");
  if (at != NULL) memcpy(id, at + 6, 36);
  casework_result_free(&r);

  r = casework_update_data(db, id, "{\"data\": {\"amount\": 12.5}}", NULL);
  if (failed(&r, "update-data")) goto out;
  casework_result_free(&r);

  r = casework_transition(db, id, "{\"to\": \"closed\", \"reason\": \"paid\"}", NULL);
  if (failed(&r, "transition")) goto out;
  casework_result_free(&r);

  r = casework_history(db, id, NULL);
  if (failed(&r, "history")) goto out;
  printf("casework %s: %s\n", casework_version(), r.json);
  casework_result_free(&r);
  status = 0;

out:
  casework_close(db);
  return status;
}

// main() of the suites that need a PostgreSQL server. scripts/test starts a
// throwaway one (scripts/pg-server) and names it in CASEWORK_TEST_POSTGRESQL;
// without it the suite reports itself skipped (exit 77, meson's SKIP)
// instead of failing on a machine that has no server running.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const char* uri = std::getenv("CASEWORK_TEST_POSTGRESQL");
  if (uri == nullptr || *uri == '\0') {
    std::fprintf(stderr, "CASEWORK_TEST_POSTGRESQL is not set (bash scripts/test sets it): skipped\n");
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}

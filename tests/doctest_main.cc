// main() of the suites. A suite's PostgreSQL variant
// (CASEWORK_TEST_BACKEND=postgresql, tests/backend.h) needs the server that
// scripts/test names in CASEWORK_TEST_POSTGRESQL; without one it reports
// itself skipped (exit 77, meson's SKIP) rather than failing.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>

int main(int argc, char** argv) {
  const char* backend = std::getenv("CASEWORK_TEST_BACKEND");
  const char* uri = std::getenv("CASEWORK_TEST_POSTGRESQL");
  if (backend != nullptr && std::string_view(backend) == "postgresql" &&
      (uri == nullptr || *uri == '\0')) {
    std::fprintf(stderr, "CASEWORK_TEST_POSTGRESQL is not set (bash scripts/test sets it): skipped\n");
    return 77;
  }
  doctest::Context context(argc, argv);
  return context.run();
}

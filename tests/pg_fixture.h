// Shared by the suites that run against the PostgreSQL server of
// CASEWORK_TEST_POSTGRESQL (pg_main.cc): connections and throwaway
// databases, each test in a database of its own.
#ifndef CASEWORK_TESTS_PG_FIXTURE_H_
#define CASEWORK_TESTS_PG_FIXTURE_H_

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>

#include "casework/options.h"
#include "casework/status.h"
#include "storage/pg/connection.h"

namespace pgtest {

namespace pg = casework::storage::pg;

// The server's URI, as scripts/test names it.
inline std::string ServerUri() { return std::getenv("CASEWORK_TEST_POSTGRESQL"); }

// `uri` with its database replaced by `name` (a later dbname wins in libpq).
inline std::string WithDatabase(const std::string& uri, const std::string& name) {
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + "dbname=" + name;
}

inline std::unique_ptr<pg::Connection> Connect(
    const std::string& uri, std::chrono::milliseconds busy_timeout = std::chrono::seconds(5)) {
  casework::Options options;
  options.busy_timeout = busy_timeout;
  return pg::Connection::Open(uri, options);
}

// An empty database of this test alone (a copy of `template_name` when
// given), dropped (with whatever is still connected to it) when the object
// goes.
class FreshDatabase {
 public:
  explicit FreshDatabase(const std::string& template_name = {}) : admin_(Connect(ServerUri())) {
    static int made = 0;
    name_ = "cw_" + std::to_string(getpid()) + "_" + std::to_string(++made);
    admin_->RunDynamic("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    admin_->RunDynamic("CREATE DATABASE " + name_ +
                       (template_name.empty() ? "" : " TEMPLATE " + template_name));
  }
  ~FreshDatabase() {
    try {
      admin_->RunDynamic("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  FreshDatabase(const FreshDatabase&) = delete;
  FreshDatabase& operator=(const FreshDatabase&) = delete;

  std::string uri() const { return WithDatabase(ServerUri(), name_); }
  const std::string& name() const { return name_; }

 private:
  std::unique_ptr<pg::Connection> admin_;
  std::string name_;
};

// The code of the casework::Error `work` throws; kOk when it throws none.
template <typename F>
casework::Code CodeOf(F&& work) {
  try {
    work();
  } catch (const casework::Error& e) {
    return e.status().code();
  }
  return casework::Code::kOk;
}

}  // namespace pgtest

#endif  // CASEWORK_TESTS_PG_FIXTURE_H_

#include "databases.h"

#include <libpq-fe.h>

#include <cstdio>
#include <fstream>
#include <initializer_list>
#include <set>
#include <system_error>

#include "failure.h"
#include "pq_handles.h"

namespace casework::bench {
namespace {

namespace fs = std::filesystem;

// ---- SQLite: files ----

class FilesInDirectory final : public Databases {
 public:
  explicit FilesInDirectory(fs::path dir) : dir_(std::move(dir)) {}

  const char* backend() const override { return "sqlite"; }

  std::string Locator(std::string_view name, bool) const override { return File(name).string(); }

  // The engine makes the file when it opens it.
  void MakeEmpty(std::string_view name) override { fs::remove(File(name)); }

  void Copy(std::string_view from, std::string_view to) override {
    fs::remove(File(to));
    fs::copy_file(File(from), File(to));
  }

  bool Exists(std::string_view name) override { return fs::exists(File(name)); }

  std::uintmax_t Bytes(std::string_view name) override { return fs::file_size(File(name)); }

  void Warm(std::string_view name) override { WarmFile(File(name)); }

  // Each side opens the file with its own page cache; Warm evens out the
  // operating system's.
  bool ReadsNeedCopies() const override { return false; }

  // Closing the engine that made it checkpointed the WAL into the file.
  void Settle(std::string_view) override {}

  std::string Stamp(std::string_view name) override {
    std::ifstream in(StampFile(name));
    std::string stamp;
    in >> stamp;
    return stamp;
  }

  void SetStamp(std::string_view name, const std::string& stamp) override {
    if (stamp.empty()) fs::remove(StampFile(name));
    else std::ofstream(StampFile(name)) << stamp << '\n';
  }

  std::string DurableMembers() override { return ",\"sync\":\"full\""; }

  // The files stay: the caller removes a directory it made, and one it was
  // given keeps them for --reuse-base.
  void RemoveAll(std::string_view) noexcept override {}

 private:
  fs::path File(std::string_view name) const { return dir_ / (std::string(name) + ".db"); }
  fs::path StampFile(std::string_view name) const { return dir_ / (std::string(name) + ".n"); }

  fs::path dir_;
};

// ---- PostgreSQL: databases of a server ----

void IgnoreNotice(void*, const char*) {}

class ServerDatabases final : public Databases {
 public:
  explicit ServerDatabases(std::string admin_uri) : admin_uri_(std::move(admin_uri)) {
    PqConn admin = Connect(admin_uri_);
    server_version_ = PQserverVersion(admin.get());
  }

  const char* backend() const override { return "postgresql"; }

  std::string Locator(std::string_view name, bool durable) const override {
    std::string uri = admin_uri_ + (admin_uri_.find('?') == std::string::npos ? "?" : "&") +
                      "dbname=" + DatabaseName(name);
    // libpq reads the options parameter as the server's command line:
    // "-c synchronous_commit=off", with its '=' percent-encoded.
    if (!durable) uri += "&options=-csynchronous_commit%3Doff";
    return uri;
  }

  void MakeEmpty(std::string_view name) override {
    Replace(name, "CREATE DATABASE " + Quoted(name));
  }

  // FILE_COPY (PostgreSQL 15 on) copies the files after a checkpoint; the
  // default there, WAL_LOG, would write the whole base into the WAL.
  void Copy(std::string_view from, std::string_view to) override {
    Replace(to, "CREATE DATABASE " + Quoted(to) + " TEMPLATE " + Quoted(from) +
                    (server_version_ >= 150000 ? " STRATEGY FILE_COPY" : ""));
  }

  bool Exists(std::string_view name) override {
    PqConn admin = Connect(admin_uri_);
    std::string database = DatabaseName(name);
    return PQntuples(Run(admin, "SELECT 1 FROM pg_database WHERE datname = $1",
                         {database.c_str()}).get()) == 1;
  }

  std::uintmax_t Bytes(std::string_view name) override {
    PqConn db = Connect(Locator(name, false));
    PqResult size = Run(db,
                        "SELECT coalesce(sum(pg_total_relation_size(oid)), 0)::bigint FROM "
                        "pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace",
                        {});
    return std::stoull(PQgetvalue(size.get(), 0, 0));
  }

  void Warm(std::string_view) override {}

  bool ReadsNeedCopies() const override { return true; }

  void Settle(std::string_view name) override {
    PqConn db = Connect(Locator(name, false));
    Run(db, "VACUUM (ANALYZE)", {});
  }

  std::string Stamp(std::string_view name) override {
    PqConn admin = Connect(admin_uri_);
    std::string database = DatabaseName(name);
    PqResult stamp = Run(admin,
                         "SELECT coalesce(shobj_description(oid, 'pg_database'), '') "
                         "FROM pg_database WHERE datname = $1",
                         {database.c_str()});
    return PQntuples(stamp.get()) == 1 ? PQgetvalue(stamp.get(), 0, 0) : "";
  }

  void SetStamp(std::string_view name, const std::string& stamp) override {
    PqConn admin = Connect(admin_uri_);
    std::string literal = "NULL";
    if (!stamp.empty()) {
      char* escaped = PQescapeLiteral(admin.get(), stamp.data(), stamp.size());
      if (!escaped) Die("cannot quote a stamp: " + std::string(PQerrorMessage(admin.get())));
      literal = escaped;
      PQfreemem(escaped);
    }
    Run(admin, "COMMENT ON DATABASE " + Quoted(name) + " IS " + literal, {});
  }

  // A server without fsync acknowledges commits it has not flushed.
  std::string DurableMembers() override {
    PqConn admin = Connect(admin_uri_);
    PqResult fsync = Run(admin, "SHOW fsync", {});
    bool flushes = std::string_view(PQgetvalue(fsync.get(), 0, 0)) == "on";
    return std::string(",\"sync\":\"synchronous_commit=on\"") +
           (flushes ? "" : ",\"fsync\":\"off\"");
  }

  void RemoveAll(std::string_view keep) noexcept override {
    PqConn admin(PQconnectdb(admin_uri_.c_str()));
    if (!admin || PQstatus(admin.get()) != CONNECTION_OK) return;
    PQsetNoticeProcessor(admin.get(), IgnoreNotice, nullptr);
    for (const std::string& name : made_) {
      if (name == keep) continue;
      // FORCE (PostgreSQL 13 on): a side that just failed may still have
      // its connection open on the server.
      std::string drop = "DROP DATABASE IF EXISTS " + Quoted(name) +
                         (server_version_ >= 130000 ? " WITH (FORCE)" : "");
      PqResult dropped(PQexec(admin.get(), drop.c_str()));
      if (!Succeeded(dropped))
        std::fprintf(stderr, "casework-bench: could not drop %s: %s", DatabaseName(name).c_str(),
                     PQerrorMessage(admin.get()));
    }
    made_.clear();
  }

 private:
  static std::string DatabaseName(std::string_view name) {
    return "casework_bench_" + std::string(name);
  }
  static std::string Quoted(std::string_view name) { return "\"" + DatabaseName(name) + "\""; }

  static PqConn Connect(const std::string& uri) {
    PqConn conn(PQconnectdb(uri.c_str()));
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK)
      Die("cannot connect to PostgreSQL: " +
          std::string(conn ? PQerrorMessage(conn.get()) : "out of memory"));
    // DROP DATABASE IF EXISTS says NOTICE when there was none.
    PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
    return conn;
  }

  static PqResult Run(const PqConn& conn, const std::string& sql,
                      std::initializer_list<const char*> params) {
    PqResult result(PQexecParams(conn.get(), sql.c_str(), static_cast<int>(params.size()),
                                 nullptr, params.begin(), nullptr, nullptr, 0));
    if (!Succeeded(result)) Die(sql + ": " + PQerrorMessage(conn.get()));
    return result;
  }

  // Drops `name` if it is there and makes it again with `create`.
  void Replace(std::string_view name, const std::string& create) {
    PqConn admin = Connect(admin_uri_);
    Run(admin, "DROP DATABASE IF EXISTS " + Quoted(name), {});
    made_.insert(std::string(name));
    Run(admin, create, {});
  }

  std::string admin_uri_;
  int server_version_ = 0;
  std::set<std::string> made_;  // by short name
};

}  // namespace

void WarmFile(const fs::path& path) {
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (!in) Die("cannot read " + path.string());
  static char buffer[1 << 20];
  while (std::fread(buffer, 1, sizeof buffer, in) == sizeof buffer) {
  }
  std::fclose(in);
}

std::unique_ptr<Databases> SqliteFiles(const fs::path& dir) {
  return std::make_unique<FilesInDirectory>(dir);
}

std::unique_ptr<Databases> PostgresDatabases(const std::string& admin_uri) {
  return std::make_unique<ServerDatabases>(admin_uri);
}

}  // namespace casework::bench

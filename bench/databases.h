// casework-bench: where a run's databases live. Each has a short name
// ("engine", "raw", "base"). On SQLite it is a file in the run's directory
// (engine.db, ...); on PostgreSQL a database of the server
// (casework_bench_engine, ...). The names are fixed: two runs must not use
// one server at once.
//
// Every method runs in the parent process between workloads, never while a
// side is measured, and dies (failure.h) when the work cannot be done.
#ifndef CASEWORK_BENCH_DATABASES_H_
#define CASEWORK_BENCH_DATABASES_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace casework::bench {

class Databases {
 public:
  virtual ~Databases() = default;

  // "sqlite" or "postgresql", as the JSON lines name the backend.
  virtual const char* backend() const = 0;

  // What Engine::Open and the raw baseline open for `name`: a path or a
  // URI. On PostgreSQL a URI says how commits wait: `durable`, for the
  // server's flush (synchronous_commit on); else not (off, the counterpart
  // of SQLite's synchronous=NORMAL). On SQLite the caller says it, through
  // Durability and RawOptions.
  virtual std::string Locator(std::string_view name, bool durable = false) const = 0;

  // Removes `name` and makes it again, without tables: opening an engine on
  // it then makes casework's schema.
  virtual void MakeEmpty(std::string_view name) = 0;
  // Replaces `to` by a copy of `from`, which nothing may have open.
  virtual void Copy(std::string_view from, std::string_view to) = 0;
  virtual bool Exists(std::string_view name) = 0;
  // What the database takes: the file, or the tables with their indexes
  // and TOAST.
  virtual std::uintmax_t Bytes(std::string_view name) = 0;

  // Brings `name` into the operating system's cache before a side reads it
  // (SQLite); a side that ran second would otherwise find pages the first
  // brought in. Nothing on PostgreSQL, where each side reads its own copy.
  virtual void Warm(std::string_view name) = 0;
  // True when even a read-only workload must give each side its own copy
  // of the base: the server's buffer pool would otherwise hand the second
  // side the pages the first one read.
  virtual bool ReadsNeedCopies() const = 0;
  // Brings a freshly populated base to the state of a database in service
  // before it is copied: on PostgreSQL its statistics and visibility map
  // (VACUUM ANALYZE, as autovacuum would in time). Nothing on SQLite.
  virtual void Settle(std::string_view name) = 0;

  // A note kept with `name` ("" when none): the n a base was made for, so
  // that --reuse-base knows it (base.n beside a file; the database's
  // comment on a server).
  virtual std::string Stamp(std::string_view name) = 0;
  virtual void SetStamp(std::string_view name, const std::string& stamp) = 0;

  // The JSON members durable_create's line adds: how its commits wait.
  virtual std::string DurableMembers() = 0;

  // Removes what this run made, but `keep` ("" for none); without dying,
  // so that a failure can call it too.
  virtual void RemoveAll(std::string_view keep) noexcept = 0;
};

// Reads a file through, so that the operating system caches it.
void WarmFile(const std::filesystem::path& path);

// Files in `dir`.
std::unique_ptr<Databases> SqliteFiles(const std::filesystem::path& dir);

// Databases on the server `admin_uri` names, whose user may CREATE
// DATABASE. The URI of database X is the admin URI with dbname=X added
// (a later dbname wins in libpq).
std::unique_ptr<Databases> PostgresDatabases(const std::string& admin_uri);

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_DATABASES_H_

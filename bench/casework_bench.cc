// casework-bench: how much casework costs on top of SQLite or PostgreSQL.
//
//   casework-bench [--workloads bulk_create,get,...] [--n N] [--repeat K] [--quick] [--dir DIR]
//                  [--reuse-base] [--backend sqlite|postgresql] [--pg URI]
//
// Every workload runs twice on the same schema and data, in separate child
// processes: once through the engine, once as hand-written prepared
// statements on the backend's own client library (raw_sqlite.cc on the
// SQLite C API, raw_pg.cc on libpq). Each prints one JSON line:
//   {"workload", "backend", "n", "ops", "engine_per_s", "raw_per_s", "ratio", "peak_rss_mb", ...}
// ratio = engine/raw from the same run, so it survives a noisy machine. The
// list workload prints one line per probe ("list_parent_status", ...), with
// the median call in microseconds on each side. The changes workload, run
// only when named, reads the base's whole change feed (Engine::Changes).
// bench/README.md has results.
//
// Memory: cases are generated one at a time (MakeCase), never held all at
// once, and the parent keeps a bounded sample of ids, so a child's peak RSS
// (which counts what it inherits from the parent) is the work's own.
//
// PostgreSQL: --pg names a running server (an admin URI whose user may
// CREATE DATABASE); without it the run starts a throwaway one with
// scripts/pg-server in its directory and stops it at the end, also when it
// fails. Where SQLite makes or copies a file, PostgreSQL makes or copies a
// database (databases.h).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "casework/casework.h"
#include "databases.h"
#include "failure.h"
#include "pg_server.h"
#include "raw_pg.h"
#include "raw_sqlite.h"
#include "workload.h"

namespace casework::bench {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

enum class Backend { kSqlite, kPostgres };

struct Config {
  Backend backend = Backend::kSqlite;
  std::string pg_uri;  // --pg: a running server; else a throwaway one
  std::size_t n = 100'000;
  // The smoke tests (bench_quick, bench_quick_pg) count the 12 lines this
  // list prints (list prints five).
  std::vector<std::string> workloads = {"bulk_create", "durable_create", "get", "update_data",
                                        "transition", "list", "import", "changes"};
  fs::path dir;
  bool quick = false;
  int repeat = 1;  // runs of each side, alternating; medians reported
  bool reuse_base = false;  // keep the base of an earlier run in dir
};

template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result.ok()) Die(std::string(what) + ": " + result.status().ToString());
  return std::move(result).value();
}

// `db` is a path or a URI (Databases::Locator). On PostgreSQL durability
// is the URI's (synchronous_commit): the engine's Durability is for SQLite.
std::unique_ptr<Engine> OpenEngine(const std::string& db, Durability durability) {
  Options options;
  options.durability = durability;
  return Must(Engine::Open(options, db), "open");
}

Field MakeField(const char* key, FieldType type, boost::json::value value,
                std::vector<std::string> options = {}) {
  Field f;
  f.key = key;
  f.type = type;
  f.value = std::move(value);
  f.options = std::move(options);
  return f;
}

CaseDraft ToDraft(const CaseSpec& c) {
  CaseDraft d;
  d.title = c.title;
  d.reference = c.reference;
  d.status = c.status;
  d.owner = UserInput{c.owner_email, std::nullopt, std::nullopt};
  for (const auto& k : c.contacts) {
    ContactInput contact;
    contact.key = k.key;
    contact.email = k.email;
    contact.given_name = k.given_name;
    contact.family_name = k.family_name;
    d.contacts.push_back(std::move(contact));
  }
  d.schema = {MakeField("amount", FieldType::kNumber, c.amount),
              MakeField("rooms", FieldType::kInteger, c.rooms),
              MakeField("policy", FieldType::kText, boost::json::string(c.policy)),
              MakeField("urgent", FieldType::kBoolean, c.urgent),
              MakeField("incident", FieldType::kDate, boost::json::string(c.incident_date)),
              MakeField("reported", FieldType::kDateTime, boost::json::string(c.reported_at)),
              MakeField("adjuster", FieldType::kEmail, boost::json::string(c.adjuster)),
              MakeField("phone", FieldType::kPhone, boost::json::string(c.phone)),
              MakeField("kind", FieldType::kChoice, boost::json::string(c.kind),
                        {"water", "fire", "theft"}),
              MakeField("notes", FieldType::kText, boost::json::string(c.notes))};
  d.tags = c.tags;
  d.closure_conditions = {{"amount", kCloseCondition}};
  return d;
}

double PerSecond(std::size_t ops, SteadyClock::time_point start) {
  double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  return seconds > 0 ? static_cast<double>(ops) / seconds : 0;
}

// ---- engine workloads: each returns operations per second ----

// Creates cases 0 .. count-1 of a workload of n, `batch` to a transaction;
// hands each id to `keep` (which may drop it).
void EngineCreate(Engine& engine, std::size_t n, std::size_t count, std::size_t batch,
                  const std::function<void(std::string)>& keep) {
  std::vector<CaseDraft> drafts;
  for (std::size_t i = 0; i < count; i += batch) {
    drafts.clear();
    for (std::size_t j = i; j < std::min(count, i + batch); ++j) drafts.push_back(ToDraft(MakeCase(j, n)));
    if (batch == 1) {
      keep(Must(engine.Create(drafts[0]), "create").id);
      continue;
    }
    for (auto& id : Must(engine.CreateMany(drafts), "create many")) keep(std::move(id));
  }
}

double EngineGet(Engine& engine, const std::vector<std::string>& ids, std::size_t reads) {
  std::mt19937_64 random(7);
  std::size_t bytes = 0;
  auto start = SteadyClock::now();
  for (std::size_t r = 0; r < reads; ++r) bytes += Must(engine.Get(ids[random() % ids.size()]), "get").title.size();
  double rate = PerSecond(reads, start);
  if (bytes == 0) Die("get read nothing");
  return rate;
}

double EngineUpdateData(Engine& engine, const std::vector<std::string>& ids, std::size_t updates) {
  std::mt19937_64 random(11);
  auto start = SteadyClock::now();
  for (std::size_t u = 0; u < updates; ++u) {
    auto n = static_cast<std::int64_t>(u);
    boost::json::object data{{"amount", n}, {"rooms", n}, {"policy", std::to_string(u)},
                             {"urgent", (u % 2) == 0}, {"notes", std::to_string(u)}};
    Must(engine.UpdateData(ids[random() % ids.size()], data), "update data");
  }
  return PerSecond(updates, start);
}

double EngineTransition(Engine& engine, const std::vector<std::string>& ids, std::size_t moves) {
  std::mt19937_64 random(13);
  std::map<std::string, bool> closed;
  auto start = SteadyClock::now();
  for (std::size_t m = 0; m < moves; ++m) {
    const std::string& id = ids[random() % ids.size()];
    bool& is_closed = closed[id];
    TransitionRequest request{is_closed ? "Reopen" : "Close", "bench", false};
    Must(engine.Transition(id, request), "transition");
    is_closed = !is_closed;
  }
  return PerSecond(moves, start);
}

CasePage MustList(Engine& engine, const ListQuery& query) { return Must(engine.List(query), "list"); }

boost::json::value AmountRange(double low, double high) {
  auto leaf = [](const char* op, double value) {
    return boost::json::object{{"field", "data.amount"}, {"op", op}, {"value", value}};
  };
  return boost::json::object{{"and", boost::json::array{leaf("gte", low), leaf("lt", high)}}};
}

// The probes of kListProbes, as RawList runs them.
std::vector<double> EngineList(Engine& engine, const ListPlan& plan) {
  std::vector<double> timings;
  auto probe = [&](const std::function<ListQuery(std::size_t)>& make) {
    TimeCalls(plan.reps, timings, [&](std::size_t rep) { MustList(engine, make(rep)); });
  };
  probe([](std::size_t) {
    ListQuery q;
    q.parent_status = ParentStatus::kPending;
    return q;
  });
  probe([&](std::size_t rep) {
    ListQuery q;
    q.contact_email = ProbeEmail(rep, plan.n);
    return q;
  });
  probe([&](std::size_t rep) {
    ListQuery q;
    double low = ProbeAmount(rep, plan.n);
    q.filter = AmountRange(low, low + ProbeWidth(plan.n));
    return q;
  });
  // The cursors after page 1 and after page deep_page - 1 (reached by
  // number once: walking there would only repeat the same call).
  for (std::int64_t page : {std::int64_t{1}, static_cast<std::int64_t>(plan.deep_page) - 1}) {
    ListQuery at;
    at.page_number = page;
    std::optional<std::string> cursor = MustList(engine, at).next_cursor;
    if (!cursor) Die("list: no page after page " + std::to_string(page));
    probe([cursor](std::size_t) {
      ListQuery q;
      q.after = cursor;
      return q;
    });
  }
  return timings;
}

// The whole change feed from change 0, kChangesPage events a call, each
// call after the last change of the one before, as a follower reads it:
// events per second, then the events read.
std::vector<double> EngineChanges(Engine& engine) {
  std::int64_t since = 0;
  std::size_t events = 0;
  auto start = SteadyClock::now();
  for (bool full = true; full;) {
    std::vector<ChangeEntry> page = Must(engine.Changes(since, kChangesPage), "changes");
    events += page.size();
    if (!page.empty()) since = page.back().event.change;
    full = page.size() == static_cast<std::size_t>(kChangesPage);
  }
  return {PerSecond(events, start), static_cast<double>(events)};
}

// ---- processes ----

struct Measure {
  std::vector<double> values;  // what the work returned
  double peak_rss_mb = 0;
  double per_s() const { return values.empty() ? 0 : values[0]; }
};

// Runs `work` in a child process: its own heap, so peak RSS is its own. An
// exception ends the child there: unwinding into the parent's frames would
// run their destructors (stopping the parent's server) in the child.
Measure InChild(const std::function<std::vector<double>()>& work) {
  int fds[2];
  if (pipe(fds) != 0) Die("pipe");
  pid_t pid = fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    close(fds[0]);
    std::vector<double> values;
    try {
      values = work();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "casework-bench: %s\n", e.what());
      _exit(1);
    }
    std::size_t count = values.size();
    if (write(fds[1], &count, sizeof count) != sizeof count) _exit(2);
    auto bytes = static_cast<ssize_t>(count * sizeof(double));
    if (write(fds[1], values.data(), count * sizeof(double)) != bytes) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  Measure m;
  std::size_t count = 0;
  bool read_all = read(fds[0], &count, sizeof count) == sizeof count && count <= 1024;
  if (read_all) {
    m.values.resize(count);
    auto bytes = static_cast<ssize_t>(count * sizeof(double));
    read_all = read(fds[0], m.values.data(), count * sizeof(double)) == bytes;
  }
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);  // before any undo: the child is done with the databases
  if (!read_all || !WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("child failed");
  m.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return m;
}

// ---- the run ----

// The raw baseline of each workload on the run's backend. `db` is what
// Databases::Locator gave for the side's database.
struct RawSide {
  std::function<double(const std::string& db, std::size_t n, std::size_t count,
                       std::size_t batch, bool durable)>
      create;
  std::function<double(const std::string& db, const std::string& ndjson)> import;
  using OnBase = std::function<double(const std::string& db, const std::vector<std::string>& ids,
                                      std::size_t ops)>;
  OnBase get, update_data, transition;
  std::function<std::vector<double>(const std::string& db, const ListPlan& plan)> list;
  std::function<std::vector<double>(const std::string& db)> changes;
};

RawSide SqliteBaseline() {
  RawSide raw;
  raw.create = [](const std::string& db, std::size_t n, std::size_t count, std::size_t batch,
                  bool durable) { return RawCreate(db, n, count, batch, RawOptions{durable}); };
  raw.import = [](const std::string& db, const std::string& ndjson) {
    return RawImport(db, ndjson, {});
  };
  auto on_base = [](auto work) -> RawSide::OnBase {
    return [work](const std::string& db, const std::vector<std::string>& ids, std::size_t ops) {
      return work(db, ids, ops, RawOptions{});
    };
  };
  raw.get = on_base(RawGet);
  raw.update_data = on_base(RawUpdateData);
  raw.transition = on_base(RawTransition);
  raw.list = [](const std::string& db, const ListPlan& plan) { return RawList(db, plan, {}); };
  raw.changes = [](const std::string& db) { return RawChanges(db, {}); };
  return raw;
}

// How commits wait is in the URI (Databases::Locator), so `durable` is not
// needed here.
RawSide PostgresBaseline() {
  RawSide raw;
  raw.create = [](const std::string& db, std::size_t n, std::size_t count, std::size_t batch,
                  bool) { return raw_pg::Create(db, n, count, batch); };
  raw.import = raw_pg::Import;
  raw.get = raw_pg::Get;
  raw.update_data = raw_pg::UpdateData;
  raw.transition = raw_pg::Transition;
  raw.list = raw_pg::List;
  raw.changes = raw_pg::ChangeFeed;
  return raw;
}

// What every workload of the run uses: its settings, where its databases
// live, the baseline of its backend.
struct Bench {
  const Config& config;
  Databases& databases;
  RawSide raw;
};

void Report(const Bench& bench, const std::string& workload, std::size_t ops,
            double engine_per_s, double raw_per_s, const Measure& engine, const Measure& raw,
            const std::string& extra = "") {
  std::printf(
      "{\"workload\":\"%s\",\"backend\":\"%s\",\"n\":%zu,\"ops\":%zu,\"engine_per_s\":%.1f,"
      "\"raw_per_s\":%.1f,\"ratio\":%.3f,\"peak_rss_mb\":%.1f,\"raw_peak_rss_mb\":%.1f%s}\n",
      workload.c_str(), bench.databases.backend(), bench.config.n, ops, engine_per_s, raw_per_s,
      raw_per_s > 0 ? engine_per_s / raw_per_s : 0, engine.peak_rss_mb, raw.peak_rss_mb,
      extra.c_str());
  std::fflush(stdout);
}

void Report(const Bench& bench, const std::string& workload, std::size_t ops,
            const Measure& engine, const Measure& raw, const std::string& extra = "") {
  Report(bench, workload, ops, engine.per_s(), raw.per_s(), engine, raw, extra);
}

// Makes database `name` anew with casework's schema and nothing else: the
// engine makes the schema when it opens the database.
void FreshDatabase(const Bench& bench, std::string_view name) {
  bench.databases.MakeEmpty(name);
  OpenEngine(bench.databases.Locator(name), Durability::kNormal);
}

// The populated database ("base") that the read and update workloads start
// from (each side gets a copy of it), and a uniform sample of its ids.
struct Base {
  std::vector<std::string> ids;
};

constexpr std::size_t kIdSample = 20000;

// Beside the base's file, or in --dir for a base on a server. SQLite's and
// PostgreSQL's bases may share one --dir.
fs::path IdsFile(const Bench& bench) {
  return bench.config.dir /
         (bench.config.backend == Backend::kSqlite ? "base.ids" : "pg-base.ids");
}

std::vector<std::string> ReadIds(const fs::path& file) {
  std::vector<std::string> ids;
  std::FILE* in = std::fopen(file.c_str(), "r");
  if (!in) Die("cannot read " + file.string());
  char line[64];
  while (std::fgets(line, sizeof line, in)) ids.emplace_back(line, std::strcspn(line, "\n"));
  std::fclose(in);
  return ids;
}

// With --reuse-base, the base an earlier run left, if it was made for the
// same n (its stamp says which): a million cases take a while.
bool ReusableBase(const Bench& bench) {
  return bench.config.reuse_base && bench.databases.Exists("base") &&
         bench.databases.Stamp("base") == std::to_string(bench.config.n) &&
         fs::exists(IdsFile(bench));
}

Base MakeBase(const Bench& bench) {
  const Config& config = bench.config;
  fs::path ids_file = IdsFile(bench);
  if (ReusableBase(bench)) return {ReadIds(ids_file)};
  FreshDatabase(bench, "base");
  bench.databases.SetStamp("base", "");
  // Made in a child, so that the parent (and every later child) stays small.
  InChild([&] {
    auto engine = OpenEngine(bench.databases.Locator("base"), Durability::kNormal);
    std::vector<std::string> sample;
    std::mt19937_64 random(5);
    std::size_t seen = 0;
    EngineCreate(*engine, config.n, config.n, 1000, [&](std::string id) {
      ++seen;  // reservoir sampling: every id equally likely to be kept
      if (sample.size() < kIdSample) sample.push_back(std::move(id));
      else if (std::size_t slot = random() % seen; slot < kIdSample) sample[slot] = std::move(id);
    });
    std::FILE* out = std::fopen(ids_file.c_str(), "w");
    if (!out) Die("cannot write " + ids_file.string());
    for (const auto& id : sample) std::fprintf(out, "%s\n", id.c_str());
    std::fclose(out);
    return std::vector<double>{};
  });  // closing the engine checkpoints SQLite's WAL into the file
  bench.databases.Settle("base");
  bench.databases.SetStamp("base", std::to_string(config.n));
  return {ReadIds(ids_file)};
}

std::string BytesPerCase(const Bench& bench, std::size_t n) {
  std::ostringstream extra;
  n = std::max<std::size_t>(1, n);
  extra << ",\"engine_bytes_per_case\":" << bench.databases.Bytes("engine") / n
        << ",\"raw_bytes_per_case\":" << bench.databases.Bytes("raw") / n;
  return extra.str();
}

using Work = std::function<std::vector<double>()>;

struct Sides {
  Measure engine, raw;
};

// The element-wise median of the runs' values; the largest peak RSS.
Measure MedianOf(std::vector<Measure> runs) {
  Measure out;
  for (std::size_t v = 0; v < runs.front().values.size(); ++v) {
    std::vector<double> column;
    for (const auto& run : runs) column.push_back(run.values.at(v));
    std::sort(column.begin(), column.end());
    out.values.push_back(column[column.size() / 2]);
  }
  for (const auto& run : runs) out.peak_rss_mb = std::max(out.peak_rss_mb, run.peak_rss_mb);
  return out;
}

// Runs each side config.repeat times, alternating engine and raw so that a
// slow spell of the machine falls on both. `prepare(true)` runs before each
// engine run, `prepare(false)` before each raw one: fresh databases for
// work that changes them, the other side's left as its last run made them.
Sides Alternate(const Config& config, const std::function<void(bool engine)>& prepare,
                const Work& engine, const Work& raw) {
  std::vector<Measure> engine_runs, raw_runs;
  for (int r = 0; r < config.repeat; ++r) {
    prepare(true);
    engine_runs.push_back(InChild(engine));
    prepare(false);
    raw_runs.push_back(InChild(raw));
  }
  return {MedianOf(std::move(engine_runs)), MedianOf(std::move(raw_runs))};
}

const char* SideName(bool engine) { return engine ? "engine" : "raw"; }

// Creates cases 0 .. count-1 into fresh databases, `batch` to a
// transaction, on both sides.
Sides RunCreate(const Bench& bench, std::size_t count, std::size_t batch, Durability durability) {
  const Config& config = bench.config;
  bool durable = durability == Durability::kFull;
  std::string engine_db = bench.databases.Locator("engine", durable);
  std::string raw_db = bench.databases.Locator("raw", durable);
  auto fresh = [&](bool engine) { FreshDatabase(bench, SideName(engine)); };
  return Alternate(
      config, fresh,
      [&] {
        auto e = OpenEngine(engine_db, durability);
        auto start = SteadyClock::now();
        EngineCreate(*e, config.n, count, batch, [](std::string) {});
        return std::vector<double>{PerSecond(count, start)};
      },
      [&] {
        return std::vector<double>{bench.raw.create(raw_db, config.n, count, batch, durable)};
      });
}

void RunBulkCreate(const Bench& bench) {
  Sides sides = RunCreate(bench, bench.config.n, 1000, Durability::kNormal);
  Report(bench, "bulk_create", bench.config.n, sides.engine, sides.raw,
         BytesPerCase(bench, bench.config.n));
}

void RunDurableCreate(const Bench& bench) {
  const Config& config = bench.config;
  std::size_t some = std::min<std::size_t>(config.n, config.quick ? 50 : 2000);
  Sides sides = RunCreate(bench, some, 1, Durability::kFull);
  Report(bench, "durable_create", some, sides.engine, sides.raw, bench.databases.DurableMembers());
}

// Writes cases 0 .. n-1 as create payloads, one a line: the file import
// reads on both sides.
fs::path WriteImportFile(const Config& config) {
  fs::path file = config.dir / "import.ndjson";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (std::size_t i = 0; i < config.n; ++i)
    out << boost::json::serialize(boost::json::value_from(ToDraft(MakeCase(i, config.n)))) << '\n';
  if (!out) Die("cannot write " + file.string());
  return file;
}

// One Engine::Import of the whole file against one raw transaction that
// parses and inserts the same lines.
void RunImport(const Bench& bench) {
  const Config& config = bench.config;
  fs::path file = WriteImportFile(config);
  std::string engine_db = bench.databases.Locator("engine");
  std::string raw_db = bench.databases.Locator("raw");
  auto fresh = [&](bool engine) {
    FreshDatabase(bench, SideName(engine));
    WarmFile(file);
  };
  Sides sides = Alternate(
      config, fresh,
      [&] {
        auto e = OpenEngine(engine_db, Durability::kNormal);
        std::ifstream in(file, std::ios::binary);
        auto start = SteadyClock::now();
        ImportSummary summary = Must(e->Import(in), "import");
        if (summary.created != static_cast<std::int64_t>(config.n)) Die("import: wrong count");
        return std::vector<double>{PerSecond(config.n, start)};
      },
      [&] { return std::vector<double>{bench.raw.import(raw_db, file.string())}; });
  char extra[64];
  std::snprintf(extra, sizeof extra, ",\"file_bytes_per_case\":%ju",
                static_cast<std::uintmax_t>(fs::file_size(file) / config.n));
  Report(bench, "import", config.n, sides.engine, sides.raw, extra);
  fs::remove(file);
}

using EngineWork = std::function<double(Engine&, const std::vector<std::string>&, std::size_t)>;

void RunOnBase(const Bench& bench, const Base& base, const std::string& name, std::size_t ops,
               const EngineWork& engine_work, const RawSide::OnBase& raw_work) {
  Databases& databases = bench.databases;
  auto copies = [&](bool engine) { databases.Copy("base", SideName(engine)); };
  Sides sides = Alternate(
      bench.config, copies,
      [&] {
        databases.Warm("engine");
        auto e = OpenEngine(databases.Locator("engine"), Durability::kNormal);
        return std::vector<double>{engine_work(*e, base.ids, ops)};
      },
      [&] {
        databases.Warm("raw");
        return std::vector<double>{raw_work(databases.Locator("raw"), base.ids, ops)};
      });
  Report(bench, name, ops, sides.engine, sides.raw);
}

// Read-only work on the base: on SQLite both sides read the base itself,
// from a warm cache; on PostgreSQL each reads its own copy
// (Databases::ReadsNeedCopies).
Sides ReadBase(const Bench& bench, const std::function<std::vector<double>(Engine&)>& engine_work,
               const std::function<std::vector<double>(const std::string& db)>& raw_work) {
  Databases& databases = bench.databases;
  const bool copies = databases.ReadsNeedCopies();
  auto read_by = [&](bool engine) -> std::string { return copies ? SideName(engine) : "base"; };
  return Alternate(
      bench.config,
      [&](bool engine) {
        if (copies) databases.Copy("base", read_by(engine));
      },
      [&] {
        databases.Warm(read_by(true));
        auto e = OpenEngine(databases.Locator(read_by(true)), Durability::kNormal);
        return engine_work(*e);
      },
      [&] {
        databases.Warm(read_by(false));
        return raw_work(databases.Locator(read_by(false)));
      });
}

void RunList(const Bench& bench, const Base&) {
  const Config& config = bench.config;
  ListPlan plan;
  plan.n = config.n;
  plan.reps = config.quick ? 5 : 200;
  // The 10,000th page where there is one; at least page 2.
  plan.deep_page = std::clamp<std::size_t>(config.n / 10, 2, 10000);
  Sides sides = ReadBase(
      bench, [&](Engine& e) { return EngineList(e, plan); },
      [&](const std::string& db) { return bench.raw.list(db, plan); });
  const Measure& engine = sides.engine;
  const Measure& raw = sides.raw;
  if (engine.values.size() != 2 * kListProbeCount || raw.values.size() != 2 * kListProbeCount)
    Die("list: the sides measured different probes");
  for (std::size_t p = 0; p < kListProbeCount; ++p) {
    char extra[160];
    std::snprintf(extra, sizeof extra,
                  ",\"engine_median_us\":%.1f,\"raw_median_us\":%.1f%s", engine.values[2 * p],
                  raw.values[2 * p],
                  std::strcmp(kListProbes[p], "cursor_deep") == 0
                      ? (",\"page\":" + std::to_string(plan.deep_page)).c_str()
                      : "");
    Report(bench, std::string("list_") + kListProbes[p], plan.reps, engine.values[2 * p + 1],
           raw.values[2 * p + 1], engine, raw, extra);
  }
}

// The base's whole change feed: one created event a case, n in all.
void RunChanges(const Bench& bench, const Base&) {
  Sides sides = ReadBase(bench, EngineChanges, bench.raw.changes);
  const Measure& engine = sides.engine;
  const Measure& raw = sides.raw;
  if (engine.values.size() != 2 || raw.values.size() != 2 || engine.values[1] != raw.values[1] ||
      engine.values[1] < static_cast<double>(bench.config.n))
    Die("changes: the sides read different feeds, or too short a one");
  Report(bench, "changes", static_cast<std::size_t>(engine.values[1]), engine, raw);
}

constexpr char kUsage[] =
    "usage: casework-bench [--workloads a,b] [--n N] [--repeat K] [--quick] [--dir DIR]"
    " [--reuse-base]\n"
    "                      [--backend sqlite|postgresql] [--pg URI]\n"
    "workloads: bulk_create durable_create get update_data transition list import, and\n"
    "           changes (only when named)\n"
    "--backend postgresql runs them on a PostgreSQL server: the one --pg URI names (a user\n"
    "that may CREATE DATABASE), else a throwaway one started with scripts/pg-server\n";

Config ParseArgs(int argc, char** argv) {
  Config config;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Die("missing value after " + arg);
      return argv[++i];
    };
    if (arg == "--n") {
      config.n = std::stoul(next());
      if (config.n < 20) Die("--n must be at least 20");
    } else if (arg == "--quick") {
      config.quick = true;
      config.n = 300;
    } else if (arg == "--workloads") {
      config.workloads.clear();
      std::stringstream list(next());
      for (std::string w; std::getline(list, w, ',');) config.workloads.push_back(w);
    } else if (arg == "--repeat") {
      config.repeat = std::stoi(next());
      if (config.repeat < 1 || config.repeat > 99) Die("--repeat must be 1 to 99");
    } else if (arg == "--dir") {
      config.dir = next();
    } else if (arg == "--reuse-base") {
      config.reuse_base = true;
    } else if (arg == "--backend") {
      std::string backend = next();
      if (backend == "sqlite") config.backend = Backend::kSqlite;
      else if (backend == "postgresql") config.backend = Backend::kPostgres;
      else Die("--backend is sqlite or postgresql, not " + backend);
    } else if (arg == "--pg") {
      config.pg_uri = next();
    } else if (arg == "--help") {
      std::printf("%s", kUsage);
      std::exit(0);
    } else {
      Die("unknown argument " + arg);
    }
  }
  if (!config.pg_uri.empty() && config.backend != Backend::kPostgres)
    Die("--pg is for --backend postgresql");
  if (config.reuse_base && config.backend == Backend::kPostgres && config.pg_uri.empty())
    Die("--reuse-base on postgresql needs --pg: a throwaway server keeps nothing");
  return config;
}

// When root, scripts/pg-server runs the server as postgres, which must be
// able to pass through `dir` to the server's own directory.
void LetServerThrough(const fs::path& dir) {
  if (geteuid() == 0)
    fs::permissions(dir, fs::perms::group_exec | fs::perms::others_exec, fs::perm_options::add);
}

int Run(Config config) {
  bool own_dir = config.dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "casework-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) Die("mkdtemp");
    config.dir = pattern;
  }
  std::unique_ptr<ThrowawayServer> server;
  std::unique_ptr<Databases> databases;
  RawSide raw;
  if (config.backend == Backend::kPostgres) {
    std::string uri = config.pg_uri;
    if (uri.empty()) {
      LetServerThrough(config.dir);
      server = std::make_unique<ThrowawayServer>(PgServerScript(), config.dir / "pg-server");
      AtFailure([s = server.get()] { s->Stop(); });
      uri = server->uri();
    }
    databases = PostgresDatabases(uri);
    AtFailure([d = databases.get()] { d->RemoveAll(""); });
    raw = PostgresBaseline();
  } else {
    databases = SqliteFiles(config.dir);
    raw = SqliteBaseline();
  }
  Bench bench{config, *databases, std::move(raw)};
  std::size_t ops = config.quick ? 100 : std::min<std::size_t>(config.n, 20000);
  std::optional<Base> base;
  auto need_base = [&]() -> const Base& {
    if (!base) base = MakeBase(bench);
    return *base;
  };
  for (const auto& w : config.workloads) {
    if (w == "bulk_create") RunBulkCreate(bench);
    else if (w == "durable_create") RunDurableCreate(bench);
    else if (w == "get") RunOnBase(bench, need_base(), w, ops, EngineGet, bench.raw.get);
    else if (w == "update_data")
      RunOnBase(bench, need_base(), w, ops / 4 + 1, EngineUpdateData, bench.raw.update_data);
    else if (w == "transition")
      RunOnBase(bench, need_base(), w, ops / 4 + 1, EngineTransition, bench.raw.transition);
    else if (w == "list") RunList(bench, need_base());
    else if (w == "changes") RunChanges(bench, need_base());
    else if (w == "import") RunImport(bench);
    else Die("unknown workload " + w);
  }
  ForgetFailureUndo();
  databases->RemoveAll(config.reuse_base ? "base" : "");
  if (server) server->Stop();
  if (own_dir) fs::remove_all(config.dir);
  return 0;
}

}  // namespace
}  // namespace casework::bench

int main(int argc, char** argv) {
  using casework::bench::Die;
  try {
    return casework::bench::Run(casework::bench::ParseArgs(argc, argv));
  } catch (const std::exception& e) {
    Die(e.what());
  }
}

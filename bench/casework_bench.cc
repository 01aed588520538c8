// casework-bench: how much casework costs on top of SQLite.
//
//   casework-bench [--workloads bulk_create,get,...] [--n N] [--quick] [--dir DIR]
//
// Every workload runs twice on the same schema and data, in separate child
// processes: once through the engine, once as hand-written prepared
// statements on the SQLite C API (raw_sqlite.cc). Each prints one JSON line:
//   {"workload", "n", "ops", "engine_per_s", "raw_per_s", "ratio", "peak_rss_mb", ...}
// ratio = engine/raw from the same run, so it survives a noisy machine.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "casework/casework.h"
#include "raw_sqlite.h"
#include "workload.h"

namespace casework::bench {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

struct Config {
  std::size_t n = 100'000;
  std::vector<std::string> workloads = {"bulk_create", "durable_create", "get", "update_data",
                                        "transition"};
  fs::path dir;
  bool quick = false;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "casework-bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> result, const char* what) {
  if (!result.ok()) Die(std::string(what) + ": " + result.status().ToString());
  return std::move(result).value();
}

std::unique_ptr<Engine> OpenEngine(const fs::path& path, Durability durability) {
  Options options;
  options.durability = durability;
  return Must(Engine::Open(options, path.string()), "open");
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

std::vector<std::string> EngineBulkCreate(Engine& engine, const std::vector<CaseSpec>& cases,
                                          std::size_t batch) {
  std::vector<std::string> ids;
  ids.reserve(cases.size());
  std::vector<CaseDraft> drafts;
  for (std::size_t i = 0; i < cases.size(); i += batch) {
    drafts.clear();
    for (std::size_t j = i; j < std::min(cases.size(), i + batch); ++j) drafts.push_back(ToDraft(cases[j]));
    auto created = Must(engine.CreateMany(drafts), "create many");
    ids.insert(ids.end(), created.begin(), created.end());
  }
  return ids;
}

double EngineDurableCreate(Engine& engine, const std::vector<CaseSpec>& cases) {
  auto start = SteadyClock::now();
  for (const auto& c : cases) Must(engine.Create(ToDraft(c)), "create");
  return PerSecond(cases.size(), start);
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

// ---- processes ----

struct Measure {
  double per_s = 0;
  double peak_rss_mb = 0;
};

// Runs `work` in a child process: its own heap, so peak RSS is its own.
Measure InChild(const std::function<double()>& work) {
  int fds[2];
  if (pipe(fds) != 0) Die("pipe");
  pid_t pid = fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    close(fds[0]);
    double rate = work();
    if (write(fds[1], &rate, sizeof rate) != sizeof rate) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  Measure m;
  if (read(fds[0], &m.per_s, sizeof m.per_s) != sizeof m.per_s) Die("child failed");
  close(fds[0]);
  int status = 0;
  struct rusage usage {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) Die("child failed");
  m.peak_rss_mb = static_cast<double>(usage.ru_maxrss) / 1024.0;
  return m;
}

void Report(const std::string& workload, std::size_t n, std::size_t ops, const Measure& engine,
            const Measure& raw, const std::string& extra = "") {
  std::printf(
      "{\"workload\":\"%s\",\"n\":%zu,\"ops\":%zu,\"engine_per_s\":%.1f,\"raw_per_s\":%.1f,"
      "\"ratio\":%.3f,\"peak_rss_mb\":%.1f,\"raw_peak_rss_mb\":%.1f%s}\n",
      workload.c_str(), n, ops, engine.per_s, raw.per_s, raw.per_s > 0 ? engine.per_s / raw.per_s : 0,
      engine.peak_rss_mb, raw.peak_rss_mb, extra.c_str());
  std::fflush(stdout);
}

// A fresh database file with casework's schema and nothing else.
fs::path FreshDatabase(const Config& config, const std::string& name) {
  fs::path path = config.dir / name;
  fs::remove(path);
  OpenEngine(path, Durability::kNormal);
  return path;
}

void CopyDatabase(const fs::path& from, const fs::path& to) {
  fs::remove(to);
  fs::copy_file(from, to);
}

// The populated database that the read and update workloads start from;
// both sides get a copy of it.
struct Base {
  fs::path path;
  std::vector<std::string> ids;
};

Base MakeBase(const Config& config, const std::vector<CaseSpec>& cases) {
  Base base{FreshDatabase(config, "base.db"), {}};
  {
    auto engine = OpenEngine(base.path, Durability::kNormal);
    base.ids = EngineBulkCreate(*engine, cases, 1000);
  }  // closing checkpoints the WAL into the file
  return base;
}

void RunBulkCreate(const Config& config, const std::vector<CaseSpec>& cases) {
  fs::path engine_db = FreshDatabase(config, "engine.db"), raw_db = FreshDatabase(config, "raw.db");
  Measure engine = InChild([&] {
    auto e = OpenEngine(engine_db, Durability::kNormal);
    auto start = SteadyClock::now();
    EngineBulkCreate(*e, cases, 1000);
    return PerSecond(cases.size(), start);
  });
  Measure raw = InChild([&] { return RawBulkCreate(raw_db.string(), cases, 1000, {}); });
  std::ostringstream extra;
  extra << ",\"engine_bytes_per_case\":" << fs::file_size(engine_db) / std::max<std::size_t>(1, cases.size())
        << ",\"raw_bytes_per_case\":" << fs::file_size(raw_db) / std::max<std::size_t>(1, cases.size());
  Report("bulk_create", cases.size(), cases.size(), engine, raw, extra.str());
}

void RunDurableCreate(const Config& config, const std::vector<CaseSpec>& cases) {
  std::vector<CaseSpec> some(cases.begin(), cases.begin() + std::min<std::size_t>(cases.size(), config.quick ? 50 : 2000));
  fs::path engine_db = FreshDatabase(config, "engine.db"), raw_db = FreshDatabase(config, "raw.db");
  Measure engine = InChild([&] {
    auto e = OpenEngine(engine_db, Durability::kFull);
    return EngineDurableCreate(*e, some);
  });
  Measure raw = InChild([&] { return RawDurableCreate(raw_db.string(), some, {true}); });
  Report("durable_create", cases.size(), some.size(), engine, raw, ",\"sync\":\"full\"");
}

using EngineWork = std::function<double(Engine&, const std::vector<std::string>&, std::size_t)>;
using RawWork = std::function<double(const std::string&, const std::vector<std::string>&,
                                     std::size_t, const RawOptions&)>;

void RunOnBase(const Config& config, const Base& base, const std::string& name, std::size_t ops,
               const EngineWork& engine_work, const RawWork& raw_work) {
  fs::path engine_db = config.dir / "engine.db", raw_db = config.dir / "raw.db";
  CopyDatabase(base.path, engine_db);
  CopyDatabase(base.path, raw_db);
  Measure engine = InChild([&] {
    auto e = OpenEngine(engine_db, Durability::kNormal);
    return engine_work(*e, base.ids, ops);
  });
  Measure raw = InChild([&] { return raw_work(raw_db.string(), base.ids, ops, {}); });
  Report(name, base.ids.size(), ops, engine, raw);
}

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
    } else if (arg == "--quick") {
      config.quick = true;
      config.n = 300;
    } else if (arg == "--workloads") {
      config.workloads.clear();
      std::stringstream list(next());
      for (std::string w; std::getline(list, w, ',');) config.workloads.push_back(w);
    } else if (arg == "--dir") {
      config.dir = next();
    } else if (arg == "--help") {
      std::printf("usage: casework-bench [--workloads a,b] [--n N] [--quick] [--dir DIR]\n"
                  "workloads: bulk_create durable_create get update_data transition\n");
      std::exit(0);
    } else {
      Die("unknown argument " + arg);
    }
  }
  return config;
}

}  // namespace
}  // namespace casework::bench

int main(int argc, char** argv) {
  using namespace casework::bench;
  Config config = ParseArgs(argc, argv);
  bool own_dir = config.dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "casework-bench-XXXXXX").string();
    if (!mkdtemp(pattern.data())) Die("mkdtemp");
    config.dir = pattern;
  }
  std::vector<CaseSpec> cases = MakeCases(config.n, 42);
  std::size_t ops = config.quick ? 100 : std::min<std::size_t>(config.n, 20000);
  std::optional<Base> base;
  auto need_base = [&]() -> const Base& {
    if (!base) base = MakeBase(config, cases);
    return *base;
  };
  for (const auto& w : config.workloads) {
    if (w == "bulk_create") RunBulkCreate(config, cases);
    else if (w == "durable_create") RunDurableCreate(config, cases);
    else if (w == "get") RunOnBase(config, need_base(), w, ops, EngineGet, RawGet);
    else if (w == "update_data") RunOnBase(config, need_base(), w, ops / 4 + 1, EngineUpdateData, RawUpdateData);
    else if (w == "transition") RunOnBase(config, need_base(), w, ops / 4 + 1, EngineTransition, RawTransition);
    else Die("unknown workload " + w);
  }
  if (own_dir) fs::remove_all(config.dir);
  return 0;
}

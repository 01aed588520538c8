// Verify: the file's own checks, then every case's history replayed against
// the stored case (see casework/verify.h for the rules).
#include "casework/verify.h"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include <SQLiteCpp/Exception.h>

#include "casework/json.h"
#include "engine_impl.h"
#include "history.h"
#include "workspaces.h"

namespace casework {
namespace {

namespace json = boost::json;

// Past this many, the report says how many more there were instead.
constexpr std::size_t kMaxProblems = 1000;

class Problems {
 public:
  explicit Problems(std::vector<VerifyProblem>& out) : out_(out) {}
  Problems(const Problems&) = delete;
  Problems& operator=(const Problems&) = delete;

  // Says how many were left out, if any.
  void Close() {
    if (dropped_ > 0)
      out_.push_back({{}, "report", nullptr, nullptr,
                      std::to_string(dropped_) + " more problems not listed"});
    dropped_ = 0;
  }

  void Add(std::string case_id, std::string member, json::value expected, json::value actual,
           std::string message) {
    if (out_.size() >= kMaxProblems) {
      ++dropped_;
      return;
    }
    out_.push_back({std::move(case_id), std::move(member), std::move(expected), std::move(actual),
                    std::move(message)});
  }

 private:
  std::vector<VerifyProblem>& out_;
  std::size_t dropped_ = 0;
};

void CheckCase(storage::Repository& repo, const storage::CaseKey& key, const std::string& id,
               VerifyReport& report, Problems& problems) {
  Case stored = repo.LoadCase(key);
  std::vector<Event> events = LoadEvents(repo, key);
  ++report.cases;
  report.events += static_cast<std::int64_t>(events.size());

  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].seq != static_cast<std::int64_t>(i + 1)) {
      problems.Add(id, "history", json::value(static_cast<std::int64_t>(i + 1)),
                   json::value(events[i].seq), "event numbers are not 1, 2, ... without a gap");
      break;
    }
  }
  if (events.empty() || events.front().kind != "created")
    problems.Add(id, "history", json::value("created"),
                 events.empty() ? json::value(nullptr) : json::value(events.front().kind),
                 "the history does not start with a created event");
  if (stored.version != static_cast<std::int64_t>(events.size()))
    problems.Add(id, "version", json::value(static_cast<std::int64_t>(events.size())),
                 json::value(stored.version),
                 "the version is not the number of events (one per change)");

  Replayed replayed = Replay(events);
  if (replayed.error) {
    problems.Add(id, "history", nullptr, nullptr, *replayed.error);
    return;
  }
  for (MemberDifference& d : CompareWithHistory(std::move(replayed.state), HistorySnapshot(stored)))
    problems.Add(id, std::move(d.member), std::move(d.expected), std::move(d.actual),
                 d.in_case ? "the stored value is not the history's"
                           : "the history records a member the case lacks");
}

}  // namespace

VerifyReport Engine::Impl::Verify(const ReadOptions& options) {
  VerifyReport report;
  Problems problems(report.problems);
  storage::Transaction tx(*repo_, storage::Access::kRead);
  for (storage::StorageProblem& p : repo_->CheckStorage())
    problems.Add({}, p.check, p.expected ? json::value(*p.expected) : json::value(nullptr),
                 p.actual ? json::value(*p.actual) : json::value(nullptr), std::move(p.message));
  std::optional<std::int64_t> workspace;
  if (options.workspace) workspace = ResolveWorkspace(*repo_, options.workspace).row;
  repo_->ForEachCase(workspace, [&](const storage::CaseKey& key, const Uuid& uuid) {
    std::string id = UuidToString(uuid);
    // One unreadable case must not hide the others.
    try {
      CheckCase(*repo_, key, id, report, problems);
    } catch (const Error& e) {
      if (e.status().code() == Code::kBusy) throw;
      problems.Add(id, "history", nullptr, nullptr, "cannot read the case: " + e.status().message());
    } catch (const SQLite::Exception& e) {
      int primary = e.getErrorCode() & 0xff;
      if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_NOMEM) throw;
      problems.Add(id, "history", nullptr, nullptr, std::string("cannot read the case: ") + e.what());
    }
  });
  problems.Close();
  return report;
}

void tag_invoke(json::value_from_tag, json::value& out, const VerifyProblem& p) {
  out = json::object{{"case_id", p.case_id.empty() ? json::value(nullptr) : json::value(p.case_id)},
                     {"member", p.member},
                     {"expected", p.expected},
                     {"actual", p.actual},
                     {"message", p.message}};
}

void tag_invoke(json::value_from_tag, json::value& out, const VerifyReport& r) {
  out = json::object{{"clean", r.clean()},
                     {"cases", r.cases},
                     {"events", r.events},
                     {"problems", json::value_from(r.problems)}};
}

}  // namespace casework

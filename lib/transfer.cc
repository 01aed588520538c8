// NDJSON import and export of cases (casework/transfer.h).
#include <algorithm>
#include <array>
#include <cstring>
#include <istream>
#include <optional>
#include <ostream>
#include <tuple>

#include <boost/json.hpp>

#include "casework/json.h"
#include "engine_impl.h"
#include "json/case_text.h"
#include "json/decode.h"
#include "line_reader.h"
#include "restored.h"

namespace casework {
namespace {

namespace json = boost::json;
using json_internal::Fail;
using json_internal::ObjectReader;


std::string LinePath(std::int64_t number) { return "line[" + std::to_string(number) + "]"; }

// A link one restored case lists: from `from` to `to`, written at
// line[line].linked_cases[index].
struct ListedLink {
  Uuid from, to;
  std::int64_t line;
  std::size_t index;
};

// The links of the restored cases, written once every case is in, so that a
// link may name a case on a later line. Each must be listed from both ends.
class LinkBook {
 public:
  // Canonical ids (lower case, sorted, distinct) of `ids`, noted as links
  // of `from`.
  std::vector<std::string> Note(const Uuid& from, const std::vector<std::string>& ids,
                                std::int64_t line) {
    std::vector<Uuid> targets;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::string path = "linked_cases[" + std::to_string(i) + "]";
      auto to = UuidFromString(ids[i]);
      if (!to) Fail(path, "must be a case id");
      if (*to == from) Fail(path, "a case cannot be linked to itself");
      if (std::find(targets.begin(), targets.end(), *to) != targets.end()) continue;  // listed twice
      links_.push_back({from, *to, line, i});
      targets.push_back(*to);
    }
    std::sort(targets.begin(), targets.end());
    std::vector<std::string> canonical;
    for (const Uuid& t : targets) canonical.push_back(UuidToString(t));
    return canonical;
  }

  // Inserts every link, once per pair; a link only one end lists fails,
  // naming where it is listed.
  void Write(storage::Repository& repo) {
    auto by_ends = [](const ListedLink& a, const ListedLink& b) {
      return std::tie(a.from, a.to) < std::tie(b.from, b.to);
    };
    std::sort(links_.begin(), links_.end(), by_ends);
    for (const ListedLink& link : links_) {
      ListedLink reverse{link.to, link.from, 0, 0};
      if (!std::binary_search(links_.begin(), links_.end(), reverse, by_ends))
        Fail(LinePath(link.line) + ".linked_cases[" + std::to_string(link.index) + "]",
             "case " + UuidToString(link.to) +
                 " is not in the import or does not list this case among its linked_cases");
      if (link.from < link.to)
        repo.SetLinked(*repo.FindCaseInAnyWorkspace(link.from),
                       *repo.FindCaseInAnyWorkspace(link.to), true);
    }
  }

 private:
  std::vector<ListedLink> links_;
};

constexpr std::int64_t kIndexEvery = 1000;

}  // namespace

static Uuid DecodeUuid(const ObjectReader& r, std::string_view member, const std::string& text) {
  auto uuid = UuidFromString(text);
  if (!uuid) Fail(r.PathOf(member), "must be a UUID");
  return *uuid;
}

storage::Restored DecodeRestored(const ObjectReader& r) {
  storage::Restored kept;
  kept.id = DecodeUuid(r, "id", r.RequiredString("id"));
  kept.created_at = r.RequiredTimestamp("created_at");
  kept.updated_at = r.RequiredTimestamp("updated_at");
  kept.resolved_at = r.NullableTimestamp("resolved_at");
  kept.archived_at = r.NullableTimestamp("archived_at");
  if (auto t = r.NullableString("last_transition_id"))
    kept.last_transition_id = DecodeUuid(r, "last_transition_id", *t);
  kept.version = r.Int("version").value_or(0);
  return kept;
}

ImportSummary Engine::Impl::Import(std::istream& ndjson, const ImportOptions& options) {
  if (options.write.expected_version)
    Fail("expected_version", "an import creates cases: there is no version to expect");
  const JsonLimits limits;
  LineReader lines(ndjson, limits.max_bytes);
  LinkBook links;
  ImportSummary summary;
  storage::Transaction tx(*repo_, storage::Access::kWrite);
  std::string line;
  for (std::int64_t number = 1;; ++number) {
    try {
      if (!lines.Next(line)) break;
      if (IsBlank(line)) continue;
      auto parsed = ParseJson(line, limits);
      if (!parsed.ok()) throw Error(parsed.status());
      // An exported case has its id; a create payload has none.
      ObjectReader reader(*parsed, "");
      std::optional<storage::Restored> kept;
      if (reader.Has("id")) kept = DecodeRestored(reader);
      auto draft = DraftFromJson(*parsed, kept ? DraftKind::kReplace : DraftKind::kCreate);
      if (!draft.ok()) throw Error(draft.status());
      if (kept && draft->linked_cases)
        draft->linked_cases = links.Note(kept->id, *draft->linked_cases, number);
      Insert(std::move(*draft), options.write, kept ? &*kept : nullptr);
      ++(kept ? summary.restored : summary.created);
    } catch (const Error& e) {
      throw Error(e.status().WithFieldPrefix(LinePath(number)));
    }
    // The full-text index of a thousand cases at a time: indexing a
    // whole import at its commit holds every pending case's terms in
    // memory at once, and memory would grow with the import.
    if (summary.cases() % kIndexEvery == 0) repo_->FlushSearchIndex();
    if (options.progress && options.progress_every > 0 &&
        summary.cases() % options.progress_every == 0)
      options.progress(summary, lines.bytes_read());
  }
  links.Write(*repo_);
  tx.Commit();
  return summary;
}

std::int64_t Engine::Impl::Export(std::ostream& ndjson, const ExportOptions& options) {
  storage::Transaction tx(*repo_, storage::Access::kRead);
  std::int64_t workspace = Scope(options.read.workspace).row;
  std::int64_t total = 0;
  if (options.progress) total = repo_->CountCases(workspace);
  std::int64_t written = 0;
  std::string text;
  repo_->ForEachCase(workspace, [&](const storage::CaseKey& key, const Uuid&) {
    text.clear();
    AppendCaseText(repo_->LoadCase(key), text);
    text += '\n';
    ndjson.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!ndjson) throw Error(Status::StorageError("cannot write the export"));
    ++written;
    if (options.progress && options.progress_every > 0 && written % options.progress_every == 0)
      options.progress(written, total);
  });
  ndjson.flush();
  if (!ndjson) throw Error(Status::StorageError("cannot write the export"));
  return written;
}

}  // namespace casework

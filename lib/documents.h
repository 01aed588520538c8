// The product's JSON documents (DOMAIN.md §6): each operation of the engine
// with its input as a parsed JSON payload and its output as the one JSON
// document the command line prints and the C API returns. Both front ends
// call these, so a shape is written once.
#ifndef CASEWORK_LIB_DOCUMENTS_H_
#define CASEWORK_LIB_DOCUMENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "casework/engine.h"
#include "casework/result.h"

namespace casework::documents {

using Document = Result<boost::json::value>;

// Cases: each prints the case. `payload` is a create payload (Create), a
// case shape (Replace), a merge patch object (Patch) or {"data": {...}}
// (UpdateData); anything else is kValidationFailed.
Document Create(Engine& engine, const boost::json::value& payload, const WriteOptions& options);
Document Get(Engine& engine, std::string_view id, const ReadOptions& options);
Document Replace(Engine& engine, std::string_view id, const boost::json::value& payload,
                 const WriteOptions& options);
Document Patch(Engine& engine, std::string_view id, const boost::json::value& patch,
               const WriteOptions& options);
Document UpdateData(Engine& engine, std::string_view id, const boost::json::value& payload,
                    const WriteOptions& options);
Document Archive(Engine& engine, std::string_view id, const WriteOptions& options);
Document Unarchive(Engine& engine, std::string_view id, const WriteOptions& options);
Document Link(Engine& engine, std::string_view id, std::string_view other,
              const WriteOptions& options);
Document Unlink(Engine& engine, std::string_view id, std::string_view other,
                const WriteOptions& options);
// `change` is a step change: {"status", "completed", ...} (json.h).
Document UpdateStep(Engine& engine, std::string_view id, std::string_view step_id,
                    const boost::json::value& change, const WriteOptions& options);

// {"case_id", "events": [...]}, oldest first.
Document History(Engine& engine, std::string_view id, const ReadOptions& options);
// {"applied", "from", "to", "transition", "conditions", "case"}.
Document Transition(Engine& engine, std::string_view id, const TransitionRequest& request,
                    const WriteOptions& options);
// {"case_id", "passed", "conditions": [...]}.
Document Check(Engine& engine, std::string_view id, const ReadOptions& options);
// {"value": ...}.
Document Evaluate(Engine& engine, std::string_view formula,
                  std::optional<std::string_view> case_id, const ReadOptions& options);

// Templates print the template; the list is {"data": [...]}.
Document CreateTemplate(Engine& engine, const boost::json::value& payload,
                        const WriteOptions& options);
Document UpdateTemplate(Engine& engine, std::string_view id, const boost::json::value& payload,
                        const WriteOptions& options);
Document GetTemplate(Engine& engine, std::string_view id, const ReadOptions& options);
Document ListTemplates(Engine& engine, const ReadOptions& options);

// The workspace; the list is {"data": [...]}.
Document CreateWorkspace(Engine& engine, std::string_view slug, std::string_view name);
Document ListWorkspaces(Engine& engine);

// `params` holds Penbox's list parameters ({"status": "pending",
// "page[size]": "20", "filter": {...}}); prints {"meta", "data", ...}.
Document List(Engine& engine, const boost::json::value& params, const ReadOptions& options);

// The report of Engine::Verify, whatever it found.
Document Verify(Engine& engine, const ReadOptions& options);

// {"imported", "created", "restored"}.
boost::json::object ImportSummaryDocument(const ImportSummary& summary);

// One line of the change feed: the event with its "case_id" and
// "workspace".
boost::json::object ChangeLine(const ChangeEntry& entry);
// {"data": [lines], "last_change"}: the feed after `since`, at most `limit`.
Document Changes(Engine& engine, std::int64_t since, std::int64_t limit);

// {"changes", "created", "updated", "merged", "conflicts", "unchanged",
// "last_change"}.
boost::json::object SyncSummaryDocument(const SyncSummary& summary);
// {"data": [{case_id, workspace, peer, at, paths, local, remote,
// remote_events}]}.
Document Conflicts(Engine& engine, const ReadOptions& options);
// `given` is the case members to take (Resolution::Take::kGiven).
Document Resolve(Engine& engine, std::string_view id, const Resolution& resolution,
                 const WriteOptions& options);

}  // namespace casework::documents

#endif  // CASEWORK_LIB_DOCUMENTS_H_

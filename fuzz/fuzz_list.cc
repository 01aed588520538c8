// Fuzz target: listing, with Penbox's query parameters and the advanced
// filter, against a small database of varied cases.
//
// Input: one byte choosing the form, then JSON text: 0 = the parameters
// object of ListQueryFromJson; 1 = the `filter` alone (the advanced JSON
// filter or Penbox's equality form), with the byte's other bits choosing a
// sort. Oracles, beyond the sanitizers:
//   - a refusal is validation_failed or not_found, never storage_error:
//     no field name, operator, value or sort reaches SQL as text;
//   - a page holds at most page_size cases, all of the workspace the query
//     names (else default), and its meta adds up; the page reads back as
//     JSON.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "casework/casework.h"
#include "casework/listing.h"
#include "fuzz_common.h"

namespace {

using namespace casework;
namespace json = boost::json;

constexpr std::string_view kCases[] = {
    R"({"title": "Water damage", "reference": "CLM-1", "status": "pending", "priority": "high",
        "tag_names": ["water", "urgent"], "owner": {"email": "olga@example.com"},
        "assignee_emails": ["ann@example.com"],
        "contacts": [{"key": "client", "email": "marie@example.com", "given_name": "Marie",
                      "family_name": "Dupont"}],
        "schema": [{"key": "amount", "type": "number", "value": 2450.5},
                   {"key": "policy", "type": "text", "value": "POL-778"},
                   {"key": "due", "type": "date", "value": "2024-02-01"}]})",
    R"({"title": "Fire", "reference": "CLM-2", "status": "in_progress", "priority": "critical",
        "waiting_for": "contact", "tag_names": ["fire"],
        "schema": [{"key": "amount", "type": "number", "value": 100},
                   {"key": "count", "type": "integer", "value": 3},
                   {"key": "at", "type": "datetime", "value": "2024-01-01T10:00:00Z"}]})",
    R"({"title": "Theft", "status": "closed", "priority": "info",
        "contacts": [{"key": "broker", "email": "luc@example.com", "given_name": "Luc"}],
        "schema": [{"key": "urgent", "type": "boolean", "value": true},
                   {"key": "kinds", "type": "multi_choice", "options": ["a", "b"], "value": ["a"]}]})",
    R"({"title": "Draft with json", "metadata": {"k": [1, 2]},
        "schema": [{"key": "blob", "type": "json", "value": {"x": [1, "y"]}},
                   {"key": "policy", "type": "text", "value": "POL-1"}]})",
    R"({"title": "caf\u00e9 \u00e9t\u00e9", "description": "Na\u00efve search terms", "reference": "Z"})",
    R"({"title": "Empty"})",
};

constexpr const char* kSorts[] = {"-created_at", "title", "-title", "reference", "data.amount",
                                  "-data.policy", "priority", "-updated_at"};

struct State {
  fuzz::Scratch scratch;
  std::int64_t seeded = 0;
  State() {
    for (auto payload : kCases) {
      fuzz::MustCreate(scratch.engine(), payload);
      ++seeded;
    }
    // An archived case and one in another workspace, which lists must skip.
    auto archived = fuzz::MustCreate(scratch.engine(), R"({"title": "Archived"})");
    if (!scratch.engine().Archive(archived.id).ok()) fuzz::Finding("cannot archive the seed");
    if (!scratch.engine().CreateWorkspace("other", "Other").ok())
      fuzz::Finding("cannot create the second workspace");
    WriteOptions other;
    other.workspace = "other";
    auto json = ParseJson(R"({"title": "Elsewhere"})");
    if (!scratch.engine().Create(*DraftFromJson(*json, DraftKind::kCreate), other).ok())
      fuzz::Finding("cannot create the other workspace's case");
  }
};

State& Shared() {
  static State state;
  return state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  State& state = Shared();
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  Result<json::value> input = ParseJson(text);
  if (!input.ok()) return 0;

  ListQuery query;
  if (data[0] % 2 == 0) {
    auto parsed = ListQueryFromJson(*input);
    if (!parsed.ok()) {
      if (parsed.status().code() != Code::kValidationFailed)
        fuzz::Finding("ListQueryFromJson failed with " + parsed.status().ToString());
      return 0;
    }
    query = std::move(parsed).value();
  } else {
    query.filter = *input;
    query.sort = kSorts[(data[0] >> 1) % std::size(kSorts)];
    query.page_size = 100;
  }

  auto page = state.scratch.engine().List(query);
  if (!page.ok()) {
    Code code = page.status().code();
    if (code != Code::kValidationFailed && code != Code::kNotFound)
      fuzz::Finding("List failed with " + page.status().ToString());
    fuzz::CheckWritesJson(json::value_from(page.status()), "a list error");
    return 0;
  }
  const ListMeta& meta = page->meta;
  if (static_cast<std::int64_t>(page->cases.size()) > meta.page_size)
    fuzz::Finding("a page holds more cases than its size");
  if (meta.total_count < 0 || meta.total_count > state.seeded + 1)
    fuzz::Finding("total_count " + std::to_string(meta.total_count) + " counts other workspaces");
  if (meta.page_size > 0 &&
      meta.total_pages != (meta.total_count + meta.page_size - 1) / meta.page_size)
    fuzz::Finding("total_pages does not match total_count and page_size");
  // One workspace: the one the query names, else default.
  std::string slug = "default";
  if (query.workspace && query.workspace->slug) slug = *query.workspace->slug;
  if (query.workspace && !query.workspace->slug && !page->cases.empty())
    slug = page->cases.front().workspace.slug;
  for (const Case& c : page->cases)
    if (c.workspace.slug != slug) fuzz::Finding("a case of another workspace was listed");
  fuzz::CheckReturned(json::value_from(*page), "a page");
  return 0;
}

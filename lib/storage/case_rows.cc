#include "storage/case_rows.h"

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/status.h"
#include "listing/filter.h"
#include "listing/pg_sql.h"
#include "storage/repository.h"

namespace casework::storage {

namespace json = boost::json;

json::value ParseStored(std::string_view text) {
  json::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec) throw Error(Status::StorageError("damaged JSON in the database: " + ec.message()));
  return value;
}

json::object ParseStoredObject(std::string_view text) {
  if (text == "{}") return {};
  json::value value = ParseStored(text);
  if (!value.is_object())
    throw Error(Status::StorageError("damaged JSON in the database: not an object"));
  return std::move(value.get_object());
}

json::value ParseStoredValue(std::string_view text) {
  const std::size_t n = text.size();
  if (n >= 2 && text.front() == '"' && text.find_first_of("\"\\", 1) == n - 1)
    return json::string(text.substr(1, n - 2));
  return ParseStored(text);
}

std::optional<std::string> OptionsText(const Field& field) {
  if (field.options.empty()) return std::nullopt;
  return ToJsonText(json::value_from(field.options));
}

// ---- Until storage/repository.cc and listing/pg_sql.cc are built in ----
//
// Their own definitions replace these: each is weak, so that a build with
// both links theirs and does not fail on the two.

// A version race lost under the backend's write lock would be a bug;
// refuse it rather than lose an update.
[[gnu::weak]] void Repository::ExpectOneRow(std::int64_t changed, const CaseKey& key) {
  if (changed != 1)
    throw Error(Status::Conflict(key.version, "the case changed during the operation"));
}

[[gnu::weak]] bool ListNeedsPage(const listing::ListFilter& filter, std::int64_t total) {
  return filter.cursor.has_value() || filter.offset < total;
}

}  // namespace casework::storage

namespace casework::listing {

[[gnu::weak]] CompiledList PostgresList(const ListFilter&) {
  throw Error(Status::StorageError("listing on PostgreSQL is not built into this casework"));
}

}  // namespace casework::listing

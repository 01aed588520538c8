#include "storage/case_rows.h"

#include <boost/json.hpp>

#include "casework/status.h"

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

}  // namespace casework::storage

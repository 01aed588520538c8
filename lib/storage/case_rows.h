// Reading a case from its rows, for every backend: the columns of a case
// record, a schema field and a step in the order each backend's SELECT
// returns them, and the JSON text the engine stores.
//
// `Row` is a backend's current row, read by column from 0: IsNull(c),
// Int(c), Text(c), View(c) (valid while the row is), OptionalText(c) and
// UuidAt(c).
#ifndef CASEWORK_LIB_STORAGE_CASE_ROWS_H_
#define CASEWORK_LIB_STORAGE_CASE_ROWS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/json/value_to.hpp>

#include "casework/case.h"
#include "casework/json.h"
#include "uuid.h"

namespace casework::storage {

// Stored JSON is the engine's own, so a parse failure means a damaged
// database (kStorageError).
boost::json::value ParseStored(std::string_view text);
// A stored object (metadata, step data), most often {}.
boost::json::object ParseStoredObject(std::string_view text);
// A field value: most are strings with nothing escaped in them, which need
// no parser (a page of ten cases reads a hundred values).
boost::json::value ParseStoredValue(std::string_view text);

inline Timestamp TimeFromMillis(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }
inline std::int64_t MillisOf(Timestamp t) { return t.time_since_epoch().count(); }
inline std::optional<std::int64_t> MillisOf(const std::optional<Timestamp>& t) {
  if (!t) return std::nullopt;
  return MillisOf(*t);
}

template <typename Row>
std::optional<Timestamp> OptionalTimeAt(const Row& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return TimeFromMillis(row.Int(column));
}

template <typename Row>
std::optional<std::string> OptionalUuidTextAt(const Row& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return UuidToString(row.UuidAt(column));
}

// Columns: uuid, workspace uuid, workspace slug, title, description,
// locale, reference, status, parent_status, waiting_for, priority, owner
// uuid, owner email, owner given_name, owner family_name, template_uuid,
// metadata, closure_conditions, created_at, updated_at, opened_at,
// resolved_at, archived_at, version, last_transition_uuid.
template <typename Row>
void ReadCaseRecord(const Row& row, Case& c) {
  c.id = UuidToString(row.UuidAt(0));
  c.workspace = {UuidToString(row.UuidAt(1)), row.Text(2)};
  c.title = row.Text(3);
  c.description = row.OptionalText(4);
  c.locale = row.OptionalText(5);
  c.reference = row.OptionalText(6);
  c.status = row.Text(7);
  c.parent_status = ParentStatusFromName(row.View(8)).value_or(ParentStatus::kDraft);
  c.waiting_for = WaitingForFromName(row.View(9)).value_or(WaitingFor::kNone);
  if (!row.IsNull(10)) c.priority = PriorityFromName(row.View(10));
  if (!row.IsNull(11))
    c.owner = User{UuidToString(row.UuidAt(11)), row.Text(12), row.OptionalText(13),
                   row.OptionalText(14)};
  c.template_id = OptionalUuidTextAt(row, 15);
  c.metadata = ParseStoredObject(row.View(16));
  if (std::string_view conditions = row.View(17); conditions != "[]")
    c.closure_conditions =
        boost::json::value_to<std::vector<ClosureCondition>>(ParseStored(conditions));
  c.created_at = TimeFromMillis(row.Int(18));
  c.updated_at = TimeFromMillis(row.Int(19));
  c.opened_at = OptionalTimeAt(row, 20);
  c.resolved_at = OptionalTimeAt(row, 21);
  c.archived_at = OptionalTimeAt(row, 22);
  c.version = row.Int(23);
  c.last_transition_id = OptionalUuidTextAt(row, 24);
}

// Columns: uuid, email, given_name, family_name.
template <typename Row>
User ReadUser(const Row& row) {
  return {UuidToString(row.UuidAt(0)), row.Text(1), row.OptionalText(2), row.OptionalText(3)};
}

// Columns: uuid, key, email, name, given_name, family_name, phone.
template <typename Row>
CaseContact ReadCaseContact(const Row& row) {
  return {UuidToString(row.UuidAt(0)), row.Text(1),         row.OptionalText(2),
          row.OptionalText(3),         row.OptionalText(4), row.OptionalText(5),
          row.OptionalText(6)};
}

// Columns: key, type, name, value, required (0/1), options.
template <typename Row>
Field ReadField(const Row& row) {
  Field f;
  f.key = row.Text(0);
  f.type = FieldTypeFromName(row.View(1)).value_or(FieldType::kJson);
  f.name = row.Text(2);
  f.value = ParseStoredValue(row.View(3));
  f.required = row.Int(4) != 0;
  if (!row.IsNull(5))
    f.options = boost::json::value_to<std::vector<std::string>>(ParseStored(row.View(5)));
  return f;
}

// Columns: step_id, title, status, data.
template <typename Row>
Step ReadStep(const Row& row) {
  Step s;
  s.id = row.Text(0);
  s.title = row.Text(1);
  s.status = StepStatusFromName(row.View(2)).value_or(StepStatus::kTodo);
  s.data = ParseStoredObject(row.View(3));
  return s;
}

// The JSON text a field's options are stored as; nullopt for none.
std::optional<std::string> OptionsText(const Field& field);

}  // namespace casework::storage

#endif  // CASEWORK_LIB_STORAGE_CASE_ROWS_H_

// The case shape written straight to JSON text, for the paths that need
// text and no DOM: the created event of every new case, and export.
//
// The text is exactly AppendJsonText(value_from(c)) (json.h), member for
// member; tests/json_test.cc holds the two to it. The DOM conversion stays
// the reference: patch, diff and verify work on values.
#ifndef CASEWORK_LIB_JSON_CASE_TEXT_H_
#define CASEWORK_LIB_JSON_CASE_TEXT_H_

#include <functional>
#include <string>
#include <string_view>

#include "casework/case.h"

namespace casework {

// Calls `member(name, json)` for each member of the case shape, in order;
// `json` is the member's value as JSON text, valid until the next call.
void ForEachCaseMemberText(const Case& c,
                           const std::function<void(std::string_view name, std::string_view json)>& member);

// The whole case shape, appended to `out`.
void AppendCaseText(const Case& c, std::string& out);

}  // namespace casework

#endif  // CASEWORK_LIB_JSON_CASE_TEXT_H_

// Checks and normalizes a CaseDraft before any database work.
#ifndef CASEWORK_LIB_DRAFT_VALIDATION_H_
#define CASEWORK_LIB_DRAFT_VALIDATION_H_

#include "casework/case.h"
#include "formula/cache.h"

namespace casework {

// Returns the draft ready to store: emails trimmed and lower-cased, tags
// trimmed, sorted and distinct, assignees distinct by email, field names
// defaulted to their key. Throws Error(validation_failed) naming the path of
// the first bad input, in the JSON payload's terms ("contacts[1].email").
// Statuses and templates are checked later, against the workflow. Formulas
// are parsed through `formulas`, so that a stored text is parsed once.
CaseDraft ValidateDraft(CaseDraft draft, FormulaCache& formulas);

// The parts a case and a template share. Each names its items
// ("schema[1].value", "steps[0].id", "closure_conditions[2].formula"):
// field definitions and values, distinct keys, names defaulted to keys;
// step ids and titles, distinct ids; condition names and formulas (which
// must parse: kFormulaError), distinct names.
void ValidateSchema(std::vector<Field>& schema);
void ValidateSteps(const std::vector<Step>& steps);
void ValidateClosureConditions(const std::vector<ClosureCondition>& conditions,
                               FormulaCache& formulas);

// Checks one step at `path` ("steps[2]"): id and title.
void ValidateStep(const Step& step, const std::string& path);

// Checks and normalizes a user reference at `path` ("owner").
UserInput ValidateUser(UserInput user, const std::string& path);

}  // namespace casework

#endif  // CASEWORK_LIB_DRAFT_VALIDATION_H_

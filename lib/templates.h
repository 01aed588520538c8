// Templates: their rows and versions, and what a case takes from one.
#ifndef CASEWORK_LIB_TEMPLATES_H_
#define CASEWORK_LIB_TEMPLATES_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "casework/case.h"
#include "casework/template.h"
#include "formula/cache.h"
#include "storage/repository.h"
#include "workflow.h"
#include "write_context.h"

namespace casework {

struct TemplateRecord {
  std::int64_t row = 0;
  Template tmpl;
};

// Checks a whole definition: workflow, schema (values are defaults), steps
// and closure conditions. Returns it normalized (field names defaulted, the
// initial status filled in). Throws Error naming the offending item.
// Formulas are parsed through `formulas`.
TemplateDraft ValidateTemplate(TemplateDraft draft, FormulaCache& formulas);

// The current version of template `id` in `workspace`; kNotFound when none.
TemplateRecord MustFindTemplate(storage::Repository& repo, std::int64_t workspace,
                                std::string_view id);
std::vector<Template> ListTemplates(storage::Repository& repo, std::int64_t workspace);

Template InsertTemplate(WriteContext& ctx, const Uuid& id, const TemplateDraft& draft);
// Writes version `current.version + 1`; `current` must still be current.
Template UpdateTemplate(WriteContext& ctx, const TemplateRecord& current,
                        const TemplateDraft& draft);

// The workflow of the template version a case was created from, or nullopt
// for a case without template.
std::optional<Workflow> CaseWorkflow(storage::Repository& repo, const storage::CaseKey& key);

Workflow WorkflowOf(const Template& t);

// Moves what `draft` defines (statuses, initial status, transitions,
// schema, steps, closure conditions, priority) into `t`; its name and
// workspace are left to the caller.
void MoveDefinition(TemplateDraft&& draft, Template& t);

// A create draft completed from its template: the template's schema with
// the request's fields added (a request field replaces the template's field
// of the same key), the template's steps then the request's, the template's
// closure conditions then the request's, and the template's priority when
// the request gives none.
CaseDraft ApplyTemplate(CaseDraft draft, const Template& t);

}  // namespace casework

#endif  // CASEWORK_LIB_TEMPLATES_H_

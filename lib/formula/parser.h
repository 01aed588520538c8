// casework: the formula parser.
#ifndef CASEWORK_LIB_FORMULA_PARSER_H_
#define CASEWORK_LIB_FORMULA_PARSER_H_

#include <memory>
#include <string_view>

#include "casework/formula.h"
#include "casework/result.h"
#include "formula/ast.h"

namespace casework::formula_internal {

// Parses a whole formula: optional white space and '=', then one
// expression. Node ranges index into `text`.
//
// Returns kFormulaError with the byte offset of the problem for a syntax
// error, an unknown name or function, a wrong number of arguments, text
// longer than limits.max_length (reported at that offset, without reading
// further) or nesting deeper than limits.max_depth. Recursion never goes
// deeper than a fixed number of frames per nesting level.
Result<std::unique_ptr<Node>> ParseFormula(std::string_view text, const FormulaLimits& limits);

}  // namespace casework::formula_internal

#endif  // CASEWORK_LIB_FORMULA_PARSER_H_

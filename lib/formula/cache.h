// casework: parsed formulas by text.
//
// Closure conditions are evaluated on every close and every check, and a
// template's conditions are the same text for all of its cases: parsing
// each distinct text once pays. Parse errors are cached too, so a stored
// formula that no longer parses (after a limit change) costs one parse.
#ifndef CASEWORK_LIB_FORMULA_CACHE_H_
#define CASEWORK_LIB_FORMULA_CACHE_H_

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "casework/formula.h"
#include "casework/result.h"

namespace casework {

// Not thread-safe: the owner serializes calls. A Formula is a handle on an
// immutable parsed program, so the copies it hands out are cheap, share
// that program, and may be used from any thread, also after eviction.
class FormulaCache {
 public:
  using Entry = Result<Formula>;

  // Holds at most `capacity` texts (REQUIRES: capacity >= 1), evicting the
  // least recently used; parses with `limits`.
  explicit FormulaCache(std::size_t capacity = 1024, FormulaLimits limits = {});

  FormulaCache(const FormulaCache&) = delete;
  FormulaCache& operator=(const FormulaCache&) = delete;

  // The parsed formula for `text`, or its kFormulaError (see Formula::Parse).
  // The same text gives a handle on the same parsed program while it stays
  // cached (so `&Get(t)->text()` is stable).
  Entry Get(std::string_view text);

  std::size_t size() const { return entries_.size(); }
  std::size_t capacity() const { return capacity_; }
  const FormulaLimits& limits() const { return limits_; }

 private:
  // Transparent hashing: look up by string_view without building a string.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  using Order = std::list<std::pair<std::string, Entry>>;  // most recent first

  std::size_t capacity_;
  FormulaLimits limits_;
  Order order_;
  std::unordered_map<std::string, Order::iterator, Hash, std::equal_to<>> entries_;
};

}  // namespace casework

#endif  // CASEWORK_LIB_FORMULA_CACHE_H_

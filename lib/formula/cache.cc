#include "formula/cache.h"

namespace casework {

FormulaCache::FormulaCache(std::size_t capacity, FormulaLimits limits)
    : capacity_(capacity == 0 ? 1 : capacity), limits_(limits) {}

FormulaCache::Entry FormulaCache::Get(std::string_view text) {
  if (auto found = entries_.find(text); found != entries_.end()) {
    order_.splice(order_.begin(), order_, found->second);  // now the most recent
    return found->second->second;
  }
  Entry entry = Formula::Parse(text, limits_);
  if (entries_.size() >= capacity_) {
    entries_.erase(order_.back().first);
    order_.pop_back();
  }
  order_.emplace_front(std::string(text), entry);
  entries_.emplace(order_.front().first, order_.begin());
  return entry;
}

}  // namespace casework

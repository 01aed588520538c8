// RFC 7396 JSON merge patch: the semantics of the patch operation.
#include "casework/json.h"

namespace casework {

// RFC 7396 section 2, written recursively: a non-object patch replaces the
// target; an object patch turns a non-object target into {} first, then
// removes the members it sets to null and merges the others.
void ApplyMergePatch(boost::json::value& target, const boost::json::value& patch) {
  if (!patch.is_object()) {
    target = patch;
    return;
  }
  if (!target.is_object()) target.emplace_object();
  boost::json::object& object = target.get_object();
  for (const auto& member : patch.get_object()) {
    if (member.value().is_null()) {
      object.erase(member.key());
      continue;
    }
    // A missing member starts as null, which a nested object patch turns
    // into {} before merging, as the RFC's pseudo-code does.
    ApplyMergePatch(object[member.key()], member.value());
  }
}

}  // namespace casework

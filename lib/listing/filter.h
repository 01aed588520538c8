// What a list query asks for, checked and in a form that no SQL dialect
// shapes: the fields and operators of its filters with their typed values,
// the top-level conjuncts and the one that drives the plan, the sort, the
// cursor and the page. A backend turns it into statements (sqlite_sql.h).
#ifndef CASEWORK_LIB_LISTING_FILTER_H_
#define CASEWORK_LIB_LISTING_FILTER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "casework/listing.h"
#include "listing.h"
#include "uuid.h"

namespace casework::listing {

// Throws Error(kValidationFailed) naming `field`.
[[noreturn]] void Invalid(const std::string& field, const std::string& message);

// ---- Operators ----

enum class Op { kEq, kNe, kLt, kLte, kGt, kGte, kIn, kNin, kContains, kExists };

bool IsOrdering(Op op);

// The operator that a negative one negates (ne: eq, nin: in).
Op Positive(Op op);

// ---- Fields ----

// How a field relates to the case row.
enum class Shape {
  kColumn,     // a column of cases
  kRank,       // an enumeration column, ordered by rank
  kArchived,   // true/false: archived_at set or not
  kContact,    // an attribute of some linked contact
  kAssignee,   // the email of some assignee
  kOwner,      // an attribute of the owner
  kTag,        // some tag
  kWorkspace,  // the case's workspace (constant within the scope)
  kData,       // data.<key>: a schema field's typed value
  kSearch,     // q: the full-text index
};

// What values a field takes.
enum class Kind {
  kText,
  kEmail,     // text, trimmed and lower-cased (emails are stored so)
  kTime,      // RFC 3339 or YYYY-MM-DD (midnight UTC) -> epoch ms
  kInteger,
  kUuid,
  kParentStatus,
  kPriority,
  kWaitingFor,
  kBoolean,
  kAny,       // data.<key>: typed by the value
};

// Which conjunct drives the plan: the lowest rank present. Roughly from the
// most to the least selective; ranges come last, the one on the sort key
// first (it then also gives the order).
constexpr int kDriveNever = 0;
constexpr int kDriveId = 1;
constexpr int kDriveContactEmail = 2;
constexpr int kDriveSearch = 3;
constexpr int kDriveReference = 4;
constexpr int kDriveOwner = 5;
constexpr int kDriveAssignee = 6;
constexpr int kDriveDataEquals = 7;
constexpr int kDriveContactName = 8;
constexpr int kDriveTemplate = 9;
constexpr int kDriveTag = 10;
constexpr int kDriveDataRange = 11;
constexpr int kDriveStatus = 12;
constexpr int kDriveParentStatus = 13;
constexpr int kDriveSortRange = 14;
constexpr int kDriveOtherRange = 15;

struct FieldSpec {
  std::string_view name;  // a backend finds its columns by this name
  Shape shape;
  Kind kind;
  bool nullable;
  bool ordered;        // lt lte gt gte apply
  bool substring;      // contains applies
  int drive;           // rank of an eq / in conjunct as the driver
  bool by_subquery;    // drives through a subquery or a global index, not a
                       // workspace-prefixed index: the scope goes unindexed
};

struct FieldRef {
  const FieldSpec* spec = nullptr;
  std::string data_key;  // kData
};

// ---- Conditions ----

// One field, one operator.
struct Leaf {
  FieldRef field;
  Op op = Op::kEq;
  std::vector<SqlValue> values;          // eq ne lt.. contains: one; in nin: the list
  std::vector<boost::json::value> data;  // kData: the scalars, typed by DataGroups
  bool null = false;                     // eq / ne null
  bool exists = true;                    // exists: the answer wanted
};

// data.<key>: the groups of typed values that one JSON scalar compares
// with. A number compares with number and integer fields, a boolean with
// boolean fields, a string with text-like and date fields as text, and,
// when it reads as a date-time (or a date: midnight UTC), with datetime
// fields in time order.
enum Group { kNumbers, kBooleans, kTexts, kDateTimes, kGroups };
using Groups = std::array<std::vector<SqlValue>, kGroups>;

// The values of `data` (a data leaf's scalars) in their groups.
Groups DataGroups(const std::vector<boost::json::value>& data);

// A condition of the advanced filter below its top level (under an or or a
// not): never a driver, so kept whole.
struct Node {
  enum class Type { kAnd, kOr, kNot, kLeaf };
  Type type = Type::kLeaf;
  std::vector<Node> children;  // and, or: the items; not: the one negated
  std::optional<Leaf> leaf;    // kLeaf
};

// One of the conditions that the page's rows all meet.
struct Conjunct {
  std::optional<Leaf> leaf;            // may drive
  std::optional<Node> node;            // otherwise: an or / not of the filter,
  std::optional<bool> archived_scope;  // or the scope: archived (true) or live cases
  int drive = kDriveNever;
};

// One bound of a range on a data field: an ordering leaf whose value
// compares with exactly one kind of value (a Group). Bounds of one kind on
// one key can share a subquery, which the index reads from bound to bound.
struct RangeBound {
  Op op;
  int group;
  SqlValue value;
};

// ---- Sort and cursor ----

enum class KeyKind { kInteger, kText, kAny };

struct SortSpec {
  std::string_view name;  // "data" for data.<key>; a backend finds its key by it
  bool nullable;
  KeyKind key;
  bool indexed;  // an index orders the workspace's cases by it
};

struct Sort {
  const SortSpec* spec = nullptr;
  bool descending = false;
  std::string data_key;    // sorting by data.<key>
  std::string normalized;  // "-created_at"
};

// Sorting by data.<key>: the key is a schema field's value.
inline bool IsDataSort(const Sort& sort) { return sort.spec->name == "data"; }

struct Cursor {
  SqlValue key;
  Uuid id{};
  std::optional<std::int64_t> position;  // "p"
};

// The cursor `text`, made for `sort`. Throws Error naming "after".
Cursor DecodeCursor(std::string_view text, const Sort& sort);

// ---- The whole query ----

// The conjuncts that drive the plan: those on the driver's field, written so
// that an index may serve them, and first.
struct Driver {
  std::optional<std::size_t> conjunct;  // the lowest rank; none: the workspace drives
  std::vector<bool> drives;    // per conjunct
  std::vector<RangeBound> merged;  // two or more bounds of one group: one range
  bool in_index_order = false;     // an index gives the sort order too
};

struct ListFilter {
  Sort sort;
  std::optional<Cursor> cursor;
  std::vector<Conjunct> conjuncts;
  Driver driver;
  bool advanced = false;  // the advanced filter, not the Penbox ones
  bool archived = false;  // the Penbox archived scope
  bool search = false;    // q, through the full-text index
  std::int64_t page_number = 1;
  std::int64_t page_size = 10;
  std::int64_t offset = 0;  // saturated
  std::optional<WorkspaceSelector> workspace;
};

// Checks `query` and describes it. Throws Error (kValidationFailed naming
// the bad parameter or filter node) and nothing else for bad input.
ListFilter DescribeList(const ListQuery& query);

}  // namespace casework::listing

#endif  // CASEWORK_LIB_LISTING_FILTER_H_

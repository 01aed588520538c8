// Listing (DOMAIN.md §4): the list query compiler and Engine::Impl::List.
//
// A ListQuery compiles to a count and a page statement assembled from the
// constant fragments of storage/list_sql.h; values are bound. The steps:
//  1. the sort ("-created_at", "data.amount") picks its key expression;
//  2. the filters become top-level conjuncts: the Penbox filters, or the
//     advanced filter (its top-level ANDs split into conjuncts), and q;
//  3. one conjunct drives the plan: the one most likely to be selective
//     (kDrive* below). It is written plainly, so SQLite can use its index;
//     the others are written unindexed (+column), so SQLite cannot prefer
//     them or a scan in page order (list_sql.h explains why);
//  4. the page is ordered by the sort key then the id, both ways alike; a
//     cursor adds "(key, id) after (cursor key, cursor id)".
//
// The cursor (grammar): base64url( JSON "~" FNV-1a-64 of the JSON, in hex ),
// the JSON being {"v": 1, "s": normalized sort, "k": the last row's sort
// key (null, integer or string) or "d": a REAL key's IEEE-754 bits in 16 hex
// digits, "i": its id, "p": the rows before the page it starts}. "p" gives
// the page number without counting the rows before the cursor, so a deep
// page costs what the first does; cursors made before "p" still work, by
// counting. The checksum rejects an altered or truncated cursor; it is not
// a secret (nothing is gained by forging one: values are bound and the
// workspace scope still applies; a forged "p" only misnumbers the page).
#include "listing.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>

#include <boost/json.hpp>

#include "casework/json.h"
#include "casework/status.h"
#include "engine_impl.h"
#include "storage/list_sql.h"
#include "storage/search.h"
#include "workspaces.h"

namespace casework {
namespace {

namespace json = boost::json;
namespace ls = storage::list_sql;
using ls::Fragment;

// ---- Limits ----
constexpr int kMaxDepth = 16;
constexpr int kMaxNodes = 256;
constexpr std::size_t kMaxListValues = 100;
constexpr std::size_t kMaxValues = 1000;  // bound values in one filter
constexpr std::int64_t kMaxPageSize = 100;
constexpr std::size_t kMaxSearchBytes = 1000;
constexpr std::size_t kMaxSearchWords = 32;
constexpr std::size_t kMaxCursorBytes = 4096;

[[noreturn]] void Invalid(const std::string& field, const std::string& message) {
  throw Error(Status::ValidationFailed(field, message));
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// SQL under construction: constant fragments and "?" for bound values.
class Sql {
 public:
  Sql() = default;
  explicit Sql(Fragment f) { Add(f); }
  Sql& Add(Fragment f) {
    text_ += f.text();
    return *this;
  }
  Sql& Add(const Sql& other) {
    text_ += other.text_;
    params_.insert(params_.end(), other.params_.begin(), other.params_.end());
    return *this;
  }
  Sql& Bind(SqlValue value) {
    text_ += '?';
    params_.push_back(std::move(value));
    return *this;
  }
  SqlText Done() { return {std::move(text_), std::move(params_)}; }

 private:
  std::string text_;
  std::vector<SqlValue> params_;
};

// One of two fragments (a conditional expression would decay the arrays).
Fragment Pick(bool first, Fragment a, Fragment b) { return first ? a : b; }

Sql Negated(const Sql& inner) { return Sql(ls::kNot).Add(ls::kOpen).Add(inner).Add(ls::kClose); }

// "(a OR b ...)" / "(a AND b ...)"; an empty list is `empty`.
Sql Joined(const std::vector<Sql>& parts, Fragment separator, Fragment empty) {
  if (parts.empty()) return Sql(empty);
  if (parts.size() == 1) return parts.front();
  Sql out(ls::kOpen);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out.Add(separator);
    out.Add(parts[i]);
  }
  return out.Add(ls::kClose);
}

// "?, ?, ?"
Sql ValueList(const std::vector<SqlValue>& values) {
  Sql out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.Add(ls::kComma);
    out.Bind(values[i]);
  }
  return out;
}

// ---- Operators ----

enum class Op { kEq, kNe, kLt, kLte, kGt, kGte, kIn, kNin, kContains, kExists };

struct OpName {
  std::string_view name;
  Op op;
};
constexpr std::array kOps = {
    OpName{"eq", Op::kEq},   OpName{"ne", Op::kNe},   OpName{"lt", Op::kLt},
    OpName{"lte", Op::kLte}, OpName{"gt", Op::kGt},   OpName{"gte", Op::kGte},
    OpName{"in", Op::kIn},   OpName{"nin", Op::kNin}, OpName{"contains", Op::kContains},
    OpName{"exists", Op::kExists},
};

bool IsOrdering(Op op) { return op == Op::kLt || op == Op::kLte || op == Op::kGt || op == Op::kGte; }

Fragment Comparison(Op op) {
  switch (op) {
    case Op::kLt:
      return ls::kLt;
    case Op::kLte:
      return ls::kLte;
    case Op::kGt:
      return ls::kGt;
    case Op::kGte:
      return ls::kGte;
    default:
      return ls::kEq;
  }
}

// ---- Fields ----

// How a field reaches SQL.
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
  std::string_view name;
  Shape shape;
  Kind kind;
  Fragment column;     // column or linked attribute
  Fragment unindexed;  // +column (column shapes)
  Fragment rank;       // kRank: the rank expression
  bool nullable;
  bool ordered;        // lt lte gt gte apply
  bool substring;      // contains applies
  int drive;           // rank of an eq / in conjunct as the driver
  bool by_subquery;    // drives through a subquery or a global index, not a
                       // workspace-prefixed index: the scope goes unindexed
};

constexpr std::array kFields = {
    FieldSpec{"id", Shape::kColumn, Kind::kUuid, ls::kUuid, ls::kUuidUnindexed, ls::kEmpty, false,
              false, false, kDriveId, true},
    FieldSpec{"title", Shape::kColumn, Kind::kText, ls::kTitle, ls::kTitleUnindexed, ls::kEmpty,
              false, true, true, kDriveNever, false},
    FieldSpec{"description", Shape::kColumn, Kind::kText, ls::kDescription,
              ls::kDescriptionUnindexed, ls::kEmpty, true, true, true, kDriveNever, false},
    FieldSpec{"locale", Shape::kColumn, Kind::kText, ls::kLocale, ls::kLocaleUnindexed,
              ls::kEmpty, true, true, true, kDriveNever, false},
    FieldSpec{"reference", Shape::kColumn, Kind::kText, ls::kReference, ls::kReferenceUnindexed,
              ls::kEmpty, true, true, true, kDriveReference, false},
    FieldSpec{"status", Shape::kColumn, Kind::kText, ls::kStatus, ls::kStatusUnindexed,
              ls::kEmpty, false, true, true, kDriveStatus, false},
    FieldSpec{"parent_status", Shape::kRank, Kind::kParentStatus, ls::kParentStatus,
              ls::kParentStatusUnindexed, ls::kParentStatusRank, false, true, false,
              kDriveParentStatus, false},
    FieldSpec{"waiting_for", Shape::kColumn, Kind::kWaitingFor, ls::kWaitingFor,
              ls::kWaitingForUnindexed, ls::kEmpty, false, false, false, kDriveNever, false},
    FieldSpec{"priority", Shape::kRank, Kind::kPriority, ls::kPriority, ls::kPriorityUnindexed,
              ls::kPriorityRank, true, true, false, kDriveNever, false},
    FieldSpec{"template", Shape::kColumn, Kind::kUuid, ls::kTemplate, ls::kTemplateUnindexed,
              ls::kEmpty, true, false, false, kDriveTemplate, false},
    FieldSpec{"version", Shape::kColumn, Kind::kInteger, ls::kVersion, ls::kVersionUnindexed,
              ls::kEmpty, false, true, false, kDriveNever, false},
    FieldSpec{"created_at", Shape::kColumn, Kind::kTime, ls::kCreatedAt, ls::kCreatedAtUnindexed,
              ls::kEmpty, false, true, false, kDriveOtherRange, false},
    FieldSpec{"updated_at", Shape::kColumn, Kind::kTime, ls::kUpdatedAt, ls::kUpdatedAtUnindexed,
              ls::kEmpty, false, true, false, kDriveOtherRange, false},
    FieldSpec{"opened_at", Shape::kColumn, Kind::kTime, ls::kOpenedAt, ls::kOpenedAtUnindexed,
              ls::kEmpty, true, true, false, kDriveNever, false},
    FieldSpec{"resolved_at", Shape::kColumn, Kind::kTime, ls::kResolvedAt,
              ls::kResolvedAtUnindexed, ls::kEmpty, true, true, false, kDriveNever, false},
    FieldSpec{"archived_at", Shape::kColumn, Kind::kTime, ls::kArchivedAt,
              ls::kArchivedAtUnindexed, ls::kEmpty, true, true, false, kDriveNever, false},
    FieldSpec{"archived", Shape::kArchived, Kind::kBoolean, ls::kArchivedAt, ls::kArchivedAt,
              ls::kEmpty, false, false, false, kDriveNever, false},
    FieldSpec{"owner.id", Shape::kOwner, Kind::kUuid, ls::kUserUuid, ls::kEmpty, ls::kEmpty, true,
              false, false, kDriveOwner, true},
    FieldSpec{"owner.email", Shape::kOwner, Kind::kEmail, ls::kUserEmail, ls::kEmpty, ls::kEmpty,
              true, true, true, kDriveOwner, true},
    FieldSpec{"contact.email", Shape::kContact, Kind::kEmail, ls::kContactEmail, ls::kEmpty,
              ls::kEmpty, true, true, true, kDriveContactEmail, true},
    FieldSpec{"contact.name", Shape::kContact, Kind::kText, ls::kContactName, ls::kEmpty,
              ls::kEmpty, true, true, true, kDriveContactName, true},
    FieldSpec{"contact.given_name", Shape::kContact, Kind::kText, ls::kContactGivenName,
              ls::kEmpty, ls::kEmpty, true, true, true, kDriveContactName, true},
    FieldSpec{"contact.family_name", Shape::kContact, Kind::kText, ls::kContactFamilyName,
              ls::kEmpty, ls::kEmpty, true, true, true, kDriveContactName, true},
    FieldSpec{"contact.phone", Shape::kContact, Kind::kText, ls::kContactPhone, ls::kEmpty,
              ls::kEmpty, true, true, true, kDriveContactName, true},
    FieldSpec{"assignee.email", Shape::kAssignee, Kind::kEmail, ls::kUserEmail, ls::kEmpty,
              ls::kEmpty, true, true, true, kDriveAssignee, true},
    FieldSpec{"tag", Shape::kTag, Kind::kText, ls::kTag, ls::kEmpty, ls::kEmpty, true, true, true,
              kDriveTag, true},
    FieldSpec{"workspace.id", Shape::kWorkspace, Kind::kUuid, ls::kWorkspaceUuid, ls::kEmpty,
              ls::kEmpty, false, false, false, kDriveNever, false},
    FieldSpec{"workspace.slug", Shape::kWorkspace, Kind::kText, ls::kWorkspaceSlug, ls::kEmpty,
              ls::kEmpty, false, false, false, kDriveNever, false},
};

constexpr FieldSpec kDataField{"data", Shape::kData, Kind::kAny, ls::kFieldValue,
                               ls::kFieldValue, ls::kEmpty, true, true, true, kDriveDataEquals,
                               true};
constexpr FieldSpec kSearchField{"q", Shape::kSearch, Kind::kText, ls::kEmpty, ls::kEmpty,
                                 ls::kEmpty, false, false, false, kDriveSearch, true};

struct Alias {
  std::string_view alias, name;
};
constexpr std::array kAliases = {
    Alias{"template.id", "template"},   Alias{"template_id", "template"},
    Alias{"tags", "tag"},               Alias{"assignees.email", "assignee.email"},
    Alias{"contacts.email", "contact.email"}, Alias{"contacts.name", "contact.name"},
    Alias{"contacts.given_name", "contact.given_name"},
    Alias{"contacts.family_name", "contact.family_name"},
    Alias{"contacts.phone", "contact.phone"},
};

// [A-Za-z_][A-Za-z0-9_]{0,63}, the schema field key pattern.
bool IsFieldKey(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (std::isdigit(static_cast<unsigned char>(key[0]))) return false;
  return std::all_of(key.begin(), key.end(), word);
}

struct FieldRef {
  const FieldSpec* spec = nullptr;
  std::string data_key;  // kData
};

// The field a filter names: a case field ("parent_status"), a linked one
// ("contact.email", also "contact[email]"), or "data.<key>".
std::optional<FieldRef> FindField(std::string_view name) {
  std::string normalized(name);
  // "owner[email]" -> "owner.email"
  if (auto open = normalized.find('['); open != std::string::npos) {
    if (normalized.back() != ']' || open + 2 > normalized.size() - 1 ||
        normalized.find_first_of("[]", open + 1) != normalized.size() - 1)
      return std::nullopt;
    normalized = normalized.substr(0, open) + "." +
                 normalized.substr(open + 1, normalized.size() - open - 2);
  }
  if (normalized.rfind("data.", 0) == 0) {
    std::string key = normalized.substr(5);
    if (!IsFieldKey(key)) return std::nullopt;
    return FieldRef{&kDataField, std::move(key)};
  }
  for (const Alias& a : kAliases)
    if (a.alias == normalized) normalized = a.name;
  for (const FieldSpec& f : kFields)
    if (f.name == normalized) return FieldRef{&f, {}};
  return std::nullopt;
}

// ---- Values ----

std::int64_t ParentStatusRank(ParentStatus s) { return static_cast<std::int64_t>(s); }
std::int64_t PriorityRank(Priority p) {
  // Priority counts from critical; the rank counts from info.
  return static_cast<std::int64_t>(Priority::kInfo) - static_cast<std::int64_t>(p);
}

std::optional<std::int64_t> TimeValue(std::string_view text) {
  if (auto t = ParseTimestamp(text)) return Millis(*t);
  if (IsValidDate(text)) {
    auto midnight = ParseTimestamp(std::string(text) + "T00:00:00Z");
    if (midnight) return Millis(*midnight);
  }
  return std::nullopt;
}

std::string Trimmed(std::string_view s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return std::string(s);
}

std::string LowerAscii(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kText:
    case Kind::kEmail:
      return "a string";
    case Kind::kTime:
      return "an RFC 3339 date-time or a YYYY-MM-DD date";
    case Kind::kInteger:
      return "an integer";
    case Kind::kUuid:
      return "a UUID";
    case Kind::kParentStatus:
      return "one of draft, pending, in_progress, closed";
    case Kind::kPriority:
      return "one of critical, high, medium, low, info";
    case Kind::kWaitingFor:
      return "one of none, owner, contact";
    case Kind::kBoolean:
      return "true or false";
    case Kind::kAny:
      return "a string, number or boolean";
  }
  return "a value";
}

// One non-null value of a field as bound to SQL. For kRank fields under an
// ordering operator, the rank.
SqlValue ConvertValue(const FieldSpec& f, bool as_rank, const json::value& v,
                      const std::string& path) {
  auto fail = [&]() -> SqlValue { Invalid(path, std::string("must be ") + KindName(f.kind)); };
  switch (f.kind) {
    case Kind::kText:
      if (!v.is_string()) return fail();
      return std::string(v.get_string());
    case Kind::kEmail:
      if (!v.is_string()) return fail();
      return LowerAscii(Trimmed(v.get_string()));
    case Kind::kTime: {
      if (!v.is_string()) return fail();
      auto ms = TimeValue(v.get_string());
      if (!ms) return fail();
      return *ms;
    }
    case Kind::kInteger:
      if (v.is_int64()) return v.get_int64();
      if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(
                                                 std::numeric_limits<std::int64_t>::max()))
        return static_cast<std::int64_t>(v.get_uint64());
      return fail();
    case Kind::kUuid: {
      if (!v.is_string()) return fail();
      auto uuid = UuidFromString(v.get_string());
      if (!uuid) return fail();
      return *uuid;
    }
    case Kind::kParentStatus: {
      if (!v.is_string()) return fail();
      auto s = ParentStatusFromName(v.get_string());
      if (!s) return fail();
      if (as_rank) return ParentStatusRank(*s);
      return std::string(ParentStatusName(*s));
    }
    case Kind::kPriority: {
      if (!v.is_string()) return fail();
      auto p = PriorityFromName(v.get_string());
      if (!p) return fail();
      if (as_rank) return PriorityRank(*p);
      return std::string(PriorityName(*p));
    }
    case Kind::kWaitingFor: {
      if (!v.is_string()) return fail();
      auto w = WaitingForFromName(v.get_string());
      if (!w) return fail();
      return std::string(WaitingForName(*w));
    }
    case Kind::kBoolean:
      if (!v.is_bool()) return fail();
      return static_cast<std::int64_t>(v.get_bool() ? 1 : 0);
    case Kind::kAny:
      if (!v.is_string() && !v.is_number() && !v.is_bool()) return fail();
      return nullptr;  // data values stay JSON (Leaf::data)
  }
  return fail();
}

// ---- Leaves ----

struct Leaf {
  FieldRef field;
  Op op = Op::kEq;
  std::vector<SqlValue> values;   // eq ne lt.. contains: one; in nin: the list
  std::vector<json::value> data;  // kData: the scalars, typed later
  bool null = false;              // eq / ne null
  bool exists = true;             // exists: the answer wanted
};

const char* NameOf(Op op) {
  for (const auto& o : kOps)
    if (o.op == op) return o.name.data();
  return "?";
}

// Checks that `op` applies to the field; `op_path` names the operator.
void CheckOp(const FieldRef& field, Op op, const std::string& op_path) {
  const FieldSpec& f = *field.spec;
  bool ok = true;
  if (IsOrdering(op)) ok = f.ordered;
  if (op == Op::kContains) ok = f.substring;
  if (f.shape == Shape::kArchived) ok = op == Op::kEq || op == Op::kNe;
  if (f.shape == Shape::kWorkspace) ok = op == Op::kEq || op == Op::kNe || op == Op::kIn ||
                                          op == Op::kNin;
  if (!ok)
    Invalid(op_path, std::string("the operator \"") + NameOf(op) + "\" does not apply to " +
                         std::string(f.name));
}

// Builds a leaf from its operator and JSON value (nullptr: no value given).
Leaf MakeLeaf(FieldRef field, Op op, const json::value* value, const std::string& op_path,
              const std::string& value_path, std::size_t& values_used) {
  CheckOp(field, op, op_path);
  Leaf leaf;
  leaf.field = std::move(field);
  leaf.op = op;
  const FieldSpec& f = *leaf.field.spec;
  const bool data = f.shape == Shape::kData;
  auto add = [&](const json::value& v, const std::string& path) {
    if (++values_used > kMaxValues)
      Invalid("filter", "more than " + std::to_string(kMaxValues) + " values");
    SqlValue converted = ConvertValue(f, IsOrdering(op), v, path);
    if (data)
      leaf.data.push_back(v);
    else
      leaf.values.push_back(std::move(converted));
  };
  switch (op) {
    case Op::kExists:
      if (value != nullptr) {
        if (!value->is_bool()) Invalid(value_path, "must be true or false");
        leaf.exists = value->get_bool();
      }
      return leaf;
    case Op::kIn:
    case Op::kNin: {
      if (value == nullptr || !value->is_array()) Invalid(value_path, "must be an array");
      const json::array& list = value->get_array();
      if (list.size() > kMaxListValues)
        Invalid(value_path, "at most " + std::to_string(kMaxListValues) + " values");
      for (std::size_t i = 0; i < list.size(); ++i) {
        std::string path = value_path + "[" + std::to_string(i) + "]";
        if (list[i].is_null()) Invalid(path, "must not be null");
        add(list[i], path);
      }
      return leaf;
    }
    case Op::kEq:
    case Op::kNe:
      if (value == nullptr) Invalid(value_path, "missing");
      if (value->is_null()) {
        if (f.shape == Shape::kArchived) Invalid(value_path, "must be true or false");
        leaf.null = true;
        return leaf;
      }
      add(*value, value_path);
      return leaf;
    case Op::kContains:
      if (value == nullptr || !value->is_string() || value->get_string().empty())
        Invalid(value_path, "must be a non-empty string");
      if (data) {
        ++values_used;
        leaf.data.push_back(*value);
      } else {
        add(*value, value_path);
      }
      return leaf;
    default:  // ordering
      if (value == nullptr || value->is_null()) Invalid(value_path, "must not be null");
      add(*value, value_path);
      return leaf;
  }
}

// ---- SQL of a leaf ----

// `cond` made two-valued: a NULL column fails it rather than making it NULL.
Sql Guarded(const FieldSpec& f, Fragment column, const Sql& cond) {
  if (!f.nullable) return cond;
  return Sql(ls::kOpen).Add(column).Add(ls::kIsNotNull).Add(ls::kAnd).Add(cond).Add(ls::kClose);
}

// The condition on one attribute (column or linked attribute) for a
// positive operator: eq, in, ordering, contains.
Sql Condition(Fragment attribute, Op op, const std::vector<SqlValue>& values) {
  switch (op) {
    case Op::kIn:
    case Op::kNin:
      return Sql(attribute).Add(ls::kIn).Add(ValueList(values)).Add(ls::kClose);
    case Op::kContains:
      return Sql(ls::kInstr).Add(attribute).Add(ls::kComma).Bind(values.front()).Add(
          ls::kInstrEnd);
    default:
      return Sql(attribute).Add(Comparison(op)).Bind(values.front());
  }
}

// The operator that a negative one negates.
Op Positive(Op op) {
  if (op == Op::kNe) return Op::kEq;
  if (op == Op::kNin) return Op::kIn;
  return op;
}

// Linked rows: `c.id IN (SELECT ... WHERE <cond>)` and the like.
Sql Linked(const FieldSpec& f, bool plain, const Sql& cond) {
  switch (f.shape) {
    case Shape::kContact:
      return Sql(Pick(plain, ls::kContactsOpen, ls::kContactsOpenUnindexed))
          .Bind(WorkspaceParam{})
          .Add(ls::kAnd)
          .Add(cond)
          .Add(ls::kClose);
    case Shape::kAssignee:
      return Sql(Pick(plain, ls::kAssigneesOpen, ls::kAssigneesOpenUnindexed))
          .Bind(WorkspaceParam{})
          .Add(ls::kAnd)
          .Add(cond)
          .Add(ls::kClose);
    case Shape::kOwner:
      return Sql(Pick(plain, ls::kOwnerOpen, ls::kOwnerOpenUnindexed))
          .Bind(WorkspaceParam{})
          .Add(ls::kAnd)
          .Add(cond)
          .Add(ls::kClose2);
    case Shape::kTag:
      return Sql(Pick(plain, ls::kTagsOpen, ls::kTagsOpenUnindexed)).Add(cond).Add(ls::kClose);
    case Shape::kWorkspace:
      return Sql(ls::kWorkspaceOpen).Add(cond).Add(ls::kClose);
    default:
      return cond;
  }
}

// data.<key>: the groups of typed values that one JSON scalar compares
// with. A number compares with number and integer fields, a boolean with
// boolean fields, a string with text-like and date fields as text, and,
// when it reads as a date-time (or a date: midnight UTC), with datetime
// fields in time order.
enum Group { kNumbers, kBooleans, kTexts, kDateTimes, kGroups };
constexpr std::array<Fragment, kGroups> kGroupTypes = {ls::kNumberTypes, ls::kBooleanType,
                                                       ls::kTextTypes, ls::kDateTimeType};

void AddToGroups(const json::value& v, std::array<std::vector<SqlValue>, kGroups>& groups) {
  if (v.is_bool()) {
    groups[kBooleans].push_back(static_cast<std::int64_t>(v.get_bool() ? 1 : 0));
  } else if (v.is_int64()) {
    groups[kNumbers].push_back(v.get_int64());
  } else if (v.is_uint64()) {
    groups[kNumbers].push_back(static_cast<double>(v.get_uint64()));
  } else if (v.is_double()) {
    groups[kNumbers].push_back(v.get_double());
  } else if (v.is_string()) {
    groups[kTexts].push_back(std::string(v.get_string()));
    if (auto ms = TimeValue(v.get_string())) groups[kDateTimes].push_back(*ms);
  }
}

Sql DataLinked(const FieldRef& field, bool plain, const Sql& cond) {
  return Sql(Pick(plain, ls::kFieldsOpen, ls::kFieldsOpenUnindexed))
      .Bind(field.data_key)
      .Add(ls::kAnd)
      .Add(cond)
      .Add(ls::kClose);
}

// The positive form of a data leaf (eq, in, ordering, contains, exists).
Sql DataCondition(const Leaf& leaf, Op op, bool plain) {
  if (op == Op::kExists) return DataLinked(leaf.field, plain, Sql(ls::kFieldHasValue));
  if (op == Op::kContains) {
    const std::string text(leaf.data.front().get_string());
    Sql substring = Sql(ls::kSubstringTypes)
                        .Add(ls::kAnd)
                        .Add(ls::kInstr)
                        .Add(ls::kFieldValue)
                        .Add(ls::kComma)
                        .Bind(text)
                        .Add(ls::kInstrEnd);
    Sql option = Sql(ls::kHasOption).Bind(text).Add(ls::kClose);
    return Joined({DataLinked(leaf.field, plain, substring), DataLinked(leaf.field, plain, option)},
                  ls::kOr, ls::kFalse);
  }
  std::array<std::vector<SqlValue>, kGroups> groups;
  for (const json::value& v : leaf.data) AddToGroups(v, groups);
  std::vector<Sql> parts;
  for (int g = 0; g < kGroups; ++g) {
    if (groups[g].empty()) continue;
    Sql cond = Sql(kGroupTypes[g]).Add(ls::kAnd).Add(Condition(ls::kFieldValue, op, groups[g]));
    parts.push_back(DataLinked(leaf.field, plain, cond));
  }
  return Joined(parts, ls::kOr, ls::kFalse);
}

// One bound of a range on a data field: an ordering leaf whose value
// compares with exactly one kind of value (a kGroups index). Bounds of one
// kind on one key can share a subquery, which the index reads from bound
// to bound.
struct RangeBound {
  Op op;
  int group;
  SqlValue value;
};

std::optional<RangeBound> RangeBoundOf(const Leaf& leaf) {
  if (leaf.field.spec->shape != Shape::kData || !IsOrdering(leaf.op) || leaf.data.size() != 1)
    return std::nullopt;
  std::array<std::vector<SqlValue>, kGroups> groups;
  AddToGroups(leaf.data.front(), groups);
  std::optional<RangeBound> bound;
  for (int g = 0; g < kGroups; ++g) {
    if (groups[g].empty()) continue;
    if (bound) return std::nullopt;
    bound = RangeBound{leaf.op, g, groups[g].front()};
  }
  return bound;
}

// `bounds` (REQUIRES: of one group) on `field` as one plain subquery:
// f.key = ? AND <group's types> AND f.typed_value >= ? AND f.typed_value < ?
// ... . A key has one row per case, so this is the conjunction of the
// leaves; written apart, the second would be a subquery over every case on
// its side of the bound.
Sql MergedDataRange(const FieldRef& field, const std::vector<RangeBound>& bounds) {
  Sql cond(kGroupTypes[bounds.front().group]);
  for (const RangeBound& bound : bounds)
    cond.Add(ls::kAnd).Add(Condition(ls::kFieldValue, bound.op, {bound.value}));
  return DataLinked(field, true, cond);
}

// The SQL of a leaf. `plain`: written so that an index may serve it (the
// driver); otherwise unindexed.
Sql LeafSql(const Leaf& leaf, bool plain) {
  const FieldSpec& f = *leaf.field.spec;
  Op op = leaf.op;
  // eq null: the value is absent; ne null: present.
  if ((op == Op::kEq || op == Op::kNe) && leaf.null) {
    Leaf exists = leaf;
    exists.op = Op::kExists;
    exists.exists = op == Op::kNe;
    return LeafSql(exists, plain);
  }
  if (op == Op::kExists && !leaf.exists) {
    Leaf present = leaf;
    present.exists = true;
    return Negated(LeafSql(present, plain));
  }
  if (op == Op::kNe || op == Op::kNin) {
    Leaf positive = leaf;
    positive.op = Positive(op);
    return Negated(LeafSql(positive, plain));
  }
  if (op == Op::kIn && leaf.values.empty() && leaf.data.empty()) return Sql(ls::kFalse);

  switch (f.shape) {
    case Shape::kColumn:
    case Shape::kRank: {
      Fragment column = plain ? f.column : f.unindexed;
      if (op == Op::kExists) {
        if (!f.nullable) return Sql(ls::kTrue);
        return Sql(column).Add(ls::kIsNotNull);
      }
      Fragment expression = f.shape == Shape::kRank && IsOrdering(op) ? f.rank : column;
      return Guarded(f, column, Condition(expression, op, leaf.values));
    }
    case Shape::kArchived: {
      const bool archived = std::get<std::int64_t>(leaf.values.front()) != 0;
      return Sql(f.column).Add(Pick(archived, ls::kIsNotNull, ls::kIsNull));
    }
    case Shape::kOwner:
      if (op == Op::kExists) return Sql(ls::kHasOwner);
      return Linked(f, plain, Condition(f.column, op, leaf.values));
    case Shape::kWorkspace:
      if (op == Op::kExists) return Sql(ls::kTrue);
      return Linked(f, plain, Condition(f.column, op, leaf.values));
    case Shape::kContact:
    case Shape::kAssignee:
    case Shape::kTag:
      if (op == Op::kExists) return Linked(f, plain, Sql(f.column).Add(ls::kIsNotNull));
      return Linked(f, plain, Condition(f.column, op, leaf.values));
    case Shape::kData:
      return DataCondition(leaf, op, plain);
    case Shape::kSearch:
      return Sql(Pick(plain, ls::kSearchOpen, ls::kSearchOpenUnindexed))
          .Bind(leaf.values.front())
          .Add(ls::kClose);
  }
  return Sql(ls::kFalse);
}

// ---- Sort ----

enum class KeyKind { kInteger, kText, kAny };

struct SortSpec {
  std::string_view name;
  Fragment expression;
  Fragment unindexed;
  bool nullable;
  KeyKind key;
  bool indexed;  // an index orders the workspace's cases by it
};

constexpr std::array kSorts = {
    SortSpec{"created_at", ls::kCreatedAt, ls::kCreatedAtUnindexed, false, KeyKind::kInteger, true},
    SortSpec{"updated_at", ls::kUpdatedAt, ls::kUpdatedAtUnindexed, false, KeyKind::kInteger, true},
    SortSpec{"opened_at", ls::kOpenedAt, ls::kOpenedAtUnindexed, true, KeyKind::kInteger, false},
    SortSpec{"resolved_at", ls::kResolvedAt, ls::kResolvedAtUnindexed, true, KeyKind::kInteger,
             false},
    SortSpec{"title", ls::kTitle, ls::kTitleUnindexed, false, KeyKind::kText, false},
    SortSpec{"reference", ls::kReference, ls::kReferenceUnindexed, true, KeyKind::kText, false},
    SortSpec{"status", ls::kStatus, ls::kStatusUnindexed, false, KeyKind::kText, false},
    SortSpec{"parent_status", ls::kParentStatusRank, ls::kParentStatusRank, false,
             KeyKind::kInteger, false},
    SortSpec{"priority", ls::kPriorityRank, ls::kPriorityRank, true, KeyKind::kInteger, false},
};
constexpr SortSpec kDataSort{"data", ls::kSortFieldValue, ls::kSortFieldValue, true, KeyKind::kAny,
                             false};

struct Sort {
  const SortSpec* spec = nullptr;
  bool descending = false;
  std::string data_key;    // sorting by data.<key>
  std::string normalized;  // "-created_at"
};

Sort ParseSort(std::string_view text) {
  Sort sort;
  std::string_view name = text;
  if (!name.empty() && name.front() == '-') {
    sort.descending = true;
    name.remove_prefix(1);
  }
  if (name.rfind("data.", 0) == 0 && IsFieldKey(name.substr(5))) {
    sort.spec = &kDataSort;
    sort.data_key = std::string(name.substr(5));
  }
  for (const SortSpec& s : kSorts)
    if (s.name == name) sort.spec = &s;
  if (sort.spec == nullptr)
    Invalid("sort",
            "sort by one of created_at, updated_at, opened_at, resolved_at, title, reference, "
            "status, parent_status, priority or data.<key>, with - for descending");
  sort.normalized = std::string(text);
  return sort;
}

// ---- Cursor ----

std::uint64_t Fnv1a(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return hash;
}

constexpr char kBase64Url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 0x3f];
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(kBase64Url, 64, c);
    if (at == nullptr) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Only zero padding bits, and never a whole spare character.
  if (bits >= 6 || (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string Hex64(std::uint64_t value) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
  return text;
}

json::value KeyJson(const SqlValue& key) {
  if (auto i = std::get_if<std::int64_t>(&key)) return *i;
  if (auto s = std::get_if<std::string>(&key)) return json::value(*s);
  return nullptr;
}

std::optional<std::uint64_t> FromHex64(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    value = value << 4 | static_cast<std::uint64_t>(digit);
  }
  return value;
}

struct Cursor {
  SqlValue key;
  Uuid id{};
  std::optional<std::int64_t> position;  // "p"
};

Cursor DecodeCursor(std::string_view text, const Sort& sort) {
  auto bad = [](const std::string& why) -> Cursor {
    Invalid("after", "not a cursor of this listing (" + why + ")");
  };
  if (text.empty() || text.size() > kMaxCursorBytes) return bad("length");
  auto bytes = Base64UrlDecode(text);
  if (!bytes) return bad("encoding");
  auto tilde = bytes->rfind('~');
  if (tilde == std::string::npos) return bad("checksum");
  std::string_view payload(bytes->data(), tilde);
  if (std::string_view(*bytes).substr(tilde + 1) != Hex64(Fnv1a(payload))) return bad("checksum");
  JsonLimits limits;
  limits.max_bytes = kMaxCursorBytes;
  limits.max_depth = 4;
  auto parsed = ParseJson(payload, limits);
  if (!parsed.ok() || !parsed->is_object()) return bad("content");
  const json::object& o = parsed->get_object();
  const json::value* v = o.if_contains("v");
  const json::value* s = o.if_contains("s");
  const json::value* k = o.if_contains("k");
  const json::value* d = o.if_contains("d");  // a REAL key, as its bits
  const json::value* i = o.if_contains("i");
  const json::value* p = o.if_contains("p");  // absent from older cursors
  if (o.size() != (p != nullptr ? 5u : 4u) || !v || !s || (k == nullptr) == (d == nullptr) ||
      !i || !v->is_int64() || v->get_int64() != 1 || !s->is_string() || !i->is_string() ||
      (p != nullptr && (!p->is_int64() || p->get_int64() < 0)))
    return bad("content");
  if (s->get_string() != sort.normalized)
    Invalid("after", "the cursor was made for sort \"" + std::string(s->get_string()) +
                         "\", not \"" + sort.normalized + "\"");
  Cursor cursor;
  if (p != nullptr) cursor.position = p->get_int64();
  auto id = UuidFromString(i->get_string());
  if (!id) return bad("id");
  cursor.id = *id;
  const KeyKind kind = sort.spec->key;
  if (d != nullptr) {
    std::optional<std::uint64_t> bits;
    if (d->is_string()) bits = FromHex64(d->get_string());
    if (!bits || kind != KeyKind::kAny) return bad("key");
    const double real = std::bit_cast<double>(*bits);
    if (!std::isfinite(real)) return bad("key");
    cursor.key = real;
  } else if (k->is_null()) {
    if (!sort.spec->nullable) return bad("key");
    cursor.key = nullptr;
  } else if (k->is_int64() && kind != KeyKind::kText) {
    cursor.key = k->get_int64();
  } else if (k->is_string() && kind != KeyKind::kInteger) {
    cursor.key = std::string(k->get_string());
  } else {
    return bad("key");
  }
  return cursor;
}

// The rows after `cursor` in the order of `sort` (ties by id, alike).
Sql AfterCursor(Fragment key, const Sort& sort, const Cursor& cursor) {
  const bool null_key = std::holds_alternative<std::nullptr_t>(cursor.key);
  // Ascending: NULL keys first; descending: NULL keys last.
  if (sort.descending) {
    if (null_key) return Sql(ls::kOpen).Add(key).Add(ls::kIsNull).Add(ls::kIdBefore).Bind(cursor.id).Add(ls::kClose);
    Sql out = Sql(ls::kOpen).Add(ls::kOpen).Add(key).Add(ls::kKeyIdBefore).Bind(cursor.key);
    out.Add(ls::kComma).Bind(cursor.id).Add(ls::kClose);
    if (sort.spec->nullable) out.Add(ls::kOr).Add(key).Add(ls::kIsNull);
    return out.Add(ls::kClose);
  }
  if (null_key)
    return Sql(ls::kOpen)
        .Add(ls::kOpen)
        .Add(key)
        .Add(ls::kIsNull)
        .Add(ls::kIdAfter)
        .Bind(cursor.id)
        .Add(ls::kClose)
        .Add(ls::kOr)
        .Add(key)
        .Add(ls::kIsNotNull)
        .Add(ls::kClose);
  return Sql(ls::kOpen)
      .Add(key)
      .Add(ls::kKeyIdAfter)
      .Bind(cursor.key)
      .Add(ls::kComma)
      .Bind(cursor.id)
      .Add(ls::kClose);
}

// ---- Conjuncts and the driver ----

struct Conjunct {
  std::optional<Leaf> leaf;  // generated once the driver is known
  Sql fixed;                 // otherwise: already generated, unindexed
  int drive = kDriveNever;
};

int DriveRank(const Leaf& leaf, const Sort& sort) {
  const FieldSpec& f = *leaf.field.spec;
  const bool positive = (leaf.op == Op::kEq && !leaf.null) ||
                        (leaf.op == Op::kIn && (!leaf.values.empty() || !leaf.data.empty()));
  if (f.name == "created_at" || f.name == "updated_at") {
    if (!positive && !IsOrdering(leaf.op)) return kDriveNever;
    return sort.spec->name == f.name ? kDriveSortRange : kDriveOtherRange;
  }
  if (f.shape == Shape::kData && IsOrdering(leaf.op)) return kDriveDataRange;
  return positive ? f.drive : kDriveNever;
}

// Builds the conjuncts and the SQL of the advanced filter.
class FilterCompiler {
 public:
  explicit FilterCompiler(const Sort& sort) : sort_(sort) {}

  // The top of the filter: its ANDs become conjuncts that may drive.
  void Top(const json::value& node, const std::string& path, int depth,
           std::vector<Conjunct>& out) {
    const json::object& o = Enter(node, path, depth);
    if (const json::value* all = Composite(o, "and", path)) {
      const json::array& items = Items(*all, path + ".and");
      for (std::size_t i = 0; i < items.size(); ++i)
        Top(items[i], path + ".and[" + std::to_string(i) + "]", depth + 1, out);
      return;
    }
    if (Composite(o, "or", path) || Composite(o, "not", path)) {
      Conjunct c;
      c.fixed = NodeSql(o, path, depth);
      out.push_back(std::move(c));
      return;
    }
    for (Leaf& leaf : Leaves(o, path)) {
      Conjunct c;
      c.drive = DriveRank(leaf, sort_);
      c.leaf = std::move(leaf);
      out.push_back(std::move(c));
    }
  }

  std::size_t& values_used() { return values_; }

 private:
  const json::object& Enter(const json::value& node, const std::string& path, int depth) {
    if (depth > kMaxDepth)
      Invalid(path, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    if (++nodes_ > kMaxNodes) Invalid("filter", "more than " + std::to_string(kMaxNodes) + " nodes");
    if (!node.is_object()) Invalid(path, "must be an object");
    return node.get_object();
  }

  // The operand of {"and": ...} / {"or": ...} / {"not": ...}, if `o` is one.
  static const json::value* Composite(const json::object& o, std::string_view key,
                                      const std::string& path) {
    const json::value* inner = o.if_contains(key);
    if (inner == nullptr) return nullptr;
    if (o.size() != 1) {
      for (const auto& member : o)
        if (member.key() != key)
          Invalid(path + "." + std::string(member.key()),
                  "\"" + std::string(key) + "\" must be the only member of its object");
    }
    return inner;
  }

  static const json::array& Items(const json::value& v, const std::string& path) {
    if (!v.is_array()) Invalid(path, "must be an array");
    return v.get_array();
  }

  // An unindexed condition for any node.
  Sql NodeSql(const json::object& o, const std::string& path, int depth) {
    if (const json::value* all = Composite(o, "and", path))
      return Children(*all, path + ".and", depth, ls::kAnd, ls::kTrue);
    if (const json::value* any = Composite(o, "or", path))
      return Children(*any, path + ".or", depth, ls::kOr, ls::kFalse);
    if (const json::value* inner = Composite(o, "not", path))
      return Negated(NodeSql(Enter(*inner, path + ".not", depth + 1), path + ".not", depth + 1));
    std::vector<Sql> parts;
    for (const Leaf& leaf : Leaves(o, path)) parts.push_back(LeafSql(leaf, false));
    return Joined(parts, ls::kAnd, ls::kTrue);
  }

  Sql Children(const json::value& list, const std::string& path, int depth, Fragment separator,
               Fragment empty) {
    const json::array& items = Items(list, path);
    std::vector<Sql> parts;
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string item_path = path + "[" + std::to_string(i) + "]";
      parts.push_back(NodeSql(Enter(items[i], item_path, depth + 1), item_path, depth + 1));
    }
    return Joined(parts, separator, empty);
  }

  // A leaf {"field", "op", "value"}, or the equality form {field: value}.
  std::vector<Leaf> Leaves(const json::object& o, const std::string& path) {
    std::vector<Leaf> leaves;
    if (const json::value* field = o.if_contains("field")) {
      for (const auto& member : o)
        if (member.key() != "field" && member.key() != "op" && member.key() != "value")
          Invalid(path + "." + std::string(member.key()),
                  "unknown member (a leaf has field, op and value)");
      if (!field->is_string()) Invalid(path + ".field", "must be a string");
      auto ref = FindField(field->get_string());
      if (!ref) Invalid(path + ".field", "unknown field " + Quoted(field->get_string()));
      const json::value* op = o.if_contains("op");
      if (op == nullptr) Invalid(path + ".op", "missing");
      if (!op->is_string()) Invalid(path + ".op", "must be a string");
      auto found = std::find_if(kOps.begin(), kOps.end(),
                                [&](const OpName& n) { return n.name == op->get_string(); });
      if (found == kOps.end())
        Invalid(path + ".op", "unknown operator " + Quoted(op->get_string()) +
                                  " (eq ne lt lte gt gte in nin contains exists)");
      leaves.push_back(MakeLeaf(std::move(*ref), found->op, o.if_contains("value"), path + ".op",
                                path + ".value", values_));
      return leaves;
    }
    // Penbox's equality form: every member an eq (and a node: the first is
    // the object's).
    bool first = true;
    for (const auto& member : o) {
      std::string member_path = path + "." + std::string(member.key());
      auto ref = FindField(member.key());
      if (!ref) Invalid(member_path, "unknown field " + Quoted(member.key()));
      if (!first && ++nodes_ > kMaxNodes)
        Invalid("filter", "more than " + std::to_string(kMaxNodes) + " nodes");
      first = false;
      if (member.value().is_array() || member.value().is_object())
        Invalid(member_path, "must be a single value (use {\"field\", \"op\": \"in\", ...})");
      leaves.push_back(
          MakeLeaf(std::move(*ref), Op::kEq, &member.value(), member_path, member_path, values_));
    }
    return leaves;
  }

  const Sort& sort_;
  int nodes_ = 0;
  std::size_t values_ = 0;
};

// A Penbox filter: field `name` `op` `value`, with errors naming `param`.
void AddFilter(std::vector<Conjunct>& out, const Sort& sort, std::string_view name, Op op,
               const json::value& value, const std::string& param) {
  std::size_t values = 0;
  auto ref = FindField(name);
  Conjunct c;
  c.leaf = MakeLeaf(std::move(*ref), op, &value, param, param, values);
  c.drive = DriveRank(*c.leaf, sort);
  out.push_back(std::move(c));
}

void AddOptional(std::vector<Conjunct>& out, const Sort& sort, std::string_view name, Op op,
                 const std::optional<std::string>& value, const std::string& param) {
  if (value) AddFilter(out, sort, name, op, json::value(*value), param);
}

void AddTime(std::vector<Conjunct>& out, const Sort& sort, std::string_view name, Op op,
             const std::optional<Timestamp>& value, const std::string& param) {
  if (value) AddFilter(out, sort, name, op, json::value(FormatTimestamp(*value)), param);
}

std::vector<Conjunct> PenboxFilters(const ListQuery& q, const Sort& sort) {
  std::vector<Conjunct> out;
  Conjunct archived;
  archived.fixed = Sql(Pick(q.archived, ls::kArchivedOnly, ls::kLive));
  out.push_back(std::move(archived));
  AddOptional(out, sort, "template", Op::kEq, q.template_id, "template[id]");
  AddOptional(out, sort, "status", Op::kEq, q.status, "status");
  if (q.parent_status)
    AddFilter(out, sort, "parent_status", Op::kEq,
              json::value(ParentStatusName(*q.parent_status)), "parent_status");
  if (q.waiting_for)
    AddFilter(out, sort, "waiting_for", Op::kEq, json::value(WaitingForName(*q.waiting_for)),
              "waiting_for");
  AddOptional(out, sort, "reference", Op::kEq, q.reference, "reference");
  AddOptional(out, sort, "owner.id", Op::kEq, q.owner_id, "owner[id]");
  AddOptional(out, sort, "owner.email", Op::kEq, q.owner_email, "owner[email]");
  AddOptional(out, sort, "contact.given_name", Op::kEq, q.contact_given_name,
              "contact[given_name]");
  AddOptional(out, sort, "contact.family_name", Op::kEq, q.contact_family_name,
              "contact[family_name]");
  AddOptional(out, sort, "contact.email", Op::kEq, q.contact_email, "contact[email]");
  if (q.priority)
    AddFilter(out, sort, "priority", Op::kEq, json::value(PriorityName(*q.priority)), "priority");
  AddOptional(out, sort, "tag", Op::kEq, q.tag, "tag");
  AddOptional(out, sort, "assignee.email", Op::kEq, q.assignee_email, "assignee[email]");
  AddTime(out, sort, "created_at", Op::kGte, q.created_after, "created_at[after]");
  AddTime(out, sort, "created_at", Op::kLt, q.created_before, "created_at[before]");
  AddTime(out, sort, "updated_at", Op::kGte, q.updated_after, "updated_at[after]");
  AddTime(out, sort, "updated_at", Op::kLt, q.updated_before, "updated_at[before]");
  return out;
}

bool IsSpace(unsigned char c) { return c <= ' ' || c == 0x7f; }

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !IsSpace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::string SearchExpression(std::string_view q) {
  std::string expression;
  for (std::string_view word : Words(q)) {
    if (!expression.empty()) expression += ' ';
    expression += '"';
    for (char c : word) {
      if (c == '"') expression += '"';
      expression += c;
    }
    expression += "\"*";
  }
  return expression;
}

std::string EncodeCursor(std::string_view sort, const SqlValue& key, const Uuid& id,
                         std::optional<std::int64_t> position) {
  json::object o;
  o["v"] = 1;
  o["s"] = sort;
  // A REAL travels as its bits: text would round-trip only approximately.
  if (auto real = std::get_if<double>(&key))
    o["d"] = Hex64(std::bit_cast<std::uint64_t>(*real));
  else
    o["k"] = KeyJson(key);
  o["i"] = UuidToString(id);
  if (position) o["p"] = *position;
  std::string payload = json::serialize(o);
  return Base64UrlEncode(payload + "~" + Hex64(Fnv1a(payload)));
}

// The total from case_counts, for a query whose only filters are the
// archived scope (PenboxFilters puts it first, as the one fixed conjunct)
// and status or parent_status equalities: nothing else is in the counts.
std::optional<SqlText> CountedTotal(const ListQuery& query, const std::vector<Conjunct>& conjuncts,
                                    bool search) {
  if (query.filter || search) return std::nullopt;
  Sql sql = Sql(ls::kSelectCounted).Bind(WorkspaceParam{});
  sql.Add(ls::kCountedArchived).Bind(std::int64_t{query.archived ? 1 : 0});
  for (std::size_t i = 0; i < conjuncts.size(); ++i) {
    if (!conjuncts[i].leaf) {
      if (i != 0) return std::nullopt;  // not the archived scope: not in the counts
      continue;
    }
    const Leaf& leaf = *conjuncts[i].leaf;
    const std::string_view name = leaf.field.spec->name;
    if ((name != "status" && name != "parent_status") || leaf.op != Op::kEq || leaf.null ||
        leaf.values.size() != 1)
      return std::nullopt;
    sql.Add(Pick(name == "status", ls::kCountedStatus, ls::kCountedParentStatus)).Bind(leaf.values[0]);
  }
  return std::move(sql).Done();
}

CompiledList CompileList(const ListQuery& query) {
  CompiledList plan;
  if (query.page_number < 1) Invalid("page[number]", "must be at least 1");
  if (query.page_size < 1 || query.page_size > kMaxPageSize)
    Invalid("page[size]", "must be between 1 and " + std::to_string(kMaxPageSize));
  plan.page_number = query.page_number;
  plan.page_size = query.page_size;
  plan.workspace = query.workspace;
  const Sort sort = ParseSort(query.sort);
  plan.sort = sort.normalized;

  std::optional<Cursor> cursor;
  if (query.after) {
    if (query.page_number != 1)
      Invalid("page[number]", "give either a page number or a cursor (after), not both");
    cursor = DecodeCursor(*query.after, sort);
    plan.after_cursor = true;
  }
  const std::int64_t skipped = query.page_number - 1;
  plan.offset = skipped > std::numeric_limits<std::int64_t>::max() / query.page_size
                    ? std::numeric_limits<std::int64_t>::max()
                    : skipped * query.page_size;

  // Filters.
  std::vector<Conjunct> conjuncts;
  if (query.filter) {
    FilterCompiler compiler(sort);
    compiler.Top(*query.filter, "filter", 1, conjuncts);
  } else {
    conjuncts = PenboxFilters(query, sort);
  }
  if (query.q) {
    if (query.q->size() > kMaxSearchBytes)
      Invalid("q", "at most " + std::to_string(kMaxSearchBytes) + " bytes");
    if (Words(*query.q).size() > kMaxSearchWords)
      Invalid("q", "at most " + std::to_string(kMaxSearchWords) + " words");
    std::string expression = SearchExpression(*query.q);
    if (!expression.empty()) {
      Conjunct c;
      c.leaf = Leaf{FieldRef{&kSearchField, {}}, Op::kEq, {std::move(expression)}, {}, false, true};
      c.drive = kDriveSearch;
      conjuncts.push_back(std::move(c));
      plan.search = true;
    }
  }

  // The driver: the lowest rank; every conjunct on the driver's field is
  // written plainly, and put first (SQLite takes the first of equals).
  const FieldSpec* driver = nullptr;
  const Leaf* driver_leaf = nullptr;
  int best = std::numeric_limits<int>::max();
  for (const Conjunct& c : conjuncts)
    if (c.drive != kDriveNever && c.drive < best) {
      best = c.drive;
      driver = c.leaf->field.spec;
      driver_leaf = &*c.leaf;
    }
  // Pages come in index order when an index gives the sort order for what
  // the driver selects: the workspace (no driver), one status or parent
  // status (their indexes continue with created_at), or a range on the
  // sort key itself.
  bool in_index_order = false;
  if (sort.spec->indexed) {
    if (driver == nullptr)
      in_index_order = true;
    else if ((driver->name == "status" || driver->name == "parent_status") &&
             driver_leaf->op == Op::kEq && sort.spec->name == "created_at")
      in_index_order = true;
    else if (driver->name == sort.spec->name)
      in_index_order = true;
  }
  const Fragment key = in_index_order ? sort.spec->expression : sort.spec->unindexed;

  Sql where(Pick(driver != nullptr && driver->by_subquery, ls::kScopeUnindexed, ls::kScope));
  where.Bind(WorkspaceParam{});
  auto same_field = [&](const Conjunct& c) {
    return driver != nullptr && c.leaf && c.drive != kDriveNever && c.leaf->field.spec == driver &&
           (driver->shape != Shape::kData || c.leaf->field.data_key == driver_leaf->field.data_key);
  };
  // A data range given as two leaves (gte and lt on one key) drives as one.
  std::vector<RangeBound> bounds;
  bool mergeable = true;
  for (const Conjunct& c : conjuncts) {
    if (!same_field(c)) continue;
    std::optional<RangeBound> bound = RangeBoundOf(*c.leaf);
    mergeable = mergeable && bound && (bounds.empty() || bound->group == bounds.front().group);
    if (mergeable) bounds.push_back(std::move(*bound));
  }
  const bool merged = mergeable && bounds.size() >= 2;
  if (merged) where.Add(ls::kAnd).Add(MergedDataRange(driver_leaf->field, bounds));
  for (int pass = 0; pass < 2; ++pass)
    for (const Conjunct& c : conjuncts) {
      const bool drives = same_field(c);
      if (drives != (pass == 0)) continue;
      if (drives && merged) continue;  // written above
      where.Add(ls::kAnd).Add(c.leaf ? LeafSql(*c.leaf, drives) : c.fixed);
    }

  Sql join;
  if (sort.spec == &kDataSort) join.Add(ls::kJoinSortField).Bind(sort.data_key);

  // count
  if (cursor) plan.cursor_position = cursor->position;
  if (cursor && !cursor->position) {
    plan.count = Sql(ls::kSelectCountAndBefore)
                     .Add(AfterCursor(key, sort, *cursor))
                     .Add(ls::kCountBeforeEnd)
                     .Add(join)
                     .Add(ls::kWhere)
                     .Add(where)
                     .Done();
  } else if (auto counted = CountedTotal(query, conjuncts, plan.search)) {
    plan.count = std::move(*counted);
  } else {
    plan.count = Sql(ls::kSelectCount).Add(ls::kWhere).Add(where).Done();
  }

  // page
  Sql page = Sql(ls::kSelectPage).Add(key).Add(ls::kFromCases).Add(join).Add(ls::kWhere).Add(where);
  if (cursor) page.Add(ls::kAnd).Add(AfterCursor(key, sort, *cursor));
  page.Add(ls::kOrderBy)
      .Add(key)
      .Add(Pick(sort.descending, ls::kDesc, ls::kAsc))
      .Add(Pick(sort.descending, ls::kIdDesc, ls::kIdAsc))
      .Add(ls::kLimit)
      .Bind(plan.page_size + 1)
      .Add(ls::kOffset)
      .Bind(cursor ? std::int64_t{0} : plan.offset);
  plan.page = std::move(page).Done();
  return plan;
}

void BindAll(storage::Stmt& stmt, const std::vector<SqlValue>& params, std::int64_t workspace) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>)
            stmt.BindNull(index);
          else if constexpr (std::is_same_v<T, WorkspaceParam>)
            stmt.Bind(index, workspace);
          else if constexpr (std::is_same_v<T, std::string>)
            stmt.Bind(index, std::string_view(value));
          else
            stmt.Bind(index, value);
        },
        params[i]);
  }
}

namespace {

SqlValue KeyAt(const storage::Stmt& row, int column) {
  switch (row.Type(column)) {
    case SQLITE_INTEGER:
      return row.Int(column);
    case SQLITE_FLOAT:
      return row.Double(column);
    case SQLITE_TEXT:
      return row.Text(column);
    case SQLITE_NULL:
      return nullptr;
    default:
      throw Error(Status::StorageError("a sort key of an unexpected type"));
  }
}

}  // namespace

CasePage Engine::Impl::List(const ListQuery& query, const ReadOptions& options) {
  const CompiledList plan = CompileList(query);
  // Changes written behind casework's back await indexing: index them first.
  if (plan.search && storage::SearchPending(*db_)) {
    storage::WriteTransaction sync(*db_);
    sync.Commit();
  }
  storage::ReadTransaction tx(*db_);
  const std::int64_t workspace = ResolveWorkspace(*db_, options.workspace, plan.workspace).row;

  CasePage page;
  ListMeta& meta = page.meta;
  meta.page_size = plan.page_size;
  // The rows before the page: the offset, or what the cursor carries (or,
  // from a cursor without it, the count below).
  std::int64_t before = plan.after_cursor ? plan.cursor_position.value_or(0) : plan.offset;
  {
    auto count = db_->UseDynamic(plan.count.sql);
    BindAll(count, plan.count.params, workspace);
    if (count.Step()) {
      meta.total_count = count.Int(0);
      if (plan.after_cursor && !plan.cursor_position) before = count.Int(1);
    }
  }
  meta.total_pages = meta.total_count / plan.page_size + (meta.total_count % plan.page_size != 0);
  meta.current_page = plan.after_cursor ? before / plan.page_size + 1 : plan.page_number;

  struct Row {
    std::int64_t row;
    Uuid id;
    SqlValue key;
  };
  std::vector<Row> rows;
  if (plan.after_cursor || plan.offset < meta.total_count) {
    auto select = db_->UseDynamic(plan.page.sql);
    BindAll(select, plan.page.params, workspace);
    while (select.Step()) rows.push_back({select.Int(0), select.UuidAt(1), KeyAt(select, 2)});
  }
  if (rows.size() > static_cast<std::size_t>(plan.page_size)) {
    rows.resize(static_cast<std::size_t>(plan.page_size));
    page.next_cursor = EncodeCursor(plan.sort, rows.back().key, rows.back().id,
                                    before + plan.page_size);
  }
  page.cases.reserve(rows.size());
  for (const Row& row : rows) page.cases.push_back(LoadCase(*db_, row.row));
  return page;
}

}  // namespace casework

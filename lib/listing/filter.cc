// Filter compilation: a ListQuery checked and described (filter.h). The
// steps:
//  1. the sort ("-created_at", "data.amount") is parsed, and a cursor
//     decoded against it (cursor.cc);
//  2. the filters become top-level conjuncts: the Penbox filters, or the
//     advanced filter (its top-level ANDs split into conjuncts), and q;
//  3. one conjunct drives the plan: the one most likely to be selective
//     (kDrive* in filter.h), with every conjunct on its field.
#include "listing/filter.h"

#include <algorithm>
#include <cctype>
#include <limits>

#include <boost/json.hpp>

#include "casework/status.h"
#include "write_context.h"

namespace casework::listing {
namespace {

namespace json = boost::json;

// ---- Limits ----
constexpr int kMaxDepth = 16;
constexpr int kMaxNodes = 256;
constexpr std::size_t kMaxListValues = 100;
constexpr std::size_t kMaxValues = 1000;  // bound values in one filter
constexpr std::int64_t kMaxPageSize = 100;
constexpr std::size_t kMaxSearchBytes = 1000;
constexpr std::size_t kMaxSearchWords = 32;

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// ---- Operators ----

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

// ---- Fields ----

constexpr std::array kFields = {
    FieldSpec{"id", Shape::kColumn, Kind::kUuid, false, false, false, kDriveId, true},
    FieldSpec{"title", Shape::kColumn, Kind::kText, false, true, true, kDriveNever, false},
    FieldSpec{"description", Shape::kColumn, Kind::kText, true, true, true, kDriveNever, false},
    FieldSpec{"locale", Shape::kColumn, Kind::kText, true, true, true, kDriveNever, false},
    FieldSpec{"reference", Shape::kColumn, Kind::kText, true, true, true, kDriveReference, false},
    FieldSpec{"status", Shape::kColumn, Kind::kText, false, true, true, kDriveStatus, false},
    FieldSpec{"parent_status", Shape::kRank, Kind::kParentStatus, false, true, false,
              kDriveParentStatus, false},
    FieldSpec{"waiting_for", Shape::kColumn, Kind::kWaitingFor, false, false, false, kDriveNever,
              false},
    FieldSpec{"priority", Shape::kRank, Kind::kPriority, true, true, false, kDriveNever, false},
    FieldSpec{"template", Shape::kColumn, Kind::kUuid, true, false, false, kDriveTemplate, false},
    FieldSpec{"version", Shape::kColumn, Kind::kInteger, false, true, false, kDriveNever, false},
    FieldSpec{"created_at", Shape::kColumn, Kind::kTime, false, true, false, kDriveOtherRange,
              false},
    FieldSpec{"updated_at", Shape::kColumn, Kind::kTime, false, true, false, kDriveOtherRange,
              false},
    FieldSpec{"opened_at", Shape::kColumn, Kind::kTime, true, true, false, kDriveNever, false},
    FieldSpec{"resolved_at", Shape::kColumn, Kind::kTime, true, true, false, kDriveNever, false},
    FieldSpec{"archived_at", Shape::kColumn, Kind::kTime, true, true, false, kDriveNever, false},
    FieldSpec{"archived", Shape::kArchived, Kind::kBoolean, false, false, false, kDriveNever,
              false},
    FieldSpec{"owner.id", Shape::kOwner, Kind::kUuid, true, false, false, kDriveOwner, true},
    FieldSpec{"owner.email", Shape::kOwner, Kind::kEmail, true, true, true, kDriveOwner, true},
    FieldSpec{"contact.email", Shape::kContact, Kind::kEmail, true, true, true, kDriveContactEmail,
              true},
    FieldSpec{"contact.name", Shape::kContact, Kind::kText, true, true, true, kDriveContactName,
              true},
    FieldSpec{"contact.given_name", Shape::kContact, Kind::kText, true, true, true,
              kDriveContactName, true},
    FieldSpec{"contact.family_name", Shape::kContact, Kind::kText, true, true, true,
              kDriveContactName, true},
    FieldSpec{"contact.phone", Shape::kContact, Kind::kText, true, true, true, kDriveContactName,
              true},
    FieldSpec{"assignee.email", Shape::kAssignee, Kind::kEmail, true, true, true, kDriveAssignee,
              true},
    FieldSpec{"tag", Shape::kTag, Kind::kText, true, true, true, kDriveTag, true},
    FieldSpec{"workspace.id", Shape::kWorkspace, Kind::kUuid, false, false, false, kDriveNever,
              false},
    FieldSpec{"workspace.slug", Shape::kWorkspace, Kind::kText, false, false, false, kDriveNever,
              false},
};

constexpr FieldSpec kDataField{"data", Shape::kData, Kind::kAny, true, true, true,
                               kDriveDataEquals, true};
constexpr FieldSpec kSearchField{"q", Shape::kSearch, Kind::kText, false, false, false,
                                 kDriveSearch, true};

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

// One non-null value of a field, as a statement binds it. For kRank fields
// under an ordering operator, the rank.
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

// ---- Data ranges ----

// emplace_back, not push_back: GCC 12 warns falsely (-Wmaybe-uninitialized)
// about moving the variants when push_back reallocates here.
void AddToGroups(const json::value& v, Groups& groups) {
  if (v.is_bool()) {
    groups[kBooleans].emplace_back(static_cast<std::int64_t>(v.get_bool() ? 1 : 0));
  } else if (v.is_int64()) {
    groups[kNumbers].emplace_back(v.get_int64());
  } else if (v.is_uint64()) {
    groups[kNumbers].emplace_back(static_cast<double>(v.get_uint64()));
  } else if (v.is_double()) {
    groups[kNumbers].emplace_back(v.get_double());
  } else if (v.is_string()) {
    groups[kTexts].emplace_back(std::string(v.get_string()));
    if (auto ms = TimeValue(v.get_string())) groups[kDateTimes].emplace_back(*ms);
  }
}

std::optional<RangeBound> RangeBoundOf(const Leaf& leaf) {
  if (leaf.field.spec->shape != Shape::kData || !IsOrdering(leaf.op) || leaf.data.size() != 1)
    return std::nullopt;
  const Groups groups = DataGroups({leaf.data.front()});
  std::optional<RangeBound> bound;
  for (int g = 0; g < kGroups; ++g) {
    if (groups[g].empty()) continue;
    if (bound) return std::nullopt;
    bound = RangeBound{leaf.op, g, groups[g].front()};
  }
  return bound;
}

// ---- Sort ----

constexpr std::array kSorts = {
    SortSpec{"created_at", false, KeyKind::kInteger, true},
    SortSpec{"updated_at", false, KeyKind::kInteger, true},
    SortSpec{"opened_at", true, KeyKind::kInteger, false},
    SortSpec{"resolved_at", true, KeyKind::kInteger, false},
    SortSpec{"title", false, KeyKind::kText, false},
    SortSpec{"reference", true, KeyKind::kText, false},
    SortSpec{"status", false, KeyKind::kText, false},
    SortSpec{"parent_status", false, KeyKind::kInteger, false},
    SortSpec{"priority", true, KeyKind::kInteger, false},
};
constexpr SortSpec kDataSort{"data", true, KeyKind::kAny, false};

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

// ---- Conjuncts ----

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

// Builds the conjuncts of the advanced filter.
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
      c.node = Tree(o, path, depth);
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

  // Any node, whole; the leaves of an object are its and.
  Node Tree(const json::object& o, const std::string& path, int depth) {
    if (const json::value* all = Composite(o, "and", path))
      return Children(*all, path + ".and", depth, Node::Type::kAnd);
    if (const json::value* any = Composite(o, "or", path))
      return Children(*any, path + ".or", depth, Node::Type::kOr);
    if (const json::value* inner = Composite(o, "not", path)) {
      Node negated{Node::Type::kNot, {}, std::nullopt};
      negated.children.push_back(
          Tree(Enter(*inner, path + ".not", depth + 1), path + ".not", depth + 1));
      return negated;
    }
    Node leaves{Node::Type::kAnd, {}, std::nullopt};
    for (Leaf& leaf : Leaves(o, path))
      leaves.children.push_back(Node{Node::Type::kLeaf, {}, std::move(leaf)});
    return leaves;
  }

  Node Children(const json::value& list, const std::string& path, int depth, Node::Type type) {
    const json::array& items = Items(list, path);
    Node node{type, {}, std::nullopt};
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string item_path = path + "[" + std::to_string(i) + "]";
      node.children.push_back(Tree(Enter(items[i], item_path, depth + 1), item_path, depth + 1));
    }
    return node;
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
  archived.archived_scope = q.archived;
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

// q as a conjunct, when it has words.
void AddSearch(const std::string& q, ListFilter& out) {
  if (q.size() > kMaxSearchBytes)
    Invalid("q", "at most " + std::to_string(kMaxSearchBytes) + " bytes");
  if (Words(q).size() > kMaxSearchWords)
    Invalid("q", "at most " + std::to_string(kMaxSearchWords) + " words");
  std::string expression = SearchExpression(q);
  if (expression.empty()) return;
  Conjunct c;
  c.leaf = Leaf{FieldRef{&kSearchField, {}}, Op::kEq, {std::move(expression)}, {}, false, true};
  c.drive = kDriveSearch;
  out.conjuncts.push_back(std::move(c));
  out.search = true;
}

// Pages come in index order when an index gives the sort order for what
// the driver selects: the workspace (no driver), one status or parent
// status (their indexes continue with created_at), or a range on the sort
// key itself.
bool InIndexOrder(const Leaf* driver_leaf, const Sort& sort) {
  if (!sort.spec->indexed) return false;
  if (driver_leaf == nullptr) return true;
  const std::string_view name = driver_leaf->field.spec->name;
  if ((name == "status" || name == "parent_status") && driver_leaf->op == Op::kEq &&
      sort.spec->name == "created_at")
    return true;
  return name == sort.spec->name;
}

// The driver: the lowest rank; every conjunct on the driver's field drives
// with it.
Driver ChooseDriver(const std::vector<Conjunct>& conjuncts, const Sort& sort) {
  Driver driver;
  int best = std::numeric_limits<int>::max();
  for (std::size_t i = 0; i < conjuncts.size(); ++i)
    if (conjuncts[i].drive != kDriveNever && conjuncts[i].drive < best) {
      best = conjuncts[i].drive;
      driver.conjunct = i;
    }
  const Leaf* driver_leaf = driver.conjunct ? &*conjuncts[*driver.conjunct].leaf : nullptr;
  const FieldSpec* field = driver_leaf ? driver_leaf->field.spec : nullptr;
  driver.in_index_order = InIndexOrder(driver_leaf, sort);
  auto same_field = [&](const Conjunct& c) {
    return field != nullptr && c.leaf && c.drive != kDriveNever && c.leaf->field.spec == field &&
           (field->shape != Shape::kData || c.leaf->field.data_key == driver_leaf->field.data_key);
  };
  // A data range given as two leaves (gte and lt on one key) drives as one.
  std::vector<RangeBound> bounds;
  bool mergeable = true;
  for (const Conjunct& c : conjuncts) {
    driver.drives.push_back(same_field(c));
    if (!driver.drives.back()) continue;
    std::optional<RangeBound> bound = RangeBoundOf(*c.leaf);
    mergeable = mergeable && bound && (bounds.empty() || bound->group == bounds.front().group);
    if (mergeable) bounds.push_back(std::move(*bound));
  }
  if (mergeable && bounds.size() >= 2) driver.merged = std::move(bounds);
  return driver;
}

}  // namespace

[[noreturn]] void Invalid(const std::string& field, const std::string& message) {
  throw Error(Status::ValidationFailed(field, message));
}

bool IsOrdering(Op op) { return op == Op::kLt || op == Op::kLte || op == Op::kGt || op == Op::kGte; }

Op Positive(Op op) {
  if (op == Op::kNe) return Op::kEq;
  if (op == Op::kNin) return Op::kIn;
  return op;
}

Groups DataGroups(const std::vector<json::value>& data) {
  Groups groups;
  for (const json::value& v : data) AddToGroups(v, groups);
  return groups;
}

ListFilter DescribeList(const ListQuery& query) {
  ListFilter out;
  if (query.page_number < 1) Invalid("page[number]", "must be at least 1");
  if (query.page_size < 1 || query.page_size > kMaxPageSize)
    Invalid("page[size]", "must be between 1 and " + std::to_string(kMaxPageSize));
  out.page_number = query.page_number;
  out.page_size = query.page_size;
  out.workspace = query.workspace;
  out.archived = query.archived;
  out.advanced = query.filter.has_value();
  out.sort = ParseSort(query.sort);
  if (query.after) {
    if (query.page_number != 1)
      Invalid("page[number]", "give either a page number or a cursor (after), not both");
    out.cursor = DecodeCursor(*query.after, out.sort);
  }
  const std::int64_t skipped = query.page_number - 1;
  out.offset = skipped > std::numeric_limits<std::int64_t>::max() / query.page_size
                   ? std::numeric_limits<std::int64_t>::max()
                   : skipped * query.page_size;
  if (query.filter) {
    FilterCompiler compiler(out.sort);
    compiler.Top(*query.filter, "filter", 1, out.conjuncts);
  } else {
    out.conjuncts = PenboxFilters(query, out.sort);
  }
  if (query.q) AddSearch(*query.q, out);
  out.driver = ChooseDriver(out.conjuncts, out.sort);
  return out;
}

}  // namespace casework::listing

namespace casework {

std::string SearchExpression(std::string_view q) {
  std::string expression;
  for (std::string_view word : listing::Words(q)) {
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


}  // namespace casework

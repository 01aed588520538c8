// SQL generation for SQLite: a described list query (filter.h) as its count
// and page statements, assembled from the constant fragments of
// storage/list_sql.h with every value bound:
//  - the driver's conjuncts are written plainly, so SQLite can use their
//    index; the others unindexed (+column), so SQLite cannot prefer them or
//    a scan in page order (list_sql.h explains why);
//  - the page is ordered by the sort key then the id, both ways alike; a
//    cursor adds "(key, id) after (cursor key, cursor id)".
#include "listing/sqlite_sql.h"

#include <array>
#include <string_view>

#include "listing/sql_builder.h"
#include "storage/list_sql.h"

namespace casework::listing {
namespace {

namespace ls = storage::list_sql;

struct SqliteDialect {
  static constexpr Placeholders kPlaceholders = Placeholders::kQuestionMarks;
  static Fragment CastOf(const SqlValue&) { return ""; }  // SQLite types values itself
};
using Sql = BasicSql<SqliteDialect>;


// ---- Fields and sort keys as SQL ----

// The column of a field (FieldSpec::name), as the plain and the unindexed
// expression; for a kRank field also its rank expression. Linked fields
// name the attribute of the linked row.
struct FieldSql {
  std::string_view name;
  Fragment column;
  Fragment unindexed;
  Fragment rank;
};

constexpr std::array kFieldSql = {
    FieldSql{"id", ls::kUuid, ls::kUuidUnindexed, ls::kEmpty},
    FieldSql{"title", ls::kTitle, ls::kTitleUnindexed, ls::kEmpty},
    FieldSql{"description", ls::kDescription, ls::kDescriptionUnindexed, ls::kEmpty},
    FieldSql{"locale", ls::kLocale, ls::kLocaleUnindexed, ls::kEmpty},
    FieldSql{"reference", ls::kReference, ls::kReferenceUnindexed, ls::kEmpty},
    FieldSql{"status", ls::kStatus, ls::kStatusUnindexed, ls::kEmpty},
    FieldSql{"parent_status", ls::kParentStatus, ls::kParentStatusUnindexed,
             ls::kParentStatusRank},
    FieldSql{"waiting_for", ls::kWaitingFor, ls::kWaitingForUnindexed, ls::kEmpty},
    FieldSql{"priority", ls::kPriority, ls::kPriorityUnindexed, ls::kPriorityRank},
    FieldSql{"template", ls::kTemplate, ls::kTemplateUnindexed, ls::kEmpty},
    FieldSql{"version", ls::kVersion, ls::kVersionUnindexed, ls::kEmpty},
    FieldSql{"created_at", ls::kCreatedAt, ls::kCreatedAtUnindexed, ls::kEmpty},
    FieldSql{"updated_at", ls::kUpdatedAt, ls::kUpdatedAtUnindexed, ls::kEmpty},
    FieldSql{"opened_at", ls::kOpenedAt, ls::kOpenedAtUnindexed, ls::kEmpty},
    FieldSql{"resolved_at", ls::kResolvedAt, ls::kResolvedAtUnindexed, ls::kEmpty},
    FieldSql{"archived_at", ls::kArchivedAt, ls::kArchivedAtUnindexed, ls::kEmpty},
    FieldSql{"archived", ls::kArchivedAt, ls::kArchivedAt, ls::kEmpty},
    FieldSql{"owner.id", ls::kUserUuid, ls::kEmpty, ls::kEmpty},
    FieldSql{"owner.email", ls::kUserEmail, ls::kEmpty, ls::kEmpty},
    FieldSql{"contact.email", ls::kContactEmail, ls::kEmpty, ls::kEmpty},
    FieldSql{"contact.name", ls::kContactName, ls::kEmpty, ls::kEmpty},
    FieldSql{"contact.given_name", ls::kContactGivenName, ls::kEmpty, ls::kEmpty},
    FieldSql{"contact.family_name", ls::kContactFamilyName, ls::kEmpty, ls::kEmpty},
    FieldSql{"contact.phone", ls::kContactPhone, ls::kEmpty, ls::kEmpty},
    FieldSql{"assignee.email", ls::kUserEmail, ls::kEmpty, ls::kEmpty},
    FieldSql{"tag", ls::kTag, ls::kEmpty, ls::kEmpty},
    FieldSql{"workspace.id", ls::kWorkspaceUuid, ls::kEmpty, ls::kEmpty},
    FieldSql{"workspace.slug", ls::kWorkspaceSlug, ls::kEmpty, ls::kEmpty},
    FieldSql{"data", ls::kFieldValue, ls::kFieldValue, ls::kEmpty},
    FieldSql{"q", ls::kEmpty, ls::kEmpty, ls::kEmpty},
};

const FieldSql& SqlOf(const FieldSpec& f) {
  for (const FieldSql& s : kFieldSql)
    if (s.name == f.name) return s;
  return kFieldSql.back();  // unreachable: every field has its row
}

// The expression of a sort key, plain and unindexed.
struct SortSql {
  std::string_view name;
  Fragment expression;
  Fragment unindexed;
};

constexpr std::array kSortSql = {
    SortSql{"created_at", ls::kCreatedAt, ls::kCreatedAtUnindexed},
    SortSql{"updated_at", ls::kUpdatedAt, ls::kUpdatedAtUnindexed},
    SortSql{"opened_at", ls::kOpenedAt, ls::kOpenedAtUnindexed},
    SortSql{"resolved_at", ls::kResolvedAt, ls::kResolvedAtUnindexed},
    SortSql{"title", ls::kTitle, ls::kTitleUnindexed},
    SortSql{"reference", ls::kReference, ls::kReferenceUnindexed},
    SortSql{"status", ls::kStatus, ls::kStatusUnindexed},
    SortSql{"parent_status", ls::kParentStatusRank, ls::kParentStatusRank},
    SortSql{"priority", ls::kPriorityRank, ls::kPriorityRank},
    SortSql{"data", ls::kSortFieldValue, ls::kSortFieldValue},
};

const SortSql& SqlOf(const SortSpec& s) {
  for (const SortSql& k : kSortSql)
    if (k.name == s.name) return k;
  return kSortSql.back();  // unreachable: every sort has its row
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
      return Sql(attribute).Add(ls::kIn).Add(Sql::ValueList(values)).Add(ls::kClose);
    case Op::kContains:
      return Sql(ls::kInstr).Add(attribute).Add(ls::kComma).Bind(values.front()).Add(
          ls::kInstrEnd);
    default:
      return Sql(attribute).Add(Comparison(op)).Bind(values.front());
  }
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

// The types of each Group (filter.h), in its order.
constexpr std::array<Fragment, kGroups> kGroupTypes = {ls::kNumberTypes, ls::kBooleanType,
                                                       ls::kTextTypes, ls::kDateTimeType};

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
    return Sql::Joined({DataLinked(leaf.field, plain, substring), DataLinked(leaf.field, plain, option)},
                  ls::kOr, ls::kFalse);
  }
  const Groups groups = DataGroups(leaf.data);
  std::vector<Sql> parts;
  for (int g = 0; g < kGroups; ++g) {
    if (groups[g].empty()) continue;
    Sql cond = Sql(kGroupTypes[g]).Add(ls::kAnd).Add(Condition(ls::kFieldValue, op, groups[g]));
    parts.push_back(DataLinked(leaf.field, plain, cond));
  }
  return Sql::Joined(parts, ls::kOr, ls::kFalse);
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
  const FieldSql& sql = SqlOf(f);
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
    return Sql::Negated(LeafSql(present, plain));
  }
  if (op == Op::kNe || op == Op::kNin) {
    Leaf positive = leaf;
    positive.op = Positive(op);
    return Sql::Negated(LeafSql(positive, plain));
  }
  if (op == Op::kIn && leaf.values.empty() && leaf.data.empty()) return Sql(ls::kFalse);

  switch (f.shape) {
    case Shape::kColumn:
    case Shape::kRank: {
      Fragment column = plain ? sql.column : sql.unindexed;
      if (op == Op::kExists) {
        if (!f.nullable) return Sql(ls::kTrue);
        return Sql(column).Add(ls::kIsNotNull);
      }
      Fragment expression = f.shape == Shape::kRank && IsOrdering(op) ? sql.rank : column;
      return Guarded(f, column, Condition(expression, op, leaf.values));
    }
    case Shape::kArchived: {
      const bool archived = std::get<std::int64_t>(leaf.values.front()) != 0;
      return Sql(sql.column).Add(Pick(archived, ls::kIsNotNull, ls::kIsNull));
    }
    case Shape::kOwner:
      if (op == Op::kExists) return Sql(ls::kHasOwner);
      return Linked(f, plain, Condition(sql.column, op, leaf.values));
    case Shape::kWorkspace:
      if (op == Op::kExists) return Sql(ls::kTrue);
      return Linked(f, plain, Condition(sql.column, op, leaf.values));
    case Shape::kContact:
    case Shape::kAssignee:
    case Shape::kTag:
      if (op == Op::kExists) return Linked(f, plain, Sql(sql.column).Add(ls::kIsNotNull));
      return Linked(f, plain, Condition(sql.column, op, leaf.values));
    case Shape::kData:
      return DataCondition(leaf, op, plain);
    case Shape::kSearch:
      return Sql(Pick(plain, ls::kSearchOpen, ls::kSearchOpenUnindexed))
          .Bind(leaf.values.front())
          .Add(ls::kClose);
  }
  return Sql(ls::kFalse);
}

// ---- Tree and conjuncts ----

// A condition under an or / not of the advanced filter: unindexed.
Sql NodeSql(const Node& node) {
  if (node.type == Node::Type::kLeaf) return LeafSql(*node.leaf, false);
  if (node.type == Node::Type::kNot) return Sql::Negated(NodeSql(node.children.front()));
  std::vector<Sql> parts;
  for (const Node& child : node.children) parts.push_back(NodeSql(child));
  if (node.type == Node::Type::kOr) return Sql::Joined(parts, ls::kOr, ls::kFalse);
  return Sql::Joined(parts, ls::kAnd, ls::kTrue);
}

// A top-level conjunct; `plain` when it drives.
Sql ConjunctSql(const Conjunct& c, bool plain) {
  if (c.leaf) return LeafSql(*c.leaf, plain);
  if (c.node) return NodeSql(*c.node);
  return Sql(Pick(*c.archived_scope, ls::kArchivedOnly, ls::kLive));
}

// ---- Cursor ----

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

// ---- Statements ----

// The total from case_counts, for a query whose only filters are the
// archived scope and status or parent_status equalities: nothing else is
// in the counts.
std::optional<SqlText> CountedTotal(const ListFilter& filter) {
  if (filter.advanced || filter.search) return std::nullopt;
  Sql sql = Sql(ls::kSelectCounted).Bind(WorkspaceParam{});
  sql.Add(ls::kCountedArchived).Bind(std::int64_t{filter.archived ? 1 : 0});
  for (const Conjunct& c : filter.conjuncts) {
    if (!c.leaf) {
      if (!c.archived_scope) return std::nullopt;  // not in the counts
      continue;
    }
    const Leaf& leaf = *c.leaf;
    const std::string_view name = leaf.field.spec->name;
    if ((name != "status" && name != "parent_status") || leaf.op != Op::kEq || leaf.null ||
        leaf.values.size() != 1)
      return std::nullopt;
    sql.Add(Pick(name == "status", ls::kCountedStatus, ls::kCountedParentStatus)).Bind(leaf.values[0]);
  }
  return std::move(sql).Done();
}

// The scope and every conjunct: the driver's first (SQLite takes the first
// of equals), written plainly.
Sql Where(const ListFilter& filter) {
  const Driver& driver = filter.driver;
  const Leaf* driver_leaf =
      driver.conjunct ? &*filter.conjuncts[*driver.conjunct].leaf : nullptr;
  Sql where(Pick(driver_leaf != nullptr && driver_leaf->field.spec->by_subquery,
                 ls::kScopeUnindexed, ls::kScope));
  where.Bind(WorkspaceParam{});
  const bool merged = !driver.merged.empty();
  if (merged) where.Add(ls::kAnd).Add(MergedDataRange(driver_leaf->field, driver.merged));
  for (int pass = 0; pass < 2; ++pass)
    for (std::size_t i = 0; i < filter.conjuncts.size(); ++i) {
      const bool drives = driver.drives[i];
      if (drives != (pass == 0)) continue;
      if (drives && merged) continue;  // written above
      where.Add(ls::kAnd).Add(ConjunctSql(filter.conjuncts[i], drives));
    }
  return where;
}

// The total, and after a cursor without its position the rows before it.
SqlText CountSql(const ListFilter& filter, Fragment key, const Sql& join, const Sql& where) {
  if (filter.cursor && !filter.cursor->position)
    return Sql(ls::kSelectCountAndBefore)
        .Add(AfterCursor(key, filter.sort, *filter.cursor))
        .Add(ls::kCountBeforeEnd)
        .Add(join)
        .Add(ls::kWhere)
        .Add(where)
        .Done();
  if (auto counted = CountedTotal(filter)) return std::move(*counted);
  return Sql(ls::kSelectCount).Add(ls::kWhere).Add(where).Done();
}

SqlText PageSql(const ListFilter& filter, Fragment key, const Sql& join, const Sql& where) {
  const Sort& sort = filter.sort;
  Sql page = Sql(ls::kSelectPage).Add(key).Add(ls::kFromCases).Add(join).Add(ls::kWhere).Add(where);
  if (filter.cursor) page.Add(ls::kAnd).Add(AfterCursor(key, sort, *filter.cursor));
  page.Add(ls::kOrderBy)
      .Add(key)
      .Add(Pick(sort.descending, ls::kDesc, ls::kAsc))
      .Add(Pick(sort.descending, ls::kIdDesc, ls::kIdAsc))
      .Add(ls::kLimit)
      .Bind(filter.page_size + 1)
      .Add(ls::kOffset)
      .Bind(filter.cursor ? std::int64_t{0} : filter.offset);
  return std::move(page).Done();
}

}  // namespace

CompiledList SqliteList(const ListFilter& filter) {
  CompiledList plan;
  plan.page_number = filter.page_number;
  plan.page_size = filter.page_size;
  plan.offset = filter.offset;
  plan.workspace = filter.workspace;
  plan.sort = filter.sort.normalized;
  plan.search = filter.search;
  plan.after_cursor = filter.cursor.has_value();
  if (filter.cursor) plan.cursor_position = filter.cursor->position;

  const SortSql& sort = SqlOf(*filter.sort.spec);
  const Fragment key = filter.driver.in_index_order ? sort.expression : sort.unindexed;
  Sql join;
  if (IsDataSort(filter.sort)) join.Add(ls::kJoinSortField).Bind(filter.sort.data_key);
  const Sql where = Where(filter);
  plan.count = CountSql(filter, key, join, where);
  plan.page = PageSql(filter, key, join, where);
  return plan;
}

}  // namespace casework::listing

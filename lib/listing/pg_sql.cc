// SQL generation for PostgreSQL: a described list query (filter.h) as its
// count and page statements, assembled from the constant fragments of
// listing/pg_fragments.h with every value bound as a typed $n:
//  - every conjunct is written plainly (the planner chooses indexes by its
//    statistics); the bounds of a data range on one key share one
//    subquery, which the field index reads from bound to bound;
//  - the page is ordered by the sort key (text bytewise, NULL first
//    ascending) then the uuid, both ways alike; a cursor adds "(key, uuid)
//    after (cursor key, cursor id)";
//  - a data.<key> sort orders by the value's class (none, number, text),
//    then the number or the text: the order of SQLite's one typed column.
#include "listing/pg_sql.h"

#include <array>
#include <string_view>
#include <utility>

#include "listing/pg_fragments.h"
#include "listing/sql_builder.h"

namespace casework::listing {
namespace {

namespace pf = pg_fragments;

// The cast that gives a parameter its value's type.
Fragment CastOf(const SqlValue& value) {
  if (std::holds_alternative<std::int64_t>(value) || std::holds_alternative<WorkspaceParam>(value))
    return pf::kCastBigint;
  if (std::holds_alternative<double>(value)) return pf::kCastFloat;
  if (std::holds_alternative<std::string>(value)) return pf::kCastText;
  if (std::holds_alternative<Uuid>(value)) return pf::kCastUuid;
  return pf::kEmpty;  // NULL: typed by where it stands
}

struct PostgresDialect {
  static constexpr Placeholders kPlaceholders = Placeholders::kNumbered;
  static Fragment CastOf(const SqlValue& value) { return listing::CastOf(value); }
};
using Sql = BasicSql<PostgresDialect>;


// A number as double precision, the type of typed_number: integers too,
// so that they compare with the column's own operators (and its index).
SqlValue AsFloat(const SqlValue& number) {
  if (auto integer = std::get_if<std::int64_t>(&number)) return static_cast<double>(*integer);
  return number;
}

std::vector<SqlValue> AsFloats(const std::vector<SqlValue>& numbers) {
  std::vector<SqlValue> out;
  out.reserve(numbers.size());
  for (const SqlValue& n : numbers) out.push_back(AsFloat(n));
  return out;
}

// ---- Fields and sort keys as SQL ----

// The attribute of a field (FieldSpec::name), as compared for equality,
// membership and substrings, and as ordered (lt lte gt gte: text bytewise,
// an enumeration by rank). Linked fields name the linked row's attribute.
struct FieldSql {
  std::string_view name;
  Fragment column;
  Fragment ordered;
};

constexpr std::array kFieldSql = {
    FieldSql{"id", pf::kUuid, pf::kEmpty},
    FieldSql{"title", pf::kTitle, pf::kTitleOrdered},
    FieldSql{"description", pf::kDescription, pf::kDescriptionOrdered},
    FieldSql{"locale", pf::kLocale, pf::kLocaleOrdered},
    FieldSql{"reference", pf::kReference, pf::kReferenceOrdered},
    FieldSql{"status", pf::kStatus, pf::kStatusOrdered},
    FieldSql{"parent_status", pf::kParentStatus, pf::kParentStatusRank},
    FieldSql{"waiting_for", pf::kWaitingFor, pf::kEmpty},
    FieldSql{"priority", pf::kPriority, pf::kPriorityRank},
    FieldSql{"template", pf::kTemplate, pf::kEmpty},
    FieldSql{"version", pf::kVersion, pf::kVersion},
    FieldSql{"created_at", pf::kCreatedAt, pf::kCreatedAt},
    FieldSql{"updated_at", pf::kUpdatedAt, pf::kUpdatedAt},
    FieldSql{"opened_at", pf::kOpenedAt, pf::kOpenedAt},
    FieldSql{"resolved_at", pf::kResolvedAt, pf::kResolvedAt},
    FieldSql{"archived_at", pf::kArchivedAt, pf::kArchivedAt},
    FieldSql{"archived", pf::kArchivedAt, pf::kEmpty},
    FieldSql{"owner.id", pf::kUserUuid, pf::kEmpty},
    FieldSql{"owner.email", pf::kUserEmail, pf::kUserEmailOrdered},
    FieldSql{"contact.email", pf::kContactEmail, pf::kContactEmailOrdered},
    FieldSql{"contact.name", pf::kContactName, pf::kContactNameOrdered},
    FieldSql{"contact.given_name", pf::kContactGivenName, pf::kContactGivenNameOrdered},
    FieldSql{"contact.family_name", pf::kContactFamilyName, pf::kContactFamilyNameOrdered},
    FieldSql{"contact.phone", pf::kContactPhone, pf::kContactPhoneOrdered},
    FieldSql{"assignee.email", pf::kUserEmail, pf::kUserEmailOrdered},
    FieldSql{"tag", pf::kTag, pf::kTagOrdered},
    FieldSql{"workspace.id", pf::kWorkspaceUuid, pf::kEmpty},
    FieldSql{"workspace.slug", pf::kWorkspaceSlug, pf::kEmpty},
    FieldSql{"q", pf::kEmpty, pf::kEmpty},  // and data: their own SQL below
};

const FieldSql& SqlOf(const FieldSpec& f) {
  for (const FieldSql& s : kFieldSql)
    if (s.name == f.name) return s;
  return kFieldSql.back();  // unreachable: every column field has its row
}

// The subquery that reaches a linked field's row.
Fragment LinkedOpen(Shape shape) {
  switch (shape) {
    case Shape::kContact:
      return pf::kContactsOpen;
    case Shape::kAssignee:
      return pf::kAssigneesOpen;
    case Shape::kOwner:
      return pf::kOwnerOpen;
    case Shape::kTag:
      return pf::kTagsOpen;
    default:
      return pf::kWorkspaceOpen;
  }
}

// The expression of a sort key other than data.<key>, and whether it is
// text (its type tag).
struct SortSql {
  std::string_view name;
  Fragment key;
  bool text;
};

constexpr std::array kSortSql = {
    SortSql{"created_at", pf::kCreatedAt, false},
    SortSql{"updated_at", pf::kUpdatedAt, false},
    SortSql{"opened_at", pf::kOpenedAt, false},
    SortSql{"resolved_at", pf::kResolvedAt, false},
    SortSql{"title", pf::kTitleOrdered, true},
    SortSql{"reference", pf::kReferenceOrdered, true},
    SortSql{"status", pf::kStatusOrdered, true},
    SortSql{"parent_status", pf::kParentStatusRank, false},
    SortSql{"priority", pf::kPriorityRank, false},
};

const SortSql& SqlOf(const SortSpec& s) {
  for (const SortSql& k : kSortSql)
    if (k.name == s.name) return k;
  return kSortSql.front();  // unreachable: every sort but data has its row
}


// ---- SQL of a leaf ----

// `cond` made two-valued: a NULL column fails it rather than making it NULL.
Sql Guarded(const FieldSpec& f, Fragment column, const Sql& cond) {
  if (!f.nullable) return cond;
  return Sql(pf::kOpen).Add(column).Add(pf::kIsNotNull).Add(pf::kAnd).Add(cond).Add(pf::kClose);
}

// The condition on one attribute for a positive operator: eq, in,
// ordering, contains. `ordered` is the attribute as ordering compares it.
Sql Condition(Fragment column, Fragment ordered, Op op, const std::vector<SqlValue>& values) {
  switch (op) {
    case Op::kIn:
    case Op::kNin:
      return Sql(column).Add(pf::kIn).Add(Sql::ValueList(values)).Add(pf::kClose);
    case Op::kContains:
      return Sql(pf::kStrpos).Add(column).Add(pf::kComma).Bind(values.front()).Add(pf::kStrposEnd);
    default:
      return Sql(IsOrdering(op) ? ordered : column).Add(Comparison(op)).Bind(values.front());
  }
}

Sql Linked(const FieldSpec& f, const Sql& cond) {
  return Sql(LinkedOpen(f.shape)).Add(pf::kAnd).Add(cond).Add(pf::kClose);
}

// How each Group (filter.h) of data values compares: the field types it
// compares with, and the typed column that holds them.
struct GroupSql {
  Fragment types;
  Fragment column;
  Fragment ordered;
  bool number;  // typed_number: bound as double precision
};

constexpr std::array<GroupSql, kGroups> kGroupSql = {
    GroupSql{pf::kNumberTypes, pf::kFieldNumber, pf::kFieldNumber, true},
    GroupSql{pf::kBooleanType, pf::kFieldNumber, pf::kFieldNumber, true},
    GroupSql{pf::kTextTypes, pf::kFieldText, pf::kFieldTextOrdered, false},
    GroupSql{pf::kDateTimeType, pf::kFieldNumber, pf::kFieldNumber, true},
};

// The condition on a field's typed value for values of `group`.
Sql GroupCondition(int group, Op op, const std::vector<SqlValue>& values) {
  const GroupSql& g = kGroupSql[group];
  return Sql(g.types).Add(pf::kAnd).Add(
      Condition(g.column, g.ordered, op, g.number ? AsFloats(values) : values));
}

Sql DataLinked(const FieldRef& field, const Sql& cond) {
  return Sql(pf::kFieldsOpen).Bind(field.data_key).Add(pf::kAnd).Add(cond).Add(pf::kClose);
}

// contains on a data field: a substring of a text-like value, or an option
// of a multi_choice one.
Sql DataContains(const Leaf& leaf) {
  const std::string text(leaf.data.front().get_string());
  Sql substring = Sql(pf::kSubstringTypes)
                      .Add(pf::kAnd)
                      .Add(Condition(pf::kFieldText, pf::kFieldText, Op::kContains, {text}));
  Sql option = Sql(pf::kHasOption).Bind(text).Add(pf::kHasOptionEnd);
  return Sql::Joined({DataLinked(leaf.field, substring), DataLinked(leaf.field, option)}, pf::kOr,
                pf::kFalse);
}

// The positive form of a data leaf (eq, in, ordering, contains, exists).
Sql DataCondition(const Leaf& leaf, Op op) {
  if (op == Op::kExists) return DataLinked(leaf.field, Sql(pf::kFieldHasValue));
  if (op == Op::kContains) return DataContains(leaf);
  const Groups groups = DataGroups(leaf.data);
  std::vector<Sql> parts;
  for (int g = 0; g < kGroups; ++g)
    if (!groups[g].empty())
      parts.push_back(DataLinked(leaf.field, GroupCondition(g, op, groups[g])));
  return Sql::Joined(parts, pf::kOr, pf::kFalse);
}

// `bounds` (REQUIRES: of one group) on `field` as one subquery. A key has
// one row per case, so this is the conjunction of the leaves; written
// apart, each bound would be a semi-join over every case on its side.
Sql MergedDataRange(const FieldRef& field, const std::vector<RangeBound>& bounds) {
  const GroupSql& g = kGroupSql[bounds.front().group];
  Sql cond(g.types);
  for (const RangeBound& bound : bounds) {
    const SqlValue value = g.number ? AsFloat(bound.value) : bound.value;
    cond.Add(pf::kAnd).Add(Condition(g.column, g.ordered, bound.op, {value}));
  }
  return DataLinked(field, cond);
}

// The words of q back from its FTS5 expression (listing.h
// SearchExpression: each word in double quotes, a quote doubled, then a
// '*'), separated by spaces.
std::string SearchWords(std::string_view expression) {
  std::string words;
  bool quoted = false;
  for (std::size_t i = 0; i < expression.size(); ++i) {
    const char ch = expression[i];
    if (!quoted) {  // between words: '*' and ' '
      if (ch == '"') {
        quoted = true;
        if (!words.empty()) words += ' ';
      }
      continue;
    }
    if (ch != '"') {
      words += ch;
    } else if (i + 1 < expression.size() && expression[i + 1] == '"') {
      words += '"';
      ++i;
    } else {
      quoted = false;
    }
  }
  return words;
}

Sql LeafSql(const Leaf& leaf);

// A leaf rewritten as another and written.
Sql Rewritten(const Leaf& leaf, Op op, bool exists) {
  Leaf other = leaf;
  other.op = op;
  other.exists = exists;
  other.null = false;
  return LeafSql(other);
}

// The SQL of a leaf.
Sql LeafSql(const Leaf& leaf) {
  const FieldSpec& f = *leaf.field.spec;
  const Op op = leaf.op;
  // eq null: the value is absent; ne null: present.
  if ((op == Op::kEq || op == Op::kNe) && leaf.null)
    return Rewritten(leaf, Op::kExists, op == Op::kNe);
  if (op == Op::kExists && !leaf.exists) return Sql::Negated(Rewritten(leaf, Op::kExists, true));
  if (op == Op::kNe || op == Op::kNin) return Sql::Negated(Rewritten(leaf, Positive(op), true));
  if (op == Op::kIn && leaf.values.empty() && leaf.data.empty()) return Sql(pf::kFalse);

  const FieldSql& sql = SqlOf(f);
  switch (f.shape) {
    case Shape::kColumn:
    case Shape::kRank:
      if (op == Op::kExists)
        return f.nullable ? Sql(sql.column).Add(pf::kIsNotNull) : Sql(pf::kTrue);
      return Guarded(f, sql.column, Condition(sql.column, sql.ordered, op, leaf.values));
    case Shape::kArchived: {
      const bool archived = std::get<std::int64_t>(leaf.values.front()) != 0;
      return Sql(sql.column).Add(Pick(archived, pf::kIsNotNull, pf::kIsNull));
    }
    case Shape::kOwner:
      if (op == Op::kExists) return Sql(pf::kHasOwner);
      return Linked(f, Condition(sql.column, sql.ordered, op, leaf.values));
    case Shape::kWorkspace:
      if (op == Op::kExists) return Sql(pf::kTrue);
      return Linked(f, Condition(sql.column, sql.ordered, op, leaf.values));
    case Shape::kContact:
    case Shape::kAssignee:
    case Shape::kTag:
      if (op == Op::kExists) return Linked(f, Sql(sql.column).Add(pf::kIsNotNull));
      return Linked(f, Condition(sql.column, sql.ordered, op, leaf.values));
    case Shape::kData:
      return DataCondition(leaf, op);
    case Shape::kSearch:
      return Sql(pf::kSearchOpen)
          .Bind(SearchWords(std::get<std::string>(leaf.values.front())))
          .Add(pf::kSearchEnd);
  }
  return Sql(pf::kFalse);
}

// ---- Tree and conjuncts ----

// A condition under an or / not of the advanced filter.
Sql NodeSql(const Node& node) {
  if (node.type == Node::Type::kLeaf) return LeafSql(*node.leaf);
  if (node.type == Node::Type::kNot) return Sql::Negated(NodeSql(node.children.front()));
  std::vector<Sql> parts;
  for (const Node& child : node.children) parts.push_back(NodeSql(child));
  if (node.type == Node::Type::kOr) return Sql::Joined(parts, pf::kOr, pf::kFalse);
  return Sql::Joined(parts, pf::kAnd, pf::kTrue);
}

Sql ConjunctSql(const Conjunct& c) {
  if (c.leaf) return LeafSql(*c.leaf);
  if (c.node) return NodeSql(*c.node);
  return Sql(Pick(*c.archived_scope, pf::kArchivedOnly, pf::kLive));
}

// ---- Sort key, order and cursor ----

// The page's columns 2 and 3: the key and its type tag.
Sql KeyColumns(const Sort& sort) {
  if (IsDataSort(sort)) return Sql(pf::kSortFieldKey).Add(pf::kSortFieldTag);
  const SortSql& key = SqlOf(*sort.spec);
  return Sql(key.key)
      .Add(pf::kTagOpen)
      .Add(key.key)
      .Add(Pick(key.text, pf::kTagText, pf::kTagInteger));
}

Sql OrderBy(const Sort& sort) {
  const Fragment direction = Pick(sort.descending, pf::kDesc, pf::kAsc);
  Sql order(pf::kOrderBy);
  if (IsDataSort(sort)) {
    order.Add(pf::kSortFieldClass).Add(direction).Add(pf::kComma);
    order.Add(pf::kSortFieldNumber).Add(direction).Add(pf::kComma);
    order.Add(pf::kSortFieldText).Add(direction);
  } else {
    // Only where NULL can occur: a NOT NULL key keeps the default, which
    // is also the order of the cases_list_* indexes, read either way.
    order.Add(SqlOf(*sort.spec).key);
    if (sort.spec->nullable)
      order.Add(Pick(sort.descending, pf::kDescNullsLast, pf::kAscNullsFirst));
    else
      order.Add(direction);
  }
  return order.Add(Pick(sort.descending, pf::kIdDesc, pf::kIdAsc));
}

// "(key, c.uuid) > ($k, $id)", or < descending.
Sql KeyIdAfter(Fragment key, const SqlValue& value, const Uuid& id, bool descending) {
  return Sql(pf::kOpen)
      .Add(key)
      .Add(Pick(descending, pf::kKeyIdBefore, pf::kKeyIdAfter))
      .Bind(value)
      .Add(pf::kComma)
      .Bind(id)
      .Add(pf::kClose);
}

// The rows after `cursor` under a sort other than data.<key>: NULL keys
// come first ascending, last descending.
Sql AfterKey(const Sort& sort, const Cursor& cursor) {
  const Fragment key = SqlOf(*sort.spec).key;
  const bool null_key = std::holds_alternative<std::nullptr_t>(cursor.key);
  if (sort.descending) {
    if (null_key)
      return Sql(pf::kOpen)
          .Add(key)
          .Add(pf::kIsNull)
          .Add(pf::kIdBefore)
          .Bind(cursor.id)
          .Add(pf::kClose);
    Sql out = Sql(pf::kOpen).Add(KeyIdAfter(key, cursor.key, cursor.id, true));
    if (sort.spec->nullable) out.Add(pf::kOr).Add(key).Add(pf::kIsNull);
    return out.Add(pf::kClose);
  }
  if (null_key)
    return Sql(pf::kOpen)
        .Add(pf::kOpen)
        .Add(key)
        .Add(pf::kIsNull)
        .Add(pf::kIdAfter)
        .Bind(cursor.id)
        .Add(pf::kClose)
        .Add(pf::kOr)
        .Add(key)
        .Add(pf::kIsNotNull)
        .Add(pf::kClose);
  return KeyIdAfter(key, cursor.key, cursor.id, false);
}

// The rows after `cursor` under a data.<key> sort: a later class, or the
// same class and a later (value, uuid).
Sql AfterDataKey(const Sort& sort, const Cursor& cursor) {
  const bool descending = sort.descending;
  Fragment cls = pf::kClassNone;
  Sql within = Sql(Pick(descending, pf::kUuidBefore, pf::kUuidAfter)).Bind(cursor.id);
  if (std::holds_alternative<std::string>(cursor.key)) {
    cls = pf::kClassText;
    within = KeyIdAfter(pf::kSortFieldText, cursor.key, cursor.id, descending);
  } else if (!std::holds_alternative<std::nullptr_t>(cursor.key)) {
    cls = pf::kClassNumber;
    within = KeyIdAfter(pf::kSortFieldNumber, AsFloat(cursor.key), cursor.id, descending);
  }
  return Sql(pf::kOpen)
      .Add(pf::kSortFieldClass)
      .Add(Pick(descending, pf::kLt, pf::kGt))
      .Add(cls)
      .Add(pf::kOr)
      .Add(pf::kOpen)
      .Add(pf::kSortFieldClass)
      .Add(pf::kEq)
      .Add(cls)
      .Add(pf::kAnd)
      .Add(within)
      .Add(pf::kClose)
      .Add(pf::kClose);
}

Sql AfterCursor(const Sort& sort, const Cursor& cursor) {
  return IsDataSort(sort) ? AfterDataKey(sort, cursor) : AfterKey(sort, cursor);
}

// ---- Statements ----

// The total from case_counts, for a query whose only filters are the
// archived scope and status or parent_status equalities: nothing else is
// in the counts.
std::optional<SqlText> CountedTotal(const ListFilter& filter) {
  if (filter.advanced || filter.search) return std::nullopt;
  Sql sql = Sql(pf::kSelectCounted).Bind(WorkspaceParam{});
  sql.Add(Pick(filter.archived, pf::kCountedArchived, pf::kCountedLive));
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
    sql.Add(Pick(name == "status", pf::kCountedStatus, pf::kCountedParentStatus))
        .Bind(leaf.values[0]);
  }
  return sql.Done();
}

// The scope and every conjunct; a merged data range in place of the
// conjuncts it merges.
Sql Where(const ListFilter& filter) {
  const Driver& driver = filter.driver;
  Sql where = Sql(pf::kScope).Bind(WorkspaceParam{});
  const bool merged = !driver.merged.empty();
  if (merged)
    where.Add(pf::kAnd).Add(
        MergedDataRange(filter.conjuncts[*driver.conjunct].leaf->field, driver.merged));
  for (std::size_t i = 0; i < filter.conjuncts.size(); ++i) {
    if (merged && driver.drives[i]) continue;
    where.Add(pf::kAnd).Add(ConjunctSql(filter.conjuncts[i]));
  }
  return where;
}

// The total, and after a cursor without its position the rows not after it.
SqlText CountSql(const ListFilter& filter, const Sql& join, const Sql& where) {
  if (filter.cursor && !filter.cursor->position)
    return Sql(pf::kSelectCountAndBefore)
        .Add(AfterCursor(filter.sort, *filter.cursor))
        .Add(pf::kCountBeforeEnd)
        .Add(join)
        .Add(pf::kWhere)
        .Add(where)
        .Done();
  if (auto counted = CountedTotal(filter)) return std::move(*counted);
  return Sql(pf::kSelectCount).Add(pf::kWhere).Add(where).Done();
}

SqlText PageSql(const ListFilter& filter, const Sql& join, const Sql& where) {
  Sql page = Sql(pf::kSelectPage)
                 .Add(KeyColumns(filter.sort))
                 .Add(pf::kFromCases)
                 .Add(join)
                 .Add(pf::kWhere)
                 .Add(where);
  if (filter.cursor) page.Add(pf::kAnd).Add(AfterCursor(filter.sort, *filter.cursor));
  // LIMIT is written out and OFFSET left out when it is 0 (always after a
  // cursor): the statement's kept plan is then the one planned for a page.
  page.Add(OrderBy(filter.sort)).Add(pf::kLimit).AddCount(filter.page_size + 1);
  if (!filter.cursor && filter.offset > 0) page.Add(pf::kOffset).Bind(filter.offset);
  return page.Done();
}

}  // namespace

CompiledList PostgresList(const ListFilter& filter) {
  CompiledList plan;
  plan.page_number = filter.page_number;
  plan.page_size = filter.page_size;
  plan.offset = filter.offset;
  plan.workspace = filter.workspace;
  plan.sort = filter.sort.normalized;
  plan.search = filter.search;
  plan.after_cursor = filter.cursor.has_value();
  if (filter.cursor) plan.cursor_position = filter.cursor->position;

  Sql join;
  if (IsDataSort(filter.sort)) join.Add(pf::kJoinSortField).Bind(filter.sort.data_key);
  const Sql where = Where(filter);
  plan.count = CountSql(filter, join, where);
  plan.page = PageSql(filter, join, where);
  return plan;
}

}  // namespace casework::listing

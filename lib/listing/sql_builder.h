// SQL under construction, in either dialect: constant fragments and the
// values bound to it, shared by the SQLite and the PostgreSQL list
// compilers (sqlite_sql.cc, pg_sql.cc).
#ifndef CASEWORK_LIB_LISTING_SQL_BUILDER_H_
#define CASEWORK_LIB_LISTING_SQL_BUILDER_H_

#include <string>
#include <utility>
#include <vector>

#include "listing.h"
#include "listing/filter.h"
#include "storage/list_sql.h"

namespace casework::listing {

using storage::list_sql::Fragment;

// How a statement writes its parameters: SQLite's "?" in order, or
// PostgreSQL's "$1", "$2", ...
enum class Placeholders { kQuestionMarks, kNumbered };

// `Dialect` says how parameters are written: its kPlaceholders, and
// CastOf(value), the fragment that follows a parameter (PostgreSQL's
// "::bigint"; SQLite's is empty).
template <typename Dialect>
class BasicSql {
 public:
  BasicSql() = default;
  explicit BasicSql(Fragment f) { Add(f); }
  BasicSql& Add(Fragment f) {
    text_ += f.text();
    return *this;
  }
  BasicSql& Add(const BasicSql& other) {
    text_ += other.text_;
    params_.insert(params_.end(), other.params_.begin(), other.params_.end());
    return *this;
  }
  // A count the engine computed (a page's rows), written as its digits: a
  // plan a server keeps for the statement then knows it, where it would
  // plan a parameter's LIMIT for a tenth of the table.
  BasicSql& AddCount(std::int64_t count) {
    text_ += std::to_string(count);
    return *this;
  }
  BasicSql& Bind(SqlValue value) {
    text_ += kParameter;
    text_ += Dialect::CastOf(value).text();
    params_.push_back(std::move(value));
    return *this;
  }
  static BasicSql Negated(const BasicSql& inner) { return BasicSql("NOT (").Add(inner).Add(")"); }

  // "(a OR b ...)" / "(a AND b ...)"; an empty list is `empty`.
  static BasicSql Joined(const std::vector<BasicSql>& parts, Fragment separator, Fragment empty) {
    if (parts.empty()) return BasicSql(empty);
    if (parts.size() == 1) return parts.front();
    BasicSql out("(");
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) out.Add(separator);
      out.Add(parts[i]);
    }
    return out.Add(")");
  }

  // "?, ?, ?" / "$1::text, $2::text"
  static BasicSql ValueList(const std::vector<SqlValue>& values) {
    BasicSql out;
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out.Add(", ");
      out.Bind(values[i]);
    }
    return out;
  }

  // The statement, its parameters written in order. Numbering waits for
  // the whole statement, since its parts (shared by the count and the
  // page) are made apart.
  SqlText Done() {
    std::string sql;
    sql.reserve(text_.size() + 3 * params_.size());
    int number = 0;
    for (char ch : text_) {
      if (ch != kParameter) {
        sql += ch;
      } else if constexpr (Dialect::kPlaceholders == Placeholders::kQuestionMarks) {
        sql += '?';
      } else {
        sql += '$';
        sql += std::to_string(++number);
      }
    }
    return {std::move(sql), std::move(params_)};
  }

 private:
  // Marks a parameter; no fragment holds it.
  static constexpr char kParameter = '\x01';
  std::string text_;
  std::vector<SqlValue> params_;
};

// The operator of a comparison, the same in both dialects: eq for all but
// the orderings.
inline Fragment Comparison(Op op) {
  switch (op) {
    case Op::kLt:
      return " < ";
    case Op::kLte:
      return " <= ";
    case Op::kGt:
      return " > ";
    case Op::kGte:
      return " >= ";
    default:
      return " = ";
  }
}

// One of two fragments (a conditional expression would decay the arrays).
inline Fragment Pick(bool first, Fragment a, Fragment b) { return first ? a : b; }

}  // namespace casework::listing

#endif  // CASEWORK_LIB_LISTING_SQL_BUILDER_H_

#include "contacts.h"

#include <boost/json/object.hpp>

#include "formats.h"
#include "storage/sql.h"

namespace casework {
namespace {

namespace sql = storage::sql;

bool IsBlankValue(const std::optional<std::string>& value) { return !value || IsBlank(*value); }

// The fill-blanks rule for one attribute. Returns true when `stored` took
// the offered value.
bool FillBlank(std::optional<std::string>& stored, const std::optional<std::string>& offered,
               const std::string& path, IgnoredValues& ignored) {
  if (IsBlankValue(offered)) return false;
  if (IsBlankValue(stored)) {
    stored = offered;
    return true;
  }
  if (*stored != *offered)
    ignored.push_back(boost::json::object{{"path", path}, {"offered", *offered}, {"kept", *stored}});
  return false;
}

struct StoredContact {
  std::int64_t id = 0;
  std::optional<std::string> name, given_name, family_name, phone;
};

StoredContact ReadContact(storage::Stmt& row) {
  return {row.Int(0), row.OptionalText(3), row.OptionalText(4), row.OptionalText(5),
          row.OptionalText(6)};
}

ContactLink Link(const ContactInput& input, const Uuid& uuid, const StoredContact& c) {
  return {input.key, c.id,
          CaseContact{UuidToString(uuid), input.key, input.email, c.name, c.given_name,
                      c.family_name, c.phone}};
}

void WriteContact(WriteContext& ctx, const StoredContact& c) {
  ctx.db.Use(sql::kUpdateContact)
      .Bind(1, c.id)
      .Bind(2, c.name)
      .Bind(3, c.given_name)
      .Bind(4, c.family_name)
      .Bind(5, c.phone)
      .Run();
}

ContactLink InsertContact(WriteContext& ctx, const ContactInput& input) {
  Uuid uuid = ctx.ids.Next(ctx.now);
  ctx.db.Use(sql::kInsertContact)
      .Bind(1, uuid)
      .Bind(2, ctx.workspace)
      .Bind(3, input.email)
      .Bind(4, input.name)
      .Bind(5, input.given_name)
      .Bind(6, input.family_name)
      .Bind(7, input.phone)
      .Run();
  return Link(input, uuid,
              {ctx.db.LastInsertRowid(), input.name, input.given_name, input.family_name, input.phone});
}

ContactLink ResolveByEmail(WriteContext& ctx, const ContactInput& input, const std::string& path,
                           IgnoredValues& ignored) {
  std::optional<StoredContact> found;
  Uuid uuid{};
  {
    auto find = ctx.db.Use(sql::kFindContactByEmail);
    find.Bind(1, ctx.workspace).Bind(2, *input.email);
    if (find.Step()) {
      found = ReadContact(find);
      uuid = find.UuidAt(1);
    }
  }
  if (!found) return InsertContact(ctx, input);
  bool changed = FillBlank(found->name, input.name, path + ".name", ignored);
  changed |= FillBlank(found->given_name, input.given_name, path + ".given_name", ignored);
  changed |= FillBlank(found->family_name, input.family_name, path + ".family_name", ignored);
  changed |= FillBlank(found->phone, input.phone, path + ".phone", ignored);
  if (changed) WriteContact(ctx, *found);
  return Link(input, uuid, *found);
}

ContactLink ResolveWithoutEmail(WriteContext& ctx, std::optional<std::int64_t> case_row,
                                const ContactInput& input) {
  if (case_row) {
    std::optional<std::int64_t> own;
    Uuid uuid{};
    {
      auto find = ctx.db.Use(sql::kFindLinkedContactWithoutEmail);
      find.Bind(1, *case_row).Bind(2, input.key);
      if (find.Step()) {
        own = find.Int(0);
        uuid = find.UuidAt(1);
      }
    }
    if (own) {
      StoredContact updated{*own, input.name, input.given_name, input.family_name, input.phone};
      WriteContact(ctx, updated);
      return Link(input, uuid, updated);
    }
  }
  return InsertContact(ctx, input);
}

}  // namespace

ResolvedUser ResolveUser(WriteContext& ctx, const UserInput& user, const std::string& path,
                         IgnoredValues& ignored) {
  std::optional<std::int64_t> id;
  Uuid uuid{};
  std::optional<std::string> given, family;
  {
    auto find = ctx.db.Use(sql::kFindUser);
    find.Bind(1, ctx.workspace).Bind(2, user.email);
    if (find.Step()) {
      id = find.Int(0);
      uuid = find.UuidAt(1);
      given = find.OptionalText(3);
      family = find.OptionalText(4);
    }
  }
  if (!id) {
    uuid = ctx.ids.Next(ctx.now);
    ctx.db.Use(sql::kInsertUser)
        .Bind(1, uuid)
        .Bind(2, ctx.workspace)
        .Bind(3, user.email)
        .Bind(4, user.given_name)
        .Bind(5, user.family_name)
        .Run();
    return {ctx.db.LastInsertRowid(),
            User{UuidToString(uuid), user.email, user.given_name, user.family_name}};
  }
  bool changed = FillBlank(given, user.given_name, path + ".given_name", ignored);
  changed |= FillBlank(family, user.family_name, path + ".family_name", ignored);
  if (changed) ctx.db.Use(sql::kUpdateUserNames).Bind(1, *id).Bind(2, given).Bind(3, family).Run();
  return {*id, User{UuidToString(uuid), user.email, std::move(given), std::move(family)}};
}

std::vector<ContactLink> ResolveContacts(WriteContext& ctx, std::optional<std::int64_t> case_row,
                                         const std::vector<ContactInput>& contacts,
                                         IgnoredValues& ignored) {
  std::vector<ContactLink> links;
  links.reserve(contacts.size());
  for (std::size_t i = 0; i < contacts.size(); ++i) {
    const ContactInput& input = contacts[i];
    std::string path = "contacts[" + std::to_string(i) + "]";
    links.push_back(input.email ? ResolveByEmail(ctx, input, path, ignored)
                                : ResolveWithoutEmail(ctx, case_row, input));
  }
  return links;
}

}  // namespace casework

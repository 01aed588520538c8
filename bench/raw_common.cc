#include "raw_common.h"

#include <boost/json.hpp>

namespace casework::bench {

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

double PerSecond(std::size_t ops, std::chrono::steady_clock::time_point start) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return seconds > 0 ? static_cast<double>(ops) / seconds : 0;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

namespace {

std::string Member(const boost::json::object& o, const char* name) {
  return std::string(o.at(name).as_string());
}

}  // namespace

CaseSpec SpecFromPayload(const boost::json::object& o) {
  CaseSpec c;
  c.title = Member(o, "title");
  c.reference = Member(o, "reference");
  c.status = Member(o, "status");
  c.owner_email = Member(o.at("owner").as_object(), "email");
  for (const auto& item : o.at("contacts").as_array()) {
    const boost::json::object& k = item.as_object();
    c.contacts.push_back({Member(k, "key"), Member(k, "email"), Member(k, "given_name"),
                          Member(k, "family_name")});
  }
  for (const auto& item : o.at("schema").as_array()) {
    const boost::json::object& f = item.as_object();
    std::string_view key = f.at("key").as_string();
    const boost::json::value& v = f.at("value");
    if (key == "amount") c.amount = v.to_number<double>();
    else if (key == "rooms") c.rooms = v.to_number<std::int64_t>();
    else if (key == "urgent") c.urgent = v.as_bool();
    else {
      std::string text(v.as_string());
      if (key == "policy") c.policy = text;
      else if (key == "incident") c.incident_date = text;
      else if (key == "reported") c.reported_at = text;
      else if (key == "adjuster") c.adjuster = text;
      else if (key == "phone") c.phone = text;
      else if (key == "kind") c.kind = text;
      else if (key == "notes") c.notes = text;
    }
  }
  for (const auto& tag : o.at("tags").as_array()) c.tags.emplace_back(tag.as_string());
  return c;
}

}  // namespace casework::bench

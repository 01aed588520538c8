// Opens a database, creates a case, changes it and reads it back.
// Built and run by the test suite, so this example cannot rot.
#include <cstdio>
#include <string>

#include <casework/casework.h>

int main(int argc, char** argv) {
  std::string path = argc > 1 ? argv[1] : "quickstart.db";

  auto opened = casework::Engine::Open(casework::Options{}, path);
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<casework::Engine> engine = std::move(opened).value();

  casework::CaseDraft draft;
  draft.title = "Water damage claim";
  draft.reference = "CLM-2024-0042";

  casework::ContactInput client;
  client.key = "client";
  client.email = "marie.dupont@example.com";  // links the known contact, if any
  draft.contacts.push_back(client);

  casework::Field amount;
  amount.key = "claim_amount";
  amount.type = casework::FieldType::kNumber;
  amount.name = "Claim amount";
  amount.value = 2450.5;
  draft.schema.push_back(amount);

  casework::WriteOptions as_claire;
  as_claire.actor = "claire.martin@example.com";
  auto created = engine->Create(draft, as_claire);
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
    return 1;
  }

  // Change a value, insisting that nobody changed the case in between.
  as_claire.expected_version = created->version;
  auto updated = engine->UpdateData(created->id, {{"claim_amount", 2600}}, as_claire);
  if (!updated.ok()) {
    std::fprintf(stderr, "%s\n", updated.status().ToString().c_str());
    return 1;
  }

  auto fetched = engine->Get(created->id);
  if (!fetched.ok()) return 1;
  std::printf("%s\n", casework::ToJsonText(boost::json::value_from(*fetched)).c_str());
  return fetched->version == 2 ? 0 : 1;
}

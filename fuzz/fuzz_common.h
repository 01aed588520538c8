// What the fuzz targets share: a scratch database, and the oracles that
// turn a silent wrong answer into a crash the fuzzer reports.
#ifndef CASEWORK_FUZZ_FUZZ_COMMON_H_
#define CASEWORK_FUZZ_FUZZ_COMMON_H_

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "casework/casework.h"
#include "formats.h"

namespace casework::fuzz {

// A finding: says what on stderr and aborts, which libFuzzer (and the
// replay driver's test) report with the input.
[[noreturn]] inline void Finding(const std::string& what) {
  std::fprintf(stderr, "FINDING: %s\n", what.c_str());
  std::abort();
}

// Every text in what casework returns is UTF-8 (the JSON writer would hide
// a stray byte behind U+FFFD, so look before it does).
inline void CheckText(const boost::json::value& value, std::string_view what) {
  switch (value.kind()) {
    case boost::json::kind::string:
      if (!IsValidUtf8(value.get_string()))
        Finding(std::string(what) + " returned text that is not UTF-8");
      return;
    case boost::json::kind::array:
      for (const auto& item : value.get_array()) CheckText(item, what);
      return;
    case boost::json::kind::object:
      for (const auto& member : value.get_object()) {
        if (!IsValidUtf8(member.key()))
          Finding(std::string(what) + " returned a member name that is not UTF-8");
        CheckText(member.value(), what);
      }
      return;
    default:
      return;
  }
}

// Every JSON document casework produces must read back as JSON: valid
// UTF-8, finite numbers, nothing cut short. (An error message may quote the
// caller's bytes; the writer makes those JSON.)
inline void CheckWritesJson(const boost::json::value& value, std::string_view what) {
  std::string text = ToJsonText(value);
  JsonLimits unlimited;
  unlimited.max_bytes = std::size_t(1) << 31;
  unlimited.max_depth = 100'000;
  auto back = ParseJson(text, unlimited);
  if (!back.ok())
    Finding(std::string(what) + " wrote JSON that does not read back: " + back.status().ToString() +
            "\n" + text.substr(0, 2000));
}

// What an operation returned: UTF-8 text only, and JSON that reads back.
inline void CheckReturned(const boost::json::value& value, std::string_view what) {
  CheckText(value, what);
  CheckWritesJson(value, what);
}

// The typed errors an operation on bad input may give; storage_error and
// busy would mean that input reached SQLite, or broke something.
inline void CheckInputError(const Status& status, std::string_view what) {
  switch (status.code()) {
    case Code::kValidationFailed:
    case Code::kUnknownField:
    case Code::kNotFound:
    case Code::kConflict:
    case Code::kTransitionNotAllowed:
    case Code::kClosureConditionsUnmet:
    case Code::kFormulaError:
      return;
    default:
      Finding(std::string(what) + " failed with " + status.ToString());
  }
}

// An engine on a private file (in /dev/shm when there is one), deleted at
// exit. Reset() starts a fresh file, so the database does not grow without
// bound over millions of inputs.
class Scratch {
 public:
  Scratch() {
    std::string base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    std::string pattern = base + "/casework-fuzz-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) Finding("mkdtemp failed");
    dir_ = pattern;
    Reset();
  }
  ~Scratch() {
    engine_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  Engine& engine() { return *engine_; }

  void Reset() {
    engine_.reset();
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"})
      std::filesystem::remove(dir_ / ("fuzz.db" + std::string(suffix)), ignored);
    Options options;
    options.durability = Durability::kNormal;
    // A fixed clock: the same input does the same thing every time.
    options.clock = [] { return Timestamp(std::chrono::milliseconds(1704164645000)); };
    auto opened = Engine::Open(options, (dir_ / "fuzz.db").string());
    if (!opened.ok()) Finding("cannot open the scratch database: " + opened.status().ToString());
    engine_ = std::move(opened).value();
  }

  // Verify must find the file sound whatever the inputs did.
  void CheckSound() {
    auto report = engine_->Verify();
    if (!report.ok()) Finding("verify failed: " + report.status().ToString());
    if (!report->clean()) Finding("verify found: " + ToJsonText(boost::json::value_from(*report)));
  }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Engine> engine_;
};

// Creates a case from a JSON payload known to be valid.
inline Case MustCreate(Engine& engine, std::string_view payload) {
  auto json = ParseJson(payload);
  if (!json.ok()) Finding("seed payload: " + json.status().ToString());
  auto draft = DraftFromJson(*json, DraftKind::kCreate);
  if (!draft.ok()) Finding("seed payload: " + draft.status().ToString());
  auto created = engine.Create(*draft);
  if (!created.ok()) Finding("seed payload: " + created.status().ToString());
  return std::move(created).value();
}

}  // namespace casework::fuzz

#endif  // CASEWORK_FUZZ_FUZZ_COMMON_H_

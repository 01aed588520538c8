// Runs the built `casework` program as a child process on a database in a
// private temporary directory, and reads what it printed.
#ifndef CASEWORK_TESTS_CLI_HARNESS_H_
#define CASEWORK_TESTS_CLI_HARNESS_H_

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <doctest/doctest.h>

#include "fixture.h"

extern char** environ;

namespace casework::testing {

namespace fs = std::filesystem;
namespace json = boost::json;

// Exit codes of DOMAIN.md §6.
inline constexpr int kUsage = 2;
inline constexpr int kNotFound = 3;
inline constexpr int kConflict = 4;
inline constexpr int kInvalid = 5;

inline std::string EnvOrFail(const char* name) {
  const char* value = std::getenv(name);
  REQUIRE_MESSAGE(value != nullptr, name << " is not set (run through meson test)");
  return value;
}

inline std::string Example(const std::string& name) {
  return EnvOrFail("CASEWORK_EXAMPLES") + "/" + name;
}

inline std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

inline json::value Parse(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  REQUIRE_MESSAGE(!ec, "not JSON: [" << text << "]");
  return v;
}

// What one run of the program did.
struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;

  // stdout: exactly one JSON document on one line.
  json::object Json() const {
    INFO("stderr: " << err);
    REQUIRE(exit_code == 0);
    REQUIRE(!out.empty());
    CHECK(out.back() == '\n');
    CHECK(out.find('\n') == out.size() - 1);
    json::value v = Parse(out);
    REQUIRE(v.is_object());
    return v.as_object();
  }

  // The "error" member of the error document, the last line of stderr (a
  // usage error has CLI11's message before it). Nothing on stdout.
  json::object Error() const {
    CHECK(out.empty());
    std::string text = err;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    std::size_t start = text.rfind('\n');
    json::value v = Parse(start == std::string::npos ? text : text.substr(start + 1));
    REQUIRE(v.is_object());
    const json::value* error = v.as_object().if_contains("error");
    REQUIRE(error != nullptr);
    REQUIRE(error->is_object());
    return error->as_object();
  }
};

// Runs the program from `cwd` with stdin `input`, in our environment minus
// CASEWORK_DB plus `extra_env` ("NAME=value"). Uses files rather than pipes
// for the standard streams so no output size can deadlock the test.
inline Outcome Spawn(const std::vector<std::string>& args, const std::string& input,
              const fs::path& cwd, const std::vector<std::string>& extra_env = {}) {
  static const std::string program = EnvOrFail("CASEWORK_BIN");
  TempDir io;
  const std::string in_path = io.file("stdin"), out_path = io.file("stdout"),
                    err_path = io.file("stderr");
  WriteFile(in_path, input);

  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls.
  std::vector<std::string> argv_text{program};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "CASEWORK_DB=", 12) != 0) env_text.emplace_back(*e);
  }
  env_text.insert(env_text.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string dir = cwd.string();

  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int in = open(in_path.c_str(), O_RDONLY);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
        dup2(err, 2) < 0 || chdir(dir.c_str()) != 0) {
      _exit(126);
    }
    execve(program.c_str(), argv.data(), envp.data());
    _exit(127);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  Outcome outcome;
  // A signal (a crash, an abort) shows as 128 + signal, never a valid code.
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  outcome.out = Slurp(out_path);
  outcome.err = Slurp(err_path);
  return outcome;
}

// A private directory with a database in it.
class Cli {
 public:
  // Runs `casework --db <private db> ARGS...`.
  Outcome Run(std::vector<std::string> args, const std::string& input = "") const {
    args.insert(args.begin(), {"--db", db()});
    return Spawn(args, input, dir_.path());
  }

  const std::string& db() const { return database_.path(); }
  const fs::path& dir() const { return dir_.path(); }

  // Writes a payload into the private directory and returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    WriteFile(dir_.file(name), text);
    return dir_.file(name);
  }

  // Creates a case from an example payload and returns the printed case.
  json::object Create(const std::string& example = "penbox-create.json",
                      std::vector<std::string> globals = {}) const {
    globals.insert(globals.end(), {"create", Example(example)});
    return Run(globals).Json();
  }

 private:
  TempDir dir_;
  TestDatabase database_{dir_.path().string(), "cases.db"};
};

inline std::string Id(const json::object& c) { return json::value_to<std::string>(c.at("id")); }
inline std::int64_t Version(const json::object& c) { return c.at("version").to_number<std::int64_t>(); }
// A string member's text; anything else serialized, so a failed CHECK shows
// what was there instead of throwing.
inline std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

// The schema field of `c` with this key; the test stops if there is none.
inline const json::object& FieldOf(const json::object& c, std::string_view key) {
  for (const auto& f : c.at("schema").as_array()) {
    if (Str(f.at("key")) == key) return f.as_object();
  }
  FAIL("no schema field " << key);
  throw std::logic_error("unreachable");
}

inline const json::object* ContactOf(const json::object& c, std::string_view key) {
  for (const auto& x : c.at("contacts").as_array()) {
    if (Str(x.at("key")) == key) return &x.as_object();
  }
  return nullptr;
}

inline bool IsUnset(const json::object& c, std::string_view member) {
  const json::value* v = c.if_contains(member);
  return v == nullptr || v->is_null();
}

inline void CheckError(const Outcome& r, int exit_code, std::string_view code) {
  INFO("stdout: " << r.out << "\nstderr: " << r.err);
  CHECK(r.exit_code == exit_code);
  CHECK(Str(r.Error().at("code")) == code);
}

inline constexpr const char* kUuid = "018c7a9e-3d2f-7b4a-9c1e-5f6a7b8c9d0e";

}  // namespace casework::testing

#endif  // CASEWORK_TESTS_CLI_HARNESS_H_

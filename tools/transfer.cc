// casework command-line program: import and export (NDJSON, one case per
// line), with a progress line on stderr when it is a terminal.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <system_error>

#include <unistd.h>

#include <boost/json.hpp>

#include "commands.h"
#include "documents.h"

namespace casework::cli {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

// "\rimport: 12000 cases, 43%": rewritten in place, ended by Done().
class ProgressLine {
 public:
  explicit ProgressLine(const char* what) : what_(what), shown_(StderrIsTerminal()) {}
  ~ProgressLine() { Done(); }

  bool shown() const { return shown_; }

  void Show(std::int64_t cases, std::optional<int> percent) {
    if (!shown_) return;
    std::fprintf(stderr, "\r%s: %lld cases", what_, static_cast<long long>(cases));
    if (percent) std::fprintf(stderr, ", %d%%", *percent);
    std::fflush(stderr);
    dirty_ = true;
  }

  void Done() {
    if (dirty_) std::fputc('\n', stderr);
    dirty_ = false;
  }

 private:
  const char* what_;
  bool shown_;
  bool dirty_ = false;
};

std::optional<int> Percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<int>(std::min<std::uint64_t>(100, part * 100 / whole));
}

Status CannotWrite(const std::string& file, int error) {
  return Status::ValidationFailed(file, "cannot write " + file + ": " + std::strerror(error));
}

}  // namespace

Output ImportCases(Engine& engine, const Context& ctx, const std::string& file) {
  ImportOptions options;
  options.write = ctx.Write();
  ProgressLine progress("import");
  std::uint64_t size = 0;
  std::ifstream opened;
  std::istream* in = &std::cin;
  if (file != "-") {
    std::error_code error;
    // A directory opens fine and fails on the first read.
    if (fs::is_directory(file, error)) return Unreadable(file, EISDIR);
    opened.open(file, std::ios::binary);
    if (!opened) return Unreadable(file, errno);
    size = fs::file_size(file, error);
    if (error) size = 0;
    in = &opened;
  }
  if (progress.shown())
    options.progress = [&](const ImportSummary& so_far, std::uint64_t bytes) {
      progress.Show(so_far.cases(), Percent(bytes, size));
    };
  auto summary = engine.Import(*in, options);
  progress.Done();
  if (!summary.ok()) return summary.status();
  return json::value(documents::ImportSummaryDocument(*summary));
}

Output ExportCases(Engine& engine, const Context& ctx, const std::string& file) {
  ExportOptions options;
  options.read = ctx.Read();
  ProgressLine progress("export");
  if (progress.shown())
    options.progress = [&](std::int64_t written, std::int64_t total) {
      progress.Show(written, Percent(written, total));
    };
  if (file.empty() || file == "-") {
    auto written = engine.Export(std::cout, options);
    if (!written.ok()) return written.status();
    return json::value(json::object{{"exported", *written}});
  }
  // Written aside and renamed over FILE when whole: a failed export leaves
  // no half file behind.
  const std::string partial = file + ".partial";
  std::ofstream out(partial, std::ios::binary | std::ios::trunc);
  if (!out) return CannotWrite(partial, errno);
  auto written = engine.Export(out, options);
  out.close();
  std::error_code error;
  if (!written.ok() || !out) {
    fs::remove(partial, error);
    if (!written.ok()) return written.status();
    return Status::StorageError("cannot write " + file);
  }
  fs::rename(partial, file, error);
  if (error) {
    fs::remove(partial, error);
    return Status::StorageError("cannot write " + file + ": " + error.message());
  }
  return json::value(json::object{{"exported", *written}, {"file", fs::absolute(file).string()}});
}

int FinishExport(const Output& output, bool to_stdout) {
  if (to_stdout && output.ok()) return kExitOk;  // stdout holds the cases themselves
  return Finish(output);
}

}  // namespace casework::cli

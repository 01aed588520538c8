// Reading NDJSON input a line at a time, within a bound (transfer.cc,
// sync.cc).
#ifndef CASEWORK_LIB_LINE_READER_H_
#define CASEWORK_LIB_LINE_READER_H_

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <istream>
#include <string>

#include "casework/status.h"
#include "json/decode.h"

namespace casework {

// Splits a stream into lines through one fixed buffer, refusing a line
// longer than `limit` before holding it: a hostile input cannot make a line
// take the memory.
class LineReader {
 public:
  LineReader(std::istream& in, std::size_t limit) : in_(in), limit_(limit) {}

  // The next line without its "\n" (or "\r\n"); false at the end of input.
  bool Next(std::string& line) {
    line.clear();
    for (;;) {
      if (begin_ == end_ && !Fill()) return !line.empty();
      const char* start = buffer_.data() + begin_;
      const void* newline = std::memchr(start, '\n', end_ - begin_);
      std::size_t length = newline != nullptr
                               ? static_cast<std::size_t>(static_cast<const char*>(newline) - start)
                               : end_ - begin_;
      if (line.size() + length > limit_)
        json_internal::Fail("", "the line is longer than " + std::to_string(limit_) + " bytes");
      line.append(start, length);
      begin_ += length;
      if (newline != nullptr) {
        ++begin_;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        return true;
      }
    }
  }

  std::uint64_t bytes_read() const { return consumed_ - (end_ - begin_); }

 private:
  bool Fill() {
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    std::size_t n = static_cast<std::size_t>(in_.gcount());
    if (n == 0 && in_.bad()) throw Error(Status::StorageError("cannot read the input"));
    begin_ = 0;
    end_ = n;
    consumed_ += n;
    return n != 0;
  }

  std::istream& in_;
  std::size_t limit_;
  std::array<char, 1 << 16> buffer_{};
  std::size_t begin_ = 0, end_ = 0;
  std::uint64_t consumed_ = 0;
};

inline bool IsBlank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

}  // namespace casework

#endif  // CASEWORK_LIB_LINE_READER_H_

#include "failure.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

namespace casework::bench {
namespace {

struct Undo {
  pid_t parent = 0;
  std::vector<std::function<void()>> steps;
};

Undo& Pending() {
  static Undo undo;
  return undo;
}

}  // namespace

void Die(const std::string& what) {
  std::fprintf(stderr, "casework-bench: %s\n", what.c_str());
  Undo& undo = Pending();
  if (undo.parent == getpid()) {
    // Taken first: an undo that fails cannot bring us back here.
    std::vector<std::function<void()>> steps = std::exchange(undo.steps, {});
    for (auto step = steps.rbegin(); step != steps.rend(); ++step) (*step)();
  }
  std::exit(1);
}

void AtFailure(std::function<void()> undo) {
  Pending().parent = getpid();
  Pending().steps.push_back(std::move(undo));
}

void ForgetFailureUndo() { Pending().steps.clear(); }

}  // namespace casework::bench

// casework-bench: stopping on a failure without leaving anything behind.
//
// The parent process may have made databases on a server, or started a
// server: what it registers with AtFailure is undone, newest first, when it
// dies by Die. The child processes that run the workloads (InChild) share
// the parent's server and databases, so a child that dies undoes nothing:
// its parent sees it fail and dies in turn.
#ifndef CASEWORK_BENCH_FAILURE_H_
#define CASEWORK_BENCH_FAILURE_H_

#include <functional>
#include <string>

namespace casework::bench {

// Prints "casework-bench: <what>", undoes (in the parent) and exits 1.
[[noreturn]] void Die(const std::string& what);

// Registers `undo` for Die in this process, which becomes the parent. An
// undo must not call Die.
void AtFailure(std::function<void()> undo);

// The run ended well: nothing to undo any more (the caller cleans up).
void ForgetFailureUndo();

}  // namespace casework::bench

#endif  // CASEWORK_BENCH_FAILURE_H_

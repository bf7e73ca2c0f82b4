#pragma once
// How a long-running sc-server command (`serve`, `watch`) stops: SIGINT and SIGTERM are blocked
// in every thread and taken by one with sigwait, so the stop runs on an ordinary thread
// (cpp-httplib's stop() is not async-signal-safe, and a loop's flag is set where nothing else is
// interrupted).

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace sc::server {

/// Blocks SIGINT and SIGTERM in the calling thread, and so in every thread it starts after: call
/// it before any other thread starts. Ignores SIGPIPE too (a peer that hangs up makes a write
/// fail, not the process die). Returns the blocked set.
sigset_t block_stop_signals();

/// A thread that waits for one of `signals` and calls `on_stop(signal)` on it. Destroyed, it is
/// woken when no signal came (the command ended on its own; `on_stop` is then not called) and
/// joined.
class StopSignalThread {
public:
    StopSignalThread(const sigset_t& signals, std::function<void(int)> on_stop);
    ~StopSignalThread();
    StopSignalThread(const StopSignalThread&) = delete;
    StopSignalThread& operator=(const StopSignalThread&) = delete;

private:
    sigset_t m_signals;
    std::atomic<bool> m_done {false};
    std::thread m_thread;
};

}  // namespace sc::server

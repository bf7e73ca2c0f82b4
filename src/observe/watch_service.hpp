#pragma once
// The watch service: a TreeWatch of a project's task trees, and a Unix-domain socket on which
// any of the user's processes asks what may have changed since its token (docs/layout.md, "The
// watch service"; the protocol is tasks/watch_protocol.hpp's). Run by `sc watch` alone and by
// `sc telemetry serve` on a thread of its own; after git's fsmonitor--daemon.
//
// The correctness hinge: the kernel queues an inotify event inside the system call that makes
// the change, so the service drains its watch completely after it has read a request and before
// it answers. Every change that finished before the client asked is then in the answer, and no
// cookie file round trip is needed. One request is served at a time, on the calling thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "observe/tree_watch.hpp"
#include "observe/watch_log.hpp"
#include "tasks/change.hpp"
#include "util/result.hpp"

namespace sc::observe {

struct WatchServiceOptions {
    tasks::TreeRoots roots;
    std::string socket_path;                       // tasks::watch_socket_path
    size_t log_bound = k_default_watch_log_bound;  // SCOPECRAFT_WATCH_LOG_BOUND
    bool polling = false;                          // the watch that knows nothing (answers "anything"): tests
};

class WatchService {
public:
    /// Arms the watch and listens on the socket (mode 0600; its folder created 0700 when it is
    /// the per-user runtime one). Refused when another service answers on that socket; a stale
    /// socket (nobody listening: a killed service) is replaced.
    static Result<std::unique_ptr<WatchService>> start(const WatchServiceOptions& options);
    ~WatchService();
    WatchService(const WatchService&) = delete;
    WatchService& operator=(const WatchService&) = delete;

    /// Serves requests until `stop` is set (looked at every 100 ms), draining the watch between
    /// requests too so that its kernel queue does not overflow while nobody asks.
    void run(const std::atomic<bool>& stop);
    /// Serves one waiting connection, if any comes within `timeout_ms` (tests).
    void serve_once(int timeout_ms);

    [[nodiscard]] const std::string& socket_path() const { return m_socket_path; }
    [[nodiscard]] bool exact() const { return m_exact; }  // inotify, not the polling fallback
    [[nodiscard]] uint64_t answered() const { return m_answered; }

private:
    WatchService() = default;
    void drain();
    void handle(int connection);

    std::string m_socket_path;
    uint64_t m_socket_inode = 0;  // removed at the end only when still ours
    int m_listener = -1;
    bool m_exact = false;
    uint64_t m_roots_digest = 0;
    std::unique_ptr<TreeWatch> m_watch;
    std::unique_ptr<WatchLog> m_log;
    uint64_t m_answered = 0;
};

/// The log bound SCOPECRAFT_WATCH_LOG_BOUND asks for (a count), or the default.
size_t watch_log_bound_from(const char* value);

}  // namespace sc::observe

#pragma once
// `sc-server watch` (what `sc watch` runs): the watch service alone, in the foreground, until
// SIGINT or SIGTERM; and the same service on a thread of `sc-server serve`
// (observe/watch_service.hpp, docs/commands.md "sc watch").

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cli/context.hpp"
#include "observe/watch_service.hpp"

namespace sc::server {

/// argv after "watch": --root-dir DIR, --quiet. Returns the process exit code.
int run_watch(const std::vector<std::string>& arguments);

/// The service of the project `context` is in, on a thread of its own until destroyed; null
/// when there is no project or another service answers for it already (said through `say`).
class WatchThread {
public:
    static std::unique_ptr<WatchThread> start(cli::Context& context,
                                              const std::function<void(const std::string&)>& say);
    ~WatchThread();
    WatchThread(const WatchThread&) = delete;
    WatchThread& operator=(const WatchThread&) = delete;

private:
    WatchThread() = default;
    std::unique_ptr<observe::WatchService> m_service;
    std::atomic<bool> m_stop {false};
    std::thread m_thread;
};

/// The service's options for the project `context` is in (its trees and socket).
Result<observe::WatchServiceOptions> watch_options(cli::Context& context);

}  // namespace sc::server

#pragma once
// What a long operation tells whoever runs it, and how it learns it should stop: a listing of
// thousands of tasks, a replay of the whole log. The MCP server installs an Activity on the
// thread that runs a request (progress notifications for a client that sent a progress token,
// notifications/cancelled); a CLI command installs none, and then each check below is one
// thread-local load and a branch.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

namespace sc::activity {

class Activity {
public:
    /// `progress(done, total)`: total 0 when unknown. Both may be empty/null. `look`, when
    /// given, reads what the client sent meanwhile without waiting, so that a cancellation can
    /// set `*cancelled` on this very thread (the stdio MCP server runs calls on the thread that
    /// reads its input): the checks call it at most once per k_look_interval, and only once the
    /// operation has run that long, so a quick operation never does.
    Activity(const std::atomic<bool>* cancelled, std::function<void(uint64_t, uint64_t)> progress,
             const std::function<void()>* look = nullptr);
    ~Activity();
    Activity(const Activity&) = delete;
    Activity& operator=(const Activity&) = delete;

    /// Before the operation's answer: looks once more when it ran k_look_interval or longer (a
    /// call that waited for a lock checks nothing meanwhile), so that a cancellation sent
    /// during it still withholds the answer. Nothing for a quick operation, or without `look`.
    void settle();

    static constexpr std::chrono::milliseconds k_look_interval {1};

private:
    friend bool cancelled();
    friend void progress(uint64_t, uint64_t);
    void look_if_due();

    const std::atomic<bool>* m_cancelled;
    std::function<void(uint64_t, uint64_t)> m_progress;
    const std::function<void()>* m_look;
    std::chrono::steady_clock::time_point m_started {};
    std::chrono::steady_clock::time_point m_next_look {};
    uint32_t m_checks = 0;
    Activity* m_previous;
};

/// True once whoever runs the current operation asked it to stop: long loops check it between
/// items and end with ErrorCode::cancelled, leaving nothing half done (a change is never cut).
bool cancelled();
/// `done` of `total` items (total 0: unknown) are behind the current operation.
void progress(uint64_t done, uint64_t total);

}  // namespace sc::activity

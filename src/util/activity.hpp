#pragma once
// What a long operation tells whoever runs it, and how it learns it should stop: a listing of
// thousands of tasks, a replay of the whole log. The MCP server installs an Activity on the
// thread that runs a request (progress notifications for a client that sent a progress token,
// notifications/cancelled); a CLI command installs none, and then each check below is one
// thread-local load and a branch.

#include <atomic>
#include <cstdint>
#include <functional>

namespace sc::activity {

class Activity {
public:
    /// `progress(done, total)`: total 0 when unknown. Both may be empty/null.
    Activity(const std::atomic<bool>* cancelled, std::function<void(uint64_t, uint64_t)> progress);
    ~Activity();
    Activity(const Activity&) = delete;
    Activity& operator=(const Activity&) = delete;

private:
    friend bool cancelled();
    friend void progress(uint64_t, uint64_t);
    const std::atomic<bool>* m_cancelled;
    std::function<void(uint64_t, uint64_t)> m_progress;
    Activity* m_previous;
};

/// True once whoever runs the current operation asked it to stop: long loops check it between
/// items and end with ErrorCode::cancelled, leaving nothing half done (a change is never cut).
bool cancelled();
/// `done` of `total` items (total 0: unknown) are behind the current operation.
void progress(uint64_t done, uint64_t total);

}  // namespace sc::activity

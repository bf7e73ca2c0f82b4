#pragma once
// Domain events of task environments (docs/events.md, "Environments"): WorktreeCreated,
// WorktreeReused and WorktreeClosed in the stream `worktree:<env-id>`, and the projection
// that replays them into the environments there were at any moment (`sc env list
// --from-events [--as-of TIME]`).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/envelope.hpp"
#include "store/event_parser.hpp"
#include "util/result.hpp"
#include "worktree/environments.hpp"

namespace sc::observe {

namespace event_types {
inline constexpr std::string_view worktree_created = "WorktreeCreated";
inline constexpr std::string_view worktree_reused = "WorktreeReused";
inline constexpr std::string_view worktree_closed = "WorktreeClosed";
}  // namespace event_types

std::string stream_for_worktree(std::string_view env_id);

/// The event of an `ensure`: Created or Reused. `task_id` is the task asked for (a subtask's
/// environment is its parent's).
store::NewEvent make_worktree_event(const worktree::EnsureResult& result, const std::string& task_id);
store::NewEvent make_worktree_closed_event(const worktree::CloseResult& result);

/// One environment as the events describe it.
struct RecordedEnvironment {
    std::string env_id;
    std::string branch;
    std::string path;
    std::string base;
    std::string head;     // the last commit recorded (at creation, reuse or close)
    std::string created;  // time of the last WorktreeCreated
    std::string closed;   // time of the WorktreeClosed after it; empty while open
    int64_t reuses = 0;
    bool branch_deleted = false;
    [[nodiscard]] bool open() const { return closed.empty(); }
    [[nodiscard]] nlohmann::ordered_json to_json() const;
};

class WorktreeProjection {
public:
    /// Feeds one event in store order; other events are ignored.
    void apply(const store::EventView& event);
    [[nodiscard]] const std::map<std::string, RecordedEnvironment>& environments() const { return m_environments; }

private:
    std::map<std::string, RecordedEnvironment> m_environments;
};

/// Replays the worktree events of a store, up to `as_of` (Unix ns, inclusive) when given.
Result<WorktreeProjection> replay_worktrees(const std::string& store_root, std::optional<int64_t> as_of = {});

}  // namespace sc::observe

#pragma once
// `sc telemetry check` for the task-tree state (docs/events.md, "After a crash"): does the
// state, brought up to the log, describe the tree the events describe? A state that disagrees
// would make the next command record changes that never happened, or miss some; repairing
// rebuilds it from the events.

#include <string>
#include <vector>

#include "util/result.hpp"

namespace sc::observe {

struct StateCheckReport {
    bool present = false;                  // a state file was there to check
    std::vector<std::string> differences;  // "only in events: store:current/x.task.md", ...
    std::string replay_problem;            // the events do not replay: the check could not be made
    bool repaired = false;                 // the state was rebuilt from the events
    [[nodiscard]] bool clean() const { return differences.empty() && replay_problem.empty(); }
};

/// Checks (and with `repair`, rebuilds) the task-tree state of the store at `store_root`, under
/// the tree lock, so no command changes the tree meanwhile.
Result<StateCheckReport> check_tree_state(const std::string& store_root, bool repair);

}  // namespace sc::observe

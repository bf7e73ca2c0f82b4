#pragma once
// Task environments, observed: each operation runs in a span (worktree.ensure, worktree.list,
// worktree.close) whose git calls are its children, and records WorktreeCreated, Reused or
// Closed (observe/worktree_events.hpp). Ensure and close hold the project's environment lock,
// so two `sc env` (or two dispatches) of one task never race each other into git.

#include <string>
#include <vector>

#include "observe/command_observer.hpp"
#include "observe/observed_tasks.hpp"
#include "worktree/environments.hpp"

namespace sc::observe {

/// The environment a task works in: its parent's for a subtask (Scopecraft's rule), its own
/// otherwise. The task must exist.
struct TaskEnvironmentId {
    std::string task_id;  // the task as found
    std::string env_id;
    std::string parent_id;  // a subtask's parent, else empty
};
Result<TaskEnvironmentId> environment_id_of(ObservedTaskService& tasks, const std::string& task_id);

class ObservedEnvironments {
public:
    /// `lock_folder`: where the environment lock lives (the project's store folder).
    ObservedEnvironments(worktree::Environments environments, CommandObserver* observer, std::string lock_folder)
        : m_environments(std::move(environments)), m_observer(observer), m_lock_folder(std::move(lock_folder)) {}

    Result<worktree::EnsureResult> ensure(const TaskEnvironmentId& id, const std::string& base = {});
    Result<std::vector<worktree::EnvironmentInfo>> list(bool with_state = true);
    Result<worktree::EnvironmentInfo> find(const std::string& env_id, bool with_state = false);
    Result<worktree::CloseResult> close(const std::string& env_id, const worktree::CloseOptions& options);

    [[nodiscard]] const worktree::Environments& environments() const { return m_environments; }

private:
    worktree::Environments m_environments;
    CommandObserver* m_observer;
    std::string m_lock_folder;
};

}  // namespace sc::observe

#pragma once
// Shared by the environment and session commands: the project's task service and environments,
// observed by the invocation's observer.

#include <string>

#include "cli/context.hpp"
#include "observe/observed_environments.hpp"
#include "observe/observed_tasks.hpp"
#include "tasks/project.hpp"

namespace sc::cli {

struct EnvironmentHandles {
    tasks::ProjectPaths paths;
    observe::ObservedTaskService tasks;
    observe::ObservedEnvironments environments;
};

/// The project's tasks and environments; fails when the project is in no git repository.
Result<EnvironmentHandles> open_environments(Context& context);

/// The environment id of a task (its parent's for a subtask). A task that no longer exists
/// is taken as an environment id as given, so the environment of a deleted task can still be
/// found and closed.
Result<std::string> env_id_for_existing(EnvironmentHandles& handles, const std::string& task_id);

}  // namespace sc::cli

#include "cli/commands/env_support.hpp"

#include "cli/commands/task_support.hpp"

namespace sc::cli {

Result<EnvironmentHandles> open_environments(Context& context) {
    tasks::ProjectPaths paths = SC_TRY(context.project());
    observe::ObservedTaskService tasks = SC_TRY(open_task_service(context));
    worktree::Environments environments = SC_TRY(worktree::Environments::open(paths.main_root));
    std::string lock_folder = paths.store_dir;
    return EnvironmentHandles {
        std::move(paths), std::move(tasks),
        observe::ObservedEnvironments(std::move(environments), context.observer(), std::move(lock_folder))};
}

Result<std::string> env_id_for_existing(EnvironmentHandles& handles, const std::string& task_id) {
    Result<observe::TaskEnvironmentId> id = observe::environment_id_of(handles.tasks, task_id);
    if (id.ok())
        return id->env_id;
    if (id.error().code != ErrorCode::not_found)
        return id.error();
    if (task_id.empty() || task_id.find('/') != std::string::npos || task_id.find("..") != std::string::npos)
        return id.error();
    return task_id;
}

}  // namespace sc::cli

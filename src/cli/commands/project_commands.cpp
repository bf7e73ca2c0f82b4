// `sc init`: create the project's task tree.

#include "cli/commands/commands.hpp"
#include "cli/commands/task_support.hpp"
#include "tasks/project.hpp"

namespace sc::cli {

namespace {

Result<CommandResult> init(const Invocation&, Context& context) {
    tasks::ProjectPaths paths = SC_TRY(context.project());
    observe::ObservedTaskService service = SC_TRY(open_task_service(context));
    tasks::ChangeRecord change = SC_TRY(service.init(paths.config_dir));
    nlohmann::ordered_json data = {
        {"project", paths.project_root}, {"tasks", paths.tasks_dir}, {"created", !change.empty()}};
    std::string message = (change.empty() ? "Task tree already set up at " : "Initialised the task tree at ") +
                          paths.tasks_dir + "\nProject: " + paths.project_root;
    return CommandResult {std::move(data), View::message, std::move(message)};
}

}  // namespace

void register_project_commands(Registry& registry) {
    if (!registry.wants("", "init"))
        return;
    registry.add({
        .group = "",
        .name = "init",
        .summary = "Set up the project's task tree (current/, archive/, config/)",
        .description = "Tasks live in ~/.scopecraft/projects/<project>/tasks/, shared by every worktree of "
                       "the repository, as in Scopecraft 2.x.",
        .arguments = {},
        .options = {},
        .examples = {"sc init", "sc --root-dir ~/src/app init"},
        .mutates = true,
        .handler = init,
    });
}

}  // namespace sc::cli

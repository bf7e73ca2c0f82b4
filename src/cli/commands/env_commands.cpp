// `sc env TASK`, `sc env list|path|close`: task environments, git worktrees named as
// Scopecraft names them (docs/sessions.md, "Environments").

#include "cli/commands/commands.hpp"
#include "cli/commands/env_support.hpp"
#include "cli/commands/task_support.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "cli/context.hpp"
#include "observe/worktree_events.hpp"
#include "util/clock.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

Json info_json(const worktree::EnvironmentInfo& info) {
    Json row;
    row["taskId"] = info.env_id.empty() ? Json() : Json(info.env_id);
    row["branch"] = info.branch;
    row["path"] = info.path;
    row["dirty"] = info.dirty;
    row["ahead"] = info.ahead;
    row["behind"] = info.behind;
    row["lastCommit"] = info.last_commit.sha.empty()
                            ? std::string()
                            : info.last_commit.sha.substr(0, 7) + " " + info.last_commit.subject;
    row["lastCommitTime"] = info.last_commit.time;
    row["commit"] = info.head;
    row["changedFiles"] = info.changed_files;
    row["main"] = info.main;
    row["missing"] = info.missing;
    return row;
}

Result<CommandResult> env_create(const Invocation& invocation, Context& context) {
    EnvironmentHandles handles = SC_TRY(open_environments(context));
    observe::TaskEnvironmentId id = SC_TRY(observe::environment_id_of(handles.tasks, invocation.argument(0)));
    worktree::EnsureResult result = SC_TRY(handles.environments.ensure(id, invocation.get("base").value_or("")));
    const worktree::EnvironmentInfo& env = result.environment;
    Json data;
    data["taskId"] = id.task_id;
    data["envId"] = id.env_id;
    data["branch"] = env.branch;
    data["path"] = env.path;
    data["created"] = result.created;
    data["branchExisted"] = result.branch_existed;
    data["base"] = result.base;
    data["commit"] = env.head;
    std::string message =
        result.created
            ? (result.branch_existed ? "Recreated the environment of " + id.env_id + " on its existing branch"
                                     : "Created the environment of " + id.env_id)
            : "Reused the environment of " + id.env_id;
    if (id.env_id != id.task_id)
        message += " (the parent of " + id.task_id + ")";
    if (result.pruned)
        message += "; its folder had been deleted, so git's record of it was pruned first";
    message += "\nPath: " + env.path + "\nBranch: " + env.branch;
    return CommandResult(std::move(data), View::message, std::move(message));
}

Result<CommandResult> env_list(const Invocation& invocation, Context& context) {
    if (invocation.has("from-events")) {
        // The environments the events describe: what replay makes of them, not what git says.
        std::string root = SC_TRY(existing_store(context));
        std::optional<int64_t> as_of;
        if (auto text = invocation.get("as-of"))
            as_of = SC_TRY(parse_time_option(*text, "--as-of", context.clock().now_unix_nanos()));
        observe::WorktreeProjection projection = SC_TRY(observe::replay_worktrees(root, as_of));
        Json rows = Json::array();
        for (const auto& [id, env] : projection.environments())
            if (invocation.has("all") || env.open())
                rows.push_back(env.to_json());
        return CommandResult(std::move(rows), View::records, "");
    } else if (invocation.has("as-of")) {
        return make_error(ErrorCode::invalid_argument, "--as-of needs --from-events",
                          "git knows only the present: add --from-events to replay the past");
    }
    EnvironmentHandles handles = SC_TRY(open_environments(context));
    std::vector<worktree::EnvironmentInfo> entries = SC_TRY(handles.environments.list(true));
    Json rows = Json::array();
    for (const worktree::EnvironmentInfo& info : entries)
        if (invocation.has("all") || !info.env_id.empty())
            rows.push_back(info_json(info));
    return CommandResult(std::move(rows), View::records, "");
}

Result<CommandResult> env_path(const Invocation& invocation, Context& context) {
    EnvironmentHandles handles = SC_TRY(open_environments(context));
    std::string env_id = SC_TRY(env_id_for_existing(handles, invocation.argument(0)));
    worktree::EnvironmentInfo info = SC_TRY(handles.environments.find(env_id));
    if (info.missing)
        return make_error(ErrorCode::not_found,
                          "the environment of " + env_id + " was at " + info.path + ", but that folder is gone",
                          "run `sc env " + env_id + "` to make it again on its branch");
    Json data;
    data["taskId"] = env_id;
    data["path"] = info.path;
    data["branch"] = info.branch;
    return CommandResult(std::move(data), View::text, info.path);
}

Result<CommandResult> env_close(const Invocation& invocation, Context& context) {
    EnvironmentHandles handles = SC_TRY(open_environments(context));
    std::string env_id = SC_TRY(env_id_for_existing(handles, invocation.argument(0)));
    worktree::CloseOptions options;
    options.force = invocation.has("force");
    options.keep_branch = invocation.has("keep-branch");
    worktree::CloseResult result = SC_TRY(handles.environments.close(env_id, options));
    Json data;
    data["taskId"] = env_id;
    data["branch"] = result.branch;
    data["path"] = result.path;
    data["commit"] = result.head;
    data["branchDeleted"] = result.branch_deleted;
    data["discardedFiles"] = result.discarded_files;
    data["unmergedCommits"] = result.unmerged_commits;
    std::string message = "Closed the environment of " + env_id + ": removed " + result.path;
    if (result.branch_deleted)
        message += " and the branch " + result.branch;
    else
        message += "; the branch " + result.branch + " is kept";
    if (result.discarded_files > 0 || result.unmerged_commits > 0)
        message += "\nForced: " + std::to_string(result.discarded_files) + " uncommitted files thrown away, " +
                   std::to_string(result.unmerged_commits) + " unmerged commits deleted (the last was " +
                   result.head.substr(0, 12) + ": `git branch " + result.branch + " " + result.head.substr(0, 12) +
                   "` brings them back until git collects them)";
    return CommandResult(std::move(data), View::message, std::move(message));
}

}  // namespace

void register_env_commands(Registry& registry) {
    registry.add_group({"env", "Task environments: one git worktree and branch per task", "create"});
    if (!registry.wants("env"))
        return;
    registry.add({
        .group = "env",
        .name = "create",
        .summary = "Create or reuse the task's worktree and branch (also `sc env TASK`)",
        .description = "The branch is task/<id> and the folder <project>-task-<id> beside the main checkout, as "
                       "Scopecraft names them; a subtask shares its parent's. A worktree deleted by hand is "
                       "pruned and made again on its branch.",
        .arguments = {{"task", "Task id", true, false}},
        .options = {{"base",
                     OptionKind::value,
                     "Branch a new worktree starts from (default: the main checkout's)",
                     "BRANCH",
                     {},
                     {}}},
        .examples = {"sc env add-login-page-11A", "sc env add-login-page-11A --base develop"},
        .mutates = true,
        .handler = env_create,
    });
    registry.add({
        .group = "env",
        .name = "list",
        .summary = "List task environments: branch, path, uncommitted changes, ahead/behind, last commit",
        .description = "",
        .arguments = {},
        .options = {{"all",
                     OptionKind::flag,
                     "Also the main checkout and worktrees of no task (with --from-events: "
                     "closed ones too)",
                     "",
                     {},
                     {}},
                    {"from-events", OptionKind::flag, "The environments the events describe, replayed", "", {}, {}},
                    {"as-of", OptionKind::value, "With --from-events: as they were at this time", "TIME", {}, {}}},
        .examples = {"sc env list", "sc env list --format json", "sc env list --from-events --all"},
        .mutates = false,
        .handler = env_list,
    });
    registry.add({
        .group = "env",
        .name = "path",
        .summary = "Print the path of the task's worktree",
        .description = "",
        .arguments = {{"task", "Task id", true, false}},
        .options = {},
        .examples = {"cd \"$(sc env path add-login-page-11A)\""},
        .mutates = false,
        .handler = env_path,
    });
    registry.add({
        .group = "env",
        .name = "close",
        .summary = "Remove the task's worktree and branch, refusing to lose work unless forced",
        .description = "Refuses when the worktree has uncommitted changes or the branch has commits not merged "
                       "into the base.",
        .arguments = {{"task", "Task id", true, false}},
        .options = {{"force", OptionKind::flag, "Remove even with uncommitted changes or unmerged commits", "", {}, {}},
                    {"keep-branch", OptionKind::flag, "Remove only the worktree; keep the branch", "", {}, {}}},
        .examples = {"sc env close add-login-page-11A", "sc env close add-login-page-11A --keep-branch"},
        .mutates = true,
        .handler = env_close,
    });
}

}  // namespace sc::cli

// `sc work`, `sc dispatch`, `sc sessions list|show|stats|supervise`: agent sessions on tasks
// (docs/sessions.md).

#include <unistd.h>

#include "cli/commands/commands.hpp"
#include "cli/commands/env_support.hpp"
#include "cli/commands/task_support.hpp"
#include "cli/commands/telemetry_support.hpp"
#include "cli/context.hpp"
#include "observe/command_observer.hpp"
#include "observe/session_cache.hpp"
#include "observe/session_service.hpp"
#include "util/self_path.hpp"

namespace sc::cli {

namespace {

using Json = nlohmann::ordered_json;

struct Services {
    tasks::ProjectPaths paths;
    std::optional<observe::ObservedTaskService> tasks;
    std::optional<observe::ObservedEnvironments> environments;
    std::optional<observe::SessionService> sessions;
};

Result<std::unique_ptr<Services>> open_services(Context& context) {
    auto services = std::make_unique<Services>();
    services->paths = SC_TRY(context.project());
    services->tasks.emplace(SC_TRY(open_task_service(context)));
    Result<worktree::Environments> environments = worktree::Environments::open(services->paths.main_root);
    if (environments.ok())
        services->environments.emplace(std::move(environments.value()), context.observer(), services->paths.store_dir);
    observe::SessionContext session_context;
    session_context.paths = services->paths;
    session_context.tasks = &*services->tasks;
    session_context.environments = services->environments ? &*services->environments : nullptr;
    session_context.observer = context.observer();
    session_context.environment = &context.environment();
    session_context.config = &context.config();
    session_context.clock = &context.clock();
    session_context.warn = [&context](const Error& warning) { context.warn(warning); };
    services->sessions.emplace(std::move(session_context));
    return services;
}

std::string seconds_text(int64_t ms) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1f s", static_cast<double>(ms) / 1000.0);
    return buffer;
}

Json dry_run_json(const observe::PreparedSession& prepared) {
    Json data;
    data["sessionId"] = prepared.record.id;
    data["taskId"] = prepared.record.task_id;
    data["envId"] = prepared.record.env_id;
    data["cwd"] = prepared.cwd;
    data["branch"] = prepared.record.branch;
    data["command"] = prepared.argv;
    data["prompt"] = prepared.prompt;
    return data;
}

Result<CommandResult> ended(const sessions::SessionRecord& record) {
    Json data = record.to_json();
    std::string outcome = record.outcome ? std::string(sessions::to_string(*record.outcome)) : record.status;
    std::string message = "Session " + record.id + ": " + outcome + " after " + seconds_text(record.duration_ms);
    if (!record.reason.empty())
        message += " (" + record.reason + ")";
    if (!record.log_file.empty())
        message += "\nLog: " + record.log_file;
    CommandResult result(std::move(data), View::message, std::move(message));
    if (record.outcome && *record.outcome != sessions::Outcome::success)
        result.failure = make_error(
            ErrorCode::unsupported,
            "the session " + record.id + " ended in " + outcome + (record.reason.empty() ? "" : ": " + record.reason),
            "see `sc sessions show " + record.id + "` and its log");
    return result;
}

Result<CommandResult> start_session(const Invocation& invocation, Context& context, observe::SessionRequest request) {
    request.mode = invocation.get("mode").value_or("auto");
    // `auto` without its mode file is the built-in prompt; another mode must have its file.
    request.explicit_mode = invocation.has("mode") && request.mode != "auto";
    request.resume = invocation.get("session").value_or("");
    request.dry_run = invocation.has("dry-run");
    request.base = invocation.get("base").value_or("");
    if (auto timeout = invocation.get("timeout"))
        request.timeout_ms = SC_TRY(observe::parse_timeout(*timeout));
    std::unique_ptr<Services> services = SC_TRY(open_services(context));
    observe::PreparedSession prepared = SC_TRY(services->sessions->prepare(request));
    if (request.dry_run)
        return CommandResult(
            dry_run_json(prepared), View::message,
            "Would run in " + prepared.cwd + ":\n" + text_list(prepared.argv) + "\n\n" + prepared.prompt);
    if (request.exec == sessions::Exec::detached || request.exec == sessions::Exec::tmux) {
        std::optional<std::string> self = self_path::executable();
        if (!self)
            return make_error(ErrorCode::not_found, "cannot tell where sc is installed, so cannot start a supervisor",
                              "run sc by its full path, or use --exec foreground");
        sessions::SessionRecord record = SC_TRY(services->sessions->hand_over(prepared, *self));
        Json data = record.to_json();
        std::string message = "Dispatched " + record.id + " (" + std::string(sessions::to_string(record.exec)) + ")";
        if (record.exec == sessions::Exec::tmux)
            message += "\nWatch it: tmux attach -t scopecraft";
        else
            message += ", supervisor pid " + std::to_string(record.supervisor_pid);
        message += "\nLog: " + record.log_file + "\nFollow it: sc sessions show " + record.id;
        return CommandResult(std::move(data), View::message, std::move(message));
    }
    sessions::SessionRecord record = services->sessions->run(prepared);
    return ended(record);
}

Result<CommandResult> dispatch(const Invocation& invocation, Context& context) {
    observe::SessionRequest request;
    request.task_id = invocation.argument(0);
    std::string exec = invocation.get("exec").value_or("detached");
    if (!sessions::parse_exec(exec, request.exec) || request.exec == sessions::Exec::interactive)
        return make_error(ErrorCode::invalid_argument, "--exec " + exec + " is not foreground, detached or tmux");
    if (request.task_id.empty() && !invocation.has("session"))
        return make_error(ErrorCode::invalid_argument, "name the task to dispatch, or --session ID to resume");
    return start_session(invocation, context, std::move(request));
}

Result<CommandResult> work(const Invocation& invocation, Context& context) {
    observe::SessionRequest request;
    request.exec = sessions::Exec::interactive;
    const std::vector<std::string>& words = invocation.arguments();
    if (!words.empty())
        request.task_id = words[0];
    for (size_t i = 1; i < words.size(); ++i)
        request.extra_prompt += (i > 1 ? " " : "") + words[i];
    return start_session(invocation, context, std::move(request));
}

Result<observe::SessionFilter> read_filter(const Invocation& invocation, Context& context) {
    observe::SessionFilter filter;
    filter.task_id = invocation.get("task").value_or("");
    int64_t now = context.clock().now_unix_nanos();
    if (auto since = invocation.get("since"))
        filter.since = SC_TRY(parse_time_option(*since, "--since", now));
    if (auto until = invocation.get("until"))
        filter.until = SC_TRY(parse_time_option(*until, "--until", now));
    return filter;
}

void reap(Context& context) {
    Result<std::unique_ptr<Services>> services = open_services(context);
    if (services.ok())
        (*services)->sessions->reap();
}

Result<CommandResult> sessions_list(const Invocation& invocation, Context& context) {
    reap(context);
    std::string root = SC_TRY(existing_store(context));
    observe::SessionFilter filter = SC_TRY(read_filter(invocation, context));
    observe::SessionProjection projection = SC_TRY(observe::replay_sessions(root, filter));
    Json rows = Json::array();
    std::string state = invocation.get("state").value_or("");
    for (const std::string& id : projection.order()) {
        const observe::SessionFacts& facts = projection.sessions().at(id);
        if (!state.empty() && facts.state != state && facts.outcome != state)
            continue;
        rows.push_back(facts.to_json());
    }
    return CommandResult(std::move(rows), View::records, "");
}

Result<CommandResult> sessions_show(const Invocation& invocation, Context& context) {
    reap(context);
    std::string root = SC_TRY(existing_store(context));
    std::string id = invocation.argument(0);
    if (!sessions::is_safe_id(id))
        return make_error(ErrorCode::invalid_argument, "\"" + id + "\" is not a session id",
                          "`sc sessions list` shows the sessions there are");
    store::Reader reader(root);
    observe::SessionProjection projection;
    Result<store::ReadStats> read =
        reader.read_stream(observe::stream_for_session(id), 1, [&](const store::EventView& event) {
            projection.apply(event);
            return true;
        });
    if (!read.ok())
        return read.error();
    auto found = projection.sessions().find(id);
    if (found == projection.sessions().end())
        return make_error(ErrorCode::not_found, "no session " + id, "`sc sessions list` shows the sessions there are");
    Json data = found->second.to_json(true);
    std::string text;
    for (const auto& [key, value] : data.items())
        text += key + ": " + (value.is_string() ? value.get<std::string>() : value.dump()) + "\n";
    return CommandResult(std::move(data), View::text, text);
}

std::string stats_text(const Json& stats) {
    auto number = [](const Json& value) { return value.is_null() ? std::string("-") : value.dump(); };
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.1f%%", stats["successRate"].get<double>() * 100);
    std::string text = "Sessions: " + stats["sessions"].dump() + " (" + stats["completed"].dump() + " ended, " +
                       stats["running"].dump() + " running)\nSuccess rate: " + rate + "\nOutcomes:";
    for (const auto& [name, count] : stats["outcomes"].items())
        text += " " + name + " " + count.dump();
    const Json& duration = stats["durationMs"];
    text += "\nDuration ms: p50 " + number(duration["p50"]) + ", p90 " + number(duration["p90"]) + ", p99 " +
            number(duration["p99"]) + ", max " + number(duration["max"]);
    const Json& tokens = stats["tokens"];
    text += "\nTokens: input " + tokens["input"].dump() + ", output " + tokens["output"].dump() + ", cache read " +
            tokens["cacheRead"].dump() + ", cache creation " + tokens["cacheCreation"].dump();
    text += "\nCost USD: " + number(stats["costUsd"]);
    std::snprintf(rate, sizeof rate, "%.1f%%", stats["toolErrorRate"].get<double>() * 100);
    text += "\nTool uses: " + stats["toolUses"].dump() + ", failed " + stats["toolFailures"].dump() + " (" + rate + ")";
    text += "\n\nMost expensive tasks:\n";
    int shown = 0;
    for (const Json& row : stats["byTask"]) {
        if (++shown > 5)
            break;
        text += "  " + row["taskId"].get<std::string>() + "  " + row["sessions"].dump() + " sessions, " +
                row["failures"].dump() + " not successful, " + row["tokens"].dump() + " tokens, $" +
                number(row["costUsd"]) + "\n";
    }
    text += "Slowest sessions:\n";
    for (const Json& row : stats["slowest"])
        text += "  " + row["id"].get<std::string>() + "  " + row["durationMs"].dump() + " ms  " +
                row["outcome"].get<std::string>() + "\n";
    return text;
}

Result<CommandResult> sessions_stats(const Invocation& invocation, Context& context) {
    if (!invocation.has("no-reap"))
        reap(context);
    std::string root = SC_TRY(existing_store(context));
    observe::SessionFilter filter = SC_TRY(read_filter(invocation, context));
    Json stats = SC_TRY(observe::ended_session_stats(root, filter));
    std::string text = stats_text(stats);
    return CommandResult(std::move(stats), View::text, std::move(text));
}

Result<CommandResult> sessions_supervise(const Invocation& invocation, Context& context) {
    int lock_fd = -1;
    if (auto fd = invocation.get("lock-fd"))
        lock_fd = std::atoi(fd->c_str());
    std::unique_ptr<Services> services = SC_TRY(open_services(context));
    observe::PreparedSession prepared = SC_TRY(services->sessions->resume_prepared(invocation.argument(0), lock_fd));
    std::function<void(std::string_view)> echo;
    if (invocation.has("echo"))
        echo = [&context](std::string_view line) { context.write_out(std::string(line) + "\n"); };
    sessions::SessionRecord record = services->sessions->run(prepared, echo);
    return ended(record);
}

std::vector<OptionSpec> session_options() {
    return {{"mode",
             OptionKind::value,
             "Mode file under .tasks/.modes/ (default auto; the built-in prompt without one)",
             "MODE",
             {},
             {}},
            {"session", OptionKind::value, "Resume this session (its agent's conversation)", "ID", {}, {}},
            {"base", OptionKind::value, "Branch a new worktree starts from", "BRANCH", {}, {}},
            {"dry-run", OptionKind::flag, "Show the command, folder and prompt without running anything", "", {}, {}}};
}

}  // namespace

void register_session_commands(Registry& registry) {
    registry.add_group({"sessions", "Agent sessions: list, show and statistics, from the events"});
    if (registry.wants("", "work")) {
        std::vector<OptionSpec> options = session_options();
        registry.add({
            .group = "",
            .name = "work",
            .summary = "Run the agent interactively on a task, in its worktree (or here without a task)",
            .description = "The agent is attached to the terminal; the session is recorded like a dispatch.",
            .arguments = {{"task", "Task id", false, false}, {"prompt", "More instructions", false, true}},
            .options = options,
            .examples = {"sc work add-login-page-12A", "sc work add-login-page-12A focus on the tests"},
            .mutates = true,
            .handler = work,
        });
    }
    if (registry.wants("", "dispatch")) {
        std::vector<OptionSpec> options = session_options();
        options.push_back({"exec",
                           OptionKind::value,
                           "How to run: detached (default), foreground or tmux",
                           "HOW",
                           {"foreground", "detached", "tmux"},
                           {}});
        options.push_back({"timeout", OptionKind::value, "Stop the agent after this long (90s, 30m, 2h)", "D", {}, {}});
        registry.add({
            .group = "",
            .name = "dispatch",
            .summary = "Run the agent autonomously on a task, in its worktree, recorded from start to end",
            .description = "Exit code 1 when a foreground session does not succeed.",
            .arguments = {{"task", "Task id", false, false}},
            .options = options,
            .examples = {"sc dispatch add-login-page-12A",
                         "sc dispatch add-login-page-12A --exec foreground --timeout 30m"},
            .mutates = true,
            .handler = dispatch,
        });
    }
    if (!registry.wants("sessions"))
        return;
    std::vector<OptionSpec> filters = {
        {"task", OptionKind::value, "Only this task's sessions", "ID", {}, {}},
        {"since", OptionKind::value, "From this time (RFC 3339, date, or 2h back)", "TIME", {}, {}},
        {"until", OptionKind::value, "Before this time", "TIME", {}, {}}};
    std::vector<OptionSpec> list_options = filters;
    list_options.push_back({"state", OptionKind::value, "queued, running, completed, or an outcome", "STATE", {}, {}});
    registry.add({
        .group = "sessions",
        .name = "list",
        .summary = "Sessions, oldest first: state, outcome, duration, tools, tokens, cost",
        .description = "",
        .arguments = {},
        .options = list_options,
        .examples = {"sc sessions list", "sc sessions list --state failure --since 7d"},
        .mutates = false,
        .handler = sessions_list,
    });
    registry.add({
        .group = "sessions",
        .name = "show",
        .summary = "One session from its events: outcome, reason, tools, tokens, trace",
        .description = "",
        .arguments = {{"id", "Session id", true, false}},
        .options = {},
        .examples = {"sc sessions show detached-add-login-page-12A-1764950400000"},
        .mutates = false,
        .handler = sessions_show,
    });
    std::vector<OptionSpec> stats_options = filters;
    stats_options.push_back(
        {"no-reap", OptionKind::flag, "Do not look for sessions whose supervisor died", "", {}, {}});
    registry.add({
        .group = "sessions",
        .name = "stats",
        .summary = "Success rate, duration percentiles, tokens and cost per task, type, area and model, tool errors",
        .description = "Computed from SessionCompleted events alone.",
        .arguments = {},
        .options = stats_options,
        .examples = {"sc sessions stats", "sc sessions stats --since 7d --format json"},
        .mutates = false,
        .handler = sessions_stats,
    });
    registry.add({
        .group = "sessions",
        .name = "supervise",
        .summary = "Run a queued session to its end (started by sc dispatch; not for direct use)",
        .description = "",
        .arguments = {{"id", "Session id", true, false}},
        .options = {{"lock-fd", OptionKind::value, "The environment lock, inherited", "FD", {}, {}},
                    {"echo", OptionKind::flag, "Also print the agent's output (tmux)", "", {}, {}}},
        .examples = {},
        .mutates = true,
        .handler = sessions_supervise,
    });
}

}  // namespace sc::cli

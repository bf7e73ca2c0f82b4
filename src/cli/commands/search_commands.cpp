// `sc search`: its options and help. The search itself runs in sc-search (linked with SQLite,
// cli/search_handler.cpp): here the command hands the process over to `sc-search` with the
// same arguments (or to `sc-server cli`, which runs the same, when there is no sc-search), as
// `sc mcp` does, so `sc` links no SQLite and commands that do not search start exactly as
// before (docs/architecture.md, docs/search.md).

#include "cli/app.hpp"
#include "cli/commands/commands.hpp"
#include "cli/commands/server_exec.hpp"
#include "cli/commands/signal_support.hpp"

namespace sc::cli {

namespace {

Handler& search_handler() {
    static Handler handler;
    return handler;
}

Result<CommandResult> hand_over_to_server(const Invocation& invocation, Context& context) {
    if (search_handler())
        return search_handler()(invocation, context);
    const std::vector<std::string>& given = command_line_arguments();
    std::vector<std::string> arguments(given.begin() + (given.empty() ? 0 : 1), given.end());
    // sc-search, a static program, starts in a tenth of sc-server's time; sc-server runs the
    // same (`cli search`) where sc-search is not installed.
    Error no_search = exec_beside_sc("sc-search", arguments);
    arguments.insert(arguments.begin(), "cli");
    Error no_server = exec_sc_server(std::move(arguments));
    return make_error(ErrorCode::not_found, no_search.message + "; " + no_server.message,
                      "install sc-search (or sc-server) in the same folder as sc");
}

}  // namespace

void set_search_handler(Handler handler) {
    search_handler() = std::move(handler);
}

void hand_search_over_early(const std::vector<std::string>& arguments) {
    // sc-search parses the same command line, so parsing it here first, resolving the project
    // and starting the telemetry settings were work thrown away at exec: 0.4 M instructions
    // and the pages they touch (docs/performance.md, "Search").
    if (search_handler() || arguments.empty())
        return;
    (void)exec_beside_sc("sc-search", std::vector<std::string>(arguments.begin() + 1, arguments.end()));
}

void register_search_commands(Registry& registry) {
    if (!registry.wants("", "search"))
        return;
    std::vector<OptionSpec> options = {
        {"type", OptionKind::values, "Only these kinds: task, doc, event, span, log", "TYPE", {}, {"types"}},
        {"status", OptionKind::values, "Only tasks (or spans) with this status", "STATUS", {}, {}},
        {"area", OptionKind::values, "Only tasks of this area", "AREA", {}, {}},
        {"tags", OptionKind::values, "Only tasks with any of these tags", "TAG", {}, {"tag"}},
        {"phase", OptionKind::values, "Only tasks in this phase", "PHASE", {}, {}},
        {"location", OptionKind::values, "Only tasks in current or archive", "WHERE", {}, {"workflow-state"}},
    };
    for (OptionSpec& option : time_window_options())
        options.push_back(std::move(option));
    options.push_back({"limit", OptionKind::value, "At most N results (default 20)", "N", {}, {}});
    options.push_back(
        {"reindex", OptionKind::flag, "Rebuild the index from scratch first, and say how long it took", "", {}, {}});
    registry.add({
        .group = "",
        .name = "search",
        .summary = "Search tasks, project docs and telemetry by words",
        .description = "Words, \"phrases\", prefix*, field:value (status, type, area, phase, location, tag, "
                       "parent, id, title, body), AND/OR/NOT. Ranked by relevance, a title match first; each "
                       "result with an excerpt, matches marked **so**. No words but filters: browse by "
                       "metadata. The index stays fresh by itself (docs/search.md).",
        .arguments = {{"QUERY", "What to search for", false, true}},
        .options = std::move(options),
        .examples = {"sc search token refresh", "sc search '\"lock timeout\"' --type log --since 7d",
                     "sc search auth* status:todo --format json", "sc search --status blocked --area api",
                     "sc search --reindex"},
        .mutates = false,
        .handler = hand_over_to_server,
    });
}

}  // namespace sc::cli

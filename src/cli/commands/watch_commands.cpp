// `sc watch`: hands the process over to `sc-server watch`, the watch service alone (docs/commands.md,
// "sc watch"): commands then stat only the task files it names instead of every file. Found
// beside `sc`, so `sc` carries no service code and its start-up stays as measured.

#include "cli/commands/commands.hpp"
#include "cli/commands/server_exec.hpp"
#include "cli/context.hpp"

namespace sc::cli {

namespace {

Result<CommandResult> watch(const Invocation&, Context& context) {
    std::vector<std::string> arguments = {"watch"};
    append_server_globals(context.globals(), arguments);
    return exec_sc_server(std::move(arguments));
}

}  // namespace

void register_watch_commands(Registry& registry) {
    if (!registry.wants("", "watch"))
        return;
    registry.add({
        .group = "",
        .name = "watch",
        .summary = "Watch the task trees so that commands check only the files that changed (foreground)",
        .description =
            "Runs sc-server watch from the folder sc is in, until SIGINT or SIGTERM: an inotify watch of the "
            "project's task trees, answering on a Unix socket of the project's store folder which files changed "
            "since a command last asked. `task list`, `sc search` and the other commands that check every file for "
            "outside edits then stat only those. Without it (or when it does not answer within a few "
            "milliseconds) they stat every file, as before. Start it with `sc watch &` or a user service; see "
            "docs/commands.md.",
        .arguments = {},
        .options = {},
        .examples = {"sc watch &", "systemd-run --user --unit sc-watch-app --working-directory ~/src/app sc watch"},
        .mutates = false,
        .handler = watch,
    });
}

}  // namespace sc::cli

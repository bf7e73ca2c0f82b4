// `sc telemetry serve`: hands the process over to `sc-server serve`, found beside `sc`, so `sc`
// links no HTTP code and its start-up stays as measured (docs/architecture.md, docs/export.md).

#include "cli/commands/commands.hpp"
#include "cli/commands/server_exec.hpp"
#include "cli/context.hpp"

namespace sc::cli {

namespace {

Result<CommandResult> serve(const Invocation& invocation, Context& context) {
    std::vector<std::string> arguments = {"serve"};
    for (const char* option : {"host", "port", "token"})
        if (std::optional<std::string> value = invocation.get(option)) {
            arguments.push_back(std::string("--") + option);
            arguments.push_back(*value);
        }
    for (const std::string& file : invocation.get_all("open")) {
        arguments.emplace_back("--open");
        arguments.push_back(file);
    }
    append_server_globals(context.globals(), arguments);
    return exec_sc_server(std::move(arguments));
}

}  // namespace

void register_server_commands(Registry& registry) {
    if (!registry.wants("telemetry"))
        return;
    registry.add({
        .group = "telemetry",
        .name = "serve",
        .summary = "Run the network server: OTLP/HTTP receiver into the store (default 127.0.0.1:4318)",
        .description =
            "Runs sc-server serve from the folder sc is in, until SIGINT or SIGTERM (requests in flight are "
            "finished first). A host other than loopback needs a token (--token, SCOPECRAFT_SERVER_TOKEN or "
            "telemetry.server.token), which every request must then send as \"Authorization: Bearer TOKEN\". "
            "Endpoints and status codes: docs/export.md.",
        .arguments = {},
        .options = {{"host", OptionKind::value, "Address to listen on (default 127.0.0.1)", "HOST", {}, {}},
                    {"port", OptionKind::value, "Port to listen on (default 4318; 0 picks a free one)", "PORT", {}, {}},
                    {"token", OptionKind::value, "Bearer token every request must carry", "TOKEN", {}, {}},
                    {"open",
                     OptionKind::values,
                     "Show these files in the viewer (/ui/) without storing them: OTLP JSON Lines, event files, "
                     "Jaeger JSON",
                     "FILE",
                     {},
                     {}}},
        .examples = {"sc telemetry serve", "sc telemetry serve --open trace.jsonl",
                     "sc telemetry serve --host 0.0.0.0 --token \"$(cat ~/.sc-token)\""},
        .mutates = true,
        .handler = serve,
    });
}

}  // namespace sc::cli

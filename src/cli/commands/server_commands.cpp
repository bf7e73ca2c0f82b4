// `sc telemetry serve`: hands the process over to `sc-server serve`, found beside `sc`, so `sc`
// links no HTTP code and its start-up stays as measured (docs/architecture.md, docs/export.md).

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "util/self_path.hpp"

namespace sc::cli {

namespace {

Result<CommandResult> serve(const Invocation& invocation, Context& context) {
    std::optional<std::string> self = self_path::executable();
    if (!self)
        return make_error(ErrorCode::not_found, "cannot tell where sc is installed, so cannot find sc-server",
                          "run sc-server serve directly");
    std::string server = self_path::sibling(*self, "sc-server");
    std::vector<std::string> arguments = {server, "serve"};
    for (const char* option : {"host", "port", "token"})
        if (std::optional<std::string> value = invocation.get(option)) {
            arguments.push_back(std::string("--") + option);
            arguments.push_back(*value);
        }
    for (const std::string& file : invocation.get_all("open")) {
        arguments.emplace_back("--open");
        arguments.push_back(file);
    }
    const GlobalOptions& globals = context.globals();
    if (!globals.root_dir.empty()) {
        arguments.emplace_back("--root-dir");
        arguments.push_back(globals.root_dir);
    }
    if (!globals.telemetry_dir.empty()) {
        arguments.emplace_back("--telemetry-dir");
        arguments.push_back(globals.telemetry_dir);
    }
    if (globals.no_telemetry)
        arguments.emplace_back("--no-telemetry");
    if (globals.quiet)
        arguments.emplace_back("--quiet");
    std::vector<char*> argv;
    for (std::string& argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    ::execv(server.c_str(), argv.data());
    return make_error(ErrorCode::not_found, "cannot run " + server + ": " + std::strerror(errno),
                      "install sc-server in the same folder as sc (make install does)");
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

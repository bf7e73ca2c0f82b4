// `sc mcp`: hands the process over to `sc-server mcp` (stdio), or with --http to `sc-server
// serve`, whose /mcp endpoint speaks Streamable HTTP, found beside `sc`, so `sc` carries no MCP
// or HTTP code and its start-up stays as measured (docs/architecture.md, docs/mcp.md).

#include "cli/commands/commands.hpp"
#include "cli/commands/server_exec.hpp"
#include "cli/context.hpp"

namespace sc::cli {

namespace {

Result<CommandResult> mcp(const Invocation& invocation, Context& context) {
    const bool http = invocation.has("http");
    std::vector<std::string> arguments = {http ? "serve" : "mcp"};
    for (const char* option : {"host", "port", "token"})
        if (std::optional<std::string> value = invocation.get(option)) {
            if (!http)
                return make_error(ErrorCode::invalid_argument,
                                  std::string("--") + option + " is an option of the HTTP transport",
                                  "add --http to serve MCP over HTTP, or leave it out for stdio");
            arguments.push_back(std::string("--") + option);
            arguments.push_back(*value);
        }
    append_server_globals(context.globals(), arguments);
    return exec_sc_server(std::move(arguments));
}

}  // namespace

void register_mcp_commands(Registry& registry) {
    if (!registry.wants("", "mcp"))
        return;
    registry.add({
        .group = "",
        .name = "mcp",
        .summary = "Serve the Model Context Protocol on stdin/stdout, or over HTTP (for Claude Code, Cursor, ...)",
        .description = "Runs sc-server mcp from the folder sc is in. With --http it runs the network server "
                       "instead (sc-server serve, the same as sc telemetry serve), whose endpoint /mcp speaks "
                       "Streamable HTTP, until SIGINT or SIGTERM. Tools: Scopecraft's task tools and the "
                       "telemetry queries; see docs/mcp.md.",
        .arguments = {},
        .options =
            {{"http", OptionKind::flag, "Serve Streamable HTTP on /mcp of the network server instead", "", {}, {}},
             {"host", OptionKind::value, "With --http: the address to listen on (default 127.0.0.1)", "HOST", {}, {}},
             {"port", OptionKind::value, "With --http: the port (default 4318; 0 picks a free one)", "PORT", {}, {}},
             {"token", OptionKind::value, "With --http: the bearer token every request must carry", "TOKEN", {}, {}}},
        .examples = {"claude mcp add scopecraft -- sc mcp", "sc --root-dir ~/src/app mcp", "sc mcp --http --port 8931"},
        .mutates = true,
        .handler = mcp,
    });
}

}  // namespace sc::cli

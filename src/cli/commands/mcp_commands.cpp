// `sc mcp`: hands the process over to `sc-server mcp`, found beside `sc`, so `sc` carries no
// MCP code and its start-up stays as measured (docs/architecture.md, docs/mcp.md).

#include "cli/commands/commands.hpp"
#include "cli/commands/server_exec.hpp"
#include "cli/context.hpp"

namespace sc::cli {

namespace {

Result<CommandResult> mcp(const Invocation& invocation, Context& context) {
    if (invocation.has("http"))
        return make_error(ErrorCode::unsupported, "the Streamable HTTP transport is not available yet",
                          "run `sc mcp` without --http: clients start it and talk over stdio");
    std::vector<std::string> arguments = {"mcp"};
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
        .summary = "Serve the Model Context Protocol on stdin/stdout (for Claude Code, Cursor, ...)",
        .description = "Runs sc-server mcp from the folder sc is in. Tools: Scopecraft's task tools and the "
                       "telemetry queries; see docs/mcp.md.",
        .arguments = {},
        .options = {{"http", OptionKind::flag, "Serve Streamable HTTP instead (not available yet)", "", {}, {}}},
        .examples = {"claude mcp add scopecraft -- sc mcp", "sc --root-dir ~/src/app mcp"},
        .mutates = true,
        .handler = mcp,
    });
}

}  // namespace sc::cli

// `sc mcp`: hands the process over to `sc-server mcp`, found beside `sc`, so `sc` carries no
// MCP code and its start-up stays as measured (docs/architecture.md, docs/mcp.md).

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/commands/commands.hpp"
#include "cli/context.hpp"
#include "util/self_path.hpp"

namespace sc::cli {

namespace {

Result<CommandResult> mcp(const Invocation& invocation, Context& context) {
    if (invocation.has("http"))
        return make_error(ErrorCode::unsupported, "the Streamable HTTP transport is not available yet",
                          "run `sc mcp` without --http: clients start it and talk over stdio");
    std::optional<std::string> self = self_path::executable();
    if (!self)
        return make_error(ErrorCode::not_found, "cannot tell where sc is installed, so cannot find sc-server",
                          "run sc-server mcp directly");
    std::string server = self_path::sibling(*self, "sc-server");
    std::vector<std::string> arguments = {server, "mcp"};
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

#pragma once
// The viewer's JSON API under /ui/api/ (docs/viewer.md, "API"). Each endpoint runs a command of
// the registry as `sc ... --format json` runs it (the same handler, the same projection that the
// MCP telemetry tools return) in a fresh cli::Context, and bounds what it answers with limit and
// cursor. Summaries (trace rows, counts, durations) are computed on the server.

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "server/router.hpp"
#include "server/serve_context.hpp"
#include "viewer/http_query.hpp"

namespace sc::viewer {

/// What a command answered, with the warnings it gave (lines skipped, ...).
struct CommandOutput {
    Json data;
    std::vector<std::string> warnings;
};

/// Runs the registry command `group name` with `invocation` as `--format json` would. A command
/// that streams (`traces export`) gives its text as a JSON string.
Result<CommandOutput> run_command(const server::ServeContext& serve, const std::string& group, const std::string& name,
                                  const cli::Invocation& invocation);

/// The routes under /ui/api/ (besides the live stream and the plain files).
void add_api_routes(server::Router& router, const server::ServeContext& serve,
                    const std::function<server::Handler(server::Handler)>& guard);

}  // namespace sc::viewer

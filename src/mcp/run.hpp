#pragma once
// `sc-server mcp`: the MCP server on stdin/stdout for one client session.

#include <string>
#include <vector>

namespace sc::mcp {

/// argv after "mcp": --root-dir DIR, --telemetry-dir DIR, --no-telemetry, --quiet. Returns the
/// process exit code.
int run_stdio_server(const std::vector<std::string>& arguments);

}  // namespace sc::mcp

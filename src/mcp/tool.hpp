#pragma once
// An MCP tool: its description for `tools/list` and the function that runs it. Tools are
// built from the command registry (cli/registry.hpp): each runs registry commands or the
// services they call, so a tool's data is the CLI's `--format json` of the same command.

#include <functional>
#include <string>
#include <vector>

#include "mcp/json_rpc.hpp"
#include "util/result.hpp"

namespace sc::mcp {

class ToolCall;

struct Tool {
    std::string name;
    std::string title;
    std::string description;
    Json input_schema;
    Json output_schema;
    bool read_only = true;
    bool destructive = false;
    bool idempotent = true;
    /// Returns the structured content ({"success": true, "data": ..., ...}); an Error becomes
    /// an `isError` result whose text says what went wrong and what to do.
    std::function<Result<Json>(const Json& arguments, ToolCall& call)> run;

    /// The entry of `tools/list`.
    [[nodiscard]] Json describe() const;
};

/// Scopecraft's tools (names, parameters and defaults of its server, mcp-tools.json).
std::vector<Tool> scopecraft_tools();
/// The telemetry query tools, one per registry command (events list, traces show, ...).
std::vector<Tool> telemetry_tools();
/// Both, in `tools/list` order.
std::vector<Tool> all_tools();

/// The usual structured content: {"success": true, "data": data} plus a message if any.
Json success(Json data, const std::string& message = {});
/// The outputSchema of success(data) with `data` described by `data_schema`.
Json envelope_schema(Json data_schema);

}  // namespace sc::mcp

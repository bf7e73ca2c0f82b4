#pragma once
// What the Scopecraft tools share: reading their arguments into registry invocations, their
// output schemas, and the few facts about a task's JSON they filter on.

#include <optional>
#include <string>

#include "cli/command.hpp"
#include "mcp/json_rpc.hpp"
#include "mcp/tool_call.hpp"
#include "tasks/schema.hpp"
#include "util/result.hpp"

namespace sc::mcp::detail {

/// A string argument, or nullopt when absent (or not a string: the schema check caught that).
std::optional<std::string> text_of(const Json& arguments, const char* key);
/// Gives the argument `key`, if any, as the option `option`.
void pass(cli::Invocation& invocation, const Json& arguments, const char* key, const char* option);
void pass_list(cli::Invocation& invocation, const Json& arguments, const char* key, const char* option);
Error invalid(std::string message, std::string hint = {});
/// The canonical name of a stored enum value, or the value itself when it is not one.
std::string canonical(tasks::EnumKind kind, const Json& value);
const Json& frontmatter_of(const Json& task);
bool is_subtask(const Json& task);
bool is_parent(const Json& task);
void drop_sections(Json& task);
/// Scopecraft's `location` (a string or a list) and `include_archived` as `task list
/// --location` ("current", "archive" or "all").
Result<std::string> list_location(const Json& arguments, bool include_archived);

/// The JSON of one task (`sc task get --format json`) and of a list of them.
const Json& task_schema();
Json task_list_schema();

Result<Json> parent_list(const Json& arguments, ToolCall& call);
Result<Json> parent_get(const Json& arguments, ToolCall& call);
Result<Json> parent_create(const Json& arguments, ToolCall& call);
Result<Json> parent_operations(const Json& arguments, ToolCall& call);

}  // namespace sc::mcp::detail

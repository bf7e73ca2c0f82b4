// The telemetry query tools, generated from the registry's commands: the parameters are the
// command's arguments and options (dashes as underscores), the data is the command's
// `--format json`. Every listing is bounded: `limit` (default 100, at most 1000) items per
// answer and an opaque `cursor` for the next page.

#include "cli/registry.hpp"
#include "mcp/tool.hpp"
#include "mcp/tool_call.hpp"

namespace sc::mcp {

namespace {

constexpr size_t k_default_limit = 100;
constexpr size_t k_max_limit = 1000;

std::string parameter_name(std::string option) {
    for (char& c : option)
        if (c == '-')
            c = '_';
    return option;
}

struct Derived {
    std::string group;
    std::string name;
    std::string tool;
    std::vector<std::string> hidden;  // options not offered (they write files, or block)
    std::vector<std::string> forced;  // flags always given
    std::string description;          // replaces the command's summary when set
    std::string data_type = "array";  // what the command's JSON is: "array" or "object"
};

Json input_schema_of(const cli::CommandSpec& spec, const Derived& derived) {
    Json properties = Json::object();
    Json required = Json::array();
    for (const cli::ArgumentSpec& argument : spec.arguments) {
        properties[parameter_name(argument.name)] = {{"type", "string"}, {"description", argument.help}};
        if (argument.required)
            required.push_back(parameter_name(argument.name));
    }
    for (const cli::OptionSpec& option : spec.options) {
        if (std::find(derived.hidden.begin(), derived.hidden.end(), option.name) != derived.hidden.end() ||
            std::find(derived.forced.begin(), derived.forced.end(), option.name) != derived.forced.end())
            continue;
        Json property;
        if (option.kind == cli::OptionKind::flag)
            property = {{"type", "boolean"}};
        else if (option.kind == cli::OptionKind::values)
            property = {{"type", "array"}, {"items", {{"type", "string"}}}};
        else
            property = {{"type", "string"}};
        if (!option.choices.empty())
            property["enum"] = option.choices;
        property["description"] = option.help;
        properties[parameter_name(option.name)] = std::move(property);
    }
    properties["limit"] = {{"type", "integer"},
                           {"minimum", 1},
                           {"maximum", k_max_limit},
                           {"default", k_default_limit},
                           {"description", "Most items in one answer"}};
    properties["cursor"] = {{"type", "string"}, {"description", "nextCursor of the previous answer"}};
    Json schema = {{"type", "object"}, {"properties", std::move(properties)}, {"additionalProperties", false}};
    if (!required.empty())
        schema["required"] = std::move(required);
    return schema;
}

Result<size_t> read_cursor(const Json& arguments) {
    auto cursor = arguments.find("cursor");
    if (cursor == arguments.end())
        return size_t {0};
    const std::string& text = cursor->get_ref<const std::string&>();
    if (text.size() < 2 || text.size() > 12 || text[0] != 'o' ||
        text.find_first_not_of("0123456789", 1) != std::string::npos)
        return sc::make_error(ErrorCode::invalid_argument, "cursor \"" + text + "\" is not one this server gave",
                              "pass the nextCursor of the previous answer unchanged, or leave cursor out");
    return static_cast<size_t>(std::stoull(text.substr(1)));
}

// Bounds a listing: the page [offset, offset + limit) of `items`, and the cursor of the next.
void page(Json& result, Json& items, size_t offset, size_t limit) {
    size_t total = items.size();
    Json kept = Json::array();
    for (size_t i = offset; i < total && i < offset + limit; ++i)
        kept.push_back(std::move(items[i]));
    items = std::move(kept);
    result["total"] = total;
    if (offset + limit < total)
        result["nextCursor"] = "o" + std::to_string(offset + limit);
}

Tool derive(const Derived& derived) {
    const cli::CommandSpec* spec = cli::registry().find(derived.group, derived.name);
    Tool tool;
    tool.name = derived.tool;
    tool.title = "sc " + spec->full_name();
    tool.description = (derived.description.empty() ? spec->summary : derived.description) +
                       (spec->description.empty() ? "" : ". " + spec->description) + " Same data as `sc " +
                       spec->full_name() + " --format json`.";
    tool.input_schema = input_schema_of(*spec, derived);
    tool.output_schema = envelope_schema({{"type", derived.data_type}});
    tool.output_schema["properties"]["total"] = {{"type", "integer"}};
    tool.output_schema["properties"]["nextCursor"] = {{"type", "string"}};
    tool.read_only = !spec->mutates;
    tool.destructive = false;
    tool.idempotent = true;
    tool.run = [derived, spec](const Json& arguments, ToolCall& call) -> Result<Json> {
        // The requests answered before this one are in the store when it is read.
        call.host().flush_telemetry();
        cli::Invocation invocation;
        for (const cli::ArgumentSpec& argument : spec->arguments)
            if (auto value = arguments.find(parameter_name(argument.name)); value != arguments.end())
                invocation.add_argument(value->get<std::string>());
        for (const cli::OptionSpec& option : spec->options) {
            auto value = arguments.find(parameter_name(option.name));
            if (value == arguments.end())
                continue;
            if (value->is_boolean()) {
                if (value->get<bool>())
                    invocation.add_option(option.name, {});
            } else if (value->is_array()) {
                invocation.add_option(option.name, value->get<std::vector<std::string>>());
            } else {
                invocation.add_option(option.name, {value->get<std::string>()});
            }
        }
        for (const std::string& flag : derived.forced)
            invocation.add_option(flag, {});
        size_t offset = SC_TRY(read_cursor(arguments));
        size_t limit = arguments.value("limit", k_default_limit);
        Json data = SC_TRY(call.command(derived.group, derived.name, invocation));
        Json result = success(Json());
        if (data.is_array()) {
            page(result, data, offset, limit);
        } else if (data.is_object() && data.contains("spans") && data["spans"].is_array()) {
            page(result, data["spans"], offset, limit);
        }
        result["data"] = std::move(data);
        return result;
    };
    return tool;
}

}  // namespace

std::vector<Tool> telemetry_tools() {
    const std::vector<Derived> derived = {
        {"events", "list", "events_list", {}, {}, "Domain events (task created, updated, moved, ...), oldest first"},
        {"task", "history", "task_history", {}, {}, ""},
        {"traces", "list", "traces_list", {}, {}, ""},
        {"traces", "show", "traces_show", {}, {}, "One trace: its spans as a tree with their durations", "object"},
        {"", "metrics", "metrics", {}, {}, ""},
        {"", "logs", "logs", {}, {}, ""},
        {"events",
         "replay",
         "events_replay_verify",
         {"into"},
         {"verify"},
         "Replay the domain events in memory and compare the rebuilt task tree with the live one",
         "object"},
        {"telemetry", "status", "telemetry_status", {}, {}, "", "object"},
        {"env", "list", "env_list", {}, {}, "Task environments (git worktrees): branch, path, changes, ahead/behind"},
        {"sessions", "list", "sessions_list", {}, {}, "Agent sessions: state, outcome, duration, tools, tokens, cost"},
        {"sessions", "show", "sessions_show", {}, {}, "", "object"},
        {"sessions", "stats", "sessions_stats", {"no-reap"}, {}, "", "object"},
    };
    std::vector<Tool> tools;
    for (const Derived& one : derived)
        tools.push_back(derive(one));
    return tools;
}

std::vector<Tool> all_tools() {
    std::vector<Tool> tools = scopecraft_tools();
    for (Tool& tool : telemetry_tools())
        tools.push_back(std::move(tool));
    return tools;
}

Json success(Json data, const std::string& message) {
    Json result = Json::object();
    result["success"] = true;
    result["data"] = std::move(data);
    if (!message.empty())
        result["message"] = message;
    return result;
}

Json envelope_schema(Json data_schema) {
    return {{"type", "object"},
            {"properties",
             {{"success", {{"type", "boolean"}}}, {"data", std::move(data_schema)}, {"message", {{"type", "string"}}}}},
            {"required", Json::array({"success", "data"})}};
}

Json Tool::describe() const {
    Json entry = Json::object();
    entry["name"] = name;
    entry["title"] = title;
    entry["description"] = description;
    entry["inputSchema"] = input_schema;
    entry["outputSchema"] = output_schema;
    entry["annotations"] = {{"title", title},
                            {"readOnlyHint", read_only},
                            {"destructiveHint", destructive},
                            {"idempotentHint", idempotent},
                            {"openWorldHint", false}};
    return entry;
}

}  // namespace sc::mcp

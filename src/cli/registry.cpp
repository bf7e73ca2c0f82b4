#include "cli/registry.hpp"

#include "cli/commands/commands.hpp"

namespace sc::cli {

const CommandSpec* Registry::find(const std::string& group, const std::string& name) const {
    for (const CommandSpec& command : m_commands)
        if (command.group == group && command.name == name)
            return &command;
    return nullptr;
}

bool Registry::is_group(const std::string& name) const {
    for (const GroupSpec& group : m_groups)
        if (group.name == name)
            return true;
    return false;
}

namespace {

Registry build(std::string word) {
    Registry built(std::move(word));
    register_project_commands(built);
    register_task_commands(built);
    register_parent_commands(built);
    register_env_commands(built);
    register_session_commands(built);
    register_event_commands(built);
    register_telemetry_commands(built);
    register_server_commands(built);
    register_trace_commands(built);
    register_metric_commands(built);
    register_log_commands(built);
    register_search_commands(built);
    register_mcp_commands(built);
    register_watch_commands(built);
    register_shell_commands(built);
    return built;
}

}  // namespace

const Registry& registry() {
    static const Registry instance = build({});
    return instance;
}

Registry registry_named(const std::string& first_word) {
    return build(first_word);
}

}  // namespace sc::cli

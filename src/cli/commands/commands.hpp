#pragma once
// Each file in cli/commands/ registers one group of commands.

#include <string>
#include <vector>

#include "cli/registry.hpp"

namespace sc::cli {

void register_project_commands(Registry& registry);    // init
void register_task_commands(Registry& registry);       // task ...
void register_parent_commands(Registry& registry);     // parent ...
void register_event_commands(Registry& registry);      // events ..., task history
void register_telemetry_commands(Registry& registry);  // telemetry ...
void register_server_commands(Registry& registry);     // telemetry serve (execs sc-server)
void register_ship_commands(Registry& registry);       // telemetry ship (execs sc-server ship)
void register_shell_commands(Registry& registry);      // completion, commands
void register_trace_commands(Registry& registry);      // traces list|show
void register_metric_commands(Registry& registry);     // metrics
void register_log_commands(Registry& registry);        // logs
void register_mcp_commands(Registry& registry);        // mcp
void register_search_commands(Registry& registry);     // search
void register_watch_commands(Registry& registry);      // watch (execs sc-server watch)
/// What `search` runs in this process; unset, it hands over to sc-server (search_commands.cpp).
void set_search_handler(Handler handler);
/// In `sc` (no search handler installed): when the command line names `search`, execs
/// `sc-search` with it at once, before anything is parsed or started; returns only when
/// sc-search cannot be run (the command then runs as usual and tries sc-server).
void hand_search_over_early(const std::vector<std::string>& arguments);
void register_env_commands(Registry& registry);      // env TASK, env list|path|close
void register_session_commands(Registry& registry);  // work, dispatch, sessions ...

/// "a, b, c"
std::string text_list(const std::vector<std::string>& items);

}  // namespace sc::cli

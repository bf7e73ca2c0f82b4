#pragma once
// One request's run: a cli::Context (project, config, clock, environment) set to JSON output,
// its warnings collected for log notifications, and the request's server span with the OTel
// MCP semantic conventions (a CommandObserver per request, so domain events are recorded
// exactly as the CLI records them). Transport-independent.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/context.hpp"
#include "mcp/json_rpc.hpp"
#include "observe/observed_tasks.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"

namespace sc::mcp {

/// What every request of a session shares: the process's environment and clock, its working
/// folder and the global options it was started with (`--root-dir`, `--telemetry-dir`,
/// `--no-telemetry`). `init_root` changes `globals.root_dir` for the rest of the session.
struct HostSettings {
    const Environment* environment = nullptr;
    const Clock* clock = nullptr;
    std::string working_directory;
    cli::GlobalOptions globals;
};

/// The request being served, for its span and its events.
struct RequestInfo {
    std::string method;  // "tools/call"
    std::string target;  // the tool's name for tools/call, else empty
    std::string request_id;
    std::string session_id;
    std::string protocol_version;
    std::string client_name;  // clientInfo.name from initialize: the events' actor is "mcp:<name>"
    std::string traceparent;  // params._meta.traceparent, if any
    std::string tracestate;
    std::string transport = "pipe";
};

class ToolCall {
public:
    ToolCall(HostSettings& host, cli::Context& context) : m_host(host), m_context(context) {}

    [[nodiscard]] cli::Context& context() { return m_context; }
    [[nodiscard]] HostSettings& host() { return m_host; }

    /// Runs the registry command `group name` (group "" for top-level ones) as `sc ... --format
    /// json` would, and returns its JSON: the same handler, the same data.
    Result<Json> command(const std::string& group, const std::string& name, const cli::Invocation& invocation);
    /// The project's task service, observed like the CLI's.
    Result<observe::ObservedTaskService> service();

private:
    HostSettings& m_host;
    cli::Context& m_context;
};

struct CallOutcome {
    Result<Json> result;
    std::vector<Error> warnings;  // for notifications/message and stderr
};

/// Runs `work` as one observed request: builds the Context, starts the server span (parented
/// by info.traceparent), runs, ends the span with the outcome and flushes telemetry.
CallOutcome run_request(HostSettings& host, const RequestInfo& info,
                        const std::function<Result<Json>(ToolCall&)>& work);

}  // namespace sc::mcp

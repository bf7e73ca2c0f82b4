#pragma once
// One request's run: a cli::Context (project, config, clock, environment) set to JSON output,
// its warnings collected for log notifications, and the request's server span with the OTel
// MCP semantic conventions (a CommandObserver per request, so domain events are recorded
// exactly as the CLI records them). Transport-independent.

#include <atomic>
#include <functional>
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
    /// The telemetry and tree state kept between requests, for the project of `globals`
    /// (session_root: the root_dir it was started for; init_root starts another).
    std::shared_ptr<observe::ObserverSession> session;
    std::string session_root;
    /// The project and config files as the session's first requests resolved them: read once
    /// per session (restart the server, or init_root, to apply an edited config file). Kept
    /// apart: with telemetry off a task_get never reads the config files, and resolving the
    /// project again (a walk up for .git, paths normalised and encoded) cost each one 18,000
    /// instructions.
    std::optional<tasks::ProjectPaths> resolved_project;
    std::optional<config::Values> resolved_config;
    /// False when the process has its telemetry pipeline already (the network server's).
    bool own_pipeline = true;
    /// network.transport of the requests' spans: "pipe" (stdio) or "tcp" (HTTP).
    std::string transport = "pipe";

    /// The session of the current project, started on first use.
    observe::ObserverSession& observer_session();
    /// Writes the telemetry of the requests answered so far to the store.
    void flush_telemetry();
    /// Requests answered whose telemetry is not stored yet.
    [[nodiscard]] size_t unflushed_telemetry() const { return session ? session->unflushed() : 0; }
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
    /// params._meta.progressToken (a string or an integer), null when the client sent none.
    Json progress_token;
    /// Writes a message to the client at once, ahead of the response (progress notifications);
    /// null: they are dropped.
    std::function<void(const std::string&)> emit;
    /// Set by the transport when the client cancels this request (notifications/cancelled).
    const std::atomic<bool>* cancelled = nullptr;
    /// Reads input that arrived during the call, without waiting (Server::set_input_check);
    /// null when cancel() comes from another thread.
    const std::function<void()>* check_input = nullptr;
};

class ToolCall {
public:
    ToolCall(HostSettings& host, cli::Context& context, const RequestInfo& info)
        : m_host(host), m_context(context), m_info(info) {}

    [[nodiscard]] cli::Context& context() { return m_context; }
    [[nodiscard]] HostSettings& host() { return m_host; }
    [[nodiscard]] const RequestInfo& info() const { return m_info; }

    /// Runs the registry command `group name` (group "" for top-level ones) as `sc ... --format
    /// json` would, and returns its JSON: the same handler, the same data.
    Result<Json> command(const std::string& group, const std::string& name, const cli::Invocation& invocation);
    /// Tells the client (when it asked for progress) that `done` of `total` (0: unknown) items
    /// are behind; the long loops of the task and observe layers report through this too.
    void progress(uint64_t done, uint64_t total, const std::string& message = {});

    /// The project's task service, observed like the CLI's.
    Result<observe::ObservedTaskService> service();

    /// Answers with structured content already serialised (compact JSON of {"success": ...}),
    /// for results too large to build as a JSON tree and serialise twice (task_list on
    /// 1,000 tasks); the tool then returns an empty Json.
    void answer_serialised(std::string structured) { m_serialised = std::move(structured); }
    [[nodiscard]] std::string take_serialised() { return std::move(m_serialised); }

private:
    HostSettings& m_host;
    cli::Context& m_context;
    const RequestInfo& m_info;
    std::string m_serialised;
    uint64_t m_last_step = UINT64_MAX;  // the last progress step sent
    uint64_t m_last_done = 0;
};

struct CallOutcome {
    Result<Json> result;
    std::string serialised;       // ToolCall::answer_serialised, when the tool answered so
    std::vector<Error> warnings;  // for notifications/message and stderr
};

/// Runs `work` as one observed request: builds the Context, starts the server span (parented
/// by info.traceparent), runs, ends the span with the outcome and flushes telemetry.
CallOutcome run_request(HostSettings& host, const RequestInfo& info,
                        const std::function<Result<Json>(ToolCall&)>& work);

}  // namespace sc::mcp

#include "mcp/tool_call.hpp"

#include <array>
#include <chrono>
#include <map>

#include "cli/commands/task_support.hpp"
#include "cli/observer_start.hpp"
#include "cli/registry.hpp"
#include "observe/command_observer.hpp"
#include "telemetry/api/build.hpp"
#include "telemetry/api/metrics.hpp"
#include "util/activity.hpp"
#include "util/text.hpp"

namespace sc::mcp {

namespace {

/// The host's environment with a request's own trace context on top: `_meta.traceparent` is
/// to a request what TRACEPARENT is to a command.
class RequestEnvironment final : public Environment {
public:
    RequestEnvironment(const Environment& base, const RequestInfo& info) : m_base(base) {
        if (!info.traceparent.empty()) {
            m_overrides["TRACEPARENT"] = info.traceparent;
            m_overrides["TRACESTATE"] = info.tracestate;
        }
    }
    [[nodiscard]] std::optional<std::string> get(const std::string& name) const override {
        if (auto found = m_overrides.find(name); found != m_overrides.end())
            return found->second.empty() ? std::nullopt : std::optional<std::string>(found->second);
        return m_base.get(name);
    }

private:
    const Environment& m_base;
    std::map<std::string, std::string> m_overrides;
};

// A request's observer: the CLI's (cli::start_observer), as a server span with the
// OpenTelemetry MCP semantic conventions.
std::unique_ptr<observe::CommandObserver> start_observer(const RequestInfo& info, cli::Context& context,
                                                         observe::ObserverSession& session) {
#if SC_TELEMETRY_COMPILED
    // The OpenTelemetry MCP semantic conventions: span name "{mcp.method.name} {target}".
    observe::ObserverOptions::Request request;
    request.span_name = info.target.empty() ? info.method : info.method + " " + info.target;
    // Views of the request's own strings, which outlive the span's start (it copies them).
    std::array<telemetry::Attribute, 7> attributes {{{"mcp.method.name", std::string_view(info.method)},
                                                     {"mcp.session.id", std::string_view(info.session_id)},
                                                     {"network.transport", std::string_view(info.transport)}}};
    size_t count = 3;
    // Not yet negotiated while initialize runs.
    if (!info.protocol_version.empty())
        attributes[count++] = {"mcp.protocol.version", std::string_view(info.protocol_version)};
    if (!info.request_id.empty())
        attributes[count++] = {"jsonrpc.request.id", std::string_view(info.request_id)};
    if (info.method == "tools/call") {
        attributes[count++] = {"gen_ai.tool.name", std::string_view(info.target)};
        attributes[count++] = {"gen_ai.operation.name", "execute_tool"};
    }
    request.attributes = std::span<const telemetry::Attribute>(attributes.data(), count);
    request.actor = "mcp:" + (info.client_name.empty() ? std::string("unknown-client") : info.client_name);
    return cli::start_observer(context, "mcp " + info.method, std::move(request), &session);
#else
    (void)info, (void)context, (void)session;
    return nullptr;
#endif
}

}  // namespace

Result<Json> ToolCall::command(const std::string& group, const std::string& name, const cli::Invocation& invocation) {
    const cli::CommandSpec* spec = cli::registry().find(group, name);
    if (spec == nullptr)
        return sc::make_error(ErrorCode::internal, "no command \"" + group + " " + name + "\" in the registry");
    std::string streamed;
    m_context.set_stream_out([&streamed](std::string_view piece) { streamed.append(piece); });
    Result<cli::CommandResult> result = spec->handler(invocation, m_context);
    m_context.set_stream_out(nullptr);
    if (!result.ok())
        return std::move(result).error();
    if (!result->streamed)
        return result->data.is_null() ? Json::object() : std::move(result->data);
    Json parsed = Json::parse(streamed, nullptr, false);
    if (parsed.is_discarded())
        return sc::make_error(ErrorCode::internal, "\"" + spec->full_name() + "\" wrote output that is not JSON");
    return parsed;
}

void ToolCall::progress(uint64_t done, uint64_t total, const std::string& message) {
    if (m_info.progress_token.is_null() || !m_info.emit)
        return;
    // At most about ten notifications a call: each tenth of a known total, each 256 items of
    // an unknown one; and never going back (the specification wants progress to increase).
    uint64_t step = total > 0 ? done * 10 / total : done / 256;
    if ((step == m_last_step || done <= m_last_done) && m_last_step != UINT64_MAX)
        return;
    m_last_step = step;
    m_last_done = done;
    Json params = {{"progressToken", m_info.progress_token}, {"progress", done}};
    if (total > 0)
        params["total"] = total;
    if (!message.empty())
        params["message"] = message;
    m_info.emit(dump(make_notification("notifications/progress", std::move(params))));
}

Result<observe::ObservedTaskService> ToolCall::service() {
    return cli::open_task_service(m_context);
}

namespace {

// The OpenTelemetry MCP semantic conventions' server operation duration, with their buckets.
constexpr std::array<double, 14> k_mcp_buckets {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300};
constexpr telemetry::Histogram<double> k_mcp_duration {"scopecraft.mcp", "mcp.server.operation.duration", "s",
                                                       "How long the MCP server takes to answer a request",
                                                       k_mcp_buckets};

}  // namespace

observe::ObserverSession& HostSettings::observer_session() {
    if (!session || session_root != globals.root_dir) {
        session.reset();  // the previous project's: flushed
        session = std::make_shared<observe::ObserverSession>(*environment, own_pipeline);
        session_root = globals.root_dir;
        resolved_project.reset();
        resolved_config.reset();
    }
    return *session;
}

void HostSettings::flush_telemetry() {
    if (session)
        session->flush();
}

CallOutcome run_request(HostSettings& host, const RequestInfo& info,
                        const std::function<Result<Json>(ToolCall&)>& work) {
    RequestEnvironment environment(*host.environment, info);
    cli::GlobalOptions globals = host.globals;
    globals.format = cli::OutputFormat::json;
    std::vector<Error> warnings;
    cli::Context context(environment, *host.clock, host.working_directory, globals,
                         [&warnings](const Error& warning) { warnings.push_back(warning); });
    observe::ObserverSession& session = host.observer_session();  // a new one when init_root changed project
    if (host.session_root == host.globals.root_dir) {
        // Lent to the request and taken back at its end: a copy cost every request an
        // allocation per path and per config key. (Should the request throw, they are resolved
        // again by the next one.)
        if (host.resolved_project)
            context.preset_project(*std::exchange(host.resolved_project, std::nullopt));
        if (host.resolved_config)
            context.preset_config(*std::exchange(host.resolved_config, std::nullopt));
    }
    std::unique_ptr<observe::CommandObserver> observer = start_observer(info, context, session);
    ToolCall call(host, context, info);
    // The long loops below (listings, replays) stop when the client cancels and report how far
    // they are when it asked for progress.
    activity::Activity activity(
        info.cancelled, [&call](uint64_t done, uint64_t total) { call.progress(done, total); }, info.check_input);
    auto started = std::chrono::steady_clock::now();
    Result<Json> result = work(call);
    activity.settle();
    if (observer) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        // On the stack: a vector cost every request an allocation and its growth.
        std::array<telemetry::Attribute, 4> attributes {{{"mcp.method.name", std::string_view(info.method)}}};
        size_t count = 1;
        if (!info.protocol_version.empty())
            attributes[count++] = {"mcp.protocol.version", std::string_view(info.protocol_version)};
        if (!info.target.empty())
            attributes[count++] = {"gen_ai.tool.name", std::string_view(info.target)};
        if (!result.ok())
            attributes[count++] = {"error.type", error_code_name(result.error().code)};
        k_mcp_duration.record(seconds, std::span<const telemetry::Attribute>(attributes.data(), count));
        observer->finish(result.ok() ? 0 : 1, result.ok() ? nullptr : &result.error());
        context.set_observer(nullptr);
    }
    std::string serialised = result.ok() ? call.take_serialised() : std::string();
    if (host.session_root == host.globals.root_dir) {
        if (!host.resolved_project)
            host.resolved_project = context.take_project();
        if (!host.resolved_config)
            host.resolved_config = context.take_config();
    }
    return {std::move(result), std::move(serialised), std::move(warnings)};
}

}  // namespace sc::mcp

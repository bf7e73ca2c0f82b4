#pragma once
// The MCP server's message handling, independent of the transport: stdio hands it each line,
// the Streamable HTTP transport (later) each POST body. Lifecycle (initialize, initialized),
// version negotiation, ping, tools/list with pagination, tools/call, logging/setLevel.
// Protocol faults are JSON-RPC errors; tool failures are results with `isError`.

#include <atomic>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "mcp/json_rpc.hpp"
#include "mcp/tool.hpp"
#include "mcp/tool_call.hpp"

namespace sc::mcp {

/// Newest first; the first is what we answer a client asking for a version we do not know.
inline constexpr const char* k_protocol_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

struct ServerOptions {
    std::string name = "scopecraft";
    std::string version = "0.1.0";
    size_t page_size = 50;  // tools per tools/list page
    std::string session_id;
};

class Server {
public:
    Server(ServerOptions options, std::vector<Tool> tools, HostSettings host);

    /// Handles one received message (a line of stdio, without its newline) and returns the
    /// messages to send back, in order: log notifications first, then the response, if any.
    /// Never throws.
    std::vector<std::string> handle(std::string_view text);

    /// The answer to a message longer than the transport accepts (it was not read).
    [[nodiscard]] std::string too_large(size_t size, size_t limit) const;

    /// Where messages that cannot wait for the response go (progress notifications): the
    /// transport writes them at once. Without one they are dropped.
    void set_emitter(std::function<void(const std::string&)> emit) { m_emit = std::move(emit); }

    /// Where a running call looks for input that arrived meanwhile, without waiting: the stdio
    /// transport reads what is there and calls cancel() for a notifications/cancelled in it.
    /// Called on the call's own thread, from the long loops' cancellation checks (at most once
    /// a millisecond, once the call has run that long) and before a call of a millisecond or
    /// more is answered (util/activity.hpp). Without one, cancel() comes from elsewhere (HTTP).
    void set_input_check(std::function<void()> check) { m_input_check = std::move(check); }

    /// notifications/cancelled for `request_id` (id_text form), from the input check during a
    /// call or from another thread (another HTTP request) while handle() runs: the running
    /// request stops at its next check and gets no response; a request not started yet is
    /// dropped when it comes. Thread-safe.
    void cancel(const std::string& request_id);

    /// Writes the telemetry of the requests answered so far to the store: the transport calls
    /// it when the client is idle, and at least every second while it is busy.
    void flush_telemetry() { m_host.flush_telemetry(); }
    /// Requests answered whose telemetry is not stored yet.
    [[nodiscard]] size_t unflushed_telemetry() const { return m_host.unflushed_telemetry(); }

    [[nodiscard]] bool initialized() const { return m_initialized; }
    [[nodiscard]] const std::string& protocol_version() const { return m_version; }
    [[nodiscard]] const std::string& client_name() const { return m_client_name; }

private:
    Json handle_message(const Json& message, std::vector<std::string>& out);
    /// A response as text: "" for none (a notification), the serialised one a tool built
    /// (call_tool answers a discarded Json then).
    std::string serialise(const Json& response);
    Json handle_request(const Json& request, std::vector<std::string>& out);
    void handle_notification(const Json& notification);
    Json initialize(const Json& id, const Json& params);
    Json list_tools(const Json& id, const Json& params);
    Json call_tool(const Json& id, const Json& params, std::vector<std::string>& out);
    Json set_level(const Json& id, const Json& params);
    void log(std::vector<std::string>& out, const std::string& level, const Error& problem) const;
    [[nodiscard]] RequestInfo request_info(const std::string& method, const std::string& target, const Json& id,
                                           const Json& params) const;
    /// Answers a request under its own server span (everything but ping, which clients send as
    /// a keep-alive and which changes nothing).
    Json observed(const std::string& method, const Json& id, const Json& params, const std::function<Json()>& answer);

    ServerOptions m_options;
    std::vector<Tool> m_tools;
    HostSettings m_host;
    bool m_initialized = false;  // initialize answered
    bool m_ready = false;        // notifications/initialized received
    std::string m_version;
    std::string m_client_name;
    int m_log_threshold = 3;       // warning; index into k_levels
    std::set<std::string> m_seen;  // request ids used in this session
    std::string m_serialised;      // the response call_tool built as text
    std::function<void(const std::string&)> m_emit;
    std::function<void()> m_input_check;
    // Cancellation, shared with the thread cancel() may come from.
    std::mutex m_cancel_mutex;
    std::string m_running;                   // id_text of the request being handled
    std::set<std::string> m_cancel_pending;  // cancelled before they started (bounded)
    std::atomic<bool> m_cancelled {false};   // the running request's
};

}  // namespace sc::mcp

#pragma once
// The MCP Streamable HTTP transport (docs/mcp.md, "Streamable HTTP"): the endpoint /mcp on the
// network server of sc-server (`sc mcp --http`, `sc telemetry serve`). Each session is a
// transport-independent mcp::Server, as over stdio; this file only maps HTTP onto it:
// - POST carries one JSON-RPC message (a batch only in protocol 2025-03-26, which the Server
//   checks). A body with requests is answered with application/json, or with a
//   text/event-stream (progress and log notifications as they happen, then the response) when
//   a request carries a progress token and the client accepts event streams. A body of
//   notifications or responses only is answered 202 with no body.
// - initialize opens a session; its answer carries `Mcp-Session-Id`, which every later request
//   must carry (400 without it, 404 for a session unknown or ended). Sessions are bounded: the
//   least recently used one is ended to make room.
// - `MCP-Protocol-Version`, when sent, must be a version we speak (400); absent means
//   2025-03-26, as the specification says.
// - Requests addressed to a loopback server must name a loopback Host, and a browser's Origin
//   must be this machine's (403 otherwise): DNS rebinding protection. Binds beyond loopback need
//   the bearer token, which the HTTP server checks before any route runs.
// - GET answers 405 (the server opens no stream of its own: it sends no requests, and
//   notifications only within a call); DELETE ends the session.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "mcp/tool_call.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/security.hpp"
#include "server/serve_context.hpp"

namespace sc::mcp {

/// Sessions kept at once; beyond it the least recently used one is ended (its client gets 404
/// and, as the specification tells it, starts a new session).
inline constexpr size_t k_max_http_sessions = 64;

struct HttpTransportOptions {
    /// Whether the server listens on loopback only: then the Host header must name this machine.
    bool loopback = true;
    server::OriginPolicy origins;
    size_t max_sessions = k_max_http_sessions;
    /// The settings each new session starts from (environment, clock, folder, global options).
    std::function<HostSettings()> host_settings;
};

struct HttpSession;

class HttpTransport {
public:
    explicit HttpTransport(HttpTransportOptions options);
    ~HttpTransport();
    HttpTransport(const HttpTransport&) = delete;
    HttpTransport& operator=(const HttpTransport&) = delete;

    /// POST /mcp.
    void post(const server::Request& request, server::Response& response);
    /// DELETE /mcp: ends the session it names.
    void end(const server::Request& request, server::Response& response);
    /// Sessions open now.
    [[nodiscard]] size_t session_count() const;

private:
    /// The 403 answer for a request a browser on another site may have sent; empty when allowed.
    [[nodiscard]] std::string refused_origin(const server::Request& request) const;
    std::shared_ptr<HttpSession> find(const std::string& id);
    void add(const std::string& id, std::shared_ptr<HttpSession> session);

    HttpTransportOptions m_options;
    mutable std::mutex m_mutex;
    std::map<std::string, std::shared_ptr<HttpSession>, std::less<>> m_sessions;
    uint64_t m_uses = 0;  // a clock for least-recently-used eviction
};

/// The error body of every refusal: a JSON-RPC error with id null, as the MCP SDKs answer.
void answer_http_error(server::Response& response, int status, const std::string& message);

/// Whether a Host header ("localhost:4318", "[::1]:80", "127.0.0.1") names this machine.
bool host_is_loopback(std::string_view host_header);

/// POST, DELETE (and, by the router, 405 for GET) on /mcp, sharing one session table.
void add_mcp_http_routes(server::Router& router, const server::ServeContext& context);

}  // namespace sc::mcp

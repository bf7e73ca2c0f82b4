#pragma once
// The server's own telemetry for one request, as the HTTP semantic conventions describe it: a
// SERVER span named "{method} {route}" with http.request.method, url.path, url.scheme,
// http.route, http.response.status_code, server.address/port, client.address/port,
// user_agent.original and network.protocol.version, parented by the caller's traceparent; and
// the http.server.request.duration histogram (seconds). Both go through the installed telemetry
// pipeline (server/server_telemetry.hpp) and cost nothing when telemetry is off.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "telemetry/api/telemetry.hpp"

namespace sc::server {

struct RequestFacts {
    std::string_view method;
    std::string_view path;
    std::string_view route;  // the matched route's path; empty when none matched
    std::string_view traceparent;
    std::string_view user_agent;
    std::string_view client_address;
    int client_port = 0;
    std::string_view server_address;
    int server_port = 0;
    std::string_view protocol_version;  // "1.1"
};

class RequestTelemetry {
public:
    explicit RequestTelemetry(const RequestFacts& facts);
    ~RequestTelemetry();
    RequestTelemetry(const RequestTelemetry&) = delete;
    RequestTelemetry& operator=(const RequestTelemetry&) = delete;

    /// The span's context, to make it current while the route runs (child spans nest under it).
    [[nodiscard]] const telemetry::SpanContext& context() const { return m_span.context(); }
    /// Ends the span with the response status (5xx marks it as an error) and records the
    /// duration. Idempotent; the destructor ends it as 500 when never called.
    void end(int status);

private:
    telemetry::Span m_span;
    std::chrono::steady_clock::time_point m_start;
    std::string m_method;
    std::string m_route;
    std::string m_protocol;
    bool m_ended = false;
};

}  // namespace sc::server

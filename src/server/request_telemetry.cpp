#include "server/request_telemetry.hpp"

#include <array>

#include "telemetry/sdk/propagation.hpp"

namespace sc::server {

namespace {

constexpr telemetry::Tracer k_tracer {"scopecraft.server", "0.1.0"};

// The boundaries the HTTP semantic conventions advise for request durations.
constexpr std::array<double, 14> k_duration_buckets {0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25,
                                                     0.5,   0.75, 1,     2.5,  5,     7.5, 10};

const telemetry::Histogram<double> k_request_duration {"scopecraft.server", "http.server.request.duration", "s",
                                                       "Duration of HTTP server requests",
                                                       std::span<const double>(k_duration_buckets)};

// The semantic conventions keep method values low-cardinality: anything but the methods of
// RFC 9110 and PATCH becomes _OTHER.
std::string known_method(std::string_view method) {
    static constexpr std::string_view k_known[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                                   "CONNECT", "OPTIONS", "TRACE", "PATCH"};
    for (std::string_view known : k_known)
        if (method == known)
            return std::string(method);
    return "_OTHER";
}

}  // namespace

RequestTelemetry::RequestTelemetry(const RequestFacts& facts)
    : m_start(std::chrono::steady_clock::now()),
      m_method(known_method(facts.method)),
      m_route(facts.route),
      m_protocol(facts.protocol_version) {
    std::string name = m_route.empty() ? m_method : m_method + " " + m_route;
    telemetry::SpanOptions options;
    options.kind = telemetry::SpanKind::server;
    std::optional<telemetry::SpanContext> parent;
    if (!facts.traceparent.empty())
        if (Result<telemetry::SpanContext> parsed = telemetry::sdk::parse_traceparent(facts.traceparent); parsed.ok())
            parent = parsed.value();
    if (parent)
        options.parent = &*parent;
    else
        options.new_root = true;
    int64_t server_port = facts.server_port;
    int64_t client_port = facts.client_port;
    std::vector<telemetry::Attribute> attributes = {
        {"http.request.method", std::string_view(m_method)},
        {"url.path", facts.path},
        {"url.scheme", "http"},
        {"server.address", facts.server_address},
        {"server.port", server_port},
        {"client.address", facts.client_address},
        {"client.port", client_port},
        {"network.protocol.version", std::string_view(m_protocol)},
    };
    if (!m_route.empty())
        attributes.push_back({"http.route", std::string_view(m_route)});
    if (!facts.user_agent.empty())
        attributes.push_back({"user_agent.original", facts.user_agent});
    options.attributes = std::span<const telemetry::Attribute>(attributes);
    m_span = k_tracer.start_span(name, options);
}

RequestTelemetry::~RequestTelemetry() {
    end(500);
}

void RequestTelemetry::end(int status) {
    if (m_ended)
        return;
    m_ended = true;
    int64_t code = status;
    std::string error_type = status >= 500 ? std::to_string(status) : "";
    if (m_span.is_recording()) {
        m_span.set_attribute("http.response.status_code", code);
        // Server spans are errors for 5xx only; a 4xx is the client's mistake.
        if (status >= 500)
            m_span.set_error(error_type);
        m_span.end();
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    std::vector<telemetry::Attribute> attributes = {
        {"http.request.method", std::string_view(m_method)},
        {"http.response.status_code", code},
        {"url.scheme", "http"},
        {"network.protocol.version", std::string_view(m_protocol)},
    };
    if (!m_route.empty())
        attributes.push_back({"http.route", std::string_view(m_route)});
    if (!error_type.empty())
        attributes.push_back({"error.type", std::string_view(error_type)});
    k_request_duration.record(seconds, std::span<const telemetry::Attribute>(attributes));
}

}  // namespace sc::server

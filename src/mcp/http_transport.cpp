#include "mcp/http_transport.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "mcp/server.hpp"
#include "mcp/stdio_transport.hpp"
#include "telemetry/api/trace.hpp"
#include "telemetry/sdk/ids.hpp"
#include "util/text.hpp"

namespace sc::mcp {

struct HttpSession {
    HttpSession(ServerOptions options, HostSettings host) : server(std::move(options), all_tools(), std::move(host)) {}
    std::mutex mutex;  // one message at a time, in the order they come, as over stdio
    Server server;
    uint64_t used = 0;  // HttpTransport::m_uses when last found
};

namespace {

// JSON-RPC's range for implementation-defined server errors; the MCP SDKs answer transport
// refusals with it.
constexpr auto k_transport_error = static_cast<RpcError>(-32000);

constexpr const char* k_versions_spoken = "2025-11-25, 2025-06-18, 2025-03-26 and 2024-11-05";

bool known_version(std::string_view version) {
    return std::any_of(std::begin(k_protocol_versions), std::end(k_protocol_versions),
                       [&](const char* known) { return version == known; });
}

// A session id nobody can guess (the specification asks for a cryptographically secure one):
// 128 bits from the system's random source, or from the trace-id generator if it is missing.
std::string new_session_id() {
    unsigned char bytes[16];
    bool random = false;
    int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        random = ::read(fd, bytes, sizeof bytes) == static_cast<ssize_t>(sizeof bytes);
        ::close(fd);
    }
    if (!random)
        return telemetry::to_hex(telemetry::sdk::new_trace_id());
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string id;
    for (unsigned char byte : bytes) {
        id += k_hex[byte >> 4];
        id += k_hex[byte & 15];
    }
    return id;
}

// Whether the Accept header takes a media type ("text/event-stream"): listed, or by a wildcard.
// No Accept header takes anything.
bool accepts(const server::Request& request, std::string_view type) {
    std::optional<std::string_view> accept = request.header("Accept");
    if (!accept)
        return true;
    std::string lower = text::to_lower_ascii(*accept);
    std::string family = std::string(type.substr(0, type.find('/'))) + "/*";
    return lower.find(type) != std::string::npos || lower.find("*/*") != std::string::npos ||
           lower.find(family) != std::string::npos;
}

struct BodyFacts {
    bool has_request = false;            // something to answer: a request, or a message that is invalid
    bool initialize = false;             // an initialize request, alone
    bool progress_token = false;         // a request asks for progress notifications
    bool only_cancelled = true;          // nothing but notifications/cancelled
    std::vector<std::string> cancelled;  // the requests notifications/cancelled name (id_text)
};

BodyFacts facts_of(const Json& message) {
    BodyFacts facts;
    std::vector<const Json*> items;
    if (message.is_array())
        for (const Json& item : message)
            items.push_back(&item);
    else
        items.push_back(&message);
    for (const Json* item : items) {
        Classified kind = classify(*item);
        bool cancel = false;
        if (kind.kind == MessageKind::request || kind.kind == MessageKind::invalid) {
            facts.has_request = true;
            const std::string method = item->is_object() ? item->value("method", "") : "";
            facts.initialize = facts.initialize || (method == "initialize" && !message.is_array());
            if (auto params = item->find("params"); params != item->end() && params->is_object())
                if (auto meta = params->find("_meta"); meta != params->end() && meta->is_object())
                    facts.progress_token = facts.progress_token || meta->contains("progressToken");
        } else if (kind.kind == MessageKind::notification && (*item)["method"] == "notifications/cancelled") {
            if (auto params = item->find("params"); params != item->end() && params->is_object())
                if (auto id = params->find("requestId");
                    id != params->end() && (id->is_string() || id->is_number_integer())) {
                    facts.cancelled.push_back(id_text(*id));
                    cancel = true;
                }
        }
        facts.only_cancelled = facts.only_cancelled && cancel;
    }
    return facts;
}

// Whether a message the Server answered is a notification (a log message or progress), not
// the response: the Server serialises every notification with its method first.
bool is_notification(const std::string& message) {
    return text::starts_with(message, R"({"jsonrpc":"2.0","method":)");
}

std::string sse_event(const std::string& message) {
    return "event: message\ndata: " + message + "\n\n";
}

// Runs one body through the session's Server, in order with the session's other bodies.
std::vector<std::string> run(HttpSession& session, std::string_view body,
                             std::function<void(const std::string&)> emit) {
    std::lock_guard lock(session.mutex);
    session.server.set_emitter(std::move(emit));
    std::vector<std::string> out = session.server.handle(body);
    session.server.set_emitter(nullptr);
    session.server.flush_telemetry();
    return out;
}

}  // namespace

void answer_http_error(server::Response& response, int status, const std::string& message) {
    response.status = status;
    response.content_type = "application/json";
    response.body = dump(make_error(nullptr, k_transport_error, message)) + "\n";
}

bool host_is_loopback(std::string_view host_header) {
    std::string_view host = text::trim(host_header);
    if (!host.empty() && host.front() == '[') {
        size_t close = host.find(']');
        if (close == std::string_view::npos)
            return false;
        host = host.substr(0, close + 1);
    } else if (size_t colon = host.find(':'); colon != std::string_view::npos) {
        host = host.substr(0, colon);
    }
    return !host.empty() && server::is_loopback_host(host);
}

HttpTransport::HttpTransport(HttpTransportOptions options) : m_options(std::move(options)) {}

HttpTransport::~HttpTransport() = default;

size_t HttpTransport::session_count() const {
    std::lock_guard lock(m_mutex);
    return m_sessions.size();
}

std::shared_ptr<HttpSession> HttpTransport::find(const std::string& id) {
    std::lock_guard lock(m_mutex);
    auto found = m_sessions.find(id);
    if (found == m_sessions.end())
        return nullptr;
    found->second->used = ++m_uses;
    return found->second;
}

void HttpTransport::add(const std::string& id, std::shared_ptr<HttpSession> session) {
    std::lock_guard lock(m_mutex);
    while (!m_sessions.empty() && m_sessions.size() >= std::max<size_t>(1, m_options.max_sessions)) {
        auto oldest = std::min_element(m_sessions.begin(), m_sessions.end(),
                                       [](const auto& a, const auto& b) { return a.second->used < b.second->used; });
        m_sessions.erase(oldest);  // a request of it still running keeps it alive until it ends
    }
    session->used = ++m_uses;
    m_sessions.emplace(id, std::move(session));
}

std::string HttpTransport::refused_origin(const server::Request& request) const {
    if (m_options.loopback) {
        std::optional<std::string_view> host = request.header("Host");
        if (host && !host_is_loopback(*host))
            return "Forbidden: the Host header \"" + std::string(*host) +
                   "\" is not this machine's; a server listening on loopback answers only requests addressed to "
                   "localhost, 127.0.0.1 or [::1] (DNS rebinding protection)";
    }
    if (!server::origin_allowed(request, m_options.origins))
        return "Forbidden: the Origin \"" + std::string(request.header("Origin").value_or("")) +
               "\" may not call this server; only pages served from this machine may (DNS rebinding protection)";
    return "";
}

void HttpTransport::post(const server::Request& request, server::Response& response) {
    if (std::string refused = refused_origin(request); !refused.empty())
        return answer_http_error(response, 403, refused);
    if (request.media_type() != "application/json")
        return answer_http_error(response, 415,
                                 "Unsupported Media Type: send the JSON-RPC message with \"Content-Type: "
                                 "application/json\"");
    const bool json_ok = accepts(request, "application/json");
    const bool stream_ok = accepts(request, "text/event-stream");
    if (!json_ok && !stream_ok)
        return answer_http_error(response, 406,
                                 "Not Acceptable: the answer is application/json or text/event-stream; send "
                                 "\"Accept: application/json, text/event-stream\"");
    if (auto version = request.header("MCP-Protocol-Version"); version && !known_version(text::trim(*version)))
        return answer_http_error(response, 400,
                                 "Bad Request: unsupported MCP-Protocol-Version \"" + std::string(*version) +
                                     "\" (this server speaks " + k_versions_spoken + ")");
    Json parsed = Json::parse(request.body, nullptr, false);
    if (parsed.is_discarded()) {
        response.status = 400;
        response.content_type = "application/json";
        response.body = dump(make_error(nullptr, RpcError::parse_error,
                                        "parse error: the body is not valid JSON (or not valid UTF-8)")) +
                        "\n";
        return;
    }
    BodyFacts facts = facts_of(parsed);

    std::shared_ptr<HttpSession> session;
    std::string new_id;
    if (std::optional<std::string_view> header = request.header("Mcp-Session-Id")) {
        session = find(std::string(text::trim(*header)));
        if (!session)
            return answer_http_error(response, 404,
                                     "Not Found: no session \"" + std::string(*header) +
                                         "\" (it ended, or the server restarted): send initialize without "
                                         "Mcp-Session-Id to start a new one");
    } else if (facts.initialize) {
        new_id = new_session_id();
        ServerOptions options;
        options.session_id = new_id;
        session = std::make_shared<HttpSession>(std::move(options), m_options.host_settings());
    } else {
        return answer_http_error(response, 400,
                                 "Bad Request: the Mcp-Session-Id header is required: send the id the answer to "
                                 "initialize carried, or initialize (without the header) to start a session");
    }

    // A cancellation reaches the call it names at once, while that call holds the session; a
    // body of nothing else needs no turn of its own.
    for (const std::string& id : facts.cancelled)
        session->server.cancel(id);
    if (facts.only_cancelled) {
        response.status = 202;
        return;
    }

    // A call that asked for progress hears it as it happens: an event stream, written while the
    // call runs (under the HTTP server's span, current here and made current again there).
    if (new_id.empty() && facts.has_request && facts.progress_token && stream_ok) {
        response.status = 200;
        response.content_type = "text/event-stream";
        response.set_header("Cache-Control", "no-cache");
        telemetry::SpanContext parent = telemetry::current_context();
        std::string body = request.body;
        response.stream = [session, body, parent](const server::ChunkWriter& write) {
            telemetry::Scope scope(parent);
            bool connected = true;
            auto send = [&](const std::string& message) {
                connected = connected && write(sse_event(message));  // a client gone: the call still ends
            };
            for (const std::string& message : run(*session, body, send))
                send(message);
            return false;
        };
        return;
    }

    std::vector<std::string> out = run(*session, request.body, nullptr);
    if (!new_id.empty()) {
        if (!session->server.initialized()) {
            // The Server's JSON-RPC error says what was wrong with it; no session was started.
            response.status = 400;
            response.content_type = "application/json";
            response.body = out.empty() ? std::string() : out.back() + "\n";
            return;
        }
        add(new_id, session);
        response.set_header("Mcp-Session-Id", new_id);
    }
    if (!facts.has_request || out.empty() || is_notification(out.back())) {
        // Notifications and responses only, or a request cancelled before it ran: nothing to say.
        response.status = 202;
        return;
    }
    if (out.size() > 1 && stream_ok) {
        // Log notifications came with the response: a short event stream carries them all.
        response.content_type = "text/event-stream";
        response.set_header("Cache-Control", "no-cache");
        for (const std::string& line : out)
            response.body += sse_event(line);
        return;
    }
    response.content_type = "application/json";
    response.body = std::move(out.back());
    response.body += "\n";
}

void HttpTransport::end(const server::Request& request, server::Response& response) {
    if (std::string refused = refused_origin(request); !refused.empty())
        return answer_http_error(response, 403, refused);
    std::optional<std::string_view> header = request.header("Mcp-Session-Id");
    if (!header)
        return answer_http_error(response, 400, "Bad Request: the Mcp-Session-Id header names the session to end");
    std::shared_ptr<HttpSession> ended;  // its telemetry is stored when the last use of it ends
    {
        std::lock_guard lock(m_mutex);
        auto found = m_sessions.find(text::trim(*header));
        if (found != m_sessions.end()) {
            ended = std::move(found->second);
            m_sessions.erase(found);
        }
    }
    if (!ended)
        return answer_http_error(response, 404, "Not Found: no session \"" + std::string(*header) + "\"");
    response.status = 204;
}

void add_mcp_http_routes(server::Router& router, const server::ServeContext& context) {
    HttpTransportOptions options;
    options.loopback = context.loopback;
    cli::Context* process = context.context;
    options.host_settings = [process] {
        HostSettings host;
        host.environment = &process->environment();
        host.clock = &process->clock();
        host.working_directory = process->working_directory();
        host.globals = process->globals();
        // The network server's pipeline records the requests' spans, beneath its HTTP spans.
        host.own_pipeline = false;
        host.transport = "tcp";
        return host;
    };
    auto transport = std::make_shared<HttpTransport>(std::move(options));
    // The errors the HTTP server answers itself on /mcp (401, 405, 413) in the same JSON form.
    auto errors = [](const server::Request&, int status, const std::string& message, server::Response& response) {
        answer_http_error(response, status, message);
    };

    server::Route post;
    post.method = "POST";
    post.path = "/mcp";
    post.max_body_bytes = k_max_message_bytes;
    post.errors = errors;
    post.handler = [transport](const server::Request& request, server::Response& response) {
        transport->post(request, response);
    };
    router.add(std::move(post));

    server::Route end;
    end.method = "DELETE";
    end.path = "/mcp";
    end.max_body_bytes = 0;
    end.errors = errors;
    end.handler = [transport](const server::Request& request, server::Response& response) {
        transport->end(request, response);
    };
    router.add(std::move(end));
    // No GET: the router answers 405 with "Allow: DELETE, POST", which tells a client that the
    // server opens no stream of its own.
}

}  // namespace sc::mcp

#include "server/http_server.hpp"

#include <httplib.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <thread>

#include "server/request_telemetry.hpp"
#include "server/security.hpp"
#include "util/text.hpp"

namespace sc::server {

namespace {

// What the hooks of one request share: cpp-httplib runs the pre-routing handler, the route
// and the logger of a request on the same pool thread, one request at a time.
struct InFlight {
    std::optional<RequestTelemetry> telemetry;
};
thread_local InFlight t_in_flight;

Request headers_of(const httplib::Request& from) {
    Request request;
    request.method = from.method;
    request.path = from.path;
    size_t question = from.target.find('?');
    if (question != std::string::npos)
        request.query = from.target.substr(question + 1);
    for (const auto& [name, value] : from.headers) {
        // cpp-httplib adds the peer's and its own address as pseudo-headers.
        if (name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT")
            continue;
        request.headers.emplace_back(name, value);
    }
    request.remote_address = from.remote_addr;
    request.remote_port = from.remote_port;
    return request;
}

void write_response(const Response& from, httplib::Response& to) {
    to.status = from.status;
    for (const auto& [name, value] : from.headers)
        to.set_header(name, value);
    std::string type = from.content_type.empty() ? "text/plain; charset=utf-8" : from.content_type;
    if (from.stream) {
        auto stream = from.stream;
        to.set_chunked_content_provider(type, [stream](size_t, httplib::DataSink& sink) {
            bool more = stream([&sink](std::string_view chunk) { return sink.write(chunk.data(), chunk.size()); });
            if (!more)
                sink.done();
            return true;
        });
        return;
    }
    if (!from.content_type.empty() || !from.body.empty())
        to.set_content(from.body, type);
}

// The body of a request that failed was not read to its end: what is left on the connection
// is not the start of the next request. Answering with "Connection: close" (which cpp-httplib
// takes from the request) makes both sides drop it.
void close_after_response(const httplib::Request& request) {
    auto& headers = const_cast<httplib::Request&>(request).headers;  // NOLINT: the object is not const
    headers.erase("Connection");
    headers.emplace("Connection", "close");
}

bool accepted_encoding(std::string_view encoding) {
    std::string lower = text::to_lower_ascii(text::trim(encoding));
    // cpp-httplib inflates gzip and deflate before the body reaches us (and counts the limit
    // on what it inflates, through our receiver).
    return lower.empty() || lower == "identity" || lower == "gzip" || lower == "x-gzip" || lower == "deflate";
}

}  // namespace

struct HttpServer::Impl {
    HttpServerOptions options;
    httplib::Server server;
    std::atomic<bool> stop_requested {false};

    void log(const std::string& line) const {
        if (options.log)
            options.log(line);
    }

    void answer_error(const Route* route, const Request& request, int status, const std::string& message,
                      httplib::Response& to) const {
        Response response;
        response.status = status;
        if (route != nullptr && route->errors) {
            route->errors(request, status, message, response);
        } else {
            response.content_type = "text/plain; charset=utf-8";
            response.body = message + "\n";
        }
        response.status = status;
        write_response(response, to);
    }

    void run_route(const Route& route, const Request& request, httplib::Response& to) const {
        Response response;
        try {
            std::optional<telemetry::Scope> scope;
            if (t_in_flight.telemetry)
                scope.emplace(t_in_flight.telemetry->context());
            route.handler(request, response);
        } catch (const std::exception& exception) {
            log("error: " + request.method + " " + request.path + " failed: " + exception.what());
            response = Response {};
            answer_error(&route, request, 500, std::string("internal error: ") + exception.what(), to);
            return;
        }
        write_response(response, to);
    }
};

HttpServer::HttpServer(HttpServerOptions options, Router router)
    : m_impl(std::make_unique<Impl>()), m_router(std::move(router)) {
    m_impl->options = std::move(options);
    Impl& impl = *m_impl;
    httplib::Server& server = impl.server;
    const HttpServerOptions& given = impl.options;

    size_t threads = static_cast<size_t>(std::max(1, given.threads));
    server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    auto seconds_and_micros = [](std::chrono::milliseconds duration) {
        return std::pair<time_t, time_t> {static_cast<time_t>(duration.count() / 1000),
                                          static_cast<time_t>((duration.count() % 1000) * 1000)};
    };
    auto [read_s, read_us] = seconds_and_micros(given.read_timeout);
    server.set_read_timeout(read_s, read_us);
    server.set_write_timeout(read_s, read_us);
    server.set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(given.keep_alive_timeout.count() / 1000)));
    server.set_keep_alive_max_count(1000);
    // A Content-Length over every route's limit is refused before anything is read; the limit
    // of each route is enforced again, on the inflated bytes, while its body is read.
    server.set_payload_max_length(std::max(m_router.largest_body_limit(), size_t {1}));

    const Router* routes = &m_router;
    server.set_pre_routing_handler([&impl, routes](const httplib::Request& from, httplib::Response& to) {
        const Route* route = routes->find(from.method, from.path);
        std::vector<const Route*> on_path = routes->on_path(from.path);
        RequestFacts facts;
        facts.method = from.method;
        facts.path = from.path;
        facts.route = on_path.empty() ? std::string_view {} : std::string_view(from.path);
        std::string traceparent = from.get_header_value("traceparent");
        std::string user_agent = from.get_header_value("User-Agent");
        facts.traceparent = traceparent;
        facts.user_agent = user_agent;
        facts.client_address = from.remote_addr;
        facts.client_port = from.remote_port;
        facts.server_address = from.local_addr;
        facts.server_port = from.local_port;
        std::string version = text::starts_with(from.version, "HTTP/") ? from.version.substr(5) : from.version;
        facts.protocol_version = version;
        t_in_flight.telemetry.reset();
        t_in_flight.telemetry.emplace(facts);

        const Route* format = route != nullptr ? route : (on_path.empty() ? nullptr : on_path.front());
        const std::string& token = impl.options.token;
        if (!token.empty() && (route == nullptr || route->requires_token) &&
            !bearer_matches(from.get_header_value("Authorization"), token)) {
            to.set_header("WWW-Authenticate", "Bearer");
            impl.answer_error(format, headers_of(from), 401,
                              "a bearer token is required: send the header \"Authorization: Bearer <token>\" with "
                              "the token the server was started with",
                              to);
            close_after_response(from);
            return httplib::Server::HandlerResponse::Handled;
        }
        if (on_path.empty()) {
            impl.answer_error(nullptr, headers_of(from), 404, "no such path: " + from.path, to);
            close_after_response(from);
            return httplib::Server::HandlerResponse::Handled;
        }
        if (route == nullptr) {
            std::string allowed = routes->allowed_methods(from.path);
            to.set_header("Allow", allowed);
            impl.answer_error(format, headers_of(from), 405,
                              from.method + " is not allowed on " + from.path + " (allowed: " + allowed + ")", to);
            close_after_response(from);
            return httplib::Server::HandlerResponse::Handled;
        }
        std::string encoding = from.get_header_value("Content-Encoding");
        if (!accepted_encoding(encoding)) {
            impl.answer_error(route, headers_of(from), 415,
                              "Content-Encoding \"" + encoding + "\" is not supported (send gzip or no encoding)", to);
            close_after_response(from);
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    auto without_body = [&impl, routes](const httplib::Request& from, httplib::Response& to) {
        const Route* route = routes->find(from.method, from.path);
        if (route == nullptr)
            return;  // answered by the pre-routing handler
        Request request = headers_of(from);
        if (from.body.size() > route->max_body_bytes) {
            impl.answer_error(route, request, 413, "the request body is larger than the limit", to);
            return;
        }
        request.body = from.body;
        impl.run_route(*route, request, to);
    };
    auto with_body = [&impl, routes](const httplib::Request& from, httplib::Response& to,
                                     const httplib::ContentReader& reader) {
        const Route* route = routes->find(from.method, from.path);
        if (route == nullptr)
            return;
        Request request = headers_of(from);
        enum class Outcome { complete, too_large, too_slow } outcome = Outcome::complete;
        const auto start = std::chrono::steady_clock::now();
        const auto deadline = start + impl.options.body_deadline;
        const size_t limit = route->max_body_bytes;
        bool read = reader([&](const char* data, size_t size) {
            if (request.body.size() + size > limit) {
                outcome = Outcome::too_large;
                return false;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                outcome = Outcome::too_slow;
                return false;
            }
            request.body.append(data, size);
            return true;
        });
        if (read && outcome == Outcome::complete) {
            impl.run_route(*route, request, to);
            return;
        }
        close_after_response(from);
        request.body.clear();
        auto waited = std::chrono::steady_clock::now() - start;
        if (outcome == Outcome::too_large || to.status == 413)
            impl.answer_error(route, request, 413,
                              "the request body is larger than the limit of " + std::to_string(limit) +
                                  " bytes (counted after inflating gzip)",
                              to);
        else if (outcome == Outcome::too_slow || waited >= impl.options.read_timeout)
            impl.answer_error(route, request, 408, "the request body did not arrive in time", to);
        else
            impl.answer_error(route, request, 400,
                              "the request body could not be read (cut short, or a broken gzip stream)", to);
    };
    server.Get(".*", without_body);
    server.Options(".*", without_body);
    server.Post(".*", with_body);
    server.Put(".*", with_body);
    server.Patch(".*", with_body);
    server.Delete(".*", with_body);

    server.set_logger([&impl](const httplib::Request& from, const httplib::Response& to) {
        if (t_in_flight.telemetry) {
            t_in_flight.telemetry->end(to.status);
            t_in_flight.telemetry.reset();
        }
        if (to.status >= 400)
            impl.log(from.method + " " + from.path + " " + std::to_string(to.status) + " " +
                     std::string(status_reason(to.status)) + " (" + from.remote_addr + ")");
    });
    server.set_exception_handler([&impl](const httplib::Request& from, httplib::Response& to, std::exception_ptr) {
        impl.log("error: " + from.method + " " + from.path + " failed unexpectedly");
        to.status = 500;
        to.set_content("internal error\n", "text/plain; charset=utf-8");
    });
}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::bind() {
    const HttpServerOptions& options = m_impl->options;
    if (options.port < 0 || options.port > 65535)
        return make_error(ErrorCode::invalid_argument, "port " + std::to_string(options.port) + " is out of range",
                          "give a port from 1 to 65535, or 0 for any free port");
    int port = 0;
    if (options.port == 0) {
        port = m_impl->server.bind_to_any_port(options.host);
    } else {
        port = m_impl->server.bind_to_port(options.host, options.port) ? options.port : -1;
    }
    if (port <= 0)
        return make_error(ErrorCode::io,
                          "cannot listen on " + options.host + ":" + std::to_string(options.port) +
                              " (the address is not this machine's, or the port is taken)",
                          "choose another --port, or stop what listens there");
    return port;
}

Status HttpServer::run() {
    if (m_impl->stop_requested.load())
        return {};
    if (!m_impl->server.listen_after_bind() && !m_impl->stop_requested.load())
        return make_error(ErrorCode::io, "the listening socket failed", "restart the server");
    return {};
}

void HttpServer::stop() {
    m_impl->stop_requested.store(true);
    m_impl->server.stop();
}

bool HttpServer::running() const {
    return m_impl->server.is_running();
}

}  // namespace sc::server

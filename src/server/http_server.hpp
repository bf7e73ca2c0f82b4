#pragma once
// The HTTP listener of sc-server, over cpp-httplib (docs/architecture.md, "Why each
// dependency"): a pool of threads, each serving one connection at a time. Around every route it
// enforces what no route should have to repeat: the bearer token, 404 and 405 with Allow, the
// accepted content encodings, the body limit counted after inflating (gzip bombs answer 413
// early), a deadline for a body that arrives too slowly, a server span and a duration
// measurement per request. stop() lets the requests in flight finish before run() returns.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "server/router.hpp"
#include "util/result.hpp"

namespace sc::server {

struct HttpServerOptions {
    std::string host = "127.0.0.1";
    int port = 4318;  // 0: any free port (bind() returns it)
    /// Required as `Authorization: Bearer <token>` on every request when not empty.
    std::string token;
    /// Connections served at once; a slow client holds one until its deadline.
    int threads = 16;
    /// How long one read may wait for the client's next bytes.
    std::chrono::milliseconds read_timeout {5000};
    /// How long a whole request body may take to arrive, however steadily it trickles.
    std::chrono::milliseconds body_deadline {30000};
    /// How long an idle kept-alive connection stays open (also the longest wait at shutdown).
    std::chrono::milliseconds keep_alive_timeout {2000};
    /// Receives log lines for stderr (without the trailing newline).
    std::function<void(const std::string&)> log;
};

class HttpServer {
public:
    HttpServer(HttpServerOptions options, Router router);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds the listening socket; returns the port (the chosen one for port 0).
    Result<int> bind();
    /// Serves until stop(), then returns once the requests in flight are answered.
    Status run();
    /// Stops accepting connections; safe from any thread (not from a signal handler).
    void stop();
    /// Whether run() is accepting connections.
    [[nodiscard]] bool running() const;

    [[nodiscard]] const Router& router() const { return m_router; }

    struct Impl;

private:
    std::unique_ptr<Impl> m_impl;
    Router m_router;
};

}  // namespace sc::server

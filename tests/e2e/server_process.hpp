#pragma once
// The network server (`sc telemetry serve`) as a test sees it: started in a sandbox on a free
// port, spoken to over real sockets (whole requests, or raw bytes for the fault tests), and
// stopped with a signal.

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "e2e/sandbox.hpp"

namespace sc::e2e {

class ServerProcess {
public:
    /// Runs `sc [global] telemetry serve --port 0 [arguments]` in the sandbox's project and waits
    /// (up to 20 s) for its "listening on" line; started() says whether it came.
    /// `shell` (say "ulimit -f 2048"), when given, runs first in a shell that then execs sc.
    /// `command` replaces "telemetry serve" (say {"mcp", "--http"}: the same server).
    ServerProcess(const Sandbox& sandbox, const std::vector<std::string>& arguments,
                  const std::vector<std::string>& global = {}, const std::string& shell = "",
                  const std::vector<std::string>& command = {"telemetry", "serve"});
    ~ServerProcess();
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    [[nodiscard]] bool started() const { return m_port > 0; }
    [[nodiscard]] int port() const { return m_port; }
    /// Sends `signal` and waits (up to 30 s) for the exit; returns the exit code, or 128+signal
    /// when a signal killed it, or -1 when it did not exit in time (then it is killed).
    int stop(int signal = 15);
    /// Waits for an exit that needs no signal (a refused start); same codes as stop().
    int wait(std::chrono::milliseconds timeout = std::chrono::seconds(20));
    /// Everything it wrote on stderr so far.
    [[nodiscard]] std::string err() const;

private:
    pid_t m_pid = -1;
    int m_port = 0;
    int m_exit = -1;
    std::thread m_reader;
    mutable std::mutex m_mutex;
    std::string m_err;
};

struct HttpResponse {
    int status = 0;                              // 0: no answer (connection refused, closed or timed out)
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
};

/// One HTTP/1.1 request with Content-Length (and "Connection: close"); waits up to `timeout`.
HttpResponse http_request(int port, const std::string& method, const std::string& path, const std::string& body = "",
                          const std::vector<std::pair<std::string, std::string>>& headers = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// Sends `bytes` as they are, then reads the answer until the server closes or `timeout`.
HttpResponse http_exchange(int port, const std::string& bytes,
                           std::chrono::milliseconds timeout = std::chrono::seconds(20));

/// Parses an HTTP/1.1 response (status line, headers, body by Content-Length or to the end).
HttpResponse parse_http_response(const std::string& text);

/// A connected TCP socket to 127.0.0.1:port (-1 on failure), for tests that send slowly.
int connect_local(int port);

}  // namespace sc::e2e

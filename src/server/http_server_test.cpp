// The HTTP listener in-process: a route table on a free port, spoken to over a real socket.

#include "server/http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <thread>

namespace sc::server {
namespace {

std::string send_and_read(int port, const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        ::close(fd);
        return "";
    }
    [[maybe_unused]] ssize_t sent = ::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string answer;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
        answer.append(buffer, static_cast<size_t>(got));
    ::close(fd);
    return answer;
}

std::string post(int port, const std::string& path, const std::string& body, const std::string& headers = "") {
    return send_and_read(port, "POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + headers +
                                   "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
}

class Running {
public:
    explicit Running(Router router, HttpServerOptions options = {}) {
        options.port = 0;
        m_server = std::make_unique<HttpServer>(std::move(options), std::move(router));
        Result<int> port = m_server->bind();
        m_port = port.ok() ? port.value() : 0;
        m_thread = std::thread([this] { m_status = m_server->run(); });
        while (!m_server->running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~Running() {
        m_server->stop();
        m_thread.join();
    }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
    [[nodiscard]] int port() const { return m_port; }

private:
    std::unique_ptr<HttpServer> m_server;
    std::thread m_thread;
    Status m_status;
    int m_port = 0;
};

Router echo_routes() {
    Router router;
    Route echo;
    echo.method = "POST";
    echo.path = "/echo";
    echo.max_body_bytes = 10;
    echo.handler = [](const Request& request, Response& response) {
        response.content_type = "text/plain";
        response.body = request.body + "|" + std::string(request.header("x-tag").value_or("")) + "|" + request.query;
    };
    echo.errors = [](const Request&, int status, const std::string& message, Response& response) {
        response.content_type = "application/json";
        response.body = "{\"status\":" + std::to_string(status) + ",\"message\":\"" + message + "\"}";
    };
    router.add(echo);
    Route stream;
    stream.method = "GET";
    stream.path = "/events";
    stream.handler = [](const Request&, Response& response) {
        response.content_type = "text/event-stream";
        auto sent = std::make_shared<int>(0);
        response.stream = [sent](const ChunkWriter& write) {
            if (!write("data: " + std::to_string(*sent) + "\n\n"))
                return false;
            return ++*sent < 3;
        };
    };
    router.add(stream);
    Route failing;
    failing.method = "GET";
    failing.path = "/fail";
    failing.handler = [](const Request&, Response&) { throw std::runtime_error("broken route"); };
    router.add(failing);
    return router;
}

TEST(HttpServer, ARouteGetsBodyHeadersAndQuery) {
    Running server(echo_routes());
    std::string answer = post(server.port(), "/echo?x=1", "hello", "X-Tag: t\r\n");
    EXPECT_NE(answer.find("HTTP/1.1 200 OK"), std::string::npos) << answer;
    EXPECT_NE(answer.find("\r\n\r\nhello|t|x=1"), std::string::npos) << answer;
}

TEST(HttpServer, ABodyOverTheRouteLimitIsAnswered413InTheRoutesFormat) {
    Running server(echo_routes());
    std::string answer = post(server.port(), "/echo", "01234567890");
    EXPECT_NE(answer.find("HTTP/1.1 413 Payload Too Large"), std::string::npos) << answer;
    EXPECT_NE(answer.find("Content-Type: application/json"), std::string::npos) << answer;
    EXPECT_NE(answer.find(R"({"status":413,"message":"the request body is larger than the limit of 10 bytes)"),
              std::string::npos)
        << answer;
    EXPECT_NE(post(server.port(), "/echo", "0123456789").find("200 OK"), std::string::npos) << "10 bytes fit";
}

TEST(HttpServer, AStreamedBodyArrivesInChunks) {
    Running server(echo_routes());
    std::string answer = send_and_read(server.port(), "GET /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(answer.find("Transfer-Encoding: chunked"), std::string::npos) << answer;
    EXPECT_NE(answer.find("Content-Type: text/event-stream"), std::string::npos) << answer;
    for (const char* event : {"data: 0\n\n", "data: 1\n\n", "data: 2\n\n"})
        EXPECT_NE(answer.find(event), std::string::npos) << answer;
}

TEST(HttpServer, ARouteThatThrowsAnswers500AndTheServerGoesOn) {
    Running server(echo_routes());
    std::string answer = send_and_read(server.port(), "GET /fail HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_NE(answer.find("HTTP/1.1 500 Internal Server Error"), std::string::npos) << answer;
    EXPECT_NE(answer.find("internal error: broken route"), std::string::npos) << answer;
    EXPECT_NE(post(server.port(), "/echo", "x").find("200 OK"), std::string::npos);
}

TEST(HttpServer, ATokenIsCheckedBeforeAnythingElse) {
    HttpServerOptions options;
    options.token = "t0k";
    Running server(echo_routes(), options);
    EXPECT_NE(post(server.port(), "/echo", "x").find("401 Unauthorized"), std::string::npos);
    EXPECT_NE(post(server.port(), "/nowhere", "x").find("401 Unauthorized"), std::string::npos)
        << "no path is revealed without the token";
    EXPECT_NE(post(server.port(), "/echo", "x", "Authorization: Bearer t0k\r\n").find("200 OK"), std::string::npos);
}

}  // namespace
}  // namespace sc::server

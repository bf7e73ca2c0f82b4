// `sc mcp --http` end to end: the real sc execs the real sc-server serve, whose /mcp speaks
// MCP's Streamable HTTP; every status code and header rule checked over real sockets.

#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>

#include "e2e/sandbox.hpp"
#include "e2e/server_process.hpp"

namespace sc::e2e {
namespace {

using Json = nlohmann::ordered_json;

const std::vector<std::string> k_mcp_http = {"mcp", "--http"};

std::string rpc(int id, const std::string& method, const Json& params = Json::object()) {
    return Json {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}.dump();
}

std::vector<std::pair<std::string, std::string>> mcp_headers(const std::string& session = "",
                                                             const std::string& version = "2025-11-25") {
    std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"},
                                                                {"Accept", "application/json, text/event-stream"}};
    if (!session.empty())
        headers.emplace_back("Mcp-Session-Id", session);
    if (!version.empty())
        headers.emplace_back("MCP-Protocol-Version", version);
    return headers;
}

std::string initialize_body() {
    return rpc(0, "initialize",
               {{"protocolVersion", "2025-11-25"},
                {"capabilities", Json::object()},
                {"clientInfo", {{"name", "e2e-http"}, {"version", "1"}}}});
}

class McpHttp : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0); }

    // initialize, then notifications/initialized; returns the session id.
    static std::string open_session(int port, const std::vector<std::pair<std::string, std::string>>& extra = {}) {
        auto headers = mcp_headers("", "");
        headers.insert(headers.end(), extra.begin(), extra.end());
        HttpResponse answer = http_request(port, "POST", "/mcp", initialize_body(), headers);
        EXPECT_EQ(answer.status, 200) << answer.body;
        std::string session = answer.headers["mcp-session-id"];
        EXPECT_EQ(session.size(), 32u) << answer.body;
        auto ready_headers = mcp_headers(session);
        ready_headers.insert(ready_headers.end(), extra.begin(), extra.end());
        HttpResponse ready = http_request(port, "POST", "/mcp",
                                          R"({"jsonrpc":"2.0","method":"notifications/initialized"})", ready_headers);
        EXPECT_EQ(ready.status, 202);
        EXPECT_TRUE(ready.body.empty()) << ready.body;
        return session;
    }

    Sandbox m_sandbox;
};

TEST_F(McpHttp, ServesToolsOnMcpWithASessionAndTheResultIsTheClis) {
    ServerProcess server(m_sandbox, {}, {}, "", k_mcp_http);
    ASSERT_TRUE(server.started()) << server.err();
    std::string session = open_session(server.port());
    HttpResponse created = http_request(
        server.port(), "POST", "/mcp",
        rpc(1, "tools/call", {{"name", "task_create"}, {"arguments", {{"title", "Over HTTP"}, {"type", "chore"}}}}),
        mcp_headers(session));
    ASSERT_EQ(created.status, 200) << created.body;
    EXPECT_EQ(created.headers["content-type"], "application/json");
    Json result = Json::parse(created.body)["result"];
    ASSERT_EQ(result["isError"], false) << created.body;
    Json task = result["structuredContent"]["data"];
    std::string id = task["metadata"]["id"];
    EXPECT_EQ(task, m_sandbox.sc({"task", "get", id, "--format", "json"}).json());

    HttpResponse ended = http_request(server.port(), "DELETE", "/mcp", "", {{"Mcp-Session-Id", session}});
    EXPECT_EQ(ended.status, 204);
    HttpResponse gone = http_request(server.port(), "POST", "/mcp", rpc(2, "ping"), mcp_headers(session));
    EXPECT_EQ(gone.status, 404);
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
}

TEST_F(McpHttp, ASessionEndedAfterAListingLeavesTheServerStoppingCleanly) {
    // A listing gives the session the task counts that the tasks-by-status gauge reads; the
    // server's metric export, which outlives the session, must not read them once it has ended
    // (the ASan build of this test caught a read of the freed session at the final export).
    ServerProcess server(m_sandbox, {}, {}, "", k_mcp_http);
    ASSERT_TRUE(server.started()) << server.err();
    std::string session = open_session(server.port());
    HttpResponse listed = http_request(server.port(), "POST", "/mcp",
                                       rpc(1, "tools/call", {{"name", "task_list"}, {"arguments", Json::object()}}),
                                       mcp_headers(session));
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(Json::parse(listed.body)["result"]["isError"], false) << listed.body;
    EXPECT_EQ(http_request(server.port(), "DELETE", "/mcp", "", {{"Mcp-Session-Id", session}}).status, 204);
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
    EXPECT_EQ(server.err().find("ERROR: AddressSanitizer"), std::string::npos) << server.err();
}

TEST_F(McpHttp, AnswersEachTransportRuleWithItsStatusAndMessage) {
    ServerProcess server(m_sandbox, {}, {}, "", k_mcp_http);
    ASSERT_TRUE(server.started()) << server.err();
    const int port = server.port();
    std::string session = open_session(port);
    auto message_of = [](const HttpResponse& response) {
        Json body = Json::parse(response.body, nullptr, false);
        return body.is_discarded() ? response.body : body["error"]["message"].get<std::string>();
    };

    HttpResponse anonymous = http_request(port, "POST", "/mcp", rpc(1, "ping"), mcp_headers("", ""));
    EXPECT_EQ(anonymous.status, 400);
    EXPECT_EQ(message_of(anonymous),
              "Bad Request: the Mcp-Session-Id header is required: send the id the answer to initialize carried, or "
              "initialize (without the header) to start a session");

    HttpResponse unknown = http_request(port, "POST", "/mcp", rpc(1, "ping"), mcp_headers("feedface"));
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(message_of(unknown),
              "Not Found: no session \"feedface\" (it ended, or the server restarted): send initialize without "
              "Mcp-Session-Id to start a new one");

    HttpResponse version = http_request(port, "POST", "/mcp", rpc(1, "ping"), mcp_headers(session, "1999-01-01"));
    EXPECT_EQ(version.status, 400);
    EXPECT_EQ(message_of(version),
              "Bad Request: unsupported MCP-Protocol-Version \"1999-01-01\" (this server speaks 2025-11-25, "
              "2025-06-18, 2025-03-26 and 2024-11-05)");

    auto foreign = mcp_headers(session);
    foreign.emplace_back("Origin", "http://evil.example");
    HttpResponse origin = http_request(port, "POST", "/mcp", rpc(1, "ping"), foreign);
    EXPECT_EQ(origin.status, 403);
    EXPECT_EQ(message_of(origin),
              "Forbidden: the Origin \"http://evil.example\" may not call this server; only pages served from this "
              "machine may (DNS rebinding protection)");

    HttpResponse notification =
        http_request(port, "POST", "/mcp", R"({"jsonrpc":"2.0","method":"notifications/progress","params":{}})",
                     mcp_headers(session));
    EXPECT_EQ(notification.status, 202);

    HttpResponse get = http_request(port, "GET", "/mcp", "", {{"Accept", "text/event-stream"}});
    EXPECT_EQ(get.status, 405);
    EXPECT_EQ(get.headers["allow"], "DELETE, POST");

    HttpResponse pong = http_request(port, "POST", "/mcp", rpc(1, "ping"), mcp_headers(session));
    EXPECT_EQ(pong.status, 200);
    EXPECT_EQ(Json::parse(pong.body)["result"], Json::object());
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
}

TEST_F(McpHttp, ALoopbackServerRefusesARequestAddressedToAnotherHost) {
    ServerProcess server(m_sandbox, {}, {}, "", k_mcp_http);
    ASSERT_TRUE(server.started()) << server.err();
    std::string body = initialize_body();
    HttpResponse rebound =
        http_exchange(server.port(), "POST /mcp HTTP/1.1\r\nHost: evil.example:" + std::to_string(server.port()) +
                                         "\r\nContent-Type: application/json\r\nAccept: "
                                         "application/json, text/event-stream\r\nContent-Length: " +
                                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    EXPECT_EQ(rebound.status, 403);
    EXPECT_NE(rebound.body.find("Forbidden: the Host header \\\"evil.example:"), std::string::npos) << rebound.body;
    EXPECT_TRUE(rebound.headers["mcp-session-id"].empty());
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
}

TEST_F(McpHttp, ACallWithAProgressTokenIsAnsweredAsAnEventStream) {
    ServerProcess server(m_sandbox, {}, {}, "", k_mcp_http);
    ASSERT_TRUE(server.started()) << server.err();
    std::string session = open_session(server.port());
    HttpResponse listed = http_request(
        server.port(), "POST", "/mcp",
        rpc(3, "tools/call",
            {{"name", "task_list"}, {"arguments", Json::object()}, {"_meta", {{"progressToken", "list-1"}}}}),
        mcp_headers(session));
    EXPECT_EQ(listed.status, 200);
    EXPECT_EQ(listed.headers["content-type"], "text/event-stream");
    EXPECT_EQ(listed.headers["transfer-encoding"], "chunked");
    EXPECT_NE(listed.body.find("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":3,\"result\":"), std::string::npos)
        << listed.body;
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
}

TEST_F(McpHttp, WithATokenMcpNeedsItAsABearerToken) {
    ServerProcess server(m_sandbox, {"--host", "127.0.0.1", "--token", "mcp-secret"}, {}, "", k_mcp_http);
    ASSERT_TRUE(server.started()) << server.err();
    HttpResponse none = http_request(server.port(), "POST", "/mcp", initialize_body(), mcp_headers("", ""));
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.headers["www-authenticate"], "Bearer");
    EXPECT_EQ(Json::parse(none.body)["error"]["code"], -32000) << none.body;
    open_session(server.port(), {{"Authorization", "Bearer mcp-secret"}});
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
}

TEST_F(McpHttp, RefusesAReachableAddressWithoutAToken) {
    ServerProcess server(m_sandbox, {"--host", "0.0.0.0"}, {}, "", k_mcp_http);
    EXPECT_FALSE(server.started());
    EXPECT_EQ(server.wait(), 2);
    EXPECT_NE(server.err().find("sc-server: error: refusing to listen on 0.0.0.0 without a token"), std::string::npos)
        << server.err();
}

TEST_F(McpHttp, HostPortAndTokenAreOptionsOfTheHttpTransportOnly) {
    for (const char* option : {"--host", "--port", "--token"}) {
        RunResult result = m_sandbox.sc({"mcp", option, "1"});
        EXPECT_EQ(result.exit_code, 2) << option << ": " << result.err;
        EXPECT_NE(result.err.find(std::string(option) + " is an option of the HTTP transport"), std::string::npos)
            << result.err;
        EXPECT_TRUE(result.out.empty());
    }
}

TEST_F(McpHttp, TelemetryServeServesMcpToo) {
    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    std::string session = open_session(server.port());
    HttpResponse listed = http_request(server.port(), "POST", "/mcp", rpc(1, "tools/list"), mcp_headers(session));
    EXPECT_EQ(listed.status, 200);
    EXPECT_FALSE(Json::parse(listed.body)["result"]["tools"].empty()) << listed.body;
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
}

}  // namespace
}  // namespace sc::e2e

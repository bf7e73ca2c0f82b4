// The Streamable HTTP transport's rules, driven through HttpTransport with requests built in
// memory (the socket side is tests/e2e/mcp_http_test.cpp and tests/mcp-js): each status code,
// header and message, over real sessions of the real Server on a temporary project.

#include "mcp/http_transport.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "util/clock.hpp"
#include "util/environment.hpp"
#include "util/files.hpp"

namespace sc::mcp {
namespace {

class HttpTransportTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/sc-mcp-http-test-XXXXXX";
        m_folder = ::mkdtemp(pattern);
        ASSERT_TRUE(files::make_directories(m_folder + "/home").ok());
        ASSERT_TRUE(files::make_directories(m_folder + "/project").ok());
        m_environment.set("HOME", m_folder + "/home");
        m_environment.set("OTEL_SDK_DISABLED", "true");
        m_transport = make_transport(k_max_http_sessions);
    }

    std::unique_ptr<HttpTransport> make_transport(size_t max_sessions, bool loopback = true) {
        HttpTransportOptions options;
        options.loopback = loopback;
        options.max_sessions = max_sessions;
        options.host_settings = [this] {
            HostSettings host;
            host.environment = &m_environment;
            host.clock = &m_clock;
            host.working_directory = m_folder + "/project";
            host.globals.root_dir = m_folder + "/project";
            host.transport = "tcp";
            return host;
        };
        return std::make_unique<HttpTransport>(std::move(options));
    }

    static server::Request post_request(const std::string& body,
                                        std::vector<std::pair<std::string, std::string>> headers = {}) {
        server::Request request;
        request.method = "POST";
        request.path = "/mcp";
        request.headers = {{"Host", "127.0.0.1:4318"},
                           {"Content-Type", "application/json"},
                           {"Accept", "application/json, text/event-stream"}};
        for (auto& header : headers)
            request.headers.push_back(std::move(header));
        request.body = body;
        return request;
    }

    server::Response post(const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {}) {
        server::Response response;
        m_transport->post(post_request(body, std::move(headers)), response);
        return response;
    }

    static std::string message(int id, const std::string& method, const Json& params = Json::object()) {
        return dump(Json {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}});
    }

    static std::string initialize_body(const std::string& version = "2025-11-25") {
        return message(0, "initialize",
                       {{"protocolVersion", version},
                        {"capabilities", Json::object()},
                        {"clientInfo", {{"name", "http-test"}, {"version", "1"}}}});
    }

    static std::string header(const server::Response& response, const std::string& name) {
        for (const auto& [key, value] : response.headers)
            if (key == name)
                return value;
        return "";
    }

    // Starts a session; returns its id.
    std::string open_session(const std::string& version = "2025-11-25") {
        server::Response answer = post(initialize_body(version));
        EXPECT_EQ(answer.status, 200) << answer.body;
        std::string id = header(answer, "Mcp-Session-Id");
        EXPECT_EQ(id.size(), 32u);
        server::Response ready = post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})",
                                      {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", version}});
        EXPECT_EQ(ready.status, 202);
        return id;
    }

    static Json error_of(const server::Response& response) {
        EXPECT_EQ(response.content_type, "application/json");
        Json body = Json::parse(response.body, nullptr, false);
        EXPECT_FALSE(body.is_discarded()) << response.body;
        EXPECT_TRUE(body["id"].is_null());
        return body.value("error", Json::object());
    }

    std::string m_folder;
    MapEnvironment m_environment;
    SystemClock m_clock;
    std::unique_ptr<HttpTransport> m_transport;
};

TEST_F(HttpTransportTest, InitializeAnswersJsonWithANewSessionIdAndTheSessionServesLaterRequests) {
    server::Response answer = post(initialize_body());
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.content_type, "application/json");
    Json body = Json::parse(answer.body);
    EXPECT_EQ(body["result"]["protocolVersion"], "2025-11-25");
    std::string id = header(answer, "Mcp-Session-Id");
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
    EXPECT_EQ(m_transport->session_count(), 1u);

    server::Response listed =
        post(message(1, "tools/list"), {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "2025-11-25"}});
    EXPECT_EQ(listed.status, 200);
    EXPECT_EQ(listed.content_type, "application/json");
    EXPECT_FALSE(Json::parse(listed.body)["result"]["tools"].empty());
    EXPECT_TRUE(header(listed, "Mcp-Session-Id").empty()) << "only initialize's answer names the session";
}

TEST_F(HttpTransportTest, EachInitializeStartsItsOwnSession) {
    std::string first = open_session();
    std::string second = open_session();
    EXPECT_NE(first, second);
    EXPECT_EQ(m_transport->session_count(), 2u);
}

TEST_F(HttpTransportTest, NotificationsAndResponsesAreAccepted202WithNoBody) {
    std::string id = open_session();
    server::Response notified =
        post(R"({"jsonrpc":"2.0","method":"notifications/roots/list_changed"})", {{"Mcp-Session-Id", id}});
    EXPECT_EQ(notified.status, 202);
    EXPECT_TRUE(notified.body.empty());
    server::Response answered = post(R"({"jsonrpc":"2.0","id":7,"result":{}})", {{"Mcp-Session-Id", id}});
    EXPECT_EQ(answered.status, 202);
    EXPECT_TRUE(answered.body.empty());
}

TEST_F(HttpTransportTest, ARequestWithoutTheSessionHeaderIs400) {
    open_session();
    server::Response answer = post(message(1, "tools/list"));
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(error_of(answer)["message"],
              "Bad Request: the Mcp-Session-Id header is required: send the id the answer to initialize carried, or "
              "initialize (without the header) to start a session");
}

TEST_F(HttpTransportTest, AnUnknownSessionIs404) {
    server::Response answer = post(message(1, "tools/list"), {{"Mcp-Session-Id", "0123456789abcdef"}});
    EXPECT_EQ(answer.status, 404);
    EXPECT_EQ(error_of(answer)["message"],
              "Not Found: no session \"0123456789abcdef\" (it ended, or the server restarted): send initialize "
              "without Mcp-Session-Id to start a new one");
}

TEST_F(HttpTransportTest, DeleteEndsTheSessionAndItsIdIsUnknownAfter) {
    std::string id = open_session();
    server::Request request;
    request.method = "DELETE";
    request.path = "/mcp";
    request.headers = {{"Host", "localhost:4318"}, {"Mcp-Session-Id", id}};
    server::Response ended;
    m_transport->end(request, ended);
    EXPECT_EQ(ended.status, 204);
    EXPECT_EQ(m_transport->session_count(), 0u);
    server::Response again;
    m_transport->end(request, again);
    EXPECT_EQ(again.status, 404);
    EXPECT_EQ(error_of(again)["message"], "Not Found: no session \"" + id + "\"");
    EXPECT_EQ(post(message(1, "ping"), {{"Mcp-Session-Id", id}}).status, 404);

    request.headers = {{"Host", "localhost:4318"}};
    server::Response anonymous;
    m_transport->end(request, anonymous);
    EXPECT_EQ(anonymous.status, 400);
    EXPECT_EQ(error_of(anonymous)["message"], "Bad Request: the Mcp-Session-Id header names the session to end");
}

TEST_F(HttpTransportTest, AnUnsupportedProtocolVersionHeaderIs400AndAbsentIsAccepted) {
    std::string id = open_session();
    server::Response refused =
        post(message(1, "ping"), {{"Mcp-Session-Id", id}, {"MCP-Protocol-Version", "2099-01-01"}});
    EXPECT_EQ(refused.status, 400);
    EXPECT_EQ(error_of(refused)["message"],
              "Bad Request: unsupported MCP-Protocol-Version \"2099-01-01\" (this server speaks 2025-11-25, "
              "2025-06-18, 2025-03-26 and 2024-11-05)");
    // Absent: the client speaks 2025-03-26, which we do.
    server::Response accepted = post(message(2, "ping"), {{"Mcp-Session-Id", id}});
    EXPECT_EQ(accepted.status, 200);
    EXPECT_EQ(Json::parse(accepted.body)["result"], Json::object());
}

TEST_F(HttpTransportTest, AForeignOriginIs403AndThisMachinesIsAllowed) {
    server::Response refused = post(initialize_body(), {{"Origin", "https://evil.example"}});
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(error_of(refused)["message"],
              "Forbidden: the Origin \"https://evil.example\" may not call this server; only pages served from this "
              "machine may (DNS rebinding protection)");
    EXPECT_EQ(m_transport->session_count(), 0u);
    EXPECT_EQ(post(initialize_body(), {{"Origin", "http://localhost:6274"}}).status, 200);
}

TEST_F(HttpTransportTest, ALoopbackServerRefusesAForeignHostHeader) {
    server::Request request = post_request(initialize_body());
    request.headers[0].second = "evil.example:4318";  // DNS rebinding: the name now points here
    server::Response refused;
    m_transport->post(request, refused);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(error_of(refused)["message"],
              "Forbidden: the Host header \"evil.example:4318\" is not this machine's; a server listening on loopback "
              "answers only requests addressed to localhost, 127.0.0.1 or [::1] (DNS rebinding protection)");
    for (const char* host : {"localhost", "localhost:80", "127.0.0.1:4318", "[::1]:4318", "[::1]"}) {
        request.headers[0].second = host;
        server::Response accepted;
        m_transport->post(request, accepted);
        EXPECT_EQ(accepted.status, 200) << host << ": " << accepted.body;
    }
    // A server reachable from other machines is called by other names; its token guards it.
    m_transport = make_transport(k_max_http_sessions, false);
    request.headers[0].second = "build-box.lan:4318";
    server::Response remote;
    m_transport->post(request, remote);
    EXPECT_EQ(remote.status, 200) << remote.body;
}

TEST_F(HttpTransportTest, HostHeadersAreLoopbackOnlyForThisMachinesNames) {
    EXPECT_TRUE(host_is_loopback("localhost:4318"));
    EXPECT_TRUE(host_is_loopback("127.0.0.5"));
    EXPECT_TRUE(host_is_loopback("[::1]:8080"));
    EXPECT_FALSE(host_is_loopback("localhost.evil.example"));
    EXPECT_FALSE(host_is_loopback("127.0.0.1.nip.io:80"));
    EXPECT_FALSE(host_is_loopback("[::2]:80"));
    EXPECT_FALSE(host_is_loopback("[::1"));
    EXPECT_FALSE(host_is_loopback(""));
}

TEST_F(HttpTransportTest, ABodyThatIsNotJsonIs400WithAParseError) {
    std::string id = open_session();
    server::Response answer = post("{not json", {{"Mcp-Session-Id", id}});
    EXPECT_EQ(answer.status, 400);
    Json body = Json::parse(answer.body);
    EXPECT_EQ(body["error"]["code"], -32700);
    EXPECT_EQ(body["error"]["message"], "parse error: the body is not valid JSON (or not valid UTF-8)");
}

TEST_F(HttpTransportTest, ABodyThatIsNotDeclaredJsonIs415) {
    server::Request request = post_request(initialize_body());
    request.headers[1].second = "text/plain";
    server::Response answer;
    m_transport->post(request, answer);
    EXPECT_EQ(answer.status, 415);
    EXPECT_EQ(error_of(answer)["message"],
              "Unsupported Media Type: send the JSON-RPC message with \"Content-Type: application/json\"");
}

TEST_F(HttpTransportTest, AClientThatTakesNeitherJsonNorAnEventStreamIs406) {
    server::Request request = post_request(initialize_body());
    request.headers[2].second = "text/html";
    server::Response answer;
    m_transport->post(request, answer);
    EXPECT_EQ(answer.status, 406);
    EXPECT_EQ(error_of(answer)["message"],
              "Not Acceptable: the answer is application/json or text/event-stream; send \"Accept: application/json, "
              "text/event-stream\"");
}

TEST_F(HttpTransportTest, BatchesAreAnsweredOnlyInProtocol20250326) {
    std::string old = open_session("2025-03-26");
    server::Response batch = post("[" + message(1, "ping") + "," + message(2, "tools/list") + "]",
                                  {{"Mcp-Session-Id", old}, {"MCP-Protocol-Version", "2025-03-26"}});
    EXPECT_EQ(batch.status, 200);
    Json answers = Json::parse(batch.body);
    ASSERT_TRUE(answers.is_array()) << batch.body;
    ASSERT_EQ(answers.size(), 2u);
    EXPECT_EQ(answers[0]["id"], 1);
    EXPECT_EQ(answers[1]["id"], 2);

    std::string current = open_session();
    server::Response refused = post("[" + message(1, "ping") + "]", {{"Mcp-Session-Id", current}});
    EXPECT_EQ(refused.status, 200);
    EXPECT_EQ(Json::parse(refused.body)["error"]["message"],
              "JSON-RPC batches are not supported in protocol version 2025-11-25");
}

TEST_F(HttpTransportTest, AFailedInitializeStartsNoSession) {
    server::Response answer = post(message(0, "initialize", {{"capabilities", Json::object()}}));
    EXPECT_EQ(answer.status, 400);
    EXPECT_EQ(m_transport->session_count(), 0u);
    EXPECT_TRUE(header(answer, "Mcp-Session-Id").empty());
    Json body = Json::parse(answer.body);
    EXPECT_EQ(body["id"], 0);
    EXPECT_EQ(body["error"]["code"], -32602);
    EXPECT_EQ(body["error"]["message"], "invalid params: initialize needs a string protocolVersion");
}

TEST_F(HttpTransportTest, SessionsAreBoundedAndTheLeastRecentlyUsedEndsFirst) {
    m_transport = make_transport(2);
    std::string first = open_session();
    std::string second = open_session();
    EXPECT_EQ(post(message(1, "ping"), {{"Mcp-Session-Id", first}}).status, 200);  // second is now the oldest
    std::string third = open_session();
    EXPECT_EQ(m_transport->session_count(), 2u);
    EXPECT_EQ(post(message(2, "ping"), {{"Mcp-Session-Id", second}}).status, 404);
    EXPECT_EQ(post(message(3, "ping"), {{"Mcp-Session-Id", first}}).status, 200);
    EXPECT_EQ(post(message(4, "ping"), {{"Mcp-Session-Id", third}}).status, 200);
}

TEST_F(HttpTransportTest, ACallWithAProgressTokenIsAnsweredAsAnEventStreamEndingWithTheResponse) {
    std::string id = open_session();
    server::Response answer = post(
        message(5, "tools/call",
                {{"name", "get_current_root"}, {"arguments", Json::object()}, {"_meta", {{"progressToken", "p1"}}}}),
        {{"Mcp-Session-Id", id}});
    EXPECT_EQ(answer.status, 200);
    EXPECT_EQ(answer.content_type, "text/event-stream");
    ASSERT_TRUE(answer.stream);
    std::string streamed;
    bool more = answer.stream([&](std::string_view chunk) {
        streamed.append(chunk);
        return true;
    });
    EXPECT_FALSE(more);
    const std::string prefix = "event: message\ndata: ";
    ASSERT_EQ(streamed.rfind(prefix, 0), 0u) << streamed;
    size_t last = streamed.rfind(prefix);
    Json response = Json::parse(streamed.substr(last + prefix.size()));
    EXPECT_EQ(response["id"], 5);
    EXPECT_EQ(response["result"]["isError"], false) << response.dump();
    EXPECT_EQ(streamed.substr(streamed.size() - 2), "\n\n");

    // Without an event stream in Accept, the same call is answered as JSON.
    server::Response plain = post(
        message(6, "tools/call",
                {{"name", "get_current_root"}, {"arguments", Json::object()}, {"_meta", {{"progressToken", "p2"}}}}),
        {{"Mcp-Session-Id", id}});
    EXPECT_EQ(plain.content_type, "text/event-stream") << "Accept still lists it";
    server::Request json_only = post_request(
        message(7, "tools/call",
                {{"name", "get_current_root"}, {"arguments", Json::object()}, {"_meta", {{"progressToken", "p3"}}}}),
        {{"Mcp-Session-Id", id}});
    json_only.headers[2].second = "application/json";
    server::Response json_answer;
    m_transport->post(json_only, json_answer);
    EXPECT_EQ(json_answer.content_type, "application/json");
    EXPECT_EQ(Json::parse(json_answer.body)["id"], 7);
}

TEST_F(HttpTransportTest, ACancellationAloneIsAccepted202AtOnce) {
    std::string id = open_session();
    server::Response answer = post(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":41}})",
                                   {{"Mcp-Session-Id", id}});
    EXPECT_EQ(answer.status, 202);
    // The request it named had not started: when it comes, it is dropped, with nothing to answer.
    server::Response dropped = post(message(41, "tools/list"), {{"Mcp-Session-Id", id}});
    EXPECT_EQ(dropped.status, 202);
    EXPECT_TRUE(dropped.body.empty());
}

}  // namespace
}  // namespace sc::mcp

// `sc telemetry serve` end to end: the real sc execs the real sc-server, which listens on a
// free port; requests go over real sockets, and the server is stopped with signals.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "e2e/sandbox.hpp"
#include "e2e/server_process.hpp"

namespace sc::e2e {
namespace {

class Serve : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0); }
    Sandbox m_sandbox;
};

TEST_F(Serve, AnswersARequestThenStopsOnSigtermWithExitZero) {
    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    HttpResponse health = http_request(server.port(), "GET", "/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, "ok\n");
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
    EXPECT_NE(server.err().find("sc-server: stopping (SIGTERM)"), std::string::npos) << server.err();
    EXPECT_NE(server.err().find("sc-server: stopped"), std::string::npos) << server.err();
}

TEST_F(Serve, ListensOnLoopbackPort4318UnlessToldOtherwise) {
    RunResult help = m_sandbox.sc({"telemetry", "serve", "--help"});
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_NE(help.out.find("default 127.0.0.1"), std::string::npos) << help.out;
    EXPECT_NE(help.out.find("default 4318"), std::string::npos) << help.out;
    RunResult config = m_sandbox.sc({"telemetry", "config", "--format", "json"});
    ASSERT_EQ(config.exit_code, 0) << config.err;
    bool host = false, port = false;
    for (const auto& row : config.json()) {
        if (row["key"] == "telemetry.server.host")
            host = row["value"] == "127.0.0.1" && row["source"] == "default";
        if (row["key"] == "telemetry.server.port")
            port = row["value"] == "4318" && row["source"] == "default";
    }
    EXPECT_TRUE(host && port) << config.out;
}

TEST_F(Serve, RecordsAServerSpanPerRequestWithHttpAttributesAndTheDurationHistogram) {
    if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
        GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    ASSERT_EQ(http_request(server.port(), "GET", "/health", "", {{"User-Agent", "e2e-probe/1"}}).status, 200);
    ASSERT_EQ(http_request(server.port(), "GET", "/nowhere").status, 404);
    ASSERT_EQ(server.stop(SIGTERM), 0) << server.err();

    RunResult traces = m_sandbox.sc({"traces", "list", "--format", "json"});
    ASSERT_EQ(traces.exit_code, 0) << traces.err;
    std::string spans = traces.out;
    EXPECT_NE(spans.find("GET /health"), std::string::npos) << spans;

    // The raw OTLP lines: a SERVER span (kind 2) with the semantic-convention attributes.
    RunResult lines =
        m_sandbox.run({"sh", "-c", "cat " + m_sandbox.home() + "/.scopecraft/projects/*/telemetry/traces/*/*.jsonl"});
    EXPECT_NE(lines.out.find(R"("name":"GET /health")"), std::string::npos) << lines.out;
    EXPECT_NE(lines.out.find(R"("kind":2)"), std::string::npos);
    for (const char* attribute : {R"("key":"http.request.method","value":{"stringValue":"GET"})",
                                  R"("key":"url.path","value":{"stringValue":"/health"})",
                                  R"("key":"http.route","value":{"stringValue":"/health"})",
                                  R"("key":"http.response.status_code","value":{"intValue":"200"})",
                                  R"("key":"user_agent.original","value":{"stringValue":"e2e-probe/1"})",
                                  R"("key":"http.response.status_code","value":{"intValue":"404"})"})
        EXPECT_NE(lines.out.find(attribute), std::string::npos) << attribute << "\n" << lines.out;
    RunResult metrics =
        m_sandbox.run({"sh", "-c", "cat " + m_sandbox.home() + "/.scopecraft/projects/*/telemetry/metrics/*/*.jsonl"});
    EXPECT_NE(metrics.out.find(R"("name":"http.server.request.duration")"), std::string::npos) << metrics.out;
}

TEST_F(Serve, AnswersUnknownPaths404AndOtherMethods405WithAllow) {
    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    HttpResponse missing = http_request(server.port(), "GET", "/nowhere");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.body, "no such path: /nowhere\n");
    HttpResponse wrong = http_request(server.port(), "DELETE", "/health");
    EXPECT_EQ(wrong.status, 405);
    EXPECT_EQ(wrong.headers["allow"], "GET, HEAD");
    EXPECT_EQ(wrong.body, "DELETE is not allowed on /health (allowed: GET, HEAD)\n");
    EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200) << "still serving";
    EXPECT_EQ(server.stop(SIGINT), 0) << server.err();
}

TEST_F(Serve, RefusesToListenBeyondLoopbackWithoutAToken) {
    ServerProcess server(m_sandbox, {"--host", "0.0.0.0"});
    EXPECT_FALSE(server.started());
    EXPECT_EQ(server.wait(), 2);
    EXPECT_NE(server.err().find("sc-server: error: refusing to listen on 0.0.0.0 without a token: other machines "
                                "could write to the store"),
              std::string::npos)
        << server.err();
    EXPECT_NE(server.err().find("SCOPECRAFT_SERVER_TOKEN"), std::string::npos) << server.err();
}

TEST_F(Serve, WithATokenEveryRequestMustCarryItAsABearerToken) {
    m_sandbox.set_env("SCOPECRAFT_SERVER_TOKEN", "s3cret-token");
    ServerProcess server(m_sandbox, {"--host", "0.0.0.0"});
    ASSERT_TRUE(server.started()) << server.err();
    HttpResponse none = http_request(server.port(), "GET", "/nowhere");
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.headers["www-authenticate"], "Bearer");
    HttpResponse wrong = http_request(server.port(), "GET", "/nowhere", "", {{"Authorization", "Bearer s3cret-tokeN"}});
    EXPECT_EQ(wrong.status, 401);
    HttpResponse basic = http_request(server.port(), "GET", "/nowhere", "", {{"Authorization", "Basic s3cret-token"}});
    EXPECT_EQ(basic.status, 401);
    HttpResponse right = http_request(server.port(), "GET", "/nowhere", "", {{"Authorization", "Bearer s3cret-token"}});
    EXPECT_EQ(right.status, 404) << "past the token check";
    EXPECT_EQ(http_request(server.port(), "GET", "/health").status, 200) << "the health check needs no token";
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();

    RunResult config = m_sandbox.sc({"telemetry", "config", "--format", "json"});
    EXPECT_EQ(config.out.find("s3cret-token"), std::string::npos) << "the token is never shown";
    EXPECT_NE(config.out.find("(set, hidden)"), std::string::npos) << config.out;
}

TEST_F(Serve, ATokenOnTheCommandLineWinsOverTheEnvironment) {
    m_sandbox.set_env("SCOPECRAFT_SERVER_TOKEN", "from-env");
    ServerProcess server(m_sandbox, {"--host", "127.0.0.1", "--token", "from-flag"});
    ASSERT_TRUE(server.started()) << server.err();
    EXPECT_NE(server.err().find("bearer token required"), std::string::npos) << server.err();
    EXPECT_EQ(http_request(server.port(), "GET", "/nowhere", "", {{"Authorization", "Bearer from-env"}}).status, 401);
    EXPECT_EQ(http_request(server.port(), "GET", "/nowhere", "", {{"Authorization", "Bearer from-flag"}}).status, 404);
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
}

TEST_F(Serve, TakesHostAndTokenFromTheConfigFile) {
    m_sandbox.write(m_sandbox.project() + "/.scopecraft/config.yaml",
                    "telemetry:\n  server:\n    host: 0.0.0.0\n    token: from-file\n");
    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    EXPECT_NE(server.err().find("listening on http://0.0.0.0:"), std::string::npos) << server.err();
    EXPECT_EQ(http_request(server.port(), "GET", "/nowhere").status, 401);
    EXPECT_EQ(http_request(server.port(), "GET", "/nowhere", "", {{"Authorization", "Bearer from-file"}}).status, 404);
    EXPECT_EQ(server.stop(SIGTERM), 0) << server.err();
}

TEST_F(Serve, ARequestInFlightAtSigintIsAnsweredBeforeTheServerExits) {
    ServerProcess server(m_sandbox, {});
    ASSERT_TRUE(server.started()) << server.err();
    int fd = connect_local(server.port());
    ASSERT_GE(fd, 0);
    std::string first = "GET /health HTTP/1.1\r\nHost: x\r\n";
    ASSERT_EQ(::send(fd, first.data(), first.size(), MSG_NOSIGNAL), static_cast<ssize_t>(first.size()));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the server is reading it
    std::thread stopper([&server] { EXPECT_EQ(server.stop(SIGINT), 0) << server.err(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    std::string rest = "Connection: close\r\n\r\n";
    ASSERT_EQ(::send(fd, rest.data(), rest.size(), MSG_NOSIGNAL), static_cast<ssize_t>(rest.size()));
    std::string received;
    char buffer[4096];
    ssize_t got = 0;
    while ((got = ::recv(fd, buffer, sizeof buffer, 0)) > 0)
        received.append(buffer, static_cast<size_t>(got));
    ::close(fd);
    stopper.join();
    HttpResponse response = parse_http_response(received);
    EXPECT_EQ(response.status, 200) << received;
    EXPECT_EQ(response.body, "ok\n");
    EXPECT_EQ(http_request(server.port(), "GET", "/health", "", {}, std::chrono::milliseconds(500)).status, 0)
        << "nothing listens any more";
}

TEST_F(Serve, RefusesToStartInAProjectThatWasNeverInitialised) {
    Sandbox fresh;
    ServerProcess server(fresh, {});
    EXPECT_FALSE(server.started());
    EXPECT_EQ(server.wait(), 2);
    EXPECT_NE(server.err().find("run sc init in the project first"), std::string::npos) << server.err();
}

}  // namespace
}  // namespace sc::e2e

// `sc telemetry ship` hands over to `sc-server ship`; `sc telemetry config` shows where it
// ships. The shipping itself, against a real receiver and its faults, is checked by the ctest
// telemetry_ship_otlp_js (tests/otlp-js/ship-check.js).

#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

class Ship : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        ASSERT_EQ(m_sandbox.sc({"init"}).exit_code, 0);
        ASSERT_EQ(m_sandbox.sc({"task", "create", "--title", "Ship me"}).exit_code, 0);
    }
    Sandbox m_sandbox;
};

TEST_F(Ship, TelemetryShipKeepsTheCursorWhenTheBackendIsUnreachable) {
    // Port 1 on loopback: nothing listens there, every attempt is refused.
    RunResult result = m_sandbox.sc(
        {"telemetry", "ship", "--endpoint", "http://127.0.0.1:1", "--protocol", "http/json", "--give-up-after", "0"});
    EXPECT_EQ(result.exit_code, 6) << result.err;
    EXPECT_NE(result.err.find("sc-server ship: error: the backend at http://127.0.0.1:1/v1/logs kept failing for 0.0s: "
                              "no answer"),
              std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("nothing is lost: the events cursor stays before this batch"), std::string::npos)
        << result.err;
    EXPECT_FALSE(std::filesystem::exists(m_sandbox.root() + "/telemetry/cursors/otlp.events.json"));
}

TEST_F(Ship, FollowKeepsTryingUntilInterruptedAndMovesNoCursor) {
    // SIGINT after 1.5 s: the shipper stops between attempts, prints its report and exits 0.
    RunResult result =
        m_sandbox.run({"timeout", "--preserve-status", "-s", "INT", "1.5", SC_BINARY, "telemetry", "ship", "--follow",
                       "--endpoint", "http://127.0.0.1:1", "--batch-lines", "10", "--signals", "events,traces"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.err.find("following "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("retrying in"), std::string::npos) << result.err;
    EXPECT_NE(result.out.find("events: 0 lines shipped in 0 batches"), std::string::npos) << result.out;
    EXPECT_FALSE(std::filesystem::exists(m_sandbox.root() + "/telemetry/cursors/otlp.events.json"));
}

TEST_F(Ship, TelemetryShipRefusesAProtocolItDoesNotSpeak) {
    RunResult result = m_sandbox.sc({"telemetry", "ship", "--protocol", "grpc"});
    EXPECT_EQ(result.exit_code, 2) << result.err;
}

TEST_F(Ship, ConfigShowsTheExportSettingsAndWhereTheyCameFrom) {
    m_sandbox.set_env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://jaeger:4318/v1/traces");
    m_sandbox.set_env("OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer%20secret");
    m_sandbox.write(m_sandbox.project() + "/.scopecraft/config.yaml",
                    "telemetry:\n  export:\n    otlp:\n      endpoint: http://collector:4318\n      logs:\n"
                    "        endpoint: http://loki:3100/otlp/v1/logs\n      compresion: gzip\n");
    RunResult result = m_sandbox.sc({"telemetry", "config", "--format", "json"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    std::map<std::string, std::pair<std::string, std::string>> rows;
    for (const auto& row : result.json())
        rows[row["key"]] = {row["value"], row["source"]};
    std::string file = m_sandbox.project() + "/.scopecraft/config.yaml";
    using Row = std::pair<std::string, std::string>;
    EXPECT_EQ(rows["telemetry.export.otlp.traces.endpoint"],
              (Row {"http://jaeger:4318/v1/traces", "env OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"}));
    EXPECT_EQ(rows["telemetry.export.otlp.metrics.endpoint"],
              (Row {"http://collector:4318/v1/metrics", "file " + file + ":4 + /v1/metrics"}));
    EXPECT_EQ(rows["telemetry.export.otlp.logs.endpoint"],
              (Row {"http://loki:3100/otlp/v1/logs", "file " + file + ":6"}));
    EXPECT_EQ(rows["telemetry.export.otlp.headers"],
              (Row {"Authorization=(hidden)", "env OTEL_EXPORTER_OTLP_HEADERS"}));
    EXPECT_EQ(result.out.find("secret"), std::string::npos);
    EXPECT_NE(result.err.find("unknown key telemetry.export.otlp.compresion is ignored"), std::string::npos)
        << result.err;
}

}  // namespace
}  // namespace sc::e2e

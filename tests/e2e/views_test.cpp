// End-to-end: `sc traces`, `sc metrics` and `sc logs` read a store written by hand in the OTLP
// File format, as any OTel tool would write it.
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

namespace fs = std::filesystem;

const char* const k_trace_id = "0af7651916cd43dd8448eb211c80319c";

// `sc task create` at 2026-11-27T13:00:00Z: 12 ms, with a failed store append inside.
const char* const k_trace_line =
    R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
    R"("scopeSpans":[{"scope":{"name":"sc.cli"},"spans":[)"
    R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","flags":257,"name":"sc task create",)"
    R"("kind":1,"startTimeUnixNano":"1795784400000000000","endTimeUnixNano":"1795784400012000000"},)"
    R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","parentSpanId":"b7ad6b7169203331",)"
    R"("flags":257,"name":"task.create","kind":1,"startTimeUnixNano":"1795784400001000000",)"
    R"("endTimeUnixNano":"1795784400009000000","attributes":[{"key":"scopecraft.task.id","value":{"stringValue":"auth-05K"}}]},)"
    R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"5fb397be34d26b51","parentSpanId":"00f067aa0ba902b7",)"
    R"("flags":257,"name":"store.append","kind":1,"startTimeUnixNano":"1795784400006000000",)"
    R"("endTimeUnixNano":"1795784400008000000","status":{"message":"disk full","code":2}}]}]}]})"
    "\n"
    // `sc task list` an hour later, parented by an agent's span (TRACEPARENT).
    R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
    R"("scopeSpans":[{"scope":{"name":"sc.cli"},"spans":[)"
    R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a2fb4a1d1a96d312","parentSpanId":"00f067aa0ba902b7",)"
    R"("flags":769,"name":"sc task list","kind":1,"startTimeUnixNano":"1795788000000000000",)"
    R"("endTimeUnixNano":"1795788000003000000"}]}]}]})"
    "\n";

const char* const k_metric_line =
    R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
    R"("scopeMetrics":[{"scope":{"name":"sc.cli"},"metrics":[)"
    R"({"name":"scopecraft.operations","unit":"{operation}","sum":{"dataPoints":[)"
    R"({"attributes":[{"key":"operation","value":{"stringValue":"task.create"}}],)"
    R"("startTimeUnixNano":"1795784400000000000","timeUnixNano":"1795784400012000000","asInt":"2"}],)"
    R"("aggregationTemporality":1,"isMonotonic":true}},)"
    R"({"name":"scopecraft.operation.duration","unit":"s","histogram":{"dataPoints":[)"
    R"({"startTimeUnixNano":"1795784400000000000","timeUnixNano":"1795784400012000000","count":"2","sum":0.02,)"
    R"("bucketCounts":["0","2","0"],"explicitBounds":[0.005,0.025],"min":0.008,"max":0.012}],)"
    R"("aggregationTemporality":1}}]}]}]})"
    "\n"
    R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
    R"("scopeMetrics":[{"scope":{"name":"sc.cli"},"metrics":[)"
    R"({"name":"scopecraft.operations","unit":"{operation}","sum":{"dataPoints":[)"
    R"({"attributes":[{"key":"operation","value":{"stringValue":"task.create"}}],)"
    R"("startTimeUnixNano":"1795788000000000000","timeUnixNano":"1795788000003000000","asInt":"3"}],)"
    R"("aggregationTemporality":1,"isMonotonic":true}}]}]}]})"
    "\n";

const char* const k_log_line =
    R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
    R"("scopeLogs":[{"scope":{"name":"sc.cli"},"logRecords":[)"
    R"({"timeUnixNano":"1795784400001000000","observedTimeUnixNano":"1795784400001000000","severityNumber":9,)"
    R"("severityText":"INFO","body":{"stringValue":"creating task auth-05K"}},)"
    R"({"timeUnixNano":"1795784400007000000","observedTimeUnixNano":"1795784400007000000","severityNumber":17,)"
    R"("severityText":"ERROR","body":{"stringValue":"append failed: disk full"},"flags":1,)"
    R"("traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"5fb397be34d26b51"}]}]}]})"
    "\n";

class Views : public ::testing::Test {
protected:
    void SetUp() override {
        m_store = m_sandbox.root() + "/telemetry";
        write_private("traces/2026-11-27/traces-000001.jsonl", k_trace_line);
        write_private("metrics/2026-11-27/metrics-000001.jsonl", k_metric_line);
        write_private("logs/2026-11-27/logs-000001.jsonl", k_log_line);
        // The viewing commands must not add their own spans to the store they read.
        m_sandbox.set_env("OTEL_SDK_DISABLED", "true");
    }

    // Folders 0700 and files 0600, as the store makes them.
    void write_private(const std::string& relative, const std::string& content) {
        std::string path = m_store + "/" + relative;
        m_sandbox.write(path, content);
        for (fs::path folder = fs::path(path).parent_path(); folder.string().size() >= m_store.size();
             folder = folder.parent_path())
            fs::permissions(folder, fs::perms::owner_all);
        fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    }

    RunResult sc(std::vector<std::string> arguments) const {
        arguments.insert(arguments.begin(), {"--telemetry-dir", m_store});
        return m_sandbox.sc(arguments);
    }

    Sandbox m_sandbox;
    std::string m_store;
};

TEST_F(Views, TracesListShowsOneRowPerTraceWithRootDurationAndErrors) {
    RunResult result = sc({"traces", "list"});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("TRACE_ID"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find(k_trace_id), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("sc task create"), std::string::npos) << result.out;

    RunResult json = sc({"traces", "list", "--format", "json"});
    ASSERT_EQ(json.exit_code, 0) << json.err;
    auto rows = json.json();
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0]["trace_id"], k_trace_id);
    EXPECT_EQ(rows[0]["root"], "sc task create");
    EXPECT_EQ(rows[0]["duration_ms"], 12);
    EXPECT_EQ(rows[0]["spans"], 3);
    EXPECT_EQ(rows[0]["errors"], 1);
    EXPECT_EQ(rows[0]["start"], "2026-11-27T13:00:00.000000000Z");
    EXPECT_EQ(rows[1]["root"], "sc task list");
}

TEST_F(Views, TracesListFiltersErrorsAndTime) {
    auto errors = sc({"traces", "list", "--errors", "--format", "json"}).json();
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0]["trace_id"], k_trace_id);
    auto later = sc({"traces", "list", "--since", "2026-11-27T13:30:00Z", "--format", "json"}).json();
    ASSERT_EQ(later.size(), 1U);
    EXPECT_EQ(later[0]["root"], "sc task list");
    RunResult bad = sc({"traces", "list", "--since", "yesterday"});
    EXPECT_EQ(bad.exit_code, 2);
    EXPECT_NE(bad.err.find("--since"), std::string::npos) << bad.err;
}

TEST_F(Views, TracesShowDrawsTheWaterfall) {
    RunResult result = sc({"traces", "show", k_trace_id});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("Trace 0af7651916cd43dd8448eb211c80319c  sc task create"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("    store.append"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("✗ disk full"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("█"), std::string::npos) << result.out;

    auto json = sc({"traces", "show", "0af76519", "--format", "json"}).json();
    EXPECT_EQ(json["trace_id"], k_trace_id);
    ASSERT_EQ(json["spans"].size(), 3U);
    EXPECT_EQ(json["spans"][1]["name"], "task.create");
    EXPECT_EQ(json["spans"][1]["depth"], 1);
    EXPECT_EQ(json["spans"][1]["attributes"]["scopecraft.task.id"], "auth-05K");
    EXPECT_EQ(json["spans"][2]["status"], "error");
}

TEST_F(Views, TracesShowOfAnUnknownTraceFailsWithNotFound) {
    RunResult result = sc({"traces", "show", "ffffffffffffffffffffffffffffffff"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_TRUE(result.out.empty()) << result.out;
    EXPECT_NE(result.err.find("no trace ffffffffffffffffffffffffffffffff"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find("sc traces list"), std::string::npos) << result.err;

    RunResult malformed = sc({"traces", "show", "not-a-trace"});
    EXPECT_EQ(malformed.exit_code, 3);
    EXPECT_NE(malformed.err.find("is not a trace id"), std::string::npos) << malformed.err;
}

TEST_F(Views, MetricsAddUpDeltasAndGiveRates) {
    auto rows = sc({"metrics", "--format", "json"}).json();
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0]["name"], "scopecraft.operation.duration");
    EXPECT_EQ(rows[0]["count"], 2);
    EXPECT_EQ(rows[0]["mean"], 0.01);
    EXPECT_EQ(rows[1]["name"], "scopecraft.operations");
    EXPECT_EQ(rows[1]["value"], 5);

    // Two hours from 13:00: five operations, 2.5 per hour.
    auto window = sc({"metrics", "scopecraft.operations", "--since", "2026-11-27T13:00:00Z", "--until",
                      "2026-11-27T15:00:00Z", "--attributes", "--format", "json"})
                      .json();
    ASSERT_EQ(window.size(), 1U);
    EXPECT_EQ(window[0]["attributes"]["operation"], "task.create");
    EXPECT_EQ(window[0]["increase"], 5);
    EXPECT_EQ(window[0]["per_hour"], 2.5);

    RunResult table = sc({"metrics"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("scopecraft.operations"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("P95"), std::string::npos) << table.out;
}

TEST_F(Views, MetricsBucketsGiveEachMetricsValuesPerBucketOfTheWindow) {
    // Two hours from 13:00 in two buckets: two operations in the first hour, three in the second;
    // the histogram's two observations all in the first.
    auto rows = sc({"metrics", "--since", "2026-11-27T13:00:00Z", "--until", "2026-11-27T15:00:00Z", "--buckets", "2",
                    "--format", "json"})
                    .json();
    ASSERT_EQ(rows.size(), 2U);
    EXPECT_EQ(rows[0]["name"], "scopecraft.operation.duration");
    EXPECT_EQ(rows[0]["series"], nlohmann::json::parse("[2, null]"));
    EXPECT_EQ(rows[1]["name"], "scopecraft.operations");
    EXPECT_EQ(rows[1]["series"], nlohmann::json::parse("[2, 3]"));
    EXPECT_FALSE(sc({"metrics", "--format", "json"}).json()[0].contains("series"));
    RunResult table =
        sc({"metrics", "--since", "2026-11-27T13:00:00Z", "--until", "2026-11-27T15:00:00Z", "--buckets", "2"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_NE(table.out.find("SERIES"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("2, -"), std::string::npos) << table.out;  // an empty bucket keeps its place
    EXPECT_NE(table.out.find("2, 3"), std::string::npos) << table.out;

    RunResult refused = sc({"metrics", "--buckets", "500"});
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_NE(refused.err.find("--buckets takes a number from 1 to 200, not \"500\""), std::string::npos)
        << refused.err;
}

TEST_F(Views, LogsFilterBySeverityTraceAndText) {
    RunResult all = sc({"logs"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    EXPECT_NE(all.out.find("creating task auth-05K"), std::string::npos) << all.out;

    auto errors = sc({"logs", "--severity", "warn", "--format", "json"}).json();
    ASSERT_EQ(errors.size(), 1U);
    EXPECT_EQ(errors[0]["body"], "append failed: disk full");
    EXPECT_EQ(errors[0]["trace_id"], k_trace_id);

    EXPECT_EQ(sc({"logs", "--trace", k_trace_id, "--format", "json"}).json().size(), 1U);
    EXPECT_EQ(sc({"logs", "--grep", "AUTH-05k", "--format", "json"}).json().size(), 1U);
    EXPECT_EQ(sc({"logs", "--last", "1", "--format", "json"}).json()[0]["severity"], "ERROR");
    EXPECT_EQ(sc({"logs", "--severity", "loud"}).exit_code, 2);
}

TEST_F(Views, MissingStoreIsAClearErrorNamingThePath) {
    std::string missing = m_sandbox.root() + "/no-such-store";
    RunResult result = m_sandbox.sc({"--telemetry-dir", missing, "traces", "list"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_NE(result.err.find("no telemetry recorded yet"), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(missing), std::string::npos) << result.err;
    EXPECT_EQ(m_sandbox.sc({"--telemetry-dir", missing, "logs"}).exit_code, 3);
    EXPECT_EQ(m_sandbox.sc({"--telemetry-dir", missing, "metrics"}).exit_code, 3);
}

}  // namespace
}  // namespace sc::e2e

// The exporter over a real store: incremental reads (only what is new, across segment rolls,
// compression and half-written lines), the business metrics from task events, and the output
// checked by Prometheus' own promtool.

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "prometheus/otlp_test_lines.hpp"
#include "prometheus/store_metrics.hpp"
#include "store/segment_file.hpp"
#include "store/store.hpp"
#include "store/test_support.hpp"
#include "util/clock.hpp"
#include "util/files.hpp"
#include "util/test_requirements.hpp"

namespace sc::prometheus {
namespace {

namespace t = testing;
using store::testing::TempDir;
constexpr int64_t k_t0 = 1796580000000000000;  // 2026-12-06T...

std::string counter_line(int pid, double value, const std::string& op = "create") {
    return t::line(t::sc_resource(pid), "scopecraft.tasks", "",
                   {t::sum("scopecraft.operations", "{operation}", true, 1,
                           {t::number_point(value, k_t0 + pid, k_t0, {{"op", op}})})});
}

std::string body_of(StoreMetrics& metrics, std::string_view accept = "") {
    Result<ScrapeAnswer> answer = metrics.scrape(accept);
    EXPECT_TRUE(answer.ok()) << (answer.ok() ? "" : answer.error().describe());
    return answer.ok() ? answer->body : "";
}

bool has_line(const std::string& body, const std::string& line) {
    return body.find("\n" + line + "\n") != std::string::npos || body.rfind(line + "\n", 0) == 0;
}

class StoreExport : public ::testing::Test {
protected:
    void SetUp() override {
        store::StoreOptions options;
        options.clock = &m_clock;
        auto opened = store::Store::open(m_dir.path("store"), options);
        ASSERT_TRUE(opened.ok()) << opened.error().describe();
        m_store.emplace(std::move(*opened));
    }
    void append_metrics(const std::vector<std::string>& lines) {
        ASSERT_TRUE(m_store->append_signals(store::Signal::metrics, lines).ok());
    }
    void append_event(const std::string& stream, const std::string& type, const std::string& data) {
        auto appended = m_store->append(store::testing::make_event(stream, type, data));
        ASSERT_TRUE(appended.ok()) << appended.error().describe();
    }
    std::string root() const { return m_dir.path("store"); }

    TempDir m_dir;
    FixedClock m_clock {k_t0};
    std::optional<store::Store> m_store;
};

const std::string k_ops =
    R"(scopecraft_operations_total{job="scopecraft",op="create",otel_scope_name="scopecraft.tasks"})";

TEST_F(StoreExport, ASecondScrapeReadsOnlyTheLinesAppendedSinceTheFirst) {
    append_metrics({counter_line(1, 1), counter_line(2, 1), counter_line(3, 1)});
    StoreMetrics metrics(root());
    EXPECT_TRUE(has_line(body_of(metrics), k_ops + " 3"));
    EXPECT_EQ(metrics.stats().metric_lines, 3U);
    append_metrics({counter_line(4, 2), counter_line(5, 2)});
    std::string body = body_of(metrics);
    EXPECT_TRUE(has_line(body, k_ops + " 7")) << body;
    EXPECT_EQ(metrics.stats().metric_lines, 5U);  // not 3 + 5
    body_of(metrics);
    EXPECT_EQ(metrics.stats().metric_lines, 5U);
}

TEST_F(StoreExport, AFreshExporterOnTheSameStoreGivesTheSameCounters) {
    // What "counters survive restarts" means: the store holds the deltas of every process, so a
    // server started later adds them up to the same totals.
    append_metrics({counter_line(1, 4), counter_line(2, 5)});
    StoreMetrics first(root());
    std::string before = body_of(first);
    StoreMetrics restarted(root());
    EXPECT_TRUE(has_line(body_of(restarted), k_ops + " 9"));
    EXPECT_TRUE(has_line(before, k_ops + " 9"));
}

TEST_F(StoreExport, LinesAreReadOnceAcrossSegmentRollsDaysAndCompression) {
    store::StoreOptions small;
    small.clock = &m_clock;
    small.max_segment_bytes = 2048;  // a few lines per segment
    auto opened = store::Store::open(root(), small);
    ASSERT_TRUE(opened.ok());
    m_store.emplace(std::move(*opened));
    StoreMetrics metrics(root());
    double expected = 0;
    for (int round = 0; round < 3; ++round) {
        for (int i = 0; i < 10; ++i) {
            append_metrics({counter_line(100 * round + i, 1)});
            expected += 1;
        }
        EXPECT_TRUE(has_line(body_of(metrics), k_ops + " " + std::to_string(static_cast<int>(expected))));
        m_clock.advance(std::chrono::hours(24));  // the next round writes a new day
    }
    // Yesterday's segments compressed under the exporter's feet: nothing is read twice.
    std::string day = store::format_day(store::day_of_unix_nanos(k_t0));
    auto segments = store::Layout(root()).list_segments(store::Signal::metrics, store::day_of_unix_nanos(k_t0));
    ASSERT_TRUE(segments.ok());
    ASSERT_GT(segments->size(), 1U);
    for (const auto& segment : *segments)
        ASSERT_TRUE(store::compress_segment(store::Layout(root()).path(segment.relative_path())).ok());
    append_metrics({counter_line(999, 1)});
    EXPECT_TRUE(has_line(body_of(metrics), k_ops + " 31"));
    EXPECT_EQ(metrics.stats().metric_lines, 31U);
    StoreMetrics fresh(root());
    EXPECT_TRUE(has_line(body_of(fresh), k_ops + " 31"));
}

TEST(StoreTail, ALineStillBeingWrittenIsLeftForTheNextRead) {
    TempDir dir;
    store::Layout layout(dir.path());
    store::SegmentId id {store::Signal::metrics, store::day_of_unix_nanos(k_t0), 1};
    ASSERT_TRUE(files::make_directories(layout.day_folder(store::Signal::metrics, id.day)).ok());
    std::string path = layout.segment_path(id);
    std::string whole = counter_line(1, 1);
    std::ofstream(path, std::ios::binary) << whole << "\n" << whole.substr(0, 20);
    StoreTail tail(dir.path(), store::Signal::metrics);
    std::vector<std::string> seen;
    auto collect = [&](std::string_view line, size_t) { seen.emplace_back(line); };
    auto first = tail.read_new(collect);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(seen.size(), 1U);
    EXPECT_EQ(tail.offset(), whole.size() + 1);
    std::ofstream(path, std::ios::binary | std::ios::app) << whole.substr(20) << "\n";
    ASSERT_TRUE(tail.read_new(collect).ok());
    ASSERT_EQ(seen.size(), 2U);
    EXPECT_EQ(seen[1], whole);
    auto idle = tail.read_new(collect);
    ASSERT_TRUE(idle.ok());
    EXPECT_EQ(idle->bytes, 0U);
}

TEST_F(StoreExport, BusinessMetricsComeFromTheTaskEvents) {
    append_event("task:alpha-12A", "TaskCreated", R"({"taskId":"alpha-12A","created":["alpha-12A"]})");
    append_event("task:beta-12A", "TaskCreated", R"({"taskId":"beta-12A","created":["beta-12A"]})");
    append_event("task:gamma-12A", "TaskCreated", R"({"taskId":"gamma-12A","created":["gamma-12A"]})");
    m_clock.advance(std::chrono::minutes(90));
    append_event("task:alpha-12A", "TaskUpdated",
                 R"({"taskId":"alpha-12A","fields":[{"field":"status","old":"todo","new":"done"}]})");
    append_event("task:beta-12A", "TaskUpdated",
                 R"({"taskId":"beta-12A","fields":[{"field":"status","old":"todo","new":"in_progress"}]})");
    StoreMetrics metrics(root());
    std::string body = body_of(metrics);
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_tasks{status="done"} 1)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_tasks{status="in_progress"} 1)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_tasks{status="todo"} 1)")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_task_creations_total 3")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_task_completions_total 1")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_task_cycle_time_seconds_bucket{le="3600"} 0)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_task_cycle_time_seconds_bucket{le="7200"} 1)")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_task_cycle_time_seconds_sum 5400")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_events_total{type="TaskCreated"} 3)")) << body;

    // A deleted task leaves the status gauge; the counters and the histogram only grow.
    append_event("task:alpha-12A", "TaskDeleted", R"({"taskId":"alpha-12A","removed":["alpha-12A"]})");
    append_event("task:gamma-12A", "TaskUpdated",
                 R"({"taskId":"gamma-12A","fields":[{"field":"status","old":"todo","new":"done"}]})");
    body = body_of(metrics);
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_tasks{status="done"} 1)")) << body;
    EXPECT_EQ(body.find(R"(scopecraft_project_tasks{status="todo"})"), std::string::npos) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_task_completions_total 2")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_task_cycle_time_seconds_count 2")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_task_cycle_time_seconds_sum 10800")) << body;
}

TEST_F(StoreExport, SessionMetricsComeFromTheSessionEventsAndCountEachEndOnce) {
    append_event("session:fg-alpha-1", "SessionQueued", R"({"taskId":"alpha-12A","exec":"foreground"})");
    append_event("session:fg-alpha-1", "SessionStarted", R"({"taskId":"alpha-12A","agentPid":10})");
    append_event("session:fg-beta-2", "SessionQueued", R"({"taskId":"beta-12A","exec":"detached"})");
    append_event("session:fg-gamma-3", "SessionQueued", R"({"taskId":"gamma-12A","exec":"detached"})");
    append_event("session:fg-gamma-3", "SessionStarted", R"({"taskId":"gamma-12A","agentPid":11})");
    StoreMetrics metrics(root());
    std::string body = body_of(metrics);
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_sessions{state="queued"} 1)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_sessions{state="running"} 2)")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_session_duration_seconds_count 0")) << body;

    append_event("session:fg-alpha-1", "SessionCompleted",
                 R"({"taskId":"alpha-12A","outcome":"success","model":"opus","durationMs":45000,"toolsUsed":7,)"
                 R"("toolsFailed":1,"tokens":{"input":100,"output":40,"cacheRead":500,"cacheCreation":60},)"
                 R"("costUsd":0.25})");
    append_event("session:fg-gamma-3", "SessionCompleted",
                 R"({"taskId":"gamma-12A","outcome":"timed_out","model":"opus","durationMs":900000,)"
                 R"("toolsUsed":2,"toolsFailed":2,"tokens":{"input":10,"output":4},"costUsd":0.5})");
    append_event("session:fg-beta-2", "SessionCompleted",
                 R"({"taskId":"beta-12A","outcome":"failure","durationMs":5000,"reason":"no agent"})");
    // The same end recorded a second time (a reaper after the supervisor): counted once.
    append_event("session:fg-gamma-3", "SessionCompleted",
                 R"({"taskId":"gamma-12A","outcome":"timed_out","model":"opus","durationMs":900000,)"
                 R"("toolsUsed":2,"toolsFailed":2,"tokens":{"input":10,"output":4},"costUsd":0.5})");
    body = body_of(metrics);
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_sessions{state="queued"} 0)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_sessions{state="running"} 0)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_completions_total{outcome="failure"} 1)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_completions_total{model="opus",outcome="success"} 1)"))
        << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_completions_total{model="opus",outcome="timed_out"} 1)"))
        << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_duration_seconds_bucket{le="10"} 1)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_duration_seconds_bucket{le="30"} 1)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_duration_seconds_bucket{le="60"} 2)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_duration_seconds_bucket{le="600"} 2)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_duration_seconds_bucket{le="1200"} 3)")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_session_duration_seconds_sum 950")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_session_duration_seconds_count 3")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_tokens_total{type="input"} 110)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_tokens_total{type="output"} 44)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_tokens_total{type="cache_read"} 500)")) << body;
    EXPECT_TRUE(has_line(body, R"(scopecraft_project_session_tokens_total{type="cache_creation"} 60)")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_session_cost_usd_total 0.75")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_session_tool_uses_total 9")) << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_session_tool_failures_total 3")) << body;
}

TEST(StoreExportEmpty, AStoreNotCreatedYetIsEmptyNotAnError) {
    TempDir dir;
    StoreMetrics metrics(dir.path("never-made"));
    std::string body = body_of(metrics);
    EXPECT_TRUE(has_line(body, R"(scopecraft_prometheus_store_lines_total{signal="metrics"} 0)")) << body;
    EXPECT_EQ(body.find("target_info"), std::string::npos);
}

TEST_F(StoreExport, UnparsableLinesAreCountedAndSkipped) {
    append_metrics({R"({"resourceSpans":[]})", counter_line(1, 1)});
    StoreMetrics metrics(root());
    std::string body = body_of(metrics);
    EXPECT_TRUE(has_line(body, "scopecraft_prometheus_unparsable_lines_total 1")) << body;
    EXPECT_TRUE(has_line(body, k_ops + " 1")) << body;
}

TEST_F(StoreExport, TheScraperChoosesTheFormat) {
    append_metrics({counter_line(1, 1)});
    StoreMetrics metrics(root());
    auto openmetrics = metrics.scrape("application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");
    ASSERT_TRUE(openmetrics.ok());
    EXPECT_EQ(openmetrics->content_type, "application/openmetrics-text; version=1.0.0; charset=utf-8");
    EXPECT_TRUE(has_line(openmetrics->body, "# TYPE scopecraft_operations counter"));
    EXPECT_TRUE(openmetrics->body.size() >= 6 && openmetrics->body.substr(openmetrics->body.size() - 6) == "# EOF\n");
    auto text = metrics.scrape("text/plain");
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(text->content_type, "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_TRUE(has_line(text->body, "# TYPE scopecraft_operations_total counter"));
}

// ---- Prometheus' own checker

std::string promtool() {
    for (const char* candidate : {"/usr/bin/promtool", "/usr/local/bin/promtool"})
        if (::access(candidate, X_OK) == 0)
            return candidate;
    return "";
}

// Runs `promtool ARGS < input`, returning the exit status and what it printed.
int run_promtool(const std::string& arguments, const std::string& input_path, std::string& output) {
    std::string command = promtool() + " " + arguments + " < " + input_path + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr)
        return -1;
    char buffer[4096];
    size_t got = 0;
    while ((got = ::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        output.append(buffer, got);
    int status = ::pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(StoreExport, PromtoolCheckMetricsAcceptsOurExposition) {
    if (promtool().empty())
        SC_SKIP_OR_FAIL("promtool is not installed (Debian package prometheus)");
    // Every kind, units to convert, odd names and values to escape, and the business metrics.
    append_metrics({t::line(
        {{"service.name", "api"}, {"service.namespace", "shop"}, {"service.instance.id", "i-1"}, {"host.name", "box"}},
        "io.example/lib", "1.0",
        {t::sum("http.server.requests", "{request}", true, 1,
                {t::number_point(3, k_t0, k_t0, {{"http.route", "/a\"b\\c"}, {"status", 200}})}),
         t::sum("busy.time", "ms", true, 2, {t::number_point(1500, k_t0, k_t0 - 10)}),
         t::sum("queue.depth", "{item}", false, 1, {t::number_point(-2, k_t0)}),
         t::gauge("memory.utilization", "1", {t::number_point(0.25, k_t0)}),
         t::gauge("net.io", "By/s", {t::number_point(1e6, k_t0)}),
         t::histogram("http.server.duration", "ms", 1, {t::histogram_point({1, 2, 3}, {5, 50}, 123.5, k_t0)})})});
    append_metrics({counter_line(1, 2)});
    append_event("task:alpha-12A", "TaskCreated", R"({"taskId":"alpha-12A","created":["alpha-12A"]})");
    m_clock.advance(std::chrono::minutes(5));
    append_event("task:alpha-12A", "TaskUpdated",
                 R"({"taskId":"alpha-12A","fields":[{"field":"status","old":"todo","new":"done"}]})");
    append_event("session:fg-alpha-1", "SessionCompleted",
                 R"({"taskId":"alpha-12A","outcome":"success","model":"opus","durationMs":4000,"costUsd":0.1})");
    StoreMetrics metrics(root());
    std::string body = body_of(metrics);
    std::string path = m_dir.path("metrics.txt");
    std::ofstream(path, std::ios::binary) << body;
    std::string output;
    EXPECT_EQ(run_promtool("check metrics", path, output), 0) << output << "\n--- exposition:\n" << body;
    EXPECT_TRUE(has_line(
        body,
        R"(busy_time_seconds_total{instance="i-1",job="shop/api",otel_scope_name="io.example/lib",otel_scope_version="1.0"} 1.5)"))
        << body;
    EXPECT_TRUE(has_line(body, "scopecraft_project_session_cost_usd_total 0.1")) << body;
}

// The scrape job in docs/export.md is the one users copy: promtool must accept it as it is.
TEST(PrometheusDocs, TheScrapeJobInExportMdIsAValidPrometheusConfig) {
    if (promtool().empty())
        SC_SKIP_OR_FAIL("promtool is not installed (Debian package prometheus)");
    std::ifstream docs(std::string(SC_SOURCE_DIR) + "/docs/export.md");
    ASSERT_TRUE(docs.good());
    std::stringstream text;
    text << docs.rdbuf();
    std::string all = text.str();
    const std::string start_marker = "<!-- prometheus-scrape-config -->\n```yaml\n";
    size_t start = all.find(start_marker);
    ASSERT_NE(start, std::string::npos) << "docs/export.md has no block after " << start_marker;
    start += start_marker.size();
    size_t end = all.find("```", start);
    ASSERT_NE(end, std::string::npos);
    TempDir dir;
    std::string path = dir.path("prometheus.yml");
    std::ofstream(path, std::ios::binary) << all.substr(start, end - start);
    std::string output;
    EXPECT_EQ(run_promtool("check config " + path, "/dev/null", output), 0) << output;
}

}  // namespace
}  // namespace sc::prometheus

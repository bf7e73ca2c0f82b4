// Each metric kind read from OTLP lines into Prometheus series: counters across processes and
// restarts, gauges, non-monotonic sums, histograms (delta, cumulative, other bounds, units),
// labels, job/instance and target_info.

#include <gtest/gtest.h>

#include "prometheus/metric_aggregator.hpp"
#include "prometheus/otlp_test_lines.hpp"

namespace sc::prometheus {
namespace {

namespace t = testing;
constexpr int k_delta = 1;
constexpr int k_cumulative = 2;

class Aggregation : public ::testing::Test {
protected:
    void feed(const std::string& line) {
        std::string padded = line + std::string(64, ' ');
        ASSERT_TRUE(m_reader.read(std::string_view(padded.data(), line.size()), padded.size(),
                                  [&](const auto& resource, const auto& scope, const auto& metric, const auto& point) {
                                      m_aggregator.add(resource, scope, metric, point);
                                  }))
            << line;
    }
    std::string text() const { return render(m_aggregator.families(), Format::text_0_0_4); }
    void expect_line(const std::string& expected) const {
        std::string all = text();
        EXPECT_NE(all.find("\n" + expected + "\n"), std::string::npos) << "missing: " << expected << "\nin:\n" << all;
    }
    void expect_no(const std::string& fragment) const {
        std::string all = text();
        EXPECT_EQ(all.find(fragment), std::string::npos) << "unexpected: " << fragment << "\nin:\n" << all;
    }

    MetricLineReader m_reader;
    MetricAggregator m_aggregator;
};

const std::string k_series = R"(job="scopecraft",op="create",otel_scope_name="scopecraft.tasks")";

TEST_F(Aggregation, DeltaCounterPointsOfManyProcessesAddUp) {
    for (int pid = 1; pid <= 3; ++pid)
        feed(t::line(t::sc_resource(pid), "scopecraft.tasks", "",
                     {t::sum("scopecraft.operations", "{operation}", true, k_delta,
                             {t::number_point(2, 1000 + pid, 900 + pid, {{"op", "create"}})})}));
    expect_line("# TYPE scopecraft_operations_total counter");
    expect_line("# HELP scopecraft_operations_total scopecraft.operations help");
    expect_line("scopecraft_operations_total{" + k_series + "} 6");
}

TEST_F(Aggregation, ACumulativeCounterSurvivesARestartOfItsProcess) {
    auto report = [&](double value, int64_t time, int64_t start) {
        feed(t::line(t::sc_resource(7), "scopecraft.tasks", "",
                     {t::sum("scopecraft.operations", "{operation}", true, k_cumulative,
                             {t::number_point(value, time, start, {{"op", "create"}})})}));
    };
    report(5, 100, 10);
    report(9, 200, 10);  // the same process: the latest value counts
    expect_line("scopecraft_operations_total{" + k_series + "} 9");
    report(2, 300, 250);  // restarted: a new series, added to the old one's last value
    expect_line("scopecraft_operations_total{" + k_series + "} 11");
    report(4, 400, 250);
    expect_line("scopecraft_operations_total{" + k_series + "} 13");
}

TEST_F(Aggregation, ANegativeDeltaOnACounterIsDroppedAndCounted) {
    feed(t::line(t::sc_resource(1), "scopecraft.tasks", "",
                 {t::sum("c", "", true, k_delta, {t::number_point(3, 1), t::number_point(-1, 2)})}));
    expect_line("c_total{job=\"scopecraft\",otel_scope_name=\"scopecraft.tasks\"} 3");
    EXPECT_EQ(m_aggregator.stats().dropped_points, 1U);
}

TEST_F(Aggregation, PointsThatWouldSpoilASeriesAreDroppedAndCounted) {
    t::Json nan_sum = t::number_point(0, 3);
    nan_sum["asDouble"] = "NaN";
    feed(t::line(t::sc_resource(1), "s", "",
                 {t::sum("u", "", false, k_delta, {t::number_point(2, 1), nan_sum}),
                  t::histogram("h", "", k_delta,
                               {t::histogram_point({1, 1, 1}, {5, 1}, 3, 1),  // bounds that fall
                                t::histogram_point({1, 1}, {1}, 3, 2, 0, {{"ok", true}})})}));
    expect_line(R"(u{job="scopecraft",otel_scope_name="s"} 2)");
    expect_line(R"(h_count{job="scopecraft",ok="true",otel_scope_name="s"} 2)");
    expect_no(R"(h_count{job="scopecraft",otel_scope_name="s"})");  // no empty series left behind
    EXPECT_EQ(m_aggregator.stats().dropped_points, 2U);
}

TEST_F(Aggregation, ANonMonotonicSumIsAGauge) {
    feed(t::line(t::sc_resource(1), "s", "",
                 {t::sum("queue.depth", "{item}", false, k_delta, {t::number_point(5, 1)})}));
    feed(t::line(t::sc_resource(2), "s", "",
                 {t::sum("queue.depth", "{item}", false, k_delta, {t::number_point(-2, 2)})}));
    expect_line("# TYPE queue_depth gauge");
    expect_line("queue_depth{job=\"scopecraft\",otel_scope_name=\"s\"} 3");
}

TEST_F(Aggregation, AGaugeKeepsTheSetsOfItsLatestReport) {
    feed(t::line(t::sc_resource(1), "s", "",
                 {t::gauge("scopecraft.tasks", "{task}",
                           {t::number_point(2, 100, 0, {{"status", "todo"}}),
                            t::number_point(1, 100, 0, {{"status", "done"}})})}));
    feed(t::line(t::sc_resource(2), "s", "",
                 {t::gauge("scopecraft.tasks", "{task}", {t::number_point(3, 200, 0, {{"status", "done"}})})}));
    expect_line("# TYPE scopecraft_tasks gauge");
    expect_line("scopecraft_tasks{job=\"scopecraft\",otel_scope_name=\"s\",status=\"done\"} 3");
    expect_no("status=\"todo\"");  // no task is todo any more
    // An older report read later changes nothing.
    feed(t::line(t::sc_resource(3), "s", "",
                 {t::gauge("scopecraft.tasks", "{task}", {t::number_point(9, 150, 0, {{"status", "done"}})})}));
    expect_line("scopecraft_tasks{job=\"scopecraft\",otel_scope_name=\"s\",status=\"done\"} 3");
}

TEST_F(Aggregation, DeltaHistogramsAddUpBucketByBucket) {
    for (int pid = 1; pid <= 2; ++pid)
        feed(t::line(t::sc_resource(pid), "s", "",
                     {t::histogram("op.duration", "s", k_delta, {t::histogram_point({1, 2, 0}, {0.1, 1}, 1.5, pid)})}));
    const std::string labels = R"(job="scopecraft",otel_scope_name="s")";
    expect_line("# TYPE op_duration_seconds histogram");
    expect_line("op_duration_seconds_bucket{" + labels + ",le=\"0.1\"} 2");
    expect_line("op_duration_seconds_bucket{" + labels + ",le=\"1\"} 6");
    expect_line("op_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} 6");
    expect_line("op_duration_seconds_sum{" + labels + "} 3");
    expect_line("op_duration_seconds_count{" + labels + "} 6");
}

TEST_F(Aggregation, CumulativeHistogramsKeepTheLatestPointOfEachStart) {
    auto report = [&](std::vector<uint64_t> counts, double total, int64_t time, int64_t start) {
        feed(t::line(t::sc_resource(1), "s", "",
                     {t::histogram("h", "s", k_cumulative, {t::histogram_point(counts, {1}, total, time, start)})}));
    };
    report({1, 0}, 0.5, 10, 1);
    report({2, 1}, 3, 20, 1);
    report({0, 1}, 4, 30, 25);
    const std::string labels = R"(job="scopecraft",otel_scope_name="s")";
    expect_line("h_seconds_bucket{" + labels + ",le=\"1\"} 2");
    expect_line("h_seconds_bucket{" + labels + ",le=\"+Inf\"} 4");
    expect_line("h_seconds_sum{" + labels + "} 7");
    expect_line("h_seconds_count{" + labels + "} 4");
}

TEST_F(Aggregation, MillisecondsAreScaledToSecondsBoundsAndSumsToo) {
    feed(t::line(
        t::sc_resource(1), "s", "",
        {t::histogram("http.server.duration", "ms", k_delta, {t::histogram_point({1, 1, 1}, {100, 1000}, 2600, 1)}),
         t::sum("busy", "ms", true, k_delta, {t::number_point(1500, 1)})}));
    const std::string labels = R"(job="scopecraft",otel_scope_name="s")";
    expect_line("http_server_duration_seconds_bucket{" + labels + ",le=\"0.1\"} 1");
    expect_line("http_server_duration_seconds_bucket{" + labels + ",le=\"1\"} 2");
    expect_line("http_server_duration_seconds_sum{" + labels + "} 2.6");
    expect_line("busy_seconds_total{" + labels + "} 1.5");
}

TEST_F(Aggregation, OtherBoundsAreRebucketedIntoTheFirstOnes) {
    feed(t::line(t::sc_resource(1), "s", "",
                 {t::histogram("h", "", k_delta, {t::histogram_point({1, 1, 1}, {1, 10}, 30, 1)})}));
    // (0,0.5] -> le=1, (0.5,5] -> le=10, (5,+Inf) -> +Inf
    feed(t::line(t::sc_resource(2), "s", "",
                 {t::histogram("h", "", k_delta, {t::histogram_point({4, 2, 1}, {0.5, 5}, 40, 2)})}));
    const std::string labels = R"(job="scopecraft",otel_scope_name="s")";
    expect_line("h_bucket{" + labels + ",le=\"1\"} 5");
    expect_line("h_bucket{" + labels + ",le=\"10\"} 8");
    expect_line("h_bucket{" + labels + ",le=\"+Inf\"} 10");
    expect_line("h_sum{" + labels + "} 70");
    expect_line("h_count{" + labels + "} 10");
}

TEST_F(Aggregation, NegativeObservationsDropTheHistogramSum) {
    t::Json point = t::histogram_point({1, 0}, {0}, -2, 1);
    point["min"] = -2;
    feed(t::line(t::sc_resource(1), "s", "", {t::histogram("temp", "Cel", k_delta, {point})}));
    expect_no("temp_celsius_sum");
    expect_line("temp_celsius_count{job=\"scopecraft\",otel_scope_name=\"s\"} 1");
}

TEST_F(Aggregation, JobAndInstanceComeFromTheServiceAndTheRestGoesToTargetInfo) {
    feed(t::line({{"service.name", "api"},
                  {"service.namespace", "shop"},
                  {"service.instance.id", "i-1"},
                  {"host.name", "box"},
                  {"process.pid", 42},
                  {"process.executable.name", "api-server"}},
                 "lib", "1.2", {t::gauge("g", "", {t::number_point(1, 1)})}));
    expect_line(R"(g{instance="i-1",job="shop/api",otel_scope_name="lib",otel_scope_version="1.2"} 1)");
    expect_line(R"(target_info{instance="i-1",job="shop/api",host_name="box"} 1)");
    expect_no("process_");  // one process's attributes would start a new series per command
}

TEST_F(Aggregation, AttributesBecomeLabelsClashesJoinAndReservedNamesMoveAside) {
    feed(t::line(
        t::sc_resource(1), "s", "",
        {t::gauge("g", "",
                  {t::number_point(1, 1, 0, {{"a.b", "x"}, {"a_b", "y"}, {"job", "mine"}, {"n", 7}, {"ok", true}})})}));
    expect_line(R"(g{a_b="x;y",exported_job="mine",job="scopecraft",n="7",ok="true",otel_scope_name="s"} 1)");
}

TEST_F(Aggregation, ATypeConflictOnOneNameDropsTheLaterMetric) {
    feed(t::line(t::sc_resource(1), "s", "", {t::gauge("x.y", "", {t::number_point(1, 1)})}));
    feed(t::line(t::sc_resource(1), "s", "", {t::sum("x_y", "", false, k_delta, {t::number_point(5, 2)})}));
    expect_line(R"(x_y{job="scopecraft",otel_scope_name="s"} 1)");
    EXPECT_EQ(m_aggregator.stats().dropped_points, 1U);
}

TEST_F(Aggregation, AMetricWithoutANameIsDropped) {
    feed(t::line(t::sc_resource(1), "s", "", {t::gauge("", "2", {t::number_point(1, 1)})}));
    EXPECT_TRUE(m_aggregator.families().empty());
    EXPECT_EQ(m_aggregator.stats().dropped_points, 1U);
}

TEST_F(Aggregation, AResourceWithoutServiceNameIsUnknownService) {
    feed(t::line({}, "s", "", {t::gauge("g", "", {t::number_point(1, 1)})}));
    expect_line(R"(g{job="unknown_service",otel_scope_name="s"} 1)");
}

TEST(MetricLineReader, LinesThatAreNotMetricRequestsAreRefused) {
    MetricLineReader reader;
    int points = 0;
    auto count = [&](const auto&, const auto&, const auto&, const auto&) { ++points; };
    for (std::string line :
         {"not json", "[]", R"({"resourceSpans":[]})", R"({"resourceMetrics":{}})", "{\"resourceMetrics\":[1"})
        EXPECT_FALSE(reader.read(line, line.size(), count)) << line;
    // Mistyped fields inside a request read as empty: no crash, no point invented.
    std::string odd =
        R"({"resourceMetrics":[{"resource":7,"scopeMetrics":[{"metrics":[{"name":1,"sum":{"dataPoints":"x"}}]}]}]})";
    EXPECT_TRUE(reader.read(odd, odd.size(), count));
    EXPECT_EQ(points, 0);
}

}  // namespace
}  // namespace sc::prometheus

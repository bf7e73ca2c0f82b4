// Metric values as `sc metrics` shows them: delta points summed across lines and processes,
// cumulative series taking their latest point, gauges their latest value, histograms merged.
#include "observe/metric_values.hpp"

#include <gtest/gtest.h>

namespace sc::observe {
namespace {

constexpr int64_t k_base = 1795784400000000000;  // 2026-11-27T13:00:00Z
constexpr int64_t k_minute = 60'000'000'000;

// Two short-lived processes, each writing its deltas on exit.
const char* const k_first_process =
    R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}},)"
    R"({"key":"process.pid","value":{"intValue":"100"}}]},"scopeMetrics":[{"scope":{"name":"sc.cli"},"metrics":[)"
    R"({"name":"scopecraft.operations","description":"Task operations","unit":"{operation}","sum":{"dataPoints":[)"
    R"({"attributes":[{"key":"operation","value":{"stringValue":"task.create"}},{"key":"outcome","value":{"stringValue":"ok"}}],)"
    R"("startTimeUnixNano":"1795784400000000000","timeUnixNano":"1795784401000000000","asInt":"2"},)"
    R"({"attributes":[{"key":"operation","value":{"stringValue":"task.list"}},{"key":"outcome","value":{"stringValue":"ok"}}],)"
    R"("startTimeUnixNano":"1795784400000000000","timeUnixNano":"1795784401000000000","asInt":"1"}],)"
    R"("aggregationTemporality":1,"isMonotonic":true}},)"
    R"({"name":"scopecraft.operation.duration","unit":"s","histogram":{"dataPoints":[)"
    R"({"startTimeUnixNano":"1795784400000000000","timeUnixNano":"1795784401000000000","count":"4","sum":0.04,)"
    R"("bucketCounts":["1","2","1","0","0"],"explicitBounds":[0.005,0.01,0.025,0.05],"min":0.003,"max":0.02}],)"
    R"("aggregationTemporality":1}},)"
    R"({"name":"scopecraft.tasks","unit":"{task}","gauge":{"dataPoints":[)"
    R"({"attributes":[{"key":"status","value":{"stringValue":"todo"}}],"timeUnixNano":"1795784401000000000","asInt":"3"}]}})"
    R"(]}]}]})";

const char* const k_second_process =
    R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}},)"
    R"({"key":"process.pid","value":{"intValue":"101"}}]},"scopeMetrics":[{"scope":{"name":"sc.cli"},"metrics":[)"
    R"({"name":"scopecraft.operations","description":"Task operations","unit":"{operation}","sum":{"dataPoints":[)"
    R"({"attributes":[{"key":"outcome","value":{"stringValue":"ok"}},{"key":"operation","value":{"stringValue":"task.create"}}],)"
    R"("startTimeUnixNano":"1795784460000000000","timeUnixNano":"1795784461000000000","asInt":"3"}],)"
    R"("aggregationTemporality":1,"isMonotonic":true}},)"
    R"({"name":"scopecraft.operation.duration","unit":"s","histogram":{"dataPoints":[)"
    R"({"startTimeUnixNano":"1795784460000000000","timeUnixNano":"1795784461000000000","count":"2","sum":0.07,)"
    R"("bucketCounts":["0","0","1","1","0"],"explicitBounds":[0.005,0.01,0.025,0.05],"min":0.02,"max":0.05}],)"
    R"("aggregationTemporality":1}},)"
    R"({"name":"scopecraft.tasks","unit":"{task}","gauge":{"dataPoints":[)"
    R"({"attributes":[{"key":"status","value":{"stringValue":"todo"}}],"timeUnixNano":"1795784461000000000","asInt":"4"},)"
    R"({"attributes":[{"key":"status","value":{"stringValue":"done"}}],"timeUnixNano":"1795784461000000000","asDouble":1.0}]}})"
    R"(]}]}]})";

std::vector<MetricPoint> both_processes() {
    std::vector<MetricPoint> points;
    EXPECT_TRUE(parse_metric_line(k_first_process, points).ok());
    EXPECT_TRUE(parse_metric_line(k_second_process, points).ok());
    return points;
}

const MetricValue* find(const std::vector<MetricValue>& values, const std::string& name,
                        const nlohmann::ordered_json& attributes = nullptr) {
    for (const MetricValue& value : values)
        if (value.name == name &&
            (attributes.is_null() || nlohmann::json(value.attributes) == nlohmann::json(attributes)))
            return &value;
    return nullptr;
}

TEST(MetricValues, ParsesSumHistogramAndGaugePoints) {
    std::vector<MetricPoint> points;
    ASSERT_TRUE(parse_metric_line(k_first_process, points).ok());
    ASSERT_EQ(points.size(), 4U);
    EXPECT_EQ(points[0].type, MetricType::sum);
    EXPECT_EQ(points[0].temporality, Temporality::delta);
    EXPECT_TRUE(points[0].monotonic);
    EXPECT_EQ(points[0].value, 2);
    EXPECT_EQ(points[0].unit, "{operation}");
    EXPECT_EQ(points[0].service, "scopecraft");
    EXPECT_EQ(points[2].type, MetricType::histogram);
    EXPECT_EQ(points[2].count, 4U);
    EXPECT_EQ(points[2].bucket_counts, (std::vector<uint64_t> {1, 2, 1, 0, 0}));
    EXPECT_EQ(points[2].bounds.size(), 4U);
    EXPECT_EQ(points[2].min, 0.003);
    EXPECT_EQ(points[3].type, MetricType::gauge);
    EXPECT_EQ(points[3].attributes["status"], "todo");
}

TEST(MetricValues, SumsDeltaCounterPointsPerAttributeSetAcrossProcesses) {
    MetricFilter filter;
    filter.name = "scopecraft.operations";
    filter.by_attributes = true;
    std::vector<MetricValue> values = current_metrics(both_processes(), filter);
    ASSERT_EQ(values.size(), 2U);
    // Attribute order differs between the two lines; the set is the same.
    const MetricValue* created =
        find(values, "scopecraft.operations", {{"operation", "task.create"}, {"outcome", "ok"}});
    ASSERT_NE(created, nullptr);
    EXPECT_EQ(created->value, 5);
    EXPECT_EQ(created->points, 2U);
    const MetricValue* listed = find(values, "scopecraft.operations", {{"operation", "task.list"}, {"outcome", "ok"}});
    ASSERT_NE(listed, nullptr);
    EXPECT_EQ(listed->value, 1);

    filter.by_attributes = false;
    values = current_metrics(both_processes(), filter);
    ASSERT_EQ(values.size(), 1U);
    EXPECT_EQ(values[0].value, 6);
    EXPECT_EQ(values[0].description, "Task operations");
}

TEST(MetricValues, MergesDeltaHistogramsAndEstimatesPercentilesFromBuckets) {
    MetricFilter filter;
    filter.name = "scopecraft.operation.duration";
    std::vector<MetricValue> values = current_metrics(both_processes(), filter);
    ASSERT_EQ(values.size(), 1U);
    const MetricValue& merged = values[0];
    EXPECT_EQ(merged.count, 6U);
    EXPECT_DOUBLE_EQ(merged.sum, 0.11);
    EXPECT_EQ(merged.bucket_counts, (std::vector<uint64_t> {1, 2, 2, 1, 0}));
    EXPECT_EQ(merged.min, 0.003);
    EXPECT_EQ(merged.max, 0.05);
    EXPECT_NEAR(merged.mean(), 0.11 / 6, 1e-12);
    // p50: the 3rd of 6 observations is the last of bucket (0.005, 0.01].
    EXPECT_NEAR(*histogram_quantile(merged, 0.5), 0.01, 1e-12);
    // p95: rank 5.7 falls 70% into bucket (0.025, 0.05].
    EXPECT_NEAR(*histogram_quantile(merged, 0.95), 0.0425, 1e-12);
}

TEST(MetricValues, HistogramsWithDifferentBoundsKeepCountsButDropBuckets) {
    std::vector<MetricPoint> points = both_processes();
    for (MetricPoint& point : points)
        if (point.type == MetricType::histogram && point.time > k_base + k_minute)
            point.bounds = {0.1, 0.2, 0.3, 0.4};
    MetricFilter filter;
    filter.name = "scopecraft.operation.duration";
    std::vector<MetricValue> values = current_metrics(points, filter);
    ASSERT_EQ(values.size(), 1U);
    EXPECT_EQ(values[0].count, 6U);
    EXPECT_FALSE(histogram_quantile(values[0], 0.5).has_value());
}

TEST(MetricValues, GaugesShowTheirLatestReport) {
    std::vector<MetricPoint> points = both_processes();
    // The first process also saw a blocked task; the later report has none.
    MetricPoint blocked = points[3];
    blocked.attributes = {{"status", "blocked"}};
    points.push_back(blocked);
    MetricFilter filter;
    filter.name = "scopecraft.tasks";
    filter.by_attributes = true;
    std::vector<MetricValue> values = current_metrics(points, filter);
    ASSERT_EQ(values.size(), 2U);
    EXPECT_EQ(find(values, "scopecraft.tasks", {{"status", "todo"}})->value, 4);
    EXPECT_EQ(find(values, "scopecraft.tasks", {{"status", "done"}})->value, 1);
    filter.by_attributes = false;
    EXPECT_EQ(current_metrics(points, filter)[0].value, 5);
}

MetricPoint cumulative_point(int64_t start, int64_t time, double value) {
    MetricPoint point;
    point.name = "requests";
    point.type = MetricType::sum;
    point.temporality = Temporality::cumulative;
    point.start_time = start;
    point.time = time;
    point.value = value;
    return point;
}

TEST(MetricValues, CumulativeSeriesTakeTheirLatestPointAndAddUp) {
    std::vector<MetricPoint> points = {
        cumulative_point(k_base, k_base + 1 * k_minute, 10), cumulative_point(k_base, k_base + 3 * k_minute, 15),
        cumulative_point(k_base, k_base + 2 * k_minute, 12),                // out of order in the store
        cumulative_point(k_base + 2 * k_minute, k_base + 3 * k_minute, 7),  // a restarted process
    };
    std::vector<MetricValue> values = current_metrics(points, {});
    ASSERT_EQ(values.size(), 1U);
    EXPECT_EQ(values[0].value, 22);
    EXPECT_FALSE(values[0].increase.has_value());

    // Within the window: the old series grew 15 - 10, the new one started inside it.
    MetricFilter window;
    window.since = k_base + 1 * k_minute;
    values = current_metrics(points, window);
    ASSERT_TRUE(values[0].increase.has_value());
    EXPECT_EQ(*values[0].increase, 12);
}

TEST(MetricValues, DeltaIncreaseCountsOnlyPointsInsideTheWindow) {
    MetricFilter filter;
    filter.name = "scopecraft.operations";
    filter.since = k_base + k_minute;  // only the second process
    std::vector<MetricValue> values = current_metrics(both_processes(), filter);
    ASSERT_EQ(values.size(), 1U);
    EXPECT_EQ(values[0].value, 3);
    EXPECT_EQ(values[0].increase, 3);
}

TEST(MetricValues, NameFilterIsAPrefix) {
    MetricFilter filter;
    filter.name = "scopecraft.op";
    std::vector<MetricValue> values = current_metrics(both_processes(), filter);
    ASSERT_EQ(values.size(), 2U);
    EXPECT_EQ(values[0].name, "scopecraft.operation.duration");  // sorted by name
    EXPECT_EQ(values[1].name, "scopecraft.operations");
}

const MetricSeries* find_series(const std::vector<MetricSeries>& series, const std::string& name,
                                const nlohmann::ordered_json& attributes = nullptr) {
    for (const MetricSeries& one : series)
        if (one.name == name && (attributes.is_null() || nlohmann::json(one.attributes) == nlohmann::json(attributes)))
            return &one;
    return nullptr;
}

using Values = std::vector<std::optional<double>>;

TEST(MetricSeries, EachBucketHoldsWhatItsPointsAddAndAnEmptyBucketHoldsNothing) {
    // The first process wrote in the first minute, the second in the second; the third is empty.
    std::vector<MetricSeries> series = metric_series(both_processes(), {}, k_base, k_base + 3 * k_minute, 3);
    ASSERT_EQ(series.size(), 3U);
    const MetricSeries* operations = find_series(series, "scopecraft.operations");
    ASSERT_NE(operations, nullptr);
    EXPECT_EQ(operations->values, (Values {3.0, 3.0, std::nullopt}));
    const MetricSeries* durations = find_series(series, "scopecraft.operation.duration");
    ASSERT_NE(durations, nullptr);
    EXPECT_EQ(durations->values, (Values {4.0, 2.0, std::nullopt}));  // observations per bucket
    const MetricSeries* tasks = find_series(series, "scopecraft.tasks");
    ASSERT_NE(tasks, nullptr);
    EXPECT_EQ(tasks->values, (Values {3.0, 5.0, std::nullopt}));  // the gauge's latest report in each
}

TEST(MetricSeries, ByAttributesGivesOneSeriesPerAttributeSet) {
    MetricFilter filter;
    filter.name = "scopecraft.operations";
    filter.by_attributes = true;
    std::vector<MetricSeries> series = metric_series(both_processes(), filter, k_base, k_base + 2 * k_minute, 2);
    ASSERT_EQ(series.size(), 2U);
    const MetricSeries* create =
        find_series(series, "scopecraft.operations", {{"operation", "task.create"}, {"outcome", "ok"}});
    ASSERT_NE(create, nullptr);
    EXPECT_EQ(create->values, (Values {2.0, 3.0}));
    const MetricSeries* list =
        find_series(series, "scopecraft.operations", {{"operation", "task.list"}, {"outcome", "ok"}});
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(list->values, (Values {1.0, std::nullopt}));
}

TEST(MetricSeries, PointsOutsideTheWindowAreLeftOut) {
    std::vector<MetricSeries> series = metric_series(both_processes(), {}, k_base + k_minute, k_base + 2 * k_minute, 1);
    const MetricSeries* operations = find_series(series, "scopecraft.operations");
    ASSERT_NE(operations, nullptr);
    EXPECT_EQ(operations->values, (Values {3.0}));
    EXPECT_TRUE(metric_series(both_processes(), {}, k_base, k_base, 4).empty());
}

}  // namespace
}  // namespace sc::observe

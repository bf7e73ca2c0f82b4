// The two exposition formats, byte for byte, and the choice between them.

#include <gtest/gtest.h>

#include "prometheus/exposition.hpp"

namespace sc::prometheus {
namespace {

std::vector<FamilySample> sample_families() {
    std::vector<FamilySample> families;
    families.push_back({"target", SampleType::info, "Target metadata", "", {{R"(job="sc",host_name="vm")", 0, {}}}});
    families.push_back({"ops_total", SampleType::counter, "Operations", "", {{R"(op="a")", 3, {}}, {"", 1, {}}}});
    families.push_back({"queue_size", SampleType::gauge, "Items \"waiting\"", "", {{"", 2.5, {}}}});
    SeriesSample histogram;
    histogram.labels = R"(op="a")";
    histogram.histogram = {{0.1, 1}, {1, 2, 1}, 4, 1.75, true};
    families.push_back({"op_duration_seconds", SampleType::histogram, "", "seconds", {histogram}});
    families.push_back({"empty", SampleType::gauge, "no series: not written", "", {}});
    return families;
}

TEST(PrometheusExposition, TextFormatWritesTypeHelpAndSamples) {
    EXPECT_EQ(render(sample_families(), Format::text_0_0_4),
              "# TYPE target_info gauge\n"
              "# HELP target_info Target metadata\n"
              "target_info{job=\"sc\",host_name=\"vm\"} 1\n"
              "# TYPE ops_total counter\n"
              "# HELP ops_total Operations\n"
              "ops_total{op=\"a\"} 3\n"
              "ops_total 1\n"
              "# TYPE queue_size gauge\n"
              "# HELP queue_size Items \"waiting\"\n"
              "queue_size 2.5\n"
              "# TYPE op_duration_seconds histogram\n"
              "op_duration_seconds_bucket{op=\"a\",le=\"0.1\"} 1\n"
              "op_duration_seconds_bucket{op=\"a\",le=\"1\"} 3\n"
              "op_duration_seconds_bucket{op=\"a\",le=\"+Inf\"} 4\n"
              "op_duration_seconds_sum{op=\"a\"} 1.75\n"
              "op_duration_seconds_count{op=\"a\"} 4\n");
}

TEST(PrometheusExposition, OpenMetricsNamesCounterFamiliesWithoutTotalAndEndsWithEof) {
    EXPECT_EQ(render(sample_families(), Format::openmetrics_1_0_0),
              "# TYPE target info\n"
              "# HELP target Target metadata\n"
              "target_info{job=\"sc\",host_name=\"vm\"} 1\n"
              "# TYPE ops counter\n"
              "# HELP ops Operations\n"
              "ops_total{op=\"a\"} 3\n"
              "ops_total 1\n"
              "# TYPE queue_size gauge\n"
              "# HELP queue_size Items \\\"waiting\\\"\n"
              "queue_size 2.5\n"
              "# TYPE op_duration_seconds histogram\n"
              "# UNIT op_duration_seconds seconds\n"
              "op_duration_seconds_bucket{op=\"a\",le=\"0.1\"} 1\n"
              "op_duration_seconds_bucket{op=\"a\",le=\"1\"} 3\n"
              "op_duration_seconds_bucket{op=\"a\",le=\"+Inf\"} 4\n"
              "op_duration_seconds_sum{op=\"a\"} 1.75\n"
              "op_duration_seconds_count{op=\"a\"} 4\n"
              "# EOF\n");
}

TEST(PrometheusExposition, AHistogramWithNegativeObservationsHasNoSum) {
    SeriesSample series;
    series.histogram = {{0}, {1, 1}, 2, -3, false};
    std::string text = render({{"x", SampleType::histogram, "", "", {series}}}, Format::text_0_0_4);
    EXPECT_EQ(text.find("x_sum"), std::string::npos) << text;
    EXPECT_NE(text.find("x_count 2\n"), std::string::npos) << text;
}

TEST(PrometheusExposition, ABucketNeverShowsMoreThanTheCount) {
    SeriesSample series;
    series.histogram = {{1, 2}, {5, 5, 0}, 4, 4, true};  // a writer whose buckets add up to more
    std::string text = render({{"x", SampleType::histogram, "", "", {series}}}, Format::text_0_0_4);
    EXPECT_NE(text.find("x_bucket{le=\"1\"} 4\n"), std::string::npos) << text;
    EXPECT_NE(text.find("x_bucket{le=\"+Inf\"} 4\n"), std::string::npos) << text;
}

TEST(PrometheusExposition, LabelsAreSortedAndEscaped) {
    EXPECT_EQ(render_labels({{"b", "x\"y"}, {"a", "1\\2"}}), "a=\"1\\\\2\",b=\"x\\\"y\"");
    EXPECT_EQ(render_labels({}), "");
}

TEST(PrometheusExposition, PrometheusAskingForOpenMetricsGetsIt) {
    // What Prometheus 2.42 sends.
    EXPECT_EQ(negotiate("application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
                        "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"),
              Format::openmetrics_1_0_0);
    EXPECT_EQ(negotiate("application/openmetrics-text"), Format::openmetrics_1_0_0);
    EXPECT_EQ(content_type(Format::openmetrics_1_0_0), "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

TEST(PrometheusExposition, EverythingElseGetsTheTextFormat) {
    EXPECT_EQ(negotiate(""), Format::text_0_0_4);
    EXPECT_EQ(negotiate("*/*"), Format::text_0_0_4);
    EXPECT_EQ(negotiate("text/plain;version=0.0.4"), Format::text_0_0_4);
    EXPECT_EQ(negotiate("text/plain;version=0.0.4;q=0.9, application/openmetrics-text;q=0.5"), Format::text_0_0_4);
    EXPECT_EQ(negotiate("application/openmetrics-text;version=0.0.1"), Format::text_0_0_4);
    EXPECT_EQ(negotiate("application/openmetrics-text;q=0"), Format::text_0_0_4);
    EXPECT_EQ(content_type(Format::text_0_0_4), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace
}  // namespace sc::prometheus

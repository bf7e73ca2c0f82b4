// Names, units and suffixes as the OpenTelemetry-to-Prometheus compatibility rules give them.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "prometheus/names.hpp"

namespace sc::prometheus {
namespace {

TEST(PrometheusNames, InvalidCharactersBecomeOneUnderscore) {
    EXPECT_EQ(metric_name("scopecraft.operation.duration"), "scopecraft_operation_duration");
    EXPECT_EQ(metric_name("http..server//requests"), "http_server_requests");
    EXPECT_EQ(metric_name("a__b"), "a_b");
    EXPECT_EQ(metric_name("ns:metric"), "ns:metric");
    EXPECT_EQ(metric_name("2xx.count"), "_2xx_count");
    EXPECT_EQ(metric_name("größe"), "gr_e");
}

TEST(PrometheusNames, LabelNamesAllowNoColon) {
    EXPECT_EQ(label_name("http.response.status_code"), "http_response_status_code");
    EXPECT_EQ(label_name("a:b"), "a_b");
    EXPECT_EQ(label_name("9lives"), "_9lives");
}

TEST(PrometheusNames, TimeUnitsBecomeSecondsWithTheirFactor) {
    EXPECT_EQ(convert_unit("s").word, "seconds");
    EXPECT_EQ(convert_unit("s").factor(), 1.0);
    EXPECT_EQ(convert_unit("ms").word, "seconds");
    EXPECT_DOUBLE_EQ(convert_unit("ms").factor(), 1e-3);
    EXPECT_DOUBLE_EQ(convert_unit("us").factor(), 1e-6);
    EXPECT_DOUBLE_EQ(convert_unit("ns").factor(), 1e-9);
    EXPECT_DOUBLE_EQ(convert_unit("min").factor(), 60.0);
    EXPECT_DOUBLE_EQ(convert_unit("h").factor(), 3600.0);
    EXPECT_DOUBLE_EQ(convert_unit("d").factor(), 86400.0);
    // Divided by the exact power of ten: the nearest double, not one a rounding away.
    EXPECT_EQ(convert_unit("ms").apply(2.5), 0.0025);
    EXPECT_EQ(convert_unit("us").apply(250), 0.00025);
}

TEST(PrometheusNames, ByteMultiplesBecomeBytes) {
    EXPECT_EQ(convert_unit("By").word, "bytes");
    EXPECT_EQ(convert_unit("KiBy").word, "bytes");
    EXPECT_DOUBLE_EQ(convert_unit("KiBy").factor(), 1024.0);
    EXPECT_DOUBLE_EQ(convert_unit("MBy").factor(), 1e6);
}

TEST(PrometheusNames, AnnotationsAreDroppedAndOneIsRatio) {
    EXPECT_EQ(convert_unit("{task}").word, "");
    EXPECT_EQ(convert_unit("{operation}").word, "");
    EXPECT_EQ(convert_unit("").word, "");
    EXPECT_EQ(convert_unit("1").word, "ratio");
    EXPECT_EQ(convert_unit("%").word, "percent");
    EXPECT_EQ(convert_unit("By{compressed}").word, "bytes");
}

TEST(PrometheusNames, PerUnitsAndUnknownUnits) {
    EXPECT_EQ(convert_unit("By/s").word, "bytes_per_second");
    EXPECT_EQ(convert_unit("{request}/s").word, "per_second");
    EXPECT_EQ(convert_unit("m/s").word, "meters_per_second");
    EXPECT_DOUBLE_EQ(convert_unit("KiBy/s").factor(), 1024.0);
    EXPECT_EQ(convert_unit("packets").word, "packets");
    EXPECT_EQ(convert_unit("Cel").word, "celsius");
}

TEST(PrometheusNames, CountersEndInTotalOnceAfterTheUnit) {
    EXPECT_EQ(prometheus_name("scopecraft.operations", convert_unit("{operation}"), FamilyType::counter),
              "scopecraft_operations_total");
    EXPECT_EQ(prometheus_name("requests_total", convert_unit(""), FamilyType::counter), "requests_total");
    EXPECT_EQ(prometheus_name("cpu.time", convert_unit("s"), FamilyType::counter), "cpu_time_seconds_total");
    // The unit goes before _total even when the name came with it.
    EXPECT_EQ(prometheus_name("cpu.time_total", convert_unit("s"), FamilyType::counter), "cpu_time_seconds_total");
    EXPECT_EQ(prometheus_name("queue.size", convert_unit("{item}"), FamilyType::gauge), "queue_size");
    EXPECT_EQ(prometheus_name("", convert_unit("2"), FamilyType::gauge), "_2");  // found by the fuzzer
}

TEST(PrometheusNames, TheUnitIsNotAddedTwice) {
    EXPECT_EQ(prometheus_name("scopecraft.operation.duration", convert_unit("s"), FamilyType::histogram),
              "scopecraft_operation_duration_seconds");
    EXPECT_EQ(prometheus_name("request.duration.seconds", convert_unit("ms"), FamilyType::histogram),
              "request_duration_seconds");
    EXPECT_EQ(prometheus_name("memory.utilization", convert_unit("1"), FamilyType::gauge), "memory_utilization_ratio");
    // A counter of unit 1 counts things: no _ratio (as the Collector's translator).
    EXPECT_EQ(prometheus_name("classes.loaded", convert_unit("1"), FamilyType::counter), "classes_loaded_total");
    EXPECT_EQ(prometheus_name("network.io", convert_unit("By/s"), FamilyType::gauge), "network_io_bytes_per_second");
    // A word that merely contains the unit is not the unit.
    EXPECT_EQ(prometheus_name("milliseconds_left", convert_unit("s"), FamilyType::gauge), "milliseconds_left_seconds");
}

TEST(PrometheusNames, OpenMetricsCounterFamiliesLoseTotal) {
    EXPECT_EQ(family_name_without_total("scopecraft_operations_total"), "scopecraft_operations");
    EXPECT_EQ(family_name_without_total("queue_size"), "queue_size");
}

TEST(PrometheusNames, LabelValuesAndHelpAreEscaped) {
    EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    EXPECT_EQ(escape_help("say \"hi\"\\\n", false), "say \"hi\"\\\\\\n");
    EXPECT_EQ(escape_help("say \"hi\"", true), "say \\\"hi\\\"");
}

TEST(PrometheusNames, ValuesReadBackExactly) {
    EXPECT_EQ(format_value(3), "3");
    EXPECT_EQ(format_value(2592000), "2592000");
    EXPECT_EQ(format_value(0.0001), "0.0001");
    EXPECT_EQ(format_value(0.25), "0.25");
    EXPECT_EQ(format_value(2.5e-7), "2.5e-07");
    EXPECT_EQ(format_value(-1.5), "-1.5");
    EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
    EXPECT_EQ(format_value(std::nan("")), "NaN");
    EXPECT_EQ(std::stod(format_value(0.1 + 0.2)), 0.1 + 0.2);
}

}  // namespace
}  // namespace sc::prometheus

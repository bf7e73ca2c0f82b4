// The .proto files are written by hand from the OTLP specification, so these tests pin the wire
// bytes of each message we use: a wrong field number or type changes a tag byte and fails here,
// before any peer sees it. The expected bytes are worked out from the protobuf encoding rules
// (tag = field number << 3 | wire type), not produced by the code under test.
#include <gtest/gtest.h>

#include <string>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace metrics = opentelemetry::proto::metrics::v1;
namespace logs = opentelemetry::proto::logs::v1;

std::string hex(const std::string& bytes) {
    static constexpr char k_digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += k_digits[c >> 4];
        out += k_digits[c & 15];
    }
    return out;
}

std::string repeat(const std::string& byte_hex, int count) {
    std::string out;
    for (int i = 0; i < count; ++i)
        out += byte_hex;
    return out;
}

TEST(OtlpProto, SpanFieldsHaveTheSpecificationsNumbersAndTypes) {
    trace::Span span;
    span.set_trace_id(std::string(16, '\x01'));
    span.set_span_id(std::string(8, '\x02'));
    span.set_name("a");
    span.set_kind(trace::Span::SPAN_KIND_SERVER);
    span.set_start_time_unix_nano(1);
    span.set_end_time_unix_nano(2);
    span.mutable_status()->set_message("m");
    span.mutable_status()->set_code(trace::Status::STATUS_CODE_ERROR);
    span.set_flags(0x301);
    EXPECT_EQ(hex(span.SerializeAsString()), "0a10" + repeat("01", 16) +     // 1 trace_id, bytes
                                                 "1208" + repeat("02", 8) +  // 2 span_id, bytes
                                                 "2a0161" +                  // 5 name, string
                                                 "3002" +                    // 6 kind, enum
                                                 "390100000000000000" +      // 7 start_time_unix_nano, fixed64
                                                 "410200000000000000" +      // 8 end_time_unix_nano, fixed64
                                                 "7a051201"
                                                 "6d"
                                                 "1802" +          // 15 status {2 message, 3 code}
                                                 "850101030000");  // 16 flags, fixed32
}

TEST(OtlpProto, AttributesAndValuesHaveTheSpecificationsNumbers) {
    common::KeyValue attribute;
    attribute.set_key("k");
    attribute.mutable_value()->set_int_value(5);
    EXPECT_EQ(hex(attribute.SerializeAsString()),
              "0a016b"
              "12021805");  // 1 key; 2 value {3 int}
    common::AnyValue value;
    value.set_bool_value(true);
    EXPECT_EQ(hex(value.SerializeAsString()), "1001");
    value.set_double_value(1.0);
    EXPECT_EQ(hex(value.SerializeAsString()), "21000000000000f03f");
    value.set_bytes_value("z");
    EXPECT_EQ(hex(value.SerializeAsString()), "3a017a");
}

TEST(OtlpProto, MetricPointsHaveTheSpecificationsNumbersAndTypes) {
    metrics::NumberDataPoint number;
    number.set_as_int(-1);
    number.set_time_unix_nano(3);
    number.set_flags(1);
    EXPECT_EQ(hex(number.SerializeAsString()),
              "190300000000000000"  // 3 time_unix_nano, fixed64
              "31ffffffffffffffff"  // 6 as_int, sfixed64
              "4001");              // 8 flags
    metrics::HistogramDataPoint histogram;
    histogram.set_count(2);
    histogram.set_sum(0.5);
    histogram.add_bucket_counts(2);
    histogram.add_explicit_bounds(1.0);
    histogram.set_min(0.25);
    histogram.set_max(0.25);
    EXPECT_EQ(hex(histogram.SerializeAsString()),
              "210200000000000000"    // 4 count, fixed64
              "29000000000000e03f"    // 5 sum, double
              "32080200000000000000"  // 6 bucket_counts, packed fixed64
              "3a08000000000000f03f"  // 7 explicit_bounds, packed double
              "59000000000000d03f"    // 11 min
              "61000000000000d03f");  // 12 max
    metrics::Metric metric;
    metric.set_name("n");
    metric.mutable_sum()->set_aggregation_temporality(metrics::AGGREGATION_TEMPORALITY_DELTA);
    metric.mutable_sum()->set_is_monotonic(true);
    EXPECT_EQ(hex(metric.SerializeAsString()),
              "0a016e"
              "3a0410011801");  // 1 name; 7 sum {2, 3}
}

TEST(OtlpProto, LogRecordFieldsHaveTheSpecificationsNumbersAndTypes) {
    logs::LogRecord record;
    record.set_time_unix_nano(1);
    record.set_severity_number(logs::SEVERITY_NUMBER_WARN);
    record.mutable_body()->set_string_value("b");
    record.set_span_id(std::string(8, '\x02'));
    record.set_observed_time_unix_nano(1);
    record.set_event_name("e");
    EXPECT_EQ(hex(record.SerializeAsString()),
              "090100000000000000"  // 1 time_unix_nano, fixed64
              "100d"                // 2 severity_number 13
              "2a030a0162"          // 5 body {1 string}
              "5208" +
                  repeat("02", 8) +     // 10 span_id
                  "590100000000000000"  // 11 observed_time_unix_nano
                  "620165");            // 12 event_name
}

TEST(OtlpProto, ExportResponsesCarryPartialSuccessInFieldOne) {
    opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse traces;
    traces.mutable_partial_success()->set_rejected_spans(2);
    traces.mutable_partial_success()->set_error_message("x");
    EXPECT_EQ(hex(traces.SerializeAsString()),
              "0a05"
              "0802"
              "120178");
    opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceResponse points;
    points.mutable_partial_success()->set_rejected_data_points(1);
    EXPECT_EQ(hex(points.SerializeAsString()), "0a020801");
    opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest request;
    request.add_resource_logs()->add_scope_logs()->add_log_records()->set_severity_text("s");
    EXPECT_EQ(hex(request.SerializeAsString()),
              "0a07"
              "1205"
              "1203"
              "1a0173");
    google::rpc::Status status;
    status.set_code(3);
    status.set_message("bad");
    EXPECT_EQ(hex(status.SerializeAsString()),
              "0803"
              "1203626164");
}

}  // namespace

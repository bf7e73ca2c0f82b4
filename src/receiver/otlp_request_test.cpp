// The receiver's decoding without HTTP: what each body becomes in the store and in the answer.

#include "receiver/otlp_request.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "google/rpc/status.pb.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/metrics/v1/metrics_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"
#include "receiver/otlp_json_reader.hpp"
#include "receiver/otlp_json_writer.hpp"
#include "telemetry/api/telemetry.hpp"
#include "telemetry/pipeline.hpp"

namespace sc::receiver {
namespace {

namespace trace_service = opentelemetry::proto::collector::trace::v1;
namespace metrics_service = opentelemetry::proto::collector::metrics::v1;
namespace logs_service = opentelemetry::proto::collector::logs::v1;
namespace common = opentelemetry::proto::common::v1;

using store::Signal;

const std::string k_trace_hex = "5b8efff798038103d269b633813fc60c";
const std::string k_span_hex = "eee19b7ec3c1b174";

std::string bytes_of_hex(const std::string& hex) {
    std::string bytes;
    for (size_t i = 0; i < hex.size(); i += 2)
        bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

trace_service::ExportTraceServiceRequest one_span_request(const std::string& trace_id, const std::string& span_id) {
    trace_service::ExportTraceServiceRequest request;
    auto* resource = request.add_resource_spans();
    auto* attribute = resource->mutable_resource()->add_attributes();
    attribute->set_key("service.name");
    attribute->mutable_value()->set_string_value("checkout");
    auto* scope = resource->add_scope_spans();
    scope->mutable_scope()->set_name("js");
    auto* span = scope->add_spans();
    span->set_trace_id(trace_id);
    span->set_span_id(span_id);
    span->set_name("GET /cart");
    span->set_kind(opentelemetry::proto::trace::v1::Span::SPAN_KIND_SERVER);
    span->set_start_time_unix_nano(1700000000000000000ULL);
    span->set_end_time_unix_nano(1700000000250000000ULL);
    auto* count = span->add_attributes();
    count->set_key("http.response.status_code");
    count->mutable_value()->set_int_value(200);
    return request;
}

TEST(OtlpRequest, ProtobufSpansBecomeTheOtlpJsonLineOurSdkWrites) {
    std::string body = one_span_request(bytes_of_hex(k_trace_hex), bytes_of_hex(k_span_hex)).SerializeAsString();
    Decoded decoded = decode_request(Signal::traces, Encoding::protobuf, body);
    EXPECT_EQ(decoded.status, 200);
    EXPECT_EQ(decoded.accepted, 1);
    EXPECT_EQ(decoded.rejected, 0);
    EXPECT_EQ(
        decoded.line,
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},)"
        R"("scopeSpans":[{"scope":{"name":"js"},"spans":[{"traceId":")" +
            k_trace_hex + R"(","spanId":")" + k_span_hex +
            R"(","name":"GET /cart","kind":2,"startTimeUnixNano":"1700000000000000000",)"
            R"("endTimeUnixNano":"1700000000250000000",)"
            R"("attributes":[{"key":"http.response.status_code","value":{"intValue":"200"}}]}]}]}]})");
    EXPECT_EQ(decoded.response, "") << "an empty ExportTraceServiceResponse: no rejection";
}

TEST(OtlpRequest, JsonWithTheSpecificationsLatitudeGivesTheSameLineAsProtobuf) {
    // Upper-case hex, a number for a 64-bit integer, an enum by name, a proto field name
    // instead of the JSON one, and fields nobody knows: all as the OTLP JSON rules allow.
    std::string json =
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"checkout"}}]},
        "scopeSpans":[{"scope":{"name":"js","futureField":[1,2]},"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C",
        "span_id":"EEE19B7EC3C1B174","name":"GET /cart","kind":"SPAN_KIND_SERVER","startTimeUnixNano":1700000000000000000,
        "endTimeUnixNano":"1700000000250000000","attributes":[{"key":"http.response.status_code","value":{"intValue":200}}],
        "somethingNew":{"deep":true}}]}]}]})";
    Decoded from_json = decode_request(Signal::traces, Encoding::json, json);
    Decoded from_protobuf =
        decode_request(Signal::traces, Encoding::protobuf,
                       one_span_request(bytes_of_hex(k_trace_hex), bytes_of_hex(k_span_hex)).SerializeAsString());
    ASSERT_EQ(from_json.status, 200) << from_json.message;
    EXPECT_EQ(from_json.line, from_protobuf.line);
    EXPECT_EQ(from_json.response, "{}") << "the JSON response mirrors the request's encoding";
}

TEST(OtlpRequest, SpansWithIdsOfTheWrongLengthAreRejectedAndTheRestKept) {
    auto request = one_span_request(bytes_of_hex(k_trace_hex), bytes_of_hex(k_span_hex));
    auto* scope = request.mutable_resource_spans(0)->mutable_scope_spans(0);
    auto* short_span = scope->add_spans();
    *short_span = scope->spans(0);
    short_span->set_name("short id");
    short_span->set_span_id(bytes_of_hex("eee19b7ec3c1b1"));
    auto* zero_trace = scope->add_spans();
    *zero_trace = scope->spans(0);
    zero_trace->set_trace_id(std::string(16, '\0'));
    Decoded decoded = decode_request(Signal::traces, Encoding::protobuf, request.SerializeAsString());
    EXPECT_EQ(decoded.status, 200);
    EXPECT_EQ(decoded.accepted, 1);
    EXPECT_EQ(decoded.rejected, 2);
    EXPECT_EQ(decoded.message,
              "2 spans rejected; the first: span 1 (\"short id\"): spanId must be 8 bytes (16 hex digits), not 7");
    trace_service::ExportTraceServiceResponse response;
    ASSERT_TRUE(response.ParseFromString(decoded.response));
    EXPECT_EQ(response.partial_success().rejected_spans(), 2);
    EXPECT_EQ(response.partial_success().error_message(), decoded.message);
    EXPECT_EQ(decoded.line.find("short id"), std::string::npos);
    EXPECT_NE(decoded.line.find("GET /cart"), std::string::npos);
}

TEST(OtlpRequest, ARequestWhoseItemsAreAllRejectedStoresNothing) {
    auto request = one_span_request(bytes_of_hex(k_trace_hex), "short");
    Decoded decoded = decode_request(Signal::traces, Encoding::protobuf, request.SerializeAsString());
    EXPECT_EQ(decoded.status, 200);
    EXPECT_EQ(decoded.line, "");
    EXPECT_EQ(decoded.rejected, 1);
}

TEST(OtlpRequest, UndecodableBodiesAnswer400WithAGoogleRpcStatus) {
    std::string body = one_span_request(bytes_of_hex(k_trace_hex), bytes_of_hex(k_span_hex)).SerializeAsString();
    Decoded truncated = decode_request(Signal::traces, Encoding::protobuf, body.substr(0, body.size() - 5));
    EXPECT_EQ(truncated.status, 400);
    EXPECT_EQ(truncated.line, "");
    google::rpc::Status status;
    ASSERT_TRUE(status.ParseFromString(truncated.response));
    EXPECT_EQ(status.code(), 3);
    EXPECT_EQ(status.message(),
              "the body is not a valid ExportTraceServiceRequest in protobuf (cut short, a wrong type, nesting deeper "
              "than 100, or a string that is not UTF-8)");

    Decoded not_json = decode_request(Signal::logs, Encoding::json, R"({"resourceLogs":[)");
    EXPECT_EQ(not_json.status, 400);
    EXPECT_EQ(not_json.response, R"x({"code":3,"message":"the body is not JSON (or not valid UTF-8)"})x");
}

TEST(OtlpRequest, WronglyTypedJsonNamesTheField) {
    Decoded decoded = decode_request(
        Signal::traces, Encoding::json,
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","name":7}]}]}]})");
    EXPECT_EQ(decoded.status, 400);
    EXPECT_EQ(decoded.message, "resourceSpans[0].scopeSpans[0].spans[0].name should be a string, not number");
    Decoded not_hex = decode_request(Signal::traces, Encoding::json,
                                     R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz"}]}]}]})");
    EXPECT_EQ(not_hex.message, "resourceSpans[0].scopeSpans[0].spans[0].traceId is not hexadecimal: \"zz\"");
    Decoded array = decode_request(Signal::metrics, Encoding::json, R"({"resourceMetrics":{}})");
    EXPECT_EQ(array.message, "resourceMetrics should be an array, not object");
    Decoded top = decode_request(Signal::metrics, Encoding::json, R"([])");
    EXPECT_EQ(top.message, "the body should be an object, not array");
}

TEST(OtlpRequest, InvalidUtf8IsRefusedInBothEncodings) {
    auto request = one_span_request(bytes_of_hex(k_trace_hex), bytes_of_hex(k_span_hex));
    request.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(0)->set_name("caf\xC3");
    std::string body;
    ASSERT_TRUE(request.SerializePartialToString(&body));
    Decoded protobuf = decode_request(Signal::traces, Encoding::protobuf, body);
    EXPECT_EQ(protobuf.status, 400);
    EXPECT_EQ(protobuf.line, "");
    Decoded json = decode_request(Signal::traces, Encoding::json,
                                  "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"caf\xC3\"}]}]}]}");
    EXPECT_EQ(json.status, 400);
    EXPECT_EQ(json.line, "");
}

common::AnyValue nested_array(int depth) {
    common::AnyValue value;
    value.set_string_value("bottom");
    for (int i = 0; i < depth; ++i) {
        common::AnyValue outer;
        *outer.mutable_array_value()->add_values() = value;
        value = outer;
    }
    return value;
}

TEST(OtlpRequest, AttributeValuesNestedTooDeeplyAreRejectedOrRefused) {
    auto request = one_span_request(bytes_of_hex(k_trace_hex), bytes_of_hex(k_span_hex));
    auto* spans = request.mutable_resource_spans(0)->mutable_scope_spans(0);
    auto* deep = spans->add_spans();
    *deep = spans->spans(0);
    auto* attribute = deep->add_attributes();
    attribute->set_key("deep");
    *attribute->mutable_value() = nested_array(40);
    Decoded decoded = decode_request(Signal::traces, Encoding::protobuf, request.SerializeAsString());
    EXPECT_EQ(decoded.status, 200);
    EXPECT_EQ(decoded.rejected, 1);
    EXPECT_EQ(decoded.accepted, 1);
    EXPECT_NE(decoded.message.find("nests arrays or maps deeper than 32 levels"), std::string::npos) << decoded.message;

    // Deeper than protobuf's own recursion limit: the body cannot be decoded at all.
    *attribute->mutable_value() = nested_array(120);
    EXPECT_EQ(decode_request(Signal::traces, Encoding::protobuf, request.SerializeAsString()).status, 400);

    std::string json = "{\"resourceSpans\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
    Decoded too_deep = decode_request(Signal::traces, Encoding::json, json);
    EXPECT_EQ(too_deep.status, 400);
    EXPECT_EQ(too_deep.message, "the JSON nests arrays and objects deeper than 96 levels");
}

TEST(OtlpRequest, MetricsKeepTheirTemporality) {
    std::string json = R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[
        {"name":"requests","sum":{"dataPoints":[{"startTimeUnixNano":"1","timeUnixNano":"2","asInt":"7"}],
         "aggregationTemporality":2,"isMonotonic":true}},
        {"name":"errors","sum":{"dataPoints":[{"timeUnixNano":"2","asInt":3}],"aggregationTemporality":"AGGREGATION_TEMPORALITY_DELTA"}},
        {"name":"latency","histogram":{"dataPoints":[{"timeUnixNano":"2","count":"3","sum":1.5,"bucketCounts":["1","2"],
         "explicitBounds":[0.5],"min":0.1,"max":0.9}],"aggregationTemporality":2}},
        {"name":"empty","gauge":{}}]}]}]})";
    Decoded decoded = decode_request(Signal::metrics, Encoding::json, json);
    ASSERT_EQ(decoded.status, 200) << decoded.message;
    EXPECT_EQ(decoded.accepted, 3);
    EXPECT_EQ(
        decoded.line,
        R"({"resourceMetrics":[{"scopeMetrics":[{"metrics":[)"
        R"({"name":"requests","sum":{"dataPoints":[{"startTimeUnixNano":"1","timeUnixNano":"2","asInt":"7"}],"aggregationTemporality":2,"isMonotonic":true}},)"
        R"({"name":"errors","sum":{"dataPoints":[{"timeUnixNano":"2","asInt":"3"}],"aggregationTemporality":1}},)"
        R"({"name":"latency","histogram":{"dataPoints":[{"timeUnixNano":"2","count":"3","sum":1.5,"bucketCounts":["1","2"],"explicitBounds":[0.5],"min":0.1,"max":0.9}],"aggregationTemporality":2}}]}]}]})")
        << "a metric with no data point is left out";
}

TEST(OtlpRequest, LogRecordsKeepBodyAndIdsAndBadIdsAreRejected) {
    std::string json = R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
        {"timeUnixNano":"5","severityNumber":9,"severityText":"INFO","body":{"kvlistValue":{"values":[{"key":"k","value":{"bytesValue":"AAEC"}}]}},
         "traceId":")" +
                       k_trace_hex + R"(","spanId":")" + k_span_hex + R"("},
        {"timeUnixNano":"6","body":{"stringValue":"no ids is fine"}},
        {"timeUnixNano":"7","body":{"stringValue":"bad"},"traceId":"abcd"}]}]}]})";
    Decoded decoded = decode_request(Signal::logs, Encoding::json, json);
    ASSERT_EQ(decoded.status, 200) << decoded.message;
    EXPECT_EQ(decoded.accepted, 2);
    EXPECT_EQ(decoded.rejected, 1);
    EXPECT_EQ(
        decoded.line,
        R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[)"
        R"({"timeUnixNano":"5","severityNumber":9,"severityText":"INFO","body":{"kvlistValue":{"values":[{"key":"k","value":{"bytesValue":"AAEC"}}]}},"traceId":")" +
            k_trace_hex + R"(","spanId":")" + k_span_hex +
            R"("},{"timeUnixNano":"6","body":{"stringValue":"no ids is fine"}}]}]}]})");
    EXPECT_EQ(
        decoded.response,
        R"({"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"1 log records rejected; the first: log record 2: traceId must be 16 bytes (32 hex digits), not 2"}})");
}

TEST(OtlpRequest, TheHandWrittenTracesAndLogsWritersAgreeWithReflection) {
    // Every field of a span and of a log record set, so each is written by both writers.
    std::string traces =
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"r","value":{"boolValue":true}}],"droppedAttributesCount":1},
        "scopeSpans":[{"scope":{"name":"s","version":"1","attributes":[{"key":"x","value":{"doubleValue":1.5}}],"droppedAttributesCount":2},
        "spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","traceState":"a=b","parentSpanId":"eee19b7ec3c1b175",
        "flags":257,"name":"n","kind":3,"startTimeUnixNano":"1","endTimeUnixNano":"2","attributes":[{"key":"k","value":{"arrayValue":{"values":[{"intValue":"-4"},{"bytesValue":"AAE="}]}}}],
        "droppedAttributesCount":3,"events":[{"timeUnixNano":"5","name":"e","attributes":[{"key":"k","value":{"kvlistValue":{"values":[{"key":"i","value":{}}]}}}],"droppedAttributesCount":1}],
        "droppedEventsCount":4,"links":[{"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b176","traceState":"c=d","attributes":[{"key":"l","value":{"stringValue":"v"}}],
        "droppedAttributesCount":1,"flags":256}],"droppedLinksCount":5,"status":{"message":"m","code":2}},{"kind":-7,"status":{}}],"schemaUrl":"u1"}],"schemaUrl":"u2"}]})";
    std::string logs =
        R"({"resourceLogs":[{"resource":{},"scopeLogs":[{"scope":{},"logRecords":[{"timeUnixNano":"1","observedTimeUnixNano":"2",
        "severityNumber":17,"severityText":"ERROR","body":{"stringValue":"b"},"attributes":[{"key":"a","value":{"intValue":"1"}}],"droppedAttributesCount":1,
        "flags":1,"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","eventName":"ev"},{"body":{}}],"schemaUrl":"u"}]}]})";
    trace_service::ExportTraceServiceRequest trace_request;
    ASSERT_TRUE(read_otlp_json(traces, trace_request).ok());
    logs_service::ExportLogsServiceRequest log_request;
    ASSERT_TRUE(read_otlp_json(logs, log_request).ok());
    for (const google::protobuf::Message* message :
         std::initializer_list<const google::protobuf::Message*> {&trace_request, &log_request}) {
        std::string fast, reflective;
        append_otlp_json(fast, *message);
        append_otlp_json_reflective(reflective, *message);
        EXPECT_EQ(fast, reflective);
        EXPECT_GT(fast.size(), 300u);
    }
    std::string written;
    append_otlp_json(written, trace_request);
    EXPECT_NE(written.find(R"("kind":-7)"), std::string::npos) << "an enum value this code does not know is kept";
}

// Our own SDK's lines, read back by the receiver, come out byte for byte the same: what the
// receiver stores is what every reader of the store already reads.
class RecordingSink final : public telemetry::exporters::SignalSink {
public:
    Status append(telemetry::exporters::Signal signal, std::string_view line) override {
        lines.emplace_back(signal, std::string(line));
        return {};
    }
    std::vector<std::pair<telemetry::exporters::Signal, std::string>> lines;
};

TEST(OtlpRequest, OurSdksOwnLinesComeBackByteForByte) {
    auto sink = std::make_shared<RecordingSink>();
    telemetry::PipelineOptions options;
    options.service_version = "0.1.0";
    options.make_sink = [sink] { return sink; };
    std::vector<Error> warnings;
    auto pipeline = telemetry::Pipeline::start(std::move(options), warnings);
    constexpr telemetry::Tracer k_tracer {"scopecraft.test", "0.1.0"};
    constexpr telemetry::Logger k_logger {"scopecraft.test"};
    const telemetry::Counter<int64_t> k_count {"scopecraft.test", "scopecraft.test.count", "{thing}", "Things"};
    const telemetry::Histogram<double> k_time {"scopecraft.test", "scopecraft.test.time", "s", "Time"};
    {
        telemetry::Span root = k_tracer.start_span("root", {.kind = telemetry::SpanKind::server});
        auto scope = root.activate();
        const std::string_view tags[] = {"a", "b"};
        root.set_attributes(
            {{"n", 3}, {"ratio", 0.5}, {"flag", true}, {"tags", std::span<const std::string_view>(tags)}});
        root.add_event("checked", {{"fields", 4}});
        telemetry::Span child = k_tracer.start_span("child");
        child.add_link(root.context(), {{"why", "sibling"}});
        child.set_error("not_found", "missing");
        k_logger.warn("careful", {{"k", "v"}});
        k_count.add(2, {{"kind", "x"}});
        k_time.record(0.25);
    }
    pipeline->shutdown();
    ASSERT_GE(sink->lines.size(), 3u);
    for (const auto& [signal, line] : sink->lines) {
        Signal stored = signal == telemetry::exporters::Signal::traces    ? Signal::traces
                        : signal == telemetry::exporters::Signal::metrics ? Signal::metrics
                                                                          : Signal::logs;
        Decoded decoded = decode_request(stored, Encoding::json, line);
        ASSERT_EQ(decoded.status, 200) << decoded.message;
        EXPECT_EQ(decoded.line, line);
    }
}

}  // namespace
}  // namespace sc::receiver

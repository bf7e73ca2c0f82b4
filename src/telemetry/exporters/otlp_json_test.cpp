// OTLP JSON encoding, checked against exact golden lines, and the sink and failure reporting.

#include "telemetry/exporters/otlp_json.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>

#include "telemetry/exporters/json_text.hpp"
#include "telemetry/exporters/otlp_exporters.hpp"
#include "util/files.hpp"

namespace sc::telemetry::exporters {
namespace {

sdk::Resource small_resource() {
    return sdk::Resource {{{"service.name", std::string("scopecraft")}}};
}

TEST(OtlpJson, SpanLineMatchesTheGoldenEncoding) {
    auto span = std::make_unique<sdk::SpanData>();
    span->scope = {"scopecraft.tasks", "0.1.0"};
    span->name = "task.create";
    span->context = {{0x0af7651916cd43ddULL, 0x8448eb211c80319cULL}, {0xb7ad6b7169203331ULL}, 1, false, "rojo=1"};
    span->parent_span_id = SpanId {0x00f067aa0ba902b7ULL};
    span->parent_remote = true;
    span->kind = SpanKind::client;
    span->start_time = 1'700'000'000'000'000'001;
    span->end_time = 1'700'000'000'500'000'000;
    span->attributes = {{"scopecraft.task.id", std::string("auth-05K")},
                        {"count", int64_t {42}},
                        {"ratio", 0.5},
                        {"ok", true},
                        {"tags", std::vector<std::string> {"a", "b"}}};
    span->dropped_attributes = 2;
    span->events.push_back({"exception", 1'700'000'000'100'000'000, {{"exception.type", std::string("io")}}, 0});
    span->links.push_back({SpanContext {{1, 2}, {3}, 1, true, {}}, {}, 0});
    span->status = StatusCode::error;
    span->status_message = "disk \"full\"";
    std::vector<std::unique_ptr<sdk::SpanData>> spans;
    spans.push_back(std::move(span));

    EXPECT_EQ(
        encode_traces(small_resource(), spans),
        R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
        R"("scopeSpans":[{"scope":{"name":"scopecraft.tasks","version":"0.1.0"},"spans":[{)"
        R"("traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","traceState":"rojo=1",)"
        R"("parentSpanId":"00f067aa0ba902b7","flags":769,"name":"task.create","kind":3,)"
        R"("startTimeUnixNano":"1700000000000000001","endTimeUnixNano":"1700000000500000000",)"
        R"("attributes":[{"key":"scopecraft.task.id","value":{"stringValue":"auth-05K"}},)"
        R"({"key":"count","value":{"intValue":"42"}},{"key":"ratio","value":{"doubleValue":0.5}},)"
        R"({"key":"ok","value":{"boolValue":true}},)"
        R"({"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}}],)"
        R"("droppedAttributesCount":2,)"
        R"("events":[{"timeUnixNano":"1700000000100000000","name":"exception",)"
        R"("attributes":[{"key":"exception.type","value":{"stringValue":"io"}}]}],)"
        R"("links":[{"traceId":"00000000000000010000000000000002","spanId":"0000000000000003","flags":769}],)"
        R"("status":{"message":"disk \"full\"","code":2}}]}]}]})");
}

TEST(OtlpJson, MetricLineMatchesTheGoldenEncoding) {
    std::vector<sdk::MetricData> metrics(2);
    metrics[0].scope_name = "scopecraft.tasks";
    metrics[0].name = "scopecraft.task.created";
    metrics[0].unit = "{task}";
    metrics[0].type = sdk::MetricType::sum;
    metrics[0].temporality = sdk::Temporality::delta;
    metrics[0].monotonic = true;
    metrics[0].number_points.push_back({{{"k", std::string("v")}}, 10, 20, true, 5, 0.0});
    metrics[1].scope_name = "scopecraft.tasks";
    metrics[1].name = "scopecraft.command.duration";
    metrics[1].unit = "s";
    metrics[1].type = sdk::MetricType::histogram;
    metrics[1].temporality = sdk::Temporality::cumulative;
    metrics[1].histogram_points.push_back({{}, 10, 20, 3, 1.75, 0.25, 1.0, {0.5, 1.0}, {1, 2, 0}});
    EXPECT_EQ(
        encode_metrics(small_resource(), metrics),
        R"({"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
        R"("scopeMetrics":[{"scope":{"name":"scopecraft.tasks"},"metrics":[)"
        R"({"name":"scopecraft.task.created","unit":"{task}","sum":{"dataPoints":[{"attributes":[{"key":"k","value":{"stringValue":"v"}}],)"
        R"("startTimeUnixNano":"10","timeUnixNano":"20","asInt":"5"}],"aggregationTemporality":1,"isMonotonic":true}},)"
        R"({"name":"scopecraft.command.duration","unit":"s","histogram":{"dataPoints":[{"startTimeUnixNano":"10",)"
        R"("timeUnixNano":"20","count":"3","sum":1.75,"bucketCounts":["1","2","0"],"explicitBounds":[0.5,1],)"
        R"("min":0.25,"max":1}],"aggregationTemporality":2}}]}]}]})");
}

TEST(OtlpJson, LogLineMatchesTheGoldenEncoding) {
    auto record = std::make_unique<sdk::LogRecordData>();
    record->scope = {"scopecraft.worktree", ""};
    record->time = 5;
    record->observed_time = 6;
    record->severity = Severity::warn;
    record->body = "dirty\tworktree";
    record->attributes = {{"vcs.ref", std::string("main")}};
    record->trace_id = {1, 2};
    record->span_id = {3};
    record->trace_flags = 1;
    std::vector<std::unique_ptr<sdk::LogRecordData>> records;
    records.push_back(std::move(record));
    EXPECT_EQ(
        encode_logs(small_resource(), records),
        R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
        R"("scopeLogs":[{"scope":{"name":"scopecraft.worktree"},"logRecords":[{"timeUnixNano":"5",)"
        R"("observedTimeUnixNano":"6","severityNumber":13,"severityText":"WARN","body":{"stringValue":"dirty\tworktree"},)"
        R"("attributes":[{"key":"vcs.ref","value":{"stringValue":"main"}}],"flags":1,)"
        R"("traceId":"00000000000000010000000000000002","spanId":"0000000000000003"}]}]}]})");
}

TEST(OtlpJson, SpansOfSeveralScopesAreGroupedInFirstSeenOrder) {
    std::vector<std::unique_ptr<sdk::SpanData>> spans;
    for (const char* scope : {"b", "a", "b"}) {
        spans.push_back(std::make_unique<sdk::SpanData>());
        spans.back()->scope = {scope, ""};
        spans.back()->context = {{1, 1}, {1}, 1, false, {}};
    }
    std::string line = encode_traces(small_resource(), spans);
    EXPECT_LT(line.find(R"("name":"b")"), line.find(R"("name":"a")"));
    EXPECT_EQ(line.find(R"({"scope":{"name":"b"})"), line.rfind(R"({"scope":{"name":"b"})"));
}

TEST(JsonText, StringsAreEscapedAndInvalidUtf8IsReplaced) {
    std::string out;
    append_json_string(out, std::string_view("a\"b\\c\n\x01\xC3\xA9\xFF\xE2\x82", 12));
    EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST(JsonText, DoublesRoundTripAndNonFiniteUseProtobufSpellings) {
    std::string out;
    append_json_double(out, 0.1);
    out += ' ';
    append_json_double(out, 1e21);
    out += ' ';
    append_json_double(out, std::nan(""));
    out += ' ';
    append_json_double(out, -HUGE_VAL);
    EXPECT_EQ(out, "0.1 1e+21 \"NaN\" \"-Infinity\"");
}

class FailingSink final : public SignalSink {
public:
    Status append(Signal, std::string_view) override { return make_error(ErrorCode::io, "no space left on device"); }
};

TEST(OtlpExporters, FailingSinkIsCountedAndReportedOnce) {
    int reports = 0;
    auto failures = std::make_shared<FailureReporter>([&](const Error& error) {
        ++reports;
        EXPECT_NE(error.message.find("no space left"), std::string::npos);
    });
    OtlpJsonSpanExporter exporter(std::make_shared<FailingSink>(), small_resource(), failures);
    std::vector<std::unique_ptr<sdk::SpanData>> spans;
    spans.push_back(std::make_unique<sdk::SpanData>());
    EXPECT_EQ(exporter.export_batch(spans), sdk::ExportResult::failure);
    EXPECT_EQ(exporter.export_batch(spans), sdk::ExportResult::failure);
    EXPECT_EQ(failures->failures(), 2u);
    EXPECT_EQ(reports, 1);
}

TEST(FileSignalSink, WritesOneLinePerAppendIntoPrivateFiles) {
    char pattern[] = "/tmp/sc-sink-test-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    std::string folder = std::string(pattern) + "/signals";
    {
        FileSignalSink sink(folder);
        EXPECT_FALSE(files::exists(folder));  // nothing is created before the first line
        ASSERT_TRUE(sink.append(Signal::traces, "{\"a\":1}").ok());
        ASSERT_TRUE(sink.append(Signal::traces, "{\"b\":2}").ok());
        EXPECT_EQ(files::read(sink.path(Signal::traces)).value(), "{\"a\":1}\n{\"b\":2}\n");
        auto permissions = std::filesystem::status(sink.path(Signal::traces)).permissions();
        EXPECT_EQ(permissions & std::filesystem::perms::all,
                  std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
    std::filesystem::remove_all(pattern);
}

}  // namespace
}  // namespace sc::telemetry::exporters

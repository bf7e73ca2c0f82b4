// Reading signal lines back: hand-written OTLP JSON lines (the OTLP File format, as another
// tool would write them) and lines from our own exporter, parsed, listed and filtered.
#include "observe/signal_query.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/test_support.hpp"
#include "telemetry/exporters/otlp_json.hpp"
#include "util/files.hpp"

namespace sc::observe {
namespace {

// 2026-11-27T13:00:00Z
constexpr int64_t k_base = 1795784400000000000;
constexpr int64_t k_ms = 1'000'000;

const char* const k_trace_line =
    R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}},)"
    R"({"key":"process.pid","value":{"intValue":"4242"}}]},"scopeSpans":[{"scope":{"name":"sc.cli"},"spans":[)"
    R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","flags":257,"name":"sc task create",)"
    R"("kind":1,"startTimeUnixNano":"1795784400000000000","endTimeUnixNano":"1795784400012000000",)"
    R"("attributes":[{"key":"process.exit.code","value":{"intValue":"0"}}]},)"
    R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"00f067aa0ba902b7","parentSpanId":"b7ad6b7169203331",)"
    R"("flags":257,"name":"task.create","kind":1,"startTimeUnixNano":"1795784400001000000",)"
    R"("endTimeUnixNano":"1795784400009000000","attributes":[{"key":"scopecraft.task.id","value":{"stringValue":"auth-05K"}},)"
    R"({"key":"ratio","value":{"doubleValue":0.5}},{"key":"ok","value":{"boolValue":true}},)"
    R"({"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}}],)"
    R"("events":[{"timeUnixNano":"1795784400002000000","name":"file.written",)"
    R"("attributes":[{"key":"bytes","value":{"intValue":"120"}}]}],"status":{"code":1}},)"
    R"({"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"5fb397be34d26b51","parentSpanId":"00f067aa0ba902b7",)"
    R"("name":"store.append","kind":3,"startTimeUnixNano":"1795784400006000000",)"
    R"("endTimeUnixNano":"1795784400008000000","status":{"message":"disk full","code":2}}]}]}]})";

const char* const k_second_trace_line =
    R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
    R"("scopeSpans":[{"scope":{"name":"sc.cli"},"spans":[)"
    R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"a2fb4a1d1a96d312","parentSpanId":"1111111111111111",)"
    R"("flags":769,"name":"sc task list","kind":1,"startTimeUnixNano":"1795788000000000000",)"
    R"("endTimeUnixNano":"1795788000003000000"}]}]}]})";

const char* const k_log_line =
    R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}}]},)"
    R"("scopeLogs":[{"scope":{"name":"sc.cli"},"logRecords":[)"
    R"({"timeUnixNano":"1795784400007000000","observedTimeUnixNano":"1795784400007000000","severityNumber":17,)"
    R"("severityText":"ERROR","body":{"stringValue":"append failed: disk full"},)"
    R"("attributes":[{"key":"error.type","value":{"stringValue":"io"}}],"flags":1,)"
    R"("traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"5fb397be34d26b51"},)"
    R"({"timeUnixNano":"1795784400001000000","severityNumber":9,"severityText":"INFO",)"
    R"("body":{"stringValue":"creating task"}},)"
    R"({"timeUnixNano":"1795784400002000000","severityNumber":13,"severityText":"WARN",)"
    R"("body":{"stringValue":"config key unknown"},"attributes":[{"key":"key","value":{"stringValue":"telemetry.Dir"}}]})"
    R"(]}]}]})";

std::vector<SpanRecord> parse_spans(std::initializer_list<const char*> lines) {
    std::vector<SpanRecord> spans;
    for (const char* line : lines)
        EXPECT_TRUE(parse_trace_line(line, spans).ok()) << line;
    return spans;
}

TEST(SignalQuery, ParsesEverySpanFieldFromAnOtlpJsonLine) {
    std::vector<SpanRecord> spans = parse_spans({k_trace_line});
    ASSERT_EQ(spans.size(), 3U);
    const SpanRecord& child = spans[1];
    EXPECT_EQ(child.trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(child.span_id, "00f067aa0ba902b7");
    EXPECT_EQ(child.parent_span_id, "b7ad6b7169203331");
    EXPECT_EQ(child.name, "task.create");
    EXPECT_EQ(child.kind, 1);
    EXPECT_EQ(child.start, k_base + 1 * k_ms);
    EXPECT_EQ(child.duration(), 8 * k_ms);
    EXPECT_EQ(child.status, SpanStatus::ok);
    EXPECT_EQ(child.service, "scopecraft");
    EXPECT_EQ(child.attributes["scopecraft.task.id"], "auth-05K");
    EXPECT_EQ(child.attributes["ratio"], 0.5);
    EXPECT_EQ(child.attributes["ok"], true);
    EXPECT_EQ(child.attributes["tags"], nlohmann::ordered_json({"a", "b"}));
    ASSERT_EQ(child.events.size(), 1U);
    EXPECT_EQ(child.events[0].name, "file.written");
    EXPECT_EQ(child.events[0].attributes["bytes"], 120);
    EXPECT_EQ(spans[0].attributes["process.exit.code"], 0);
    EXPECT_TRUE(spans[0].parent_span_id.empty());
    EXPECT_EQ(spans[2].status, SpanStatus::error);
    EXPECT_EQ(spans[2].status_message, "disk full");
}

TEST(SignalQuery, RejectsLinesThatAreNotRequestsOfTheSignal) {
    std::vector<SpanRecord> spans;
    EXPECT_FALSE(parse_trace_line("{\"resourceLogs\":[]}", spans).ok());
    EXPECT_FALSE(parse_trace_line("{\"resourceSpans\":", spans).ok());
    std::vector<LogRecord> logs;
    EXPECT_FALSE(parse_log_line(k_trace_line, logs).ok());
    EXPECT_TRUE(spans.empty());
    EXPECT_TRUE(logs.empty());
}

TEST(SignalQuery, ReadsWhatOurOwnExporterWrites) {
    using namespace sc::telemetry;
    sdk::Resource resource;
    resource.attributes.push_back({"service.name", std::string("scopecraft")});
    auto root = std::make_unique<sdk::SpanData>();
    root->scope = {"sc.cli", ""};
    root->name = "sc task get";
    root->context.trace_id = {0x0123456789abcdefULL, 0xfedcba9876543210ULL};
    root->context.span_id = {0x1122334455667788ULL};
    root->context.trace_flags = 1;
    root->start_time = k_base;
    root->end_time = k_base + 2 * k_ms;
    root->status = StatusCode::error;
    root->status_message = "not found";
    root->attributes.push_back({"process.pid", int64_t {77}});
    std::vector<std::unique_ptr<sdk::SpanData>> batch;
    batch.push_back(std::move(root));
    std::string line = exporters::encode_traces(resource, batch);

    std::vector<SpanRecord> spans;
    ASSERT_TRUE(parse_trace_line(line, spans).ok()) << line;
    ASSERT_EQ(spans.size(), 1U);
    EXPECT_EQ(spans[0].trace_id, "0123456789abcdeffedcba9876543210");
    EXPECT_EQ(spans[0].span_id, "1122334455667788");
    EXPECT_EQ(spans[0].duration(), 2 * k_ms);
    EXPECT_TRUE(spans[0].is_error());
    EXPECT_EQ(spans[0].status_message, "not found");
    EXPECT_EQ(spans[0].attributes["process.pid"], 77);
    EXPECT_EQ(spans[0].service, "scopecraft");

    auto record = std::make_unique<sdk::LogRecordData>();
    record->time = k_base;
    record->observed_time = k_base;
    record->severity = Severity::warn;
    record->body = "slow disk";
    record->trace_id = {1, 2};
    record->span_id = {3};
    std::vector<std::unique_ptr<sdk::LogRecordData>> records;
    records.push_back(std::move(record));
    std::vector<LogRecord> logs;
    ASSERT_TRUE(parse_log_line(exporters::encode_logs(resource, records), logs).ok());
    ASSERT_EQ(logs.size(), 1U);
    EXPECT_EQ(logs[0].severity_number, 13);
    EXPECT_EQ(logs[0].body, "slow disk");
    EXPECT_EQ(logs[0].trace_id, "00000000000000010000000000000002");
    EXPECT_EQ(logs[0].span_id, "0000000000000003");
}

TEST(SignalQuery, SummarizesOneRowPerTraceWithRootCountsAndDuration) {
    std::vector<TraceSummary> traces = summarize_traces(parse_spans({k_trace_line, k_second_trace_line}), {});
    ASSERT_EQ(traces.size(), 2U);
    EXPECT_EQ(traces[0].trace_id, "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(traces[0].root_name, "sc task create");
    EXPECT_EQ(traces[0].service, "scopecraft");
    EXPECT_EQ(traces[0].start, k_base);
    EXPECT_EQ(traces[0].duration, 12 * k_ms);
    EXPECT_EQ(traces[0].span_count, 3U);
    EXPECT_EQ(traces[0].error_count, 1U);
    // Its root's parent is the caller's span (TRACEPARENT), which is not in the store.
    EXPECT_EQ(traces[1].root_name, "sc task list");
}

TEST(SignalQuery, FiltersTracesByErrorsNameTimeAndLast) {
    std::vector<SpanRecord> spans = parse_spans({k_trace_line, k_second_trace_line});
    TraceFilter errors;
    errors.errors_only = true;
    ASSERT_EQ(summarize_traces(spans, errors).size(), 1U);
    EXPECT_EQ(summarize_traces(spans, errors)[0].root_name, "sc task create");

    TraceFilter by_name;
    by_name.name = "STORE.app";  // any span's name, ignoring case
    ASSERT_EQ(summarize_traces(spans, by_name).size(), 1U);

    TraceFilter since;
    since.since = k_base + 1;
    ASSERT_EQ(summarize_traces(spans, since).size(), 1U);
    EXPECT_EQ(summarize_traces(spans, since)[0].root_name, "sc task list");

    TraceFilter last;
    last.last = 1;
    ASSERT_EQ(summarize_traces(spans, last).size(), 1U);
    EXPECT_EQ(summarize_traces(spans, last)[0].root_name, "sc task list");
}

TEST(SignalQuery, SpanTreeOrdersDepthFirstAndTreatsOrphansAsRoots) {
    std::vector<SpanRecord> spans = parse_spans({k_trace_line});
    std::swap(spans[0], spans[2]);  // store order must not matter
    std::vector<SpanTreeRow> rows = span_tree(spans);
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0].span->name, "sc task create");
    EXPECT_EQ(rows[0].depth, 0);
    EXPECT_EQ(rows[1].span->name, "task.create");
    EXPECT_EQ(rows[1].depth, 1);
    EXPECT_EQ(rows[2].span->name, "store.append");
    EXPECT_EQ(rows[2].depth, 2);

    spans[0].parent_span_id = spans[0].span_id;  // a span parenting itself
    EXPECT_EQ(span_tree(spans).size(), 3U);
}

TEST(SignalQuery, FindsATraceInTheStoreByIdOrPrefix) {
    store::testing::TempDir folder;
    std::filesystem::create_directories(folder.path("traces/2026-11-27"));
    std::string content = std::string(k_trace_line) + "\nnot json\n" + k_second_trace_line + "\n";
    ASSERT_TRUE(files::write_atomic(folder.path("traces/2026-11-27/traces-000001.jsonl"), content).ok());
    store::Reader reader(folder.path());

    auto full = find_trace(reader, "0af7651916cd43dd8448eb211c80319c");
    ASSERT_TRUE(full.ok()) << full.error().describe();
    EXPECT_EQ(full->size(), 3U);
    auto prefix = find_trace(reader, "4BF92F35");
    ASSERT_TRUE(prefix.ok());
    EXPECT_EQ(prefix->size(), 1U);

    auto missing = find_trace(reader, "ffffffffffffffffffffffffffffffff");
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().code, ErrorCode::not_found);
    EXPECT_FALSE(find_trace(reader, "xyz").ok());

    auto loaded = load_spans(reader, {});
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->records.size(), 4U);
    EXPECT_EQ(loaded->stats.store.corrupt, 1U);
}

TEST(SignalQuery, FiltersLogsBySeverityTraceTextAndLast) {
    std::vector<LogRecord> logs;
    ASSERT_TRUE(parse_log_line(k_log_line, logs).ok());
    ASSERT_EQ(logs.size(), 3U);
    EXPECT_EQ(logs[0].attributes["error.type"], "io");

    std::vector<LogRecord> all = filter_logs(logs, {});
    ASSERT_EQ(all.size(), 3U);
    EXPECT_EQ(all[0].body, "creating task");  // sorted by time

    LogFilter warn;
    warn.min_severity = *parse_severity("warn");
    EXPECT_EQ(filter_logs(logs, warn).size(), 2U);

    LogFilter trace;
    trace.trace_id = "0af76519";
    ASSERT_EQ(filter_logs(logs, trace).size(), 1U);
    EXPECT_EQ(filter_logs(logs, trace)[0].severity_number, 17);

    LogFilter text;
    text.text = "TELEMETRY.dir";  // found in an attribute value
    ASSERT_EQ(filter_logs(logs, text).size(), 1U);
    EXPECT_EQ(filter_logs(logs, text)[0].body, "config key unknown");

    LogFilter last;
    last.last = 1;
    ASSERT_EQ(filter_logs(logs, last).size(), 1U);
    EXPECT_EQ(filter_logs(logs, last)[0].severity_number, 17);

    LogFilter until;
    until.until = k_base + 2 * k_ms;
    EXPECT_EQ(filter_logs(logs, until).size(), 1U);
}

TEST(SignalQuery, NamesSeveritiesBothWays) {
    EXPECT_EQ(parse_severity("WARN"), 13);
    EXPECT_EQ(parse_severity("error"), 17);
    EXPECT_EQ(parse_severity("10"), 10);
    EXPECT_FALSE(parse_severity("loud").has_value());
    EXPECT_FALSE(parse_severity("25").has_value());
    EXPECT_EQ(severity_name(13), "WARN");
    EXPECT_EQ(severity_name(10), "INFO2");
    EXPECT_EQ(severity_name(0), "UNSPECIFIED");
}

TEST(SignalQuery, FormatsDurationsInTheirNaturalUnit) {
    EXPECT_EQ(format_duration(850), "850 ns");
    EXPECT_EQ(format_duration(12'300), "12.3 µs");
    EXPECT_EQ(format_duration(12'300'000), "12.3 ms");
    EXPECT_EQ(format_duration(1'230'000'000), "1.23 s");
    EXPECT_EQ(format_duration(123'000'000'000), "2m 03s");
}

}  // namespace
}  // namespace sc::observe

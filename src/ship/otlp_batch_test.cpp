// Batches: store lines merged into one OTLP JSON request per signal, events as log records.

#include "ship/otlp_batch.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sc::ship {
namespace {

TEST(OtlpBatch, LinesOfOneSignalAreMergedIntoOneRequest) {
    Batch batch(store::Signal::traces);
    ASSERT_TRUE(batch.add_signal_line(R"({"resourceSpans":[{"resource":{},"scopeSpans":[]}]})"));
    ASSERT_TRUE(batch.add_signal_line(R"({"resourceSpans":[{"a":1},{"b":[2]}]})"));
    EXPECT_EQ(batch.lines(), 2u);
    EXPECT_EQ(batch.json_request(), R"({"resourceSpans":[{"resource":{},"scopeSpans":[]},{"a":1},{"b":[2]}]})");
}

TEST(OtlpBatch, LinesInAnotherShapeAreParsedAndReserialised) {
    Batch batch(store::Signal::metrics);
    ASSERT_TRUE(batch.add_signal_line(R"({ "resourceMetrics" : [ {"x": 1e3} ], "other": true })"));
    EXPECT_EQ(batch.json_request(), R"({"resourceMetrics":[{"x":1000.0}]})");
}

TEST(OtlpBatch, LinesThatAreNotRequestsOfTheSignalAreRefused) {
    Batch batch(store::Signal::logs);
    EXPECT_FALSE(batch.add_signal_line(R"({"resourceSpans":[{}]})"));
    EXPECT_FALSE(batch.add_signal_line(R"({"resourceLogs":[{"a":]})"));
    EXPECT_FALSE(batch.add_signal_line(R"({"resourceLogs":[],"x":[]})"
                                       "garbage"));
    EXPECT_FALSE(batch.add_signal_line(R"({"resourceLogs":{}})"));
    // The fast path must not take `[],"x":[` for the array of a two-key line.
    ASSERT_TRUE(batch.add_signal_line(R"({"resourceLogs":[{"a":1}],"x":[]})"));
    EXPECT_EQ(batch.json_request(), R"({"resourceLogs":[{"a":1}]})");
    EXPECT_EQ(batch.lines(), 1u);
}

TEST(OtlpBatch, AnEventBecomesALogRecordWithTheEnvelopeAsBodyAndEventName) {
    std::string line =
        R"({"id":"0190","seq":7,"stream":"task:a-1","version":1,"type":"TaskCreated","time":"2026-12-06T18:00:00.000000001Z","data":{},"meta":{"trace_id":"0af7651916cd43dd8448eb211c80319c","span_id":"b7ad6b7169203331"}})";
    store::EventView event;
    event.line = line;
    event.id = "0190";
    event.seq = 7;
    event.stream = "task:a-1";
    event.type = "TaskCreated";
    event.time_unix_nanos = 1'796'580'000'000'000'001LL;
    event.trace_id = "0af7651916cd43dd8448eb211c80319c";
    Batch batch(store::Signal::events);
    batch.add_event(event, "b7ad6b7169203331");
    nlohmann::json request = nlohmann::json::parse(batch.json_request());
    const nlohmann::json& scope = request["resourceLogs"][0]["scopeLogs"][0];
    EXPECT_EQ(scope["scope"]["name"], "scopecraft.events");
    const nlohmann::json& record = scope["logRecords"][0];
    EXPECT_EQ(record["body"]["stringValue"], line);
    EXPECT_EQ(record["timeUnixNano"], "1796580000000000001");
    EXPECT_EQ(record["severityNumber"], 9);
    EXPECT_EQ(record["attributes"][0],
              nlohmann::json::parse(R"({"key":"event.name","value":{"stringValue":"TaskCreated"}})"));
    EXPECT_EQ(record["attributes"][3],
              nlohmann::json::parse(R"({"key":"scopecraft.event.seq","value":{"intValue":"7"}})"));
    EXPECT_EQ(record["traceId"], "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(record["spanId"], "b7ad6b7169203331");
}

TEST(OtlpBatch, AnEventWithoutValidIdsHasNone) {
    store::EventView event;
    event.line = "{}";
    event.type = "TaskChangedExternally";
    event.trace_id = "not-hex";
    std::string record = event_log_record(event, "b7ad6b7169203331");
    EXPECT_EQ(record.find("traceId"), std::string::npos);
    EXPECT_EQ(record.find("spanId"), std::string::npos);
}

}  // namespace
}  // namespace sc::ship

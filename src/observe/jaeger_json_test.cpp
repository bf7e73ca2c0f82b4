// OTLP JSON to Jaeger JSON: the field mapping Jaeger's own OTLP translator uses, checked value by
// value on a small hand-written request, and the cut of a request down to one trace.
#include "observe/jaeger_json.hpp"

#include <gtest/gtest.h>

namespace sc::observe {
namespace {

using Json = nlohmann::ordered_json;

constexpr const char* k_trace = "0af7651916cd43dd8448eb211c80319c";
constexpr const char* k_other = "11111111111111111111111111111111";

// Two resources; the first holds a root span and a failed child with an event and a link, the
// second a span of another trace and a span of ours without service.name.
Json request() {
    return Json::parse(R"({"resourceSpans":[
      {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"scopecraft"}},
                                 {"key":"service.version","value":{"stringValue":"0.1.0"}}]},
       "scopeSpans":[{"scope":{"name":"sc.cli","version":"0.1.0"},"spans":[
         {"traceId":"0AF7651916CD43DD8448EB211C80319C","spanId":"00f067aa0ba902b7","name":"sc task create",
          "kind":1,"startTimeUnixNano":"1795784400000000000","endTimeUnixNano":"1795784400012345678",
          "attributes":[{"key":"task.id","value":{"stringValue":"auth-05K"}},
                        {"key":"dry_run","value":{"boolValue":false}},
                        {"key":"count","value":{"intValue":"3"}},
                        {"key":"ratio","value":{"doubleValue":0.5}},
                        {"key":"blob","value":{"bytesValue":"AAE="}},
                        {"key":"tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":"2"}]}}}],
          "status":{"code":1}},
         {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331","parentSpanId":"00F067AA0BA902B7",
          "name":"task.create","kind":3,"startTimeUnixNano":"1795784400001000999","endTimeUnixNano":"1795784400003000000",
          "events":[{"timeUnixNano":"1795784400002000500","name":"exception",
                     "attributes":[{"key":"exception.message","value":{"stringValue":"disk full"}}]}],
          "links":[{"traceId":"22222222222222222222222222222222","spanId":"3333333333333333"}],
          "status":{"code":2,"message":"disk full"}}]}]},
      {"resource":{"attributes":[{"key":"host.name","value":{"stringValue":"laptop"}}]},
       "scopeSpans":[{"scope":{"name":"other"},"spans":[
         {"traceId":"11111111111111111111111111111111","spanId":"4444444444444444","name":"elsewhere",
          "startTimeUnixNano":"1","endTimeUnixNano":"2"}]},
                     {"scope":{"name":"sc.store"},"spans":[
         {"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"5555555555555555","parentSpanId":"b7ad6b7169203331",
          "name":"store.append","startTimeUnixNano":"1795784400002000000","endTimeUnixNano":"1795784400002000000"}]}]}
    ]})");
}

Json find_tag(const Json& tags, const std::string& key) {
    for (const Json& tag : tags)
        if (tag["key"] == key)
            return tag;
    return nullptr;
}

TEST(JaegerJson, WritesIdsAsLowerCaseHexAndTimesAsWholeMicroseconds) {
    Json trace = jaeger_trace(k_trace, {request()});
    EXPECT_EQ(trace["traceID"], k_trace);
    ASSERT_EQ(trace["spans"].size(), 3U);
    const Json& root = trace["spans"][0];
    EXPECT_EQ(root["traceID"], k_trace);
    EXPECT_EQ(root["spanID"], "00f067aa0ba902b7");
    EXPECT_EQ(root["operationName"], "sc task create");
    EXPECT_EQ(root["startTime"], 1795784400000000);
    EXPECT_EQ(root["duration"], 12345);
    EXPECT_TRUE(root["startTime"].is_number_integer());
    EXPECT_TRUE(root["duration"].is_number_integer());
    EXPECT_EQ(root["references"], Json::array());
    EXPECT_TRUE(root["warnings"].is_null());
    // 1.000999 ms to 3.000000 ms: µs ends, not a truncated nanosecond difference.
    EXPECT_EQ(trace["spans"][1]["startTime"], 1795784400001000);
    EXPECT_EQ(trace["spans"][1]["duration"], 2000);
    EXPECT_EQ(trace["spans"][2]["duration"], 0);
}

TEST(JaegerJson, MakesTheParentAChildOfReferenceAndLinksFollowsFrom) {
    Json trace = jaeger_trace(k_trace, {request()});
    Json expected = Json::parse(R"([
      {"refType":"CHILD_OF","traceID":"0af7651916cd43dd8448eb211c80319c","spanID":"00f067aa0ba902b7"},
      {"refType":"FOLLOWS_FROM","traceID":"22222222222222222222222222222222","spanID":"3333333333333333"}])");
    EXPECT_EQ(trace["spans"][1]["references"], expected);
    EXPECT_EQ(trace["spans"][2]["references"][0]["spanID"], "b7ad6b7169203331");
}

TEST(JaegerJson, TypesAttributeTagsAsJaegerDoes) {
    Json tags = jaeger_trace(k_trace, {request()})["spans"][0]["tags"];
    EXPECT_EQ(find_tag(tags, "task.id"), Json::parse(R"({"key":"task.id","type":"string","value":"auth-05K"})"));
    EXPECT_EQ(find_tag(tags, "dry_run"), Json::parse(R"({"key":"dry_run","type":"bool","value":false})"));
    EXPECT_EQ(find_tag(tags, "count"), Json::parse(R"({"key":"count","type":"int64","value":3})"));
    EXPECT_EQ(find_tag(tags, "ratio"), Json::parse(R"({"key":"ratio","type":"float64","value":0.5})"));
    EXPECT_EQ(find_tag(tags, "blob"), Json::parse(R"({"key":"blob","type":"binary","value":"AAE="})"));
    EXPECT_EQ(find_tag(tags, "tags"), Json::parse(R"({"key":"tags","type":"string","value":"[\"a\",2]"})"));
}

TEST(JaegerJson, AddsKindScopeAndStatusTags) {
    Json trace = jaeger_trace(k_trace, {request()});
    const Json& root = trace["spans"][0]["tags"];
    EXPECT_EQ(find_tag(root, "span.kind")["value"], "internal");
    EXPECT_EQ(find_tag(root, "otel.scope.name")["value"], "sc.cli");
    EXPECT_EQ(find_tag(root, "otel.scope.version")["value"], "0.1.0");
    EXPECT_EQ(find_tag(root, "otel.status_code")["value"], "OK");
    EXPECT_TRUE(find_tag(root, "error").is_null());

    const Json& failed = trace["spans"][1]["tags"];
    EXPECT_EQ(find_tag(failed, "span.kind")["value"], "client");
    EXPECT_EQ(find_tag(failed, "otel.status_code")["value"], "ERROR");
    EXPECT_EQ(find_tag(failed, "otel.status_description")["value"], "disk full");
    EXPECT_EQ(find_tag(failed, "error"), Json::parse(R"({"key":"error","type":"bool","value":true})"));

    // Kind unspecified and status unset: no tag for either, as Jaeger's translator does.
    const Json& plain = trace["spans"][2]["tags"];
    EXPECT_TRUE(find_tag(plain, "span.kind").is_null());
    EXPECT_TRUE(find_tag(plain, "otel.status_code").is_null());
    EXPECT_EQ(find_tag(plain, "otel.scope.name")["value"], "sc.store");
}

TEST(JaegerJson, WritesEventsAsLogsNamedByTheEventField) {
    Json logs = jaeger_trace(k_trace, {request()})["spans"][1]["logs"];
    Json expected = Json::parse(R"([{"timestamp":1795784400002000,"fields":[
      {"key":"exception.message","type":"string","value":"disk full"},
      {"key":"event","type":"string","value":"exception"}]}])");
    EXPECT_EQ(logs, expected);
}

TEST(JaegerJson, MakesOneProcessPerResourceWithItsAttributesAsTags) {
    Json trace = jaeger_trace(k_trace, {request(), request()});
    Json expected = Json::parse(R"({
      "p1":{"serviceName":"scopecraft","tags":[{"key":"service.version","type":"string","value":"0.1.0"}]},
      "p2":{"serviceName":"OTLPResourceNoServiceName","tags":[{"key":"host.name","type":"string","value":"laptop"}]}})");
    EXPECT_EQ(trace["processes"], expected);
    ASSERT_EQ(trace["spans"].size(), 6U);  // the same resources seen twice reuse their process
    EXPECT_EQ(trace["spans"][0]["processID"], "p1");
    EXPECT_EQ(trace["spans"][2]["processID"], "p2");
    EXPECT_EQ(trace["spans"][3]["processID"], "p1");
}

TEST(JaegerJson, LeavesOutSpansOfOtherTraces) {
    Json trace = jaeger_trace(k_other, {request()});
    ASSERT_EQ(trace["spans"].size(), 1U);
    EXPECT_EQ(trace["spans"][0]["operationName"], "elsewhere");
    EXPECT_EQ(trace["processes"].size(), 2U);  // processes of resources with no span of it are harmless
}

TEST(FilterTraceRequest, KeepsOnlyTheTracesSpansAndTheResourcesAndScopesHoldingThem) {
    Json filtered = filter_trace_request(request(), k_other);
    ASSERT_EQ(filtered["resourceSpans"].size(), 1U);
    const Json& resource = filtered["resourceSpans"][0];
    EXPECT_EQ(resource["resource"], request()["resourceSpans"][1]["resource"]);
    ASSERT_EQ(resource["scopeSpans"].size(), 1U);
    EXPECT_EQ(resource["scopeSpans"][0]["scope"]["name"], "other");
    EXPECT_EQ(resource["scopeSpans"][0]["spans"], request()["resourceSpans"][1]["scopeSpans"][0]["spans"]);
}

TEST(FilterTraceRequest, KeepsAMatchingRequestAsItWas) {
    Json only_ours = request();
    only_ours["resourceSpans"][1]["scopeSpans"].erase(0);
    EXPECT_EQ(filter_trace_request(only_ours, k_trace), only_ours);
    EXPECT_TRUE(filter_trace_request(request(), "99999999999999999999999999999999").is_null());
}

}  // namespace
}  // namespace sc::observe

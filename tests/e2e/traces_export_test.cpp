// End-to-end: `sc traces export` writes the traces of real commands as Jaeger JSON (the Jaeger
// UI's "JSON File" upload) and as OTLP JSON Lines, with the spans `sc traces show` shows.

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "e2e/sandbox.hpp"

namespace sc::e2e {
namespace {

using Json = nlohmann::ordered_json;

class TracesExport : public ::testing::Test {
protected:
    void SetUp() override {
        if (m_sandbox.sc({"--version"}).out.find("telemetry compiled out") != std::string::npos)
            GTEST_SKIP() << "this sc was built with -DSC_TELEMETRY=OFF";
        m_sandbox.set_env("SCOPECRAFT_TELEMETRY_DIR", m_sandbox.root() + "/telemetry");
        ok({"init"});
        ok({"task", "create", "--title", "Add login page"});
        ok({"parent", "create", "--title", "Release", "--subtask", "Tag", "Announce"});
        Json traces = ok({"traces", "list", "--format", "json"}).json();
        ASSERT_GE(traces.size(), 3U);
        for (const Json& trace : traces)
            if (trace["root"] == "sc parent create")
                m_trace_id = trace["trace_id"].get<std::string>();
        ASSERT_EQ(m_trace_id.size(), 32U);
        m_shown = ok({"traces", "show", m_trace_id, "--format", "json"}).json();
    }
    RunResult ok(const std::vector<std::string>& arguments) {
        RunResult result = m_sandbox.sc(arguments);
        EXPECT_EQ(result.exit_code, 0) << "sc " << arguments.front() << ": " << result.err;
        return result;
    }
    Sandbox m_sandbox;
    std::string m_trace_id;
    Json m_shown;  // `sc traces show --format json`
};

const Json* tag(const Json& tags, const std::string& key) {
    for (const Json& tag : tags)
        if (tag["key"] == key)
            return &tag;
    return nullptr;
}

TEST_F(TracesExport, JaegerJsonHoldsTheSpansTracesShowShowsWithTheirParents) {
    Json exported = ok({"traces", "export", m_trace_id.substr(0, 8), "--format", "jaeger"}).json();
    ASSERT_EQ(exported["data"].size(), 1U);
    const Json& trace = exported["data"][0];
    EXPECT_EQ(trace["traceID"], m_trace_id);
    ASSERT_EQ(trace["spans"].size(), m_shown["spans"].size());
    std::map<std::string, Json> shown;  // span id -> the span as `traces show` gives it
    for (const Json& span : m_shown["spans"])
        shown[span["span_id"].get<std::string>()] = span;
    for (const Json& span : trace["spans"]) {
        const std::string id = span["spanID"];
        ASSERT_EQ(shown.count(id), 1U) << id;
        const Json& expected = shown[id];
        EXPECT_EQ(span["traceID"], m_trace_id);
        EXPECT_EQ(span["operationName"], expected["name"]);
        EXPECT_TRUE(span["startTime"].is_number_integer());
        EXPECT_TRUE(span["duration"].is_number_integer());
        EXPECT_GT(span["startTime"].get<int64_t>(), 1'700'000'000'000'000);  // epoch µs
        EXPECT_LT(span["startTime"].get<int64_t>(), 4'000'000'000'000'000);
        if (expected["parent_span_id"].is_null()) {
            EXPECT_EQ(span["references"], Json::array()) << id;
        } else {
            ASSERT_GE(span["references"].size(), 1U) << id;
            EXPECT_EQ(span["references"][0]["refType"], "CHILD_OF");
            EXPECT_EQ(span["references"][0]["traceID"], m_trace_id);
            EXPECT_EQ(span["references"][0]["spanID"], expected["parent_span_id"]);
        }
        ASSERT_TRUE(trace["processes"].contains(span["processID"].get<std::string>())) << id;
        if (expected["status"] == "error") {
            EXPECT_NE(tag(span["tags"], "error"), nullptr) << id;
        }
    }
    const Json& process = trace["processes"][trace["spans"][0]["processID"].get<std::string>()];
    EXPECT_EQ(process["serviceName"], m_shown["spans"][0]["service"]);
    // Spans are in store order (a child ends, and is written, before its parent).
    Json root;
    for (const Json& span : trace["spans"])
        if (span["references"].empty())
            root = span;
    EXPECT_EQ(root["operationName"], "sc parent create");
    ASSERT_NE(tag(root["tags"], "otel.scope.name"), nullptr) << root.dump();
}

TEST_F(TracesExport, OtlpWritesTheStoredRequestsCutToTheTrace) {
    RunResult result = ok({"traces", "export", m_trace_id, "--format", "otlp"});
    std::set<std::string> span_ids;
    std::string text = result.out;
    size_t lines = 0;
    for (size_t start = 0, end; start < text.size(); start = end + 1) {
        end = text.find('\n', start);
        ASSERT_NE(end, std::string::npos) << "the last line has no newline";
        Json request = Json::parse(text.substr(start, end - start));
        ++lines;
        ASSERT_TRUE(request["resourceSpans"].is_array());
        for (const Json& resource : request["resourceSpans"])
            for (const Json& scope : resource["scopeSpans"])
                for (const Json& span : scope["spans"]) {
                    EXPECT_EQ(span["traceId"], m_trace_id);
                    EXPECT_TRUE(span["startTimeUnixNano"].is_string());  // as stored: OTLP JSON
                    span_ids.insert(span["spanId"].get<std::string>());
                }
    }
    EXPECT_GE(lines, 1U);
    std::set<std::string> shown;
    for (const Json& span : m_shown["spans"])
        shown.insert(span["span_id"].get<std::string>());
    EXPECT_EQ(span_ids, shown);
}

TEST_F(TracesExport, LastPicksTheMostRecentTracesAndOutputWritesAFile) {
    std::string file = m_sandbox.root() + "/traces.json";
    Json listed = ok({"traces", "list", "--last", "2", "--format", "json"}).json();
    RunResult result = ok({"traces", "export", "--last", "2", "--output", file});
    EXPECT_EQ(result.out.substr(0, 19), "Exported 2 traces (") << result.out;
    Json exported = Json::parse(m_sandbox.read(file));
    // Every command records its own trace: the listing above is now the last but one.
    listed = ok({"traces", "list", "--last", "3", "--format", "json"}).json();
    listed.erase(2);
    ASSERT_EQ(exported["data"].size(), 2U);
    EXPECT_EQ(exported["data"][0]["traceID"], listed[0]["trace_id"]);
    EXPECT_EQ(exported["data"][1]["traceID"], listed[1]["trace_id"]);
}

TEST_F(TracesExport, TheFiltersOfTracesListPickTracesWithoutIds) {
    Json named =
        ok({"traces", "export", "--name", "parent create", "--since", "1h", "--until", "2100-01-01T00:00:00Z"}).json();
    ASSERT_EQ(named["data"].size(), 1U);
    EXPECT_EQ(named["data"][0]["traceID"], m_trace_id);
    // A command that fails leaves a failed span; --errors exports that trace alone.
    EXPECT_NE(m_sandbox.sc({"task", "get", "no-such-task-01A"}).exit_code, 0);
    Json failed = ok({"traces", "export", "--errors"}).json();
    ASSERT_EQ(failed["data"].size(), 1U);
    bool marked = false;
    for (const Json& span : failed["data"][0]["spans"])
        marked = marked || tag(span["tags"], "error") != nullptr;
    EXPECT_TRUE(marked) << failed.dump();
}

TEST_F(TracesExport, RefusesAMissingTraceAndNothingToExport) {
    RunResult missing = m_sandbox.sc({"traces", "export", "ffffffffffffffffffffffffffffffff"});
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.err.find("no trace ffffffffffffffffffffffffffffffff in the store"), std::string::npos)
        << missing.err;
    EXPECT_EQ(missing.out, "");
    RunResult nothing = m_sandbox.sc({"traces", "export"});
    EXPECT_NE(nothing.exit_code, 0);
    EXPECT_NE(nothing.err.find("no trace to export"), std::string::npos) << nothing.err;
    RunResult both = m_sandbox.sc({"traces", "export", m_trace_id, "--last", "1"});
    EXPECT_NE(both.exit_code, 0);
    RunResult format = m_sandbox.sc({"traces", "export", m_trace_id, "--format", "zipkin"});
    EXPECT_NE(format.exit_code, 0);
}

}  // namespace
}  // namespace sc::e2e

// The trace filter language: what each word selects, and the messages for words it refuses.
#include "observe/trace_query.hpp"

#include <gtest/gtest.h>

namespace sc::observe {
namespace {

constexpr int64_t k_ms = 1'000'000;

SpanRecord span(std::string trace, std::string id, std::string parent, std::string name, int64_t start_ms,
                int64_t end_ms) {
    SpanRecord record;
    record.trace_id = std::move(trace);
    record.span_id = std::move(id);
    record.parent_span_id = std::move(parent);
    record.name = std::move(name);
    record.start = start_ms * k_ms;
    record.end = end_ms * k_ms;
    record.service = "scopecraft";
    return record;
}

std::vector<SpanRecord> two_traces() {
    std::vector<SpanRecord> spans = {
        span("a", "a1", "", "sc task create", 0, 3000), span("a", "a2", "a1", "task.create", 10, 2500),
        span("b", "b1", "", "sc task list", 5000, 5040), span("b", "b2", "b1", "store.read", 5001, 5030)};
    spans[1].attributes["scopecraft.task.id"] = "auth-05K";
    spans[1].attributes["retries"] = 3;
    spans[3].status = SpanStatus::error;
    spans[2].service = "sc-server";
    return spans;
}

std::vector<std::string> matching(const std::string& query) {
    TraceFilter filter;
    Status parsed = parse_trace_query(query, filter);
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    std::vector<std::string> ids;
    for (const TraceSummary& summary : summarize_traces(two_traces(), filter))
        ids.push_back(summary.trace_id);
    return ids;
}

TEST(TraceQuery, EachConditionSelectsTheTracesItDescribes) {
    using Ids = std::vector<std::string>;
    EXPECT_EQ(matching(""), (Ids {"a", "b"}));
    EXPECT_EQ(matching("name:store"), Ids {"b"});
    EXPECT_EQ(matching("create"), Ids {"a"});
    EXPECT_EQ(matching("service:server"), Ids {"b"});
    EXPECT_EQ(matching("status:error"), Ids {"b"});
    EXPECT_EQ(matching("dur>2s"), Ids {"a"});
    EXPECT_EQ(matching("dur<100ms"), Ids {"b"});
    EXPECT_EQ(matching("dur>=40ms dur<=40ms"), Ids {"b"});
    EXPECT_EQ(matching("attr.retries=3"), Ids {"a"});
    EXPECT_EQ(matching("task:auth-05K"), Ids {"a"});
    EXPECT_EQ(matching("task:auth-05K status:error"), Ids {});
    EXPECT_EQ(matching("name:\"task list\""), Ids {"b"});
}

TEST(TraceQuery, RefusesWordsItDoesNotKnowNamingThem) {
    TraceFilter filter;
    Status parsed = parse_trace_query("status:error colour:red", filter);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message, "\"colour:red\" in the trace filter: \"colour:\" is not a condition");
    parsed = parse_trace_query("dur>2 parsecs", filter);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message,
              "\"dur>2\" in the trace filter: the duration needs a number and a unit (ns, us, ms, s, m, h)");
    EXPECT_FALSE(parse_trace_query("name:\"open", filter).ok());
    EXPECT_FALSE(parse_trace_query("status:ok", filter).ok());
}

TEST(TraceQuery, ParsesDurationsInEachUnit) {
    EXPECT_EQ(parse_duration("2s"), 2'000'000'000);
    EXPECT_EQ(parse_duration("1.5ms"), 1'500'000);
    EXPECT_EQ(parse_duration("3m"), 180'000'000'000);
    EXPECT_EQ(parse_duration("20ns"), 20);
    EXPECT_EQ(parse_duration("s"), std::nullopt);
    EXPECT_EQ(parse_duration("5"), std::nullopt);
    EXPECT_EQ(parse_duration("5 parsecs"), std::nullopt);
}

}  // namespace
}  // namespace sc::observe

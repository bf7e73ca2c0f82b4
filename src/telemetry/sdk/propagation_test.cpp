// W3C trace context: round trips, rejection of malformed headers, environment carriers.

#include "telemetry/sdk/propagation.hpp"

#include <gtest/gtest.h>

namespace sc::telemetry::sdk {
namespace {

constexpr std::string_view k_valid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

TEST(Traceparent, ParsesAndFormatsTheSameHeader) {
    Result<SpanContext> context = parse_traceparent(k_valid);
    ASSERT_TRUE(context.ok()) << context.error().describe();
    EXPECT_EQ(to_hex(context->trace_id), "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(to_hex(context->span_id), "b7ad6b7169203331");
    EXPECT_TRUE(context->is_sampled());
    EXPECT_TRUE(context->remote);
    EXPECT_EQ(format_traceparent(*context), k_valid);
}

TEST(Traceparent, RejectsMalformedHeaders) {
    const char* bad[] = {
        "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",   // version ff
        "00-00000000000000000000000000000000-b7ad6b7169203331-01",   // zero trace id
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",   // zero span id
        "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",   // uppercase
        "00-0af7651916cd43dd8448eb211c80319-b7ad6b7169203331-01",    // short trace id
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b716920333-01",    // short span id
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-",  // version 00 too long
        "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-0g",   // bad flags
        "00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01",   // separators
        "0-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",    // short version
        "",
    };
    for (const char* header : bad)
        EXPECT_FALSE(parse_traceparent(header).ok()) << header;
}

TEST(Traceparent, AcceptsALaterVersionWithMoreFields) {
    Result<SpanContext> context =
        parse_traceparent("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-what-the-future-holds");
    ASSERT_TRUE(context.ok());
    EXPECT_EQ(to_hex(context->span_id), "b7ad6b7169203331");
    EXPECT_FALSE(parse_traceparent("cc-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01x").ok());
}

TEST(Tracestate, ValidatesAndNormalisesMembers) {
    Result<std::string> state = parse_tracestate(" rojo=00f067aa0ba902b7 ,congo=t61rcWkgMzE, ,acme@vendor=x ");
    ASSERT_TRUE(state.ok()) << state.error().describe();
    EXPECT_EQ(*state, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,acme@vendor=x");
    EXPECT_FALSE(parse_tracestate("Rojo=1").ok());
    EXPECT_FALSE(parse_tracestate("rojo").ok());
    EXPECT_FALSE(parse_tracestate("rojo=1,rojo=2").ok());
    EXPECT_FALSE(parse_tracestate("rojo=a=b").ok());
    std::string many;
    for (int index = 0; index < 33; ++index)
        many += "k" + std::to_string(index) + "=v,";
    EXPECT_FALSE(parse_tracestate(many).ok());
}

TEST(EnvironmentCarrier, ReadsTraceparentAndTracestate) {
    MapEnvironment environment;
    environment.set("TRACEPARENT", std::string(k_valid));
    environment.set("TRACESTATE", "rojo=1");
    std::vector<Error> warnings;
    SpanContext context = context_from_environment(environment, warnings);
    EXPECT_TRUE(warnings.empty());
    EXPECT_TRUE(context.is_valid());
    EXPECT_EQ(context.trace_state, "rojo=1");
}

TEST(EnvironmentCarrier, MalformedTraceparentIsAWarningNamingTheVariable) {
    MapEnvironment environment;
    environment.set("TRACEPARENT", "00-nonsense");
    std::vector<Error> warnings;
    SpanContext context = context_from_environment(environment, warnings);
    EXPECT_FALSE(context.is_valid());
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].message.find("TRACEPARENT"), std::string::npos);
    EXPECT_EQ(warnings[0].where.field, "TRACEPARENT");
}

TEST(EnvironmentCarrier, BadTracestateKeepsTheTraceparent) {
    MapEnvironment environment;
    environment.set("TRACEPARENT", std::string(k_valid));
    environment.set("TRACESTATE", "NOT VALID");
    std::vector<Error> warnings;
    SpanContext context = context_from_environment(environment, warnings);
    EXPECT_TRUE(context.is_valid());
    EXPECT_TRUE(context.trace_state.empty());
    EXPECT_EQ(warnings.size(), 1u);
}

TEST(EnvironmentCarrier, ChildEnvironmentCarriesOurContext) {
    SpanContext context = parse_traceparent(k_valid).value();
    std::vector<EnvironmentEntry> entries = child_environment(context);
    ASSERT_EQ(entries.size(), 2u);
    EXPECT_EQ(entries[0].name, "TRACEPARENT");
    EXPECT_EQ(entries[0].value, std::string(k_valid));
    EXPECT_EQ(entries[1].name, "TRACESTATE");
    EXPECT_FALSE(entries[1].value.has_value());  // a stale inherited tracestate is removed
    EXPECT_TRUE(child_environment(SpanContext {}).empty());
}

}  // namespace
}  // namespace sc::telemetry::sdk

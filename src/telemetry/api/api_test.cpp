// The API with no SDK installed: everything is a no-op that still behaves sensibly.

#include <gtest/gtest.h>

#include "telemetry/api/telemetry.hpp"

namespace sc::telemetry {
namespace {

constexpr Tracer k_tracer {"scopecraft.test"};
constexpr Logger k_logger {"scopecraft.test"};
const Counter<int64_t> k_counter {"scopecraft.test", "scopecraft.test.count"};

TEST(TelemetryApi, SpanWithoutSdkIsEmptyAndNotRecording) {
    Span span = k_tracer.start_span("nothing", {.kind = SpanKind::client, .attributes = {{"a", 1}}});
    EXPECT_FALSE(span.is_recording());
    EXPECT_FALSE(span.context().is_valid());
    span.set_attribute("key", "value");
    span.set_error("io", "disk full");
    span.record_exception("std::runtime_error", "boom");
    span.end();
    EXPECT_FALSE(tracing_enabled());
}

#if SC_TELEMETRY_COMPILED  // compiled out, scopes do nothing
TEST(TelemetryApi, ScopeSetsAndRestoresTheCurrentContext) {
    SpanContext outer {{1, 2}, {3}, k_trace_flag_sampled, false, {}};
    SpanContext inner {{1, 2}, {4}, k_trace_flag_sampled, false, {}};
    EXPECT_FALSE(current_context().is_valid());
    {
        Scope outer_scope {outer};
        EXPECT_EQ(current_context().span_id, SpanId {3});
        {
            Scope inner_scope {inner};
            EXPECT_EQ(current_context().span_id, SpanId {4});
        }
        EXPECT_EQ(current_context().span_id, SpanId {3});
    }
    EXPECT_FALSE(current_context().is_valid());
}

#endif

TEST(TelemetryApi, IdsFormatAsLowercaseHex) {
    EXPECT_EQ(to_hex(TraceId {0x0af7651916cd43ddULL, 0x8448eb211c80319cULL}), "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(to_hex(SpanId {0xb7ad6b7169203331ULL}), "b7ad6b7169203331");
}

TEST(TelemetryApi, ValueViewKeepsTheKindOfEachArgument) {
    EXPECT_EQ(ValueView {true}.kind(), ValueKind::boolean);
    EXPECT_EQ(ValueView {42}.kind(), ValueKind::integer);
    EXPECT_EQ(ValueView {uint16_t {7}}.as_int(), 7);
    EXPECT_EQ(ValueView {1.5}.kind(), ValueKind::floating);
    EXPECT_EQ(ValueView {"text"}.as_string(), "text");
    std::string owned = "owned";
    EXPECT_EQ(ValueView {owned}.as_string(), "owned");
    EXPECT_EQ(ValueView {static_cast<const char*>(nullptr)}.as_string(), "");
}

TEST(TelemetryApi, MetricsAndLogsWithoutSdkDoNothing) {
    k_counter.add(1, {{"k", "v"}});
    EXPECT_FALSE(k_logger.enabled(Severity::fatal));
    k_logger.error("nothing happens");
}

}  // namespace
}  // namespace sc::telemetry

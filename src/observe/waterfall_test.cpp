// The terminal waterfall: exact text for a small trace, so a layout change is a visible diff.
#include "observe/waterfall.hpp"

#include <gtest/gtest.h>

namespace sc::observe {
namespace {

constexpr int64_t k_base = 1795784400000000000;  // 2026-11-27T13:00:00Z
constexpr int64_t k_ms = 1'000'000;

SpanRecord span(std::string id, std::string parent, std::string name, int64_t start_ms, int64_t end_ms) {
    SpanRecord record;
    record.trace_id = "0af7651916cd43dd8448eb211c80319c";
    record.span_id = std::move(id);
    record.parent_span_id = std::move(parent);
    record.name = std::move(name);
    record.start = k_base + start_ms * k_ms;
    record.end = k_base + end_ms * k_ms;
    record.service = "scopecraft";
    return record;
}

TEST(Waterfall, DrawsEachSpanAsABarPlacedWithinTheTrace) {
    std::vector<SpanRecord> spans = {
        span("0000000000000003", "0000000000000002", "store.append", 6, 8),
        span("0000000000000001", "", "sc task create", 0, 12),
        span("0000000000000002", "0000000000000001", "task.create", 1, 9),
        span("0000000000000004", "0000000000000001", "index.update", 9, 12),
    };
    spans[0].status = SpanStatus::error;
    spans[0].status_message = "disk full";
    std::string expected =
        "Trace 0af7651916cd43dd8448eb211c80319c  sc task create  (scopecraft)\n"
        "2026-11-27T13:00:00.000000000Z  12.0 ms  4 spans, 1 error\n"
        "\n"
        "sc task create   │█████████████████████████████│ 12.0 ms  ✓\n"
        "  task.create    │  ████████████████████       │  8.0 ms  ✓\n"
        "    store.append │               ████          │  2.0 ms  ✗ disk full\n"
        "  index.update   │                      ███████│  3.0 ms  ✓\n";
    EXPECT_EQ(render_waterfall(spans, {.width = 60}), expected);
}

TEST(Waterfall, CutsLongNamesAndKeepsTinySpansVisible) {
    std::vector<SpanRecord> spans = {
        span("0000000000000001", "", "root", 0, 1000),
        span("0000000000000002", "0000000000000001", std::string(50, 'n'), 500, 500),
    };
    std::string text = render_waterfall(spans, {.width = 80});
    EXPECT_NE(text.find(std::string(37, 'n') + "…"), std::string::npos) << text;
    EXPECT_NE(text.find("│" + std::string(13, ' ') + "█"), std::string::npos) << text;
}

TEST(Waterfall, EmptyTraceDrawsNothing) {
    EXPECT_EQ(render_waterfall({}), "");
}

}  // namespace
}  // namespace sc::observe

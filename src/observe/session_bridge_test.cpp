#include "observe/session_bridge.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "store/store.hpp"

namespace sc::observe {
namespace {

std::string log_line(const std::string& session, const std::string& event, const std::string& attributes) {
    return R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}},)"
           R"({"key":"scopecraft.session.id","value":{"stringValue":")" +
           session +
           R"("}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1900000000000000000","body":{"stringValue":"claude_code.)" +
           event + R"("},"attributes":[)" + attributes + "]}]}]}]}";
}

std::string metric_line(const std::string& agent_session, const std::string& name, const std::string& points) {
    return R"({"resourceMetrics":[{"resource":{"attributes":[]},"scopeMetrics":[{"metrics":[{"name":")" + name +
           R"(","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[)" + points + "]}}]}]}]}";
    (void)agent_session;
}

std::string point(const std::string& agent_session, const std::string& type, const std::string& value) {
    return R"({"asInt":")" + value +
           R"(","timeUnixNano":"1900000000000000000","attributes":[{"key":"session.id","value":{"stringValue":")" +
           agent_session + R"("}},{"key":"type","value":{"stringValue":")" + type + R"("}}]})";
}

class BridgeTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/sc-bridge-XXXXXX";
        m_root = ::mkdtemp(pattern);
    }
    void TearDown() override { std::filesystem::remove_all(m_root); }
    void append(store::Signal signal, const std::vector<std::string>& lines) {
        Result<store::Store> opened = store::Store::open(m_root);
        ASSERT_TRUE(opened.ok());
        ASSERT_TRUE(opened->append_signals(signal, lines).ok());
    }
    std::string m_root;
};

TEST_F(BridgeTest, ClaudeCodesEventsBecomeToolUsesTokensAndCostOfTheirSessionOnly) {
    append(
        store::Signal::logs,
        {log_line(
             "s-1", "tool_result",
             R"({"key":"tool_name","value":{"stringValue":"Bash"}},{"key":"success","value":{"stringValue":"true"}},)"
             R"({"key":"duration_ms","value":{"intValue":"40"}})"),
         log_line(
             "s-1", "tool_result",
             R"({"key":"tool_name","value":{"stringValue":"Edit"}},{"key":"success","value":{"stringValue":"false"}},)"
             R"({"key":"error_type","value":{"stringValue":"denied"}})"),
         log_line(
             "s-1", "api_request",
             R"({"key":"model","value":{"stringValue":"m1"}},{"key":"input_tokens","value":{"intValue":"100"}},)"
             R"({"key":"output_tokens","value":{"intValue":"7"}},{"key":"cost_usd","value":{"doubleValue":0.25}})"),
         log_line("s-1", "user_prompt", R"({"key":"prompt_length","value":{"intValue":"9"}})"),
         log_line("s-2", "tool_result", R"({"key":"tool_name","value":{"stringValue":"Read"}})")});
    // Metrics give tokens too; the per-request events win when both came.
    append(store::Signal::metrics, {metric_line("u-1", "claude_code.token.usage", point("u-1", "input", "999"))});
    Result<BridgeResult> bridged = bridge_session(m_root, "s-1", "u-1", 0);
    ASSERT_TRUE(bridged.ok()) << bridged.error().describe();
    const TelemetryTotals& totals = bridged->totals;
    EXPECT_TRUE(totals.present);
    EXPECT_EQ(totals.tools_used, 2);
    EXPECT_EQ(totals.tools_failed, 1);
    ASSERT_EQ(bridged->tool_uses.size(), 2U);
    EXPECT_EQ(bridged->tool_uses[0].tool, "Bash");
    EXPECT_EQ(bridged->tool_uses[0].duration_ms, 40);
    EXPECT_EQ(bridged->tool_uses[1].error, "denied");
    EXPECT_EQ(totals.tokens.input, 100);
    EXPECT_EQ(totals.tokens.output, 7);
    EXPECT_EQ(totals.cost_usd, 0.25);
    EXPECT_EQ(totals.model, "m1");
    EXPECT_EQ(totals.api_requests, 1);
}

TEST_F(BridgeTest, WithoutRequestEventsTheMetricsGiveTokensAndCost) {
    append(store::Signal::metrics, {metric_line("u-1", "claude_code.token.usage",
                                                point("u-1", "input", "30") + "," + point("u-1", "cacheRead", "4") +
                                                    "," + point("u-9", "input", "5")),
                                    metric_line("u-1", "claude_code.token.usage", point("u-1", "input", "12"))});
    Result<BridgeResult> bridged = bridge_session(m_root, "s-1", "u-1", 0);
    ASSERT_TRUE(bridged.ok());
    EXPECT_EQ(bridged->totals.tokens.input, 42);  // delta points add up
    EXPECT_EQ(bridged->totals.tokens.cache_read, 4);
    EXPECT_EQ(bridged->totals.cost_usd, std::nullopt);
    Result<BridgeResult> nothing = bridge_session(m_root, "s-3", "", 0);
    ASSERT_TRUE(nothing.ok());
    EXPECT_FALSE(nothing->totals.present);
}

}  // namespace
}  // namespace sc::observe

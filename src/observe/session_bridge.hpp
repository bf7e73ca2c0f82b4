#pragma once
// The rule-based bridge from the agent's own telemetry to session facts (design §6): Claude
// Code exports metrics and log events over OTLP to our receiver, which appends them to the
// store; these rules read the lines of one session (matched by the `scopecraft.session.id`
// resource attribute we set, or Claude Code's `session.id`) and turn them into tool uses,
// tokens, cost and the model. The rules are data (k_bridge_rules, documented in
// docs/sessions.md), so a new Claude Code event or metric name is one line.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "observe/session_events.hpp"
#include "sessions/stream_json.hpp"
#include "util/result.hpp"

namespace sc::observe {

/// What one rule turns its record into.
enum class BridgeAction {
    tool_use,      // a log event: one tool use (tool name, success, duration)
    api_request,   // a log event: tokens, cost and model of one API request
    api_error,     // a log event: a failed API request
    token_metric,  // a metric: tokens by `type` (used when no api_request event came)
    cost_metric,   // a metric: cost in USD (likewise)
};

struct BridgeRule {
    std::string_view signal;  // "logs" or "metrics"
    std::string_view name;    // event name (without `claude_code.`) or metric name
    BridgeAction action;
};

/// The rules, in the order they are documented.
const std::vector<BridgeRule>& bridge_rules();

struct BridgedToolUse {
    std::string tool;
    std::string tool_use_id;
    bool success = true;
    std::optional<int64_t> duration_ms;
    std::string error;
};

struct BridgeResult {
    TelemetryTotals totals;
    std::vector<BridgedToolUse> tool_uses;
    int64_t api_errors = 0;
};

/// Reads the logs and metrics stored since `from_unix_nanos` that belong to the session.
Result<BridgeResult> bridge_session(const std::string& store_root, const std::string& session_id,
                                    const std::string& agent_session_id, int64_t from_unix_nanos);

}  // namespace sc::observe

#pragma once
// The agent's streamed output (`claude -p --output-format stream-json --verbose`): one JSON
// object per line (system/init, assistant, user, result, and others that are skipped). The
// parser keeps the session's tally: the agent's own session id and model, tool uses and their
// failures, turns, tokens, cost and the final result. Lines are parsed one at a time, so a
// malformed line is counted and skipped, and memory stays bounded whatever the agent prints.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sc::sessions {

/// One tool use whose result arrived (or that never got one: `finished` false).
struct ToolUse {
    std::string id;
    std::string name;
    bool finished = false;
    bool failed = false;  // the tool_result had is_error true
};

struct Tokens {
    int64_t input = 0;
    int64_t output = 0;
    int64_t cache_read = 0;
    int64_t cache_creation = 0;
    [[nodiscard]] int64_t total() const { return input + output + cache_read + cache_creation; }
};

struct StreamTally {
    std::string agent_session_id;  // `session_id` of the lines
    std::string model;
    int64_t lines = 0;
    int64_t bad_lines = 0;  // not JSON, or not an object: skipped
    int64_t assistant_messages = 0;
    int64_t tools_used = 0;
    int64_t tools_failed = 0;
    std::map<std::string, int64_t> tool_counts;  // by tool name
    Tokens tokens;                               // the result's totals, else the sum over assistant messages
    std::optional<double> cost_usd;
    std::optional<int64_t> turns;        // the result's num_turns
    std::optional<int64_t> duration_ms;  // the result's, as the agent measured
    bool has_result = false;
    std::string result_subtype;  // success, error_max_turns, error_during_execution, ...
    bool result_is_error = false;
    std::string result_text;  // the result, or its first error; at most 500 bytes
};

class StreamJsonParser {
public:
    /// Feeds one line (without its newline). Returns the tool uses this line finished.
    std::vector<ToolUse> feed(std::string_view line);
    /// Tool uses that never got a result (the agent stopped first).
    [[nodiscard]] std::vector<ToolUse> unfinished() const;
    [[nodiscard]] const StreamTally& tally() const { return m_tally; }

private:
    StreamTally m_tally;
    std::map<std::string, std::string> m_pending;  // tool_use id -> name
    std::map<std::string, bool> m_messages_seen;   // assistant message ids whose usage is counted
    Tokens m_message_tokens;                       // summed per assistant message
};

}  // namespace sc::sessions

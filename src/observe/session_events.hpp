#pragma once
// Domain events of agent sessions (docs/events.md, "Sessions"): SessionQueued, SessionStarted,
// SessionToolUsed and SessionCompleted in the stream `session:<id>`, and the projection that
// folds them into each session's facts and the statistics `sc sessions list|show|stats` show.
// Everything here is computed from the events alone, so a replayed or copied store gives the
// same figures.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "sessions/runner.hpp"
#include "sessions/session_record.hpp"
#include "store/envelope.hpp"
#include "store/event_parser.hpp"
#include "util/result.hpp"

namespace sc::observe {

namespace event_types {
inline constexpr std::string_view session_queued = "SessionQueued";
inline constexpr std::string_view session_started = "SessionStarted";
inline constexpr std::string_view session_tool_used = "SessionToolUsed";
inline constexpr std::string_view session_completed = "SessionCompleted";
}  // namespace event_types

std::string stream_for_session(std::string_view session_id);

/// Costs in dollars, to the millionth: in events and statistics alike.
double round_cost(double value);
nlohmann::ordered_json tokens_json(const sessions::Tokens& tokens);

/// What a session is about, carried by its Queued and Completed events so statistics by task
/// type, area and model need no other source.
struct SessionLabels {
    std::string task_type;
    std::string area;
    std::string model;
};

/// Totals from the agent's own telemetry (session_bridge.hpp), when it sent any.
struct TelemetryTotals {
    bool present = false;
    int64_t tools_used = 0;
    int64_t tools_failed = 0;
    sessions::Tokens tokens;
    std::optional<double> cost_usd;
    std::string model;
    int64_t api_requests = 0;
    int64_t lines = 0;
};

store::NewEvent make_session_queued(const sessions::SessionRecord& record, const SessionLabels& labels);
store::NewEvent make_session_started(const sessions::SessionRecord& record);
store::NewEvent make_session_tool_used(const sessions::SessionRecord& record, const sessions::ToolUse& use,
                                       std::string_view source, std::optional<int64_t> duration_ms = {});
/// The end: the runner's outcome, the stream's tally, and the agent's telemetry. Which source
/// gives the counts is written in `sources` (docs/sessions.md: the stream wins when there is
/// one).
store::NewEvent make_session_completed(const sessions::SessionRecord& record, const SessionLabels& labels,
                                       const sessions::RunOutcome& run, const TelemetryTotals& telemetry);

/// One session as its events describe it.
struct SessionFacts {
    std::string id;
    std::string task_id;
    std::string env_id;
    std::string exec;
    std::string state = "queued";  // queued, running, completed
    std::string task_type;
    std::string area;
    std::string model;
    std::string outcome;
    std::string reason;
    std::string queued;
    std::string started;
    std::string completed;
    int64_t duration_ms = 0;
    std::optional<int64_t> exit_code;
    std::string signal;
    int64_t turns = 0;
    int64_t tools_used = 0;
    int64_t tools_failed = 0;
    std::map<std::string, std::pair<int64_t, int64_t>> tools;  // name -> uses, failures
    sessions::Tokens tokens;
    std::optional<double> cost_usd;
    std::string agent_session_id;
    std::string trace_id;
    int64_t agent_pid = 0;
    int64_t supervisor_pid = 0;
    uint64_t last_version = 0;  // of its stream

    [[nodiscard]] nlohmann::ordered_json to_json(bool detail = false) const;
};

class SessionProjection {
public:
    /// Feeds one event in store order; other events are ignored.
    void apply(const store::EventView& event);
    [[nodiscard]] const std::map<std::string, SessionFacts>& sessions() const { return m_sessions; }
    /// Ids in the order their sessions were queued.
    [[nodiscard]] const std::vector<std::string>& order() const { return m_order; }
    /// Adds (or replaces, keeping its place) one session's facts, as a cache of them gives.
    void add(SessionFacts facts);

private:
    std::map<std::string, SessionFacts> m_sessions;
    std::vector<std::string> m_order;
};

struct SessionFilter {
    std::string task_id;
    std::optional<int64_t> since;  // Unix ns: sessions queued (or completed) at or after
    std::optional<int64_t> until;
};

/// Reads the session events of a store (all, or only the Completed ones for statistics).
Result<SessionProjection> replay_sessions(const std::string& store_root, const SessionFilter& filter,
                                          bool completed_only = false);

}  // namespace sc::observe

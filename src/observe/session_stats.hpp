#pragma once
// `sc sessions stats` (docs/sessions.md): success rate, duration percentiles, tokens and cost
// per task, type, area and model, tool error rate, the slowest sessions. One aggregator takes
// the sessions one at a time, from the projection of the events or from the journal of ended
// sessions (session_cache.hpp), so both give the same figures by construction: the journal's
// rows are added as views of its bytes, without a SessionFacts (and its strings and map) each.

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "observe/session_events.hpp"

namespace sc::observe {

/// One ended session as the statistics read it. The views must outlive the SessionStats they
/// are added to (until result()).
struct EndedSessionView {
    std::string_view id;
    std::string_view task_id;
    std::string_view task_type;
    std::string_view area;
    std::string_view model;
    std::string_view exec;
    std::string_view outcome;
    int64_t duration_ms = 0;
    int64_t tools_used = 0;
    int64_t tools_failed = 0;
    sessions::Tokens tokens;
    std::optional<double> cost_usd;
};

class SessionStats {
public:
    void add_running() { ++m_running; }
    void add_queued() { ++m_queued; }
    /// An ended session; its tools follow with add_tool().
    void add(const EndedSessionView& session);
    void add_tool(std::string_view name, int64_t uses, int64_t failures);
    /// Any session of a projection (running, queued or ended).
    void add(const SessionFacts& facts);

    [[nodiscard]] nlohmann::ordered_json result() const;

    struct Group {
        int64_t sessions = 0;
        int64_t successes = 0;
        int64_t failures = 0;  // every outcome but success
        int64_t tokens = 0;
        double cost = 0;
        bool has_cost = false;
        std::vector<double> durations;
    };
    using Groups = std::unordered_map<std::string_view, Group>;

private:
    struct Slow {
        int64_t duration_ms = 0;
        std::string_view id, task_id, outcome;
    };

    int64_t m_running = 0, m_queued = 0, m_completed = 0, m_successes = 0, m_tool_uses = 0, m_tool_failures = 0;
    std::map<std::string_view, int64_t> m_by_outcome;
    Groups m_by_task, m_by_type, m_by_area, m_by_model, m_by_exec;
    std::map<std::string_view, std::pair<int64_t, int64_t>> m_tools;  // name -> uses, failures
    std::vector<double> m_durations;
    std::vector<Slow> m_slowest;  // the five longest, in the order they came among equals
    sessions::Tokens m_tokens;
    double m_cost = 0;
    bool m_has_cost = false;
};

/// The statistics of every session of a projection (running and queued ones are counted).
nlohmann::ordered_json session_stats(const SessionProjection& projection);
/// The same over a list of sessions.
nlohmann::ordered_json session_stats(const std::vector<const SessionFacts*>& sessions);

}  // namespace sc::observe

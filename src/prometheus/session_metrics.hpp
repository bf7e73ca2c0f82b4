#pragma once
// The session metrics of `/metrics`, from the session events through the session projection
// (observe/session_events.hpp), so that `events replay` and a copied store give the same
// figures as `sc sessions stats` (docs/export.md, "Business metrics"):
//   scopecraft_project_sessions{state}                      gauge: sessions not ended, queued or running
//   scopecraft_project_session_completions_total{outcome,model}  counter: ended sessions
//   scopecraft_project_session_duration_seconds             histogram: an ended session's duration
//   scopecraft_project_session_tokens_total{type}           counter: input, output, cache_read, cache_creation
//   scopecraft_project_session_cost_usd_total               counter: cost where the agent reported one
//   scopecraft_project_session_tool_uses_total              counter: tool calls of ended sessions
//   scopecraft_project_session_tool_failures_total          counter: those that failed
// Success rate: `sum(increase(..._completions_total{outcome="success"}[1d])) /
// sum(increase(..._completions_total[1d]))`; tool error rate: failures over uses.

#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "observe/session_events.hpp"
#include "prometheus/exposition.hpp"
#include "store/event_parser.hpp"

namespace sc::prometheus {

/// Session-duration buckets, in seconds: ten seconds to eight hours.
inline const std::vector<double> k_session_duration_bounds {10,   30,   60,   120,  300,   600,
                                                            1200, 1800, 3600, 7200, 14400, 28800};

class SessionMetrics {
public:
    void apply(const store::EventView& event);
    [[nodiscard]] std::vector<FamilySample> families() const;

private:
    void count_completion(const observe::SessionFacts& facts);

    observe::SessionProjection m_projection;
    // A session's end is counted once: a second SessionCompleted (the supervisor and a reaper
    // both recording it) updates the projection but not the counters.
    std::unordered_set<std::string> m_counted;
    std::map<std::pair<std::string, std::string>, uint64_t> m_completions;  // outcome, model
    HistogramSample m_duration = empty_histogram(k_session_duration_bounds);
    sessions::Tokens m_tokens;
    double m_cost_usd = 0;
    uint64_t m_tool_uses = 0;
    uint64_t m_tool_failures = 0;
};

}  // namespace sc::prometheus

#include "prometheus/session_metrics.hpp"

#include <algorithm>

namespace sc::prometheus {

void SessionMetrics::apply(const store::EventView& event) {
    if (event.stream.substr(0, 8) != "session:")
        return;
    m_projection.apply(event);
    if (event.type != observe::event_types::session_completed)
        return;
    std::string id(event.stream.substr(8));
    auto found = m_projection.sessions().find(id);
    if (found == m_projection.sessions().end() || found->second.state != "completed")
        return;  // a Completed event whose data was not an object: nothing the projection kept
    if (m_counted.insert(id).second)
        count_completion(found->second);
}

void SessionMetrics::count_completion(const observe::SessionFacts& facts) {
    ++m_completions[{facts.outcome, facts.model}];
    observe(m_duration, std::max(0.0, static_cast<double>(facts.duration_ms) / 1000.0));
    m_tokens.input += facts.tokens.input;
    m_tokens.output += facts.tokens.output;
    m_tokens.cache_read += facts.tokens.cache_read;
    m_tokens.cache_creation += facts.tokens.cache_creation;
    m_cost_usd += facts.cost_usd.value_or(0.0);
    m_tool_uses += static_cast<uint64_t>(std::max<int64_t>(0, facts.tools_used));
    m_tool_failures += static_cast<uint64_t>(std::max<int64_t>(0, facts.tools_failed));
}

std::vector<FamilySample> SessionMetrics::families() const {
    std::vector<FamilySample> out;

    uint64_t queued = 0;
    uint64_t running = 0;
    for (const auto& [id, facts] : m_projection.sessions()) {
        if (facts.state == "queued")
            ++queued;
        else if (facts.state == "running")
            ++running;
    }
    out.push_back({"scopecraft_project_sessions",
                   SampleType::gauge,
                   "Agent sessions not ended yet, by state (from the session events)",
                   "",
                   {{render_labels({{"state", "queued"}}), static_cast<double>(queued), {}},
                    {render_labels({{"state", "running"}}), static_cast<double>(running), {}}}});

    FamilySample completions {"scopecraft_project_session_completions_total",
                              SampleType::counter,
                              "Agent sessions ended, by outcome and model",
                              "",
                              {}};
    for (const auto& [key, count] : m_completions) {
        // An agent that named no model gets no model label (Prometheus reads an empty value as
        // no label anyway).
        std::vector<std::pair<std::string, std::string>> labels {{"outcome", key.first}};
        if (!key.second.empty())
            labels.emplace_back("model", key.second);
        completions.series.push_back({render_labels(std::move(labels)), static_cast<double>(count), {}});
    }
    out.push_back(std::move(completions));

    out.push_back({"scopecraft_project_session_duration_seconds",
                   SampleType::histogram,
                   "Duration of ended agent sessions",
                   "seconds",
                   {{"", 0, m_duration}}});

    out.push_back({"scopecraft_project_session_tokens_total",
                   SampleType::counter,
                   "Tokens of ended agent sessions, by type",
                   "",
                   {{render_labels({{"type", "cache_creation"}}), static_cast<double>(m_tokens.cache_creation), {}},
                    {render_labels({{"type", "cache_read"}}), static_cast<double>(m_tokens.cache_read), {}},
                    {render_labels({{"type", "input"}}), static_cast<double>(m_tokens.input), {}},
                    {render_labels({{"type", "output"}}), static_cast<double>(m_tokens.output), {}}}});
    out.push_back({"scopecraft_project_session_cost_usd_total",
                   SampleType::counter,
                   "Cost in US dollars of ended agent sessions, where the agent reported one",
                   "",
                   {{"", m_cost_usd, {}}}});
    out.push_back({"scopecraft_project_session_tool_uses_total",
                   SampleType::counter,
                   "Tool calls made in ended agent sessions",
                   "",
                   {{"", static_cast<double>(m_tool_uses), {}}}});
    out.push_back({"scopecraft_project_session_tool_failures_total",
                   SampleType::counter,
                   "Tool calls that failed in ended agent sessions",
                   "",
                   {{"", static_cast<double>(m_tool_failures), {}}}});
    return out;
}

}  // namespace sc::prometheus

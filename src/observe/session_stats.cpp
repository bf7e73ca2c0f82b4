#include "observe/session_stats.hpp"

#include <algorithm>

#include "observe/projections.hpp"

namespace sc::observe {

namespace {

using Json = nlohmann::ordered_json;

Json group_rows(const SessionStats::Groups& groups, const char* key) {
    std::vector<std::pair<std::string_view, const SessionStats::Group*>> sorted;
    sorted.reserve(groups.size());
    for (const auto& [name, group] : groups)
        sorted.emplace_back(name, &group);
    // Most expensive first (cost, then tokens), the question users ask of these tables.
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
        if (a.second->cost != b.second->cost)
            return a.second->cost > b.second->cost;
        if (a.second->tokens != b.second->tokens)
            return a.second->tokens > b.second->tokens;
        return a.first < b.first;  // a stable order whatever the hash map's
    });
    Json rows = Json::array();
    for (const auto& [name, group] : sorted) {
        Summary durations = summarise(group->durations);
        Json row;
        row[key] = name;
        row["sessions"] = group->sessions;
        row["successRate"] =
            group->sessions > 0 ? static_cast<double>(group->successes) / static_cast<double>(group->sessions) : 0.0;
        row["failures"] = group->failures;
        row["medianDurationMs"] = durations.median;
        row["tokens"] = group->tokens;
        row["costUsd"] = group->has_cost ? Json(round_cost(group->cost)) : Json();
        rows.push_back(std::move(row));
    }
    return rows;
}

double percentile(const std::vector<double>& sorted, double quantile) {
    if (sorted.empty())
        return 0;
    double position = quantile * static_cast<double>(sorted.size() - 1);
    size_t low = static_cast<size_t>(position);
    size_t high = std::min(low + 1, sorted.size() - 1);
    return sorted[low] + (sorted[high] - sorted[low]) * (position - static_cast<double>(low));
}

}  // namespace

void SessionStats::add(const EndedSessionView& session) {
    ++m_completed;
    ++m_by_outcome[session.outcome];
    bool success = session.outcome == "success";
    m_successes += success ? 1 : 0;
    m_durations.push_back(static_cast<double>(session.duration_ms));
    m_tool_uses += session.tools_used;
    m_tool_failures += session.tools_failed;
    m_tokens.input += session.tokens.input;
    m_tokens.output += session.tokens.output;
    m_tokens.cache_read += session.tokens.cache_read;
    m_tokens.cache_creation += session.tokens.cache_creation;
    if (session.cost_usd) {
        m_cost += *session.cost_usd;
        m_has_cost = true;
    }
    int64_t tokens = session.tokens.total();
    auto add_to = [&](Groups& groups, std::string_view key) {
        Group& group = groups[key.empty() ? std::string_view("(none)") : key];
        ++group.sessions;
        group.successes += success ? 1 : 0;
        group.failures += success ? 0 : 1;
        group.tokens += tokens;
        if (session.cost_usd) {
            group.cost += *session.cost_usd;
            group.has_cost = true;
        }
        group.durations.push_back(static_cast<double>(session.duration_ms));
    };
    add_to(m_by_task, session.task_id);
    add_to(m_by_type, session.task_type);
    add_to(m_by_area, session.area);
    add_to(m_by_model, session.model);
    add_to(m_by_exec, session.exec);
    // The five longest, as a stable sort by duration (longest first) would give them: a newcomer
    // goes after those at least as long.
    auto place = std::find_if(m_slowest.begin(), m_slowest.end(),
                              [&](const Slow& kept) { return kept.duration_ms < session.duration_ms; });
    if (place != m_slowest.end() || m_slowest.size() < 5) {
        m_slowest.insert(place, Slow {session.duration_ms, session.id, session.task_id, session.outcome});
        if (m_slowest.size() > 5)
            m_slowest.pop_back();
    }
}

void SessionStats::add_tool(std::string_view name, int64_t uses, int64_t failures) {
    auto& counts = m_tools[name];
    counts.first += uses;
    counts.second += failures;
}

void SessionStats::add(const SessionFacts& facts) {
    if (facts.state == "running") {
        add_running();
        return;
    }
    if (facts.state == "queued") {
        add_queued();
        return;
    }
    add(EndedSessionView {.id = facts.id,
                          .task_id = facts.task_id,
                          .task_type = facts.task_type,
                          .area = facts.area,
                          .model = facts.model,
                          .exec = facts.exec,
                          .outcome = facts.outcome,
                          .duration_ms = facts.duration_ms,
                          .tools_used = facts.tools_used,
                          .tools_failed = facts.tools_failed,
                          .tokens = facts.tokens,
                          .cost_usd = facts.cost_usd});
    for (const auto& [name, counts] : facts.tools)
        add_tool(name, counts.first, counts.second);
}

Json SessionStats::result() const {
    std::vector<double> durations = m_durations;
    std::sort(durations.begin(), durations.end());
    Json stats;
    stats["sessions"] = m_completed + m_running + m_queued;
    stats["completed"] = m_completed;
    stats["running"] = m_running;
    stats["queued"] = m_queued;
    Json outcomes = Json::object();
    for (const char* name : {"success", "failure", "crashed", "timed_out", "interrupted"}) {
        auto found = m_by_outcome.find(name);
        outcomes[name] = found != m_by_outcome.end() ? found->second : 0;
    }
    stats["outcomes"] = std::move(outcomes);
    stats["successRate"] = m_completed > 0 ? static_cast<double>(m_successes) / static_cast<double>(m_completed) : 0.0;
    double mean = 0;
    for (double d : durations)  // in sorted order: the sum is the same whatever order sessions came in
        mean += d;
    stats["durationMs"] = {{"p50", percentile(durations, 0.5)},
                           {"p90", percentile(durations, 0.9)},
                           {"p99", percentile(durations, 0.99)},
                           {"max", durations.empty() ? 0.0 : durations.back()},
                           {"mean", durations.empty() ? 0.0 : mean / static_cast<double>(durations.size())}};
    stats["tokens"] = tokens_json(m_tokens);
    stats["costUsd"] = m_has_cost ? Json(round_cost(m_cost)) : Json();
    stats["toolUses"] = m_tool_uses;
    stats["toolFailures"] = m_tool_failures;
    stats["toolErrorRate"] =
        m_tool_uses > 0 ? static_cast<double>(m_tool_failures) / static_cast<double>(m_tool_uses) : 0.0;
    Json tool_rows = Json::array();
    std::vector<std::pair<std::string_view, std::pair<int64_t, int64_t>>> sorted_tools(m_tools.begin(), m_tools.end());
    std::stable_sort(sorted_tools.begin(), sorted_tools.end(),
                     [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    for (const auto& [name, counts] : sorted_tools)
        tool_rows.push_back(
            {{"tool", name},
             {"uses", counts.first},
             {"failures", counts.second},
             {"errorRate",
              counts.first > 0 ? static_cast<double>(counts.second) / static_cast<double>(counts.first) : 0.0}});
    stats["tools"] = std::move(tool_rows);
    stats["byTask"] = group_rows(m_by_task, "taskId");
    stats["byType"] = group_rows(m_by_type, "taskType");
    stats["byArea"] = group_rows(m_by_area, "area");
    stats["byModel"] = group_rows(m_by_model, "model");
    stats["byExec"] = group_rows(m_by_exec, "exec");
    Json slow = Json::array();
    for (const Slow& one : m_slowest)
        slow.push_back(
            {{"id", one.id}, {"taskId", one.task_id}, {"durationMs", one.duration_ms}, {"outcome", one.outcome}});
    stats["slowest"] = std::move(slow);
    return stats;
}

Json session_stats(const SessionProjection& projection) {
    SessionStats stats;
    for (const std::string& id : projection.order())
        stats.add(projection.sessions().at(id));
    return stats.result();
}

Json session_stats(const std::vector<const SessionFacts*>& sessions) {
    SessionStats stats;
    for (const SessionFacts* session : sessions)
        stats.add(*session);
    return stats.result();
}

}  // namespace sc::observe

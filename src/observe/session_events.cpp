#include "observe/session_events.hpp"

#include <algorithm>
#include <cmath>

#include "observe/projections.hpp"
#include "store/reader.hpp"

namespace sc::observe {

namespace {

using Json = nlohmann::ordered_json;

sessions::Tokens tokens_from(const nlohmann::json& json) {
    sessions::Tokens tokens;
    if (!json.is_object())
        return tokens;
    tokens.input = json.value("input", int64_t {0});
    tokens.output = json.value("output", int64_t {0});
    tokens.cache_read = json.value("cacheRead", int64_t {0});
    tokens.cache_creation = json.value("cacheCreation", int64_t {0});
    return tokens;
}

store::NewEvent event_of(const sessions::SessionRecord& record, std::string_view type, const Json& data) {
    store::NewEvent event;
    event.stream = stream_for_session(record.id);
    event.type = std::string(type);
    event.data_json = data.dump();
    return event;
}

}  // namespace

Json tokens_json(const sessions::Tokens& tokens) {
    return {{"input", tokens.input},
            {"output", tokens.output},
            {"cacheRead", tokens.cache_read},
            {"cacheCreation", tokens.cache_creation}};
}

double round_cost(double value) {
    return std::round(value * 1e6) / 1e6;
}

std::string stream_for_session(std::string_view session_id) {
    return "session:" + std::string(session_id);
}

store::NewEvent make_session_queued(const sessions::SessionRecord& record, const SessionLabels& labels) {
    Json data;
    data["sessionId"] = record.id;
    data["taskId"] = record.task_id;
    data["parentId"] = record.parent_id;
    data["envId"] = record.env_id;
    data["exec"] = std::string(sessions::to_string(record.exec));
    data["type"] = record.type();
    data["mode"] = record.mode;
    data["taskType"] = labels.task_type;
    data["area"] = labels.area;
    data["agent"] = record.agent_command.empty() ? std::string() : record.agent_command[0];
    data["timeoutMs"] = record.timeout_ms;
    if (!record.resumed_from.empty())
        data["resumedFrom"] = record.resumed_from;
    data["logFile"] = record.log_file;
    return event_of(record, event_types::session_queued, data);
}

store::NewEvent make_session_started(const sessions::SessionRecord& record) {
    Json data;
    data["sessionId"] = record.id;
    data["taskId"] = record.task_id;
    data["agentPid"] = record.agent_pid;
    data["supervisorPid"] = record.supervisor_pid;
    data["host"] = record.host;
    data["worktree"] = record.worktree;
    data["branch"] = record.branch;
    data["agentSessionId"] = record.agent_session_id;
    data["command"] = record.agent_command;
    return event_of(record, event_types::session_started, data);
}

store::NewEvent make_session_tool_used(const sessions::SessionRecord& record, const sessions::ToolUse& use,
                                       std::string_view source, std::optional<int64_t> duration_ms) {
    Json data;
    data["sessionId"] = record.id;
    data["taskId"] = record.task_id;
    data["tool"] = use.name;
    data["toolUseId"] = use.id;
    data["success"] = use.finished ? Json(!use.failed) : Json();
    data["source"] = std::string(source);
    if (duration_ms)
        data["durationMs"] = *duration_ms;
    return event_of(record, event_types::session_tool_used, data);
}

store::NewEvent make_session_completed(const sessions::SessionRecord& record, const SessionLabels& labels,
                                       const sessions::RunOutcome& run, const TelemetryTotals& telemetry) {
    const sessions::StreamTally& tally = run.tally;
    // The stream, when the run had one (autonomous runs), is complete and read as it came;
    // the agent's OTLP export is periodic and may be late or lost. Telemetry fills in what
    // the stream lacks (interactive runs have no stream).
    bool stream = tally.lines > 0;
    bool otlp = telemetry.present;
    Json data;
    data["sessionId"] = record.id;
    data["taskId"] = record.task_id;
    data["envId"] = record.env_id;
    data["exec"] = std::string(sessions::to_string(record.exec));
    data["taskType"] = labels.task_type;
    data["area"] = labels.area;
    std::string model = !tally.model.empty() ? tally.model : !telemetry.model.empty() ? telemetry.model : labels.model;
    data["model"] = model;
    data["outcome"] = std::string(sessions::to_string(run.outcome));
    data["reason"] = run.reason;
    data["exitCode"] = run.exit_code ? Json(*run.exit_code) : Json();
    data["signal"] = run.signal != 0 ? Json(sessions::signal_name(run.signal)) : Json();
    data["durationMs"] = run.duration_ms;
    data["turns"] = tally.turns.value_or(tally.assistant_messages);
    data["toolsUsed"] = stream ? tally.tools_used : telemetry.tools_used;
    data["toolsFailed"] = stream ? tally.tools_failed : telemetry.tools_failed;
    Json tools = Json::object();
    for (const auto& [name, count] : tally.tool_counts)
        tools[name] = count;
    data["tools"] = std::move(tools);
    bool stream_tokens = stream && tally.tokens.total() > 0;
    data["tokens"] = tokens_json(stream_tokens ? tally.tokens : telemetry.tokens);
    std::optional<double> cost = tally.cost_usd ? tally.cost_usd : telemetry.cost_usd;
    data["costUsd"] = cost ? Json(round_cost(*cost)) : Json();
    data["agentSessionId"] = tally.agent_session_id.empty() ? record.agent_session_id : tally.agent_session_id;
    data["sources"] = {{"tools", stream ? "stream"
                                 : otlp ? "otlp"
                                        : "none"},
                       {"tokens", stream_tokens ? "stream"
                                  : otlp        ? "otlp"
                                                : "none"},
                       {"cost", tally.cost_usd       ? "stream"
                                : telemetry.cost_usd ? "otlp"
                                                     : "none"}};
    if (stream)
        data["stream"] = {{"lines", tally.lines},
                          {"badLines", tally.bad_lines},
                          {"result", tally.has_result ? Json(tally.result_subtype) : Json()}};
    if (otlp) {
        Json received = {{"toolsUsed", telemetry.tools_used},
                         {"toolsFailed", telemetry.tools_failed},
                         {"tokens", tokens_json(telemetry.tokens)},
                         {"apiRequests", telemetry.api_requests},
                         {"lines", telemetry.lines}};
        received["costUsd"] = telemetry.cost_usd ? Json(round_cost(*telemetry.cost_usd)) : Json();
        data["telemetry"] = std::move(received);
    }
    if (!run.unfinished.empty())
        data["unfinishedTools"] = static_cast<int64_t>(run.unfinished.size());
    if (run.log_bytes_dropped > 0)
        data["logBytesDropped"] = run.log_bytes_dropped;
    return event_of(record, event_types::session_completed, data);
}

Json SessionFacts::to_json(bool detail) const {
    Json out;
    out["id"] = id;
    out["taskId"] = task_id;
    out["exec"] = exec;
    out["state"] = state;
    out["outcome"] = outcome.empty() ? Json() : Json(outcome);
    out["durationMs"] = duration_ms;
    out["toolsUsed"] = tools_used;
    out["toolsFailed"] = tools_failed;
    out["tokens"] = tokens.total();
    out["costUsd"] = cost_usd ? Json(*cost_usd) : Json();
    out["queued"] = queued;
    out["reason"] = reason;
    if (!detail)
        return out;
    out["envId"] = env_id;
    out["taskType"] = task_type;
    out["area"] = area;
    out["model"] = model;
    out["started"] = started;
    out["completed"] = completed;
    out["exitCode"] = exit_code ? Json(*exit_code) : Json();
    out["signal"] = signal.empty() ? Json() : Json(signal);
    out["turns"] = turns;
    out["tokenDetail"] = tokens_json(tokens);
    Json by_tool = Json::array();
    for (const auto& [name, counts] : tools)
        by_tool.push_back({{"tool", name}, {"uses", counts.first}, {"failures", counts.second}});
    out["tools"] = std::move(by_tool);
    out["agentSessionId"] = agent_session_id;
    out["traceId"] = trace_id;
    out["agentPid"] = agent_pid;
    out["supervisorPid"] = supervisor_pid;
    return out;
}

void SessionProjection::apply(const store::EventView& event) {
    if (event.stream.substr(0, 8) != "session:")
        return;
    nlohmann::json data = nlohmann::json::parse(event.data, nullptr, false);
    if (!data.is_object())
        return;
    std::string id(event.stream.substr(8));
    auto [found, inserted] = m_sessions.try_emplace(id);
    SessionFacts& facts = found->second;
    if (inserted) {
        facts.id = id;
        m_order.push_back(id);
    }
    facts.last_version = event.version;
    auto text = [&](const char* key) {
        auto value = data.find(key);
        return value != data.end() && value->is_string() ? value->get<std::string>() : std::string();
    };
    auto number = [&](const char* key) -> int64_t {
        auto value = data.find(key);
        return value != data.end() && value->is_number() ? value->get<int64_t>() : 0;
    };
    if (facts.task_id.empty())
        facts.task_id = text("taskId");
    if (event.type == event_types::session_queued) {
        facts.queued = std::string(event.time);
        facts.env_id = text("envId");
        facts.exec = text("exec");
        facts.task_type = text("taskType");
        facts.area = text("area");
        facts.trace_id = std::string(event.trace_id);
    } else if (event.type == event_types::session_started) {
        facts.started = std::string(event.time);
        if (facts.state == "queued")
            facts.state = "running";
        facts.agent_pid = number("agentPid");
        facts.supervisor_pid = number("supervisorPid");
        if (facts.agent_session_id.empty())
            facts.agent_session_id = text("agentSessionId");
    } else if (event.type == event_types::session_tool_used) {
        // Counted from the Completed event when there is one; these give a running session's
        // progress.
        if (facts.state != "completed") {
            auto& counts = facts.tools[text("tool")];
            ++counts.first;
            ++facts.tools_used;
            if (data.contains("success") && data["success"] == false) {
                ++counts.second;
                ++facts.tools_failed;
            }
        }
    } else if (event.type == event_types::session_completed) {
        facts.state = "completed";
        facts.completed = std::string(event.time);
        if (facts.queued.empty()) {
            facts.queued = facts.completed;
            facts.exec = text("exec");
            facts.env_id = text("envId");
        }
        if (facts.trace_id.empty())
            facts.trace_id = std::string(event.trace_id);
        facts.task_type = text("taskType");
        facts.area = text("area");
        facts.model = text("model");
        facts.outcome = text("outcome");
        facts.reason = text("reason");
        facts.duration_ms = number("durationMs");
        if (data.contains("exitCode") && data["exitCode"].is_number())
            facts.exit_code = data["exitCode"].get<int64_t>();
        facts.signal = text("signal");
        facts.turns = number("turns");
        facts.tools_used = number("toolsUsed");
        facts.tools_failed = number("toolsFailed");
        if (data.contains("tools") && data["tools"].is_object()) {
            std::map<std::string, std::pair<int64_t, int64_t>> failures_kept = facts.tools;
            facts.tools.clear();
            for (const auto& [name, count] : data["tools"].items())
                facts.tools[name] = {count.is_number() ? count.get<int64_t>() : 0,
                                     failures_kept.count(name) ? failures_kept[name].second : 0};
        }
        facts.tokens = tokens_from(data.value("tokens", nlohmann::json::object()));
        if (data.contains("costUsd") && data["costUsd"].is_number())
            facts.cost_usd = data["costUsd"].get<double>();
        if (std::string agent = text("agentSessionId"); !agent.empty())
            facts.agent_session_id = agent;
    }
}

void SessionProjection::add(SessionFacts facts) {
    auto [found, inserted] = m_sessions.try_emplace(facts.id);
    if (inserted)
        m_order.push_back(facts.id);
    found->second = std::move(facts);
}

Result<SessionProjection> replay_sessions(const std::string& store_root, const SessionFilter& filter,
                                          bool completed_only) {
    SessionProjection projection;
    store::Reader reader(store_root);
    store::EventQuery query;
    if (completed_only)
        query.types = {std::string(event_types::session_completed)};
    else
        query.types = {std::string(event_types::session_queued), std::string(event_types::session_started),
                       std::string(event_types::session_tool_used), std::string(event_types::session_completed)};
    query.from_time = filter.since;
    query.until_time = filter.until;
    Result<store::ReadStats> read = reader.read_events(query, [&](const store::EventView& event) {
        if (!filter.task_id.empty() &&
            event.data.find("\"taskId\":\"" + filter.task_id + "\"") == std::string_view::npos)
            return true;
        projection.apply(event);
        return true;
    });
    if (!read.ok() && read.error().code != ErrorCode::not_found)
        return read.error();
    return projection;
}

}  // namespace sc::observe

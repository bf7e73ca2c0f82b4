#include "observe/session_bridge.hpp"

#include <nlohmann/json.hpp>

#include "observe/otlp_json_fields.hpp"
#include "store/reader.hpp"

namespace sc::observe {

namespace {

using Json = nlohmann::json;
namespace otlp = otlp_json;

// An OTLP AnyValue as text ("true", "42", "Bash").
std::string value_text(const Json& value) {
    if (!value.is_object())
        return "";
    if (auto found = value.find("stringValue"); found != value.end() && found->is_string())
        return found->get<std::string>();
    if (auto found = value.find("intValue"); found != value.end())
        return std::to_string(otlp::int_of(*found));
    if (auto found = value.find("boolValue"); found != value.end() && found->is_boolean())
        return found->get<bool>() ? "true" : "false";
    if (auto found = value.find("doubleValue"); found != value.end() && found->is_number())
        return std::to_string(found->get<double>());
    return "";
}

std::optional<double> value_number(const Json& value) {
    if (!value.is_object())
        return std::nullopt;
    if (auto found = value.find("doubleValue"); found != value.end() && found->is_number())
        return found->get<double>();
    if (auto found = value.find("intValue"); found != value.end())
        return static_cast<double>(otlp::int_of(*found));
    if (auto found = value.find("stringValue"); found != value.end() && found->is_string()) {
        try {
            return std::stod(found->get<std::string>());
        } catch (...) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

// Attributes of a record, with its resource's under them (a record's own win).
struct Attributes {
    const Json* own = nullptr;
    const Json* resource = nullptr;
    [[nodiscard]] const Json* find(std::string_view key) const {
        for (const Json* list : {own, resource}) {
            if (list == nullptr || !list->is_array())
                continue;
            for (const Json& attribute : *list)
                if (attribute.is_object() && attribute.value("key", "") == key)
                    return attribute.contains("value") ? &attribute["value"] : nullptr;
        }
        return nullptr;
    }
    [[nodiscard]] std::string text(std::string_view key) const {
        const Json* value = find(key);
        return value == nullptr ? std::string() : value_text(*value);
    }
    [[nodiscard]] std::optional<double> number(std::string_view key) const {
        const Json* value = find(key);
        return value == nullptr ? std::nullopt : value_number(*value);
    }
};

bool belongs(const Attributes& attributes, const std::string& session_id, const std::string& agent_session_id) {
    if (attributes.text("scopecraft.session.id") == session_id)
        return true;
    return !agent_session_id.empty() && attributes.text("session.id") == agent_session_id;
}

std::string_view without_prefix(std::string_view name) {
    constexpr std::string_view prefix = "claude_code.";
    return name.substr(0, prefix.size()) == prefix ? name.substr(prefix.size()) : name;
}

const BridgeRule* rule_for(std::string_view signal, std::string_view name) {
    for (const BridgeRule& rule : bridge_rules())
        if (rule.signal == signal && rule.name == name)
            return &rule;
    return nullptr;
}

}  // namespace

const std::vector<BridgeRule>& bridge_rules() {
    static const std::vector<BridgeRule> rules = {
        {"logs", "tool_result", BridgeAction::tool_use},
        {"logs", "api_request", BridgeAction::api_request},
        {"logs", "api_error", BridgeAction::api_error},
        {"metrics", "claude_code.token.usage", BridgeAction::token_metric},
        {"metrics", "claude_code.cost.usage", BridgeAction::cost_metric},
    };
    return rules;
}

Result<BridgeResult> bridge_session(const std::string& store_root, const std::string& session_id,
                                    const std::string& agent_session_id, int64_t from_unix_nanos) {
    BridgeResult result;
    TelemetryTotals& totals = result.totals;
    sessions::Tokens metric_tokens;
    std::optional<double> metric_cost;
    double request_cost = 0;
    bool request_cost_seen = false;
    store::Reader reader(store_root);
    store::SignalQuery query;
    query.from_time = from_unix_nanos;
    auto mentions = [&](std::string_view line) {
        return line.find(session_id) != std::string_view::npos ||
               (!agent_session_id.empty() && line.find(agent_session_id) != std::string_view::npos);
    };
    Result<store::ReadStats> logs = reader.read_signals(store::Signal::logs, query, [&](std::string_view line) {
        if (!mentions(line))
            return true;  // most lines are not this session's: no parse
        Json request = Json::parse(line, nullptr, false);
        for (const Json& resource_logs : otlp::array_field(request, "resourceLogs")) {
            const Json* resource = resource_logs.contains("resource") ? &resource_logs["resource"] : nullptr;
            const Json* resource_attributes =
                resource != nullptr && resource->is_object() && resource->contains("attributes")
                    ? &(*resource)["attributes"]
                    : nullptr;
            for (const Json& scope_logs : otlp::array_field(resource_logs, "scopeLogs"))
                for (const Json& record : otlp::array_field(scope_logs, "logRecords")) {
                    Attributes attributes {record.contains("attributes") ? &record["attributes"] : nullptr,
                                           resource_attributes};
                    if (!belongs(attributes, session_id, agent_session_id))
                        continue;
                    std::string name = attributes.text("event.name");
                    if (name.empty() && record.contains("body"))
                        name = value_text(record["body"]);
                    const BridgeRule* rule = rule_for("logs", without_prefix(name));
                    if (rule == nullptr)
                        continue;
                    totals.present = true;
                    ++totals.lines;
                    if (rule->action == BridgeAction::tool_use) {
                        BridgedToolUse use;
                        use.tool = attributes.text("tool_name");
                        use.tool_use_id = attributes.text("tool_use_id");
                        use.success = attributes.text("success") != "false";
                        if (auto duration = attributes.number("duration_ms"))
                            use.duration_ms = static_cast<int64_t>(*duration);
                        use.error = attributes.text("error_type");
                        ++totals.tools_used;
                        totals.tools_failed += use.success ? 0 : 1;
                        result.tool_uses.push_back(std::move(use));
                    } else if (rule->action == BridgeAction::api_request) {
                        ++totals.api_requests;
                        totals.tokens.input += static_cast<int64_t>(attributes.number("input_tokens").value_or(0));
                        totals.tokens.output += static_cast<int64_t>(attributes.number("output_tokens").value_or(0));
                        totals.tokens.cache_read +=
                            static_cast<int64_t>(attributes.number("cache_read_tokens").value_or(0));
                        totals.tokens.cache_creation +=
                            static_cast<int64_t>(attributes.number("cache_creation_tokens").value_or(0));
                        if (auto cost = attributes.number("cost_usd")) {
                            request_cost += *cost;
                            request_cost_seen = true;
                        }
                        if (std::string model = attributes.text("model"); !model.empty())
                            totals.model = model;
                    } else if (rule->action == BridgeAction::api_error) {
                        ++result.api_errors;
                    }
                }
        }
        return true;
    });
    if (!logs.ok() && logs.error().code != ErrorCode::not_found)
        return logs.error();
    Result<store::ReadStats> metrics = reader.read_signals(store::Signal::metrics, query, [&](std::string_view line) {
        if (!mentions(line))
            return true;
        Json request = Json::parse(line, nullptr, false);
        for (const Json& resource_metrics : otlp::array_field(request, "resourceMetrics")) {
            const Json* resource = resource_metrics.contains("resource") ? &resource_metrics["resource"] : nullptr;
            const Json* resource_attributes =
                resource != nullptr && resource->is_object() && resource->contains("attributes")
                    ? &(*resource)["attributes"]
                    : nullptr;
            for (const Json& scope_metrics : otlp::array_field(resource_metrics, "scopeMetrics"))
                for (const Json& metric : otlp::array_field(scope_metrics, "metrics")) {
                    const BridgeRule* rule = rule_for("metrics", otlp::string_field(metric, "name"));
                    if (rule == nullptr || !metric.contains("sum"))
                        continue;
                    // Delta sums (Claude Code's default): each point adds. A cumulative series
                    // would need its last point only; Claude Code is told nothing else.
                    for (const Json& point : otlp::array_field(metric["sum"], "dataPoints")) {
                        Attributes attributes {point.contains("attributes") ? &point["attributes"] : nullptr,
                                               resource_attributes};
                        if (!belongs(attributes, session_id, agent_session_id))
                            continue;
                        double value = point.contains("asDouble") && point["asDouble"].is_number()
                                           ? point["asDouble"].get<double>()
                                           : static_cast<double>(otlp::int_field(point, "asInt"));
                        totals.present = true;
                        ++totals.lines;
                        if (rule->action == BridgeAction::cost_metric) {
                            metric_cost = metric_cost.value_or(0) + value;
                        } else {
                            std::string type = attributes.text("type");
                            int64_t count = static_cast<int64_t>(value);
                            if (type == "input")
                                metric_tokens.input += count;
                            else if (type == "output")
                                metric_tokens.output += count;
                            else if (type == "cacheRead")
                                metric_tokens.cache_read += count;
                            else if (type == "cacheCreation")
                                metric_tokens.cache_creation += count;
                        }
                        if (std::string model = attributes.text("model"); !model.empty() && totals.model.empty())
                            totals.model = model;
                    }
                }
        }
        return true;
    });
    if (!metrics.ok() && metrics.error().code != ErrorCode::not_found)
        return metrics.error();
    // Per-request events are exact; the metrics are the fallback when the events were off.
    if (totals.api_requests == 0)
        totals.tokens = metric_tokens;
    if (request_cost_seen)
        totals.cost_usd = request_cost;
    else
        totals.cost_usd = metric_cost;
    return result;
}

}  // namespace sc::observe

#include "observe/jaeger_json.hpp"

#include "observe/otlp_json_fields.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

namespace sc::observe {

namespace {

using Json = nlohmann::ordered_json;

// Jaeger's translator names a resource without service.name so (pkg/translator/jaeger).
constexpr const char* k_no_service_name = "OTLPResourceNoServiceName";

using otlp_json::array_field;
using otlp_json::id_field;
using otlp_json::int_field;
using otlp_json::int_of;
using otlp_json::string_field;

std::optional<double> double_of(const Json& value) {
    if (value.is_number())
        return value.get<double>();
    return std::nullopt;  // "NaN", "Infinity": JSON has no number for them
}

// An AnyValue as a plain JSON value, for arrays and maps that Jaeger keeps as JSON text.
Json plain_value(const Json& value) {
    if (!value.is_object())
        return nullptr;
    if (auto found = value.find("stringValue"); found != value.end())
        return *found;
    if (auto found = value.find("boolValue"); found != value.end())
        return *found;
    if (auto found = value.find("intValue"); found != value.end())
        return int_of(*found);
    if (auto found = value.find("doubleValue"); found != value.end())
        return *found;
    if (auto found = value.find("bytesValue"); found != value.end())
        return *found;
    if (auto found = value.find("arrayValue"); found != value.end()) {
        Json items = Json::array();
        for (const Json& item : array_field(*found, "values"))
            items.push_back(plain_value(item));
        return items;
    }
    if (auto found = value.find("kvlistValue"); found != value.end()) {
        Json map = Json::object();
        for (const Json& pair : array_field(*found, "values"))
            if (pair.is_object())
                map[string_field(pair, "key")] = plain_value(pair.value("value", Json()));
        return map;
    }
    return nullptr;
}

Json tag(const std::string& key, const char* type, Json value) {
    return {{"key", key}, {"type", type}, {"value", std::move(value)}};
}

// One OTLP KeyValue as a Jaeger tag with Jaeger's types: string, bool, int64, float64, binary.
Json tag_of(const Json& pair) {
    std::string key = string_field(pair, "key");
    const Json value = pair.is_object() ? pair.value("value", Json::object()) : Json::object();
    if (!value.is_object())
        return tag(key, "string", "");
    if (auto found = value.find("stringValue"); found != value.end())
        return tag(key, "string", found->is_string() ? *found : Json(found->dump()));
    if (auto found = value.find("boolValue"); found != value.end())
        return tag(key, "bool", found->is_boolean() && found->get<bool>());
    if (auto found = value.find("intValue"); found != value.end())
        return tag(key, "int64", int_of(*found));
    if (auto found = value.find("doubleValue"); found != value.end()) {
        if (auto number = double_of(*found); number && std::isfinite(*number))
            return tag(key, "float64", *number);
        return tag(key, "string", found->is_string() ? *found : Json(found->dump()));
    }
    if (auto found = value.find("bytesValue"); found != value.end())
        return tag(key, "binary", found->is_string() ? *found : Json(""));  // base64, as in OTLP JSON
    if (value.contains("arrayValue") || value.contains("kvlistValue"))
        return tag(key, "string", plain_value(value).dump());
    return tag(key, "string", "");
}

Json tags_of(const Json& attributes) {
    Json tags = Json::array();
    for (const Json& pair : attributes.is_array() ? attributes : Json::array())
        if (pair.is_object())
            tags.push_back(tag_of(pair));
    return tags;
}

const char* kind_name(int64_t kind) {
    switch (kind) {
        case 1:
            return "internal";
        case 2:
            return "server";
        case 3:
            return "client";
        case 4:
            return "producer";
        case 5:
            return "consumer";
        default:
            return nullptr;  // unspecified: Jaeger writes no tag
    }
}

int64_t micros(int64_t nanos) {
    return nanos / 1000;
}

Json jaeger_span(const Json& span, const std::string& trace_id, const Json& scope, const std::string& process_id) {
    Json references = Json::array();
    if (std::string parent = id_field(span, "parentSpanId"); !parent.empty())
        references.push_back({{"refType", "CHILD_OF"}, {"traceID", trace_id}, {"spanID", parent}});
    for (const Json& link : array_field(span, "links"))
        references.push_back({{"refType", "FOLLOWS_FROM"},
                              {"traceID", id_field(link, "traceId")},
                              {"spanID", id_field(link, "spanId")}});

    Json tags = tags_of(span.value("attributes", Json::array()));
    if (std::string name = string_field(scope, "name"); !name.empty())
        tags.push_back(tag("otel.scope.name", "string", name));
    if (std::string version = string_field(scope, "version"); !version.empty())
        tags.push_back(tag("otel.scope.version", "string", version));
    if (const char* kind = kind_name(int_field(span, "kind")))
        tags.push_back(tag("span.kind", "string", kind));
    if (auto status = span.find("status"); status != span.end() && status->is_object()) {
        int64_t code = int_field(*status, "code");
        if (code == 1)
            tags.push_back(tag("otel.status_code", "string", "OK"));
        if (code == 2) {
            tags.push_back(tag("otel.status_code", "string", "ERROR"));
            tags.push_back(tag("error", "bool", true));
        }
        if (std::string message = string_field(*status, "message"); !message.empty())
            tags.push_back(tag("otel.status_description", "string", message));
    }
    if (std::string state = string_field(span, "traceState"); !state.empty())
        tags.push_back(tag("w3c.tracestate", "string", state));

    Json logs = Json::array();
    for (const Json& event : array_field(span, "events")) {
        Json fields = tags_of(event.value("attributes", Json::array()));
        std::string name = string_field(event, "name");
        bool named =
            std::any_of(fields.begin(), fields.end(), [](const Json& field) { return field["key"] == "event"; });
        if (!name.empty() && !named)
            fields.push_back(tag("event", "string", name));
        logs.push_back({{"timestamp", micros(int_field(event, "timeUnixNano"))}, {"fields", std::move(fields)}});
    }

    int64_t start = int_field(span, "startTimeUnixNano");
    int64_t end = int_field(span, "endTimeUnixNano");
    return {{"traceID", trace_id},
            {"spanID", id_field(span, "spanId")},
            {"operationName", string_field(span, "name")},
            {"references", std::move(references)},
            {"startTime", micros(start)},
            {"duration", end > start ? micros(end) - micros(start) : 0},
            {"tags", std::move(tags)},
            {"logs", std::move(logs)},
            {"processID", process_id},
            {"warnings", nullptr}};
}

Json process_of(const Json& resource) {
    std::string service;
    Json tags = Json::array();
    for (const Json& pair : array_field(resource, "attributes")) {
        if (!pair.is_object())
            continue;
        if (string_field(pair, "key") == "service.name" && service.empty())
            service = string_field(pair.value("value", Json::object()), "stringValue");
        else
            tags.push_back(tag_of(pair));
    }
    return {{"serviceName", service.empty() ? std::string(k_no_service_name) : service}, {"tags", std::move(tags)}};
}

}  // namespace

Json filter_trace_request(const Json& request, const std::string& trace_id) {
    Json kept_resources = Json::array();
    for (const Json& resource_spans : array_field(request, "resourceSpans")) {
        Json kept_scopes = Json::array();
        for (const Json& scope_spans : array_field(resource_spans, "scopeSpans")) {
            Json kept_spans = Json::array();
            for (const Json& span : array_field(scope_spans, "spans"))
                if (span.is_object() && id_field(span, "traceId") == trace_id)
                    kept_spans.push_back(span);
            if (kept_spans.empty())
                continue;
            Json scope = scope_spans;
            scope["spans"] = std::move(kept_spans);
            kept_scopes.push_back(std::move(scope));
        }
        if (kept_scopes.empty())
            continue;
        Json resource = resource_spans;
        resource["scopeSpans"] = std::move(kept_scopes);
        kept_resources.push_back(std::move(resource));
    }
    if (kept_resources.empty())
        return nullptr;
    Json filtered = request;
    filtered["resourceSpans"] = std::move(kept_resources);
    return filtered;
}

Result<std::vector<Json>> load_trace_requests(store::Reader& reader, const std::string& trace_id) {
    store::SignalQuery query;
    query.trace_id = trace_id;
    std::vector<Json> requests;
    SC_TRY(reader.read_signals(store::Signal::traces, query, [&](std::string_view line) {
        Json request = Json::parse(line.begin(), line.end(), nullptr, false);
        if (request.is_discarded() || !request.is_object())
            return true;  // corrupt lines are counted by the reader; `sc traces list` warns of them
        if (Json filtered = filter_trace_request(request, trace_id); !filtered.is_null())
            requests.push_back(std::move(filtered));
        return true;
    }));
    return requests;
}

Json jaeger_trace(const std::string& trace_id, const std::vector<Json>& requests) {
    Json spans = Json::array();
    Json processes = Json::object();
    std::map<std::string, std::string> process_ids;  // the resource's JSON -> "p1", "p2", ...
    for (const Json& request : requests)
        for (const Json& resource_spans : array_field(request, "resourceSpans")) {
            const Json resource = resource_spans.value("resource", Json::object());
            Json process = process_of(resource);
            std::string identity = process.dump();
            auto [found, added] = process_ids.emplace(identity, "p" + std::to_string(process_ids.size() + 1));
            if (added)
                processes[found->second] = std::move(process);
            for (const Json& scope_spans : array_field(resource_spans, "scopeSpans")) {
                const Json scope = scope_spans.value("scope", Json::object());
                for (const Json& span : array_field(scope_spans, "spans"))
                    if (span.is_object() && id_field(span, "traceId") == trace_id)
                        spans.push_back(jaeger_span(span, trace_id, scope, found->second));
            }
        }
    return {
        {"traceID", trace_id}, {"spans", std::move(spans)}, {"processes", std::move(processes)}, {"warnings", nullptr}};
}

}  // namespace sc::observe

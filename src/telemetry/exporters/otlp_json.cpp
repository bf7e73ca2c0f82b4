#include "telemetry/exporters/otlp_json.hpp"

#include <vector>

#include "telemetry/exporters/json_text.hpp"

namespace sc::telemetry::exporters {
namespace {

// Span.flags (OTLP 1.1+): the W3C trace flags, plus whether the parent is known to be remote.
constexpr uint32_t k_span_flags_has_is_remote = 0x100;
constexpr uint32_t k_span_flags_is_remote = 0x200;

void append_hex_id(std::string& out, const TraceId& id) {
    char text[32];
    detail::write_hex64(id.high, text);
    detail::write_hex64(id.low, text + 16);
    out += '"';
    out.append(text, 32);
    out += '"';
}

void append_hex_id(std::string& out, const SpanId& id) {
    char text[16];
    detail::write_hex64(id.value, text);
    out += '"';
    out.append(text, 16);
    out += '"';
}

struct AnyValueVisitor {
    std::string& out;
    void operator()(bool flag) const { out += flag ? "{\"boolValue\":true}" : "{\"boolValue\":false}"; }
    void operator()(int64_t number) const {
        out += "{\"intValue\":";
        append_json_int64_string(out, number);
        out += '}';
    }
    void operator()(double number) const {
        out += "{\"doubleValue\":";
        append_json_double(out, number);
        out += '}';
    }
    void operator()(const std::string& text) const {
        out += "{\"stringValue\":";
        append_json_string(out, text);
        out += '}';
    }
    template <class T>
    void operator()(const std::vector<T>& values) const {
        out += "{\"arrayValue\":{\"values\":[";
        for (size_t index = 0; index < values.size(); ++index) {
            if (index > 0)
                out += ',';
            (*this)(values[index]);
        }
        out += "]}}";
    }
};

void append_any_value(std::string& out, const sdk::OwnedValue& value) {
    std::visit(AnyValueVisitor {out}, value);
}

void append_resource(std::string& out, const sdk::Resource& resource) {
    out += "\"resource\":{\"attributes\":";
    append_attributes(out, resource.attributes);
    out += '}';
}

void append_scope(std::string& out, std::string_view name, std::string_view version) {
    out += "\"scope\":{\"name\":";
    append_json_string(out, name);
    if (!version.empty()) {
        out += ",\"version\":";
        append_json_string(out, version);
    }
    out += '}';
}

void append_count_field(std::string& out, std::string_view key, uint32_t count) {
    if (count == 0)
        return;
    out += ",\"";
    out += key;
    out += "\":";
    append_json_uint(out, count);
}

void append_span(std::string& out, const sdk::SpanData& span) {
    out += "{\"traceId\":";
    append_hex_id(out, span.context.trace_id);
    out += ",\"spanId\":";
    append_hex_id(out, span.context.span_id);
    if (!span.context.trace_state.empty()) {
        out += ",\"traceState\":";
        append_json_string(out, span.context.trace_state);
    }
    if (span.parent_span_id.is_valid()) {
        out += ",\"parentSpanId\":";
        append_hex_id(out, span.parent_span_id);
    }
    uint32_t flags =
        span.context.trace_flags | k_span_flags_has_is_remote | (span.parent_remote ? k_span_flags_is_remote : 0);
    out += ",\"flags\":";
    append_json_uint(out, flags);
    out += ",\"name\":";
    append_json_string(out, span.name);
    out += ",\"kind\":";
    append_json_uint(out, static_cast<uint32_t>(span.kind));
    out += ",\"startTimeUnixNano\":";
    append_json_uint64_string(out, static_cast<uint64_t>(span.start_time));
    out += ",\"endTimeUnixNano\":";
    append_json_uint64_string(out, static_cast<uint64_t>(span.end_time));
    if (!span.attributes.empty()) {
        out += ",\"attributes\":";
        append_attributes(out, span.attributes);
    }
    append_count_field(out, "droppedAttributesCount", span.dropped_attributes);
    if (!span.events.empty()) {
        out += ",\"events\":[";
        for (size_t index = 0; index < span.events.size(); ++index) {
            const sdk::SpanEventData& event = span.events[index];
            if (index > 0)
                out += ',';
            out += "{\"timeUnixNano\":";
            append_json_uint64_string(out, static_cast<uint64_t>(event.time));
            out += ",\"name\":";
            append_json_string(out, event.name);
            if (!event.attributes.empty()) {
                out += ",\"attributes\":";
                append_attributes(out, event.attributes);
            }
            append_count_field(out, "droppedAttributesCount", event.dropped_attributes);
            out += '}';
        }
        out += ']';
    }
    append_count_field(out, "droppedEventsCount", span.dropped_events);
    if (!span.links.empty()) {
        out += ",\"links\":[";
        for (size_t index = 0; index < span.links.size(); ++index) {
            const sdk::SpanLinkData& link = span.links[index];
            if (index > 0)
                out += ',';
            out += "{\"traceId\":";
            append_hex_id(out, link.context.trace_id);
            out += ",\"spanId\":";
            append_hex_id(out, link.context.span_id);
            if (!link.context.trace_state.empty()) {
                out += ",\"traceState\":";
                append_json_string(out, link.context.trace_state);
            }
            if (!link.attributes.empty()) {
                out += ",\"attributes\":";
                append_attributes(out, link.attributes);
            }
            append_count_field(out, "droppedAttributesCount", link.dropped_attributes);
            out += ",\"flags\":";
            append_json_uint(out, link.context.trace_flags | k_span_flags_has_is_remote |
                                      (link.context.remote ? k_span_flags_is_remote : 0));
            out += '}';
        }
        out += ']';
    }
    append_count_field(out, "droppedLinksCount", span.dropped_links);
    if (span.status != StatusCode::unset) {
        out += ",\"status\":{";
        if (!span.status_message.empty()) {
            out += "\"message\":";
            append_json_string(out, span.status_message);
            out += ',';
        }
        out += "\"code\":";
        append_json_uint(out, static_cast<uint32_t>(span.status));
        out += '}';
    }
    out += '}';
}

// Groups items by instrumentation scope, keeping the order in which scopes first appear.
template <class Item, class NameOf>
std::vector<std::vector<const Item*>> group_by_scope(std::span<const Item> items, NameOf name_of) {
    std::vector<std::vector<const Item*>> groups;
    for (const Item& item : items) {
        bool placed = false;
        for (auto& group : groups) {
            if (name_of(*group.front()) == name_of(item)) {
                group.push_back(&item);
                placed = true;
                break;
            }
        }
        if (!placed)
            groups.push_back({&item});
    }
    return groups;
}

void append_number_point(std::string& out, const sdk::NumberPoint& point) {
    out += '{';
    bool first = true;
    if (!point.attributes.empty()) {
        out += "\"attributes\":";
        append_attributes(out, point.attributes);
        first = false;
    }
    if (point.start_time != 0) {
        out += first ? "" : ",";
        out += "\"startTimeUnixNano\":";
        append_json_uint64_string(out, static_cast<uint64_t>(point.start_time));
        first = false;
    }
    out += first ? "" : ",";
    out += "\"timeUnixNano\":";
    append_json_uint64_string(out, static_cast<uint64_t>(point.time));
    if (point.is_integer) {
        out += ",\"asInt\":";
        append_json_int64_string(out, point.int_value);
    } else {
        out += ",\"asDouble\":";
        append_json_double(out, point.double_value);
    }
    out += '}';
}

void append_histogram_point(std::string& out, const sdk::HistogramPoint& point) {
    out += '{';
    if (!point.attributes.empty()) {
        out += "\"attributes\":";
        append_attributes(out, point.attributes);
        out += ',';
    }
    out += "\"startTimeUnixNano\":";
    append_json_uint64_string(out, static_cast<uint64_t>(point.start_time));
    out += ",\"timeUnixNano\":";
    append_json_uint64_string(out, static_cast<uint64_t>(point.time));
    out += ",\"count\":";
    append_json_uint64_string(out, point.count);
    out += ",\"sum\":";
    append_json_double(out, point.sum);
    out += ",\"bucketCounts\":[";
    for (size_t index = 0; index < point.bucket_counts.size(); ++index) {
        if (index > 0)
            out += ',';
        append_json_uint64_string(out, point.bucket_counts[index]);
    }
    out += "],\"explicitBounds\":[";
    for (size_t index = 0; index < point.boundaries.size(); ++index) {
        if (index > 0)
            out += ',';
        append_json_double(out, point.boundaries[index]);
    }
    out += ']';
    if (point.count > 0) {
        out += ",\"min\":";
        append_json_double(out, point.min);
        out += ",\"max\":";
        append_json_double(out, point.max);
    }
    out += '}';
}

void append_metric(std::string& out, const sdk::MetricData& metric) {
    out += "{\"name\":";
    append_json_string(out, metric.name);
    if (!metric.description.empty()) {
        out += ",\"description\":";
        append_json_string(out, metric.description);
    }
    if (!metric.unit.empty()) {
        out += ",\"unit\":";
        append_json_string(out, metric.unit);
    }
    switch (metric.type) {
        case sdk::MetricType::sum:
        case sdk::MetricType::gauge: {
            out += metric.type == sdk::MetricType::sum ? ",\"sum\":{\"dataPoints\":[" : ",\"gauge\":{\"dataPoints\":[";
            for (size_t index = 0; index < metric.number_points.size(); ++index) {
                if (index > 0)
                    out += ',';
                append_number_point(out, metric.number_points[index]);
            }
            out += ']';
            if (metric.type == sdk::MetricType::sum) {
                out += ",\"aggregationTemporality\":";
                append_json_uint(out, static_cast<uint32_t>(metric.temporality));
                if (metric.monotonic)
                    out += ",\"isMonotonic\":true";
            }
            out += '}';
            break;
        }
        case sdk::MetricType::histogram:
            out += ",\"histogram\":{\"dataPoints\":[";
            for (size_t index = 0; index < metric.histogram_points.size(); ++index) {
                if (index > 0)
                    out += ',';
                append_histogram_point(out, metric.histogram_points[index]);
            }
            out += "],\"aggregationTemporality\":";
            append_json_uint(out, static_cast<uint32_t>(metric.temporality));
            out += '}';
            break;
    }
    out += '}';
}

void append_log(std::string& out, const sdk::LogRecordData& record) {
    out += "{\"timeUnixNano\":";
    append_json_uint64_string(out, static_cast<uint64_t>(record.time));
    out += ",\"observedTimeUnixNano\":";
    append_json_uint64_string(out, static_cast<uint64_t>(record.observed_time));
    out += ",\"severityNumber\":";
    append_json_uint(out, static_cast<uint32_t>(record.severity));
    out += ",\"severityText\":";
    append_json_string(out, sdk::severity_text(record.severity));
    out += ",\"body\":{\"stringValue\":";
    append_json_string(out, record.body);
    out += '}';
    if (!record.attributes.empty()) {
        out += ",\"attributes\":";
        append_attributes(out, record.attributes);
    }
    append_count_field(out, "droppedAttributesCount", record.dropped_attributes);
    if (record.trace_id.is_valid()) {
        out += ",\"flags\":";
        append_json_uint(out, record.trace_flags);
        out += ",\"traceId\":";
        append_hex_id(out, record.trace_id);
        out += ",\"spanId\":";
        append_hex_id(out, record.span_id);
    }
    if (!record.event_name.empty()) {
        out += ",\"eventName\":";
        append_json_string(out, record.event_name);
    }
    out += '}';
}

}  // namespace

void append_attributes(std::string& out, const sdk::KeyValues& attributes) {
    out += '[';
    for (size_t index = 0; index < attributes.size(); ++index) {
        if (index > 0)
            out += ',';
        out += "{\"key\":";
        append_json_string(out, attributes[index].key);
        out += ",\"value\":";
        append_any_value(out, attributes[index].value);
        out += '}';
    }
    out += ']';
}

std::string encode_traces(const sdk::Resource& resource, std::span<const std::unique_ptr<sdk::SpanData>> spans) {
    std::string out;
    out.reserve(512 + spans.size() * 400);
    out += "{\"resourceSpans\":[{";
    append_resource(out, resource);
    out += ",\"scopeSpans\":[";
    auto groups = group_by_scope(spans, [](const std::unique_ptr<sdk::SpanData>& span) { return span->scope.name; });
    for (size_t group_index = 0; group_index < groups.size(); ++group_index) {
        if (group_index > 0)
            out += ',';
        const sdk::SpanData& first = **groups[group_index].front();
        out += '{';
        append_scope(out, first.scope.name, first.scope.version);
        out += ",\"spans\":[";
        for (size_t index = 0; index < groups[group_index].size(); ++index) {
            if (index > 0)
                out += ',';
            append_span(out, **groups[group_index][index]);
        }
        out += "]}";
    }
    out += "]}]}";
    return out;
}

std::string encode_metrics(const sdk::Resource& resource, std::span<const sdk::MetricData> metrics) {
    std::string out;
    out.reserve(512 + metrics.size() * 300);
    out += "{\"resourceMetrics\":[{";
    append_resource(out, resource);
    out += ",\"scopeMetrics\":[";
    auto groups =
        group_by_scope(metrics, [](const sdk::MetricData& metric) -> std::string_view { return metric.scope_name; });
    for (size_t group_index = 0; group_index < groups.size(); ++group_index) {
        if (group_index > 0)
            out += ',';
        out += '{';
        append_scope(out, groups[group_index].front()->scope_name, {});
        out += ",\"metrics\":[";
        for (size_t index = 0; index < groups[group_index].size(); ++index) {
            if (index > 0)
                out += ',';
            append_metric(out, *groups[group_index][index]);
        }
        out += "]}";
    }
    out += "]}]}";
    return out;
}

std::string encode_logs(const sdk::Resource& resource, std::span<const std::unique_ptr<sdk::LogRecordData>> records) {
    std::string out;
    out.reserve(512 + records.size() * 300);
    out += "{\"resourceLogs\":[{";
    append_resource(out, resource);
    out += ",\"scopeLogs\":[";
    auto groups =
        group_by_scope(records, [](const std::unique_ptr<sdk::LogRecordData>& record) { return record->scope.name; });
    for (size_t group_index = 0; group_index < groups.size(); ++group_index) {
        if (group_index > 0)
            out += ',';
        const sdk::LogRecordData& first = **groups[group_index].front();
        out += '{';
        append_scope(out, first.scope.name, first.scope.version);
        out += ",\"logRecords\":[";
        for (size_t index = 0; index < groups[group_index].size(); ++index) {
            if (index > 0)
                out += ',';
            append_log(out, **groups[group_index][index]);
        }
        out += "]}";
    }
    out += "]}]}";
    return out;
}

}  // namespace sc::telemetry::exporters

#include "observe/signal_query.hpp"

#include "observe/otlp_json_fields.hpp"
#include "util/text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

namespace sc::observe {

namespace {

using text::to_lower_ascii;

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// ---- OTLP JSON field readers (observe/otlp_json_fields.hpp).
using otlp_json::array_field;
using otlp_json::id_field;
using otlp_json::int_field;
using otlp_json::int_of;
using otlp_json::string_field;

// Doubles are numbers, or the strings "NaN", "Infinity" and "-Infinity".
double double_of(const Json& value) {
    if (value.is_number())
        return value.get<double>();
    if (value.is_string()) {
        const std::string& text = value.get_ref<const std::string&>();
        if (text == "NaN")
            return std::nan("");
        if (text == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (text == "-Infinity")
            return -std::numeric_limits<double>::infinity();
        return static_cast<double>(int_of(value));
    }
    return 0;
}

OrderedJson attributes_of(const Json& list);

// An OTLP AnyValue as a plain JSON value.
OrderedJson any_value(const Json& value) {
    if (!value.is_object())
        return nullptr;
    if (auto found = value.find("stringValue"); found != value.end())
        return found->is_string() ? OrderedJson(found->get<std::string>()) : OrderedJson(nullptr);
    if (auto found = value.find("intValue"); found != value.end())
        return int_of(*found);
    if (auto found = value.find("doubleValue"); found != value.end()) {
        double number = double_of(*found);
        return std::isfinite(number) ? OrderedJson(number) : OrderedJson(found->dump());
    }
    if (auto found = value.find("boolValue"); found != value.end())
        return found->is_boolean() && found->get<bool>();
    if (auto found = value.find("arrayValue"); found != value.end()) {
        OrderedJson items = OrderedJson::array();
        for (const Json& item : array_field(*found, "values"))
            items.push_back(any_value(item));
        return items;
    }
    if (auto found = value.find("kvlistValue"); found != value.end())
        return attributes_of(array_field(*found, "values"));
    if (auto found = value.find("bytesValue"); found != value.end())
        return found->is_string() ? OrderedJson(found->get<std::string>()) : OrderedJson(nullptr);
    return nullptr;
}

OrderedJson attributes_of(const Json& list) {
    OrderedJson attributes = OrderedJson::object();
    if (!list.is_array())
        return attributes;
    for (const Json& pair : list) {
        if (!pair.is_object())
            continue;
        std::string key = string_field(pair, "key");
        auto value = pair.find("value");
        attributes[key] = value == pair.end() ? OrderedJson(nullptr) : any_value(*value);
    }
    return attributes;
}

std::string service_of(const Json& resource_block) {
    auto resource = resource_block.find("resource");
    if (resource == resource_block.end() || !resource->is_object())
        return "";
    for (const Json& pair : array_field(*resource, "attributes"))
        if (pair.is_object() && string_field(pair, "key") == "service.name") {
            auto value = pair.find("value");
            if (value != pair.end())
                return string_field(*value, "stringValue");
        }
    return "";
}

Result<Json> parse_request(std::string_view line, const char* top_key) {
    Json request = Json::parse(line.begin(), line.end(), nullptr, false);
    if (request.is_discarded() || !request.is_object())
        return make_error(ErrorCode::parse, "not a JSON object");
    auto found = request.find(top_key);
    if (found == request.end() || !found->is_array())
        return make_error(ErrorCode::parse, std::string("no \"") + top_key + "\" array");
    return request;
}

// Calls `each(item, service)` for each object of an OTLP JSON request's items
// (resourceSpans[].scopeSpans[].spans[], and the like for metrics and logs), with the service
// of the resource it is under; a line that is not such a request is an error.
template <class Each>
Status each_item(std::string_view line, const char* resources, const char* scopes, const char* items, Each each) {
    Json request = SC_TRY(parse_request(line, resources));
    for (const Json& resource : request[resources]) {
        if (!resource.is_object())
            continue;
        std::string service = service_of(resource);
        for (const Json& scope : array_field(resource, scopes))
            for (const Json& item : array_field(scope, items))
                if (item.is_object())
                    each(item, service);
    }
    return {};
}

template <class Record>
Result<Loaded<Record>> load(store::Reader& reader, store::Signal signal, const store::SignalQuery& query,
                            Status (*parse)(std::string_view, std::vector<Record>&)) {
    Loaded<Record> loaded;
    loaded.stats.store = SC_TRY(reader.read_signals(signal, query, [&](std::string_view line) {
        if (!parse(line, loaded.records).ok())
            ++loaded.stats.unparsable;
        return true;
    }));
    return loaded;
}

bool in_window(int64_t time, const std::optional<int64_t>& since, const std::optional<int64_t>& until) {
    return (!since || time >= *since) && (!until || time < *until);
}

bool is_hex(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

}  // namespace

// ---- Parsing

Status parse_trace_line(std::string_view line, std::vector<SpanRecord>& out) {
    return each_item(line, "resourceSpans", "scopeSpans", "spans", [&](const Json& span, const std::string& service) {
        SpanRecord record;
        record.trace_id = id_field(span, "traceId");
        record.span_id = id_field(span, "spanId");
        record.parent_span_id = id_field(span, "parentSpanId");
        record.name = string_field(span, "name");
        record.kind = static_cast<int>(int_field(span, "kind"));
        record.start = int_field(span, "startTimeUnixNano");
        record.end = int_field(span, "endTimeUnixNano");
        if (auto status = span.find("status"); status != span.end() && status->is_object()) {
            int64_t code = int_field(*status, "code");
            record.status = code == 2 ? SpanStatus::error : code == 1 ? SpanStatus::ok : SpanStatus::unset;
            record.status_message = string_field(*status, "message");
        }
        if (auto attributes = span.find("attributes"); attributes != span.end())
            record.attributes = attributes_of(*attributes);
        for (const Json& event : array_field(span, "events")) {
            if (!event.is_object())
                continue;
            SpanEventRecord event_record;
            event_record.time = int_field(event, "timeUnixNano");
            event_record.name = string_field(event, "name");
            if (auto attributes = event.find("attributes"); attributes != event.end())
                event_record.attributes = attributes_of(*attributes);
            record.events.push_back(std::move(event_record));
        }
        record.service = service;
        // A span without ids cannot be placed in any trace.
        if (!record.trace_id.empty() && !record.span_id.empty())
            out.push_back(std::move(record));
    });
}

namespace {

// The metric's shape with what every kind of data point has: attributes and times.
MetricPoint point_of(const Json& point, const MetricPoint& shape) {
    MetricPoint record = shape;
    if (auto attributes = point.find("attributes"); attributes != point.end())
        record.attributes = attributes_of(*attributes);
    record.start_time = int_field(point, "startTimeUnixNano");
    record.time = int_field(point, "timeUnixNano");
    return record;
}

void add_number_points(const Json& data, MetricPoint& shape, std::vector<MetricPoint>& out) {
    for (const Json& point : array_field(data, "dataPoints")) {
        if (!point.is_object())
            continue;
        MetricPoint record = point_of(point, shape);
        if (auto as_int = point.find("asInt"); as_int != point.end())
            record.value = static_cast<double>(int_of(*as_int));
        else if (auto as_double = point.find("asDouble"); as_double != point.end())
            record.value = double_of(*as_double);
        out.push_back(std::move(record));
    }
}

void add_histogram_points(const Json& data, MetricPoint& shape, std::vector<MetricPoint>& out) {
    for (const Json& point : array_field(data, "dataPoints")) {
        if (!point.is_object())
            continue;
        MetricPoint record = point_of(point, shape);
        record.count = static_cast<uint64_t>(std::max<int64_t>(0, int_field(point, "count")));
        if (auto sum = point.find("sum"); sum != point.end())
            record.sum = double_of(*sum);
        for (const Json& count : array_field(point, "bucketCounts"))
            record.bucket_counts.push_back(static_cast<uint64_t>(std::max<int64_t>(0, int_of(count))));
        for (const Json& bound : array_field(point, "explicitBounds"))
            record.bounds.push_back(double_of(bound));
        if (auto min = point.find("min"); min != point.end())
            record.min = double_of(*min);
        if (auto max = point.find("max"); max != point.end())
            record.max = double_of(*max);
        out.push_back(std::move(record));
    }
}

}  // namespace

Status parse_metric_line(std::string_view line, std::vector<MetricPoint>& out) {
    return each_item(
        line, "resourceMetrics", "scopeMetrics", "metrics", [&](const Json& metric, const std::string& service) {
            MetricPoint shape;
            shape.name = string_field(metric, "name");
            shape.description = string_field(metric, "description");
            shape.unit = string_field(metric, "unit");
            shape.service = service;
            // Exponential histograms and summaries are not written by our SDK; they are
            // skipped rather than misread.
            if (auto sum = metric.find("sum"); sum != metric.end() && sum->is_object()) {
                shape.type = MetricType::sum;
                shape.temporality = static_cast<Temporality>(int_field(*sum, "aggregationTemporality") % 3);
                shape.monotonic = sum->value("isMonotonic", false);
                add_number_points(*sum, shape, out);
            } else if (auto gauge = metric.find("gauge"); gauge != metric.end() && gauge->is_object()) {
                shape.type = MetricType::gauge;
                add_number_points(*gauge, shape, out);
            } else if (auto histogram = metric.find("histogram"); histogram != metric.end() && histogram->is_object()) {
                shape.type = MetricType::histogram;
                shape.temporality = static_cast<Temporality>(int_field(*histogram, "aggregationTemporality") % 3);
                add_histogram_points(*histogram, shape, out);
            }
        });
}

Status parse_log_line(std::string_view line, std::vector<LogRecord>& out) {
    return each_item(line, "resourceLogs", "scopeLogs", "logRecords", [&](const Json& log, const std::string& service) {
        LogRecord record;
        record.time = int_field(log, "timeUnixNano");
        if (record.time == 0)
            record.time = int_field(log, "observedTimeUnixNano");
        record.severity_number = static_cast<int>(int_field(log, "severityNumber"));
        record.severity_text = string_field(log, "severityText");
        if (auto body = log.find("body"); body != log.end()) {
            OrderedJson value = any_value(*body);
            record.body = value.is_string() ? value.get<std::string>()
                          : value.is_null() ? std::string()
                                            : value.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
        }
        if (auto attributes = log.find("attributes"); attributes != log.end())
            record.attributes = attributes_of(*attributes);
        record.trace_id = id_field(log, "traceId");
        record.span_id = id_field(log, "spanId");
        record.event_name = string_field(log, "eventName");
        record.service = service;
        out.push_back(std::move(record));
    });
}

Result<Loaded<SpanRecord>> load_spans(store::Reader& reader, const store::SignalQuery& query) {
    return load<SpanRecord>(reader, store::Signal::traces, query, parse_trace_line);
}

Result<Loaded<MetricPoint>> load_metric_points(store::Reader& reader, const store::SignalQuery& query) {
    return load<MetricPoint>(reader, store::Signal::metrics, query, parse_metric_line);
}

Result<Loaded<LogRecord>> load_logs(store::Reader& reader, const store::SignalQuery& query) {
    return load<LogRecord>(reader, store::Signal::logs, query, parse_log_line);
}

// ---- Traces

namespace {

// Spans grouped by trace, in the order traces first appear.
std::vector<std::vector<const SpanRecord*>> group_by_trace(const std::vector<SpanRecord>& spans) {
    std::vector<std::vector<const SpanRecord*>> groups;
    std::unordered_map<std::string, size_t> index_of;
    for (const SpanRecord& span : spans) {
        auto [found, inserted] = index_of.emplace(span.trace_id, groups.size());
        if (inserted)
            groups.emplace_back();
        groups[found->second].push_back(&span);
    }
    return groups;
}

// Whether `attributes` has the key with this value, compared as text (a string as is, other
// values as JSON: 3, true).
bool attribute_equals(const Attributes& attributes, const std::pair<std::string, std::string>& wanted) {
    auto found = attributes.find(wanted.first);
    if (found == attributes.end())
        return false;
    if (found->is_string())
        return found->get_ref<const std::string&>() == wanted.second;
    return found->dump() == wanted.second;
}

}  // namespace

std::vector<TraceSummary> summarize_traces(const std::vector<SpanRecord>& spans, const TraceFilter& filter) {
    std::vector<TraceSummary> summaries;
    for (const auto& trace : group_by_trace(spans)) {
        std::set<std::string> ids;
        for (const SpanRecord* span : trace)
            ids.insert(span->span_id);
        TraceSummary summary;
        summary.trace_id = trace.front()->trace_id;
        summary.start = INT64_MAX;
        int64_t end = INT64_MIN;
        const SpanRecord* root = nullptr;
        bool name_matches = filter.name.empty();
        std::vector<bool> attribute_found(filter.attributes.size(), false);
        for (const SpanRecord* span : trace) {
            for (size_t i = 0; i < filter.attributes.size(); ++i)
                if (!attribute_found[i])
                    attribute_found[i] = attribute_equals(span->attributes, filter.attributes[i]);
            summary.start = std::min(summary.start, span->start);
            end = std::max(end, span->end);
            summary.error_count += span->is_error() ? 1 : 0;
            bool is_root = span->parent_span_id.empty() || ids.count(span->parent_span_id) == 0;
            if (is_root && (root == nullptr || span->start < root->start))
                root = span;
            if (!name_matches && to_lower_ascii(span->name).find(to_lower_ascii(filter.name)) != std::string::npos)
                name_matches = true;
        }
        summary.span_count = trace.size();
        summary.duration = end > summary.start ? end - summary.start : 0;
        if (root != nullptr) {
            summary.root_name = root->name;
            summary.service = root->service;
        }
        if (!name_matches || (filter.errors_only && summary.error_count == 0) ||
            !in_window(summary.start, filter.since, filter.until) ||
            std::find(attribute_found.begin(), attribute_found.end(), false) != attribute_found.end() ||
            (!filter.service.empty() &&
             to_lower_ascii(summary.service).find(to_lower_ascii(filter.service)) == std::string::npos) ||
            (filter.min_duration && summary.duration < *filter.min_duration) ||
            (filter.max_duration && summary.duration > *filter.max_duration))
            continue;
        summaries.push_back(std::move(summary));
    }
    std::stable_sort(summaries.begin(), summaries.end(),
                     [](const TraceSummary& a, const TraceSummary& b) { return a.start < b.start; });
    if (filter.last > 0 && summaries.size() > filter.last)
        summaries.erase(summaries.begin(), summaries.end() - static_cast<std::ptrdiff_t>(filter.last));
    return summaries;
}

std::vector<SpanTreeRow> span_tree(const std::vector<SpanRecord>& spans) {
    std::unordered_map<std::string, std::vector<const SpanRecord*>> children;
    std::set<std::string> ids;
    for (const SpanRecord& span : spans)
        ids.insert(span.span_id);
    std::vector<const SpanRecord*> roots;
    for (const SpanRecord& span : spans) {
        if (span.parent_span_id.empty() || ids.count(span.parent_span_id) == 0 || span.parent_span_id == span.span_id)
            roots.push_back(&span);
        else
            children[span.parent_span_id].push_back(&span);
    }
    auto by_start = [](const SpanRecord* a, const SpanRecord* b) { return a->start < b->start; };
    std::stable_sort(roots.begin(), roots.end(), by_start);
    std::vector<SpanTreeRow> rows;
    std::set<const SpanRecord*> placed;  // a parent loop in bad data must not recurse forever
    std::function<void(const SpanRecord*, int)> visit = [&](const SpanRecord* span, int depth) {
        if (!placed.insert(span).second)
            return;
        rows.push_back({span, depth});
        auto found = children.find(span->span_id);
        if (found == children.end())
            return;
        std::stable_sort(found->second.begin(), found->second.end(), by_start);
        for (const SpanRecord* child : found->second)
            visit(child, depth + 1);
    };
    for (const SpanRecord* root : roots)
        visit(root, 0);
    // Spans caught in a parent loop are still shown, at the top level.
    for (const SpanRecord& span : spans)
        if (placed.count(&span) == 0)
            visit(&span, 0);
    return rows;
}

Result<std::vector<SpanRecord>> find_trace(store::Reader& reader, const std::string& trace_id) {
    std::string wanted = to_lower_ascii(trace_id);
    if (wanted.size() < 8 || wanted.size() > 32 || !is_hex(wanted))
        return make_error(ErrorCode::not_found, "\"" + trace_id + "\" is not a trace id", Location {"", 0, "TRACE_ID"},
                          "a trace id is 32 hex digits (or its first 8 or more); `sc traces list` shows them");
    store::SignalQuery query;
    query.trace_id = wanted;
    Loaded<SpanRecord> loaded = SC_TRY(load_spans(reader, query));
    std::vector<SpanRecord> matching;
    std::set<std::string> trace_ids;
    for (SpanRecord& span : loaded.records)
        if (span.trace_id.compare(0, wanted.size(), wanted) == 0) {
            trace_ids.insert(span.trace_id);
            matching.push_back(std::move(span));
        }
    if (trace_ids.empty())
        return make_error(ErrorCode::not_found, "no trace " + trace_id + " in the store",
                          Location {reader.layout().root(), 0, {}},
                          "`sc traces list` shows the traces recorded; old ones may have been pruned");
    if (trace_ids.size() > 1)
        return make_error(ErrorCode::invalid_argument,
                          "\"" + trace_id + "\" starts " + std::to_string(trace_ids.size()) + " trace ids",
                          Location {"", 0, "TRACE_ID"}, "give more digits of the trace id");
    return matching;
}

// ---- Logs

std::vector<LogRecord> filter_logs(const std::vector<LogRecord>& records, const LogFilter& filter) {
    std::string text = to_lower_ascii(filter.text);
    std::string trace_id = to_lower_ascii(filter.trace_id);
    std::vector<LogRecord> matching;
    for (const LogRecord& record : records) {
        if (record.severity_number < filter.min_severity || !in_window(record.time, filter.since, filter.until))
            continue;
        if (!trace_id.empty() && record.trace_id.compare(0, trace_id.size(), trace_id) != 0)
            continue;
        if (!text.empty() && to_lower_ascii(record.body).find(text) == std::string::npos &&
            to_lower_ascii(record.attributes.dump(-1, ' ', false, OrderedJson::error_handler_t::replace)).find(text) ==
                std::string::npos)
            continue;
        matching.push_back(record);
    }
    std::stable_sort(matching.begin(), matching.end(),
                     [](const LogRecord& a, const LogRecord& b) { return a.time < b.time; });
    if (filter.last > 0 && matching.size() > filter.last)
        matching.erase(matching.begin(), matching.end() - static_cast<std::ptrdiff_t>(filter.last));
    return matching;
}

std::optional<int> parse_severity(std::string_view text) {
    std::string name = to_lower_ascii(std::string(text));
    static const std::pair<const char*, int> k_names[] = {{"trace", 1},    {"debug", 5},  {"info", 9},  {"warn", 13},
                                                          {"warning", 13}, {"error", 17}, {"fatal", 21}};
    for (const auto& [known, number] : k_names)
        if (name == known)
            return number;
    int number = 0;
    auto [end, error] = std::from_chars(name.data(), name.data() + name.size(), number);
    if (error == std::errc() && end == name.data() + name.size() && number >= 1 && number <= 24)
        return number;
    return std::nullopt;
}

std::string severity_name(int severity_number) {
    if (severity_number < 1 || severity_number > 24)
        return "UNSPECIFIED";
    static const char* const k_ranges[] = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
    int range = (severity_number - 1) / 4;
    int step = (severity_number - 1) % 4;
    return std::string(k_ranges[range]) + (step == 0 ? "" : std::to_string(step + 1));
}

std::string format_duration(int64_t nanos) {
    char text[32];
    double value = static_cast<double>(nanos);
    if (nanos < 1'000)
        std::snprintf(text, sizeof text, "%lld ns", static_cast<long long>(nanos));
    else if (nanos < 1'000'000)
        std::snprintf(text, sizeof text, "%.1f µs", value / 1e3);
    else if (nanos < 1'000'000'000)
        std::snprintf(text, sizeof text, "%.1f ms", value / 1e6);
    else if (nanos < 60'000'000'000)
        std::snprintf(text, sizeof text, "%.2f s", value / 1e9);
    else
        std::snprintf(text, sizeof text, "%lldm %02llds", static_cast<long long>(nanos / 60'000'000'000),
                      static_cast<long long>(nanos / 1'000'000'000 % 60));
    return text;
}

}  // namespace sc::observe

#include "receiver/otlp_validate.hpp"

#include <algorithm>
#include <optional>

#include "receiver/otlp_json_writer.hpp"

namespace sc::receiver {

namespace {

namespace common = opentelemetry::proto::common::v1;
namespace trace = opentelemetry::proto::trace::v1;
namespace metrics = opentelemetry::proto::metrics::v1;
namespace logs = opentelemetry::proto::logs::v1;
namespace pb = google::protobuf;

bool all_zero(const std::string& bytes) {
    return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

std::optional<std::string> id_problem(const std::string& bytes, const char* name, size_t size, bool optional) {
    if (optional && bytes.empty())
        return std::nullopt;
    if (bytes.size() != size)
        return std::string(name) + " must be " + std::to_string(size) + " bytes (" + std::to_string(size * 2) +
               " hex digits), not " + std::to_string(bytes.size());
    if (!optional && all_zero(bytes))
        return std::string(name) + " is all zeros, which OTLP calls invalid";
    return std::nullopt;
}

bool depth_ok(const common::AnyValue& value, int depth);

bool depth_ok(const pb::RepeatedPtrField<common::KeyValue>& values, int depth) {
    for (const common::KeyValue& key_value : values)
        if (!depth_ok(key_value.value(), depth))
            return false;
    return true;
}

bool depth_ok(const common::AnyValue& value, int depth) {
    if (depth > k_max_any_value_depth)
        return false;
    if (value.has_array_value()) {
        for (const common::AnyValue& item : value.array_value().values())
            if (!depth_ok(item, depth + 1))
                return false;
    } else if (value.has_kvlist_value()) {
        return depth_ok(value.kvlist_value().values(), depth + 1);
    }
    return true;
}

std::string too_deep() {
    return "an attribute value nests arrays or maps deeper than " + std::to_string(k_max_any_value_depth) + " levels";
}

// Keeps the items `keep` accepts, in order; returns how many were removed.
template <class Item, class Keep>
int64_t keep_if(pb::RepeatedPtrField<Item>& items, Keep keep) {
    int kept = 0;
    for (int i = 0; i < items.size(); ++i) {
        if (!keep(items[i]))
            continue;
        if (kept != i)
            items.SwapElements(kept, i);
        ++kept;
    }
    int64_t removed = items.size() - kept;
    if (removed > 0)
        items.DeleteSubrange(kept, static_cast<int>(removed));
    return removed;
}

void note(Rejections& result, const std::string& where, const std::string& why) {
    if (result.first_reason.empty())
        result.first_reason = where + ": " + why;
}

std::optional<std::string> span_problem(const trace::Span& span) {
    if (auto problem = id_problem(span.trace_id(), "traceId", 16, false))
        return problem;
    if (auto problem = id_problem(span.span_id(), "spanId", 8, false))
        return problem;
    if (auto problem = id_problem(span.parent_span_id(), "parentSpanId", 8, true))
        return problem;
    for (const trace::Span::Link& link : span.links()) {
        if (auto problem = id_problem(link.trace_id(), "a link's traceId", 16, false))
            return problem;
        if (auto problem = id_problem(link.span_id(), "a link's spanId", 8, false))
            return problem;
        if (!depth_ok(link.attributes(), 0))
            return too_deep();
    }
    if (!depth_ok(span.attributes(), 0))
        return too_deep();
    for (const trace::Span::Event& event : span.events())
        if (!depth_ok(event.attributes(), 0))
            return too_deep();
    return std::nullopt;
}

template <class Point>
std::optional<std::string> point_problem(const Point& point) {
    if (!depth_ok(point.attributes(), 0))
        return too_deep();
    for (const metrics::Exemplar& exemplar : point.exemplars()) {
        if (auto problem = id_problem(exemplar.trace_id(), "an exemplar's traceId", 16, true))
            return problem;
        if (auto problem = id_problem(exemplar.span_id(), "an exemplar's spanId", 8, true))
            return problem;
        if (!depth_ok(exemplar.filtered_attributes(), 0))
            return too_deep();
    }
    return std::nullopt;
}

template <>
std::optional<std::string> point_problem(const metrics::SummaryDataPoint& point) {
    if (!depth_ok(point.attributes(), 0))
        return too_deep();
    return std::nullopt;
}

template <class Points>
void validate_points(Points& points, const std::string& where, Rejections& result) {
    int index = 0;
    result.rejected += keep_if(points, [&](const auto& point) {
        std::optional<std::string> problem = point_problem(point);
        if (problem)
            note(result, where + " data point " + std::to_string(index), *problem);
        ++index;
        return !problem;
    });
    result.accepted += points.size();
}

bool scope_ok(const common::InstrumentationScope& scope) {
    return depth_ok(scope.attributes(), 0);
}

}  // namespace

Rejections validate(opentelemetry::proto::collector::trace::v1::ExportTraceServiceRequest& request) {
    Rejections result;
    for (trace::ResourceSpans& resource : *request.mutable_resource_spans()) {
        bool resource_ok = depth_ok(resource.resource().attributes(), 0);
        for (trace::ScopeSpans& scope : *resource.mutable_scope_spans()) {
            bool whole_ok = resource_ok && scope_ok(scope.scope());
            int index = 0;
            result.rejected += keep_if(*scope.mutable_spans(), [&](const trace::Span& span) {
                std::optional<std::string> problem = whole_ok ? span_problem(span) : std::optional(too_deep());
                if (problem)
                    note(result, "span " + std::to_string(index) + " (\"" + span.name().substr(0, 80) + "\")",
                         *problem);
                ++index;
                return !problem;
            });
            result.accepted += scope.spans_size();
        }
        keep_if(*resource.mutable_scope_spans(), [](const trace::ScopeSpans& scope) { return scope.spans_size() > 0; });
    }
    keep_if(*request.mutable_resource_spans(),
            [](const trace::ResourceSpans& resource) { return resource.scope_spans_size() > 0; });
    return result;
}

Rejections validate(opentelemetry::proto::collector::metrics::v1::ExportMetricsServiceRequest& request) {
    Rejections result;
    for (metrics::ResourceMetrics& resource : *request.mutable_resource_metrics()) {
        bool resource_ok = depth_ok(resource.resource().attributes(), 0);
        for (metrics::ScopeMetrics& scope : *resource.mutable_scope_metrics()) {
            bool whole_ok = resource_ok && scope_ok(scope.scope());
            for (metrics::Metric& metric : *scope.mutable_metrics()) {
                std::string where = "metric \"" + metric.name().substr(0, 80) + "\"";
                if (!whole_ok || !depth_ok(metric.metadata(), 0)) {
                    // Everything in it goes: count its points.
                    int64_t points = metric.has_gauge()       ? metric.gauge().data_points_size()
                                     : metric.has_sum()       ? metric.sum().data_points_size()
                                     : metric.has_histogram() ? metric.histogram().data_points_size()
                                     : metric.has_exponential_histogram()
                                         ? metric.exponential_histogram().data_points_size()
                                     : metric.has_summary() ? metric.summary().data_points_size()
                                                            : 0;
                    result.rejected += points;
                    note(result, where, too_deep());
                    metric.clear_data();
                    continue;
                }
                if (metric.has_gauge())
                    validate_points(*metric.mutable_gauge()->mutable_data_points(), where, result);
                else if (metric.has_sum())
                    validate_points(*metric.mutable_sum()->mutable_data_points(), where, result);
                else if (metric.has_histogram())
                    validate_points(*metric.mutable_histogram()->mutable_data_points(), where, result);
                else if (metric.has_exponential_histogram())
                    validate_points(*metric.mutable_exponential_histogram()->mutable_data_points(), where, result);
                else if (metric.has_summary())
                    validate_points(*metric.mutable_summary()->mutable_data_points(), where, result);
            }
            keep_if(*scope.mutable_metrics(), [](const metrics::Metric& metric) {
                return (metric.has_gauge() && metric.gauge().data_points_size() > 0) ||
                       (metric.has_sum() && metric.sum().data_points_size() > 0) ||
                       (metric.has_histogram() && metric.histogram().data_points_size() > 0) ||
                       (metric.has_exponential_histogram() && metric.exponential_histogram().data_points_size() > 0) ||
                       (metric.has_summary() && metric.summary().data_points_size() > 0);
            });
        }
        keep_if(*resource.mutable_scope_metrics(),
                [](const metrics::ScopeMetrics& scope) { return scope.metrics_size() > 0; });
    }
    keep_if(*request.mutable_resource_metrics(),
            [](const metrics::ResourceMetrics& resource) { return resource.scope_metrics_size() > 0; });
    return result;
}

Rejections validate(opentelemetry::proto::collector::logs::v1::ExportLogsServiceRequest& request) {
    Rejections result;
    for (logs::ResourceLogs& resource : *request.mutable_resource_logs()) {
        bool resource_ok = depth_ok(resource.resource().attributes(), 0);
        for (logs::ScopeLogs& scope : *resource.mutable_scope_logs()) {
            bool whole_ok = resource_ok && scope_ok(scope.scope());
            int index = 0;
            result.rejected += keep_if(*scope.mutable_log_records(), [&](const logs::LogRecord& record) {
                std::optional<std::string> problem;
                if (!whole_ok || !depth_ok(record.body(), 0) || !depth_ok(record.attributes(), 0))
                    problem = too_deep();
                else if (auto trace_problem = id_problem(record.trace_id(), "traceId", 16, true))
                    problem = trace_problem;
                else if (auto span_problem = id_problem(record.span_id(), "spanId", 8, true))
                    problem = span_problem;
                if (problem)
                    note(result, "log record " + std::to_string(index), *problem);
                ++index;
                return !problem;
            });
            result.accepted += scope.log_records_size();
        }
        keep_if(*resource.mutable_scope_logs(),
                [](const logs::ScopeLogs& scope) { return scope.log_records_size() > 0; });
    }
    keep_if(*request.mutable_resource_logs(),
            [](const logs::ResourceLogs& resource) { return resource.scope_logs_size() > 0; });
    return result;
}

}  // namespace sc::receiver

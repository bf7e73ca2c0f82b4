#include "telemetry/exporters/console_exporter.hpp"

#include <cstdio>
#include <variant>

#include "telemetry/exporters/json_text.hpp"

namespace sc::telemetry::exporters {
namespace {

struct ConsoleValueVisitor {
    std::string& out;
    void operator()(bool flag) const { out += flag ? "true" : "false"; }
    void operator()(int64_t number) const { out += std::to_string(number); }
    void operator()(double number) const { append_json_double(out, number); }
    void operator()(const std::string& text) const { append_json_string(out, text); }
    template <class T>
    void operator()(const std::vector<T>& values) const {
        out += '[';
        for (size_t index = 0; index < values.size(); ++index) {
            if (index > 0)
                out += ',';
            (*this)(values[index]);
        }
        out += ']';
    }
};

void append_value(std::string& out, const sdk::OwnedValue& value) {
    std::visit(ConsoleValueVisitor {out}, value);
}

void append_attributes(std::string& out, const sdk::KeyValues& attributes) {
    for (const sdk::KeyValue& attribute : attributes) {
        out += ' ';
        out += attribute.key;
        out += '=';
        append_value(out, attribute.value);
    }
}

std::string format_duration(int64_t nanoseconds) {
    char buffer[32];
    if (nanoseconds < 1'000'000)
        std::snprintf(buffer, sizeof buffer, "%.1fus", static_cast<double>(nanoseconds) / 1e3);
    else if (nanoseconds < 1'000'000'000)
        std::snprintf(buffer, sizeof buffer, "%.2fms", static_cast<double>(nanoseconds) / 1e6);
    else
        std::snprintf(buffer, sizeof buffer, "%.3fs", static_cast<double>(nanoseconds) / 1e9);
    return buffer;
}

constexpr std::string_view k_kinds[] = {"unspecified", "internal", "server", "client", "producer", "consumer"};

}  // namespace

TextWriter stderr_writer() {
    return [](std::string_view text) { std::fwrite(text.data(), 1, text.size(), stderr); };
}

std::string format_span(const sdk::SpanData& span) {
    std::string out = "[span] " + span.name + " " + format_duration(span.end_time - span.start_time) + " " +
                      std::string(k_kinds[static_cast<size_t>(span.kind) % 6]) +
                      " trace=" + to_hex(span.context.trace_id) + " span=" + to_hex(span.context.span_id);
    if (span.parent_span_id.is_valid())
        out += " parent=" + to_hex(span.parent_span_id);
    if (span.status == StatusCode::error)
        out += " status=ERROR" + (span.status_message.empty() ? "" : "(" + span.status_message + ")");
    else if (span.status == StatusCode::ok)
        out += " status=OK";
    append_attributes(out, span.attributes);
    for (const sdk::SpanEventData& event : span.events) {
        out += "\n  [event] " + event.name;
        append_attributes(out, event.attributes);
    }
    out += '\n';
    return out;
}

std::string format_metric(const sdk::MetricData& metric) {
    std::string out;
    std::string_view type = metric.type == sdk::MetricType::sum     ? "sum"
                            : metric.type == sdk::MetricType::gauge ? "gauge"
                                                                    : "histogram";
    for (const sdk::NumberPoint& point : metric.number_points) {
        out += "[metric] " + metric.name + " " + std::string(type);
        if (!metric.unit.empty())
            out += " (" + metric.unit + ")";
        out += " = ";
        if (point.is_integer)
            out += std::to_string(point.int_value);
        else
            append_json_double(out, point.double_value);
        append_attributes(out, point.attributes);
        out += '\n';
    }
    for (const sdk::HistogramPoint& point : metric.histogram_points) {
        out += "[metric] " + metric.name + " histogram";
        if (!metric.unit.empty())
            out += " (" + metric.unit + ")";
        out += " count=" + std::to_string(point.count) + " sum=";
        append_json_double(out, point.sum);
        out += " min=";
        append_json_double(out, point.min);
        out += " max=";
        append_json_double(out, point.max);
        append_attributes(out, point.attributes);
        out += '\n';
    }
    return out;
}

std::string format_log(const sdk::LogRecordData& record) {
    std::string out = "[log] " + std::string(sdk::severity_text(record.severity)) + " " + record.body;
    if (!record.event_name.empty())
        out += " event=" + record.event_name;
    append_attributes(out, record.attributes);
    if (record.trace_id.is_valid())
        out += " trace=" + to_hex(record.trace_id) + " span=" + to_hex(record.span_id);
    out += '\n';
    return out;
}

sdk::ExportResult ConsoleSpanExporter::export_batch(std::span<const std::unique_ptr<sdk::SpanData>> spans) {
    for (const auto& span : spans)
        m_writer(format_span(*span));
    return sdk::ExportResult::success;
}

sdk::ExportResult ConsoleMetricExporter::export_metrics(std::span<const sdk::MetricData> metrics) {
    for (const sdk::MetricData& metric : metrics)
        m_writer(format_metric(metric));
    return sdk::ExportResult::success;
}

sdk::ExportResult ConsoleLogExporter::export_batch(std::span<const std::unique_ptr<sdk::LogRecordData>> records) {
    for (const auto& record : records)
        m_writer(format_log(*record));
    return sdk::ExportResult::success;
}

}  // namespace sc::telemetry::exporters

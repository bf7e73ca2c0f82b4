#include "telemetry/exporters/otlp_exporters.hpp"

#include "telemetry/exporters/otlp_json.hpp"

namespace sc::telemetry::exporters {
namespace {

sdk::ExportResult write_line(SignalSink& sink, Signal signal, std::string_view line, FailureReporter* failures) {
    Status status = sink.append(signal, line);
    if (status.ok())
        return sdk::ExportResult::success;
    if (failures != nullptr)
        failures->report(signal, status.error());
    return sdk::ExportResult::failure;
}

}  // namespace

void FailureReporter::report(Signal signal, const Error& error) {
    if (m_failures.fetch_add(1, std::memory_order_relaxed) == 0 && m_handler) {
        Error reported = error;
        reported.message = "telemetry " + std::string(to_string(signal)) + " could not be stored: " + error.message;
        if (reported.hint.empty())
            reported.hint = "the command itself was not affected; later telemetry failures are counted, not shown";
        m_handler(reported);
    }
}

OtlpJsonSpanExporter::OtlpJsonSpanExporter(std::shared_ptr<SignalSink> sink, sdk::Resource resource,
                                           std::shared_ptr<FailureReporter> failures)
    : m_sink(std::move(sink)), m_resource(std::move(resource)), m_failures(std::move(failures)) {}

sdk::ExportResult OtlpJsonSpanExporter::export_batch(std::span<const std::unique_ptr<sdk::SpanData>> spans) {
    if (spans.empty())
        return sdk::ExportResult::success;
    return write_line(*m_sink, Signal::traces, encode_traces(m_resource, spans), m_failures.get());
}

bool OtlpJsonSpanExporter::force_flush() {
    return m_sink->flush().ok();
}

OtlpJsonMetricExporter::OtlpJsonMetricExporter(std::shared_ptr<SignalSink> sink, sdk::Resource resource,
                                               std::shared_ptr<FailureReporter> failures)
    : m_sink(std::move(sink)), m_resource(std::move(resource)), m_failures(std::move(failures)) {}

sdk::ExportResult OtlpJsonMetricExporter::export_metrics(std::span<const sdk::MetricData> metrics) {
    if (metrics.empty())
        return sdk::ExportResult::success;
    return write_line(*m_sink, Signal::metrics, encode_metrics(m_resource, metrics), m_failures.get());
}

bool OtlpJsonMetricExporter::force_flush() {
    return m_sink->flush().ok();
}

OtlpJsonLogExporter::OtlpJsonLogExporter(std::shared_ptr<SignalSink> sink, sdk::Resource resource,
                                         std::shared_ptr<FailureReporter> failures)
    : m_sink(std::move(sink)), m_resource(std::move(resource)), m_failures(std::move(failures)) {}

sdk::ExportResult OtlpJsonLogExporter::export_batch(std::span<const std::unique_ptr<sdk::LogRecordData>> records) {
    if (records.empty())
        return sdk::ExportResult::success;
    return write_line(*m_sink, Signal::logs, encode_logs(m_resource, records), m_failures.get());
}

bool OtlpJsonLogExporter::force_flush() {
    return m_sink->flush().ok();
}

}  // namespace sc::telemetry::exporters

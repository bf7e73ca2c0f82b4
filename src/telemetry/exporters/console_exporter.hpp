#pragma once
// Readable one-line-per-item text for people watching a command run (OTEL_*_EXPORTER=console).
// It writes to stderr by default, never stdout, which belongs to the command's output.

#include <functional>
#include <string>
#include <string_view>

#include "telemetry/sdk/log_data.hpp"
#include "telemetry/sdk/metric_data.hpp"
#include "telemetry/sdk/span_data.hpp"

namespace sc::telemetry::exporters {

/// Receives each formatted line (with its newline).
using TextWriter = std::function<void(std::string_view text)>;
/// Writes to stderr.
TextWriter stderr_writer();

std::string format_span(const sdk::SpanData& span);
std::string format_metric(const sdk::MetricData& metric);
std::string format_log(const sdk::LogRecordData& record);

class ConsoleSpanExporter final : public sdk::SpanExporter {
public:
    explicit ConsoleSpanExporter(TextWriter writer = stderr_writer()) : m_writer(std::move(writer)) {}
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::SpanData>> spans) override;

private:
    TextWriter m_writer;
};

class ConsoleMetricExporter final : public sdk::MetricExporter {
public:
    explicit ConsoleMetricExporter(TextWriter writer = stderr_writer()) : m_writer(std::move(writer)) {}
    sdk::ExportResult export_metrics(std::span<const sdk::MetricData> metrics) override;

private:
    TextWriter m_writer;
};

class ConsoleLogExporter final : public sdk::LogRecordExporter {
public:
    explicit ConsoleLogExporter(TextWriter writer = stderr_writer()) : m_writer(std::move(writer)) {}
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::LogRecordData>> records) override;

private:
    TextWriter m_writer;
};

}  // namespace sc::telemetry::exporters

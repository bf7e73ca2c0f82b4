#pragma once
// The exporters that write OTLP JSON lines (one request per export) to a SignalSink. A failing
// sink never fails the caller: failures are counted and the first one is reported through the
// failure reporter's handler (the CLI prints it once on stderr).

#include <atomic>
#include <functional>
#include <memory>

#include "telemetry/exporters/signal_sink.hpp"
#include "telemetry/sdk/log_data.hpp"
#include "telemetry/sdk/metric_data.hpp"
#include "telemetry/sdk/resource.hpp"
#include "telemetry/sdk/span_data.hpp"

namespace sc::telemetry::exporters {

/// Counts export failures of every exporter that shares it, and reports the first one.
class FailureReporter {
public:
    using Handler = std::function<void(const Error& error)>;
    explicit FailureReporter(Handler handler = {}) : m_handler(std::move(handler)) {}

    void report(Signal signal, const Error& error);
    [[nodiscard]] uint64_t failures() const { return m_failures.load(std::memory_order_relaxed); }

private:
    Handler m_handler;
    std::atomic<uint64_t> m_failures {0};
};

class OtlpJsonSpanExporter final : public sdk::SpanExporter {
public:
    OtlpJsonSpanExporter(std::shared_ptr<SignalSink> sink, sdk::Resource resource,
                         std::shared_ptr<FailureReporter> failures);
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::SpanData>> spans) override;
    bool force_flush() override;

private:
    std::shared_ptr<SignalSink> m_sink;
    sdk::Resource m_resource;
    std::shared_ptr<FailureReporter> m_failures;
};

class OtlpJsonMetricExporter final : public sdk::MetricExporter {
public:
    OtlpJsonMetricExporter(std::shared_ptr<SignalSink> sink, sdk::Resource resource,
                           std::shared_ptr<FailureReporter> failures);
    sdk::ExportResult export_metrics(std::span<const sdk::MetricData> metrics) override;
    bool force_flush() override;

private:
    std::shared_ptr<SignalSink> m_sink;
    sdk::Resource m_resource;
    std::shared_ptr<FailureReporter> m_failures;
};

class OtlpJsonLogExporter final : public sdk::LogRecordExporter {
public:
    OtlpJsonLogExporter(std::shared_ptr<SignalSink> sink, sdk::Resource resource,
                        std::shared_ptr<FailureReporter> failures);
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::LogRecordData>> records) override;
    bool force_flush() override;

private:
    std::shared_ptr<SignalSink> m_sink;
    sdk::Resource m_resource;
    std::shared_ptr<FailureReporter> m_failures;
};

}  // namespace sc::telemetry::exporters

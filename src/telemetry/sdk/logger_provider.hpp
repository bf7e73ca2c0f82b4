#pragma once
// The SDK logger provider: turns API log calls into records (with trace correlation and limits)
// and passes them to one exporter through a simple or batch processor. It also records
// exceptions as log records, as the semantic conventions ask.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>

#include "telemetry/api/logs.hpp"
#include "telemetry/sdk/batcher.hpp"
#include "telemetry/sdk/log_data.hpp"
#include "util/clock.hpp"

namespace sc::telemetry::sdk {

enum class LogProcessing { simple, batch };

struct LoggerProviderOptions {
    std::unique_ptr<LogRecordExporter> exporter;
    LogProcessing processing = LogProcessing::simple;
    BatchOptions batch;
    /// Records below this severity cost one comparison (telemetry.level).
    Severity minimum_severity = Severity::info;
    AttributeLimits limits;
    const Clock* clock = nullptr;
};

class LoggerProvider final : public LogBackend, public ExceptionSink {
public:
    explicit LoggerProvider(LoggerProviderOptions options);
    ~LoggerProvider() override;

    void emit(const InstrumentationScope& scope, Severity severity, std::string_view body, AttributeList attributes,
              const SpanContext& context, std::string_view event_name) override;
    void record_exception(const SpanContext& context, std::string_view type, std::string_view message,
                          std::string_view stacktrace) override;

    /// Installs this provider for the API's Loggers and for Span::record_exception.
    void install();
    void uninstall();
    bool force_flush(std::chrono::milliseconds timeout = std::chrono::milliseconds {30000});
    bool shutdown(std::chrono::milliseconds timeout = std::chrono::milliseconds {30000});
    [[nodiscard]] uint64_t dropped() const;

private:
    LoggerProviderOptions m_options;
    const Clock* m_clock;
    std::unique_ptr<Batcher<LogRecordData, LogRecordExporter>> m_batcher;  // batch processing
    std::mutex m_simple_mutex;                                             // simple processing
    std::atomic<bool> m_shut_down {false};
    std::atomic<uint64_t> m_dropped {0};
};

}  // namespace sc::telemetry::sdk

#pragma once
// The SDK tracer provider: creates spans (ids, sampling, limits), keeps them while they record
// and hands finished ones to the span processors.

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include "telemetry/api/trace.hpp"
#include "telemetry/sdk/sampler.hpp"
#include "telemetry/sdk/span_data.hpp"
#include "util/clock.hpp"

namespace sc::telemetry::sdk {

/// OTEL_SPAN_* limits.
struct SpanLimits {
    AttributeLimits attributes;
    uint32_t events = 128;
    uint32_t links = 128;
    AttributeLimits event_attributes;
    AttributeLimits link_attributes;
};

/// Where Span::record_exception goes. The semantic conventions now record exceptions as log
/// records; `logs_and_span_events` also adds the deprecated "exception" span event (the
/// OTEL_SEMCONV_EXCEPTION_SIGNAL_OPT_IN=logs/dup behaviour). When no logs pipeline is installed
/// the span event is added anyway, so the exception is not lost.
enum class ExceptionRecording { logs, logs_and_span_events };

struct TracerProviderOptions {
    /// Defaults to parentbased_always_on.
    std::unique_ptr<Sampler> sampler;
    std::vector<std::unique_ptr<SpanProcessor>> processors;
    SpanLimits limits;
    /// Defaults to the system clock; must outlive the provider.
    const Clock* clock = nullptr;
    /// The parent of spans started with no current span (TRACEPARENT of the caller).
    SpanContext ambient_parent;
    ExceptionRecording exceptions = ExceptionRecording::logs;
};

class TracerProvider final : public TracerBackend {
public:
    explicit TracerProvider(TracerProviderOptions options);
    ~TracerProvider() override;
    TracerProvider(const TracerProvider&) = delete;
    TracerProvider& operator=(const TracerProvider&) = delete;

    Span start_span(const InstrumentationScope& scope, std::string_view name, const SpanOptions& options) override;

    /// Makes this provider the one the API's Tracers use, until uninstall() or shutdown().
    void install();
    void uninstall();
    bool force_flush(std::chrono::milliseconds timeout = std::chrono::milliseconds {30000});
    /// Uninstalls, flushes and shuts the processors down. Idempotent.
    bool shutdown(std::chrono::milliseconds timeout = std::chrono::milliseconds {30000});
    /// Spans dropped by processors (full queues, ended after shutdown).
    [[nodiscard]] uint64_t dropped() const;
    [[nodiscard]] const Sampler& sampler() const { return *m_options.sampler; }

    // Used by the recording spans this provider creates.
    void finish(std::unique_ptr<SpanData> span);
    [[nodiscard]] int64_t now() const { return m_clock->now_unix_nanos(); }
    [[nodiscard]] const SpanLimits& limits() const { return m_options.limits; }
    [[nodiscard]] ExceptionRecording exception_recording() const { return m_options.exceptions; }

private:
    TracerProviderOptions m_options;
    const Clock* m_clock;
    std::atomic<bool> m_shut_down {false};
};

}  // namespace sc::telemetry::sdk

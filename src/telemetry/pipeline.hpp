#pragma once
// The telemetry pipeline of one process: builds the SDK providers and exporters from resolved
// settings, installs them behind the API, and flushes and removes them at the end.
//
// Disabled means free: with telemetry.enabled false (or OTEL_SDK_DISABLED=true) start() builds
// nothing at all: no sink is created (so no file is opened), no thread is started, no clock is
// read and no system call is made; every API call then costs one atomic load and a branch.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "telemetry/exporters/console_exporter.hpp"
#include "telemetry/exporters/memory_exporter.hpp"
#include "telemetry/exporters/otlp_exporters.hpp"
#include "telemetry/exporters/signal_sink.hpp"
#include "telemetry/sdk/logger_provider.hpp"
#include "telemetry/sdk/meter_provider.hpp"
#include "telemetry/sdk/resource.hpp"
#include "telemetry/sdk/settings.hpp"
#include "telemetry/sdk/tracer_provider.hpp"
#include "util/clock.hpp"
#include "util/environment.hpp"

namespace sc::telemetry {

/// A CLI command exports once, at exit, from its own thread; a server exports in the
/// background (batch processors, a periodic metric reader).
enum class ProcessKind { short_lived, long_running };

struct PipelineOptions {
    sdk::TelemetrySettings settings;
    ProcessKind process = ProcessKind::short_lived;
    std::string default_service_name = "scopecraft";
    std::string service_version;
    /// Read for TRACEPARENT/TRACESTATE; null means no caller context.
    const Environment* environment = nullptr;
    /// Creates the sink for the `store` exporter; called at most once, and only when telemetry is
    /// enabled and some signal uses the store.
    std::function<std::shared_ptr<exporters::SignalSink>()> make_sink;
    /// Where the console exporter writes; stderr by default.
    exporters::TextWriter console_writer;
    /// Told about the first export failure (the CLI prints it once on stderr).
    exporters::FailureReporter::Handler on_export_failure;
    /// Defaults to the system clock; must outlive the pipeline.
    const Clock* clock = nullptr;
    /// Tests: also export every signal to this store.
    std::shared_ptr<exporters::MemoryStore> memory;
};

class Pipeline {
public:
    /// Builds and installs the pipeline (or an inert one when disabled). Problems with the
    /// caller's context or resource attributes are added to `warnings`.
    static std::unique_ptr<Pipeline> start(PipelineOptions options, std::vector<Error>& warnings);
    ~Pipeline();
    Pipeline(const Pipeline&) = delete;
    Pipeline& operator=(const Pipeline&) = delete;

    [[nodiscard]] bool enabled() const { return m_enabled; }
    /// The caller's context from TRACEPARENT (invalid when none): the parent of our root spans.
    [[nodiscard]] const SpanContext& caller_context() const { return m_caller_context; }
    /// Exports everything recorded so far.
    void force_flush();
    /// Flushes, exports the final metrics and uninstalls; idempotent. Called by the destructor.
    void shutdown();

    /// Spans and log records dropped (full queues) and exports that failed, for `sc telemetry status`.
    [[nodiscard]] uint64_t dropped() const;
    [[nodiscard]] uint64_t export_failures() const;
    [[nodiscard]] const sdk::Resource& resource() const { return m_resource; }

private:
    Pipeline() = default;

    bool m_enabled = false;
    bool m_shut_down = false;
    SpanContext m_caller_context;
    sdk::Resource m_resource;
    std::shared_ptr<exporters::FailureReporter> m_failures;
    std::unique_ptr<sdk::TracerProvider> m_tracer;
    std::unique_ptr<sdk::MeterProvider> m_meter;
    std::unique_ptr<sdk::LoggerProvider> m_logger;
};

/// Builds the sampler the settings name.
std::unique_ptr<sdk::Sampler> make_sampler(const sdk::TelemetrySettings& settings);

}  // namespace sc::telemetry

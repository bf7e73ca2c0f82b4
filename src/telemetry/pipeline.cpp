#include "telemetry/pipeline.hpp"

#include "telemetry/sdk/propagation.hpp"
#include "telemetry/sdk/span_processors.hpp"

namespace sc::telemetry {
namespace {

// One log processor feeds every configured log exporter.
class FanoutLogExporter final : public sdk::LogRecordExporter {
public:
    explicit FanoutLogExporter(std::vector<std::unique_ptr<sdk::LogRecordExporter>> exporters)
        : m_exporters(std::move(exporters)) {}
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::LogRecordData>> records) override {
        sdk::ExportResult result = sdk::ExportResult::success;
        for (auto& exporter : m_exporters)
            if (exporter->export_batch(records) != sdk::ExportResult::success)
                result = sdk::ExportResult::failure;
        return result;
    }
    bool force_flush() override {
        bool flushed = true;
        for (auto& exporter : m_exporters)
            flushed = exporter->force_flush() && flushed;
        return flushed;
    }
    void shutdown() override {
        for (auto& exporter : m_exporters)
            exporter->shutdown();
    }

private:
    std::vector<std::unique_ptr<sdk::LogRecordExporter>> m_exporters;
};

bool uses(const std::vector<sdk::ExporterKind>& exporters, sdk::ExporterKind kind) {
    for (sdk::ExporterKind exporter : exporters)
        if (exporter == kind)
            return true;
    return false;
}

}  // namespace

std::unique_ptr<sdk::Sampler> make_sampler(const sdk::TelemetrySettings& settings) {
    switch (settings.sampler) {
        case sdk::SamplerKind::always_on:
            return sdk::make_always_on_sampler();
        case sdk::SamplerKind::always_off:
            return sdk::make_always_off_sampler();
        case sdk::SamplerKind::traceidratio:
            return sdk::make_trace_id_ratio_sampler(settings.sampler_ratio);
        case sdk::SamplerKind::parentbased_always_on:
            return sdk::make_parent_based_sampler(sdk::make_always_on_sampler());
        case sdk::SamplerKind::parentbased_always_off:
            return sdk::make_parent_based_sampler(sdk::make_always_off_sampler());
        case sdk::SamplerKind::parentbased_traceidratio:
            return sdk::make_parent_based_sampler(sdk::make_trace_id_ratio_sampler(settings.sampler_ratio));
    }
    return sdk::make_parent_based_sampler(sdk::make_always_on_sampler());
}

std::unique_ptr<Pipeline> Pipeline::start(PipelineOptions options, std::vector<Error>& warnings) {
    std::unique_ptr<Pipeline> pipeline(new Pipeline());
    const sdk::TelemetrySettings& settings = options.settings;
    if (!settings.enabled)
        return pipeline;  // nothing built: no file, no thread, no clock
    pipeline->m_enabled = true;

    if (options.environment != nullptr)
        pipeline->m_caller_context = sdk::context_from_environment(*options.environment, warnings);

    sdk::ResourceOptions resource_options;
    resource_options.service_name = settings.service_name;
    resource_options.default_service_name = options.default_service_name;
    resource_options.service_version = options.service_version;
    resource_options.attributes_text = settings.resource_attributes;
    resource_options.attributes_origin = settings.resource_attributes_origin;
    pipeline->m_resource = sdk::make_resource(resource_options, warnings);
    pipeline->m_failures = std::make_shared<exporters::FailureReporter>(options.on_export_failure);

    bool needs_store = uses(settings.traces_exporters, sdk::ExporterKind::store) ||
                       uses(settings.metrics_exporters, sdk::ExporterKind::store) ||
                       uses(settings.logs_exporters, sdk::ExporterKind::store);
    std::shared_ptr<exporters::SignalSink> sink;
    if (needs_store && options.make_sink)
        sink = options.make_sink();
    exporters::TextWriter console = options.console_writer ? options.console_writer : exporters::stderr_writer();
    const bool short_lived = options.process == ProcessKind::short_lived;

    // Traces: the store behind a batch processor (in the caller's thread for a CLI: one line at
    // exit), the console behind a simple one so spans show as they end.
    sdk::TracerProviderOptions tracer_options;
    tracer_options.sampler = make_sampler(settings);
    tracer_options.limits = settings.span_limits;
    tracer_options.clock = options.clock;
    tracer_options.ambient_parent = pipeline->m_caller_context;
    tracer_options.exceptions = settings.exceptions;
    sdk::BatchOptions span_batch = settings.span_batch;
    span_batch.threading = short_lived ? sdk::Threading::caller : sdk::Threading::background;
    if (sink && uses(settings.traces_exporters, sdk::ExporterKind::store))
        tracer_options.processors.push_back(std::make_unique<sdk::BatchSpanProcessor>(
            std::make_unique<exporters::OtlpJsonSpanExporter>(sink, pipeline->m_resource, pipeline->m_failures),
            span_batch));
    if (uses(settings.traces_exporters, sdk::ExporterKind::console))
        tracer_options.processors.push_back(
            std::make_unique<sdk::SimpleSpanProcessor>(std::make_unique<exporters::ConsoleSpanExporter>(console)));
    if (options.memory)
        tracer_options.processors.push_back(std::make_unique<sdk::SimpleSpanProcessor>(
            std::make_unique<exporters::MemorySpanExporter>(options.memory)));
    if (!tracer_options.processors.empty()) {
        pipeline->m_tracer = std::make_unique<sdk::TracerProvider>(std::move(tracer_options));
        pipeline->m_tracer->install();
    }

    // Metrics: collected at exit for a CLI, periodically for a server.
    sdk::MeterProviderOptions meter_options;
    meter_options.temporality = settings.temporality;
    meter_options.cardinality_limit = settings.cardinality_limit;
    meter_options.periodic = !short_lived;
    meter_options.interval = settings.metrics_interval;
    meter_options.clock = options.clock;
    if (sink && uses(settings.metrics_exporters, sdk::ExporterKind::store))
        meter_options.exporters.push_back(
            std::make_unique<exporters::OtlpJsonMetricExporter>(sink, pipeline->m_resource, pipeline->m_failures));
    if (uses(settings.metrics_exporters, sdk::ExporterKind::console))
        meter_options.exporters.push_back(std::make_unique<exporters::ConsoleMetricExporter>(console));
    if (options.memory)
        meter_options.exporters.push_back(std::make_unique<exporters::MemoryMetricExporter>(options.memory));
    if (!meter_options.exporters.empty()) {
        pipeline->m_meter = std::make_unique<sdk::MeterProvider>(std::move(meter_options));
        pipeline->m_meter->install();
    }

    // Logs.
    std::vector<std::unique_ptr<sdk::LogRecordExporter>> log_exporters;
    if (sink && uses(settings.logs_exporters, sdk::ExporterKind::store))
        log_exporters.push_back(
            std::make_unique<exporters::OtlpJsonLogExporter>(sink, pipeline->m_resource, pipeline->m_failures));
    if (uses(settings.logs_exporters, sdk::ExporterKind::console))
        log_exporters.push_back(std::make_unique<exporters::ConsoleLogExporter>(console));
    if (options.memory)
        log_exporters.push_back(std::make_unique<exporters::MemoryLogExporter>(options.memory));
    if (!log_exporters.empty()) {
        sdk::LoggerProviderOptions logger_options;
        logger_options.exporter = std::make_unique<FanoutLogExporter>(std::move(log_exporters));
        logger_options.processing = sdk::LogProcessing::batch;
        logger_options.batch = settings.log_batch;
        logger_options.batch.threading = short_lived ? sdk::Threading::caller : sdk::Threading::background;
        logger_options.minimum_severity = settings.level;
        logger_options.limits = settings.log_limits;
        logger_options.clock = options.clock;
        pipeline->m_logger = std::make_unique<sdk::LoggerProvider>(std::move(logger_options));
        pipeline->m_logger->install();
    }
    return pipeline;
}

Pipeline::~Pipeline() {
    shutdown();
}

void Pipeline::force_flush() {
    if (m_tracer)
        m_tracer->force_flush();
    if (m_logger)
        m_logger->force_flush();
    if (m_meter)
        m_meter->force_flush();
}

void Pipeline::shutdown() {
    if (m_shut_down)
        return;
    m_shut_down = true;
    // Spans first: ending them may still log; metrics last so they count everything.
    if (m_tracer)
        m_tracer->shutdown();
    if (m_logger)
        m_logger->shutdown();
    if (m_meter)
        m_meter->shutdown();
}

uint64_t Pipeline::dropped() const {
    return (m_tracer ? m_tracer->dropped() : 0) + (m_logger ? m_logger->dropped() : 0);
}

uint64_t Pipeline::export_failures() const {
    return m_failures ? m_failures->failures() : 0;
}

}  // namespace sc::telemetry

#include "telemetry/sdk/logger_provider.hpp"

#include <vector>

namespace sc::telemetry::sdk {
namespace {

const SystemClock k_system_clock;
constexpr InstrumentationScope k_exception_scope {"scopecraft", ""};

}  // namespace

std::string_view severity_text(Severity severity) {
    switch (severity) {
        case Severity::trace:
            return "TRACE";
        case Severity::debug:
            return "DEBUG";
        case Severity::info:
            return "INFO";
        case Severity::warn:
            return "WARN";
        case Severity::error:
            return "ERROR";
        case Severity::fatal:
            return "FATAL";
    }
    return "INFO";
}

LoggerProvider::LoggerProvider(LoggerProviderOptions options)
    : LogBackend(options.minimum_severity),
      m_options(std::move(options)),
      m_clock(m_options.clock != nullptr ? m_options.clock : &k_system_clock) {
    if (m_options.processing == LogProcessing::batch && m_options.exporter)
        m_batcher =
            std::make_unique<Batcher<LogRecordData, LogRecordExporter>>(std::move(m_options.exporter), m_options.batch);
}

LoggerProvider::~LoggerProvider() {
    shutdown();
}

void LoggerProvider::emit(const InstrumentationScope& scope, Severity severity, std::string_view body,
                          AttributeList attributes, const SpanContext& context, std::string_view event_name) {
    if (m_shut_down.load(std::memory_order_relaxed)) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    auto record = std::make_unique<LogRecordData>();
    record->scope = scope;
    record->time = m_clock->now_unix_nanos();
    record->observed_time = record->time;
    record->severity = severity;
    record->body = std::string(truncate_utf8(body, m_options.limits.value_length));
    record->event_name = std::string(event_name);
    record->attributes = copy_attributes(attributes, m_options.limits, record->dropped_attributes);
    if (context.is_valid()) {
        record->trace_id = context.trace_id;
        record->span_id = context.span_id;
        record->trace_flags = context.trace_flags;
    }
    if (m_batcher) {
        m_batcher->add(std::move(record));
        return;
    }
    std::lock_guard lock(m_simple_mutex);
    if (!m_options.exporter)
        return;
    std::span<const std::unique_ptr<LogRecordData>> batch(&record, 1);
    (void)m_options.exporter->export_batch(batch);
}

void LoggerProvider::record_exception(const SpanContext& context, std::string_view type, std::string_view message,
                                      std::string_view stacktrace) {
    std::vector<Attribute> attributes;
    if (!type.empty())
        attributes.push_back({"exception.type", type});
    if (!message.empty())
        attributes.push_back({"exception.message", message});
    if (!stacktrace.empty())
        attributes.push_back({"exception.stacktrace", stacktrace});
    emit(k_exception_scope, Severity::error, message, AttributeList {std::span<const Attribute>(attributes)}, context,
         "exception");
}

void LoggerProvider::install() {
    detail::g_log_backend.store(this, std::memory_order_release);
    detail::g_exception_sink.store(this, std::memory_order_release);
}

void LoggerProvider::uninstall() {
    LogBackend* expected_backend = this;
    detail::g_log_backend.compare_exchange_strong(expected_backend, nullptr, std::memory_order_acq_rel);
    ExceptionSink* expected_sink = this;
    detail::g_exception_sink.compare_exchange_strong(expected_sink, nullptr, std::memory_order_acq_rel);
}

bool LoggerProvider::force_flush(std::chrono::milliseconds timeout) {
    if (m_batcher)
        return m_batcher->force_flush(timeout);
    std::lock_guard lock(m_simple_mutex);
    return !m_options.exporter || m_options.exporter->force_flush();
}

bool LoggerProvider::shutdown(std::chrono::milliseconds timeout) {
    uninstall();
    if (m_shut_down.exchange(true))
        return true;
    if (m_batcher)
        return m_batcher->shutdown(timeout);
    std::lock_guard lock(m_simple_mutex);
    if (!m_options.exporter)
        return true;
    bool flushed = m_options.exporter->force_flush();
    m_options.exporter->shutdown();
    return flushed;
}

uint64_t LoggerProvider::dropped() const {
    return m_dropped.load(std::memory_order_relaxed) + (m_batcher ? m_batcher->dropped() : 0);
}

}  // namespace sc::telemetry::sdk

#include "telemetry/sdk/span_processors.hpp"

namespace sc::telemetry::sdk {

SimpleSpanProcessor::SimpleSpanProcessor(std::unique_ptr<SpanExporter> exporter) : m_exporter(std::move(exporter)) {}

SimpleSpanProcessor::~SimpleSpanProcessor() {
    shutdown(std::chrono::milliseconds {0});
}

void SimpleSpanProcessor::on_end(std::unique_ptr<SpanData> span) {
    std::lock_guard lock(m_mutex);
    if (m_shut_down) {
        m_dropped.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::span<const std::unique_ptr<SpanData>> batch(&span, 1);
    (void)m_exporter->export_batch(batch);
}

bool SimpleSpanProcessor::force_flush(std::chrono::milliseconds) {
    std::lock_guard lock(m_mutex);
    return m_shut_down || m_exporter->force_flush();
}

bool SimpleSpanProcessor::shutdown(std::chrono::milliseconds) {
    std::lock_guard lock(m_mutex);
    if (m_shut_down)
        return true;
    m_shut_down = true;
    bool flushed = m_exporter->force_flush();
    m_exporter->shutdown();
    return flushed;
}

BatchSpanProcessor::BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter, BatchOptions options)
    : m_batcher(std::move(exporter), options) {}

}  // namespace sc::telemetry::sdk

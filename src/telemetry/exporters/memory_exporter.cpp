#include "telemetry/exporters/memory_exporter.hpp"

namespace sc::telemetry::exporters {

std::vector<sdk::SpanData> MemoryStore::spans() const {
    std::lock_guard lock(m_mutex);
    return m_spans;
}

std::vector<sdk::MetricData> MemoryStore::metrics() const {
    std::lock_guard lock(m_mutex);
    return m_metrics;
}

std::vector<sdk::LogRecordData> MemoryStore::logs() const {
    std::lock_guard lock(m_mutex);
    return m_logs;
}

size_t MemoryStore::span_batches() const {
    std::lock_guard lock(m_mutex);
    return m_span_batches;
}

void MemoryStore::clear() {
    std::lock_guard lock(m_mutex);
    m_spans.clear();
    m_metrics.clear();
    m_logs.clear();
    m_span_batches = 0;
}

void MemoryStore::add_spans(std::span<const std::unique_ptr<sdk::SpanData>> spans) {
    std::lock_guard lock(m_mutex);
    ++m_span_batches;
    for (const auto& span : spans)
        m_spans.push_back(*span);
}

void MemoryStore::add_metrics(std::span<const sdk::MetricData> metrics) {
    std::lock_guard lock(m_mutex);
    m_metrics.insert(m_metrics.end(), metrics.begin(), metrics.end());
}

void MemoryStore::add_logs(std::span<const std::unique_ptr<sdk::LogRecordData>> records) {
    std::lock_guard lock(m_mutex);
    for (const auto& record : records)
        m_logs.push_back(*record);
}

}  // namespace sc::telemetry::exporters

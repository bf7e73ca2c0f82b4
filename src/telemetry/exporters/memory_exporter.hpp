#pragma once
// In-memory exporters for tests: everything exported is kept in a shared MemoryStore that the
// test still holds after the exporters have been handed to the pipeline.

#include <memory>
#include <mutex>
#include <vector>

#include "telemetry/sdk/log_data.hpp"
#include "telemetry/sdk/metric_data.hpp"
#include "telemetry/sdk/span_data.hpp"

namespace sc::telemetry::exporters {

class MemoryStore {
public:
    [[nodiscard]] std::vector<sdk::SpanData> spans() const;
    [[nodiscard]] std::vector<sdk::MetricData> metrics() const;
    [[nodiscard]] std::vector<sdk::LogRecordData> logs() const;
    /// How many export calls (batches) each signal received.
    [[nodiscard]] size_t span_batches() const;
    void clear();

    void add_spans(std::span<const std::unique_ptr<sdk::SpanData>> spans);
    void add_metrics(std::span<const sdk::MetricData> metrics);
    void add_logs(std::span<const std::unique_ptr<sdk::LogRecordData>> records);

private:
    mutable std::mutex m_mutex;
    std::vector<sdk::SpanData> m_spans;
    std::vector<sdk::MetricData> m_metrics;
    std::vector<sdk::LogRecordData> m_logs;
    size_t m_span_batches = 0;
};

class MemorySpanExporter final : public sdk::SpanExporter {
public:
    explicit MemorySpanExporter(std::shared_ptr<MemoryStore> store) : m_store(std::move(store)) {}
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::SpanData>> spans) override {
        m_store->add_spans(spans);
        return sdk::ExportResult::success;
    }

private:
    std::shared_ptr<MemoryStore> m_store;
};

class MemoryMetricExporter final : public sdk::MetricExporter {
public:
    explicit MemoryMetricExporter(std::shared_ptr<MemoryStore> store) : m_store(std::move(store)) {}
    sdk::ExportResult export_metrics(std::span<const sdk::MetricData> metrics) override {
        m_store->add_metrics(metrics);
        return sdk::ExportResult::success;
    }

private:
    std::shared_ptr<MemoryStore> m_store;
};

class MemoryLogExporter final : public sdk::LogRecordExporter {
public:
    explicit MemoryLogExporter(std::shared_ptr<MemoryStore> store) : m_store(std::move(store)) {}
    sdk::ExportResult export_batch(std::span<const std::unique_ptr<sdk::LogRecordData>> records) override {
        m_store->add_logs(records);
        return sdk::ExportResult::success;
    }

private:
    std::shared_ptr<MemoryStore> m_store;
};

}  // namespace sc::telemetry::exporters

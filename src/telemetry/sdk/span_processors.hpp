#pragma once
// The two span processors of the OTel SDK: simple (export each span as it ends, in the ending
// thread) and batch (see batcher.hpp).

#include <atomic>
#include <memory>
#include <mutex>

#include "telemetry/sdk/batcher.hpp"
#include "telemetry/sdk/span_data.hpp"

namespace sc::telemetry::sdk {

class SimpleSpanProcessor final : public SpanProcessor {
public:
    explicit SimpleSpanProcessor(std::unique_ptr<SpanExporter> exporter);
    ~SimpleSpanProcessor() override;
    void on_end(std::unique_ptr<SpanData> span) override;
    bool force_flush(std::chrono::milliseconds timeout) override;
    bool shutdown(std::chrono::milliseconds timeout) override;
    [[nodiscard]] uint64_t dropped() const override { return m_dropped.load(std::memory_order_relaxed); }

private:
    std::unique_ptr<SpanExporter> m_exporter;
    std::mutex m_mutex;  // exporters are not required to be thread-safe
    bool m_shut_down = false;
    std::atomic<uint64_t> m_dropped {0};
};

class BatchSpanProcessor final : public SpanProcessor {
public:
    BatchSpanProcessor(std::unique_ptr<SpanExporter> exporter, BatchOptions options);
    void on_end(std::unique_ptr<SpanData> span) override { m_batcher.add(std::move(span)); }
    bool force_flush(std::chrono::milliseconds timeout) override { return m_batcher.force_flush(timeout); }
    bool shutdown(std::chrono::milliseconds timeout) override { return m_batcher.shutdown(timeout); }
    [[nodiscard]] uint64_t dropped() const override { return m_batcher.dropped(); }

private:
    Batcher<SpanData, SpanExporter> m_batcher;
};

}  // namespace sc::telemetry::sdk

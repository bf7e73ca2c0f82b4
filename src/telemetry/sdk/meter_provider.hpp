#pragma once
// The SDK meter provider: instrument storage, asynchronous callbacks, collection and the
// metric reader (periodic in a background thread, or only on demand and at shutdown, which is
// what a short CLI process wants).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "telemetry/api/metrics.hpp"
#include "telemetry/sdk/instrument_storage.hpp"
#include "telemetry/sdk/metric_data.hpp"
#include "util/clock.hpp"

namespace sc::telemetry::sdk {

struct MeterProviderOptions {
    /// Delta suits short-lived processes (the store sums); cumulative suits scrapers.
    Temporality temporality = Temporality::delta;
    /// Streams per instrument, the overflow stream included (the spec's default, 2000).
    size_t cardinality_limit = 2000;
    std::vector<std::unique_ptr<MetricExporter>> exporters;
    /// Export every `interval` from a background thread (OTEL_METRIC_EXPORT_INTERVAL); when
    /// false, metrics are exported only by force_flush() and shutdown().
    bool periodic = false;
    std::chrono::milliseconds interval {60000};
    /// Defaults to the system clock; must outlive the provider.
    const Clock* clock = nullptr;
};

class MeterProvider final : public MeterBackend {
public:
    explicit MeterProvider(MeterProviderOptions options);
    ~MeterProvider() override;

    InstrumentHandle* bind(const InstrumentDescriptor& descriptor) override;
    void record(InstrumentHandle* instrument, int64_t value, AttributeList attributes) override;
    void record(InstrumentHandle* instrument, double value, AttributeList attributes) override;
    void observe(const InstrumentDescriptor& descriptor, ObserveCallback callback, void* state) override;

    void install();
    void uninstall();
    /// Runs the callbacks and gathers every instrument's points (on-demand collection).
    std::vector<MetricData> collect();
    /// Collects and exports now.
    bool force_flush();
    /// Stops the reader, exports a final collection and shuts the exporters down. Idempotent.
    bool shutdown();
    [[nodiscard]] uint64_t export_failures() const { return m_export_failures.load(std::memory_order_relaxed); }

private:
    struct Callback {
        InstrumentHandle* instrument;
        ObserveCallback function;
        void* state;
    };
    void run_reader();
    bool collect_and_export();

    MeterProviderOptions m_options;
    const Clock* m_clock;
    std::mutex m_instruments_mutex;
    std::vector<std::unique_ptr<InstrumentHandle>> m_instruments;
    std::vector<Callback> m_callbacks;
    std::mutex m_collect_mutex;  // one collection at a time
    std::mutex m_reader_mutex;
    std::condition_variable m_reader_wake;
    bool m_stopping = false;
    std::atomic<bool> m_shut_down {false};
    std::atomic<uint64_t> m_export_failures {0};
    std::thread m_reader;
};

}  // namespace sc::telemetry::sdk

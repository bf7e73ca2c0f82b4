#include "telemetry/sdk/meter_provider.hpp"

namespace sc::telemetry::sdk {
namespace {

const SystemClock k_system_clock;

// Hands observations of one asynchronous instrument to its storage.
class InstrumentObserver final : public Observer {
public:
    explicit InstrumentObserver(InstrumentHandle& instrument) : m_instrument(instrument) {}
    void observe(int64_t value, AttributeList attributes) override { m_instrument.observe(value, attributes); }
    void observe(double value, AttributeList attributes) override { m_instrument.observe(value, attributes); }

private:
    InstrumentHandle& m_instrument;
};

}  // namespace

MeterProvider::MeterProvider(MeterProviderOptions options)
    : m_options(std::move(options)), m_clock(m_options.clock != nullptr ? m_options.clock : &k_system_clock) {
    if (m_options.periodic && m_options.interval.count() > 0)
        m_reader = std::thread([this] { run_reader(); });
}

MeterProvider::~MeterProvider() {
    shutdown();
}

InstrumentHandle* MeterProvider::bind(const InstrumentDescriptor& descriptor) {
    if (descriptor.name.empty())
        return nullptr;
    std::lock_guard lock(m_instruments_mutex);
    for (auto& instrument : m_instruments)
        if (instrument->matches(descriptor))
            return instrument.get();
    m_instruments.push_back(
        std::make_unique<InstrumentHandle>(descriptor, m_options.cardinality_limit, m_clock->now_unix_nanos()));
    return m_instruments.back().get();
}

void MeterProvider::record(InstrumentHandle* instrument, int64_t value, AttributeList attributes) {
    instrument->record(value, attributes);
}

void MeterProvider::record(InstrumentHandle* instrument, double value, AttributeList attributes) {
    instrument->record(value, attributes);
}

void MeterProvider::observe(const InstrumentDescriptor& descriptor, ObserveCallback callback, void* state) {
    if (callback == nullptr)
        return;
    InstrumentHandle* instrument = bind(descriptor);
    if (instrument == nullptr)
        return;
    std::lock_guard lock(m_instruments_mutex);
    m_callbacks.push_back({instrument, callback, state});
}

void MeterProvider::install() {
    detail::g_meter_backend.store(this, std::memory_order_release);
}

void MeterProvider::uninstall() {
    MeterBackend* expected = this;
    detail::g_meter_backend.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
}

std::vector<MetricData> MeterProvider::collect() {
    std::vector<Callback> callbacks;
    std::vector<InstrumentHandle*> instruments;
    {
        std::lock_guard lock(m_instruments_mutex);
        callbacks = m_callbacks;
        for (auto& instrument : m_instruments)
            instruments.push_back(instrument.get());
    }
    for (const Callback& callback : callbacks) {
        InstrumentObserver observer(*callback.instrument);
        callback.function(observer, callback.state);
    }
    int64_t now = m_clock->now_unix_nanos();
    std::vector<MetricData> metrics;
    for (InstrumentHandle* instrument : instruments)
        instrument->collect(m_options.temporality, now, metrics);
    return metrics;
}

bool MeterProvider::collect_and_export() {
    std::lock_guard lock(m_collect_mutex);
    std::vector<MetricData> metrics = collect();
    if (metrics.empty())
        return true;
    bool ok = true;
    for (auto& exporter : m_options.exporters) {
        if (exporter->export_metrics(metrics) != ExportResult::success) {
            m_export_failures.fetch_add(1, std::memory_order_relaxed);
            ok = false;
        }
    }
    return ok;
}

bool MeterProvider::force_flush() {
    if (m_shut_down.load())
        return true;
    bool ok = collect_and_export();
    for (auto& exporter : m_options.exporters)
        ok = exporter->force_flush() && ok;
    return ok;
}

void MeterProvider::run_reader() {
    std::unique_lock lock(m_reader_mutex);
    while (!m_stopping) {
        if (m_reader_wake.wait_for(lock, m_options.interval, [&] { return m_stopping; }))
            break;
        lock.unlock();
        collect_and_export();
        lock.lock();
    }
}

bool MeterProvider::shutdown() {
    uninstall();
    if (m_shut_down.exchange(true))
        return true;
    {
        std::lock_guard lock(m_reader_mutex);
        m_stopping = true;
    }
    m_reader_wake.notify_all();
    if (m_reader.joinable())
        m_reader.join();
    bool ok = collect_and_export();
    for (auto& exporter : m_options.exporters) {
        ok = exporter->force_flush() && ok;
        exporter->shutdown();
    }
    return ok;
}

}  // namespace sc::telemetry::sdk

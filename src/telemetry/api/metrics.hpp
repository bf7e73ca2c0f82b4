#pragma once
// The metrics API. Instruments are declared once, usually as constant globals, and bind lazily
// to whichever SDK is installed when they are first used, so a declaration never dangles when
// a provider is replaced (tests) and costs nothing when telemetry is off.
//
//     const sc::telemetry::Counter<int64_t> k_tasks_created {
//         "scopecraft.tasks", "scopecraft.task.created", "{task}", "Tasks created"};
//     k_tasks_created.add(1, {{"scopecraft.task.type", "feature"}});

#include <atomic>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>

#include "telemetry/api/attributes.hpp"
#include "telemetry/api/build.hpp"

namespace sc::telemetry {

enum class InstrumentKind : uint8_t {
    counter,
    up_down_counter,
    histogram,
    observable_counter,
    observable_up_down_counter,
    observable_gauge,
};

/// Everything the SDK needs to know about an instrument. Strings have static storage.
struct InstrumentDescriptor {
    std::string_view scope;
    std::string_view name;
    std::string_view unit;
    std::string_view description;
    InstrumentKind kind = InstrumentKind::counter;
    bool is_integer = true;
    /// Explicit histogram bucket boundaries (advisory); empty means the SDK's default, which
    /// is chosen for durations in seconds.
    std::span<const double> boundaries;
};

/// The SDK's opaque per-instrument storage.
class InstrumentHandle;

/// Receives measurements of asynchronous instruments during a collection.
class Observer {
public:
    virtual void observe(int64_t value, AttributeList attributes = {}) = 0;
    virtual void observe(double value, AttributeList attributes = {}) = 0;

protected:
    ~Observer() = default;
};
using ObserveCallback = void (*)(Observer& observer, void* state);

namespace detail {
inline std::atomic<uint64_t> g_meter_generations {0};
}

/// The SDK's meter provider, installed once per process by the telemetry pipeline.
class MeterBackend {
public:
    MeterBackend() : m_generation(detail::g_meter_generations.fetch_add(1) + 1) {}
    virtual ~MeterBackend() = default;
    MeterBackend(const MeterBackend&) = delete;
    MeterBackend& operator=(const MeterBackend&) = delete;

    /// Finds or creates the storage of an instrument; nullptr when the SDK rejects it.
    virtual InstrumentHandle* bind(const InstrumentDescriptor& descriptor) = 0;
    virtual void record(InstrumentHandle* instrument, int64_t value, AttributeList attributes) = 0;
    virtual void record(InstrumentHandle* instrument, double value, AttributeList attributes) = 0;
    /// Registers an asynchronous instrument; its callback runs at every collection until the
    /// provider shuts down.
    virtual void observe(const InstrumentDescriptor& descriptor, ObserveCallback callback, void* state) = 0;

    /// Distinguishes providers over the life of the process; instruments cache per generation.
    [[nodiscard]] uint64_t generation() const { return m_generation; }

private:
    const uint64_t m_generation;
};

namespace detail {
inline std::atomic<MeterBackend*> g_meter_backend {nullptr};

/// An instrument declaration with a cache of its binding to the installed provider.
class BoundInstrument {
public:
    constexpr explicit BoundInstrument(InstrumentDescriptor descriptor) : m_descriptor(descriptor) {}
    BoundInstrument(const BoundInstrument&) = delete;
    BoundInstrument& operator=(const BoundInstrument&) = delete;
    [[nodiscard]] const InstrumentDescriptor& descriptor() const { return m_descriptor; }

protected:
    template <class T>
    void record(T value, AttributeList attributes) const {
#if SC_TELEMETRY_COMPILED
        MeterBackend* backend = g_meter_backend.load(std::memory_order_acquire);
        if (backend == nullptr)
            return;
        InstrumentHandle* handle = resolve(*backend);
        if (handle != nullptr)
            backend->record(handle, value, attributes);
#else
        (void)value, (void)attributes;
#endif
    }

private:
    InstrumentHandle* resolve(MeterBackend& backend) const {
        // Binding is idempotent, so racing threads store the same handle; the generation is
        // published after the handle it belongs to.
        if (m_generation.load(std::memory_order_acquire) == backend.generation())
            return m_handle.load(std::memory_order_relaxed);
        InstrumentHandle* handle = backend.bind(m_descriptor);
        m_handle.store(handle, std::memory_order_relaxed);
        m_generation.store(backend.generation(), std::memory_order_release);
        return handle;
    }

    InstrumentDescriptor m_descriptor;
    mutable std::atomic<uint64_t> m_generation {0};
    mutable std::atomic<InstrumentHandle*> m_handle {nullptr};
};

template <class T>
constexpr bool k_is_measurement = std::is_same_v<T, int64_t> || std::is_same_v<T, double>;
}  // namespace detail

/// A monotonic sum (requests served, tasks created). Negative increments are ignored by the SDK.
template <class T>
class Counter : public detail::BoundInstrument {
    static_assert(detail::k_is_measurement<T>, "measurements are int64_t or double");

public:
    constexpr Counter(std::string_view scope, std::string_view name, std::string_view unit = {},
                      std::string_view description = {})
        : BoundInstrument({scope, name, unit, description, InstrumentKind::counter, std::is_integral_v<T>, {}}) {}
    void add(T value, AttributeList attributes = {}) const { record(value, attributes); }
};

/// A sum that goes up and down (active sessions, queue length).
template <class T>
class UpDownCounter : public detail::BoundInstrument {
    static_assert(detail::k_is_measurement<T>, "measurements are int64_t or double");

public:
    constexpr UpDownCounter(std::string_view scope, std::string_view name, std::string_view unit = {},
                            std::string_view description = {})
        : BoundInstrument(
              {scope, name, unit, description, InstrumentKind::up_down_counter, std::is_integral_v<T>, {}}) {}
    void add(T value, AttributeList attributes = {}) const { record(value, attributes); }
};

/// A distribution with explicit buckets. Durations are recorded in seconds (unit "s").
template <class T>
class Histogram : public detail::BoundInstrument {
    static_assert(detail::k_is_measurement<T>, "measurements are int64_t or double");

public:
    constexpr Histogram(std::string_view scope, std::string_view name, std::string_view unit = {},
                        std::string_view description = {}, std::span<const double> boundaries = {})
        : BoundInstrument(
              {scope, name, unit, description, InstrumentKind::histogram, std::is_integral_v<T>, boundaries}) {}
    void record(T value, AttributeList attributes = {}) const { BoundInstrument::record(value, attributes); }
};

/// Registers an asynchronous instrument (observable counter, up-down counter or gauge) with the
/// installed provider; does nothing when none is installed. Call it after the pipeline starts.
inline void observe(const InstrumentDescriptor& descriptor, ObserveCallback callback, void* state = nullptr) {
#if SC_TELEMETRY_COMPILED
    if (MeterBackend* backend = detail::g_meter_backend.load(std::memory_order_acquire))
        backend->observe(descriptor, callback, state);
#else
    (void)descriptor, (void)callback, (void)state;
#endif
}

}  // namespace sc::telemetry

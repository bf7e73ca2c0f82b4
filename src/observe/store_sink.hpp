#pragma once
// The telemetry store as the destination of one process's telemetry: domain events and OTLP
// signal lines both go through one lazily opened store::Store. Nothing is opened until the
// first record, so a command that records nothing touches no telemetry file.

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "telemetry/exporters/signal_sink.hpp"
#include "util/result.hpp"

namespace sc::observe {

class LazyStore {
public:
    LazyStore(std::string root, store::StoreOptions options) : m_root(std::move(root)), m_options(options) {}

    /// The open store, opening it on first use. A failure to open is remembered: later calls
    /// return the same error without trying again (one message, not one per record).
    Result<store::Store*> get();
    [[nodiscard]] const std::string& root() const { return m_root; }
    [[nodiscard]] bool opened() const { return m_store.has_value(); }

private:
    std::string m_root;
    store::StoreOptions m_options;
    std::optional<store::Store> m_store;
    std::optional<Error> m_failure;
    std::mutex m_mutex;
};

/// Adapts the store to the telemetry exporters' SignalSink.
///
/// A short-lived process defers: its traces, metrics and logs are exported one after the
/// other at exit, and write_deferred() then stores them all in one append (one lock session
/// and one head update instead of one per signal).
class StoreSignalSink final : public telemetry::exporters::SignalSink {
public:
    explicit StoreSignalSink(std::shared_ptr<LazyStore> store, bool defer = false)
        : m_store(std::move(store)), m_defer(defer) {}
    Status append(telemetry::exporters::Signal signal, std::string_view line) override;
    Status flush() override;
    /// Stores the deferred lines (nothing to do when there are none).
    Status write_deferred();

private:
    std::shared_ptr<LazyStore> m_store;
    bool m_defer = false;
    std::mutex m_mutex;
    std::vector<store::SignalLine> m_deferred;
};

}  // namespace sc::observe

#pragma once
// The telemetry store as the destination of one process's telemetry: domain events and OTLP
// signal lines both go through one lazily opened store::Store. Nothing is opened until the
// first record, so a command that records nothing touches no telemetry file.

#include <memory>
#include <mutex>
#include <optional>
#include <string>

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
class StoreSignalSink final : public telemetry::exporters::SignalSink {
public:
    explicit StoreSignalSink(std::shared_ptr<LazyStore> store) : m_store(std::move(store)) {}
    Status append(telemetry::exporters::Signal signal, std::string_view line) override;
    Status flush() override;

private:
    std::shared_ptr<LazyStore> m_store;
};

}  // namespace sc::observe

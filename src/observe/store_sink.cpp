#include "observe/store_sink.hpp"

namespace sc::observe {

Result<store::Store*> LazyStore::get() {
    std::lock_guard lock(m_mutex);
    if (m_store)
        return &*m_store;
    if (m_failure)
        return *m_failure;
    Result<store::Store> opened = store::Store::open(m_root, m_options);
    if (!opened.ok()) {
        m_failure = opened.error();
        return opened.error();
    }
    m_store.emplace(std::move(opened.value()));
    return &*m_store;
}

namespace {

store::Signal store_signal(telemetry::exporters::Signal signal) {
    switch (signal) {
        case telemetry::exporters::Signal::traces:
            return store::Signal::traces;
        case telemetry::exporters::Signal::metrics:
            return store::Signal::metrics;
        case telemetry::exporters::Signal::logs:
            return store::Signal::logs;
    }
    return store::Signal::logs;
}

}  // namespace

Status StoreSignalSink::append(telemetry::exporters::Signal signal, std::string_view line) {
    if (m_defer) {
        std::lock_guard lock(m_mutex);
        m_deferred.push_back(store::SignalLine {store_signal(signal), std::string(line)});
        return {};
    }
    store::Store* store = SC_TRY(m_store->get());
    return store->append_signals(store_signal(signal), {std::string(line)});
}

Status StoreSignalSink::flush() {
    if (!m_store->opened())
        return {};
    store::Store* store = SC_TRY(m_store->get());
    return store->flush();
}

Status StoreSignalSink::write_deferred() {
    std::vector<store::SignalLine> lines;
    {
        std::lock_guard lock(m_mutex);
        lines.swap(m_deferred);
    }
    if (lines.empty())
        return {};
    store::Store* store = SC_TRY(m_store->get());
    return store->append_signals(lines);
}

}  // namespace sc::observe

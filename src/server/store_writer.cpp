#include "server/store_writer.hpp"

namespace sc::server {

StoreWriter::StoreWriter(std::string root, store::StoreOptions options) : m_store(std::move(root), options) {}

Status StoreWriter::open() {
    std::lock_guard lock(m_mutex);
    Result<store::Store*> store = m_store.get();
    if (!store.ok())
        return store.error();
    return {};
}

Status StoreWriter::append(const std::vector<store::SignalLine>& lines) {
    if (lines.empty())
        return {};
    std::lock_guard lock(m_mutex);
    store::Store* store = SC_TRY(m_store.get());
    return store->append_signals(lines);
}

Status StoreWriter::append(telemetry::exporters::Signal signal, std::string_view line) {
    store::Signal stored = signal == telemetry::exporters::Signal::traces    ? store::Signal::traces
                           : signal == telemetry::exporters::Signal::metrics ? store::Signal::metrics
                                                                             : store::Signal::logs;
    return append(std::vector<store::SignalLine> {{stored, std::string(line)}});
}

Status StoreWriter::flush() {
    std::lock_guard lock(m_mutex);
    if (!m_store.opened())
        return {};
    store::Store* store = SC_TRY(m_store.get());
    return store->flush();
}

}  // namespace sc::server

#pragma once
// The server's one door to the telemetry store. A store::Store is used by one thread at a
// time, while the server appends from every request thread (the OTLP receiver) and from the
// telemetry pipeline's background exporters: this serialises them on one open Store. Appends
// go through the store's normal path (flock, head, one write per batch), so the CLI and other
// processes may write the same store at the same time.

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "observe/store_sink.hpp"
#include "store/store.hpp"
#include "telemetry/exporters/signal_sink.hpp"

namespace sc::server {

class StoreWriter final : public telemetry::exporters::SignalSink {
public:
    StoreWriter(std::string root, store::StoreOptions options);

    /// Opens the store now (creating its folder), so a server that cannot write says so at
    /// start rather than at its first request.
    Status open();
    /// Appends lines of one or more signals as one batch: all are stored or none (a full disk
    /// leaves no torn line; the store cuts the segment back).
    Status append(const std::vector<store::SignalLine>& lines);
    /// SignalSink: the pipeline's exporters write here.
    Status append(telemetry::exporters::Signal signal, std::string_view line) override;
    Status flush() override;

    [[nodiscard]] const std::string& root() const { return m_store.root(); }

private:
    observe::LazyStore m_store;
    std::mutex m_mutex;
};

}  // namespace sc::server

#pragma once
// Where OTLP JSON lines go. The exporters know nothing of the telemetry store: they hand each
// line to a SignalSink, and src/observe adapts the store to it. FileSignalSink writes one
// JSON Lines file per signal into a folder, for tests and simple uses.

#include <mutex>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace sc::telemetry::exporters {

enum class Signal { traces, metrics, logs };

/// "traces", "metrics" or "logs": the store's folder names.
std::string_view to_string(Signal signal);

class SignalSink {
public:
    virtual ~SignalSink() = default;
    /// Appends one complete line (without its newline). Must be safe to call from several
    /// threads; a failure is returned, never thrown.
    virtual Status append(Signal signal, std::string_view line) = 0;
    virtual Status flush() { return {}; }
};

/// `<folder>/traces.jsonl`, `metrics.jsonl`, `logs.jsonl`, created 0600 on the first line (so
/// nothing is opened until something is written), each line written with one O_APPEND write.
class FileSignalSink final : public SignalSink {
public:
    explicit FileSignalSink(std::string folder);
    ~FileSignalSink() override;
    FileSignalSink(const FileSignalSink&) = delete;
    FileSignalSink& operator=(const FileSignalSink&) = delete;

    Status append(Signal signal, std::string_view line) override;
    [[nodiscard]] std::string path(Signal signal) const;

private:
    std::string m_folder;
    std::mutex m_mutex;
    int m_fds[3] = {-1, -1, -1};
};

}  // namespace sc::telemetry::exporters

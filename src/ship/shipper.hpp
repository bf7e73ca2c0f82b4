#pragma once
// Store and forward: sends what is new in the store to an OTLP/HTTP backend, one batch at a
// time per signal, and moves each signal's cursor (cursors/<name>.<signal>.json) only after the
// backend acknowledged the batch. A shipper killed at any moment resends at most the batch it
// was sending when it died (the at-least-once window, docs/export.md).

#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ship/http_client.hpp"
#include "ship/retry_policy.hpp"
#include "store/layout.hpp"
#include "telemetry/sdk/export_settings.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace sc::ship {

struct ShipOptions {
    std::string store_root;
    std::string cursor_name = "otlp";
    std::array<telemetry::sdk::OtlpTarget, 3> targets;  // by OtlpSignal
    bool follow = false;
    size_t max_batch_lines = 512;
    size_t max_batch_bytes = 4U << 20U;
    Backoff backoff;
    /// Without --follow: how long one batch may keep failing with retryable answers before the
    /// run ends (exit 6; nothing is lost, the cursor stays before the batch).
    std::chrono::milliseconds give_up_after {60000};
    /// With --follow: how long to wait for a change before looking again anyway.
    std::chrono::milliseconds poll_interval {1000};
    std::vector<store::Signal> signals {store::Signal::events, store::Signal::traces, store::Signal::metrics,
                                        store::Signal::logs};
};

/// Sleeps between retries; false when woken early because the shipper should stop.
class Sleeper {
public:
    virtual ~Sleeper() = default;
    virtual bool sleep(std::chrono::milliseconds duration) = 0;
};

struct ShipSeams {
    HttpClient* client = nullptr;
    const Clock* clock = nullptr;
    Sleeper* sleeper = nullptr;
    std::function<double()> random01;             // jitter, [0, 1)
    std::function<void(const std::string&)> log;  // one line for stderr
    const std::atomic<bool>* stop = nullptr;      // set by SIGINT/SIGTERM
};

struct SignalReport {
    uint64_t lines = 0;     // lines acknowledged by the backend
    uint64_t batches = 0;   // batches acknowledged
    uint64_t requests = 0;  // POSTs made, retries included
    uint64_t bytes = 0;     // request bytes sent, as on the wire
    uint64_t retries = 0;
    uint64_t rejected_batches = 0;  // refused with 400/413/422: recorded, not resent
    uint64_t rejected_lines = 0;
    uint64_t partial_rejected = 0;  // items a partial success said were rejected
    uint64_t unreadable_lines = 0;  // not OTLP JSON requests: skipped, counted
};

struct ShipReport {
    std::array<SignalReport, 4> by_signal;  // by store::Signal
    std::string problems_file;              // where rejections and partial successes are recorded
    /// Set when shipping stopped before the end: a setting is wrong or the backend stayed
    /// unreachable. The cursors are before the batch that failed.
    std::optional<Error> failure;

    [[nodiscard]] std::string to_json() const;
    [[nodiscard]] std::string to_text() const;
};

/// Ships until everything present is acknowledged (or, with follow, until *stop is set).
Result<ShipReport> ship(const ShipOptions& options, const ShipSeams& seams);

/// "otlp.traces": the cursor of one signal.
std::string cursor_name(const std::string& name, store::Signal signal);

}  // namespace sc::ship

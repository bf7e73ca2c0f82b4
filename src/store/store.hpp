#pragma once
// The writing side of the store: append domain events and signal lines safely from many
// processes at once (docs/store.md, "Concurrency"). Opening is cheap, a few system calls and
// no directory scan, because a short CLI process opens the store, appends a handful of events
// and exits.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "store/envelope.hpp"
#include "store/layout.hpp"
#include "util/clock.hpp"
#include "util/result.hpp"

namespace sc::store {

/// How hard an append tries to reach the disk before it returns.
enum class Durability {
    none,    // the page cache: survives a killed process, not a power cut (default)
    batch,   // fdatasync at flush() and when the Store closes
    always,  // fdatasync before every append returns
};
std::string_view durability_name(Durability durability);
bool parse_durability(std::string_view name, Durability& durability);

struct StoreOptions {
    Durability durability = Durability::none;
    /// A segment rolls to the next number once it holds this many bytes (and every UTC day).
    uint64_t max_segment_bytes = 64ULL << 20;
    /// The index log is compacted into the per-stream files once it holds this many bytes
    /// (about 120 bytes per event). Larger: fewer compactions; a stream read costs the same.
    uint64_t index_log_bytes = 4ULL << 20;
    /// Create the store folder (0700) when it is missing; otherwise opening fails.
    bool create = true;
    /// Time source for event times and day folders; nullptr: the system clock.
    const Clock* clock = nullptr;
};

/// What an append did with one event.
struct AppendedEvent {
    std::string id;
    uint64_t seq = 0;
    uint64_t version = 0;
    int64_t time_unix_nanos = 0;
    bool duplicate = false;  // the id was already stored; nothing was written
};

/// One line of a batch that mixes signals.
struct SignalLine {
    Signal signal = Signal::traces;
    std::string line;
};

/// Counters a long-lived process can report (the telemetry layer turns them into metrics).
struct StoreCounters {
    uint64_t events_appended = 0;
    uint64_t signal_lines_appended = 0;
    uint64_t duplicates_skipped = 0;
    uint64_t tails_recovered = 0;  // appends that found and repaired another writer's crash
    uint64_t index_rebuilds = 0;
};

class Store {
public:
    static Result<Store> open(const std::string& root, StoreOptions options = {});
    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    ~Store();  // flushes under Durability::batch; errors there are lost, call flush() to see them

    /// Appends events as one atomic batch: all are stored or none. Each event gets the next
    /// seq of the store and the next version of its stream. ErrorCode::conflict when an
    /// expected version does not match; ErrorCode::io when the disk refuses (nothing is left
    /// half-written: the segment is cut back to its previous size).
    Result<std::vector<AppendedEvent>> append(std::vector<NewEvent> events);
    Result<AppendedEvent> append(NewEvent event);

    /// Appends signal lines (each one OTLP JSON request, no newline inside) as one batch.
    Status append_signals(Signal signal, const std::vector<std::string>& lines);
    /// Appends lines of several signals under one lock session (one head read, one head
    /// write): a CLI command's traces, metrics and logs at exit. All are stored or none.
    Status append_signals(const std::vector<SignalLine>& lines);

    /// fdatasync of everything written since the last flush (Durability::batch).
    Status flush();

    /// Rebuilds index/ (head and stream indexes) from the segments, under the store lock.
    Status rebuild_index();

    [[nodiscard]] const Layout& layout() const;
    [[nodiscard]] const StoreCounters& counters() const;

    struct Impl;

private:
    explicit Store(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace sc::store

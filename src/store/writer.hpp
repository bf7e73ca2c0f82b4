#pragma once
// Internal to the store library: the state a Store keeps between appends (cached descriptors,
// stream heads) and the steps every append takes under the store lock. store.cpp holds the
// append paths; recovery.cpp the repair of a crashed writer's leftovers and the index rebuild.

#include <array>
#include <string>
#include <unordered_map>

#include "store/event_parser.hpp"
#include "store/head.hpp"
#include "store/store.hpp"
#include "store/stream_index.hpp"

namespace sc::store {

/// Ids already stored in a stream (fingerprint -> where), loaded only when an append carries a
/// caller-chosen id: generated UUIDv7 ids cannot repeat.
struct StoredIds {
    uint64_t version = 0;                                                     // the stream's head version when loaded
    std::unordered_map<uint64_t, std::pair<uint64_t, StreamRecord>> by_hash;  // -> version, record
};

struct Store::Impl {
    Layout layout;
    StoreOptions options;
    SystemClock system_clock;
    const Clock* clock = nullptr;
    int64_t pid = 0;

    int lock_fd = -1;
    int head_fd = -1;
    std::array<int, 4> segment_fds {-1, -1, -1, -1};
    std::array<SegmentId, 4> segment_ids {};
    std::array<bool, 4> unsynced {};
    HeadState head;  // meaningful only while the lock is held
    // The event index (stream_index.hpp) of generation index_generation: the heads table mapped,
    // and the log open. Checked against the head at every lock session.
    HeadsTable heads;
    int log_fd = -1;
    uint64_t index_generation = 0;
    bool map_heads = false;      // map the table (a busy writer) or read slots with pread
    uint64_t event_appends = 0;  // appends of events by this Store: after a few, it maps
    std::unordered_map<std::string, StoredIds> stored_ids;
    StoreCounters counters;
    EventParser parser;
    std::string buffer;      // reused line buffer of the append path
    std::string log_buffer;  // and its index log records

    explicit Impl(std::string root) : layout(std::move(root)) {}
    ~Impl();
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;

    // --- under the lock (store.cpp) ---
    Status lock();
    void unlock();
    /// Reads the head and makes the active segment of `signal` consistent with it (recovering
    /// a crashed writer's tail), then rolls to a new segment when the day or size says so.
    Status prepare(Signal signal, int64_t now, size_t batch_bytes);
    /// The first half of prepare: reads the head (rebuilding index/ when it is unusable).
    Status read_head_state();
    /// The second half: the signal's active segment, consistent and open, rolled if due.
    Status prepare_segment(Signal signal, int64_t now, size_t batch_bytes);
    /// Checks and writes lines of several signals (by signal) under the lock held.
    Status append_signal_lines(const std::array<std::vector<std::string_view>, 4>& lines);
    /// Maps the heads table and opens the log the head names (rebuilding index/ when they are
    /// missing, damaged or of an older format).
    Status open_index();
    void close_index();
    /// Makes room in the heads table for `streams` more streams (or doubles it: `force`).
    Status reserve_heads(uint64_t streams, bool force = false);
    [[nodiscard]] std::string heads_path(uint64_t capacity) const;
    /// Moves the log's records into the stream files and starts the next generation's log.
    Status compact();
    Result<const StoredIds*> load_ids(const std::string& name, uint64_t version);
    [[nodiscard]] std::string log_path(uint64_t generation) const;
    void close_segment(Signal signal);

    // --- recovery.cpp ---
    Result<int> open_segment(Signal signal, const ActiveSegment& active, bool create, uint64_t& size);
    /// Compares the active segment's size with the head; recovers or rebuilds as needed.
    Status validate_active(Signal signal, bool create);
    /// Lines in [from, size) of the active segment were written but not recorded in the head.
    Status recover_tail(Signal signal, int fd, uint64_t from, uint64_t size);
    /// Moves a torn tail aside into quarantine/ and cuts the segment back to `keep` bytes.
    Status quarantine_tail(Signal signal, const std::string& path, int fd, uint64_t keep, std::string_view torn);
    /// Rebuilds index/ from the segments; an error says it was the index that failed.
    Status rebuild();
    Status rebuild_index_files();
    Status open_head();
    Status save_head();
};

}  // namespace sc::store

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

/// A stream's index file as this process last saw it.
struct StreamState {
    int fd = -1;
    uint64_t records = 0;  // = the stream's head version, refreshed under the lock
    // Fingerprints of ids already in the stream (hash -> version), loaded only when an
    // append carries a caller-chosen id: generated UUIDv7 ids cannot repeat.
    std::unordered_map<uint64_t, uint64_t> id_versions;
    uint64_t ids_loaded = 0;  // records whose ids are in id_versions
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
    std::unordered_map<std::string, StreamState> streams;
    HeadState head;  // meaningful only while the lock is held
    StoreCounters counters;
    EventParser parser;
    std::string buffer;  // reused line buffer of the append path

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
    /// The stream's index file, its record count refreshed (and a torn record cut off).
    Result<StreamState*> stream(const std::string& name);
    Status load_ids(StreamState& state, const std::string& name);
    Status write_all(int fd, std::string_view bytes, const std::string& path);
    void close_segment(Signal signal);
    void close_streams();

    // --- recovery.cpp ---
    Result<int> open_segment(Signal signal, const ActiveSegment& active, bool create, uint64_t& size);
    /// Compares the active segment's size with the head; recovers or rebuilds as needed.
    Status validate_active(Signal signal, bool create);
    /// Lines in [from, size) of the active segment were written but not recorded in the head.
    Status recover_tail(Signal signal, int fd, uint64_t from, uint64_t size);
    /// Moves a torn tail aside into quarantine/ and cuts the segment back to `keep` bytes.
    Status quarantine_tail(Signal signal, const std::string& path, int fd, uint64_t keep, std::string_view torn);
    Status rebuild();
    Status open_head();
    Status save_head();
};

}  // namespace sc::store

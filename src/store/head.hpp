#pragma once
// The head file (index/head): the last assigned seq, the latest event time, and for each
// signal the segment being written and its size after the last acknowledged append. Writers
// read it under the store lock instead of reading the tail of a segment (limits.md: reading
// the tail costs 2.5x). A segment larger than the head says is the trace of a writer that
// died between writing and updating the head; the next writer recovers from that offset.
//
// It is a fixed-size text block rewritten in place with one pwrite, with a checksum so a torn
// or hand-edited head is detected and rebuilt from the segments. Format 2 added the index
// line; a head of format 1 does not decode, so its index is rebuilt.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/layout.hpp"
#include "util/result.hpp"

namespace sc::store {

/// The segment a signal appends to. number 0: none yet.
struct ActiveSegment {
    Day day = 0;
    uint32_t number = 0;
    uint64_t size = 0;
    [[nodiscard]] SegmentId id(Signal signal) const { return SegmentId {signal, day, number}; }
    bool operator==(const ActiveSegment&) const = default;
};

struct HeadState {
    uint64_t seq = 0;
    int64_t last_time_unix_nanos = 0;
    std::array<ActiveSegment, 4> active {};
    // The derived event index (stream_index.hpp): its generation (changes at every compaction
    // and rebuild, and names the log file index/log-<generation>), the acknowledged bytes of
    // that log, and the slot count and used slots of index/heads-<capacity>. generation 0:
    // no index yet.
    uint64_t index_generation = 0;
    uint64_t index_log_bytes = 0;
    uint64_t heads_capacity = 0;
    uint64_t heads_count = 0;  // streams in the table
    ActiveSegment& of(Signal signal) { return active[static_cast<size_t>(signal)]; }
    [[nodiscard]] const ActiveSegment& of(Signal signal) const { return active[static_cast<size_t>(signal)]; }
    bool operator==(const HeadState&) const = default;
};

inline constexpr size_t k_head_bytes = 512;

/// Exactly k_head_bytes of text.
std::string encode_head(const HeadState& head);
/// False when the text is not a complete head with a matching checksum.
bool decode_head(std::string_view text, HeadState& head);

/// Reads the head through an open descriptor. not_found when the file is empty or damaged.
Result<HeadState> read_head(int fd, const std::string& path);
Status write_head(int fd, const std::string& path, const HeadState& head);

}  // namespace sc::store

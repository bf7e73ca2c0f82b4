#pragma once
// The derived event index (docs/store.md, "The index"), format 2. Three parts:
//
// - index/log-<generation>: one text record per appended event (where its line is, its stream,
//   version, and the offset of the stream's previous record in this log). A batch of events
//   adds its records with one write, whatever the number of streams it touches.
// - index/heads-<capacity>: a hash table of streams (fixed-size slots): each stream's head
//   version and its last record in the log. A busy writer maps it and finds and updates a
//   stream's version without a system call; readers read one slot with one pread.
// - index/streams/<name>-<hash>.idx: record N (fixed width, 1-based) says where version N of
//   the stream is stored. Filled by compaction: when the log passes a size, the writer holding
//   the lock moves its records to the stream files and starts the next generation's log.
//
// A stream read costs its slot, its file and its own chain of log records: it follows the
// stream, not the store. Everything here is rebuilt from the segments when index/ is missing,
// damaged or of an older format.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/layout.hpp"
#include "util/result.hpp"

namespace sc::store {

/// Where one version of a stream lives. seq 0 marks a version whose line is gone (pruned).
struct StreamRecord {
    uint64_t seq = 0;
    Day day = 0;
    uint32_t segment = 0;
    uint64_t offset = 0;
    uint32_t length = 0;  // bytes of the line without its newline
    uint64_t id_hash = 0;

    [[nodiscard]] bool present() const { return seq != 0; }
    [[nodiscard]] SegmentId segment_id() const { return SegmentId {Signal::events, day, segment}; }
    bool operator==(const StreamRecord&) const = default;
};

/// "seq day segment offset length id-hash\n" in fixed-width hexadecimal and decimal, so a
/// person can still read the file, and record N is at byte (N-1) * k_stream_record_bytes.
inline constexpr size_t k_stream_record_bytes = 72;

void append_stream_record(std::string& out, const StreamRecord& record);
bool decode_stream_record(std::string_view text, StreamRecord& record);

/// File name for a stream: its name made filesystem-safe, then a hash of the exact name.
std::string stream_file_name(std::string_view stream);

/// Reads every record of a stream's index file. An absent file is an empty stream. A trailing
/// partial record (a writer died mid-write) is ignored.
Result<std::vector<StreamRecord>> read_stream_records(const std::string& path);

// --- the index log ---

/// One record of index/log-<generation>:
/// "<stream record without its newline> <version:16 hex> <prev:12 hex> <stream bytes:8 hex> <stream>\n".
struct LogRecord {
    StreamRecord record;
    uint64_t version = 0;
    uint64_t prev = 0;        // offset + 1 of the stream's previous record in the same log; 0: none
    std::string_view stream;  // points into the decoded text
};
inline constexpr size_t k_log_record_fixed_bytes = k_stream_record_bytes + 17 + 13 + 9 + 1;  // and the name

void append_log_record(std::string& out, const StreamRecord& record, uint64_t version, uint64_t prev,
                       std::string_view stream);
/// Decodes the record at the start of `text`, its size in `length`. false: torn or damaged.
bool decode_log_record(std::string_view text, LogRecord& record, size_t& length);
/// Only what compaction needs of a log record: its version, its stream and its length, with
/// the record's frame (separators, name length, newline) checked. The stream record it holds
/// is copied as it is, and readers check it when they decode it.
bool decode_log_frame(std::string_view text, uint64_t& version, std::string_view& stream, size_t& length);
/// "log-<generation>", inside index/.
std::string log_file_name(uint64_t generation);

// --- the heads table ---

/// Two independent 64-bit hashes of a stream name: the table's key.
struct StreamKey {
    uint64_t key = 0;  // never 0: 0 marks a free slot
    uint64_t key2 = 0;
};
StreamKey stream_key(std::string_view stream);

/// One slot of the heads table, as stored (native byte order: the file never leaves the machine).
struct HeadSlot {
    uint64_t key = 0;
    uint64_t key2 = 0;
    uint64_t version = 0;          // the stream's head version
    uint64_t last = 0;             // offset + 1 of its last record in log-<last_generation>
    uint64_t last_generation = 0;  // a log of another generation holds none of its records
};
inline constexpr size_t k_heads_header_bytes = 64;
inline constexpr uint64_t k_heads_min_capacity = 1024;
[[nodiscard]] constexpr uint64_t heads_file_bytes(uint64_t capacity) {
    return k_heads_header_bytes + capacity * sizeof(HeadSlot);
}

/// index/heads-<capacity>: the file of a table, named by its capacity so that the head, which
/// records the capacity, always names a table of that size.
std::string heads_file_name(uint64_t capacity);

/// The writer's view of the heads table, used under the store lock. A writer with many streams
/// per batch or many batches maps the file shared and reads and changes slots in memory; a
/// short-lived one (a CLI command) reads the slots it needs with pread and writes each
/// changed slot back with one pwrite, which costs less than mapping and unmapping. Every byte
/// of the file is written when it is created, so storing into the mapping never needs a new
/// disk block (no SIGBUS on a full disk).
class HeadsTable {
public:
    HeadsTable() = default;
    ~HeadsTable();
    HeadsTable(HeadsTable&& other) noexcept;
    HeadsTable& operator=(HeadsTable&& other) noexcept;
    HeadsTable(const HeadsTable&) = delete;
    HeadsTable& operator=(const HeadsTable&) = delete;

    /// Writes a table of `capacity` slots (a power of two) holding `slots`, through a
    /// temporary file renamed into place.
    static Status create(const std::string& path, uint64_t capacity, const std::vector<HeadSlot>& slots);
    /// Opens an existing table, mapped or not; not_found when it is missing or damaged.
    static Result<HeadsTable> open(const std::string& path, uint64_t capacity, bool map);

    [[nodiscard]] bool is_open() const { return m_fd >= 0; }
    [[nodiscard]] bool mapped() const { return m_slots != nullptr; }
    [[nodiscard]] uint64_t capacity() const { return m_capacity; }
    /// The stream's slot, claimed (version 0, `claimed` set) when it has none; nullptr when
    /// the table is full. Unmapped, the slot is a copy: save() writes it back.
    Result<HeadSlot*> slot(const StreamKey& key, bool& claimed);
    /// Makes a changed slot part of the file (a pwrite unmapped; nothing to do when mapped).
    Status save(HeadSlot* slot);
    /// Forgets the slots read unmapped: another writer may have changed them since.
    void forget() { m_cache.clear(); }
    /// Every used slot.
    Result<std::vector<HeadSlot>> used();

private:
    struct Cached {
        HeadSlot slot;  // first: a HeadSlot* handed out points at the Cached around it
        uint64_t index = 0;
    };
    Result<HeadSlot*> at(uint64_t index);

    int m_fd = -1;
    void* m_map = nullptr;
    size_t m_bytes = 0;
    HeadSlot* m_slots = nullptr;
    uint64_t m_capacity = 0;
    std::unordered_map<uint64_t, Cached> m_cache;
};

/// A reader's lookup of one slot with pread; nullopt when the stream is not in the table.
Result<std::optional<HeadSlot>> read_head_slot(int fd, uint64_t capacity, const StreamKey& key);

/// Every record of one stream as the index holds it (its file, then its chain in the log):
/// versions 1..head, all present in the index. nullopt when the index cannot answer (missing,
/// of an older format, or disagreeing with itself while writers move it): scan instead.
/// Takes no lock. Records are not checked against the segments here: callers do that.
Result<std::optional<std::vector<StreamRecord>>> read_indexed_stream(const Layout& layout, std::string_view stream);

}  // namespace sc::store

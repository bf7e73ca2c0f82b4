#pragma once
// Per-stream index files (index/streams/<name>-<hash>.idx): record N (fixed width, 1-based)
// says where version N of the stream is stored. A stream's head version is the file size over
// the record size, so finding it costs one fstat, and reading a stream reads only its own
// records and lines: the cost follows the stream, not the store. The files are derived data,
// rebuilt from the segments when index/ is missing or damaged.

#include <cstdint>
#include <string>
#include <string_view>
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

}  // namespace sc::store

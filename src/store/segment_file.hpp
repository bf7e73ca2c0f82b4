#pragma once
// Reading whole segments, plain or zstd-compressed, into a buffer with parse padding after
// the last line; and compressing a finished segment. Compressed segments are ordinary zstd
// frames (level 3), so `zstdcat events/*/*.jsonl.zst | jq` works on them.

#include <cstdint>
#include <string>
#include <string_view>

#include "store/layout.hpp"
#include "util/result.hpp"

namespace sc::store {

/// A segment's bytes (decompressed), followed by padding for the JSON parser.
struct SegmentBuffer {
    std::string bytes;  // content + padding; content() is the segment itself
    size_t size = 0;
    [[nodiscard]] std::string_view content() const { return std::string_view(bytes.data(), size); }
};

/// Reads bytes [from, end) of a segment; a compressed segment is decompressed first (offsets
/// are always offsets into the uncompressed content). not_found when the file is gone.
Result<SegmentBuffer> read_segment(const std::string& path, bool compressed, uint64_t from = 0);

/// Compresses `plain_path` into `plain_path + ".zst"` (written aside, then renamed into
/// place), then removes the plain file. Readers that open the plain file first and the
/// compressed one when it is gone see the segment at every moment.
Status compress_segment(const std::string& plain_path);

/// zstd level 3 of a buffer, and its inverse.
Result<std::string> zstd_compress(std::string_view content);
Result<std::string> zstd_decompress(std::string_view compressed, const std::string& path);

}  // namespace sc::store

namespace sc::store {

/// Reads `length` bytes at `offset` of a segment (the plain file, or the compressed one when
/// the plain file is gone), followed by parse padding. not_found when neither file exists or
/// the segment is shorter than asked.
Result<SegmentBuffer> read_range(const Layout& layout, const SegmentId& id, uint64_t offset, uint32_t length);

}  // namespace sc::store

namespace sc::store {

/// Reads a segment (plain or compressed) front to back in chunks of whole lines, into one
/// reused buffer: a scan touches each byte once and allocates nothing per segment.
class SegmentLineReader {
public:
    /// `from`: an offset into the (uncompressed) content where a line starts.
    static Result<SegmentLineReader> open(const std::string& path, bool compressed, uint64_t from = 0);
    SegmentLineReader(SegmentLineReader&&) noexcept;
    SegmentLineReader& operator=(SegmentLineReader&&) noexcept;
    SegmentLineReader(const SegmentLineReader&) = delete;
    SegmentLineReader& operator=(const SegmentLineReader&) = delete;
    ~SegmentLineReader();

    /// Loads the next run of complete lines. False at the end of the segment.
    Result<bool> next();
    /// The complete lines loaded by next(), each ending with '\n'; readable padding follows.
    [[nodiscard]] std::string_view lines() const { return {m_buffer.data(), m_lines}; }
    /// Readable bytes from `position` within lines() to the end of the buffer.
    [[nodiscard]] size_t capacity_from(size_t position) const { return m_buffer.size() - position; }
    /// Offset of lines() within the segment.
    [[nodiscard]] uint64_t base_offset() const { return m_base; }
    /// At the end: bytes after the last newline (an unfinished or torn line).
    [[nodiscard]] std::string_view tail() const { return m_at_end ? std::string_view(m_buffer.data(), m_filled) : ""; }

private:
    SegmentLineReader() = default;
    Result<size_t> fill(char* into, size_t room);

    std::string m_path;
    int m_fd = -1;
    void* m_zstd = nullptr;  // ZSTD_DCtx when compressed
    std::string m_compressed_input;
    size_t m_input_position = 0;
    size_t m_input_size = 0;
    bool m_input_done = false;
    uint64_t m_skip = 0;  // compressed: uncompressed bytes still to drop to reach `from`
    std::string m_buffer;
    size_t m_filled = 0;  // valid bytes in the buffer
    size_t m_lines = 0;   // complete-line bytes at the front of the buffer
    uint64_t m_base = 0;
    bool m_at_end = false;
};

}  // namespace sc::store

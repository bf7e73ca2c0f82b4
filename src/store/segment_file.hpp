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

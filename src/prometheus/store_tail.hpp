#pragma once
// Reading only what is new in one signal of the store: a position (segment and byte offset
// past the last complete line) kept between reads, so a scrape of a large store reads the lines
// appended since the previous scrape, not the store. A line still being written is left for
// the next read; a segment compressed meanwhile is read from the same offset of its content.

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include "store/layout.hpp"
#include "util/result.hpp"

namespace sc::prometheus {

struct TailStats {
    uint64_t lines = 0;
    uint64_t bytes = 0;
    uint64_t segments = 0;
};

/// visit(line without its newline, readable bytes from line.data(): at least the line and the
/// store's parse padding).
using TailVisitor = std::function<void(std::string_view line, size_t capacity)>;

class StoreTail {
public:
    StoreTail(std::string root, store::Signal signal) : m_layout(std::move(root)), m_signal(signal) {}

    /// Every complete line appended since the last call (the whole signal the first time).
    Result<TailStats> read_new(const TailVisitor& visit);

    [[nodiscard]] const std::optional<store::SegmentId>& segment() const { return m_segment; }
    [[nodiscard]] uint64_t offset() const { return m_offset; }

private:
    store::Layout m_layout;
    store::Signal m_signal;
    std::optional<store::SegmentId> m_segment;  // unset: nothing read yet
    uint64_t m_offset = 0;                      // in m_segment's (uncompressed) content
};

}  // namespace sc::prometheus

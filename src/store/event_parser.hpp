#pragma once
// Reads one stored line as an event envelope with simdjson On-Demand: scans extract only the
// few fields they filter on, at several million lines per second per core (limits.md).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace sc::store {

/// Bytes simdjson may read past the end of a line; buffers handed to EventParser::parse
/// must have this much readable space after the line (the next lines count).
inline constexpr size_t k_parse_padding = 64;

/// One parsed envelope. The views point into the line or into the parser, and stay valid
/// until the parser reads the next line.
struct EventView {
    std::string_view line;  // the whole line, without its newline
    std::string_view id;
    uint64_t seq = 0;
    std::string_view stream;
    uint64_t version = 0;
    std::string_view type;
    std::string_view time;  // as stored: fixed-width RFC 3339, comparable as a string
    int64_t time_unix_nanos = 0;
    std::string_view data;  // raw JSON object
    std::string_view trace_id;
    std::string_view correlation_id;
    int schema_version = 0;
};

class EventParser {
public:
    EventParser();
    ~EventParser();
    EventParser(const EventParser&) = delete;
    EventParser& operator=(const EventParser&) = delete;

    /// Parses `line` (no newline). `capacity` is the readable size starting at `line.data()`
    /// and must be at least line.size() + k_parse_padding. False for anything that is not a
    /// complete envelope; error() then says why.
    bool parse(std::string_view line, size_t capacity, EventView& event);
    /// The same for a line with no padding after it: copies it first.
    bool parse_copy(std::string_view line, EventView& event);
    [[nodiscard]] const std::string& error() const { return m_error; }

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_error;
    std::string m_copy;
};

}  // namespace sc::store

#pragma once
// Reading the store. Readers take no lock, so they never hold up a writer: they read what is
// complete, skip what is not, and say what they skipped (docs/store.md, "Reading").

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/event_parser.hpp"
#include "store/layout.hpp"
#include "util/result.hpp"

namespace sc::store {

/// A line a reader skipped, and why.
struct ReadProblem {
    std::string segment;  // relative to the store root
    uint64_t offset = 0;
    std::string reason;
};

struct ReadStats {
    uint64_t lines_read = 0;       // lines looked at (a stream read via the index reads only its own)
    uint64_t matched = 0;          // lines handed to the visitor
    uint64_t corrupt = 0;          // complete lines that are not valid records: skipped
    uint64_t incomplete_tail = 0;  // a last line without its newline: a writer mid-append, or torn
    uint64_t missing = 0;          // indexed events whose segment is gone (pruned)
    uint64_t segments_read = 0;
    bool used_index = false;
    std::vector<ReadProblem> problems;  // the first k_max_problems

    static constexpr size_t k_max_problems = 100;
    void add_problem(std::string segment, uint64_t offset, std::string reason);
    /// {"lines_read":..,"matched":..,"corrupt":..,...,"problems":[...]}
    [[nodiscard]] std::string to_json() const;
};

/// Which events to read. Every condition given must hold.
struct EventQuery {
    std::optional<std::string> stream;  // read via the stream's index when it is there
    uint64_t from_version = 1;          // with stream: versions from this one on
    std::vector<std::string> types;     // any of these
    std::optional<int64_t> from_time;   // unix nanos, inclusive
    std::optional<int64_t> until_time;  // unix nanos, exclusive
    std::string trace_id;               // meta.trace_id
    std::string correlation_id;         // meta.correlation_id
    uint64_t after_seq = 0;             // only seq > after_seq
};

/// Which signal lines to read.
struct SignalQuery {
    std::optional<int64_t> from_time;  // lines with any OTLP time in [from, until)
    std::optional<int64_t> until_time;
    std::string trace_id;  // lines mentioning this trace id (lower-case hex)
};

/// Returns false to stop reading.
using EventVisitor = std::function<bool(const EventView& event)>;
using LineVisitor = std::function<bool(std::string_view line)>;

class Reader {
public:
    explicit Reader(std::string root) : m_layout(std::move(root)) {}
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    /// Events in seq order that match the query.
    Result<ReadStats> read_events(const EventQuery& query, const EventVisitor& visit);
    /// Events with seq > after_seq that match `query` (its after_seq is replaced), in seq order,
    /// for a reader that keeps up with the store (the task-tree state). When the head says
    /// there is nothing newer and the newest segment holds no line the head does not know (a
    /// writer killed before its head update), this costs a pread of the head and a stat (and,
    /// when this reader read the head before, an fstat of the descriptor it kept). When
    /// the newest segment holds every event after after_seq, only that segment is read;
    /// otherwise (index/ missing, a day or size roll in between) the store is scanned.
    /// `last_seq`, when given, gets the store's last seq (0 when it has no events).
    Result<ReadStats> read_events_after(uint64_t after_seq, EventQuery query, const EventVisitor& visit,
                                        uint64_t* last_seq = nullptr);
    /// One stream from a version, in version order; costs in proportion to the stream.
    Result<ReadStats> read_stream(const std::string& stream, uint64_t from_version, const EventVisitor& visit);
    /// Signal lines in store order that match the query.
    Result<ReadStats> read_signals(Signal signal, const SignalQuery& query, const LineVisitor& visit);

    [[nodiscard]] const Layout& layout() const { return m_layout; }

private:
    Result<ReadStats> scan_events(const EventQuery& query, const EventVisitor& visit);
    /// nullopt: the index could not answer (missing or inconsistent), scan instead.
    Result<std::optional<ReadStats>> read_stream_via_index(const EventQuery& query, const EventVisitor& visit);

    /// The head, opened once and kept for the reader's life: a long-lived reader (a server
    /// session's) reads it before every request, and an fstat to see whether the file was
    /// removed or replaced since (no link left: opened again) costs less than an open and a
    /// close. -1 when there is none.
    int head_descriptor();

    Layout m_layout;
    EventParser m_parser;
    int m_head_fd = -1;
};

/// Whether an event passes the query's conditions other than stream and version.
bool event_matches(const EventQuery& query, const EventView& event);

/// The smallest and largest OTLP time (any "...UnixNano" field) in a signal line. False when
/// the line holds none.
bool otlp_time_bounds(std::string_view line, int64_t& earliest, int64_t& latest);

/// Calls `visit(line, offset)` for every complete line of `content`; returns the offset just
/// past the last complete line (anything after it is an unfinished or torn line).
size_t for_each_line(std::string_view content, const std::function<bool(std::string_view, size_t)>& visit);

}  // namespace sc::store

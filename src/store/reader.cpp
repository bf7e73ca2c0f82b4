#include "store/reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

#include "store/head.hpp"
#include "store/segment_file.hpp"
#include "store/stream_index.hpp"
#include "util/files.hpp"

namespace sc::store {

void ReadStats::add_problem(std::string segment, uint64_t offset, std::string reason) {
    if (problems.size() < k_max_problems)
        problems.push_back(ReadProblem {std::move(segment), offset, std::move(reason)});
}

std::string ReadStats::to_json() const {
    nlohmann::json out = {{"lines_read", lines_read}, {"matched", matched},
                          {"corrupt", corrupt},       {"incomplete_tail", incomplete_tail},
                          {"missing", missing},       {"segments_read", segments_read},
                          {"used_index", used_index}, {"problems", nlohmann::json::array()}};
    for (const ReadProblem& problem : problems)
        out["problems"].push_back(
            {{"segment", problem.segment}, {"offset", problem.offset}, {"reason", problem.reason}});
    return out.dump();
}

size_t for_each_line(std::string_view content, const std::function<bool(std::string_view, size_t)>& visit) {
    size_t position = 0;
    while (position < content.size()) {
        const void* found = std::memchr(content.data() + position, '\n', content.size() - position);
        if (found == nullptr)
            break;
        size_t end = static_cast<size_t>(static_cast<const char*>(found) - content.data());
        if (!visit(content.substr(position, end - position), position))
            return end + 1;
        position = end + 1;
    }
    return position;
}

bool event_matches(const EventQuery& query, const EventView& event) {
    if (event.seq <= query.after_seq)
        return false;
    if (!query.types.empty() && std::find(query.types.begin(), query.types.end(), event.type) == query.types.end())
        return false;
    if (query.from_time && event.time_unix_nanos < *query.from_time)
        return false;
    if (query.until_time && event.time_unix_nanos >= *query.until_time)
        return false;
    if (!query.trace_id.empty() && event.trace_id != query.trace_id)
        return false;
    if (!query.correlation_id.empty() && event.correlation_id != query.correlation_id)
        return false;
    return true;
}

Result<ReadStats> Reader::read_events(const EventQuery& query, const EventVisitor& visit) {
    if (query.stream) {
        std::optional<ReadStats> via_index = SC_TRY(read_stream_via_index(query, visit));
        if (via_index)
            return *via_index;
    }
    return scan_events(query, visit);
}

Result<ReadStats> Reader::read_stream(const std::string& stream, uint64_t from_version, const EventVisitor& visit) {
    EventQuery query;
    query.stream = stream;
    query.from_version = std::max<uint64_t>(from_version, 1);
    return read_events(query, visit);
}

Reader::~Reader() {
    if (m_head_fd >= 0)
        ::close(m_head_fd);
}

int Reader::head_descriptor() {
    if (m_head_fd >= 0) {
        struct stat info {};
        if (::fstat(m_head_fd, &info) == 0 && info.st_nlink > 0)
            return m_head_fd;
        ::close(m_head_fd);  // removed (maintenance rebuilds it) or replaced: the path's file now
    }
    m_head_fd = ::open(m_layout.head_path().c_str(), O_RDONLY | O_CLOEXEC);
    return m_head_fd;
}

Result<ReadStats> Reader::read_events_after(uint64_t after_seq, EventQuery query, const EventVisitor& visit,
                                            uint64_t* last_seq) {
    query.after_seq = after_seq;
    uint64_t seen = 0;
    // A scan sees every event; the store's last seq is the largest.
    auto scan = [&]() -> Result<ReadStats> {
        EventQuery all = query;
        all.after_seq = 0;
        all.types.clear();
        Result<ReadStats> stats = scan_events(all, [&](const EventView& event) {
            seen = std::max(seen, event.seq);
            return !event_matches(query, event) || visit(event);
        });
        if (last_seq != nullptr)
            *last_seq = seen;
        return stats;
    };
    HeadState head;
    {
        int fd = head_descriptor();
        if (fd < 0) {
            if (errno == ENOENT && !files::is_directory(m_layout.path("events"))) {
                // No store yet, or one without events.
                if (last_seq != nullptr)
                    *last_seq = 0;
                return ReadStats {};
            }
            return scan();
        }
        Result<HeadState> read = read_head(fd, m_layout.head_path());
        if (!read.ok())
            return scan();
        head = read.value();
    }
    const ActiveSegment& active = head.of(Signal::events);
    if (last_seq != nullptr)
        *last_seq = head.seq;
    if (active.number == 0)
        return head.seq <= after_seq ? Result<ReadStats>(ReadStats {}) : scan();
    // The full path built once, in place: this runs before every request of a server.
    const std::string segment = m_layout.segment_path(active.id(Signal::events));
    struct stat info {};
    if (::stat(segment.c_str(), &info) != 0)
        return scan();  // compressed or pruned under us: rare, read it all
    if (head.seq <= after_seq && static_cast<uint64_t>(info.st_size) <= active.size)
        return ReadStats {};
    // Something newer: read the newest segment; when its first event is not the one after
    // after_seq, older segments hold some of them too.
    ReadStats stats;
    Result<SegmentLineReader> opened = SegmentLineReader::open(segment, false);
    if (!opened.ok())
        return scan();
    const std::string relative = active.id(Signal::events).relative_path();  // for problems found
    SegmentLineReader& reader = *opened;
    ++stats.segments_read;
    bool first = true;
    while (true) {
        bool more = SC_TRY(reader.next());
        if (!more)
            break;
        std::string_view content = reader.lines();
        size_t position = 0;
        while (position < content.size()) {
            size_t end = content.find('\n', position);
            std::string_view line = content.substr(position, end - position);
            ++stats.lines_read;
            EventView event;
            if (!m_parser.parse(line, reader.capacity_from(position), event)) {
                ++stats.corrupt;
                stats.add_problem(relative, reader.base_offset() + position, m_parser.error());
            } else {
                if (first && event.seq > after_seq + 1)
                    return scan();
                first = false;
                if (last_seq != nullptr)
                    *last_seq = std::max(*last_seq, event.seq);  // lines past the head count too
                if (event_matches(query, event)) {
                    ++stats.matched;
                    if (!visit(event))
                        return stats;
                }
            }
            position = end + 1;
        }
    }
    if (first && head.seq > after_seq)
        return scan();  // the newest segment is empty: the events are elsewhere
    if (!reader.tail().empty()) {
        ++stats.incomplete_tail;
        stats.add_problem(relative, reader.base_offset(), "incomplete last line (being written, or torn)");
    }
    return stats;
}

// Event times never go backwards in seq order and a day folder holds the events of that UTC
// day, so a time range needs only the folders of the days it touches.
static bool day_in_range(Day day, const std::optional<int64_t>& from, const std::optional<int64_t>& until) {
    if (from && day < day_of_unix_nanos(*from))
        return false;
    if (until && day > day_of_unix_nanos(*until - 1))
        return false;
    return true;
}

namespace {

// Reads `segments` in order, line by line, skipping those `wanted(segment)` refuses and those
// pruned or compressed since they were listed: `each(line, position, relative, reader)` for
// each whole line (`position` within reader.lines()), false to stop. What is left after the
// last line break is counted: in the newest segment an incomplete tail (being written, or torn:
// a problem too when `tail_problem`), in an older one a torn line.
template <class Wanted, class Each>
Status scan_segment_lines(const Layout& layout, const std::vector<SegmentFile>& segments, bool tail_problem,
                          ReadStats& stats, Wanted wanted, Each each) {
    for (size_t i = 0; i < segments.size(); ++i) {
        const SegmentFile& segment = segments[i];
        if (!wanted(segment))
            continue;
        std::string relative = segment.relative_path();
        Result<SegmentLineReader> opened = SegmentLineReader::open(layout.path(relative), segment.compressed);
        if (!opened.ok()) {
            if (opened.error().code == ErrorCode::not_found)
                continue;  // pruned or compressed while we listed
            return std::move(opened).error();
        }
        SegmentLineReader& reader = *opened;
        ++stats.segments_read;
        bool stop = false;
        while (!stop) {
            bool more = SC_TRY(reader.next());
            if (!more)
                break;
            std::string_view content = reader.lines();
            size_t position = 0;
            while (position < content.size()) {
                const void* found = std::memchr(content.data() + position, '\n', content.size() - position);
                if (found == nullptr)
                    break;
                size_t end = static_cast<size_t>(static_cast<const char*>(found) - content.data());
                if (!each(content.substr(position, end - position), position, relative, reader)) {
                    stop = true;
                    break;
                }
                position = end + 1;
            }
        }
        if (stop)
            break;
        if (!reader.tail().empty()) {
            if (i + 1 == segments.size()) {
                ++stats.incomplete_tail;
                if (tail_problem)
                    stats.add_problem(relative, reader.base_offset(), "incomplete last line (being written, or torn)");
            } else {
                ++stats.corrupt;
                stats.add_problem(relative, reader.base_offset(), "torn line at the end of a finished segment");
            }
        }
    }
    return {};
}

}  // namespace

Result<ReadStats> Reader::scan_events(const EventQuery& query, const EventVisitor& visit) {
    ReadStats stats;
    std::vector<SegmentFile> segments = SC_TRY(m_layout.list_all_segments(Signal::events));
    SC_TRY(scan_segment_lines(
        m_layout, segments, true, stats,
        [&](const SegmentFile& segment) { return day_in_range(segment.id.day, query.from_time, query.until_time); },
        [&](std::string_view line, size_t position, const std::string& relative, const SegmentLineReader& reader) {
            ++stats.lines_read;
            EventView event;
            if (!m_parser.parse(line, reader.capacity_from(position), event)) {
                ++stats.corrupt;
                stats.add_problem(relative, reader.base_offset() + position, m_parser.error());
            } else if ((!query.stream || event.stream == *query.stream) && event.version >= query.from_version &&
                       event_matches(query, event)) {
                ++stats.matched;
                return visit(event);
            }
            return true;
        }));
    return stats;
}

namespace {

// Open segments of one stream read, so consecutive events in one segment cost one pread each.
class SegmentCache {
public:
    explicit SegmentCache(const Layout& layout) : m_layout(layout) {}
    ~SegmentCache() {
        for (auto& [id, entry] : m_entries) {
            if (entry.fd >= 0)
                ::close(entry.fd);
        }
    }
    SegmentCache(const SegmentCache&) = delete;
    SegmentCache& operator=(const SegmentCache&) = delete;

    /// The line at offset, with padding after it, in `out`. not_found when the segment is gone.
    Status read(const StreamRecord& record, std::string& out) {
        auto [slot, inserted] = m_entries.try_emplace(record.segment_id());
        Entry& entry = slot->second;
        if (inserted) {
            std::string path = m_layout.segment_path(record.segment_id());
            entry.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
            if (entry.fd < 0 && errno != ENOENT)
                return files::from_errno(errno, "reading segment", path);
            if (entry.fd < 0) {
                Result<SegmentBuffer> whole = read_segment(m_layout.segment_path(record.segment_id(), true), true);
                if (!whole.ok())
                    return std::move(whole).error();
                entry.decompressed = std::move(whole->bytes);
                entry.decompressed.resize(whole->size);
                entry.compressed = true;
            }
        }
        out.resize(record.length + k_parse_padding);
        std::fill(out.begin() + record.length, out.end(), ' ');
        if (entry.compressed) {
            if (record.offset + record.length > entry.decompressed.size())
                return make_error(ErrorCode::not_found, "segment shorter than its index");
            std::memcpy(out.data(), entry.decompressed.data() + record.offset, record.length);
            return {};
        }
        ssize_t got = ::pread(entry.fd, out.data(), record.length, static_cast<off_t>(record.offset));
        if (got != static_cast<ssize_t>(record.length))
            return make_error(ErrorCode::not_found, "segment shorter than its index");
        return {};
    }

private:
    struct Entry {
        int fd = -1;
        bool compressed = false;
        std::string decompressed;
    };
    const Layout& m_layout;
    std::map<SegmentId, Entry> m_entries;
};

}  // namespace

Result<std::optional<ReadStats>> Reader::read_stream_via_index(const EventQuery& query, const EventVisitor& visit) {
    // Without a head (or with one of an older format) the index is missing, half rebuilt or
    // not ours to read: only a scan can be trusted.
    Result<std::optional<std::vector<StreamRecord>>> records = read_indexed_stream(m_layout, *query.stream);
    if (!records.ok() || !*records)
        return std::optional<ReadStats> {};
    ReadStats stats;
    stats.used_index = true;
    SegmentCache segments(m_layout);
    std::string line;
    for (uint64_t version = query.from_version; version <= (*records)->size(); ++version) {
        const StreamRecord& record = (**records)[version - 1];
        if (!record.present()) {
            ++stats.missing;
            continue;
        }
        if (record.seq <= query.after_seq)
            continue;
        Status read = segments.read(record, line);
        if (!read.ok()) {
            if (read.error().code != ErrorCode::not_found)
                return std::move(read).error();
            ++stats.missing;
            stats.add_problem(record.segment_id().relative_path(), record.offset, "segment gone (pruned?)");
            continue;
        }
        ++stats.lines_read;
        EventView event;
        if (!m_parser.parse(std::string_view(line.data(), record.length), line.size(), event) ||
            event.stream != *query.stream || event.version != version || event.seq != record.seq)
            return std::optional<ReadStats> {};  // the index disagrees with the segment: scan
        if (!event_matches(query, event))
            continue;
        ++stats.matched;
        if (!visit(event))
            break;
    }
    return std::optional<ReadStats> {std::move(stats)};
}

bool otlp_time_bounds(std::string_view line, int64_t& earliest, int64_t& latest) {
    static constexpr std::string_view k_key = "UnixNano\"";
    bool found_any = false;
    size_t position = 0;
    while ((position = line.find(k_key, position)) != std::string_view::npos) {
        position += k_key.size();
        size_t cursor = position;
        while (cursor < line.size() && (line[cursor] == ' ' || line[cursor] == ':' || line[cursor] == '"'))
            ++cursor;
        uint64_t digits_value = 0;
        size_t digits = 0;
        while (cursor < line.size() && line[cursor] >= '0' && line[cursor] <= '9' && digits < 19) {
            digits_value = digits_value * 10 + static_cast<uint64_t>(line[cursor] - '0');
            ++cursor;
            ++digits;
        }
        int64_t value =
            digits_value > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX : static_cast<int64_t>(digits_value);
        if (digits == 0 || value == 0)
            continue;  // absent times are encoded as 0 in OTLP
        if (!found_any) {
            earliest = latest = value;
            found_any = true;
        } else {
            earliest = std::min(earliest, value);
            latest = std::max(latest, value);
        }
    }
    return found_any;
}

Result<ReadStats> Reader::read_signals(Signal signal, const SignalQuery& query, const LineVisitor& visit) {
    ReadStats stats;
    std::vector<SegmentFile> segments = SC_TRY(m_layout.list_all_segments(signal));
    SC_TRY(scan_segment_lines(
        m_layout, segments, false, stats,
        [&](const SegmentFile& segment) {
            // A signal is appended at or after its own time, so folders of days before the range
            // cannot hold a match (a day of slack covers clocks that disagree a little).
            return !query.from_time || segment.id.day + 1 >= day_of_unix_nanos(*query.from_time);
        },
        [&](std::string_view line, size_t offset, const std::string& relative, const SegmentLineReader& reader) {
            ++stats.lines_read;
            if (line.size() < 2 || line.front() != '{' || line.back() != '}') {
                ++stats.corrupt;
                stats.add_problem(relative, reader.base_offset() + offset, "not a JSON object");
                return true;
            }
            if (!query.trace_id.empty() && line.find(query.trace_id) == std::string_view::npos)
                return true;
            if (query.from_time || query.until_time) {
                int64_t earliest = 0, latest = 0;
                if (!otlp_time_bounds(line, earliest, latest))
                    return true;
                if ((query.until_time && earliest >= *query.until_time) ||
                    (query.from_time && latest < *query.from_time))
                    return true;
            }
            ++stats.matched;
            return visit(line);
        }));
    return stats;
}

}  // namespace sc::store

#include "observe/session_cache.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "store/reader.hpp"
#include "util/files.hpp"

namespace sc::observe {

namespace {

constexpr std::string_view k_header = "# scopecraft sessions state v1 (derived; safe to delete)";

// One ended session, as the cache keeps it.
struct Ended {
    uint64_t seq = 0;
    int64_t time = 0;
    SessionFacts facts;
};

std::string clean(std::string text) {
    for (char& c : text)
        if (c == '\t' || c == '\n' || c == '\r')
            c = ' ';
    return text;
}

std::string line_of(const Ended& ended) {
    const SessionFacts& f = ended.facts;
    std::string tools;
    for (const auto& [name, counts] : f.tools)
        tools += (tools.empty() ? "" : ",") + clean(name) + "=" + std::to_string(counts.first) + ":" +
                 std::to_string(counts.second);
    char cost[32] = "-";
    if (f.cost_usd)
        std::snprintf(cost, sizeof cost, "%.9g", *f.cost_usd);
    return "C\t" + std::to_string(ended.seq) + "\t" + std::to_string(ended.time) + "\t" + clean(f.id) + "\t" +
           clean(f.task_id) + "\t" + clean(f.task_type) + "\t" + clean(f.area) + "\t" + clean(f.model) + "\t" +
           clean(f.exec) + "\t" + clean(f.outcome) + "\t" + std::to_string(f.duration_ms) + "\t" +
           std::to_string(f.turns) + "\t" + std::to_string(f.tools_used) + "\t" + std::to_string(f.tools_failed) +
           "\t" + std::to_string(f.tokens.input) + "\t" + std::to_string(f.tokens.output) + "\t" +
           std::to_string(f.tokens.cache_read) + "\t" + std::to_string(f.tokens.cache_creation) + "\t" + cost + "\t" +
           tools + "\n";
}

// The journal's numbers are written by std::to_string: an optional '-' and digits. Parsed
// by hand: std::from_chars, called sixteen times for each of 10,000 rows, was a fifth of
// `sessions stats`.
int64_t number(std::string_view text) {
    const char* at = text.data();
    const char* end = at + text.size();
    bool negative = at != end && *at == '-';
    if (negative)
        ++at;
    uint64_t value = 0;
    for (; at != end && *at >= '0' && *at <= '9'; ++at)
        value = value * 10 + static_cast<uint64_t>(*at - '0');
    return negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
}

/// The fields of a journal row ("C", seq, time, id, ...: 20 of them; a last field holding
/// a tab is cut there, as it always was); false for any other line.
bool split_row(std::string_view line, std::string_view (&parts)[20]) {
    if (line.size() < 2 || line[0] != 'C' || line[1] != '\t')
        return false;
    const char* at = line.data();
    const char* end = at + line.size();
    for (size_t count = 0; count < 20; ++count) {
        const char* tab = static_cast<const char*>(std::memchr(at, '\t', static_cast<size_t>(end - at)));
        if (tab == nullptr) {
            parts[count] = {at, static_cast<size_t>(end - at)};
            return count == 19;
        }
        parts[count] = {at, static_cast<size_t>(tab - at)};
        at = tab + 1;
    }
    return true;
}

/// The journal's bytes, mapped rather than read: a read copies them into fresh pages, and on
/// machines where a page fault costs microseconds the copy of 1.7 MB was a tenth of the command.
class MappedFile {
public:
    explicit MappedFile(const std::string& path) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return;
        struct stat info {};
        if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0) {
            void* address = ::mmap(nullptr, static_cast<size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            if (address != MAP_FAILED)
                m_bytes = {static_cast<const char*>(address), static_cast<size_t>(info.st_size)};
        }
        ::close(fd);
    }
    ~MappedFile() {
        if (!m_bytes.empty())
            ::munmap(const_cast<char*>(m_bytes.data()), m_bytes.size());
    }
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    [[nodiscard]] std::string_view bytes() const { return m_bytes; }

private:
    std::string_view m_bytes;
};

/// One journal line, as views of its bytes.
struct Row {
    int64_t time = 0;
    EndedSessionView session;
    std::string_view tools;  // name=uses:failures,...
};

bool parse_line(std::string_view line, Row& row) {
    std::string_view parts[20];
    if (!split_row(line, parts))
        return false;
    row.time = number(parts[2]);
    EndedSessionView& s = row.session;
    s.id = parts[3];
    s.task_id = parts[4];
    s.task_type = parts[5];
    s.area = parts[6];
    s.model = parts[7];
    s.exec = parts[8];
    s.outcome = parts[9];
    s.duration_ms = number(parts[10]);
    // parts[11]: turns, which the statistics do not use
    s.tools_used = number(parts[12]);
    s.tools_failed = number(parts[13]);
    s.tokens.input = number(parts[14]);
    s.tokens.output = number(parts[15]);
    s.tokens.cache_read = number(parts[16]);
    s.tokens.cache_creation = number(parts[17]);
    s.cost_usd.reset();
    if (parts[18] != "-") {
        double cost = 0;
        std::from_chars(parts[18].data(), parts[18].data() + parts[18].size(), cost);
        s.cost_usd = cost;
    }
    row.tools = parts[19];
    return true;
}

void add_tools(std::string_view tools, SessionStats& stats) {
    while (!tools.empty()) {
        size_t comma = tools.find(',');
        std::string_view item = tools.substr(0, comma);
        size_t equals = item.rfind('=');
        size_t colon = item.rfind(':');
        if (equals != std::string_view::npos && colon != std::string_view::npos && colon > equals)
            stats.add_tool(item.substr(0, equals), number(item.substr(equals + 1, colon - equals - 1)),
                           number(item.substr(colon + 1)));
        if (comma == std::string_view::npos)
            break;
        tools.remove_prefix(comma + 1);
    }
}

/// Calls `line` for each whole line of `text` (without its newline).
template <class OnLine>
void for_each_line(std::string_view text, OnLine&& line) {
    const char* at = text.data();
    const char* end = at + text.size();
    while (at != end) {
        const char* newline = static_cast<const char*>(std::memchr(at, '\n', static_cast<size_t>(end - at)));
        if (newline == nullptr)
            return;  // a cut last line: a writer stopped mid-way
        line(std::string_view(at, static_cast<size_t>(newline - at)));
        at = newline + 1;
    }
}

}  // namespace

Result<nlohmann::ordered_json> ended_session_stats(const std::string& store_root, const SessionFilter& filter) {
    std::string path = store_root + "/projections/sessions.state";
    MappedFile mapped(path);
    // What the journal holds: the lines up to its last `S` (those after it are a save that did
    // not finish), and the seq that `S` names.
    std::string_view journal;
    uint64_t seq = 0;
    if (std::string_view bytes = mapped.bytes(); bytes.substr(0, k_header.size()) == k_header) {
        size_t offset = 0;
        for_each_line(bytes, [&](std::string_view line) {
            offset += line.size() + 1;
            if (line.size() > 2 && line[0] == 'S' && line[1] == '\t') {
                seq = std::max<uint64_t>(seq, static_cast<uint64_t>(number(line.substr(2))));
                journal = bytes.substr(0, offset);
            }
        });
    }
    // The events since, read as replay reads them.
    SessionProjection fresh;
    std::vector<Ended> added;
    uint64_t last_seq = 0;
    store::Reader reader(store_root);
    store::EventQuery query;
    query.types = {std::string(event_types::session_completed)};
    Result<store::ReadStats> read = reader.read_events_after(
        seq, query,
        [&](const store::EventView& event) {
            fresh.apply(event);
            std::string id(event.stream.substr(8));
            auto found = fresh.sessions().find(id);
            if (found != fresh.sessions().end())
                added.push_back(Ended {event.seq, event.time_unix_nanos, found->second});
            return true;
        },
        &last_seq);
    if (!read.ok() && read.error().code != ErrorCode::not_found)
        return read.error();
    if (last_seq < seq) {
        // The journal describes another log (the store was replaced): start again from nothing.
        (void)::unlink(path.c_str());
        return ended_session_stats(store_root, filter);
    }
    // The new sessions become journal lines, appended to the file and read like the others.
    std::string lines;
    if (!added.empty() || last_seq > seq) {
        if (seq == 0)
            lines = std::string(k_header) + "\n";
        for (const Ended& one : added)
            lines += line_of(one);
        lines += "S\t" + std::to_string(last_seq) + "\n";
        // One write of whole lines: two commands catching up at once append the same
        // sessions twice, which the reading side keys by id.
        if (seq == 0) {
            (void)files::make_directories(store_root + "/projections", 0700);
            (void)files::write_atomic(path, lines, files::Durability::none, 0600);
        } else {
            (void)files::append_existing(path, lines);
        }
    }
    const std::string_view parts[] = {journal, lines};

    // A session appended twice (two commands caught up at once, or completed twice) counts
    // once, where its first line is (where the events first name it) with its last line's facts,
    // as the projection of the events counts it.
    struct Latest {
        std::string_view line;
        bool counted = false;
    };
    std::unordered_map<std::string_view, Latest> latest;
    latest.reserve(journal.size() / 128 + added.size() + 16);
    size_t rows = 0;
    for (std::string_view part : parts)
        for_each_line(part, [&](std::string_view line) {
            std::string_view fields[20];
            if (split_row(line, fields)) {
                latest[fields[3]].line = line;
                ++rows;
            }
        });
    const bool duplicates = latest.size() != rows;

    SessionStats stats;
    for (std::string_view part : parts)
        for_each_line(part, [&](std::string_view line) {
            Row row;
            if (!parse_line(line, row))
                return;
            if (duplicates) {
                Latest& last = latest[row.session.id];
                if (last.counted)
                    return;
                last.counted = true;
                if (last.line.data() != line.data())
                    (void)parse_line(last.line, row);
            }
            if (!filter.task_id.empty() && row.session.task_id != filter.task_id)
                return;
            if (filter.since && row.time < *filter.since)
                return;
            if (filter.until && row.time >= *filter.until)
                return;
            stats.add(row.session);
            add_tools(row.tools, stats);
        });
    return stats.result();
}

}  // namespace sc::observe

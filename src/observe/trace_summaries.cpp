#include "observe/trace_summaries.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>

#include "store/segment_file.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::observe {

namespace {

using text::to_lower_ascii;

// ---- The file's text: tab-separated fields; lists joined by \x1e, parts of a root by \x1f.

constexpr char k_item = '\x1e';
constexpr char k_part = '\x1f';

void escape_into(std::string& out, std::string_view text) {
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case k_item:
                out += "\\e";
                break;
            case k_part:
                out += "\\f";
                break;
            default:
                out += c;
        }
    }
}

std::string unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\' || i + 1 == text.size()) {
            out += text[i];
            continue;
        }
        char next = text[++i];
        out += next == 't'   ? '\t'
               : next == 'n' ? '\n'
               : next == 'r' ? '\r'
               : next == 'e' ? k_item
               : next == 'f' ? k_part
                             : next;
    }
    return out;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
    std::vector<std::string_view> parts;
    if (text.empty())
        return parts;
    while (true) {
        size_t at = text.find(separator);
        parts.push_back(text.substr(0, at));
        if (at == std::string_view::npos)
            return parts;
        text.remove_prefix(at + 1);
    }
}

template <class Number>
bool number(std::string_view text, Number& value, int base = 10) {
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    return error == std::errc() && end == text.data() + text.size();
}

void hex_list(std::string& out, const std::vector<uint64_t>& values) {
    char digits[17];
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0)
            out += ',';
        auto [end, error] = std::to_chars(digits, digits + 16, values[i], 16);
        out.append(digits, end);
    }
}

bool parse_hex_list(std::string_view text, std::vector<uint64_t>& values) {
    for (std::string_view part : split(text, ',')) {
        uint64_t value = 0;
        if (!number(part, value, 16))
            return false;
        values.push_back(value);
    }
    return std::is_sorted(values.begin(), values.end());
}

std::string digest_line(const TraceDigest& digest) {
    std::string out = "T\t" + digest.trace_id + "\t" + std::to_string(digest.start) + "\t" +
                      std::to_string(digest.end) + "\t" + std::to_string(digest.spans) + "\t" +
                      std::to_string(digest.errors) + "\t";
    hex_list(out, digest.span_ids);
    out += '\t';
    for (size_t i = 0; i < digest.roots.size(); ++i) {
        const TraceDigest::Root& root = digest.roots[i];
        if (i > 0)
            out += k_item;
        hex_list(out, {root.parent});
        out += k_part + std::to_string(root.start) + k_part;
        escape_into(out, root.name);
        out += k_part;
        escape_into(out, root.service);
    }
    out += '\t';
    for (size_t i = 0; i < digest.names.size(); ++i) {
        if (i > 0)
            out += k_item;
        escape_into(out, digest.names[i]);
    }
    out += '\t';
    hex_list(out, digest.attributes);
    out += '\t';
    for (size_t i = 0; i < digest.lines.size(); ++i) {
        const TraceDigest::Line& line = digest.lines[i];
        if (i > 0)
            out += ',';
        out += std::to_string(line.segment.day) + ":" + std::to_string(line.segment.number) + ":" +
               std::to_string(line.offset) + ":" + std::to_string(line.length);
    }
    out += '\n';
    return out;
}

bool parse_digest_line(std::string_view line, TraceDigest& digest) {
    std::vector<std::string_view> fields = split(line, '\t');
    if (fields.size() != 11 || fields[0] != "T" || fields[1].empty())
        return false;
    for (std::string_view item : split(fields[10], ',')) {
        std::vector<std::string_view> parts = split(item, ':');
        TraceDigest::Line place;
        place.segment.signal = store::Signal::traces;
        if (parts.size() != 4 || !number(parts[0], place.segment.day) || !number(parts[1], place.segment.number) ||
            !number(parts[2], place.offset) || !number(parts[3], place.length))
            return false;
        digest.lines.push_back(place);
    }
    digest.trace_id = fields[1];
    if (!number(fields[2], digest.start) || !number(fields[3], digest.end) || !number(fields[4], digest.spans) ||
        !number(fields[5], digest.errors) || !parse_hex_list(fields[6], digest.span_ids) ||
        !parse_hex_list(fields[9], digest.attributes))
        return false;
    for (std::string_view item : split(fields[7], k_item)) {
        std::vector<std::string_view> parts = split(item, k_part);
        TraceDigest::Root root;
        if (parts.size() != 4 || !number(parts[0], root.parent, 16) || !number(parts[1], root.start))
            return false;
        root.name = unescape(parts[2]);
        root.service = unescape(parts[3]);
        digest.roots.push_back(std::move(root));
    }
    for (std::string_view name : split(fields[8], k_item))
        digest.names.push_back(unescape(name));
    return true;
}

std::string position_text(const TracePosition& position) {
    return (position.segment ? position.segment->relative_path() : std::string("-")) + "\t" +
           std::to_string(position.offset);
}

bool parse_position(std::string_view path, std::string_view offset, TracePosition& position) {
    position = {};
    if (!number(offset, position.offset))
        return false;
    if (path == "-")
        return position.offset == 0;
    store::SegmentId id;
    bool compressed = false;
    if (!store::parse_segment_path(path, id, compressed) || id.signal != store::Signal::traces)
        return false;
    position.segment = id;
    return true;
}

}  // namespace

// ---- TraceSummaries

TraceSummaries::TraceSummaries(std::string store_root) : m_root(std::move(store_root)), m_path(path_of(m_root)) {}

std::string TraceSummaries::path_of(const std::string& store_root) {
    return store_root + "/projections/traces.summary";
}

void TraceSummaries::add_digest(TraceDigest&& digest) {
    auto [found, inserted] = m_index.emplace(digest.trace_id, m_traces.size());
    if (inserted)
        m_traces.push_back(std::move(digest));
    else
        m_traces[found->second].merge(std::move(digest));
}

void TraceSummaries::load() {
    m_loaded = true;
    m_last_start = 'r';
    Result<std::optional<std::string>> text = files::read_if_exists(m_path);
    if (!text.ok() || !text->has_value())
        return;
    std::string_view rest = **text;
    const std::string first_mark = std::string(k_header) + " first=";
    size_t newline = rest.find('\n');
    if (newline == std::string_view::npos || rest.substr(0, first_mark.size()) != first_mark)
        return;  // another version, or not ours: rebuilt
    m_first_segment = rest.substr(first_mark.size(), newline - first_mark.size());
    rest.remove_prefix(newline + 1);
    bool in_batch = false;
    std::vector<TraceDigest> pending;
    while (!rest.empty()) {
        newline = rest.find('\n');
        if (newline == std::string_view::npos) {
            m_torn_tail = true;  // a cut last line: a writer stopped mid-way
            break;
        }
        std::string_view line = rest.substr(0, newline);
        rest.remove_prefix(newline + 1);
        if (line.starts_with("T\t")) {
            ++m_file_lines;
            TraceDigest digest;
            if (in_batch && parse_digest_line(line, digest))
                pending.push_back(std::move(digest));
            else
                in_batch = false;  // a damaged line spoils its batch
            continue;
        }
        std::vector<std::string_view> fields = split(line, '\t');
        TracePosition position;
        if (fields.size() == 3 && fields[0] == "B" && parse_position(fields[1], fields[2], position)) {
            // Only a batch that continues from where the file is counts (a batch of a writer
            // that was killed, or of a second writer that caught up at the same time, does not).
            in_batch = position == m_position;
            pending.clear();
        } else if (fields.size() == 5 && fields[0] == "P" && in_batch &&
                   parse_position(fields[1], fields[2], position) && number(fields[3], m_corrupt) &&
                   number(fields[4], m_unparsable)) {
            m_position = position;
            for (TraceDigest& digest : pending)
                add_digest(std::move(digest));
            pending.clear();
            in_batch = false;
        } else {
            in_batch = false;
        }
    }
    m_last_start = 'l';
}

Status TraceSummaries::rewrite() {
    std::string content = std::string(k_header) + " first=" + m_first_segment + "\nB\t-\t0\n";
    for (const TraceDigest& digest : m_traces)
        content += digest_line(digest);
    content += "P\t" + position_text(m_position) + "\t" + std::to_string(m_corrupt) + "\t" +
               std::to_string(m_unparsable) + "\n";
    SC_TRY(files::make_directories(m_root + "/projections", 0700));
    SC_TRY(files::write_atomic(m_path, content, files::Durability::none, 0600));
    m_file_lines = m_traces.size();
    m_torn_tail = false;
    return {};
}

Status TraceSummaries::write_batch(const TracePosition& from, const std::vector<TraceDigest>& batch) {
    // One write of whole lines; a cut one leaves a batch without its "P", which reads as absent.
    // After a cut last line, a newline first, so that the cut line does not swallow the "B".
    std::string content = std::string(m_torn_tail ? "\n" : "") + "B\t" + position_text(from) + "\n";
    for (const TraceDigest& digest : batch)
        content += digest_line(digest);
    content += "P\t" + position_text(m_position) + "\t" + std::to_string(m_corrupt) + "\t" +
               std::to_string(m_unparsable) + "\n";
    Status appended = files::append_existing(m_path, content);
    if (appended.ok()) {
        m_file_lines += batch.size();
        m_torn_tail = false;
    }
    return appended;
}

Result<bool> TraceSummaries::catch_up(uint64_t max_bytes) {
    bool loaded_now = !m_loaded;
    if (loaded_now)
        load();
    else
        m_last_start = ' ';
    store::Layout layout(m_root);
    std::vector<store::SegmentFile> segments = SC_TRY(layout.list_all_segments(store::Signal::traces));

    // A position the store no longer has (a replaced store, a pruned day) is started again.
    bool rebuild = loaded_now && m_last_start == 'r';
    if (loaded_now && !rebuild) {
        if (m_position.segment) {
            auto found = std::find_if(segments.begin(), segments.end(),
                                      [&](const store::SegmentFile& file) { return file.id == *m_position.segment; });
            rebuild = found == segments.end() || (!found->compressed && found->bytes < m_position.offset);
        }
        if (m_first_segment != "-" && (segments.empty() || segments.front().id.relative_path() != m_first_segment))
            rebuild = true;
    }
    if (rebuild) {
        (void)::unlink(m_path.c_str());
        m_traces.clear();
        m_index.clear();
        m_position = {};
        m_corrupt = m_unparsable = m_file_lines = 0;
        m_torn_tail = false;
        m_last_start = 'r';
        m_first_segment = segments.empty() ? "-" : segments.front().id.relative_path();
    }

    const TracePosition from = m_position;
    std::vector<TraceDigest> batch;
    std::unordered_map<std::string, size_t> batch_index;
    std::vector<SpanRecord> spans;
    std::vector<DigestSpan> reduced;
    std::vector<std::string> order;
    std::unordered_map<std::string, std::vector<const DigestSpan*>> by_trace;
    uint64_t read_bytes = 0;
    bool more = false;
    for (const store::SegmentFile& segment : segments) {
        if (more)
            break;
        if (m_position.segment && segment.id < *m_position.segment)
            continue;
        if (!m_position.segment || segment.id != *m_position.segment)
            m_position = {segment.id, 0};  // the previous one is finished: writers only move on
        Result<store::SegmentBuffer> read =
            store::read_segment(layout.path(segment.relative_path()), segment.compressed, m_position.offset);
        if (!read.ok()) {
            if (read.error().code == ErrorCode::not_found)
                continue;
            return std::move(read).error();
        }
        std::string_view content = read->content();
        size_t position = 0;
        while (true) {
            size_t end = content.find('\n', position);
            if (end == std::string_view::npos)
                break;  // a line still being written waits for the next catch-up
            if (read_bytes >= max_bytes) {
                more = true;
                break;
            }
            std::string_view line = content.substr(position, end - position);
            const TraceDigest::Line where {segment.id, m_position.offset + position,
                                           static_cast<uint32_t>(std::min<size_t>(line.size(), UINT32_MAX))};
            position = end + 1;
            read_bytes += line.size() + 1;
            if (line.size() < 2 || line.front() != '{' || line.back() != '}') {
                ++m_corrupt;
                continue;
            }
            // The fast reader, or the full parser for a line it does not mirror.
            reduced.clear();
            if (!read_digest_spans(line, read->bytes.size() - (where.offset - m_position.offset), reduced)) {
                spans.clear();
                if (!parse_trace_line(line, spans).ok()) {
                    ++m_unparsable;
                    continue;
                }
                reduced.clear();
                for (const SpanRecord& span : spans)
                    reduced.push_back(DigestSpan::of(span));
            }
            order.clear();
            by_trace.clear();
            for (const DigestSpan& span : reduced) {
                auto [found, inserted] = by_trace.try_emplace(span.trace_id);
                if (inserted)
                    order.push_back(span.trace_id);
                found->second.push_back(&span);
            }
            for (const std::string& id : order) {
                TraceDigest digest = TraceDigest::of(by_trace[id]);
                digest.lines.push_back(where);
                auto [found, inserted] = batch_index.emplace(id, batch.size());
                if (inserted)
                    batch.push_back(std::move(digest));
                else
                    batch[found->second].merge(std::move(digest));
            }
        }
        m_position.offset += position;
    }
    if (m_position == from && batch.empty() && !rebuild)
        return more;

    bool whole = m_traces.empty() && from == TracePosition {};
    if (!whole) {
        // The batch as it will be read back: its digests are merged, so write them first.
        Status appended = write_batch(from, batch);
        for (TraceDigest& digest : batch)
            add_digest(std::move(digest));
        if (!appended.ok() || m_file_lines > 2 * m_traces.size() + 10000)
            (void)rewrite();  // gone, or mostly superseded lines: written whole again
        return more;
    }
    for (TraceDigest& digest : batch)
        add_digest(std::move(digest));
    (void)rewrite();
    return more;
}

TraceListing TraceSummaries::query(const TraceFilter& filter) const {
    std::vector<size_t> matching;
    for (size_t i = 0; i < m_traces.size(); ++i)
        if (m_traces[i].matches(filter))
            matching.push_back(i);
    std::stable_sort(matching.begin(), matching.end(),
                     [&](size_t a, size_t b) { return m_traces[a].start < m_traces[b].start; });
    if (filter.last > 0 && matching.size() > filter.last)
        matching.erase(matching.begin(), matching.end() - static_cast<std::ptrdiff_t>(filter.last));
    TraceListing listing;
    listing.traces.reserve(matching.size());
    for (size_t i : matching)
        listing.traces.push_back(m_traces[i].summary());
    listing.stats.store.corrupt = m_corrupt;
    listing.stats.unparsable = m_unparsable;
    return listing;
}

namespace {

// One set of summaries per store for the life of the process; requests of a server take turns
// (catching up with a few new lines and filtering 100,000 summaries takes milliseconds). Not in
// the template below: each instantiation of a function template has statics of its own.
struct Stores {
    std::mutex mutex;
    std::map<std::string, std::unique_ptr<TraceSummaries>> summaries;
};

Stores& stores() {
    static Stores all;
    return all;
}

template <class Work>
auto with_summaries(const std::string& store_root, Work work) {
    Stores& all = stores();
    std::lock_guard<std::mutex> lock(all.mutex);
    std::unique_ptr<TraceSummaries>& summaries = all.summaries[store_root];
    if (!summaries)
        summaries = std::make_unique<TraceSummaries>(store_root);
    return work(*summaries);
}

}  // namespace

std::vector<const TraceDigest*> TraceSummaries::starting_with(std::string_view prefix) const {
    std::vector<const TraceDigest*> found;
    if (prefix.size() == 32) {
        if (auto exact = m_index.find(std::string(prefix)); exact != m_index.end())
            found.push_back(&m_traces[exact->second]);
        return found;
    }
    for (const TraceDigest& digest : m_traces)
        if (std::string_view(digest.trace_id).starts_with(prefix))
            found.push_back(&digest);
    return found;
}

Result<TraceListing> list_traces(const std::string& store_root, const TraceFilter& filter) {
    return with_summaries(store_root, [&](TraceSummaries& summaries) -> Result<TraceListing> {
        SC_TRY(summaries.catch_up());
        return summaries.query(filter);
    });
}

Result<std::vector<SpanRecord>> load_trace(const std::string& store_root, const std::string& trace_id) {
    std::string wanted = to_lower_ascii(trace_id);
    auto scan = [&] {
        store::Reader reader(store_root);
        return find_trace(reader, trace_id);
    };
    if (wanted.size() < 8 || wanted.size() > 32 ||
        !std::all_of(wanted.begin(), wanted.end(), [](unsigned char c) { return std::isxdigit(c) != 0; }))
        return scan();  // its error names the id
    std::string full;
    std::vector<TraceDigest::Line> lines;
    Result<size_t> matches = with_summaries(store_root, [&](TraceSummaries& summaries) -> Result<size_t> {
        SC_TRY(summaries.catch_up());
        std::vector<const TraceDigest*> found = summaries.starting_with(wanted);
        if (found.size() == 1) {
            full = found.front()->trace_id;
            lines = found.front()->lines;
        }
        return found.size();
    });
    if (!matches.ok() || *matches != 1 || lines.empty())
        return scan();  // unknown here, or ambiguous: the scan says so in its words
    store::Layout layout(store_root);
    std::vector<SpanRecord> spans;
    std::vector<SpanRecord> line_spans;
    for (const TraceDigest::Line& line : lines) {
        Result<store::SegmentBuffer> read = store::read_range(layout, line.segment, line.offset, line.length);
        if (!read.ok())
            return scan();  // pruned or replaced since: the scan knows what is left
        line_spans.clear();
        if (!parse_trace_line(read->content(), line_spans).ok())
            return scan();
        for (SpanRecord& span : line_spans)
            if (span.trace_id == full)
                spans.push_back(std::move(span));
    }
    if (spans.empty())
        return scan();
    return spans;
}

TraceSummaryKeeper::TraceSummaryKeeper(std::string store_root, std::chrono::milliseconds interval) {
    m_thread = std::thread([this, root = std::move(store_root), interval] {
        // 8 MiB of lines (about 25,000 spans) per step, so a request waits at most one step.
        constexpr uint64_t k_step_bytes = 8u << 20;
        std::unique_lock<std::mutex> lock(m_mutex);
        while (!m_stop) {
            lock.unlock();
            Result<bool> more =
                with_summaries(root, [](TraceSummaries& summaries) { return summaries.catch_up(k_step_bytes); });
            lock.lock();
            if (!(more.ok() && *more))
                m_wake.wait_for(lock, interval, [this] { return m_stop; });
        }
    });
}

TraceSummaryKeeper::~TraceSummaryKeeper() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

}  // namespace sc::observe

#include "store/maintenance.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "store/envelope.hpp"
#include "store/event_parser.hpp"
#include "store/hash.hpp"
#include "store/head.hpp"
#include "store/segment_file.hpp"
#include "store/store.hpp"
#include "store/stream_index.hpp"
#include "util/files.hpp"

namespace sc::store {

namespace {

// Validates a signal line completely: it must be one JSON object.
bool valid_signal_line(std::string_view line, size_t capacity) {
    thread_local simdjson::dom::parser t_parser;
    if (line.size() < 2 || line.front() != '{' || capacity < line.size() + simdjson::SIMDJSON_PADDING)
        return false;
    simdjson::dom::element root;
    return t_parser.parse(line.data(), line.size(), false).get(root) == simdjson::SUCCESS &&
           root.type() == simdjson::dom::element_type::OBJECT;
}

// One segment's lines, classified; events also parsed.
struct SegmentScan {
    uint64_t lines = 0;
    std::vector<std::pair<size_t, size_t>> bad_lines;  // offset, length (without newline)
    size_t complete_bytes = 0;                         // up to and including the last newline
    size_t content_bytes = 0;
};

Result<SegmentBuffer> load(const Layout& layout, const SegmentFile& segment) {
    return read_segment(layout.path(segment.relative_path()), segment.compressed);
}

SegmentScan scan_segment(const SegmentBuffer& buffer, Signal signal, EventParser& parser,
                         const std::function<void(const EventView&, size_t offset, size_t length)>& on_event) {
    SegmentScan scan;
    std::string_view content = buffer.content();
    scan.content_bytes = content.size();
    size_t position = 0;
    while (position < content.size()) {
        size_t end = content.find('\n', position);
        if (end == std::string_view::npos)
            break;
        std::string_view line = content.substr(position, end - position);
        ++scan.lines;
        size_t capacity = buffer.bytes.size() - position;
        if (signal == Signal::events) {
            EventView event;
            if (parser.parse(line, capacity, event)) {
                if (on_event)
                    on_event(event, position, line.size());
            } else {
                scan.bad_lines.emplace_back(position, line.size());
            }
        } else if (!valid_signal_line(line, capacity)) {
            scan.bad_lines.emplace_back(position, line.size());
        }
        position = end + 1;
    }
    scan.complete_bytes = position;
    return scan;
}

std::optional<HeadState> load_head(const Layout& layout) {
    int fd = ::open(layout.head_path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    Result<HeadState> head = read_head(fd, layout.head_path());
    ::close(fd);
    if (!head.ok())
        return std::nullopt;
    return *head;
}

uint64_t count_files(const std::string& folder) {
    uint64_t count = 0;
    if (DIR* directory = ::opendir(folder.c_str())) {
        while (dirent* entry = ::readdir(directory)) {
            if (entry->d_name[0] != '.')
                ++count;
        }
        ::closedir(directory);
    }
    return count;
}

std::string day_label(Signal signal, Day day) {
    return std::string(signal_name(signal)) + "/" + format_day(day);
}

}  // namespace

std::string StatusReport::to_json() const {
    nlohmann::json out;
    out["root"] = root;
    out["total_bytes"] = total_bytes;
    out["events"] = events;
    out["head_seq"] = head_seq;
    out["oldest_event_time"] = oldest_event_time;
    out["newest_event_time"] = newest_event_time;
    out["corrupt_lines"] = corrupt_lines;
    out["incomplete_tails"] = incomplete_tails;
    out["quarantined_files"] = quarantined_files;
    for (Signal signal : k_all_signals) {
        auto index = static_cast<size_t>(signal);
        out["signals"][std::string(signal_name(signal))] = {{"lines", lines_by_signal[index]},
                                                            {"bytes", bytes_by_signal[index]}};
    }
    out["days"] = nlohmann::json::array();
    for (const DayUsage& day : days)
        out["days"].push_back({{"signal", signal_name(day.signal)},
                               {"day", format_day(day.day)},
                               {"segments", day.segments},
                               {"compressed_segments", day.compressed_segments},
                               {"bytes", day.bytes},
                               {"lines", day.lines},
                               {"corrupt", day.corrupt}});
    return out.dump();
}

Result<StatusReport> status(const std::string& root) {
    Layout layout(root);
    if (!files::is_directory(root))
        return make_error(ErrorCode::not_found, "the telemetry store folder does not exist", Location {root, 0, {}},
                          "nothing has been recorded yet, or telemetry.dir points elsewhere");
    StatusReport report;
    report.root = root;
    EventParser parser;
    int64_t oldest = 0, newest = 0;
    for (Signal signal : k_all_signals) {
        std::vector<SegmentFile> segments = SC_TRY(layout.list_all_segments(signal));
        auto index = static_cast<size_t>(signal);
        for (size_t i = 0; i < segments.size(); ++i) {
            const SegmentFile& segment = segments[i];
            if (report.days.empty() || report.days.back().signal != signal || report.days.back().day != segment.id.day)
                report.days.push_back(DayUsage {signal, segment.id.day});
            DayUsage& day = report.days.back();
            ++day.segments;
            day.compressed_segments += segment.compressed ? 1 : 0;
            day.bytes += segment.bytes;
            report.bytes_by_signal[index] += segment.bytes;
            report.total_bytes += segment.bytes;
            Result<SegmentBuffer> buffer = load(layout, segment);
            if (!buffer.ok()) {
                if (buffer.error().code == ErrorCode::not_found)
                    continue;
                return std::move(buffer).error();
            }
            SegmentScan scan = scan_segment(*buffer, signal, parser, [&](const EventView& event, size_t, size_t) {
                if (report.events == 0 || event.time_unix_nanos < oldest)
                    oldest = event.time_unix_nanos;
                newest = std::max(newest, event.time_unix_nanos);
                ++report.events;
            });
            day.lines += scan.lines;
            day.corrupt += scan.bad_lines.size();
            report.lines_by_signal[index] += scan.lines;
            report.corrupt_lines += scan.bad_lines.size();
            if (scan.complete_bytes < scan.content_bytes) {
                if (i + 1 == segments.size())
                    ++report.incomplete_tails;
                else
                    ++report.corrupt_lines;
            }
        }
    }
    if (report.events > 0) {
        append_time(report.oldest_event_time, oldest);
        append_time(report.newest_event_time, newest);
    }
    if (std::optional<HeadState> head = load_head(layout))
        report.head_seq = head->seq;
    report.quarantined_files = count_files(layout.quarantine_folder());
    return report;
}

std::string CheckReport::to_json() const {
    nlohmann::json out = {{"clean", clean()},
                          {"segments_checked", segments_checked},
                          {"lines_checked", lines_checked},
                          {"corrupt_lines", corrupt_lines},
                          {"torn_tails", torn_tails},
                          {"seq_problems", seq_problems},
                          {"index_problems", index_problems},
                          {"missing_events", missing_events},
                          {"repaired", repaired},
                          {"lines_quarantined", lines_quarantined},
                          {"tails_quarantined", tails_quarantined},
                          {"index_rebuilt", index_rebuilt},
                          {"issues", nlohmann::json::array()}};
    for (const CheckIssue& issue : issues)
        out["issues"].push_back(
            {{"kind", issue.kind}, {"where", issue.where}, {"offset", issue.offset}, {"detail", issue.detail}});
    return out.dump();
}

namespace {

void add_issue(CheckReport& report, std::string kind, std::string where, uint64_t offset, std::string detail) {
    if (report.issues.size() < CheckReport::k_max_issues)
        report.issues.push_back(CheckIssue {std::move(kind), std::move(where), offset, std::move(detail)});
}

// Rewrites one segment without its bad lines and torn tail, after copying them to
// quarantine/. The copy is written (and synced) before the segment changes.
Status quarantine_lines(const Layout& layout, const SegmentFile& segment, const SegmentBuffer& buffer,
                        const SegmentScan& scan, CheckReport& report) {
    std::string_view content = buffer.content();
    std::string rejected;
    std::string kept;
    kept.reserve(content.size());
    size_t position = 0;
    for (const auto& [offset, length] : scan.bad_lines) {
        kept.append(content.substr(position, offset - position));
        rejected.append(content.substr(offset, length + 1));
        position = offset + length + 1;
        ++report.lines_quarantined;
    }
    kept.append(content.substr(position, scan.complete_bytes - position));
    if (scan.complete_bytes < content.size()) {
        rejected.append(content.substr(scan.complete_bytes));
        rejected += '\n';
        ++report.tails_quarantined;
    }
    SC_TRY(make_private_directories(layout.quarantine_folder()));
    std::string name = segment.id.relative_path();
    std::replace(name.begin(), name.end(), '/', '_');
    std::string target = layout.quarantine_folder() + "/" + name + ".rejected";
    // Several repairs of one segment keep all their rejects: append to what is there.
    std::string previous;
    if (Result<std::string> existing = files::read(target); existing.ok())
        previous = std::move(*existing);
    SC_TRY(files::write_atomic(target, previous + rejected, files::Durability::sync, k_file_mode));
    std::string path = layout.path(segment.relative_path());
    if (segment.compressed) {
        std::string packed = SC_TRY(zstd_compress(kept));
        return files::write_atomic(path, packed, files::Durability::sync, k_file_mode);
    }
    return files::write_atomic(path, kept, files::Durability::sync, k_file_mode);
}

// Losses a writer found and rebuilt the index past (recovery.cpp leaves one line each in
// quarantine/lost-events.txt): the head no longer counts those events, so only the note says
// they were acknowledged. A repair reports them once more and renames the note, kept.
void report_lost_notes(const Layout& layout, bool repair, CheckReport& report) {
    std::string path = layout.quarantine_folder() + "/" + std::string(k_lost_events_file);
    Result<std::string> notes = files::read(path);
    if (!notes.ok())
        return;
    std::istringstream lines(*notes);
    std::string word, segment;
    uint64_t first = 0, last = 0, found = 0, counted = 0;
    while (lines >> word >> first >> last >> segment >> found >> counted) {
        if (word != "lost" || last < first)
            continue;
        report.missing_events += last - first + 1;
        add_issue(report, "events_missing", "quarantine/" + std::string(k_lost_events_file), 0,
                  "seqs " + std::to_string(first) + ".." + std::to_string(last) +
                      ", acknowledged in index/head, were missing from " + segment + " (" + std::to_string(found) +
                      " of " + std::to_string(counted) + " bytes left) when a writer rebuilt the index");
    }
    if (repair) {
        std::string kept = path + ".reported-" + std::to_string(SystemClock().now_unix_nanos() / 1'000'000'000);
        (void)::rename(path.c_str(), kept.c_str());
    }
}

Status run_check(const Layout& layout, bool repair, CheckReport& report) {
    EventParser parser;
    std::map<std::string, std::vector<StreamRecord>> expected;
    std::vector<uint64_t> seqs;
    for (Signal signal : k_all_signals) {
        std::vector<SegmentFile> segments = SC_TRY(layout.list_all_segments(signal));
        for (size_t i = 0; i < segments.size(); ++i) {
            const SegmentFile& segment = segments[i];
            std::string relative = segment.relative_path();
            Result<SegmentBuffer> buffer = load(layout, segment);
            if (!buffer.ok()) {
                if (buffer.error().code == ErrorCode::parse) {
                    ++report.corrupt_lines;
                    add_issue(report, "damaged_compressed_segment", relative, 0, buffer.error().message);
                    continue;
                }
                if (buffer.error().code == ErrorCode::not_found)
                    continue;
                return std::move(buffer).error();
            }
            ++report.segments_checked;
            SegmentScan scan =
                scan_segment(*buffer, signal, parser, [&](const EventView& event, size_t offset, size_t length) {
                    std::vector<StreamRecord>& versions = expected[std::string(event.stream)];
                    if (versions.size() < event.version)
                        versions.resize(event.version);
                    if (!versions[event.version - 1].present())
                        versions[event.version - 1] = StreamRecord {
                            event.seq,        segment.id.day, segment.id.number, offset, static_cast<uint32_t>(length),
                            fnv1a64(event.id)};
                    seqs.push_back(event.seq);
                });
            report.lines_checked += scan.lines;
            report.corrupt_lines += scan.bad_lines.size();
            for (const auto& [offset, length] : scan.bad_lines)
                add_issue(report, "corrupt_line", relative, offset, "not a valid record");
            bool torn = scan.complete_bytes < scan.content_bytes;
            if (torn) {
                // Without the lock the newest segment's last line may still be being written.
                bool maybe_in_progress = !repair && i + 1 == segments.size();
                if (maybe_in_progress) {
                    add_issue(report, "incomplete_tail", relative, scan.complete_bytes,
                              "last line has no newline yet (a writer at work, or torn)");
                } else {
                    ++report.torn_tails;
                    add_issue(report, "torn_tail", relative, scan.complete_bytes, "line cut short by a crash");
                }
            }
            if (repair && (!scan.bad_lines.empty() || torn))
                SC_TRY(quarantine_lines(layout, segment, *buffer, scan, report));
        }
    }
    std::sort(seqs.begin(), seqs.end());
    for (size_t i = 1; i < seqs.size(); ++i) {
        if (seqs[i] == seqs[i - 1]) {
            ++report.seq_problems;
            add_issue(report, "seq_duplicate", "events", seqs[i], "seq assigned twice");
        } else if (seqs[i] != seqs[i - 1] + 1) {
            ++report.seq_problems;
            add_issue(report, "seq_gap", "events", seqs[i - 1] + 1,
                      "seqs " + std::to_string(seqs[i - 1] + 1) + ".." + std::to_string(seqs[i] - 1) + " are absent");
        }
    }
    // The head counts every acknowledged event: a head ahead of the segments means events were
    // lost after they were stored (a segment emptied, cut or removed by hand). Said in a repair
    // too, which rebuilds the index from what is left and so would otherwise hide the loss.
    std::optional<HeadState> head = load_head(layout);
    const uint64_t last_stored = seqs.empty() ? 0 : seqs.back();
    if (head && head->seq > last_stored) {
        report.missing_events += head->seq - last_stored;
        std::string missing = std::to_string(last_stored + 1) + ".." + std::to_string(head->seq);
        add_issue(report, "events_missing", "index/head", 0,
                  "index/head records " + std::to_string(head->seq) + " acknowledged events but the segments " +
                      (seqs.empty() ? std::string("hold none") : "end at seq " + std::to_string(last_stored)) +
                      ": seqs " + missing + " are missing (a segment emptied, cut or removed by hand?)");
    }
    report_lost_notes(layout, repair, report);
    if (repair)
        return {};  // the index is rebuilt after the lines are fixed
    if (!head) {
        if (!seqs.empty()) {
            ++report.index_problems;
            add_issue(report, "index_missing", "index/head", 0, "rebuilt by the next append or by --repair");
        }
        return {};
    }
    if (!seqs.empty() && head->seq < seqs.back()) {  // behind: a writer died before updating it
        ++report.index_problems;
        add_issue(
            report, "index_head", "index/head", 0,
            "head says seq " + std::to_string(head->seq) + ", the segments end at " + std::to_string(seqs.back()));
    }
    for (const auto& [stream, versions] : expected) {
        Result<std::optional<std::vector<StreamRecord>>> records = read_indexed_stream(layout, stream);
        if (!records.ok() || !*records || **records != versions) {
            ++report.index_problems;
            add_issue(report, "index_stream", "index/streams/" + stream_file_name(stream), 0,
                      "stream " + stream + " index disagrees with the segments");
        }
    }
    return {};
}

}  // namespace

Result<CheckReport> check(const std::string& root, CheckMode mode) {
    Layout layout(root);
    if (!files::is_directory(root))
        return make_error(ErrorCode::not_found, "the telemetry store folder does not exist", Location {root, 0, {}});
    CheckReport report;
    if (mode == CheckMode::report) {
        SC_TRY(run_check(layout, false, report));
        return report;
    }
    {
        // Writers wait while segments are rewritten; removing the head makes every writer
        // (and reader) distrust index/ until it is rebuilt just below.
        files::FileLock lock = SC_TRY(files::FileLock::acquire(layout.lock_path()));
        SC_TRY(run_check(layout, true, report));
        ::unlink(layout.head_path().c_str());
    }
    Store store = SC_TRY(Store::open(root));
    SC_TRY(store.rebuild_index());
    report.repaired = true;
    report.index_rebuilt = true;
    return report;
}

std::string PruneReport::to_json() const {
    return nlohmann::json {{"deleted_days", deleted_days},
                           {"compressed_days", compressed_days},
                           {"bytes_before", bytes_before},
                           {"bytes_after", bytes_after},
                           {"dry_run", dry_run}}
        .dump();
}

namespace {

// Days that pruning must leave alone: today, and each signal's active day (and later).
std::array<Day, 4> protected_from(const Layout& layout, Day today) {
    std::array<Day, 4> from {today, today, today, today};
    std::optional<HeadState> head = load_head(layout);
    for (Signal signal : k_all_signals) {
        auto index = static_cast<size_t>(signal);
        if (head && head->of(signal).number != 0) {
            from[index] = std::min(from[index], head->of(signal).day);
        } else if (Result<std::vector<Day>> days = layout.list_days(signal); days.ok() && !days->empty()) {
            from[index] = std::min(from[index], days->back());  // without a head: spare the newest day
        }
    }
    return from;
}

Status delete_day(const Layout& layout, Signal signal, Day day) {
    std::vector<SegmentFile> segments = SC_TRY(layout.list_segments(signal, day));
    for (const SegmentFile& segment : segments) {
        std::string path = layout.path(segment.relative_path());
        if (::unlink(path.c_str()) != 0 && errno != ENOENT)
            return files::from_errno(errno, "deleting segment", path);
    }
    ::rmdir(layout.day_folder(signal, day).c_str());  // stays if something else lives there
    return {};
}

}  // namespace

Status compress_day(const std::string& root, Signal signal, Day day) {
    Layout layout(root);
    SystemClock clock;
    if (day >= protected_from(layout, day_of_unix_nanos(clock.now_unix_nanos()))[static_cast<size_t>(signal)])
        return {};
    std::vector<SegmentFile> segments = SC_TRY(layout.list_segments(signal, day));
    for (const SegmentFile& segment : segments) {
        if (!segment.compressed)
            SC_TRY(compress_segment(layout.path(segment.relative_path())));
    }
    return {};
}

Result<PruneReport> prune(const std::string& root, const PrunePolicy& policy) {
    Layout layout(root);
    SystemClock system_clock;
    const Clock& clock = policy.clock != nullptr ? *policy.clock : system_clock;
    Day today = day_of_unix_nanos(clock.now_unix_nanos());
    std::array<Day, 4> protect = protected_from(layout, today);
    PruneReport report;
    report.dry_run = policy.dry_run;

    struct DayEntry {
        Day day;
        Signal signal;
        uint64_t bytes;
        bool all_compressed;
    };
    std::vector<DayEntry> entries;
    for (Signal signal : k_all_signals) {
        for (Day day : SC_TRY(layout.list_days(signal))) {
            std::vector<SegmentFile> segments = SC_TRY(layout.list_segments(signal, day));
            uint64_t bytes = 0;
            bool all_compressed = true;
            for (const SegmentFile& segment : segments) {
                bytes += segment.bytes;
                all_compressed = all_compressed && segment.compressed;
            }
            entries.push_back(DayEntry {day, signal, bytes, all_compressed});
            report.bytes_before += bytes;
        }
    }
    std::sort(entries.begin(), entries.end(), [](const DayEntry& a, const DayEntry& b) {
        return a.day != b.day ? a.day < b.day : a.signal < b.signal;
    });
    uint64_t total = report.bytes_before;
    auto prunable = [&](const DayEntry& entry) { return entry.day < protect[static_cast<size_t>(entry.signal)]; };
    auto compress = [&](DayEntry& entry) -> Status {
        if (entry.all_compressed)
            return {};
        report.compressed_days.push_back(day_label(entry.signal, entry.day));
        if (policy.dry_run)
            return {};
        SC_TRY(compress_day(root, entry.signal, entry.day));
        uint64_t bytes = 0;
        for (const SegmentFile& segment : SC_TRY(layout.list_segments(entry.signal, entry.day)))
            bytes += segment.bytes;
        total = total - entry.bytes + bytes;
        entry.bytes = bytes;
        entry.all_compressed = true;
        return {};
    };
    std::vector<bool> deleted(entries.size(), false);
    auto remove = [&](size_t index) -> Status {
        DayEntry& entry = entries[index];
        report.deleted_days.push_back(day_label(entry.signal, entry.day));
        deleted[index] = true;
        total -= entry.bytes;
        if (!policy.dry_run)
            SC_TRY(delete_day(layout, entry.signal, entry.day));
        return {};
    };
    for (size_t i = 0; i < entries.size(); ++i) {
        DayEntry& entry = entries[i];
        if (!prunable(entry))
            continue;
        if (policy.max_age_days && entry.day < today - *policy.max_age_days) {
            if (policy.compress_instead_of_delete)
                SC_TRY(compress(entry));
            else
                SC_TRY(remove(i));
            continue;
        }
        if (policy.compress_after_days && entry.day < today - *policy.compress_after_days)
            SC_TRY(compress(entry));
    }
    if (policy.max_total_bytes) {
        for (size_t i = 0; i < entries.size() && total > *policy.max_total_bytes; ++i) {
            if (!deleted[i] && prunable(entries[i]))
                SC_TRY(remove(i));
        }
    }
    report.bytes_after = total;
    return report;
}

}  // namespace sc::store

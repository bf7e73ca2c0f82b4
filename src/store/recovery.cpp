// Recovery: what a writer does, under the store lock, when the files disagree with the head.
// A writer killed between writing a segment and updating the head leaves complete lines the
// head does not count, and perhaps a torn last line. The next writer indexes the complete
// lines (they are stored events; dropping them would lose data) and moves the torn bytes to
// quarantine/ before cutting the segment back, so the segment stays valid JSON Lines.
// Anything worse (a head that is missing, damaged or ahead of the files) rebuilds index/
// from the segments, which are the only primary data.

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "store/hash.hpp"
#include "store/segment_file.hpp"
#include "store/writer.hpp"
#include "util/files.hpp"

namespace sc::store {

Status Store::Impl::open_head() {
    if (head_fd >= 0) {
        struct stat info {};
        if (::fstat(head_fd, &info) == 0 && info.st_nlink > 0)
            return {};
        ::close(head_fd);  // index/ was deleted or rebuilt: use the file that is there now
        head_fd = -1;
    }
    head_fd = ::open(layout.head_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, k_file_mode);
    if (head_fd < 0 && errno == ENOENT) {
        SC_TRY(make_private_directories(layout.index_folder()));
        head_fd = ::open(layout.head_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, k_file_mode);
    }
    if (head_fd < 0)
        return files::from_errno(errno, "opening the store head", layout.head_path());
    return {};
}

Status Store::Impl::save_head() {
    // Checked (still linked) when the lock session read it; only a first head is opened here.
    if (head_fd < 0)
        SC_TRY(open_head());
    return write_head(head_fd, layout.head_path(), head);
}

std::string Store::Impl::heads_path(uint64_t capacity) const {
    return layout.index_folder() + "/" + heads_file_name(capacity);
}

Status Store::Impl::open_index() {
    if (head.index_generation == 0 || head.heads_capacity == 0)
        return rebuild();
    if (heads.is_open() && log_fd >= 0 && index_generation == head.index_generation &&
        heads.capacity() == head.heads_capacity && (heads.mapped() || !map_heads)) {
        heads.forget();  // what this process opened last time is still current
        return {};
    }
    close_index();
    Result<HeadsTable> opened = HeadsTable::open(heads_path(head.heads_capacity), head.heads_capacity, map_heads);
    if (!opened.ok())
        return opened.error().code == ErrorCode::not_found ? rebuild() : std::move(opened).error();
    int fd = ::open(log_path(head.index_generation).c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return errno == ENOENT ? rebuild() : files::from_errno(errno, "opening", log_path(head.index_generation));
    heads = std::move(opened.value());
    log_fd = fd;
    index_generation = head.index_generation;
    return {};
}

Status Store::Impl::reserve_heads(uint64_t streams, bool force) {
    uint64_t needed = head.heads_count + streams;
    uint64_t capacity = heads.capacity() * (force ? 2 : 1);
    while (needed * 10 > capacity * 7)  // linear probing stays short below 70 % full
        capacity *= 2;
    if (capacity == heads.capacity())
        return {};
    // A larger table beside the old one; the head names the new capacity (and so the new
    // file), so other writers open it, and readers that read the old head try again.
    std::vector<HeadSlot> slots = SC_TRY(heads.used());
    SC_TRY(HeadsTable::create(heads_path(capacity), capacity, slots));
    HeadsTable grown = SC_TRY(HeadsTable::open(heads_path(capacity), capacity, map_heads));
    uint64_t old_capacity = heads.capacity();
    heads = std::move(grown);
    head.heads_capacity = capacity;
    head.heads_count = slots.size();
    SC_TRY(save_head());
    ::unlink(heads_path(old_capacity).c_str());
    return {};
}

Status Store::Impl::compact() {
    uint64_t bytes = head.index_log_bytes;
    std::string text(bytes, '\0');
    if (::pread(log_fd, text.data(), bytes, 0) != static_cast<ssize_t>(bytes))
        return files::from_errno(errno, "reading", log_path(index_generation));
    // Each stream's records, in version order, as runs of consecutive versions.
    struct Run {
        uint64_t first = 0, next = 0;
        std::string records;
    };
    std::unordered_map<std::string_view, std::vector<Run>> runs;
    size_t position = 0;
    while (position < text.size()) {
        uint64_t version = 0;
        std::string_view name;
        size_t length = 0;
        if (!decode_log_frame(std::string_view(text).substr(position), version, name, length))
            return make_error(ErrorCode::parse, "damaged index log record",
                              Location {log_path(index_generation), 0, {}}, "run `sc telemetry check --repair`");
        std::vector<Run>& stream = runs[name];
        if (stream.empty() || stream.back().next != version)
            stream.push_back(Run {version, version, {}});
        stream.back().records.append(text, position, k_stream_record_bytes - 1);
        stream.back().records += '\n';
        ++stream.back().next;
        position += length;
    }
    bool made_folder = false;
    for (const auto& [stream, stream_runs] : runs) {
        std::string path = layout.streams_folder() + "/" + stream_file_name(stream);
        int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, k_file_mode);
        if (fd < 0 && errno == ENOENT && !made_folder) {
            SC_TRY(make_private_directories(layout.streams_folder()));
            made_folder = true;
            fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, k_file_mode);
        }
        if (fd < 0)
            return files::from_errno(errno, "opening stream index", path);
        // At the versions' own places: doing it again after a crash writes the same bytes.
        Status written;
        for (const Run& run : stream_runs) {
            written = files::pwrite_all(fd, run.records, (run.first - 1) * k_stream_record_bytes, path);
            if (!written.ok())
                break;
        }
        ::close(fd);
        SC_TRY(std::move(written));
    }
    // The next generation's empty log, then the head that names it: from then on the stream
    // files hold what the old log held, and slots pointing into the old log are ignored.
    uint64_t next = index_generation + 1;
    int fd = ::open(log_path(next).c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, k_file_mode);
    if (fd < 0)
        return files::from_errno(errno, "creating", log_path(next));
    HeadState saved = head;
    head.index_generation = next;
    head.index_log_bytes = 0;
    if (Status written = save_head(); !written.ok()) {
        head = saved;
        ::close(fd);
        ::unlink(log_path(next).c_str());
        return written;
    }
    ::unlink(log_path(index_generation).c_str());
    ::close(log_fd);
    log_fd = fd;
    index_generation = next;
    stored_ids.clear();
    return {};
}

Result<int> Store::Impl::open_segment(Signal signal, const ActiveSegment& active, bool create, uint64_t& size) {
    auto index = static_cast<size_t>(signal);
    SegmentId id = active.id(signal);
    struct stat info {};
    if (segment_fds[index] >= 0 && segment_ids[index] == id) {
        // One fstat answers both questions: is the file still linked, and how big is it.
        if (::fstat(segment_fds[index], &info) == 0 && info.st_nlink > 0) {
            size = static_cast<uint64_t>(info.st_size);
            return segment_fds[index];
        }
    }
    close_segment(signal);
    std::string path = layout.segment_path(id);
    int flags = O_RDWR | O_APPEND | O_CLOEXEC | (create ? O_CREAT : 0);
    int fd = ::open(path.c_str(), flags, k_file_mode);
    if (fd < 0 && errno == ENOENT && create) {
        SC_TRY(make_private_directories(layout.day_folder(signal, active.day)));
        fd = ::open(path.c_str(), flags, k_file_mode);
    }
    if (fd < 0)
        return files::from_errno(errno, "opening segment", path);
    if (::fstat(fd, &info) != 0) {
        int saved = errno;
        ::close(fd);
        return files::from_errno(saved, "reading segment size", path);
    }
    size = static_cast<uint64_t>(info.st_size);
    segment_fds[index] = fd;
    segment_ids[index] = id;
    return fd;
}

Status Store::Impl::validate_active(Signal signal, bool create) {
    ActiveSegment active = head.of(signal);
    if (active.number == 0)
        return {};
    uint64_t size = 0;
    Result<int> fd = open_segment(signal, active, create, size);
    if (!fd.ok()) {
        if (fd.error().code == ErrorCode::not_found && !create)
            return active.size == 0 ? Status {} : rebuild();
        return std::move(fd).error();
    }
    if (size == active.size)
        return {};
    if (size > active.size)
        return recover_tail(signal, *fd, active.size, size);
    // Bytes the head counted are gone (a segment emptied or cut by hand, a power cut): trust
    // only the segments. The rebuilt head forgets the events it had acknowledged, so a note in
    // quarantine/ keeps the loss for `telemetry check` to report (docs/store.md).
    const uint64_t acknowledged = head.seq;
    const std::string segment = active.id(signal).relative_path();
    SC_TRY(rebuild());
    if (signal == Signal::events && acknowledged > head.seq) {
        std::string note = "lost " + std::to_string(head.seq + 1) + " " + std::to_string(acknowledged) + " " + segment +
                           " " + std::to_string(size) + " " + std::to_string(active.size) + "\n";
        std::string path = layout.quarantine_folder() + "/" + std::string(k_lost_events_file);
        // Best effort: the store carries on without the note (check then sees no loss).
        if (make_private_directories(layout.quarantine_folder()).ok()) {
            int note_fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, k_file_mode);
            if (note_fd >= 0) {
                (void)files::write_all(note_fd, note, path);
                ::close(note_fd);
            }
        }
    }
    return {};
}

Status Store::Impl::quarantine_tail(Signal signal, const std::string& path, int fd, uint64_t keep,
                                    std::string_view torn) {
    SC_TRY(make_private_directories(layout.quarantine_folder()));
    SegmentId id;
    bool compressed = false;
    std::string name = std::string(signal_name(signal)) + "-torn";
    if (parse_segment_path(path.substr(layout.root().size() + 1), id, compressed))
        name = std::string(signal_name(signal)) + "-" + format_day(id.day) + "-" + std::to_string(id.number);
    char suffix[64];
    std::snprintf(suffix, sizeof suffix, "-at-%" PRIu64 "-%" PRId64 ".torn", keep, clock->now_unix_nanos());
    SC_TRY(files::create_exclusive(layout.quarantine_folder() + "/" + name + suffix, torn, k_file_mode));
    if (::ftruncate(fd, static_cast<off_t>(keep)) != 0)
        return files::from_errno(errno, "cutting a torn line from", path);
    return {};
}

Status Store::Impl::recover_tail(Signal signal, int fd, uint64_t from, uint64_t size) {
    std::string path = layout.segment_path(head.of(signal).id(signal));
    std::string bytes(size - from + k_parse_padding, ' ');
    size_t got_total = 0;
    while (got_total < size - from) {
        ssize_t got =
            ::pread(fd, bytes.data() + got_total, size - from - got_total, static_cast<off_t>(from + got_total));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return files::from_errno(got < 0 ? errno : EIO, "reading the tail of", path);
        got_total += static_cast<size_t>(got);
    }
    std::string_view content(bytes.data(), size - from);
    size_t last_newline = content.rfind('\n');
    size_t keep = last_newline == std::string_view::npos ? 0 : last_newline + 1;
    if (keep < content.size())
        SC_TRY(quarantine_tail(signal, path, fd, from + keep, content.substr(keep)));
    ActiveSegment& active = head.of(signal);
    if (signal == Signal::events) {
        // Records past the acknowledged end of the log are the dead writer's: cut them, then
        // index its complete lines again. A stream slot it already moved on means it died
        // between updating the heads and the head: only a rebuild can tell what is true.
        if (::ftruncate(log_fd, static_cast<off_t>(head.index_log_bytes)) != 0)
            return files::from_errno(errno, "cutting the index log", log_path(index_generation));
        SC_TRY(reserve_heads(static_cast<uint64_t>(std::count(content.begin(), content.begin() + keep, '\n'))));
        std::string records;
        uint64_t log_base = head.index_log_bytes;
        std::unordered_set<const HeadSlot*> touched;
        size_t position = 0;
        while (position < keep) {
            size_t end = content.find('\n', position);
            std::string_view line = content.substr(position, end - position);
            EventView event;
            if (parser.parse(line, bytes.size() - position, event)) {
                bool claimed = false;
                HeadSlot* slot = SC_TRY(heads.slot(stream_key(event.stream), claimed));
                if (slot == nullptr)
                    return rebuild();
                if (claimed)
                    ++head.heads_count;
                uint64_t last = slot->last_generation == index_generation ? slot->last : 0;
                if (slot->version + 1 != event.version || (last > log_base && touched.count(slot) == 0))
                    return rebuild();
                touched.insert(slot);
                uint64_t at = log_base + records.size();
                append_log_record(records,
                                  StreamRecord {event.seq, active.day, active.number, from + position,
                                                static_cast<uint32_t>(line.size()), fnv1a64(event.id)},
                                  event.version, last, event.stream);
                // Ahead of the log until it is written below; if that fails, the next writer
                // finds the slot ahead and rebuilds.
                slot->version = event.version;
                slot->last = at + 1;
                slot->last_generation = index_generation;
                head.seq = std::max(head.seq, event.seq);
                head.last_time_unix_nanos = std::max(head.last_time_unix_nanos, event.time_unix_nanos);
            }
            position = end + 1;
        }
        SC_TRY(files::pwrite_all(log_fd, records, log_base, log_path(index_generation)));
        for (const HeadSlot* slot : touched)
            SC_TRY(heads.save(const_cast<HeadSlot*>(slot)));
        head.index_log_bytes = log_base + records.size();
    }
    active.size = from + keep;
    ++counters.tails_recovered;
    return save_head();
}

// Removes a folder of plain files (index folders hold no subfolders).
static void remove_flat_folder(const std::string& folder) {
    if (DIR* directory = ::opendir(folder.c_str())) {
        while (dirent* entry = ::readdir(directory)) {
            std::string_view name = entry->d_name;
            if (name != "." && name != "..")
                ::unlink((folder + "/" + std::string(name)).c_str());
        }
        ::closedir(directory);
    }
    ::rmdir(folder.c_str());
}

Status Store::Impl::rebuild() {
    Status rebuilt = rebuild_index_files();
    if (rebuilt.ok())
        return rebuilt;
    // A failure (a full disk) names the index, whatever the caller was storing when it found
    // the index in need of a rebuild, and leaves no half-built folder behind in index/.
    remove_flat_folder(layout.index_folder() + "/streams.new-" + std::to_string(pid));
    Error error = std::move(rebuilt).error();
    error.message = "rebuilding the store index: " + error.message;
    return error;
}

Status Store::Impl::rebuild_index_files() {
    ++counters.index_rebuilds;
    close_index();
    for (Signal signal : k_all_signals)
        close_segment(signal);
    HeadState fresh;
    std::unordered_map<std::string, std::vector<StreamRecord>> records;
    for (Signal signal : k_all_signals) {
        std::vector<SegmentFile> segments = SC_TRY(layout.list_all_segments(signal));
        for (size_t i = 0; i < segments.size(); ++i) {
            const SegmentFile& segment = segments[i];
            std::string path = layout.segment_path(segment.id, segment.compressed);
            Result<SegmentBuffer> read = read_segment(path, segment.compressed);
            if (!read.ok()) {
                if (read.error().code == ErrorCode::not_found)
                    continue;  // pruned while we listed
                return std::move(read).error();
            }
            std::string_view content = read->content();
            size_t last_newline = content.rfind('\n');
            size_t keep = last_newline == std::string_view::npos ? 0 : last_newline + 1;
            bool last = i + 1 == segments.size();
            if (last && !segment.compressed && keep < content.size()) {
                int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
                if (fd < 0)
                    return files::from_errno(errno, "opening segment", path);
                Status cut = quarantine_tail(signal, path, fd, keep, content.substr(keep));
                ::close(fd);
                SC_TRY(std::move(cut));
            }
            if (last) {
                fresh.of(signal) = segment.compressed ? ActiveSegment {segment.id.day, segment.id.number + 1, 0}
                                                      : ActiveSegment {segment.id.day, segment.id.number, keep};
            }
            if (signal != Signal::events)
                continue;
            size_t position = 0;
            while (position < keep) {
                size_t end = content.find('\n', position);
                std::string_view line = content.substr(position, end - position);
                EventView event;
                if (parser.parse(line, read->bytes.size() - position, event)) {
                    std::vector<StreamRecord>& versions = records[std::string(event.stream)];
                    if (versions.size() < event.version)
                        versions.resize(event.version);
                    StreamRecord& record = versions[event.version - 1];
                    if (!record.present())
                        record = StreamRecord {event.seq,
                                               segment.id.day,
                                               segment.id.number,
                                               position,
                                               static_cast<uint32_t>(line.size()),
                                               fnv1a64(event.id)};
                    fresh.seq = std::max(fresh.seq, event.seq);
                    fresh.last_time_unix_nanos = std::max(fresh.last_time_unix_nanos, event.time_unix_nanos);
                }
                position = end + 1;
            }
        }
    }

    // Write the new stream indexes beside the old ones, then swap folders, so a reader finds a
    // complete index or none (and then falls back to scanning).
    SC_TRY(make_private_directories(layout.index_folder()));
    std::string suffix = "-" + std::to_string(pid);
    std::string fresh_folder = layout.index_folder() + "/streams.new" + suffix;
    std::string old_folder = layout.index_folder() + "/streams.old" + suffix;
    remove_flat_folder(fresh_folder);
    remove_flat_folder(old_folder);
    SC_TRY(make_private_directories(fresh_folder));
    std::string content;
    std::vector<HeadSlot> slots;
    slots.reserve(records.size());
    for (const auto& [stream_name, versions] : records) {
        content.clear();
        for (const StreamRecord& record : versions)
            append_stream_record(content, record);
        SC_TRY(files::create_exclusive(fresh_folder + "/" + stream_file_name(stream_name), content, k_file_mode));
        StreamKey key = stream_key(stream_name);
        slots.push_back(HeadSlot {key.key, key.key2, versions.size(), 0, 0});
    }
    if (::rename(layout.streams_folder().c_str(), old_folder.c_str()) != 0 && errno != ENOENT)
        return files::from_errno(errno, "moving the old stream index aside", layout.streams_folder());
    if (::rename(fresh_folder.c_str(), layout.streams_folder().c_str()) != 0)
        return files::from_errno(errno, "installing the rebuilt stream index", layout.streams_folder());
    remove_flat_folder(old_folder);

    // A new generation nobody has mapped before: every writer that cached the old index sees
    // the change in the head and maps the new one.
    uint64_t capacity = k_heads_min_capacity;
    while (slots.size() * 10 > capacity * 7)
        capacity *= 2;
    SC_TRY(HeadsTable::create(heads_path(capacity), capacity, slots));
    std::random_device random;
    uint64_t generation = ((static_cast<uint64_t>(random()) << 20) ^ random()) % 1'000'000'000'000ULL + 1;
    int fd = ::open(log_path(generation).c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, k_file_mode);
    if (fd < 0)
        return files::from_errno(errno, "creating", log_path(generation));
    ::close(fd);
    if (DIR* directory = ::opendir(layout.index_folder().c_str())) {  // older logs and tables
        std::string keep_log = log_file_name(generation);
        std::string keep_heads = heads_file_name(capacity);
        while (dirent* entry = ::readdir(directory)) {
            std::string_view name = entry->d_name;
            if ((name.starts_with("log-") && name != keep_log) ||
                (name.starts_with("heads") && name != keep_heads && name.find(".tmp-") == std::string_view::npos))
                ::unlinkat(::dirfd(directory), entry->d_name, 0);
        }
        ::closedir(directory);
    }
    fresh.index_generation = generation;
    fresh.index_log_bytes = 0;
    fresh.heads_capacity = capacity;
    fresh.heads_count = slots.size();
    head = fresh;
    SC_TRY(open_head());  // the head file there now (index/ may have been deleted)
    SC_TRY(save_head());
    Result<HeadsTable> mapped = HeadsTable::open(heads_path(capacity), capacity, map_heads);
    if (!mapped.ok())
        return std::move(mapped).error();
    log_fd = ::open(log_path(generation).c_str(), O_RDWR | O_CLOEXEC);
    if (log_fd < 0)
        return files::from_errno(errno, "opening", log_path(generation));
    heads = std::move(mapped.value());
    index_generation = generation;
    return {};
}

}  // namespace sc::store

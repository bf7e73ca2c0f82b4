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
#include <unordered_map>

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
    SC_TRY(open_head());
    return write_head(head_fd, layout.head_path(), head);
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
    return rebuild();  // bytes the head counted are gone: trust only the segments
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
        size_t position = 0;
        while (position < keep) {
            size_t end = content.find('\n', position);
            std::string_view line = content.substr(position, end - position);
            EventView event;
            if (parser.parse(line, bytes.size() - position, event)) {
                StreamState* state = SC_TRY(stream(std::string(event.stream)));
                if (state->records + 1 == event.version) {
                    std::string record;
                    append_stream_record(record, StreamRecord {event.seq, active.day, active.number, from + position,
                                                               static_cast<uint32_t>(line.size()), fnv1a64(event.id)});
                    SC_TRY(
                        write_all(state->fd, record, layout.streams_folder() + "/" + stream_file_name(event.stream)));
                    state->records = event.version;
                } else if (state->records < event.version) {
                    return rebuild();  // a gap in the stream's versions: the index cannot be patched
                }
                head.seq = std::max(head.seq, event.seq);
                head.last_time_unix_nanos = std::max(head.last_time_unix_nanos, event.time_unix_nanos);
            }
            position = end + 1;
        }
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
    ++counters.index_rebuilds;
    close_streams();
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
    for (const auto& [stream_name, versions] : records) {
        content.clear();
        for (const StreamRecord& record : versions)
            append_stream_record(content, record);
        SC_TRY(files::create_exclusive(fresh_folder + "/" + stream_file_name(stream_name), content, k_file_mode));
    }
    if (::rename(layout.streams_folder().c_str(), old_folder.c_str()) != 0 && errno != ENOENT)
        return files::from_errno(errno, "moving the old stream index aside", layout.streams_folder());
    if (::rename(fresh_folder.c_str(), layout.streams_folder().c_str()) != 0)
        return files::from_errno(errno, "installing the rebuilt stream index", layout.streams_folder());
    remove_flat_folder(old_folder);
    head = fresh;
    return save_head();
}

}  // namespace sc::store

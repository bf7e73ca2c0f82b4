#include "store/store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <unordered_map>

#include "store/hash.hpp"
#include "store/segment_file.hpp"
#include "store/writer.hpp"
#include "util/files.hpp"
#include "util/text.hpp"

namespace sc::store {

std::string_view durability_name(Durability durability) {
    switch (durability) {
        case Durability::none:
            return "none";
        case Durability::batch:
            return "batch";
        case Durability::always:
            return "always";
    }
    return "none";
}

bool parse_durability(std::string_view name, Durability& durability) {
    for (Durability candidate : {Durability::none, Durability::batch, Durability::always}) {
        if (durability_name(candidate) == name) {
            durability = candidate;
            return true;
        }
    }
    return false;
}

Store::Impl::~Impl() {
    close_streams();
    for (Signal signal : k_all_signals)
        close_segment(signal);
    if (head_fd >= 0)
        ::close(head_fd);
    if (lock_fd >= 0)
        ::close(lock_fd);
}

void Store::Impl::close_segment(Signal signal) {
    auto index = static_cast<size_t>(signal);
    if (segment_fds[index] < 0)
        return;
    if (unsynced[index])
        ::fdatasync(segment_fds[index]);  // Durability::batch: a rolled segment is flushed now
    ::close(segment_fds[index]);
    segment_fds[index] = -1;
    unsynced[index] = false;
}

void Store::Impl::close_streams() {
    for (auto& [name, state] : streams) {
        if (state.fd >= 0)
            ::close(state.fd);
    }
    streams.clear();
}

Status Store::Impl::lock() {
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (lock_fd < 0) {
            lock_fd = ::open(layout.lock_path().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, k_file_mode);
            if (lock_fd < 0) {
                int saved = errno;
                if (saved == ENOENT)
                    return make_error(ErrorCode::not_found, "the telemetry store folder is missing",
                                      Location {layout.root(), 0, {}},
                                      "create it, or point telemetry.dir / SCOPECRAFT_TELEMETRY_DIR elsewhere");
                return files::from_errno(saved, "opening the store lock", layout.lock_path());
            }
        }
        while (::flock(lock_fd, LOCK_EX) != 0) {
            if (errno != EINTR)
                return files::from_errno(errno, "locking the store", layout.lock_path());
        }
        struct stat info {};
        if (::fstat(lock_fd, &info) == 0 && info.st_nlink > 0)
            return {};
        // The lock file was deleted while we waited: another writer may already hold a lock on
        // a new file at the same path, so ours protects nothing. Start again.
        ::close(lock_fd);
        lock_fd = -1;
    }
    return make_error(ErrorCode::io, "the store lock file keeps disappearing", Location {layout.lock_path(), 0, {}},
                      "stop whatever deletes files in the store folder");
}

void Store::Impl::unlock() {
    if (lock_fd >= 0)
        ::flock(lock_fd, LOCK_UN);
}

Status Store::Impl::write_all(int fd, std::string_view bytes, const std::string& path) {
    while (!bytes.empty()) {
        ssize_t wrote = ::write(fd, bytes.data(), bytes.size());
        if (wrote < 0) {
            if (errno == EINTR)
                continue;
            return files::from_errno(errno, "appending to", path);
        }
        if (wrote == 0)
            return make_error(ErrorCode::io, "the disk accepted no bytes", Location {path, 0, {}},
                              "free some disk space and try again");
        bytes.remove_prefix(static_cast<size_t>(wrote));
    }
    return {};
}

Result<StreamState*> Store::Impl::stream(const std::string& name) {
    if (streams.size() > 1024)
        close_streams();  // bound the descriptors a long-lived writer holds
    StreamState& state = streams[name];
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::string path = layout.streams_folder() + "/" + stream_file_name(name);
        if (state.fd < 0) {
            state.fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, k_file_mode);
            if (state.fd < 0 && errno == ENOENT) {
                if (Status made = make_private_directories(layout.streams_folder()); !made.ok()) {
                    streams.erase(name);
                    return std::move(made).error();
                }
                state.fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, k_file_mode);
            }
            if (state.fd < 0) {
                Error error = files::from_errno(errno, "opening stream index", path);
                streams.erase(name);
                return error;
            }
        }
        struct stat info {};
        if (::fstat(state.fd, &info) != 0 || info.st_nlink == 0) {
            ::close(state.fd);  // index rebuilt or deleted: open the file that is there now
            state = StreamState {};
            continue;
        }
        auto size = static_cast<uint64_t>(info.st_size);
        state.records = size / k_stream_record_bytes;
        if (size % k_stream_record_bytes != 0 &&
            ::ftruncate(state.fd, static_cast<off_t>(state.records * k_stream_record_bytes)) != 0)
            return files::from_errno(errno, "cutting a torn index record", path);
        if (state.records < state.ids_loaded) {
            state.id_versions.clear();
            state.ids_loaded = 0;
        }
        return &state;
    }
    return make_error(ErrorCode::io, "stream index keeps disappearing", Location {layout.streams_folder(), 0, {}});
}

Status Store::Impl::load_ids(StreamState& state, const std::string& name) {
    if (state.ids_loaded >= state.records)
        return {};
    std::string path = layout.streams_folder() + "/" + stream_file_name(name);
    size_t bytes = (state.records - state.ids_loaded) * k_stream_record_bytes;
    std::string text(bytes, '\0');
    ssize_t got = ::pread(state.fd, text.data(), bytes, static_cast<off_t>(state.ids_loaded * k_stream_record_bytes));
    if (got < 0)
        return files::from_errno(errno, "reading stream index", path);
    size_t complete = static_cast<size_t>(got) / k_stream_record_bytes;
    for (size_t i = 0; i < complete; ++i) {
        StreamRecord record;
        if (decode_stream_record(std::string_view(text).substr(i * k_stream_record_bytes, k_stream_record_bytes),
                                 record) &&
            record.present())
            state.id_versions[record.id_hash] = state.ids_loaded + i + 1;
    }
    state.ids_loaded += complete;
    return {};
}

Status Store::Impl::prepare(Signal signal, int64_t now, size_t batch_bytes) {
    SC_TRY(open_head());
    Result<HeadState> read = read_head(head_fd, layout.head_path());
    if (read.ok())
        head = *read;
    else if (read.error().code == ErrorCode::not_found)
        SC_TRY(rebuild());
    else
        return std::move(read).error();
    SC_TRY(validate_active(signal, false));

    ActiveSegment& active = head.of(signal);
    Day today = day_of_unix_nanos(std::max(now, head.last_time_unix_nanos));
    ActiveSegment next = active;
    if (active.number == 0 || today > active.day)
        next = ActiveSegment {today, 1, 0};
    else if (active.size > 0 && active.size + batch_bytes > options.max_segment_bytes)
        next = ActiveSegment {active.day, active.number + 1, 0};
    if (next != active) {
        // The head names the new segment before anything is written to it, so a writer that
        // dies right after writing leaves bytes the next writer finds and recovers.
        close_segment(signal);
        active = next;
        SC_TRY(save_head());
    }
    if (segment_fds[static_cast<size_t>(signal)] >= 0 && segment_ids[static_cast<size_t>(signal)] == active.id(signal))
        return {};  // validated above and still open
    return validate_active(signal, true);
}

namespace {

// One stream touched by a batch: its state, the index records to add, and its versions.
struct PendingStream {
    StreamState* state = nullptr;
    std::string name;
    std::string records;
    uint64_t old_records = 0;
    uint64_t version = 0;
};

// An id fingerprint matched version `version` of the stream: confirm against the stored line
// (fingerprints can collide) and describe the stored event.
Result<AppendedEvent> find_stored_duplicate(Store::Impl& impl, const StreamState& state, uint64_t version,
                                            const std::string& id) {
    char text[k_stream_record_bytes];
    StreamRecord record;
    if (::pread(state.fd, text, sizeof text, static_cast<off_t>((version - 1) * k_stream_record_bytes)) !=
            static_cast<ssize_t>(sizeof text) ||
        !decode_stream_record(std::string_view(text, sizeof text), record) || !record.present())
        return make_error(ErrorCode::not_found, "no stored record");
    AppendedEvent existing {id, record.seq, version, 0, true};
    Result<SegmentBuffer> line = read_range(impl.layout, record.segment_id(), record.offset, record.length);
    if (!line.ok())
        return existing;  // pruned since: the 64-bit fingerprint is the best evidence left
    EventView view;
    if (!impl.parser.parse(line->content(), line->bytes.size(), view) || view.id != id)
        return make_error(ErrorCode::not_found, "fingerprint collision");
    existing.time_unix_nanos = view.time_unix_nanos;
    return existing;
}

}  // namespace

Result<std::vector<AppendedEvent>> Store::append(std::vector<NewEvent> events) {
    Impl& impl = *m_impl;
    std::vector<AppendedEvent> results;
    if (events.empty())
        return results;
    std::vector<char> caller_id(events.size());
    size_t estimate = 0;
    int64_t id_time = impl.clock->now_unix_nanos();
    for (size_t i = 0; i < events.size(); ++i) {
        NewEvent& event = events[i];
        SC_TRY(validate_new_event(event));
        caller_id[i] = event.id.empty() ? 0 : 1;
        if (event.id.empty())
            event.id = make_uuid_v7(id_time);
        estimate += 160 + event.id.size() + event.stream.size() + event.type.size() + event.data_json.size();
    }

    SC_TRY(impl.lock());
    struct Unlock {
        Impl& impl;
        ~Unlock() { impl.unlock(); }
    } unlock_at_exit {impl};

    int64_t now = impl.clock->now_unix_nanos();
    SC_TRY(impl.prepare(Signal::events, now, estimate));
    // Times never go backwards in seq order, even across processes with skewed clocks: a time
    // range is then a seq range, and a day folder holds exactly the events of that day.
    now = std::max(now, impl.head.last_time_unix_nanos);
    ActiveSegment& active = impl.head.of(Signal::events);
    int segment_fd = impl.segment_fds[static_cast<size_t>(Signal::events)];
    std::string segment_path = impl.layout.segment_path(active.id(Signal::events));
    const uint64_t base = active.size;
    uint64_t seq = impl.head.seq;

    impl.buffer.clear();
    std::vector<PendingStream> pending;
    std::unordered_map<std::string_view, size_t> pending_of;
    std::unordered_map<uint64_t, size_t> batch_ids;  // id hash -> result index, caller ids only
    results.reserve(events.size());
    for (size_t i = 0; i < events.size(); ++i) {
        const NewEvent& event = events[i];
        auto [slot, inserted] = pending_of.try_emplace(event.stream, pending.size());
        if (inserted) {
            StreamState* state = SC_TRY(impl.stream(event.stream));
            pending.push_back(PendingStream {state, event.stream, {}, state->records, state->records});
        }
        PendingStream& stream = pending[slot->second];
        uint64_t id_hash = fnv1a64(event.id);
        if (caller_id[i] != 0) {
            if (auto earlier = batch_ids.find(id_hash);
                earlier != batch_ids.end() && results[earlier->second].id == event.id) {
                AppendedEvent again = results[earlier->second];
                again.duplicate = true;
                results.push_back(again);
                continue;
            }
            SC_TRY(impl.load_ids(*stream.state, stream.name));
            if (auto stored = stream.state->id_versions.find(id_hash); stored != stream.state->id_versions.end()) {
                Result<AppendedEvent> existing = find_stored_duplicate(impl, *stream.state, stored->second, event.id);
                if (existing.ok()) {
                    results.push_back(*existing);
                    ++impl.counters.duplicates_skipped;
                    continue;
                }
            }
        }
        if (event.expected_version && *event.expected_version != stream.version)
            return make_error(ErrorCode::conflict,
                              "stream " + event.stream + " is at version " + std::to_string(stream.version) +
                                  ", the append expected version " + std::to_string(*event.expected_version),
                              Location {{}, 0, "expected_version"},
                              "another writer changed the stream: read it again and retry");
        ++stream.version;
        ++seq;
        size_t line_start = impl.buffer.size();
        append_envelope_line(impl.buffer, event, seq, stream.version, now, impl.pid);
        StreamRecord record {seq,
                             active.day,
                             active.number,
                             base + line_start,
                             static_cast<uint32_t>(impl.buffer.size() - line_start - 1),
                             id_hash};
        append_stream_record(stream.records, record);
        if (caller_id[i] != 0)
            batch_ids[id_hash] = results.size();
        results.push_back(AppendedEvent {event.id, seq, stream.version, now, false});
    }
    if (impl.buffer.empty())
        return results;  // every event was already stored

    // Segment first, then stream indexes, then the head. A crash anywhere leaves the head
    // behind the segment, and the next writer's recovery completes the indexes from the lines.
    auto roll_back = [&](size_t streams_written, Error error) -> Error {
        for (size_t i = 0; i < streams_written && i < pending.size(); ++i) {
            if (!pending[i].records.empty() &&
                ::ftruncate(pending[i].state->fd, static_cast<off_t>(pending[i].old_records * k_stream_record_bytes)) !=
                    0)
                error.message += "; the stream index could not be cut back (run `sc telemetry check --repair`)";
        }
        if (::ftruncate(segment_fd, static_cast<off_t>(base)) != 0)
            error.message += "; the segment could not be cut back (run `sc telemetry check --repair`)";
        return error;
    };
    if (Status written = impl.write_all(segment_fd, impl.buffer, segment_path); !written.ok())
        return roll_back(0, std::move(written).error());
    for (size_t i = 0; i < pending.size(); ++i) {
        if (pending[i].records.empty())
            continue;
        Status written = impl.write_all(pending[i].state->fd, pending[i].records,
                                        impl.layout.streams_folder() + "/" + stream_file_name(pending[i].name));
        if (!written.ok())
            return roll_back(i + 1, std::move(written).error());
    }
    if (impl.options.durability == Durability::always && ::fdatasync(segment_fd) != 0)
        return roll_back(pending.size(), files::from_errno(errno, "syncing", segment_path));
    if (impl.options.durability == Durability::batch)
        impl.unsynced[static_cast<size_t>(Signal::events)] = true;

    for (PendingStream& stream : pending) {
        stream.state->records = stream.version;
    }
    impl.counters.events_appended += seq - impl.head.seq;
    impl.head.seq = seq;
    impl.head.last_time_unix_nanos = now;
    active.size = base + impl.buffer.size();
    // The events are stored and indexed; a head that fails to update is repaired by the next
    // writer's recovery, so it does not turn a stored append into a reported failure.
    (void)impl.save_head();
    return results;
}

Result<AppendedEvent> Store::append(NewEvent event) {
    std::vector<NewEvent> one;
    one.push_back(std::move(event));
    std::vector<AppendedEvent> results = SC_TRY(append(std::move(one)));
    return results.front();
}

}  // namespace sc::store

namespace sc::store {

Status Store::append_signals(Signal signal, const std::vector<std::string>& lines) {
    if (signal == Signal::events)
        return make_error(ErrorCode::invalid_argument, "domain events are appended as events, not signal lines",
                          "use Store::append");
    Impl& impl = *m_impl;
    if (lines.empty())
        return {};
    size_t total = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        bool shaped = line.size() >= 2 && line.front() == '{' && line.back() == '}' &&
                      line.find_first_of("\n\r") == std::string::npos;
        if (!shaped || !text::is_valid_utf8(line))
            return make_error(
                ErrorCode::invalid_argument, "signal line " + std::to_string(i + 1) + " is not one compact JSON object",
                Location {{}, static_cast<int>(i + 1), {}}, "pass each OTLP JSON request serialized on one line");
        total += line.size() + 1;
    }
    SC_TRY(impl.lock());
    struct Unlock {
        Impl& impl;
        ~Unlock() { impl.unlock(); }
    } unlock_at_exit {impl};
    SC_TRY(impl.prepare(signal, impl.clock->now_unix_nanos(), total));
    auto index = static_cast<size_t>(signal);
    ActiveSegment& active = impl.head.of(signal);
    std::string path = impl.layout.segment_path(active.id(signal));
    impl.buffer.clear();
    impl.buffer.reserve(total);
    for (const std::string& line : lines) {
        impl.buffer += line;
        impl.buffer += '\n';
    }
    int fd = impl.segment_fds[index];
    const uint64_t base = active.size;
    Status written = impl.write_all(fd, impl.buffer, path);
    if (written.ok() && impl.options.durability == Durability::always && ::fdatasync(fd) != 0)
        written = files::from_errno(errno, "syncing", path);
    if (!written.ok()) {
        Error error = std::move(written).error();
        if (::ftruncate(fd, static_cast<off_t>(base)) != 0)
            error.message += "; the segment could not be cut back (run `sc telemetry check --repair`)";
        return error;
    }
    if (impl.options.durability == Durability::batch)
        impl.unsynced[index] = true;
    active.size = base + impl.buffer.size();
    impl.counters.signal_lines_appended += lines.size();
    (void)impl.save_head();
    return {};
}

Status Store::flush() {
    Impl& impl = *m_impl;
    for (Signal signal : k_all_signals) {
        auto index = static_cast<size_t>(signal);
        if (impl.segment_fds[index] >= 0 && impl.unsynced[index]) {
            if (::fdatasync(impl.segment_fds[index]) != 0)
                return files::from_errno(errno, "syncing", impl.layout.segment_path(impl.segment_ids[index]));
            impl.unsynced[index] = false;
        }
    }
    return {};
}

Status Store::rebuild_index() {
    Impl& impl = *m_impl;
    SC_TRY(impl.lock());
    struct Unlock {
        Impl& impl;
        ~Unlock() { impl.unlock(); }
    } unlock_at_exit {impl};
    ++impl.counters.index_rebuilds;
    return impl.rebuild();
}

Result<Store> Store::open(const std::string& root, StoreOptions options) {
    if (root.empty())
        return make_error(ErrorCode::invalid_argument, "no telemetry store folder given",
                          "set telemetry.dir or SCOPECRAFT_TELEMETRY_DIR");
    if (options.max_segment_bytes == 0)
        return make_error(ErrorCode::invalid_argument, "segment size limit must be above zero",
                          Location {{}, 0, "max_segment_bytes"});
    if (!files::is_directory(root)) {
        if (!options.create)
            return make_error(ErrorCode::not_found, "the telemetry store folder does not exist", Location {root, 0, {}},
                              "create it, or point telemetry.dir / SCOPECRAFT_TELEMETRY_DIR elsewhere");
        SC_TRY(make_private_directories(root));
    }
    auto impl = std::make_unique<Impl>(root);
    impl->options = options;
    impl->clock = options.clock != nullptr ? options.clock : &impl->system_clock;
    impl->pid = ::getpid();
    return Store(std::move(impl));
}

Store::Store(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

Store::~Store() {
    if (m_impl && m_impl->options.durability == Durability::batch)
        (void)flush();
}

const Layout& Store::layout() const {
    return m_impl->layout;
}

const StoreCounters& Store::counters() const {
    return m_impl->counters;
}

}  // namespace sc::store
